"""Look-ahead's table of link fields agrees with the schema (no database needed)."""

from __future__ import annotations

from strawberry.types.base import StrawberryObjectDefinition

from graph.reads import NodeKind
from schema.lookahead import FOLLOWS
from schema.query import schema

KEYS = {kind.label: kind.key for kind in NodeKind}


def test_every_link_field_is_on_its_type_and_follows_from_its_node() -> None:
    for type_name, fields in FOLLOWS.items():
        definition = schema.get_type_by_name(type_name)
        assert isinstance(definition, StrawberryObjectDefinition), type_name
        names = {schema.config.name_converter.get_graphql_name(f) for f in definition.fields}
        for field_name, entry in fields.items():
            assert field_name in names, f"{type_name}.{field_name}"
            assert entry.link.match.startswith(f"MATCH (:{type_name} {{"), entry.link
            assert entry.link.parent_key == KEYS[type_name]
            assert entry.to is None or entry.to in FOLLOWS, entry.to
