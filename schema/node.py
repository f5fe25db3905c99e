"""The Node interface: global IDs that name a type and a key, for client caches.

A global ID is the URL-safe base64 of ``<Type>:<key>`` (``Project:MLI/801``): opaque to
clients, stable across requests and API replicas, and enough for ``node(id:)`` to fetch
the object again.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import field
from operator import itemgetter
from typing import Self

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

ReadAhead = Mapping[Page, list[Row]]
"""Rows read ahead for one object, by the page of its link field they answer."""

NONE_AHEAD: ReadAhead = {}
"""No rows read ahead (never written to)."""


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
    _ahead: strawberry.Private[ReadAhead] = field(default_factory=dict)
    """Rows read ahead for the object's link fields (``schema.lookahead``)."""

    @classmethod
    def from_row(cls, row: Row) -> Self:
        """The object over a row's node, with the rows read ahead for it (what
        ``schema.shaping`` reads of a row in its stead: ``node_of`` and ``ahead_of``)."""
        return cls(_props=node_of(row), _ahead=ahead_of(row))

    @strawberry.field(description="Global ID: unique across all types, stable across requests.")
    def id(self) -> strawberry.ID:
        type_name = type(self).__name__
        return strawberry.ID(
            encode_global_id(type_name, str(self._props[NODE_KINDS[type_name].key]))
        )


node_of: Callable[[Row], Row] = itemgetter("node")
"""The properties of a row's node."""


def ahead_of(row: Row) -> ReadAhead:
    """The rows read ahead under a row's node (``graph.reads``: its ``nested``)."""
    ahead: ReadAhead = row.get("nested", NONE_AHEAD)
    return ahead
