"""The one typed record model every loader produces and the graph writer consumes.

A record describes one project as one source saw it, in one language. Texts that
depend on the page's language (titles, descriptions, result statements) are plain
strings here; the record's ``language`` says which language they are in, and the
graph keeps one value per language.

Dates are ISO 8601 strings at the precision the source gave: ``"2013"``,
``"2013-05"`` or ``"2013-05-23"``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

PartialDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
"""An ISO 8601 date at year, month or day precision."""

Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
"""An ISO 639-1 language code, lower case."""

ProjectStatus = Literal[
    "pipeline", "implementation", "finalisation", "closed", "cancelled", "suspended"
]
"""Activity status, named after the IATI ActivityStatus codelist (codes 1-6)."""


class Record(BaseModel):
    """Base for all records: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Money(Record):
    amount: float
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class CountryRef(Record):
    """A country as the source named it; ``iso2`` is filled in when it is known."""

    name: str
    iso2: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None


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
    """A donor's contribution to the project; ``amount`` is None when the source gave none."""

    donor: OrganisationRef
    amount: Money | None = None


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
    key: str | None = None


class Agreement(Record):
    """A signed agreement about the project, e.g. a delegation agreement with its date."""

    title: str
    signed_on: PartialDate


class ProjectRecord(Record):
    """One project, as one source saw it, in one language."""

    code: str
    language: Language
    source: str
    title: str
    description: str | None = None
    status: ProjectStatus | None = None
    closed_on: PartialDate | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    duration_months: Annotated[int, Field(ge=0)] | None = None
    budget: Money | None = None
    countries: tuple[CountryRef, ...] = ()
    office: Office | None = None
    contributions: tuple[Contribution, ...] = ()
    partner_agencies: tuple[OrganisationRef, ...] = ()
    programme: Programme | None = None
    cooperation_programme: CooperationProgramme | None = None
    sectors: tuple[Sector, ...] = ()
    videos: tuple[Video, ...] = ()
    documents: tuple[Document, ...] = ()
    results: tuple[str, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    url: str | None = None
