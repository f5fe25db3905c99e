"""Fields that are one stored property of their node, each defined once by how it is read.

A field made here resolves by reading its object's node properties (``_props``) through
one function, its *read*. Shaping (``schema.shaping``) asks for that read
(``property_read``) and applies it to a row's node straight away, without the object the
resolver would need: for the nested benchmark query, 1,100 objects made and resolved
only to hand stored strings on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry.types.field import StrawberryField

from graph.reads import Row

Lang = Annotated[
    str | None,
    strawberry.argument(
        description="ISO 639-1 language code (fr, en, …); the text in that language when "
        "the graph has it, else in the default language."
    ),
]

_LANGUAGE = re.compile(r"^[a-z]{2}$")

Read = Callable[..., Any]
"""A field's value from its node's properties (and the field's arguments, by name)."""

_READS: dict[object, Read] = {}
"""The read of each resolver made here, by the resolver."""


def translated(props: Row, name: str, lang: str | None) -> str | None:
    """Text property ``name`` in language ``lang`` when the node has it (as
    ``<name>_<lang>``), else in its default language."""
    if lang is not None and _LANGUAGE.match(lang) and f"{name}_{lang}" in props:
        return str(props[f"{name}_{lang}"])
    value = props.get(name)
    return None if value is None else str(value)


def stored(name: str, graphql_type: object, description: str | None = None) -> Any:
    """A field that is property ``name`` as stored, null where the node has none."""
    return _property_field(lambda props: props.get(name), graphql_type, description)


def stored_string(name: str, description: str | None = None) -> Any:
    """A ``String!`` field that is property ``name``, which every such node has."""
    return _property_field(lambda props: str(props[name]), str, description)


def translated_text(name: str, *, required: bool, description: str | None = None) -> Any:
    """A text field with a ``lang`` argument: property ``name`` in that language
    (``translated``); ``String!`` when ``required``, the empty string standing for none."""

    def read(props: Row, lang: str | None = None) -> str | None:
        value = translated(props, name, lang)
        return (value or "") if required else value

    def resolve(self: Any, lang: Lang = None) -> Any:
        return read(self._props, lang)

    _READS[resolve] = read
    graphql_type = str if required else str | None
    return strawberry.field(resolver=resolve, graphql_type=graphql_type, description=description)


def property_read(field: StrawberryField) -> Read | None:
    """How ``field`` reads its node's properties, when it was made here."""
    resolver = field.base_resolver
    return None if resolver is None else _READS.get(resolver.wrapped_func)


def _property_field(
    read: Callable[[Row], Any], graphql_type: object, description: str | None
) -> Any:
    def resolve(self: Any) -> Any:
        return read(self._props)

    _READS[resolve] = read
    return strawberry.field(resolver=resolve, graphql_type=graphql_type, description=description)
