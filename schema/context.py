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

from graph.connection import Database, P, R, TxWork
from graph.reads import Link, Node, Row, count_links, fetch_links, fetch_nodes


class GraphLoaders:
    """DataLoaders for one request, created lazily per kind of lookup."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._nodes: dict[Node, DataLoader[str, Row | None]] = {}
        self._pages: dict[tuple[Link, int, int], DataLoader[str, list[Row]]] = {}
        self._counts: dict[Link, DataLoader[str, int]] = {}

    async def node(self, kind: Node, key: str) -> Row | None:
        if kind not in self._nodes:

            async def load(keys: list[str]) -> list[Row | None]:
                found = await to_thread.run_sync(self._db.read, fetch_nodes, kind, keys)
                return [found.get(key) for key in keys]

            self._nodes[kind] = DataLoader(load_fn=load)
        return await self._nodes[kind].load(key)

    async def links(self, link: Link, key: str, skip: int = 0, limit: int = 1000) -> list[Row]:
        """One page of ``link`` from ``key``: rows ``{"node": …, "link": …}``."""
        page = (link, skip, limit)
        if page not in self._pages:

            async def load(keys: list[str]) -> list[list[Row]]:
                found = await to_thread.run_sync(
                    self._db.read, fetch_links, link, keys, skip, limit
                )
                return [found.get(key, []) for key in keys]

            self._pages[page] = DataLoader(load_fn=load)
        return await self._pages[page].load(key)

    async def count(self, link: Link, key: str) -> int:
        if link not in self._counts:

            async def load(keys: list[str]) -> list[int]:
                found = await to_thread.run_sync(self._db.read, count_links, link, keys)
                return [found.get(key, 0) for key in keys]

            self._counts[link] = DataLoader(load_fn=load)
        return await self._counts[link].load(key)

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
