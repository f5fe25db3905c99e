"""The root Query type and the executable schema."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from graph.reads import ALL, Link, Node
from schema.context import Context
from schema.pagination import Connection
from schema.search import SearchHit, search
from schema.types import SCALARS, Country, Organisation, Project, connection


@strawberry.type
class Query:
    @strawberry.field(description="A project by its code, e.g. MLI/801.")
    async def project(self, info: Info[Context, None], code: str) -> Project | None:
        props = await info.context.loaders.node(Node.PROJECT, code)
        return None if props is None else Project(_props=props)

    @strawberry.field(description="All projects, by code.")
    async def projects(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Project]:
        return await connection(info, Link.ALL_PROJECTS, ALL, first, after, Project.from_row)

    @strawberry.field(description="A country by its ISO 3166-1 alpha-2 code, e.g. ML.")
    async def country(self, info: Info[Context, None], iso2: str) -> Country | None:
        props = await info.context.loaders.node(Node.COUNTRY, iso2.upper())
        return None if props is None else Country(_props=props)

    @strawberry.field(description="Countries with projects, by name.")
    async def countries(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Country]:
        return await connection(info, Link.ALL_COUNTRIES, ALL, first, after, Country.from_row)

    @strawberry.field(description="An organisation by its canonical id.")
    async def organisation(self, info: Info[Context, None], id: str) -> Organisation | None:
        props = await info.context.loaders.node(Node.ORGANISATION, id)
        return None if props is None else Organisation(_props=props)

    @strawberry.field(description="Organisations that fund projects, by name.")
    async def donors(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Organisation]:
        return await connection(info, Link.ALL_DONORS, ALL, first, after, Organisation.from_row)

    search: list[SearchHit] = strawberry.field(
        resolver=search,
        description="Full-text search over projects, videos and documents, best first.",
    )


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
) -> strawberry.Schema:
    """The executable schema, with ``extensions`` (the app's protections) installed."""
    return strawberry.Schema(
        query=Query,
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=list(extensions),
    )


schema = build_schema()
"""The schema without protections: for tools that print or inspect it."""
