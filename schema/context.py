"""Per-request context: batched, cached access to the graph through DataLoaders.

Resolvers never query Neo4j one parent at a time: they ask these loaders, which gather
every key asked for in one tick of the event loop and fetch them with one query per
kind of link (``graph.reads``). The driver is synchronous, so each batch runs in a
worker thread and the event loop stays free.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from graph.aggregates import Measure, aggregate
from graph.connection import Database, P, R, TxWork
from graph.reads import (
    Link,
    Listing,
    NodeKind,
    Row,
    count_links,
    fetch_links,
    fetch_nodes,
    fetch_transactions,
)


class GraphLoaders:
    """DataLoaders for one request, created lazily per kind of lookup."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._nodes: dict[NodeKind, DataLoader[str, Row | None]] = {}
        self._pages: dict[tuple[Listing, int, int], DataLoader[str, list[Row]]] = {}
        self._counts: dict[Listing, DataLoader[str, int]] = {}
        self._aggregates: dict[tuple[Measure, Listing, int], DataLoader[str, list[Row]]] = {}
        self._transactions: DataLoader[str, str | None] | None = None

    async def node(self, kind: NodeKind, key: str) -> Row | None:
        if kind not in self._nodes:

            async def load(keys: list[str]) -> list[Row | None]:
                found = await to_thread.run_sync(self._db.read, fetch_nodes, kind, keys)
                return [found.get(key) for key in keys]

            self._nodes[kind] = DataLoader(load_fn=load)
        return await self._nodes[kind].load(key)

    async def links(self, link: Link, key: str, skip: int = 0, limit: int = 1000) -> list[Row]:
        """Rows ``{"node": …, "link": …}`` of ``link`` from ``key``, in the link's order."""
        return await self.page(Listing(link), key, skip, limit)

    async def page(self, listing: Listing, key: str, skip: int, limit: int) -> list[Row]:
        """One page of ``listing`` from ``key``: rows ``{"node": …, "link": …}``."""
        page = (listing, skip, limit)
        if page not in self._pages:

            async def load(keys: list[str]) -> list[list[Row]]:
                found = await to_thread.run_sync(
                    self._db.read, fetch_links, listing, keys, skip, limit
                )
                return [found.get(key, []) for key in keys]

            self._pages[page] = DataLoader(load_fn=load)
        return await self._pages[page].load(key)

    async def count(self, listing: Listing, key: str) -> int:
        if listing not in self._counts:

            async def load(keys: list[str]) -> list[int]:
                found = await to_thread.run_sync(self._db.read, count_links, listing, keys)
                return [found.get(key, 0) for key in keys]

            self._counts[listing] = DataLoader(load_fn=load)
        return await self._counts[listing].load(key)

    async def transactions(self, code: str) -> str | None:
        """A project's raw transactions (JSON text), batched like every other lookup."""
        if self._transactions is None:

            async def load(codes: list[str]) -> list[str | None]:
                found = await to_thread.run_sync(self._db.read, fetch_transactions, codes)
                return [found.get(code) for code in codes]

            self._transactions = DataLoader(load_fn=load)
        return await self._transactions.load(code)

    async def aggregate(
        self, measure: Measure, listing: Listing, key: str, limit: int = 0
    ) -> list[Row]:
        """The rows of ``measure`` over ``listing`` from ``key``."""
        wanted = (measure, listing, limit)
        if wanted not in self._aggregates:

            async def load(keys: list[str]) -> list[list[Row]]:
                found = await to_thread.run_sync(
                    self._db.read, aggregate, measure, listing, keys, limit
                )
                return [found.get(key, []) for key in keys]

            self._aggregates[wanted] = DataLoader(load_fn=load)
        return await self._aggregates[wanted].load(key)

    async def read(self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``work(tx, ...)`` in a read transaction in a worker thread, unbatched: for
        root fields (search) that cost one query per request anyway."""
        return await to_thread.run_sync(partial(self._db.read, work, *args, **kwargs))


@dataclass
class Context:
    """What every resolver gets as ``info.context``."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    loaders: GraphLoaders
