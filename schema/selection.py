"""What a request selects below the field being resolved, with each field's arguments as
its resolver would receive them.

Strawberry's ``info.selected_fields`` gives arguments raw: a literal enum as its name, an
``Int`` literal as text, a variable as graphql-core coerced it. Look-ahead must build the
same ``Listing`` the resolver will build from its converted arguments (a filter, an
order) or the page it reads answers nothing, so each selected field keeps its syntax
node, and ``Selection.arguments`` converts them as graphql-core and Strawberry do for
the resolver.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    SelectionNode,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField


@dataclass(frozen=True)
class Selected:
    """A selected field: its name, its syntax node, and the fields selected below it
    (through fragments, whatever their type condition)."""

    name: str
    node: FieldNode
    fields: tuple[Selected, ...]


class Selection:
    """The fields selected below the field an ``info`` resolves, read from its syntax."""

    def __init__(self, info: GraphQLResolveInfo[Any]) -> None:
        self._info = info

    def resolved(self) -> tuple[Selected, ...]:
        """The field being resolved, once per syntax node (one field may be selected in
        several places, merged)."""
        return tuple(self._fields(self._info.field_nodes))

    def fields(self) -> tuple[Selected, ...]:
        """The fields selected of the value of the field being resolved."""
        return tuple(self._fields(_below(self._info.field_nodes)))

    def arguments(self, type_name: str, field: Selected) -> dict[str, Any] | None:
        """``field``'s arguments on an object of type ``type_name``, converted by Python
        name as its resolver receives them (``None`` when they do not convert: the
        resolver reports why)."""
        schema = self._info.schema
        parent = schema.get_type(type_name)
        if not isinstance(parent, GraphQLObjectType):
            return None
        definition = parent.fields.get(field.name)
        strawberry_schema = getattr(schema, "_strawberry_schema", None)
        if definition is None or strawberry_schema is None:
            return None
        variables = self._info.variable_values
        if not isinstance(variables, VariableValues):
            # Strawberry's resolve info holds the coerced values alone; graphql-core's
            # coercion reads them from its container (sources are for fragment variables)
            variables = VariableValues(sources={}, coerced=variables)
        try:
            return resolver_arguments(strawberry_schema, definition, field.node, variables)
        except Exception:
            return None

    def _fields(self, nodes: Sequence[SelectionNode]) -> Iterator[Selected]:
        for node in nodes:
            if isinstance(node, FieldNode):
                yield Selected(node.name.value, node, tuple(self._fields(_below([node]))))
            elif isinstance(node, FragmentSpreadNode):
                fragment = self._info.fragments[node.name.value]
                yield from self._fields(fragment.selection_set.selections)
            else:  # an inline fragment
                yield from self._fields(_below([node]))


def resolver_arguments(
    strawberry_schema: Any,
    definition: GraphQLField,
    node: FieldNode,
    variable_values: Any,
    *coercion: Any,
    info: Any = None,
) -> dict[str, Any]:
    """The arguments ``node`` gives the field ``definition``, coerced by graphql-core (with
    ``coercion``'s further options) and converted by Strawberry, as its resolver receives
    them. Raises when they do not coerce."""
    field = definition.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField):
        raise TypeError(f"{node.name.value} is not a Strawberry field")
    raw = get_argument_values(definition, node, variable_values, *coercion)
    return convert_arguments(
        raw,
        field.arguments,
        scalar_registry=strawberry_schema.schema_converter.scalar_registry,
        config=strawberry_schema.config,
        info=info,
    )


def _below(nodes: Sequence[SelectionNode]) -> Sequence[SelectionNode]:
    return [
        selection
        for node in nodes
        if getattr(node, "selection_set", None) is not None
        for selection in node.selection_set.selections  # type: ignore[attr-defined]
    ]
