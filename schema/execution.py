"""Field execution planned once per request and selection, not once per object.

graphql-core and Strawberry do the same work for every field of every object: look the
field up, build a resolve info, coerce and convert its arguments, run Strawberry's
resolver wrappers, then complete the value through the generic path. For the nested
benchmark query (4,300 fields over data already read) that was 85 to 100 ms, of which
our own code took a tenth.

Everything but the resolver call and the value depends on the field's place in the
query, not on the object. ``PlannedExecution`` works it out once per request for each
selected field (``FieldPlan``): the resolver, its arguments converted, whether it needs
an ``Info``; a scalar or enum value is then completed in line. Objects, lists, abstract
types, awaited values and every error go through graphql-core as before, so the
answers and errors are graphql-core's.

Arguments are converted once and shared by every object the field is resolved on:
resolvers must not change them (none do).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.values import get_argument_values
from graphql.pyutils import AwaitableOrValue, Path, Undefined, UndefinedType
from strawberry.schema.schema import Schema, StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

Resolve = Callable[[Any, Path], Any]


class FieldPlan:
    """How one selected field is resolved on any object: made once per request."""

    __slots__ = ("info", "leaf", "non_null", "resolve", "return_type")

    def __init__(self, field_def: GraphQLField, resolve: Resolve, info: Any) -> None:
        self.return_type: GraphQLOutputType = field_def.type
        self.non_null = is_non_null_type(field_def.type)
        nullable = get_nullable_type(field_def.type)
        self.leaf: GraphQLLeafType | None = nullable if is_leaf_type(nullable) else None
        self.resolve = resolve
        # graphql-core's completion reads the field, its types and the schema from this,
        # never the path (it is given that apart): one serves every object
        self.info = info


class PlannedExecution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution, with each selected field planned once (``FieldPlan``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # keyed like graphql-core's own memo (collect_subfields): by the identity of the
        # field's node list, kept alive with the plan so that its id is not reused
        self._plans: dict[tuple[str, int], tuple[FieldDetailsList, FieldPlan | None]] = {}
        strawberry_schema: Schema | None = getattr(self.schema, "_strawberry_schema", None)
        self._strawberry = strawberry_schema
        self._plannable = (
            strawberry_schema is not None
            and not (self.middleware_manager and self.middleware_manager.middlewares)
            and not strawberry_schema.exception_handlers
        )

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        plan = self._plan(parent_type, field_details_list, path) if self._plannable else None
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
                return self._leaf(plan, parent_type, field_details_list, result)
            completed = self.complete_value(
                plan.return_type, field_details_list, plan.info, path, result, position_context
            )
            if self.is_awaitable(completed):
                return self._completed_later(plan, field_details_list, path, completed)
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.return_type, field_details_list, path)
            return None
        return completed

    def _leaf(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        result: Any,
    ) -> Any:
        """A scalar or enum value completed as graphql-core completes it."""
        assert plan.leaf is not None
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            if plan.non_null:
                name = field_details_list[0].node.name.value
                raise TypeError(f"Cannot return null for non-nullable field {parent_type}.{name}.")
            return None
        return self.complete_leaf_value(plan.leaf, result)

    async def _completed_later(
        self,
        plan: FieldPlan,
        field_details_list: FieldDetailsList,
        path: Path,
        completed: Awaitable[Any],
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.return_type, field_details_list, path)
            return None

    def _plan(
        self, parent_type: GraphQLObjectType, field_details_list: FieldDetailsList, path: Path
    ) -> FieldPlan | None:
        key = (parent_type.name, id(field_details_list))
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        plan = self._make_plan(parent_type, field_details_list, path)
        self._plans[key] = (field_details_list, plan)
        return plan

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
            raw_arguments = get_argument_values(
                field_def,
                details.node,
                self.variable_values,
                details.fragment_variable_values,
                self.hide_suggestions,
            )
            arguments = convert_arguments(
                raw_arguments,
                field.arguments,
                scalar_registry=strawberry_schema.schema_converter.scalar_registry,
                config=strawberry_schema.config,
                info=info_at(path),
            )
        except Exception:
            return None  # graphql-core reports it, at each object, as it always has
        return FieldPlan(field_def, _resolver(field, arguments, info_at), completion)


def _resolver(
    field: StrawberryField, arguments: dict[str, Any], info_at: Callable[[Path], Any]
) -> Resolve:
    """How to call ``field``'s resolver on an object at a path, as Strawberry calls it."""
    resolver = field.base_resolver
    if resolver is None:
        default, name = field.default_resolver, field.python_name
        return lambda source, path: default(source, name)
    function = cast(Callable[..., Any], resolver.wrapped_func)
    with_self = resolver.self_parameter is not None
    sources = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    if not (sources or info_name):
        if with_self:
            return lambda source, path: function(source, **arguments)
        return lambda source, path: function(**arguments)

    def resolve(source: Any, path: Path) -> Any:
        keywords = dict(arguments)
        for name in sources:
            keywords[name] = source
        if info_name is not None:
            keywords[info_name] = info_at(path)
        return function(source, **keywords) if with_self else function(**keywords)

    return resolve


def _nodes(field_details_list: FieldDetailsList) -> list[Any]:
    return [details.node for details in field_details_list]
