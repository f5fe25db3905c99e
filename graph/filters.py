"""Filters and sort orders over listed nodes, compiled to parameterised Cypher.

A request's ``where`` and ``orderBy`` become values of the small algebra below (built by
``schema.where`` and ``schema.order``), and ``compile_filter``/``compile_order`` turn
them into Cypher. Request text never reaches the Cypher text: properties, relationship
hops and operators are members of fixed enums, and every value is a parameter
(``$f0``, ``$f1`` …).

Conditions are two-valued: a comparison with a missing value is false (and its ``NOT``
true), so ``NOT`` always selects the complement.

Text comparisons ignore case and accents on both sides: the stored text is folded in
Cypher (``FOLD``) and the asked-for text in Python (``fold_text``), with the same marks.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, LiteralString

Scalar = str | float | int


class Kind(Enum):
    """What a listed or related node (or, for ``CONTRIBUTION``, a relationship) is."""

    PROJECT = "Project"
    COUNTRY = "Country"
    ORGANISATION = "Organisation"
    SECTOR = "Sector"
    PROGRAMME = "Programme"
    VIDEO = "Video"
    DOCUMENT = "Document"
    CONTRIBUTION = "CONTRIBUTES_TO"


class Value(Enum):
    """How a property compares."""

    KEY = "key"  # exact strings: codes, ids
    NUMBER = "number"
    DATE = "date"  # ISO 8601 at any precision: compared as text, so 2013 < 2013-05
    TEXT = "text"  # one human text: compared folded
    TEXTS = "texts"  # a list of texts (every language): any of them


class Prop(Enum):
    """Filterable and sortable properties: (kind, Cypher expression over ``v``, value type,
    sort expression). ``v`` is the node, or for ``CONTRIBUTION`` the relationship."""

    PROJECT_CODE = (Kind.PROJECT, "v.code", Value.KEY, "v.code")
    PROJECT_TITLE = (Kind.PROJECT, "v.search_titles", Value.TEXTS, "v.title")
    PROJECT_DESCRIPTION = (Kind.PROJECT, "v.search_descriptions", Value.TEXTS, "v.description")
    PROJECT_STATUS = (Kind.PROJECT, "v.status", Value.KEY, "v.status")
    PROJECT_START_DATE = (Kind.PROJECT, "v.start_date", Value.DATE, "v.start_date")
    PROJECT_END_DATE = (Kind.PROJECT, "v.end_date", Value.DATE, "v.end_date")
    PROJECT_BUDGET = (Kind.PROJECT, "v.budget_amount", Value.NUMBER, "v.budget_amount")
    PROJECT_BUDGET_CURRENCY = (Kind.PROJECT, "v.budget_currency", Value.KEY, "v.budget_currency")
    PROJECT_HIERARCHY = (Kind.PROJECT, "v.hierarchy", Value.NUMBER, "v.hierarchy")
    COUNTRY_ISO2 = (Kind.COUNTRY, "v.iso2", Value.KEY, "v.iso2")
    COUNTRY_NAME = (Kind.COUNTRY, "v.name", Value.TEXT, "v.name")
    ORGANISATION_ID = (Kind.ORGANISATION, "v.id", Value.KEY, "v.id")
    ORGANISATION_REF = (Kind.ORGANISATION, "v.ref", Value.KEY, "v.ref")
    ORGANISATION_NAME = (
        Kind.ORGANISATION,
        "coalesce(v.aliases, []) + [v.name]",
        Value.TEXTS,
        "v.name",
    )
    SECTOR_CODE = (Kind.SECTOR, "v.code", Value.KEY, "v.code")
    SECTOR_VOCABULARY = (Kind.SECTOR, "v.vocabulary", Value.KEY, "v.vocabulary")
    SECTOR_NAME = (Kind.SECTOR, "v.name", Value.TEXT, "v.name")
    PROGRAMME_KEY = (Kind.PROGRAMME, "v.key", Value.KEY, "v.key")
    PROGRAMME_TITLE = (Kind.PROGRAMME, "v.title", Value.TEXT, "v.title")
    VIDEO_TITLE = (Kind.VIDEO, "v.search_titles", Value.TEXTS, "v.title")
    VIDEO_URL = (Kind.VIDEO, "v.url", Value.KEY, "v.url")
    DOCUMENT_TITLE = (Kind.DOCUMENT, "v.title", Value.TEXT, "v.title")
    DOCUMENT_CATEGORY = (Kind.DOCUMENT, "v.category", Value.KEY, "v.category")
    DOCUMENT_URL = (Kind.DOCUMENT, "v.url", Value.KEY, "v.url")
    CONTRIBUTION_AMOUNT = (Kind.CONTRIBUTION, "v.amount", Value.NUMBER, "v.amount")
    CONTRIBUTION_COMMITTED = (Kind.CONTRIBUTION, "v.committed", Value.NUMBER, "v.committed")
    CONTRIBUTION_DISBURSED = (Kind.CONTRIBUTION, "v.disbursed", Value.NUMBER, "v.disbursed")
    CONTRIBUTION_SPENT = (Kind.CONTRIBUTION, "v.spent", Value.NUMBER, "v.spent")
    CONTRIBUTION_CURRENCY = (Kind.CONTRIBUTION, "v.currency", Value.KEY, "v.currency")

    def __init__(
        self, kind: Kind, expression: LiteralString, value: Value, sort: LiteralString
    ) -> None:
        self.kind = kind
        self.expression = expression
        self.compares_as = value
        self.sort_expression = sort


class Op(Enum):
    """Comparison operators, with the value types they apply to."""

    EQ = "="
    IN = "IN"
    LT = "<"
    LTE = "<="
    GT = ">"
    GTE = ">="
    CONTAINS = "CONTAINS"
    STARTS_WITH = "STARTS WITH"


_ORDERED = {Op.EQ, Op.IN, Op.LT, Op.LTE, Op.GT, Op.GTE}
_TEXTUAL = {Op.EQ, Op.IN, Op.CONTAINS, Op.STARTS_WITH}
OPERATORS: dict[Value, frozenset[Op]] = {
    Value.KEY: frozenset({Op.EQ, Op.IN, Op.STARTS_WITH}),
    Value.NUMBER: frozenset(_ORDERED),
    Value.DATE: frozenset(_ORDERED | {Op.STARTS_WITH}),
    Value.TEXT: frozenset(_TEXTUAL),
    Value.TEXTS: frozenset(_TEXTUAL),
}
"""Which operators each value type takes."""


class Hop(Enum):
    """Relationships a filter can cross: (from kind, pattern from ``v`` to ``m``, to kind)."""

    PROJECT_COUNTRIES = (Kind.PROJECT, "(v)-[:IN_COUNTRY]->(m:Country)", Kind.COUNTRY)
    PROJECT_DONORS = (Kind.PROJECT, "(v)<-[:CONTRIBUTES_TO]-(m:Organisation)", Kind.ORGANISATION)
    PROJECT_PARTICIPANTS = (
        Kind.PROJECT,
        "(v)<-[:PARTICIPATES_IN]-(m:Organisation)",
        Kind.ORGANISATION,
    )
    PROJECT_SECTORS = (Kind.PROJECT, "(v)-[:IN_SECTOR]->(m:Sector)", Kind.SECTOR)
    PROJECT_PROGRAMME = (
        Kind.PROJECT,
        "(v)-[:IMPLEMENTS]->(:Component)-[:PART_OF]->(m:Programme)",
        Kind.PROGRAMME,
    )
    VIDEO_PROJECT = (Kind.VIDEO, "(v)<-[:HAS_VIDEO]-(m:Project)", Kind.PROJECT)
    DOCUMENT_PROJECT = (Kind.DOCUMENT, "(v)<-[:HAS_DOCUMENT]-(m:Project)", Kind.PROJECT)

    def __init__(self, source: Kind, pattern: LiteralString, target: Kind) -> None:
        self.source = source
        self.pattern = pattern
        self.target = target


class Quantifier(Enum):
    """Across a relationship: some, none or all of the related nodes match."""

    SOME = "some"
    NONE = "none"
    ALL = "all"


@dataclass(frozen=True)
class Compare:
    prop: Prop
    op: Op
    value: Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class Related:
    hop: Hop
    quantifier: Quantifier
    where: Filter


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    part: Filter


Filter = Compare | Related | AllOf | AnyOf | Not
"""A condition on one node. Frozen and hashable: it is part of a batched loader's key."""


@dataclass(frozen=True)
class Sort:
    prop: Prop
    descending: bool = False


class FilterError(ValueError):
    """A filter or order that does not apply where it was used."""


# Combining marks that NFD splits off Latin letters (French, Spanish, Portuguese, German,
# Nordic, Central European); stripping them is what "accent-insensitive" means here.
_MARKS = "\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c\u0327\u0328"


def _cypher_marks() -> LiteralString:
    # Built from the fixed constant above, never from a request.
    return "[" + ", ".join(f"'\\u{ord(mark):04x}'" for mark in _MARKS) + "]"


_MARKS_LIST = _cypher_marks()


def fold_expression(expression: LiteralString) -> LiteralString:
    """Cypher for ``expression`` lower-cased and without accents (see ``fold_text``)."""
    return (
        "reduce(s = toLower(normalize(" + expression + ", NFD)), mark IN "
        + _MARKS_LIST + " | replace(s, mark, ''))"
    )  # fmt: skip


def fold_text(text: str) -> str:
    """``text`` as ``fold_expression`` folds stored text."""
    decomposed = unicodedata.normalize("NFD", text).lower()
    return "".join(char for char in decomposed if char not in _MARKS)


@dataclass
class Compiled:
    """Cypher text and its parameters."""

    cypher: LiteralString
    parameters: dict[str, Any] = field(default_factory=dict)


class _Compiler:
    """Builds one condition, numbering its parameters and subquery variables."""

    def __init__(self) -> None:
        self.parameters: dict[str, Any] = {}
        self._vars = itertools.count()

    def parameter(self, value: Any) -> LiteralString:
        name = f"f{len(self.parameters)}"
        self.parameters[name] = value
        return "$" + name

    def variable(self) -> LiteralString:
        return f"m{next(self._vars)}"

    def condition(
        self, where: Filter, kind: Kind, var: LiteralString, negated: bool = False
    ) -> LiteralString:
        """``where`` on ``var``; ``negated``: under a NOT (see ``compare``)."""
        if isinstance(where, Compare):
            return self.compare(where, kind, var, negated)
        if isinstance(where, Related):
            return self.related(where, kind, var)
        if isinstance(where, Not):
            return "NOT (" + self.condition(where.part, kind, var, negated=True) + ")"
        if not where.parts:  # the empty conjunction holds, the empty disjunction does not
            return "true" if isinstance(where, AllOf) else "false"
        joiner: LiteralString = " AND " if isinstance(where, AllOf) else " OR "
        parts = (self.condition(p, kind, var, negated) for p in where.parts)
        return "(" + joiner.join(parts) + ")"

    def compare(
        self, where: Compare, kind: Kind, var: LiteralString, negated: bool = False
    ) -> LiteralString:
        prop, op = where.prop, where.op
        if prop.kind is not kind:
            raise FilterError(f"{prop.name} does not apply to {kind.value}")
        if op not in OPERATORS[prop.compares_as]:
            raise FilterError(f"{op.name} does not apply to {prop.name}")
        expression = prop.expression.replace("v.", var + ".")
        folded = prop.compares_as in (Value.TEXT, Value.TEXTS)
        value = _fold_value(where.value) if folded else where.value
        parameter = self.parameter(list(value) if isinstance(value, tuple) else value)
        if prop.compares_as is Value.TEXTS:
            test = fold_expression("t") + " " + op.value + " " + parameter
            return "any(t IN coalesce(" + expression + ", []) WHERE " + test + ")"
        if folded:
            expression = fold_expression(expression)
        comparison = expression + " " + op.value + " " + parameter
        if not negated:
            # WHERE drops a row whose condition is null: without a NOT above it, a missing
            # value already fails, and coalesce only costs time (1-3 ms of the benchmark's
            # country page, 21-26 ms)
            return comparison
        # Two-valued: a missing value fails the comparison, so NOT of it holds.
        return "coalesce(" + comparison + ", false)"

    def related(self, where: Related, kind: Kind, var: LiteralString) -> LiteralString:
        hop = where.hop
        if hop.source is not kind:
            raise FilterError(f"{hop.name} does not start from {kind.value}")
        inner = self.variable()
        pattern = hop.pattern.replace("(v)", "(" + var + ")").replace("(m:", "(" + inner + ":")
        # an EXISTS is true or false: its own WHERE starts without a NOT above it
        if where.quantifier is Quantifier.SOME:
            condition = self.condition(where.where, hop.target, inner)
            return "EXISTS { MATCH " + pattern + " WHERE " + condition + " }"
        if where.quantifier is Quantifier.NONE:
            condition = self.condition(where.where, hop.target, inner)
            return "NOT EXISTS { MATCH " + pattern + " WHERE " + condition + " }"
        # All: none of them fails (true when there are none, as in @neo4j/graphql).
        condition = self.condition(where.where, hop.target, inner, negated=True)
        return "NOT EXISTS { MATCH " + pattern + " WHERE NOT (" + condition + ") }"


def _fold_value(value: Scalar | tuple[Scalar, ...]) -> Scalar | tuple[Scalar, ...]:
    if isinstance(value, tuple):
        return tuple(fold_text(str(v)) for v in value)
    return fold_text(str(value))


def compile_filter(where: Filter | None, kind: Kind, var: LiteralString = "n") -> Compiled:
    """A Cypher condition on ``var`` (a node of ``kind``) and its parameters."""
    if where is None:
        return Compiled("true")
    compiler = _Compiler()
    return Compiled(compiler.condition(where, kind, var), compiler.parameters)


def compile_order(
    order: tuple[Sort, ...], kinds: dict[Kind, LiteralString], tie_break: LiteralString
) -> LiteralString:
    """An ORDER BY list: ``order``'s keys, then ``tie_break`` so pages never overlap.
    Missing values come last either way: Cypher puts nulls first when descending, and
    "largest first" should not start with the unknown.

    ``kinds`` maps each kind a sort may use to the Cypher variable bound to it.
    """
    keys: list[LiteralString] = []
    for sort in order:
        var = kinds.get(sort.prop.kind)
        if var is None:
            raise FilterError(f"cannot sort by {sort.prop.name} here")
        expression = sort.prop.sort_expression.replace("v.", var + ".")
        keys.append(
            expression + " IS NULL, " + expression + " DESC" if sort.descending else expression
        )
    return ", ".join([*keys, tie_break])
