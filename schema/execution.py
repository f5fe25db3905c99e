"""Field execution planned once per request and selection, not once per object.

graphql-core and Strawberry do the same work for every field of every object: look the
field up, build a resolve info, coerce and convert its arguments, run Strawberry's
resolver wrappers, then complete the value through the generic path, object by object.
For the nested benchmark query (4,300 fields over data already read) that was 85 to
100 ms, of which our own code took a tenth.

Everything but the resolver call and the value depends on the field's place in the
query, not on the object. ``PlannedExecution`` works it out once per request for each
selected field (``FieldPlan``): the resolver, its arguments converted, whether it needs
an ``Info``; a scalar or enum value is then completed in line. And where every field of
a selection resolves at once (no ``async`` resolver, and no ``Later`` one but link fields
whose pages were read ahead), a value is completed in one pass (``_Completion``), with
no graphql-core work per object: shaped whole where it can be (``schema.shaping``),
else field by field. Anything else (abstract types, fields that wait,
objects without their pages) goes through graphql-core as before, and errors are
located and propagated as graphql-core does, so the answers are graphql-core's.

Fields met once are not planned: a list's items are planned when the list holds several,
and a field's at its second object.
Arguments are converted once and shared by every object the field is resolved on:
resolvers must not change them (none do).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar, cast

from graphql import (
    ExecutionResult,
    ExperimentalIncrementalExecutionResults,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.executor import invalid_return_type_error
from graphql.pyutils import AwaitableOrValue, Path, Undefined, UndefinedType
from strawberry.schema.schema import Schema, StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

from graph.reads import Page
from schema.lookahead import FOLLOWS, page_ahead
from schema.selection import Selection, resolver_arguments
from schema.shaping import Shaping

Resolve = Callable[[Any, Path], Any]


class FieldPlan:
    """How one selected field is resolved on any object: made once per request."""

    __slots__ = (
        "_page",
        "arguments",
        "attribute",
        "field",
        "info",
        "info_at",
        "leaf",
        "may_wait",
        "non_null",
        "null_error",
        "on_object",
        "path",
        "resolve",
        "return_type",
        "uses_info",
    )

    def __init__(
        self,
        field_def: GraphQLField,
        field: StrawberryField,
        arguments: dict[str, Any],
        info_at: Callable[[Path], Any],
        info: Any,
        path: Path,
    ) -> None:
        self.field = field
        self.return_type: GraphQLOutputType = field_def.type
        self.non_null = is_non_null_type(field_def.type)
        nullable = get_nullable_type(field_def.type)
        self.leaf: GraphQLLeafType | None = nullable if is_leaf_type(nullable) else None
        self.arguments = arguments
        """Converted once, and shared by every object: resolvers must not change them."""
        self.info_at = info_at
        # graphql-core's completion reads the field, its types and the schema from this,
        # never the path (it is given that apart): one serves every object
        self.info = info
        self.path = path
        self.null_error = (
            f"Cannot return null for non-nullable field {info.parent_type}.{info.field_name}."
        )
        self.attribute: str | None = None
        """The attribute a scalar or enum without a resolver is read from."""
        if self.leaf is not None and field.base_resolver is None:
            self.attribute = field.python_name
        self.may_wait = _may_wait(field)
        resolver = field.base_resolver
        self.uses_info = resolver is not None and resolver.info_parameter is not None
        """Whether the resolver takes an ``Info``, which names the path of each object."""
        self.on_object = None if self.uses_info else _on_object(field, arguments)
        """The resolver on any object, when it takes no ``Info``."""
        self.resolve = _resolver(field, arguments, info_at, self.on_object)
        self._page: Page | UndefinedType | None = Undefined

    @property
    def page_ahead(self) -> Page | None:
        """The page the field answers from when it was read ahead (``None``: not a link
        field look-ahead reads)."""
        if isinstance(self._page, UndefinedType):
            self._page = _page_ahead(self.info.parent_type.name, self)
        return self._page

    def resolve_once(self) -> Callable[[Any], Any]:
        """The resolver on any object, given one ``Info`` (at the field's first path) for
        all: for resolvers that use it only when their rows were not read ahead."""
        info = self.info_at(self.path)
        resolve = _resolver(self.field, self.arguments, lambda path: info)
        return lambda source: resolve(source, self.path)


class PlannedExecution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution, with each selected field planned once (``FieldPlan``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # keyed like graphql-core's own memo (collect_subfields): by the identity of the
        # field's node list, kept alive with the plan so that its id is not reused
        self._plans: _Memo[FieldPlan] = _Memo()
        self._completers: _Memo[Complete] = _Memo()
        self.shaping = Shaping(self)
        strawberry_schema: Schema | None = getattr(self.schema, "_strawberry_schema", None)
        self._strawberry = strawberry_schema
        self._plannable = (
            strawberry_schema is not None
            and not (self.middleware_manager and self.middleware_manager.middlewares)
            and not strawberry_schema.exception_handlers
        )

    def build_response(
        self, data: dict[str, Any] | None
    ) -> ExecutionResult | ExperimentalIncrementalExecutionResults:
        """The response, after which the request's plans and shapers are dropped, and
        once it is whole (no deferred part to follow), graphql-core's helpers for
        resolvers, bound methods of this execution.

        Plans and shapers refer to the execution, and those helpers keep it in a cycle:
        all of it (700 objects for the nested benchmark query) waited for the collector,
        in pauses of 30-57 ms every 70 such requests. Now the driver's result objects
        (under 100 per statement) are all a request leaves to it."""
        response = super().build_response(data)
        self._plans.clear()
        self._completers.clear()
        self.shaping.clear()
        if isinstance(response, ExecutionResult):
            del self.async_helpers  # nothing resolves after a whole response
        return response

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        plan = None
        if self._plannable:
            plan = self._plan(parent_type, field_details_list, path, now=False)
        if plan is None:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        try:
            result = plan.resolve(source, path)
            if self.is_awaitable(result):
                return self.complete_awaitable_value(
                    plan.return_type, field_details_list, plan.info, path, result, position_context
                )
            if plan.leaf is not None:
                return self._leaf(plan, result)
            completed = self.complete_value(
                plan.return_type, field_details_list, plan.info, path, result, position_context
            )
            if self.is_awaitable(completed):
                return self._awaited(completed, plan.return_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.return_type, field_details_list, path)
            return None
        return completed

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        complete = None
        if self._plannable and position_context is None and not isinstance(result, Exception):
            key = (id(return_type), id(field_details_list))
            arguments = (field_details_list, return_type, info)
            make = self._make_completer
            # a list of several items meets its item's fields again: plan it at once
            now = type(result) is list and len(result) > 1
            complete = self._completers.get(key, field_details_list, now, make, *arguments)
        if complete is None:
            return super().complete_value(
                return_type, field_details_list, info, path, result, position_context
            )
        return complete(result, path)

    def complete_by_fields(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
    ) -> AwaitableOrValue[Any]:
        """``result`` completed by graphql-core, field by field."""
        return super().complete_value(return_type, field_details_list, info, path, result, None)

    def _leaf(self, plan: FieldPlan, result: Any) -> Any:
        """A scalar or enum value completed as graphql-core completes it."""
        assert plan.leaf is not None
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            if plan.non_null:
                raise TypeError(plan.null_error)
            return None
        return self.complete_leaf_value(plan.leaf, result)

    async def _awaited(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        """A value completed later, its error handled as graphql-core handles it."""
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    def _plan(
        self,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        now: bool = True,
    ) -> FieldPlan | None:
        key = (parent_type.name, id(field_details_list))
        arguments = (parent_type, field_details_list, path)
        return self._plans.get(key, field_details_list, now, self._make_plan, *arguments)

    def _make_completer(
        self, field_details_list: FieldDetailsList, return_type: GraphQLOutputType, info: Any
    ) -> Complete | None:
        return _Completion(self, info).of(return_type, field_details_list)

    def _make_plan(
        self, parent_type: GraphQLObjectType, field_details_list: FieldDetailsList, path: Path
    ) -> FieldPlan | None:
        """The field's plan, or ``None`` to leave it to graphql-core: fields Strawberry did
        not make, with field extensions (permissions), or whose arguments fail."""
        details = field_details_list[0]
        field_def = self.schema.get_field(parent_type, details.node.name.value)
        if field_def is None:
            return None
        field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        strawberry_schema = self._strawberry
        if strawberry_schema is None or not isinstance(field, StrawberryField) or field.extensions:
            return None
        info_class = strawberry_schema.config.info_class
        nodes = _nodes(field_details_list)

        def info_at(at: Path) -> Any:
            raw = self.build_resolve_info(field_def, nodes, parent_type, at)
            return info_class(_raw_info=raw, _field=field)

        completion = self.build_resolve_info(field_def, nodes, parent_type, path)

        try:
            arguments = resolver_arguments(
                strawberry_schema,
                field_def,
                details.node,
                self.variable_values,
                details.fragment_variable_values,
                self.hide_suggestions,
                info=info_at(path),
            )
        except Exception:
            return None  # graphql-core reports it, at each object, as it always has
        return FieldPlan(field_def, field, arguments, info_at, completion, path)


V = TypeVar("V")


class _Memo(Generic[V]):
    """What a request made for each selected field, by the identity of its node list.

    Like graphql-core's own memo (``collect_subfields``), it keeps each list alive with
    what was made for it, so that its id is not reused. Asked with ``now=False``, it
    makes nothing the first time a field is met: a field resolved once (the root object
    of the benchmark's linked query has forty) costs more to plan than it saves; a list
    meets its fields again at its second item. A list of several items has its
    completer made at once (``PlannedExecution.complete_value``).
    """

    def __init__(self) -> None:
        self._made: dict[Hashable, tuple[FieldDetailsList, V | None]] = {}
        self._seen: dict[Hashable, FieldDetailsList] = {}

    def get(
        self,
        key: Hashable,
        nodes: FieldDetailsList,
        now: bool,
        make: Callable[..., V | None],
        *arguments: Any,
    ) -> V | None:
        """What was made for ``key``, or ``make(*arguments)`` made now (called only then:
        this is asked for every field and value)."""
        known = self._made.get(key)
        if known is not None:
            return known[1]
        if not now and key not in self._seen:
            self._seen[key] = nodes
            return None
        made = make(*arguments)
        self._made[key] = (nodes, made)
        return made

    def clear(self) -> None:
        """Forgets what was made (it is made again if asked for)."""
        self._made.clear()
        self._seen.clear()


Complete = Callable[[Any, Path], Any]
"""Completes a field's value at a path: the response's value, or an awaitable of it."""


class _Completion:
    """Completers for the values of one field, made once per request: for a selection
    whose every field resolves at once (no ``async`` resolver, no ``Later`` but link
    fields read ahead), the whole value is completed in one pass, without graphql-core's
    per-object work. An object whose pages were not read ahead is left to graphql-core."""

    def __init__(self, execution: PlannedExecution, info: Any) -> None:
        self.execution = execution
        self.info = info  # the field's, for graphql-core (see FieldPlan.info)

    def of(self, return_type: GraphQLOutputType, nodes: FieldDetailsList) -> Complete | None:
        """The completer for values of ``return_type`` with ``nodes``' selection, or
        ``None`` when some part of it may wait or is abstract."""
        if isinstance(return_type, GraphQLNonNull):
            return self._non_null(return_type, nodes)
        if isinstance(return_type, GraphQLList):
            return self._list(return_type, nodes)
        if is_leaf_type(return_type):
            return self._leaf(return_type)
        if isinstance(return_type, GraphQLObjectType):
            return self._object(return_type, nodes)
        return None

    def _non_null(
        self, return_type: GraphQLNonNull[Any], nodes: FieldDetailsList
    ) -> Complete | None:
        inner = self.of(return_type.of_type, nodes)
        if inner is None:
            return None
        field = f"{self.info.parent_type}.{self.info.field_name}"

        def complete(value: Any, path: Path) -> Any:
            completed = inner(value, path)
            if completed is None:
                raise TypeError(f"Cannot return null for non-nullable field {field}.")
            return completed

        return complete

    def _list(self, return_type: GraphQLList[Any], nodes: FieldDetailsList) -> Complete | None:
        item_type = return_type.of_type
        item = self.of(item_type, nodes)
        if item is None:
            return None
        execution = self.execution

        def complete(value: Any, path: Path) -> Any:
            if value is None:
                return None
            completed = []
            waiting = False
            for index, element in enumerate(value):
                at = path.add_key(index, None)
                try:
                    done = item(element, at)
                    if execution.is_awaitable(done):
                        done = execution._awaited(done, item_type, nodes, at)
                        waiting = True
                except Exception as raw_error:
                    execution.handle_field_error(raw_error, item_type, nodes, at)
                    done = None
                completed.append(done)
            return _gathered_list(completed) if waiting else completed

        return complete

    def _leaf(self, return_type: GraphQLLeafType) -> Complete:
        complete_leaf = self.execution.complete_leaf_value
        return lambda value, path: None if value is None else complete_leaf(return_type, value)

    def _object(self, return_type: GraphQLObjectType, nodes: FieldDetailsList) -> Complete | None:
        execution = self.execution
        shape = execution.shaping.object(return_type, nodes)
        if shape is None:
            return self._by_fields(return_type, nodes)
        info = self.info
        by_fields: list[Complete | None] = []  # made for the first value shaping fails

        def complete_object(value: Any, path: Path) -> Any:
            try:
                return shape(value)
            except Exception:
                pass  # completed again, field by field, which locates the error
            if not by_fields:
                by_fields.append(self._by_fields(return_type, nodes))
            complete = by_fields[0]
            if complete is None:
                return execution.complete_by_fields(return_type, nodes, info, path, value)
            return complete(value, path)

        return complete_object

    def _by_fields(
        self, return_type: GraphQLObjectType, nodes: FieldDetailsList
    ) -> Complete | None:
        """The completer of objects field by field, each field planned."""
        execution = self.execution
        selected = execution.shaping.selected(return_type, nodes)
        if selected is None:
            return None
        fields: list[tuple[str, FieldDetailsList, FieldPlan, Complete]] = []
        pages: list[Page] = []
        for name, _, field_nodes in selected:
            at = Path(None, name, return_type.name)
            plan = execution._plan(return_type, field_nodes, at)
            if plan is None:
                return None
            if plan.may_wait:
                page = plan.page_ahead
                if page is None:
                    return None
                pages.append(page)
            complete = _Completion(execution, plan.info).of(plan.return_type, field_nodes)
            if complete is None:
                return None
            fields.append((name, field_nodes, plan, complete))
        type_name, info = return_type.name, self.info
        is_type_of = return_type.is_type_of

        def complete_object(value: Any, path: Path) -> Any:
            if value is None:
                return None
            if pages and not all(page in value._ahead for page in pages):
                # graphql-core's own completion: its fields are planned one by one
                return execution.complete_by_fields(return_type, nodes, info, path, value)
            if is_type_of is not None and not is_type_of(value, info):
                raise invalid_return_type_error(return_type, value, nodes)
            completed: dict[str, Any] = {}
            waiting = []
            for name, field_nodes, plan, complete in fields:
                try:
                    if plan.attribute is not None:
                        # a scalar the object holds: no path unless it fails, as most do not
                        result = plan.field.default_resolver(value, plan.attribute)
                        completed[name] = execution._leaf(plan, result)
                        continue
                    at = Path(path, name, type_name)
                    result = plan.resolve(value, at)
                    if execution.is_awaitable(result):  # a resolver that did not say Later
                        done = execution.complete_awaitable_value(
                            plan.return_type, field_nodes, plan.info, at, result, None
                        )
                    else:
                        done = complete(result, at)
                    if execution.is_awaitable(done):
                        done = execution._awaited(done, plan.return_type, field_nodes, at)
                        waiting.append(name)
                except Exception as raw_error:
                    at = Path(path, name, type_name)
                    execution.handle_field_error(raw_error, plan.return_type, field_nodes, at)
                    done = None
                completed[name] = done
            return _gathered_object(completed, waiting) if waiting else completed

        return complete_object


def _may_wait(field: StrawberryField) -> bool:
    """Whether a resolver may return an awaitable: ``async``, or annotated ``Later``."""
    if field.is_async:
        return True
    resolver = field.base_resolver
    return resolver is not None and "Later[" in str(resolver.signature.return_annotation)


def _page_ahead(type_name: str, plan: FieldPlan) -> Page | None:
    """The page a link field answers from when it was read ahead (``None``: not a link
    field look-ahead reads, so it may wait)."""
    entry = FOLLOWS.get(type_name, {}).get(plan.info.field_name)
    if entry is None:
        return None
    selection = Selection(plan.info)
    pages = {page_ahead(entry, field, selection, type_name) for field in selection.resolved()}
    return pages.pop() if len(pages) == 1 else None


async def _gathered_list(completed: list[Any]) -> list[Any]:
    return list(await asyncio.gather(*(_settled(value) for value in completed)))


async def _gathered_object(completed: dict[str, Any], waiting: list[str]) -> dict[str, Any]:
    values = await asyncio.gather(*(completed[name] for name in waiting))
    completed.update(zip(waiting, values, strict=True))
    return completed


async def _settled(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _resolver(
    field: StrawberryField,
    arguments: dict[str, Any],
    info_at: Callable[[Path], Any],
    on_object: Callable[[Any], Any] | None = None,
) -> Resolve:
    """How to call ``field``'s resolver on an object at a path, as Strawberry calls it
    (through ``on_object`` when it was made already)."""
    resolver = field.base_resolver
    if resolver is None or resolver.info_parameter is None:
        resolve = on_object or _on_object(field, arguments)
        return lambda source, path: resolve(source)
    call, info_name = _call(resolver, arguments), resolver.info_parameter.name
    return lambda source, path: call(source, {info_name: info_at(path)})


def _on_object(field: StrawberryField, arguments: dict[str, Any]) -> Callable[[Any], Any]:
    """``field``'s resolver on an object, for a resolver that takes no ``Info`` (which
    names the object's path): a method without arguments is itself, which spares shaping
    a call per value."""
    resolver = field.base_resolver
    if resolver is None:
        default, name = field.default_resolver, field.python_name
        return lambda source: default(source, name)
    if resolver.parent_parameter or resolver.root_parameter:
        call = _call(resolver, arguments)
        return lambda source: call(source, {})
    function = cast(Callable[..., Any], resolver.wrapped_func)
    if resolver.self_parameter is None:
        return lambda source: function(**arguments)
    return function if not arguments else lambda source: function(source, **arguments)


def _call(
    resolver: StrawberryResolver[Any], arguments: dict[str, Any]
) -> Callable[[Any, dict[str, Any]], Any]:
    """A call of ``resolver`` on an object, with keywords beyond its arguments."""
    function = cast(Callable[..., Any], resolver.wrapped_func)
    with_self = resolver.self_parameter is not None
    sources = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p]

    def call(source: Any, extra: dict[str, Any]) -> Any:
        keywords = {**arguments, **extra}
        for name in sources:
            keywords[name] = source
        return function(source, **keywords) if with_self else function(**keywords)

    return call


def _nodes(field_details_list: FieldDetailsList) -> list[Any]:
    return [details.node for details in field_details_list]
