"""Protection against abusive queries: size, depth, alias and cost limits, turns for
large queries, timeouts, masked errors.

``protections(settings)`` lists the schema extensions the app installs. Every limit
refuses a request before it runs, with a message that names the limit; docs/api.md
("Limits and protection") lists the defaults and the messages. A large query is never
refused for want of a turn: it waits for one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from threading import Lock
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    ValidationContext,
    get_named_type,
    get_nullable_type,
    is_list_type,
    value_from_ast_untyped,
)
from neo4j.exceptions import Neo4jError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document

from graph.connection import MemoryLimitExceeded
from graph.settings import Settings
from schema.errors import UserError
from schema.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

log = logging.getLogger("aidgraph.api")

PARSED_DOCUMENTS = 256
"""How many query texts' parsed documents are kept (the parse of a front end's query
costs more than its execution's Python work)."""

VALIDATED_DOCUMENTS = 256
"""How many query texts' validation verdicts are kept."""

Extension = type[SchemaExtension] | Callable[[], SchemaExtension]

LIST_ESTIMATE = 10
"""How many items the cost limit assumes a plain list field (no ``first``) returns.

Plain lists are a project's own links (countries, contributions, documents, a
programme's components…): a handful each, rarely more than ten.
"""

TIMEOUT_CODES = frozenset(
    {
        "Neo.ClientError.Transaction.TransactionTimedOut",
        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    }
)
"""The Neo4j codes of a transaction stopped by its timeout (server or client set)."""


def protections(settings: Settings) -> list[Extension]:
    """The extensions that bound what one request may ask for, per ``settings``."""
    limits = Limits(settings.max_depth, settings.max_aliases, settings.max_cost)
    turns = LargeQueryTurns(settings.large_query_cost, settings.large_queries_at_once)
    extensions: list[Extension] = [
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(ParserCache, maxsize=PARSED_DOCUMENTS),
        partial(QueryLimits, limits=limits, turns=turns),
        partial(MaskUnexpectedErrors, timeout_seconds=settings.query_timeout_seconds),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return extensions


# --- Depth, aliases and cost ----------------------------------------------------------
#
# Strawberry's QueryDepthLimiter and MaxAliasesLimiter walk every fragment spread anew:
# twenty fragments that each spread the next one twice (about 250 tokens) keep the event
# loop busy for seconds. One walk here measures all three limits and visits each named
# fragment once.


@dataclass(frozen=True)
class Measure:
    """What a selection asks for: estimated field resolutions, deepest nesting, aliases."""

    cost: int = 0
    depth: int = 0
    aliases: int = 0

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            self.cost + other.cost, max(self.depth, other.depth), self.aliases + other.aliases
        )


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_aliases: int
    max_cost: int

    def exceeded(self, measure: Measure) -> list[str]:
        """A message for each limit ``measure`` is over."""
        messages = []
        if measure.depth > self.max_depth:
            messages.append(
                f"query depth {measure.depth:,} exceeds the limit of {self.max_depth:,}"
            )
        if measure.aliases > self.max_aliases:
            messages.append(f"{measure.aliases:,} aliases exceed the limit of {self.max_aliases:,}")
        if measure.cost > self.max_cost:
            messages.append(
                f"query cost {measure.cost:,} exceeds the limit of {self.max_cost:,} "
                f"({measure.cost / self.max_cost:.1f}× over)"
            )
        return messages


class LargeQueryTurns:
    """Turns for large queries: at most ``at_once`` operations whose estimated cost
    reaches ``cost`` execute at once in this process; the others wait, in arrival order.
    Smaller operations never wait.

    A large query's time is mostly Python (microseconds for every field of its answer),
    which a process runs for one request at a time: executing more of them at once only
    interleaves them, so that each takes longer and all their rows are held at once. With
    the benchmark's nested query (cost 38,481) sent over HTTP by 8 clients at once to one
    process, two turns cut its p99 from 297-374 ms to 244-288, for 3-6% fewer requests
    per second (docs/design.md, "Large queries take turns").
    """

    def __init__(self, cost: int, at_once: int) -> None:
        self.cost = cost
        self.at_once = at_once
        # One per event loop: a semaphore is bound to the loop it first waits in, and the
        # app may be served by one loop after another (tests do).
        self._bound: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    @asynccontextmanager
    async def turn(self, cost: int) -> AsyncIterator[None]:
        """Holds a turn while an operation of ``cost`` executes, if it is large."""
        if cost < self.cost:
            yield
            return
        loop = asyncio.get_running_loop()
        if self._bound is None or self._bound[0] is not loop:
            self._bound = (loop, asyncio.Semaphore(self.at_once))
        async with self._bound[1]:
            yield


class QueryLimits(SchemaExtension):
    """Validates an operation, then refuses it, before it runs, when it is over ``limits``
    (see ``measure``); a large one executes in its turn (``LargeQueryTurns``).

    graphql-core's rules depend on the document alone, so their verdict is cached by
    query text: front ends send the same few queries again and again, and validating
    one of their size took longer than running it. The limits depend on variables
    (``first: $n``), so they are measured for every request, in one walk.
    """

    def __init__(self, limits: Limits, turns: LargeQueryTurns) -> None:
        self.limits = limits
        self.turns = turns
        self.cost = 0
        """The estimated cost of the operation the request executes, once validated."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.query is not None:
            rules = tuple(context.validation_rules)
            errors = _validated.errors(context.schema._schema, rules, context.query, document)
            if not errors:
                measures = measure_operations(context.schema._schema, document, context.variables)
                errors = [
                    GraphQLError(message, operation)
                    for operation, measured in measures
                    for message in self.limits.exceeded(measured)
                ]
                self.cost = _executed_cost(measures, context.operation_name)
            # Set, even when empty, so that Strawberry does not validate the document again.
            context.pre_execution_errors = errors
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        async with self.turns.turn(self.cost):
            yield


def _executed_cost(
    measures: list[tuple[OperationDefinitionNode, Measure]], name: str | None
) -> int:
    """The cost of the operation named ``name`` (of the only one when ``None``; without
    a name a document of several is refused before it runs)."""
    return max(
        (
            measured.cost
            for operation, measured in measures
            if name is None or (operation.name is not None and operation.name.value == name)
        ),
        default=0,
    )


class _ValidationCache:
    """graphql-core's (and Strawberry's) verdict on a document, by its query text.

    Keyed by text, not by document: a document parsed from the same text is the same
    document, and documents hash by walking their whole tree. Bounded, so that a client
    sending ever new queries cannot grow it.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.verdicts: OrderedDict[Hashable, list[GraphQLError]] = OrderedDict()
        self.lock = Lock()

    def errors(
        self,
        schema: GraphQLSchema,
        rules: tuple[type[ASTValidationRule], ...],
        query: str,
        document: DocumentNode,
    ) -> list[GraphQLError]:
        key = (schema, rules, query)
        with self.lock:
            if key in self.verdicts:
                self.verdicts.move_to_end(key)
                return self.verdicts[key]
        verdict = validate_document(schema, document, rules)
        with self.lock:
            self.verdicts[key] = verdict
            if len(self.verdicts) > self.size:
                self.verdicts.popitem(last=False)
        return verdict


_validated = _ValidationCache(VALIDATED_DOCUMENTS)


def measure_operations(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None
) -> list[tuple[OperationDefinitionNode, Measure]]:
    """Each operation of ``document`` with its ``measure``."""
    context = ValidationContext(schema, document, TypeInfo(schema), lambda error: None)
    return [
        (operation, measure(context, operation, variables or {}))
        for operation in document.definitions
        if isinstance(operation, OperationDefinitionNode)
    ]


def measure(
    context: ValidationContext, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> Measure:
    """The depth, aliases and cost of ``operation``.

    Depth counts the fields on the longest path, the leaf included. Aliases are counted
    wherever a fragment is spread. Cost estimates field resolutions: each field counts 1
    times the multipliers of the fields above it. A field with ``first`` multiplies by
    ``first`` (20 when absent); a plain list field by ``LIST_ESTIMATE``; a list directly
    inside a page (a connection's ``edges``) is that page, so it does not multiply again.
    """
    root = context.schema.get_root_type(operation.operation)
    defaults = {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    walk = _Walk(context, {**defaults, **variables})
    return walk.selections(operation.selection_set, root, in_page=False, seen=frozenset())


class _Walk:
    """One walk of an operation, which measures each named fragment once."""

    def __init__(self, context: ValidationContext, variables: Mapping[str, Any]) -> None:
        self.context = context
        self.variables = dict(variables)
        self.fragments = {
            definition.name.value: definition
            for definition in context.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.measured: dict[tuple[str, bool], Measure] = {}

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType | None,
        in_page: bool,
        seen: frozenset[str],
    ) -> Measure:
        total = Measure()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, in_page, seen)
            elif isinstance(selection, InlineFragmentNode):
                kind = self.type_of(selection.type_condition) or parent
                total += self.selections(selection.selection_set, kind, in_page, seen)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, in_page, seen)
        return total

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType | None,
        in_page: bool,
        seen: frozenset[str],
    ) -> Measure:
        alias = 1 if node.alias else 0
        fields: dict[str, GraphQLField] = getattr(parent, "fields", {})
        definition = fields.get(node.name.value)
        if definition is None or node.name.value.startswith("__"):
            # Introspection is bounded by the schema (and GraphiQL's query is deep);
            # unknown fields are reported by graphql-core. Aliases inside still count.
            if node.selection_set is None:
                return Measure(aliases=alias)
            inner = self.selections(node.selection_set, None, False, seen)
            return Measure(aliases=alias + inner.aliases)
        if node.selection_set is None:
            return Measure(cost=1, depth=1, aliases=alias)
        paged = "first" in definition.args
        if paged:
            multiplier = self.page_size(node)
        elif is_list_type(get_nullable_type(definition.type)) and not in_page:
            multiplier = LIST_ESTIMATE
        else:
            multiplier = 1
        inner = self.selections(node.selection_set, get_named_type(definition.type), paged, seen)
        return Measure(1 + multiplier * inner.cost, 1 + inner.depth, alias + inner.aliases)

    def fragment(self, name: str, in_page: bool, seen: frozenset[str]) -> Measure:
        definition = self.fragments.get(name)
        if definition is None or name in seen:  # unknown or cyclic: reported by other rules
            return Measure()
        key = (name, in_page)
        if key not in self.measured:
            kind = self.type_of(definition.type_condition)
            self.measured[key] = self.selections(
                definition.selection_set, kind, in_page, seen | {name}
            )
        return self.measured[key]

    def page_size(self, node: FieldNode) -> int:
        """``first`` as the resolver will see it, capped: a larger one is refused anyway."""
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        value = None if argument is None else value_from_ast_untyped(argument.value, self.variables)
        if not isinstance(value, int) or isinstance(value, bool):
            return DEFAULT_PAGE_SIZE
        return min(max(value, 0), MAX_PAGE_SIZE)

    def type_of(self, node: NamedTypeNode | None) -> GraphQLNamedType | None:
        return None if node is None else self.context.schema.get_type(node.name.value)


# --- Errors ---------------------------------------------------------------------------


def is_unexpected(error: GraphQLError) -> bool:
    """Whether ``error``'s message must be hidden from the client.

    Parse and validation errors have no original error; ``UserError`` messages and
    graphql-core's own (argument coercion) are written for clients. Anything else may
    hold Cypher, paths or values.
    """
    original = error.original_error
    return original is not None and not isinstance(original, UserError | GraphQLError)


def is_timeout(error: BaseException | None) -> bool:
    return isinstance(error, Neo4jError) and error.code in TIMEOUT_CODES


MEMORY_MESSAGE = "the query needed more memory than the server allows a transaction"


class MaskUnexpectedErrors(MaskErrors):
    """Replaces unexpected errors by "Unexpected error." (logged here in full), and a
    Neo4j transaction timeout or memory refusal by a message that says which limit it hit."""

    def __init__(self, timeout_seconds: float) -> None:
        super().__init__(should_mask_error=is_unexpected)
        self.timeout_seconds = timeout_seconds

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if is_timeout(error.original_error):
            log.warning("query timed out at %s", error.path)
            message = f"the query took longer than the {self.timeout_seconds:g} s limit"
        elif isinstance(error.original_error, MemoryLimitExceeded):
            log.warning("query over the server's transaction memory at %s", error.path)
            message = MEMORY_MESSAGE
        else:
            log.error("unexpected error at %s", error.path, exc_info=error.original_error)
            message = self.error_message
        # No original_error: nothing of the exception may reach the response.
        return GraphQLError(
            message, error.nodes, error.source, error.positions, error.path, original_error=None
        )
