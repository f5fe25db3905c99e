"""``where`` arguments: typed GraphQL filter inputs and their translation to ``graph.filters``.

Every input field maps to a fixed ``Prop`` or ``Hop``; values only ever become query
parameters. Conditions listed side by side in one input must all hold; ``AND``, ``OR``
and ``NOT`` combine whole inputs; relationship filters take ``some``, ``none`` or ``all``.
"""

from __future__ import annotations

import re
from typing import Any

import strawberry

from graph.filters import AllOf, AnyOf, Compare, Filter, Hop, Not, Op, Prop, Quantifier, Related
from schema.errors import UserError
from schema.status import ProjectStatus

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@strawberry.input(description="Conditions on a code or identifier: exact, one of, or prefix.")
class KeyFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    starts_with: str | None = None


@strawberry.input(description="Conditions on a text, ignoring case and accents.")
class TextFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    contains: str | None = None
    starts_with: str | None = None


@strawberry.input(description="Conditions on a number: exact, one of, or a range.")
class NumberFilter:
    eq: float | None = None
    in_: list[float] | None = strawberry.field(name="in", default=None)
    lt: float | None = None
    lte: float | None = None
    gt: float | None = None
    gte: float | None = None


@strawberry.input(
    description="Conditions on an ISO 8601 date at its stored precision (YYYY, YYYY-MM or "
    "YYYY-MM-DD), compared as text: 2013 < 2013-05 < 2013-05-01 < 2014. For 'during 2013' "
    'use startsWith: "2013".'
)
class DateFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    lt: str | None = None
    lte: str | None = None
    gt: str | None = None
    gte: str | None = None
    starts_with: str | None = None


@strawberry.input(description="Conditions on a project's status.")
class StatusFilter:
    eq: ProjectStatus | None = None
    in_: list[ProjectStatus] | None = strawberry.field(name="in", default=None)


@strawberry.input
class CountryWhere:
    iso2: KeyFilter | None = None
    name: TextFilter | None = None
    and_: list[CountryWhere] | None = strawberry.field(name="AND", default=None)
    or_: list[CountryWhere] | None = strawberry.field(name="OR", default=None)
    not_: CountryWhere | None = strawberry.field(name="NOT", default=None)


@strawberry.input
class OrganisationWhere:
    id: KeyFilter | None = strawberry.field(default=None, description="Canonical id (key).")
    ref: KeyFilter | None = None
    name: TextFilter | None = strawberry.field(
        default=None, description="The canonical name or any alias."
    )
    and_: list[OrganisationWhere] | None = strawberry.field(name="AND", default=None)
    or_: list[OrganisationWhere] | None = strawberry.field(name="OR", default=None)
    not_: OrganisationWhere | None = strawberry.field(name="NOT", default=None)


@strawberry.input
class SectorWhere:
    code: KeyFilter | None = None
    vocabulary: KeyFilter | None = None
    name: TextFilter | None = None
    and_: list[SectorWhere] | None = strawberry.field(name="AND", default=None)
    or_: list[SectorWhere] | None = strawberry.field(name="OR", default=None)
    not_: SectorWhere | None = strawberry.field(name="NOT", default=None)


@strawberry.input
class ProgrammeWhere:
    key: KeyFilter | None = None
    title: TextFilter | None = None
    and_: list[ProgrammeWhere] | None = strawberry.field(name="AND", default=None)
    or_: list[ProgrammeWhere] | None = strawberry.field(name="OR", default=None)
    not_: ProgrammeWhere | None = strawberry.field(name="NOT", default=None)


@strawberry.input(description="Across a list of countries: some, none or all of them match.")
class CountriesFilter:
    some: CountryWhere | None = None
    none: CountryWhere | None = None
    all: CountryWhere | None = strawberry.field(
        default=None, description="Every one matches (true for a project with none)."
    )


@strawberry.input(description="Across a list of organisations: some, none or all match.")
class OrganisationsFilter:
    some: OrganisationWhere | None = None
    none: OrganisationWhere | None = None
    all: OrganisationWhere | None = None


@strawberry.input(description="Across a list of sectors: some, none or all of them match.")
class SectorsFilter:
    some: SectorWhere | None = None
    none: SectorWhere | None = None
    all: SectorWhere | None = None


@strawberry.input(description="Which projects: every condition given must hold.")
class ProjectWhere:
    code: KeyFilter | None = None
    title: TextFilter | None = strawberry.field(default=None, description="In any language.")
    description: TextFilter | None = strawberry.field(default=None, description="In any language.")
    status: StatusFilter | None = None
    start_date: DateFilter | None = None
    end_date: DateFilter | None = None
    budget: NumberFilter | None = strawberry.field(
        default=None, description="The budget amount, in its own currency (see budgetCurrency)."
    )
    budget_currency: KeyFilter | None = None
    countries: CountriesFilter | None = None
    donors: OrganisationsFilter | None = None
    participants: OrganisationsFilter | None = strawberry.field(
        default=None, description="Organisations taking part other than by funding."
    )
    sectors: SectorsFilter | None = None
    programme: ProgrammeWhere | None = strawberry.field(
        default=None, description="The programme the project implements a component of."
    )
    and_: list[ProjectWhere] | None = strawberry.field(name="AND", default=None)
    or_: list[ProjectWhere] | None = strawberry.field(name="OR", default=None)
    not_: ProjectWhere | None = strawberry.field(name="NOT", default=None)


@strawberry.input
class VideoWhere:
    title: TextFilter | None = None
    url: KeyFilter | None = None
    project: ProjectWhere | None = strawberry.field(
        default=None, description="The project the video belongs to."
    )
    and_: list[VideoWhere] | None = strawberry.field(name="AND", default=None)
    or_: list[VideoWhere] | None = strawberry.field(name="OR", default=None)
    not_: VideoWhere | None = strawberry.field(name="NOT", default=None)


@strawberry.input
class DocumentWhere:
    title: TextFilter | None = None
    category: KeyFilter | None = None
    url: KeyFilter | None = None
    project: ProjectWhere | None = strawberry.field(
        default=None, description="The project the document belongs to (any of them)."
    )
    and_: list[DocumentWhere] | None = strawberry.field(name="AND", default=None)
    or_: list[DocumentWhere] | None = strawberry.field(name="OR", default=None)
    not_: DocumentWhere | None = strawberry.field(name="NOT", default=None)


# --- inputs → graph filters -----------------------------------------------------------

_OPERATORS = {
    "eq": Op.EQ,
    "in_": Op.IN,
    "lt": Op.LT,
    "lte": Op.LTE,
    "gt": Op.GT,
    "gte": Op.GTE,
    "contains": Op.CONTAINS,
    "starts_with": Op.STARTS_WITH,
}

_PROPS: dict[type, dict[str, Prop]] = {
    ProjectWhere: {
        "code": Prop.PROJECT_CODE,
        "title": Prop.PROJECT_TITLE,
        "description": Prop.PROJECT_DESCRIPTION,
        "status": Prop.PROJECT_STATUS,
        "start_date": Prop.PROJECT_START_DATE,
        "end_date": Prop.PROJECT_END_DATE,
        "budget": Prop.PROJECT_BUDGET,
        "budget_currency": Prop.PROJECT_BUDGET_CURRENCY,
    },
    CountryWhere: {"iso2": Prop.COUNTRY_ISO2, "name": Prop.COUNTRY_NAME},
    OrganisationWhere: {
        "id": Prop.ORGANISATION_ID,
        "ref": Prop.ORGANISATION_REF,
        "name": Prop.ORGANISATION_NAME,
    },
    SectorWhere: {
        "code": Prop.SECTOR_CODE,
        "vocabulary": Prop.SECTOR_VOCABULARY,
        "name": Prop.SECTOR_NAME,
    },
    ProgrammeWhere: {"key": Prop.PROGRAMME_KEY, "title": Prop.PROGRAMME_TITLE},
    VideoWhere: {"title": Prop.VIDEO_TITLE, "url": Prop.VIDEO_URL},
    DocumentWhere: {
        "title": Prop.DOCUMENT_TITLE,
        "category": Prop.DOCUMENT_CATEGORY,
        "url": Prop.DOCUMENT_URL,
    },
}
"""Each input's scalar conditions: field name → the property it compares."""

_HOPS: dict[type, dict[str, Hop]] = {
    ProjectWhere: {
        "countries": Hop.PROJECT_COUNTRIES,
        "donors": Hop.PROJECT_DONORS,
        "participants": Hop.PROJECT_PARTICIPANTS,
        "sectors": Hop.PROJECT_SECTORS,
        "programme": Hop.PROJECT_PROGRAMME,
    },
    VideoWhere: {"project": Hop.VIDEO_PROJECT},
    DocumentWhere: {"project": Hop.DOCUMENT_PROJECT},
}
"""Each input's relationship conditions: field name → the relationship it crosses."""


def to_filter(where: object | None) -> Filter | None:
    """The graph filter a ``where`` input states (``None`` for no condition)."""
    return None if where is None else _condition(where)


def _condition(where: object) -> Filter:
    """Everything one input states, as one filter (an empty input holds for all)."""
    parts: list[Filter] = []
    for name, prop in _PROPS[type(where)].items():
        parts.extend(_comparisons(prop, getattr(where, name), name))
    for name, hop in _HOPS.get(type(where), {}).items():
        parts.extend(_crossings(hop, getattr(where, name)))
    ands: list[Any] | None = where.and_  # type: ignore[attr-defined]
    ors: list[Any] | None = where.or_  # type: ignore[attr-defined]
    negated: Any = where.not_  # type: ignore[attr-defined]
    if ands is not None:
        parts.append(AllOf(tuple(_condition(part) for part in ands)))
    if ors is not None:
        parts.append(AnyOf(tuple(_condition(part) for part in ors)))
    if negated is not None:
        parts.append(Not(_condition(negated)))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _comparisons(prop: Prop, condition: object | None, name: str) -> list[Filter]:
    if condition is None:
        return []
    found: list[Filter] = []
    for attribute, op in _OPERATORS.items():
        value = getattr(condition, attribute, None)
        if value is None:
            continue
        if isinstance(condition, DateFilter):
            _check_dates(name, value)
        found.append(Compare(prop, op, _scalar(value)))
    return found


def _scalar(value: Any) -> Any:
    """Enum members by value, lists as tuples (filters are hashable loader keys)."""
    if isinstance(value, list):
        return tuple(_scalar(item) for item in value)
    if isinstance(value, ProjectStatus):
        return value.value
    return value


def _check_dates(name: str, value: str | list[str]) -> None:
    for date in value if isinstance(value, list) else [value]:
        if not _DATE.match(date):
            raise UserError(f"{name}: {date!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def _crossings(hop: Hop, condition: object | None) -> list[Filter]:
    if condition is None:
        return []
    if not isinstance(condition, CountriesFilter | OrganisationsFilter | SectorsFilter):
        # A single related node (a project's programme, a video's project): some.
        return [Related(hop, Quantifier.SOME, _condition(condition))]
    found: list[Filter] = []
    for quantifier in Quantifier:
        where = getattr(condition, quantifier.value)
        if where is not None:
            found.append(Related(hop, quantifier, _condition(where)))
    return found
