"""The one typed record model every loader produces and the graph writer consumes.

A record describes one project as one source saw it, in one language. Texts that
depend on the page's language (titles, descriptions, result statements) are plain
strings here; the record's ``language`` says which language they are in, and the
graph keeps one value per language. A source that states the project's title and
description in other languages too (IATI narratives) adds them as ``translations``.

This model is also the JSON Lines bulk format (``loaders/jsonl.py``): one record, as
JSON, per line.

Dates are ISO 8601 strings at the precision the source gave: ``"2013"``,
``"2013-05"`` or ``"2013-05-23"``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PartialDate = Annotated[str, Field(pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
"""An ISO 8601 date at year, month or day precision."""

Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
"""An ISO 639-1 language code, lower case."""

Percentage = Annotated[float, Field(ge=0, le=100)]

ParticipationRole = Literal["implementing", "extending", "accountable", "reporting", "partner"]
"""How an organisation takes part in a project other than by funding it (IATI
OrganisationRole names; ``partner`` is a LuxDev partner execution agency)."""

RelatedActivityType = Literal[1, 2, 3, 4, 5]
"""IATI RelatedActivityType: 1 parent, 2 child, 3 sibling, 4 co-funded, 5 third party."""

ProjectStatus = Literal[
    "pipeline", "implementation", "finalisation", "closed", "cancelled", "suspended"
]
"""Activity status, named after the IATI ActivityStatus codelist (codes 1-6)."""


class Record(BaseModel):
    """Base for all records: immutable, and strict about unknown fields."""

    # NaN and infinities are not amounts, and JSON cannot carry them.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Money(Record):
    amount: float
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class CountryRef(Record):
    """A country as the source named it; ``iso2`` is filled in when it is known.

    ``percentage`` is the share of the project that goes to this country, when stated.
    """

    name: str
    iso2: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    percentage: Percentage | None = None


class RegionRef(Record):
    """A recipient region: a code in a vocabulary (IATI RegionVocabulary, 1 = OECD DAC)."""

    code: str
    vocabulary: str = "1"
    name: str | None = None
    percentage: Percentage | None = None


class OrganisationRef(Record):
    """An organisation as the source named it (``ref`` is an IATI organisation identifier).

    ``id`` and ``canonical_name`` are filled in by the alias resolver
    (``loaders.resolve``), never by a parser.
    """

    name: str
    ref: str | None = None
    id: str | None = None
    canonical_name: str | None = None


class Contribution(Record):
    """A donor's contribution to the project, in one currency.

    ``amount`` is what the source states as the contribution; sources with financial
    transactions (IATI) also give their totals by kind. Every amount of one
    contribution is in the same currency.
    """

    donor: OrganisationRef
    amount: Money | None = None
    committed: Money | None = None
    disbursed: Money | None = None
    spent: Money | None = None

    @model_validator(mode="after")
    def _one_currency(self) -> Contribution:
        currencies = {
            m.currency for m in (self.amount, self.committed, self.disbursed, self.spent) if m
        }
        if len(currencies) > 1:
            raise ValueError(f"a contribution is in one currency, not {sorted(currencies)}")
        return self

    @property
    def currency(self) -> str | None:
        for money in (self.amount, self.committed, self.disbursed, self.spent):
            if money is not None:
                return money.currency
        return None


class Participation(Record):
    """An organisation's part in the project other than funding it."""

    organisation: OrganisationRef
    role: ParticipationRole


class Transaction(Record):
    """One financial transaction as the source reported it (IATI TransactionType code)."""

    type: str
    value: Money
    date: PartialDate | None = None
    provider: OrganisationRef | None = None
    receiver: OrganisationRef | None = None


class RelatedActivity(Record):
    """A link to another activity by its identifier."""

    ref: str
    type: RelatedActivityType


class Location(Record):
    """A named place and, when known, its point (WGS 84)."""

    name: str | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None


class Translation(Record):
    """The project's title and description in another language."""

    language: Language
    title: str | None = None
    description: str | None = None


class Office(Record):
    """An implementing agency's office that runs the project.

    ``key`` is filled in by the resolver: one office per agency and country, whatever
    language names it ("Bureau Mali", "Mali Office").
    """

    name: str
    agency: OrganisationRef
    key: str | None = None


class Component(Record):
    """One component of a programme, at its 1-based position."""

    position: Annotated[int, Field(ge=1)]
    title: str


class Programme(Record):
    """The programme a project belongs to, with its components in order.

    ``key`` identifies the programme across records when the source has an identifier
    (an IATI parent activity); otherwise the writer derives one from the project.
    ``project_position`` is the position of the component this project implements.
    """

    key: str | None = None
    title: str | None = None
    budget: Money | None = None
    components: tuple[Component, ...] = ()
    project_position: Annotated[int, Field(ge=1)] | None = None


class CooperationProgramme(Record):
    """A country's Indicative Cooperation Programme (PIC), e.g. "PIC 3", 2017-2021.

    ``key`` is filled in by the resolver from the country and the name.
    """

    name: str
    key: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None


class Video(Record):
    title: str
    description: str | None = None
    url: str | None = None


class Document(Record):
    title: str
    url: str | None = None
    category: str | None = None


class Sector(Record):
    """A sector, by code within a vocabulary when the source has one, else by name.

    ``key`` is filled in by the resolver.
    """

    name: str
    code: str | None = None
    vocabulary: str | None = None
    percentage: Percentage | None = None
    key: str | None = None


class Agreement(Record):
    """A signed agreement about the project, e.g. a delegation agreement with its date."""

    title: str
    signed_on: PartialDate


class ProjectRecord(Record):
    """One project, as one source saw it, in one language.

    ``start_date``/``end_date`` are the dates to show (actual where known, else
    planned); the four IATI activity dates are kept as they were reported.
    """

    code: str
    language: Language
    source: str
    title: str
    description: str | None = None
    translations: tuple[Translation, ...] = ()
    status: ProjectStatus | None = None
    closed_on: PartialDate | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    planned_start: PartialDate | None = None
    actual_start: PartialDate | None = None
    planned_end: PartialDate | None = None
    actual_end: PartialDate | None = None
    duration_months: Annotated[int, Field(ge=0)] | None = None
    hierarchy: int | None = None
    default_currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    budget: Money | None = None
    countries: tuple[CountryRef, ...] = ()
    regions: tuple[RegionRef, ...] = ()
    office: Office | None = None
    contributions: tuple[Contribution, ...] = ()
    participants: tuple[Participation, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    related_activities: tuple[RelatedActivity, ...] = ()
    locations: tuple[Location, ...] = ()
    programme: Programme | None = None
    cooperation_programme: CooperationProgramme | None = None
    sectors: tuple[Sector, ...] = ()
    videos: tuple[Video, ...] = ()
    documents: tuple[Document, ...] = ()
    results: tuple[str, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    url: str | None = None
