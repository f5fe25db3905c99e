"""The ASGI app: GraphQL (GraphiQL in a browser) at /graphql, /healthz and /readyz.

Run it with ``uvicorn schema.app:app`` or ``aidgraph serve``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from anyio import to_thread
from neo4j.exceptions import DriverError, Neo4jError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL

from graph.connection import Database
from graph.migrations import migrate
from graph.settings import Settings
from schema import heap
from schema.caching import ReadCache
from schema.context import Context, GraphLoaders
from schema.protection import protections
from schema.query import build_schema

log = logging.getLogger("aidgraph.api")


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app, giving each request fresh batched loaders over the app's
    aggregate cache."""

    def __init__(self, schema: Schema, db: Database, cache: ReadCache | None) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.db = db
        self.cache = cache

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        loaders = GraphLoaders(self.db, self.cache)
        return Context(request=request, response=response, loaders=loaders)

    def encode_json(self, data: object) -> str | bytes:
        """The response as JSON bytes, by orjson: ``json.dumps`` took 1.1 ms of the nested
        benchmark query (100 kB), orjson 0.08. What orjson refuses (an integer beyond 64
        bits from a custom scalar) is encoded by ``json`` as before."""
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:
            return super().encode_json(data)


class Readiness:
    """Whether Neo4j answers; the first time it does, the schema is migrated."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.migrated = False

    async def check(self) -> bool:
        if not await to_thread.run_sync(self.db.ping):
            return False
        if not self.migrated:
            try:
                await to_thread.run_sync(migrate, self.db)
            except (Neo4jError, DriverError, OSError) as error:
                log.warning("migration failed: %s", error)
                return False
            self.migrated = True
        return True


def create_app(settings: Settings | None = None, db: Database | None = None) -> Starlette:
    """The API over the database ``settings`` point at (the environment's by default),
    with the limits, error masking and CORS origins they set.

    ``db`` replaces the connection ``settings`` describe: tests pass one that counts
    queries. The app's lifespan closes it.
    """
    settings = settings or Settings()
    db = db or Database.connect(settings)
    readiness = Readiness(db)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        if await readiness.check():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable", "reason": "Neo4j unreachable"}, 503)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not await readiness.check():
            log.warning("Neo4j is not reachable yet; /readyz answers 503 until it is")
        heap.settle()
        yield
        db.close()

    cache = ReadCache(settings.cached_aggregates) if settings.cached_aggregates else None
    graphql = GraphQLApp(build_schema(protections(settings)), db, cache)
    # Browsers on other origins (front ends) may call the API only when listed; with no
    # origins configured every cross-origin request is refused.
    cors = Middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        middleware=[cors],
        lifespan=lifespan,
    )


app = create_app()
