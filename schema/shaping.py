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
  rows, for a list of scalars or a field given arguments); but a Node's value is shaped
  from its row itself, with no object made, where every field selected reads only the
  row: a stored property, by the read that defines it (``schema.properties``), a link
  read ahead, ``__typename``;
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
from operator import attrgetter
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
from schema.node import Node, ReadAhead, ahead_of, node_of
from schema.pagination import decode_cursor, encode_cursor, list_scope
from schema.properties import property_read

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


class Over:
    """What a shaper is given for an object: the object, or the row a Node object would
    be made from (``Node.from_row``); either way, how to reach its node's properties and
    the rows read ahead for it."""

    def __init__(self, props: Callable[[Any], Row], ahead: Callable[[Any], ReadAhead]) -> None:
        self.props = props
        self.ahead = ahead


OBJECTS = Over(attrgetter("_props"), attrgetter("_ahead"))
ROWS = Over(node_of, ahead_of)


class Shaping:
    """The shapers of one request's selections."""

    def __init__(self, execution: PlannedExecution) -> None:
        # weakly: the execution holds its shaping, and a cycle between them would leave
        # every request's shapers, plans and what they refer to for the collector
        self.execution = cast("PlannedExecution", weakref.proxy(execution))
        # by type, the identity of the node list and what it is given, the list kept
        # alive with its shaper so that its id is not reused (as graphql-core's own memo
        # of collected fields does)
        self._objects: dict[tuple[str, int, Over], tuple[FieldDetailsList, Shaper | None]] = {}

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

    def object(
        self, object_type: GraphQLObjectType, nodes: FieldDetailsList, over: Over = OBJECTS
    ) -> Shaper | None:
        """The shaper of ``object_type`` objects with ``nodes``' selection (given the rows
        they would be made from, ``over`` ``ROWS``)."""
        key = (object_type.name, id(nodes), over)
        known = self._objects.get(key)
        if known is None:
            known = self._objects[key] = (nodes, self._object(object_type, nodes, over))
        return known[1]

    def made(self, graphql_type: GraphQLOutputType, nodes: FieldDetailsList) -> Shaper | None:
        """The shaper of a row into the value of the object of ``graphql_type`` (its
        named type) made from it: a Node's from the row itself where every field selected
        reads it (a stored property, a link read ahead), else from the object made."""
        object_type = get_named_type(graphql_type)
        if not isinstance(object_type, GraphQLObjectType):
            return None
        origin = _origin(object_type)
        # how its objects are made from a row, if they are: every Node type, by
        # ``Node.from_row``, and those showing one through a field
        from_row: Callable[[Row], Any] | None = getattr(origin, "from_row", None)
        if origin is None or from_row is None:
            return None
        if issubclass(origin, Node):
            from_rows = self.object(object_type, nodes, ROWS)
            if from_rows is not None:
                return from_rows
        shape = self.object(object_type, nodes)
        return None if shape is None else lambda row: shape(from_row(row))

    def _object(
        self, object_type: GraphQLObjectType, nodes: FieldDetailsList, over: Over
    ) -> Shaper | None:
        parts = self._fields(object_type, nodes, over)
        if parts is None:
            return None

        if len(parts) == 1:  # as often as not (a donor's name): no comprehension to run
            [(name, part)] = parts
            return lambda value: None if value is None else {name: part(value)}

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
        self, object_type: GraphQLObjectType, nodes: FieldDetailsList, over: Over
    ) -> list[tuple[str, Shaper]] | None:
        selected = self.selected(object_type, nodes)
        if selected is None:
            return None
        parts = []
        for name, _, field_nodes in selected:
            part = self._field(object_type, name, field_nodes, over)
            if part is None:
                return None
            parts.append((name, part))
        return parts

    def _field(
        self, object_type: GraphQLObjectType, name: str, field_nodes: FieldDetailsList, over: Over
    ) -> Shaper | None:
        if field_nodes[0].node.name.value == "__typename":
            return _constant(object_type.name)
        plan = self.execution._plan(object_type, field_nodes, Path(None, name, object_type.name))
        if plan is None:
            return None
        if plan.may_wait:
            return self._link(object_type, plan, field_nodes, over)
        if over is ROWS:
            return _stored_leaf(self.execution, plan)
        resolve = plan.on_object  # a resolver without an Info: paths are not needed
        if resolve is None:
            return None
        if plan.leaf is not None:
            return _completed_leaf(plan, resolve, self.execution._leaf)
        complete = self.of(plan.return_type, field_nodes)
        if complete is None:
            return None
        return lambda value: complete(_now(resolve(value)))

    def _link(
        self,
        object_type: GraphQLObjectType,
        plan: FieldPlan,
        field_nodes: FieldDetailsList,
        over: Over,
    ) -> Shaper | None:
        """A link field answered from the rows read ahead: a connection's, and a list's or
        single object's of a type made from rows, from the rows themselves; any other's
        through its resolver (which answers at once from them, given the object)."""
        entry = FOLLOWS.get(object_type.name, {}).get(plan.info.field_name)
        page = None if entry is None else plan.page_ahead
        if entry is None or page is None:
            return None
        ahead = over.ahead
        if entry.shape is Shape.CONNECTION:
            return self._connection(plan, field_nodes, page, over)
        item = None if field_nodes[0].node.arguments else self.made(plan.return_type, field_nodes)
        if item is not None:
            # what its resolver (``_all`` or ``_one``) makes of the rows, without it
            if entry.shape is Shape.ONE:
                return _one_made(item, page, ahead, plan.non_null)
            return lambda value: [item(row) for row in _ahead(ahead(value), page)]
        complete = self.of(plan.return_type, field_nodes)
        if complete is None or over is not OBJECTS:
            return None
        resolve = plan.resolve_once()

        def shape(value: Any) -> Any:
            _ahead(value._ahead, page)
            return complete(_now(resolve(value)))

        return shape

    def _connection(
        self, plan: FieldPlan, field_nodes: FieldDetailsList, page: Page, over: Over
    ) -> Shaper | None:
        connection_type = get_named_type(plan.return_type)
        selected = self.selected(connection_type, field_nodes)
        if selected is None or not isinstance(connection_type, GraphQLObjectType):
            return None
        skip, limit = page.skip, page.limit
        parts: list[tuple[str, PagePart]] = []
        for name, field_name, nodes in selected:
            part = self._connection_part(connection_type, field_name, nodes, skip, limit)
            if part is None:
                return None
            parts.append((name, part))
        key_property = page.listing.link.parent_key
        after: str | None = plan.arguments.get("after")
        props, ahead = over.props, over.ahead

        def shape(value: Any) -> Any:
            rows = _ahead(ahead(value), page)

            def scope() -> str:
                return list_scope(page.listing, str(props(value)[key_property]))

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
        if selected is None:
            return None
        parts: list[tuple[str, Callable[[Row, int, Callable[[], str]], Any]]] = []
        for name, field_name, field_nodes in selected:
            if field_name == "__typename":
                parts.append((name, _constant(edge_type.name)))
            elif field_name == "cursor":
                parts.append((name, lambda row, offset, scope: encode_cursor(offset, scope())))
            elif field_name == "node":
                node = self.made(edge_type.fields["node"].type, field_nodes)
                if node is None:
                    return None
                parts.append((name, _node_part(node)))
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


def _completed_leaf(
    plan: FieldPlan, resolve: Callable[[Any], Any], leaf: Callable[[FieldPlan, Any], Any]
) -> Shaper:
    """A scalar or enum field: what ``resolve`` returns, completed as graphql-core
    completes it."""
    if plan.leaf in _TEXTS:
        return _text_leaf(plan, resolve, leaf)
    return lambda value: leaf(plan, _now(resolve(value)))


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


def _origin(object_type: GraphQLObjectType) -> type | None:
    """The Python class of ``object_type``'s objects."""
    definition = object_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) else None


def _ahead(ahead: ReadAhead, page: Page) -> list[Row]:
    """The rows of ``page`` in ``ahead``, those read ahead for an object: ``Unshaped`` if
    they were not (the field's resolver reads them)."""
    rows: list[Row] | None = ahead.get(page)
    if rows is None:
        raise Unshaped
    return rows


def _one_made(
    item: Shaper, page: Page, ahead: Callable[[Any], ReadAhead], non_null: bool
) -> Shaper:
    """A single link field: the first row read ahead, shaped by ``item``."""

    def shape(value: Any) -> Any:
        rows = _ahead(ahead(value), page)
        if rows:
            return item(rows[0])
        if non_null:
            raise Unshaped  # completed field by field, which reports where the null is
        return None

    return shape


def _stored_leaf(execution: PlannedExecution, plan: FieldPlan) -> Shaper | None:
    """A field that is a stored property (``schema.properties``), read from a row's node
    as its resolver reads it from the object's."""
    read = property_read(plan.field)
    if read is None or plan.leaf is None:
        return None
    arguments, props = plan.arguments, ROWS.props
    if arguments:
        return _completed_leaf(plan, lambda row: read(props(row), **arguments), execution._leaf)
    return _completed_leaf(plan, lambda row: read(props(row)), execution._leaf)


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


def _node_part(node: Shaper) -> Callable[[Row, int, Callable[[], str]], Any]:
    return lambda row, offset, scope: node(row)


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
