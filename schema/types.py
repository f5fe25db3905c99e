"""The GraphQL object types: projects and everything linked to them.

Each object wraps the properties of one graph node (and, where it came through a
relationship, that relationship's properties). Links are resolved through the
request's batched loaders (``schema.context``), so sibling objects share one query.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, NewType, Protocol, TypeVar

import strawberry
from strawberry.types import Info
from strawberry.types.scalar import ScalarDefinition

from graph.reads import (
    ALL,
    Ahead,
    CountedRows,
    Link,
    Listing,
    NodeKind,
    Page,
    Properties,
    Row,
    counted_in_one_pass,
)
from schema.context import Context
from schema.lookahead import Follow, Later, Shape, follow, read_with, then
from schema.node import Node, ReadAhead, ahead_of
from schema.order import ContributionOrder, ProjectOrder, VideoOrder, to_sorts
from schema.pagination import (
    Connection,
    asks_more,
    build_connection,
    list_scope,
    page_bounds,
)
from schema.properties import Lang, stored, stored_string, translated, translated_text
from schema.selection import Selection
from schema.status import ProjectStatus
from schema.where import ProjectWhere, VideoWhere, to_filter

if TYPE_CHECKING:
    from schema.aggregates import ProjectAggregate

PartialDate = NewType("PartialDate", str)
"""An ISO 8601 date at the precision its source gave (the scalar is in ``SCALARS``)."""

SCALARS: dict[object, ScalarDefinition] = {
    PartialDate: strawberry.scalar(
        name="PartialDate",
        description=(
            "An ISO 8601 calendar date at the precision its source gave: YYYY, YYYY-MM or "
            "YYYY-MM-DD. A month-precision date such as 2013-05 stays month precision: it is "
            "never padded to a day the source did not state."
        ),
        serialize=str,
        parse_value=str,
    )
}

T = TypeVar("T")


@strawberry.type(description="An amount of money in one currency (ISO 4217).")
class Money:
    amount: float
    currency: str


def _money(props: Row, prefix: str) -> Money | None:
    """The money in ``props`` as ``<prefix>_amount`` and ``<prefix>_currency``."""
    return _money_of(props.get(f"{prefix}_amount"), props.get(f"{prefix}_currency"))


def _money_of(amount: float | None, currency: str | None) -> Money | None:
    """An amount in its currency; none without either."""
    if amount is None or currency is None:
        return None
    return Money(amount=amount, currency=currency)


def _party_name(party: Row | None) -> str | None:
    """A transaction party's name: canonical where the alias table knows it."""
    if party is None:
        return None
    return party.get("canonical_name") or party.get("name")


def _transactions(raw: str | None) -> list[Transaction]:
    """A project's transactions from their raw JSON text (``None``: none reported)."""
    if not raw:
        return []
    return [
        Transaction(
            type=t["type"],
            date=t.get("date"),
            value=Money(amount=t["value"]["amount"], currency=t["value"]["currency"]),
            provider=_party_name(t.get("provider")),
            receiver=_party_name(t.get("receiver")),
        )
        for t in json.loads(raw)
    ]


class Linked(Protocol):
    """An object over a graph node, with the rows its link fields were read ahead."""

    _props: Row
    _ahead: ReadAhead


def _rows(parent: Linked, info: Info[Context, None], entry: Follow, page: Page) -> Later[list[Row]]:
    """``page`` of ``entry``'s link from ``parent``: read ahead, or from the loaders (which
    read ahead in turn for the objects it returns)."""
    rows = parent._ahead.get(page)
    if rows is not None:
        return rows
    key = parent_key(parent, entry.link)
    within, properties = read_with(info, entry.to, entry.shape, entry.through, entry.link)
    return info.context.loaders.page(page, key, within, properties)


def _all(
    parent: Linked, info: Info[Context, None], entry: Follow, item: Callable[[Row], T]
) -> Later[list[T]]:
    """Every object ``entry``'s link reaches from ``parent``."""
    return then(_rows(parent, info, entry, entry.whole), lambda rows: [item(r) for r in rows])


def _one(
    parent: Linked, info: Info[Context, None], entry: Follow, item: Callable[[Row], T]
) -> Later[T | None]:
    """The first object ``entry``'s link reaches from ``parent``, if any."""
    return then(
        _rows(parent, info, entry, entry.whole), lambda rows: item(rows[0]) if rows else None
    )


def parent_key(parent: Linked | None, link: Link) -> str:
    """The key ``link`` starts from: ``parent``'s, or none for the root lists."""
    return ALL if parent is None else str(parent._props[link.parent_key])


def connection(
    info: Info[Context, None],
    listing: Listing,
    parent: Linked | None,
    to: str | None,
    first: int | None,
    after: str | None,
    to_node: Callable[[Row], T],
    through: str | None = None,
) -> Later[Connection[T]]:
    """One page of ``listing`` from ``parent`` (``None``: the root lists) as a connection
    of objects of type ``to`` (or, with ``through``, of objects showing their row's node
    as a ``to`` in that field). A page read ahead answers at once (with its total, when
    that was selected); else the page is read with only the node properties the
    selection needs, and the total is counted only when selected, in the same statement
    as the page (in the same pass over a parent's filtered listing)."""
    key = parent_key(parent, listing.link)
    scope = list_scope(listing, key)
    skip, limit = page_bounds(first, after, scope)
    selected = Selection(info._raw_info).fields()
    page = Page(listing, skip, limit, asks_more(selected))
    loaders = info.context.loaders
    rows = None if parent is None else parent._ahead.get(page)
    if rows is not None:
        count = (
            partial(_known, rows.total)
            if isinstance(rows, CountedRows)
            else partial(loaders.count, listing, key)
        )
        return build_connection(rows, skip, limit, to_node, count, scope)
    link = None if parent is None else listing.link
    within, properties = read_with(info, to, Shape.CONNECTION, through, link)
    with_total = any(field.name == "totalCount" for field in selected)
    return _read_connection(info, page, key, scope, within, properties, to_node, with_total)


async def _read_connection(
    info: Info[Context, None],
    page: Page,
    key: str,
    scope: str,
    within: tuple[Ahead, ...],
    properties: Properties | None,
    to_node: Callable[[Row], T],
    with_total: bool,
) -> Connection[T]:
    loaders = info.context.loaders
    total: asyncio.Future[int] | None = None
    if with_total:
        if counted_in_one_pass(page.listing, root=key == ALL):
            rows, counted = await loaders.counted_page(page, key, within, properties)
            return build_connection(
                rows, page.skip, page.limit, to_node, partial(_known, counted), scope
            )
        total = asyncio.ensure_future(loaders.count(page.listing, key))
    try:
        rows = await loaders.page(page, key, within, properties)
    except BaseException:
        if total is not None:  # nobody will ask for it now: stop it, or take its error
            total.cancel()
            total.add_done_callback(lambda done: done.cancelled() or done.exception())
        raise

    async def count() -> int:
        return await (total if total is not None else loaders.count(page.listing, key))

    return build_connection(rows, page.skip, page.limit, to_node, count, scope)


async def _known(count: int) -> int:
    return count


def selects(info: Info[Context, None], name: str) -> bool:
    """Whether the field being resolved selects ``name`` (directly or in a fragment)."""
    return any(selected.name == name for selected in Selection(info._raw_info).fields())


def projects_field(link: Link, description: str) -> Any:
    """A ``projects(where:, orderBy:, first:, after:)`` field over ``link`` from the parent
    (none for the root list): every project connection takes the same arguments."""

    def resolve(
        root: Linked | None,
        info: Info[Context, None],
        where: ProjectWhere | None = None,
        order_by: list[ProjectOrder] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Later[ProjectConnection]:
        listing = Listing(link, to_filter(where), to_sorts(order_by))
        page = connection(info, listing, root, "Project", first, after, Project.from_row)
        key = parent_key(root, link)
        return then(page, partial(ProjectConnection.of, listing, key))

    return strawberry.field(
        resolver=resolve,
        description=description,
        # a lazy type: the field is also on Query, in a module that does not import it
        graphql_type=Annotated["ProjectConnection", strawberry.lazy("schema.types")],
    )


@strawberry.type(description="A country, by ISO 3166-1 alpha-2 code.")
class Country(Node):
    _props: strawberry.Private[Row]

    iso2 = stored_string("iso2")
    name = stored_string("name")

    projects = projects_field(Link.COUNTRY_PROJECTS, "Projects in this country.")


@strawberry.type(description="An organisation: a donor, an implementing agency, or both.")
class Organisation(Node):
    _props: strawberry.Private[Row]

    key = stored_string("id", description="Canonical id: an IATI organisation ref where known.")
    name = stored_string("name")
    ref = stored("ref", str | None, description="IATI organisation identifier, when known.")

    @strawberry.field(description="Every name this organisation has been seen under.")
    def aliases(self) -> list[str]:
        return list(self._props.get("aliases") or [])

    projects = projects_field(Link.DONOR_PROJECTS, "Projects it contributes to.")
    participated_projects = projects_field(
        Link.ORGANISATION_PARTICIPATIONS,
        "Projects it takes part in other than by funding (implementing, extending, "
        "accountable, reporting, partner).",
    )

    @strawberry.field(
        description="Its contributions, one per project and currency, with the amounts: "
        "sortable by amount.",
        graphql_type="Connection[Funding]",
    )
    def contributions(
        self,
        info: Info[Context, None],
        where: ProjectWhere | None = None,
        order_by: list[ContributionOrder] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Later[Connection[Funding]]:
        listing = Listing(Link.DONOR_CONTRIBUTIONS, to_filter(where), to_sorts(order_by))
        return connection(
            info, listing, self, "Project", first, after, Funding.from_row, through="project"
        )

    @strawberry.field(graphql_type="list[Office]")
    def offices(self, info: Info[Context, None]) -> Later[list[Office]]:
        return _all(self, info, follow("Organisation", "offices"), Office.from_row)


@strawberry.type
class _ContributedAmounts:
    """The amounts on a CONTRIBUTES_TO relationship, as both ends show them, each made
    only when selected (a nested list of projects shows donors far more often)."""

    _link: strawberry.Private[Row]

    @strawberry.field(description="The contribution the source states.")
    def amount(self) -> Money | None:
        return _contributed(self._link, "amount")

    @strawberry.field(description="Total of commitments (IATI).")
    def committed(self) -> Money | None:
        return _contributed(self._link, "committed")

    @strawberry.field(description="Total of disbursements and incoming funds (IATI).")
    def disbursed(self) -> Money | None:
        return _contributed(self._link, "disbursed")

    @strawberry.field(description="Total of expenditures (IATI).")
    def spent(self) -> Money | None:
        return _contributed(self._link, "spent")


def _contributed(link: Row, field: str) -> Money | None:
    """One amount on a CONTRIBUTES_TO relationship, in its currency."""
    return _money_of(link.get(field), link.get("currency"))


@strawberry.type(description="A donor's contribution to a project.")
class Contribution(_ContributedAmounts):
    donor: Organisation

    @staticmethod
    def from_row(row: Row) -> Contribution:
        return Contribution(donor=Organisation.from_row(row), _link=row["link"])


@strawberry.type(description="A donor's contribution seen from the donor: the project and amounts.")
class Funding(_ContributedAmounts):
    project: Project

    @staticmethod
    def from_row(row: Row) -> Funding:
        return Funding(project=Project.from_row(row), _link=row["link"])


@strawberry.type(
    description="An organisation's part in a project other than funding: implementing, "
    "extending, accountable, reporting (IATI roles) or partner (a partner execution agency)."
)
class Participation:
    organisation: Organisation
    role: str

    @staticmethod
    def from_row(row: Row) -> Participation:
        return Participation(organisation=Organisation.from_row(row), role=row["link"]["role"])


@strawberry.type(description="A recipient country and the share of the project it gets.")
class RecipientCountry:
    country: Country
    percentage: float | None

    @staticmethod
    def from_row(row: Row) -> RecipientCountry:
        return RecipientCountry(
            country=Country.from_row(row), percentage=row["link"].get("percentage")
        )


@strawberry.type(description="A recipient region (IATI Region codelist when vocabulary 1).")
class Region:
    code: str
    vocabulary: str
    name: str | None
    percentage: float | None

    @staticmethod
    def from_row(row: Row) -> Region:
        node = row["node"]
        return Region(
            code=node["code"],
            vocabulary=node["vocabulary"],
            name=node.get("name"),
            percentage=row["link"].get("percentage"),
        )


@strawberry.type(description="A named place and its point (WGS 84), when known.")
class Location:
    name: str | None
    latitude: float | None
    longitude: float | None

    @staticmethod
    def from_row(row: Row) -> Location:
        node = row["node"]
        return Location(
            name=node.get("name"), latitude=node.get("latitude"), longitude=node.get("longitude")
        )


@strawberry.type(description="A link to another IATI activity, loaded or not.")
class RelatedActivity:
    code: str
    type: int = strawberry.field(
        description="IATI RelatedActivityType: 1 parent, 2 child, 3 sibling, 4 co-funded, "
        "5 third party."
    )

    @strawberry.field(description="The activity, when it is loaded.")
    async def project(self, info: Info[Context, None]) -> Project | None:
        row = await info.context.loaders.node(NodeKind.PROJECT, self.code)
        return None if row is None else Project(_props=row["node"])

    @staticmethod
    def from_row(row: Row) -> RelatedActivity:
        return RelatedActivity(code=row["node"]["code"], type=row["link"]["type"])


@strawberry.type(description="A financial transaction as reported (IATI TransactionType code).")
class Transaction:
    type: str
    date: PartialDate | None
    value: Money
    provider: str | None = strawberry.field(description="The provider organisation's name.")
    receiver: str | None = strawberry.field(description="The receiver organisation's name.")


@strawberry.type(description="An implementing agency's office.")
class Office(Node):
    _props: strawberry.Private[Row]

    name = translated_text("name", required=True)

    @strawberry.field(graphql_type="Organisation | None")
    def agency(self, info: Info[Context, None]) -> Later[Organisation | None]:
        return _one(self, info, follow("Office", "agency"), Organisation.from_row)

    projects = projects_field(Link.OFFICE_PROJECTS, "Projects this office manages.")


@strawberry.type(description="A programme: a set of components, each delivered by projects.")
class Programme(Node):
    _props: strawberry.Private[Row]

    key = stored_string("key")

    @strawberry.field(
        description="The programme's title; for an IATI parent activity, that activity's title.",
        graphql_type="str | None",
    )
    def title(self, info: Info[Context, None], lang: Lang = None) -> Later[str | None]:
        own = translated(self._props, "title", lang)
        if own is not None:
            return own
        return then(
            self.project(info),
            lambda project: None if project is None else translated(project._props, "title", lang),
        )

    @strawberry.field
    def budget(self) -> Money | None:
        return _money(self._props, "budget")

    @strawberry.field(
        description="The activity that describes this programme (IATI parent).",
        graphql_type="Project | None",
    )
    def project(self, info: Info[Context, None]) -> Later[Project | None]:
        return _one(self, info, follow("Programme", "project"), Project.from_row)

    projects = projects_field(
        Link.PROGRAMME_PROJECTS, "Projects implementing any of its components."
    )

    @strawberry.field(
        description="The programme's components, in order.", graphql_type="list[Component]"
    )
    def components(self, info: Info[Context, None]) -> Later[list[Component]]:
        return _all(self, info, follow("Programme", "components"), Component.from_row)


@strawberry.type(description="One component of a programme, at its position (from 1).")
class Component:
    _props: strawberry.Private[Row]
    _ahead: strawberry.Private[ReadAhead] = field(default_factory=dict)
    position: int

    title = translated_text("title", required=False)

    @strawberry.field(graphql_type="Programme | None")
    def programme(self, info: Info[Context, None]) -> Later[Programme | None]:
        return _one(self, info, follow("Component", "programme"), Programme.from_row)

    @strawberry.field(
        description="The projects that implement this component.", graphql_type="list[Project]"
    )
    def projects(self, info: Info[Context, None]) -> Later[list[Project]]:
        return _all(self, info, follow("Component", "projects"), Project.from_row)

    @staticmethod
    def from_row(row: Row) -> Component:
        return Component(
            _props=row["node"],
            _ahead=ahead_of(row),
            position=int(row["link"]["position"]),
        )


@strawberry.type(description="An Indicative Cooperation Programme (PIC) between countries.")
class CooperationProgramme(Node):
    _props: strawberry.Private[Row]

    name = stored_string("name")
    start = stored("start", PartialDate | None)
    end = stored("end", PartialDate | None)

    projects = projects_field(Link.PIC_PROJECTS, "Projects under this programme.")


@strawberry.type
class Sector(Node):
    _props: strawberry.Private[Row]

    name = translated_text("name", required=True)
    code = stored("code", str | None)
    vocabulary = stored("vocabulary", str | None)

    projects = projects_field(Link.SECTOR_PROJECTS, "Projects in this sector.")


@strawberry.type
class Video(Node):
    _props: strawberry.Private[Row]

    title = translated_text("title", required=True)
    description = translated_text("description", required=False)
    url = stored("url", str | None)

    @strawberry.field(graphql_type="Project | None")
    def project(self, info: Info[Context, None]) -> Later[Project | None]:
        return _one(self, info, follow("Video", "project"), Project.from_row)


@strawberry.type
class Document(Node):
    _props: strawberry.Private[Row]

    title = translated_text("title", required=True)
    url = stored("url", str | None)
    category = stored(
        "category", str | None, description="e.g. final-evaluation, mid-term-evaluation."
    )

    @strawberry.field(graphql_type="Project | None")
    def project(self, info: Info[Context, None]) -> Later[Project | None]:
        return _one(self, info, follow("Document", "project"), Project.from_row)


@strawberry.type(description="A signed agreement about a project.")
class Agreement:
    _props: strawberry.Private[Row]

    @staticmethod
    def from_row(row: Row) -> Agreement:
        return Agreement(_props=row["node"])

    title = translated_text("title", required=True)

    @strawberry.field
    def signed_on(self) -> PartialDate:
        return self._props["signed_on"]  # type: ignore[no-any-return]


@strawberry.type(description="A development-cooperation project.")
class Project(Node):
    _props: strawberry.Private[Row]

    code = stored_string(
        "code", description="The project's code: LuxDev's (MLI/801) or IATI identifier."
    )
    title = translated_text("title", required=False)
    description = translated_text("description", required=False)

    @strawberry.field(description="Languages the graph has this project's texts in.")
    def languages(self) -> list[str]:
        return list(self._props.get("languages") or [])

    @strawberry.field
    def status(self) -> ProjectStatus | None:
        status = self._props.get("status")
        return None if status is None else ProjectStatus(status)

    closed_on = stored("closed_on", PartialDate | None)
    start_date = stored("start_date", PartialDate | None)
    end_date = stored("end_date", PartialDate | None)
    duration_months = stored("duration_months", int | None)
    planned_start = stored(
        "planned_start",
        PartialDate | None,
        description="IATI activity dates as reported: planned start.",
    )
    actual_start = stored(
        "actual_start",
        PartialDate | None,
        description="IATI activity dates as reported: actual start.",
    )
    planned_end = stored(
        "planned_end",
        PartialDate | None,
        description="IATI activity dates as reported: planned end.",
    )
    actual_end = stored(
        "actual_end", PartialDate | None, description="IATI activity dates as reported: actual end."
    )
    hierarchy = stored("hierarchy", int | None, description="IATI hierarchy level (1 = top).")
    default_currency = stored("default_currency", str | None)

    @strawberry.field
    def budget(self) -> Money | None:
        return _money(self._props, "budget")

    url = stored("url", str | None, description="The page this project was read from, when known.")

    @strawberry.field(description="Every file or URL this project was loaded from.")
    def sources(self) -> list[str]:
        return list(self._props.get("sources") or [])

    @strawberry.field(description="When this project was last loaded.")
    def loaded_at(self) -> datetime | None:
        value = self._props.get("loaded_at")
        return None if value is None else datetime.fromisoformat(value)

    @strawberry.field(graphql_type="list[Country]")
    def countries(self, info: Info[Context, None]) -> Later[list[Country]]:
        return _all(self, info, follow("Project", "countries"), Country.from_row)

    @strawberry.field(graphql_type="Office | None")
    def office(self, info: Info[Context, None]) -> Later[Office | None]:
        return _one(self, info, follow("Project", "office"), Office.from_row)

    @strawberry.field(graphql_type="list[Contribution]")
    def contributions(self, info: Info[Context, None]) -> Later[list[Contribution]]:
        return _all(self, info, follow("Project", "contributions"), Contribution.from_row)

    @strawberry.field(
        description="Organisations taking part other than by funding.",
        graphql_type="list[Participation]",
    )
    def participants(self, info: Info[Context, None]) -> Later[list[Participation]]:
        return _all(self, info, follow("Project", "participants"), Participation.from_row)

    @strawberry.field(
        description="Recipient countries with their percentage of the project.",
        graphql_type="list[RecipientCountry]",
    )
    def recipient_countries(self, info: Info[Context, None]) -> Later[list[RecipientCountry]]:
        entry = follow("Project", "recipientCountries")
        return _all(self, info, entry, RecipientCountry.from_row)

    @strawberry.field(graphql_type="list[Region]")
    def regions(self, info: Info[Context, None]) -> Later[list[Region]]:
        return _all(self, info, follow("Project", "regions"), Region.from_row)

    @strawberry.field(graphql_type="list[Location]")
    def locations(self, info: Info[Context, None]) -> Later[list[Location]]:
        return _all(self, info, follow("Project", "locations"), Location.from_row)

    @strawberry.field(
        description="IATI related-activity links, in type order.",
        graphql_type="list[RelatedActivity]",
    )
    def related_activities(self, info: Info[Context, None]) -> Later[list[RelatedActivity]]:
        entry = follow("Project", "relatedActivities")
        return _all(self, info, entry, RelatedActivity.from_row)

    @strawberry.field(
        description="The raw financial transactions, as reported.",
        graphql_type="list[Transaction]",
    )
    def transactions(self, info: Info[Context, None]) -> Later[list[Transaction]]:
        raw = self._props.get("transactions")  # read with the project when it was asked for
        if raw is not None:
            return _transactions(raw)
        return then(info.context.loaders.transactions(self._props["code"]), _transactions)

    @strawberry.field(graphql_type="Programme | None")
    def programme(self, info: Info[Context, None]) -> Later[Programme | None]:
        return _one(self, info, follow("Project", "programme"), Programme.from_row)

    @strawberry.field(
        description="The programme component this project implements.",
        graphql_type="Component | None",
    )
    def component(self, info: Info[Context, None]) -> Later[Component | None]:
        return _one(self, info, follow("Project", "component"), Component.from_row)

    @strawberry.field(graphql_type="CooperationProgramme | None")
    def cooperation_programme(
        self, info: Info[Context, None]
    ) -> Later[CooperationProgramme | None]:
        entry = follow("Project", "cooperationProgramme")
        return _one(self, info, entry, CooperationProgramme.from_row)

    @strawberry.field(graphql_type="list[Sector]")
    def sectors(self, info: Info[Context, None]) -> Later[list[Sector]]:
        return _all(self, info, follow("Project", "sectors"), Sector.from_row)

    @strawberry.field(graphql_type="Connection[Video]")
    def videos(
        self,
        info: Info[Context, None],
        where: VideoWhere | None = None,
        order_by: list[VideoOrder] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Later[Connection[Video]]:
        listing = Listing(Link.PROJECT_VIDEOS, to_filter(where), to_sorts(order_by))
        return connection(info, listing, self, "Video", first, after, Video.from_row)

    @strawberry.field(graphql_type="list[Document]")
    def documents(self, info: Info[Context, None]) -> Later[list[Document]]:
        return _all(self, info, follow("Project", "documents"), Document.from_row)

    @strawberry.field(
        description="The results the project is to achieve, in order.", graphql_type="list[str]"
    )
    def results(self, info: Info[Context, None], lang: Lang = None) -> Later[list[str]]:
        entry = follow("Project", "results")
        return _all(self, info, entry, lambda row: translated(row["node"], "title", lang) or "")

    @strawberry.field(graphql_type="list[Agreement]")
    def agreements(self, info: Info[Context, None]) -> Later[list[Agreement]]:
        return _all(self, info, follow("Project", "agreements"), Agreement.from_row)


@strawberry.type(description="A page of projects; aggregate covers the whole filtered list.")
class ProjectConnection(Connection[Project]):
    _listing: strawberry.Private[Listing]
    _key: strawberry.Private[str]

    @staticmethod
    def of(listing: Listing, key: str, page: Connection[Project]) -> ProjectConnection:
        """``page`` of ``listing`` from ``key``, able to aggregate the whole listing."""
        return ProjectConnection(
            edges=page.edges, page_info=page.page_info, _count=page._count, _listing=listing,
            _key=key,
        )  # fmt: skip

    @strawberry.field(
        description="Counts, budgets, groups and donor → country flows over every project of "
        "this list, not just the page (each computed only when selected)."
    )
    def aggregate(self) -> Annotated[ProjectAggregate, strawberry.lazy("schema.aggregates")]:
        from schema.aggregates import ProjectAggregate  # that module imports this one

        return ProjectAggregate(_listing=self._listing, _key=self._key)
