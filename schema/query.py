"""The root Query type and the executable schema."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from graph.reads import Link, Listing, NodeKind, Row
from schema.context import Context, ReleaseLoaders
from schema.execution import PlannedExecution
from schema.lookahead import Later, Shape, ahead
from schema.node import NODE_KINDS, Node, decode_global_id
from schema.order import DocumentOrder, VideoOrder, to_sorts
from schema.pagination import Connection
from schema.search import SearchHit, search
from schema.types import (
    SCALARS,
    CooperationProgramme,
    Country,
    Document,
    Office,
    Organisation,
    Programme,
    Project,
    Sector,
    Video,
    connection,
    projects_field,
    selects,
)
from schema.where import DocumentWhere, VideoWhere, to_filter

_TYPES: dict[str, Callable[[Row], Node]] = {
    "Project": lambda props: Project(_props=props),
    "Country": lambda props: Country(_props=props),
    "Organisation": lambda props: Organisation(_props=props),
    "Office": lambda props: Office(_props=props),
    "Programme": lambda props: Programme(_props=props),
    "CooperationProgramme": lambda props: CooperationProgramme(_props=props),
    "Sector": lambda props: Sector(_props=props),
    "Video": lambda props: Video(_props=props),
    "Document": lambda props: Document(_props=props),
}
"""How to build each Node type from its node's properties (keys as in ``NODE_KINDS``)."""


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global ID (the Node interface).")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        type_name, key = decode_global_id(id)
        row = await info.context.loaders.node(NODE_KINDS[type_name], key)
        return None if row is None else _TYPES[type_name](row["node"])

    @strawberry.field(description="A project by its code, e.g. MLI/801.")
    async def project(self, info: Info[Context, None], code: str) -> Project | None:
        # one statement: the project, what it links to, and its transactions when asked
        within = ahead(info, "Project", Shape.ONE)
        transactions = selects(info, "transactions")
        row = await info.context.loaders.node(NodeKind.PROJECT, code, within, transactions)
        return None if row is None else Project.from_row(row)

    projects = projects_field(Link.ALL_PROJECTS, "All projects (by code unless orderBy).")

    @strawberry.field(description="A country by its ISO 3166-1 alpha-2 code, e.g. ML.")
    async def country(self, info: Info[Context, None], iso2: str) -> Country | None:
        within = ahead(info, "Country", Shape.ONE)
        row = await info.context.loaders.node(NodeKind.COUNTRY, iso2.upper(), within)
        return None if row is None else Country.from_row(row)

    @strawberry.field(
        description="Countries with projects, by name.",
        graphql_type="Connection[Country]",
    )
    def countries(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Later[Connection[Country]]:
        listing = Listing(Link.ALL_COUNTRIES)
        return connection(info, listing, None, "Country", first, after, Country.from_row)

    @strawberry.field(description="An organisation by its key (canonical id), e.g. XM-DAC-22-2.")
    async def organisation(self, info: Info[Context, None], key: str) -> Organisation | None:
        within = ahead(info, "Organisation", Shape.ONE)
        row = await info.context.loaders.node(NodeKind.ORGANISATION, key, within)
        return None if row is None else Organisation.from_row(row)

    @strawberry.field(
        description="Organisations that fund projects, by name.",
        graphql_type="Connection[Organisation]",
    )
    def donors(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Later[Connection[Organisation]]:
        listing = Listing(Link.ALL_DONORS)
        return connection(info, listing, None, "Organisation", first, after, Organisation.from_row)

    @strawberry.field(
        description="Videos of every project (by key unless orderBy).",
        graphql_type="Connection[Video]",
    )
    def videos(
        self,
        info: Info[Context, None],
        where: VideoWhere | None = None,
        order_by: list[VideoOrder] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Later[Connection[Video]]:
        listing = Listing(Link.ALL_VIDEOS, to_filter(where), to_sorts(order_by))
        return connection(info, listing, None, "Video", first, after, Video.from_row)

    @strawberry.field(
        description="Documents of every project (by key unless orderBy).",
        graphql_type="Connection[Document]",
    )
    def documents(
        self,
        info: Info[Context, None],
        where: DocumentWhere | None = None,
        order_by: list[DocumentOrder] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Later[Connection[Document]]:
        listing = Listing(Link.ALL_DOCUMENTS, to_filter(where), to_sorts(order_by))
        return connection(info, listing, None, "Document", first, after, Document.from_row)

    search: list[SearchHit] = strawberry.field(
        resolver=search,
        description="Full-text search over projects, videos and documents, best first.",
    )


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
) -> strawberry.Schema:
    """The executable schema, with ``extensions`` (the app's protections) installed, and
    ``ReleaseLoaders``."""
    return strawberry.Schema(
        query=Query,
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=[*extensions, ReleaseLoaders],
        execution_context_class=PlannedExecution,
    )


schema = build_schema()
"""The schema without protections: for tools that print or inspect it."""
