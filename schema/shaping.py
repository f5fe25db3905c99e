"""Values completed whole, straight from objects and the rows read ahead for them.

``schema.execution`` completes an object field by field, as graphql-core does: a path, a
resolver call and an awaitable check for every field of every object, and for each
connection read ahead, the ``Connection``, edges, cursors and page info its resolver
builds before they are completed in turn. For the nested benchmark query (3,000 objects)
that was 31 ms of Python per request, twice the hand-written Cypher's whole time.

Where every field of a selection resolves at once, ``Shaping`` makes one function from
an object to its response value instead, planned once per request:

- a leaf: its resolver (one that needs no ``Info``) and graphql-core's serialisation,
  but for a ``str`` a ``String`` or ``ID`` resolver returns, which is its own value;
- a list or single link field: each row read ahead made an object by its type's
  ``from_row``, as the field's resolver makes them (or the resolver itself, over those
  rows, for a list of scalars or a field given arguments);
- a connection link field: straight from the rows read ahead (edges, page info, cursors
  and the total read with them), as ``schema.pagination.build_connection`` shows them;
- any other object: its fields, shaped in turn.

Nothing is awaited or located. A value it cannot shape (a page not read ahead, a null
where the schema says non-null, any error) is completed again field by field, which
reports it where graphql-core would: shaping only reads, so doing it twice changes
nothing but the time.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from types import GeneratorType
from typing import TYPE_CHECKING, Any, cast

from graphql import (
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema_converter import GraphQLCoreConverter

from graph.reads import CountedRows, Page, Row
from schema.lookahead import FOLLOWS, Shape
from schema.pagination import decode_cursor, encode_cursor, list_scope

if TYPE_CHECKING:
    from schema.execution import FieldPlan, PlannedExecution

Shaper = Callable[[Any], Any]
"""An object (or a list, or a leaf value) to its response value; ``Unshaped`` when it
must be completed field by field."""

PagePart = Callable[[list[Row], Callable[[], str]], Any]
"""A part of a connection read ahead: from its rows and its list's scope (made only when
a cursor needs it) to the part's response value."""


class Unshaped(Exception):
    """A value shaping cannot complete: it is completed field by field instead."""


class Shaping:
    """The shapers of one request's selections."""

    def __init__(self, execution: PlannedExecution) -> None:
        # weakly: the execution holds its shaping, and a cycle between them would leave
        # every request's shapers, plans and what they refer to for the collector
        self.execution = cast("PlannedExecution", weakref.proxy(execution))
        # by type and the identity of the node list, kept alive with its shaper so that
        # its id is not reused (as graphql-core's own memo of collected fields does)
        self._objects: dict[tuple[str, int], tuple[FieldDetailsList, Shaper | None]] = {}

    def clear(self) -> None:
        """Forgets the shapers planned (they are planned again if asked for)."""
        self._objects.clear()

    def of(self, return_type: GraphQLOutputType, nodes: FieldDetailsList) -> Shaper | None:
        """The shaper of values of ``return_type`` with ``nodes``' selection, or ``None``
        when some field of it cannot be shaped."""
        if isinstance(return_type, GraphQLNonNull):
            inner = self.of(return_type.of_type, nodes)
            return None if inner is None else _non_null(inner)
        if isinstance(return_type, GraphQLList):
            item = self.of(return_type.of_type, nodes)
            return None if item is None else _listed(item)
        if is_leaf_type(return_type):
            return _leaf(self.execution, return_type)
        if isinstance(return_type, GraphQLObjectType):
            return self.object(return_type, nodes)
        return None  # an interface or a union: which type is known only per value

    def object(self, object_type: GraphQLObjectType, nodes: FieldDetailsList) -> Shaper | None:
        """The shaper of ``object_type`` objects with ``nodes``' selection."""
        key = (object_type.name, id(nodes))
        known = self._objects.get(key)
        if known is None:
            known = self._objects[key] = (nodes, self._object(object_type, nodes))
        return known[1]

    def _object(self, object_type: GraphQLObjectType, nodes: FieldDetailsList) -> Shaper | None:
        parts = self._fields(object_type, nodes)
        if parts is None:
            return None

        def shape(value: Any) -> Any:
            if value is None:
                return None
            return {name: part(value) for name, part in parts}

        return shape

    def selected(
        self, object_type: Any, nodes: FieldDetailsList
    ) -> list[tuple[str, str, FieldDetailsList]] | None:
        """Each field ``nodes`` select of an object type: its response key, its name and
        its nodes; ``None`` for another type, a deferred fragment or a directive beyond
        @skip and @include (which field collection has already applied)."""
        if not isinstance(object_type, GraphQLObjectType):
            return None
        grouped, deferred, _ = self.execution.collect_subfields(object_type, nodes)
        if deferred or any(_directed(details) for details in nodes):
            return None
        selected = []
        for name, field_nodes in grouped.items():
            if any(_directed(details) for details in field_nodes):
                return None
            selected.append((name, field_nodes[0].node.name.value, field_nodes))
        return selected

    def _fields(
        self, object_type: GraphQLObjectType, nodes: FieldDetailsList
    ) -> list[tuple[str, Shaper]] | None:
        selected = self.selected(object_type, nodes)
        if selected is None:
            return None
        parts = []
        for name, _, field_nodes in selected:
            part = self._field(object_type, name, field_nodes)
            if part is None:
                return None
            parts.append((name, part))
        return parts

    def _field(
        self, object_type: GraphQLObjectType, name: str, field_nodes: FieldDetailsList
    ) -> Shaper | None:
        if field_nodes[0].node.name.value == "__typename":
            return _constant(object_type.name)
        plan = self.execution._plan(object_type, field_nodes, Path(None, name, object_type.name))
        if plan is None:
            return None
        if plan.may_wait:
            return self._link(object_type, plan, field_nodes)
        resolve = plan.on_object  # a resolver without an Info: paths are not needed
        if resolve is None:
            return None
        if plan.leaf is not None:
            leaf = self.execution._leaf
            if plan.leaf in _TEXTS:
                return _text_leaf(plan, resolve, leaf)
            return lambda value: leaf(plan, _now(resolve(value)))
        complete = self.of(plan.return_type, field_nodes)
        if complete is None:
            return None
        return lambda value: complete(_now(resolve(value)))

    def _link(
        self, object_type: GraphQLObjectType, plan: FieldPlan, field_nodes: FieldDetailsList
    ) -> Shaper | None:
        """A link field answered from the rows read ahead: a connection's, and a list's or
        single object's of a type made from rows, from the rows themselves; any other's
        through its resolver (which answers at once from them)."""
        entry = FOLLOWS.get(object_type.name, {}).get(plan.info.field_name)
        page = None if entry is None else plan.page_ahead
        if entry is None or page is None:
            return None
        if entry.shape is Shape.CONNECTION:
            return self._connection(plan, field_nodes, page)
        complete = self.of(plan.return_type, field_nodes)
        if complete is None:
            return None
        from_row = _from_row(plan.return_type)
        if from_row is not None and not field_nodes[0].node.arguments:
            # what its resolver (``_all`` or ``_one``) makes of the rows, without it
            if entry.shape is Shape.ONE:
                return lambda value: complete(_first(_ahead(value, page), from_row))
            return lambda value: complete([from_row(row) for row in _ahead(value, page)])
        resolve = plan.resolve_once()

        def shape(value: Any) -> Any:
            _ahead(value, page)
            return complete(_now(resolve(value)))

        return shape

    def _connection(
        self, plan: FieldPlan, field_nodes: FieldDetailsList, page: Page
    ) -> Shaper | None:
        connection_type = get_named_type(plan.return_type)
        selected = self.selected(connection_type, field_nodes)
        if selected is None or not isinstance(connection_type, GraphQLObjectType):
            return None
        skip, limit = page.skip, page.limit - 1
        parts: list[tuple[str, PagePart]] = []
        for name, field_name, nodes in selected:
            part = self._connection_part(connection_type, field_name, nodes, skip, limit)
            if part is None:
                return None
            parts.append((name, part))
        key_property = page.listing.link.parent_key
        after: str | None = plan.arguments.get("after")

        def shape(value: Any) -> Any:
            rows = _ahead(value, page)

            def scope() -> str:
                return list_scope(page.listing, str(value._props[key_property]))

            if after is not None:
                decode_cursor(after, scope())  # a cursor of another list is refused
            return {name: part(rows, scope) for name, part in parts}

        return shape

    def _connection_part(
        self,
        connection_type: GraphQLObjectType,
        field_name: str,
        nodes: FieldDetailsList,
        skip: int,
        limit: int,
    ) -> PagePart | None:
        if field_name == "__typename":
            return _constant(connection_type.name)
        if field_name == "totalCount":
            return _total
        field_type = connection_type.fields[field_name].type
        if field_name == "pageInfo":
            return self._page_info(get_named_type(field_type), nodes, skip, limit)
        if field_name == "edges":
            return self._edges(get_named_type(field_type), nodes, skip, limit)
        return None

    def _edges(
        self, edge_type: Any, nodes: FieldDetailsList, skip: int, limit: int
    ) -> PagePart | None:
        selected = self.selected(edge_type, nodes)
        from_row = _from_row(edge_type.fields["node"].type) if selected is not None else None
        if selected is None or from_row is None:
            return None
        parts: list[tuple[str, Callable[[Row, int, Callable[[], str]], Any]]] = []
        for name, field_name, field_nodes in selected:
            if field_name == "__typename":
                parts.append((name, _constant(edge_type.name)))
            elif field_name == "cursor":
                parts.append((name, lambda row, offset, scope: encode_cursor(offset, scope())))
            elif field_name == "node":
                node = self.of(edge_type.fields["node"].type, field_nodes)
                if node is None:
                    return None
                parts.append((name, _node_part(node, from_row)))
            else:
                return None

        def edges(rows: list[Row], scope: Callable[[], str]) -> list[dict[str, Any]]:
            return [
                {name: part(row, skip + index, scope) for name, part in parts}
                for index, row in enumerate(rows[:limit])
            ]

        return edges

    def _page_info(
        self, page_info_type: Any, nodes: FieldDetailsList, skip: int, limit: int
    ) -> PagePart | None:
        selected = self.selected(page_info_type, nodes)
        if selected is None:
            return None
        parts: list[tuple[str, PagePart]] = []
        for name, field_name, _ in selected:
            part = _PAGE_INFO.get(field_name)
            if part is None:
                return None
            parts.append((name, part(page_info_type.name, skip, limit)))
        return lambda rows, scope: {name: part(rows, scope) for name, part in parts}


_TEXTS = (GraphQLString, GraphQLID)
"""Scalars that serialise a ``str`` as itself (graphql-core's ``serialize_string`` and
``serialize_id``)."""


def _text_leaf(
    plan: FieldPlan, resolve: Callable[[Any], Any], leaf: Callable[[FieldPlan, Any], Any]
) -> Shaper:
    """A ``String`` or ``ID`` field: a ``str`` its resolver returns is its value, as
    serialising it would make it; anything else is completed as any leaf is."""

    def shape(value: Any) -> Any:
        result = resolve(value)
        if type(result) is str:
            return result
        return leaf(plan, _now(result))

    return shape


def _from_row(graphql_type: GraphQLOutputType) -> Callable[[Row], Any] | None:
    """How the objects of ``graphql_type`` (its named type) are made from a row, if they
    are (``from_row``: every node type, and those showing one through a field)."""
    definition = get_named_type(graphql_type).extensions.get(
        GraphQLCoreConverter.DEFINITION_BACKREF
    )
    from_row: Callable[[Row], Any] | None = getattr(
        getattr(definition, "origin", None), "from_row", None
    )
    return from_row


def _ahead(value: Any, page: Page) -> list[Row]:
    """The rows of ``page`` read ahead for the object ``value``: ``Unshaped`` if they were
    not (the field's resolver reads them)."""
    rows: list[Row] | None = value._ahead.get(page)
    if rows is None:
        raise Unshaped
    return rows


def _first(rows: list[Row], from_row: Callable[[Row], Any]) -> Any:
    return from_row(rows[0]) if rows else None


_SETTLED: dict[type, bool] = {}
"""Whether values of a type are never awaitable, by type: asking ``inspect`` about every
value a resolver returns cost more than the rest of shaping it."""


def _now(value: Any) -> Any:
    """``value``, which a resolver returned: ``Unshaped`` if it is to be awaited (from a
    resolver that did not say so), closed first, as field by field it is asked again."""
    kind = type(value)
    settled = _SETTLED.get(kind)
    if settled is None:
        settled = not inspect.isawaitable(value)
        if not isinstance(value, GeneratorType):  # awaitable or not by its code's flags
            _SETTLED[kind] = settled
    if settled:
        return value
    if inspect.iscoroutine(value):
        value.close()
    raise Unshaped


def _non_null(inner: Shaper) -> Shaper:
    def shape(value: Any) -> Any:
        shaped = inner(value)
        if shaped is None:
            raise Unshaped  # completed field by field, which reports where the null is
        return shaped

    return shape


def _listed(item: Shaper) -> Shaper:
    return lambda value: None if value is None else [item(element) for element in value]


def _leaf(execution: PlannedExecution, leaf_type: GraphQLLeafType) -> Shaper:
    complete_leaf = execution.complete_leaf_value
    return lambda value: None if value is None else complete_leaf(leaf_type, value)


def _node_part(
    node: Shaper, from_row: Callable[[Row], Any]
) -> Callable[[Row, int, Callable[[], str]], Any]:
    return lambda row, offset, scope: node(from_row(row))


def _total(rows: list[Row], scope: Callable[[], str]) -> int:
    if not isinstance(rows, CountedRows):
        raise Unshaped
    return rows.total


def _constant(value: str) -> Callable[..., str]:
    return lambda *ignored: value


def _cursor_at(
    rows: list[Row], skip: int, limit: int, last: bool, scope: Callable[[], str]
) -> str | None:
    shown = min(len(rows), limit)
    if not shown:
        return None
    return encode_cursor(skip + (shown - 1 if last else 0), scope())


_PAGE_INFO: dict[str, Callable[[str, int, int], PagePart]] = {
    "__typename": lambda type_name, skip, limit: lambda rows, scope: type_name,
    "hasNextPage": lambda type_name, skip, limit: lambda rows, scope: len(rows) > limit,
    "hasPreviousPage": lambda type_name, skip, limit: lambda rows, scope: skip > 0,
    "startCursor": lambda type_name, skip, limit: (
        lambda rows, scope: _cursor_at(rows, skip, limit, False, scope)
    ),
    "endCursor": lambda type_name, skip, limit: (
        lambda rows, scope: _cursor_at(rows, skip, limit, True, scope)
    ),
}
"""Each ``PageInfo`` field of a page read ahead, as ``build_connection`` sets it."""


def _directed(details: Any) -> bool:
    """Whether a field node carries a directive beyond @skip and @include (which field
    collection has already applied)."""
    return any(d.name.value not in ("skip", "include") for d in details.node.directives or ())
