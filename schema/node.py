"""The Node interface: global IDs that name a type and a key, for client caches.

A global ID is the URL-safe base64 of ``<Type>:<key>`` (``Project:MLI/801``): opaque to
clients, stable across requests and API replicas, and enough for ``node(id:)`` to fetch
the object again.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import field

import strawberry

from graph.reads import NodeKind, Page, Row
from schema.errors import UserError

NODE_KINDS: dict[str, NodeKind] = {
    "Project": NodeKind.PROJECT,
    "Country": NodeKind.COUNTRY,
    "Organisation": NodeKind.ORGANISATION,
    "Office": NodeKind.OFFICE,
    "Programme": NodeKind.PROGRAMME,
    "CooperationProgramme": NodeKind.COOPERATION_PROGRAMME,
    "Sector": NodeKind.SECTOR,
    "Video": NodeKind.VIDEO,
    "Document": NodeKind.DOCUMENT,
}
"""The GraphQL types that implement Node, and the graph node each is."""


def encode_global_id(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode()


def decode_global_id(global_id: str) -> tuple[str, str]:
    """(type name, key) of ``global_id``; a UserError when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(global_id.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise UserError(f"invalid global ID {global_id!r}") from None
    type_name, colon, key = text.partition(":")
    if not colon or type_name not in NODE_KINDS or not key:
        raise UserError(f"invalid global ID {global_id!r}")
    return type_name, key


@strawberry.interface(description="An object with a global ID, which node(id:) fetches again.")
class Node:
    _props: strawberry.Private[Row]
    _ahead: strawberry.Private[Mapping[Page, list[Row]]] = field(default_factory=dict)
    """Rows read ahead for the object's link fields (``schema.lookahead``)."""

    @strawberry.field(description="Global ID: unique across all types, stable across requests.")
    def id(self) -> strawberry.ID:
        type_name = type(self).__name__
        return strawberry.ID(
            encode_global_id(type_name, str(self._props[NODE_KINDS[type_name].key]))
        )
