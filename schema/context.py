"""Per-request context: batched, cached access to the graph through DataLoaders.

Resolvers never query Neo4j one parent at a time: they ask these loaders, which gather
every key asked for in one tick of the event loop and fetch them with one query per
kind of link (``graph.reads``). The reads the loaders of one tick ask for run together
as one statement (``TickReads``): one round trip however many kinds of link a level of
the query selects. The driver is synchronous, so the statement runs in a worker thread
and the event loop stays free.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from graph.aggregates import Measure, aggregate_read
from graph.connection import Database, P, R, TxWork
from graph.reads import (
    KeyedRead,
    Link,
    Listing,
    NodeKind,
    Row,
    counts_read,
    links_read,
    nodes_read,
    read_keyed,
    transactions_read,
)


class TickReads:
    """Reads asked for in one tick of the event loop, run as one statement.

    DataLoaders dispatch their batches from callbacks, a loop iteration or two after
    their resolvers asked. The statement waits until no read has been added for a few
    iterations in a row, so that every loader of a level of the query is in it; each
    iteration costs microseconds, a statement of its own a millisecond. Reads marked
    ``alone`` (aggregates) get statements of their own, run side by side. A failed
    statement fails each read in it.
    """

    QUIET = 3
    """Loop iterations without a new read before the pending reads run."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: list[tuple[KeyedRead, asyncio.Future[dict[str, Any]]]] = []
        self._running: set[asyncio.Task[None]] = set()

    async def run(self, read: KeyedRead) -> dict[str, Any]:
        """``read``'s values by parent key, read with the rest of this tick's reads."""
        loop = asyncio.get_running_loop()
        if not self._pending:
            loop.call_soon(self._settle, loop, 0, 0)
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._pending.append((read, future))
        return await future

    def _settle(self, loop: asyncio.AbstractEventLoop, seen: int, quiet: int) -> None:
        """Run the pending reads once ``QUIET`` iterations have added none."""
        if len(self._pending) > seen:
            loop.call_soon(self._settle, loop, len(self._pending), 0)
        elif quiet < self.QUIET:
            loop.call_soon(self._settle, loop, seen, quiet + 1)
        else:
            pending, self._pending = self._pending, []
            together = [item for item in pending if not item[0].alone]
            groups = [[item] for item in pending if item[0].alone]
            for group in [together, *groups] if together else groups:
                task = loop.create_task(self._read(group))
                self._running.add(task)  # the loop keeps only weak references to tasks
                task.add_done_callback(self._running.discard)

    async def _read(self, pending: list[tuple[KeyedRead, asyncio.Future[dict[str, Any]]]]) -> None:
        reads = [read for read, _ in pending]
        try:
            results = await to_thread.run_sync(self._db.read, read_keyed, reads)
        except Exception as error:
            for _, future in pending:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), result in zip(pending, results, strict=True):
            if not future.done():
                future.set_result(result)


class GraphLoaders:
    """DataLoaders for one request, created lazily per kind of lookup."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._reads = TickReads(db)
        self._nodes: dict[NodeKind, DataLoader[str, Row | None]] = {}
        self._pages: dict[tuple[Listing, int, int], DataLoader[str, list[Row]]] = {}
        self._counts: dict[Listing, DataLoader[str, int]] = {}
        self._aggregates: dict[tuple[Measure, Listing, int], DataLoader[str, list[Row]]] = {}
        self._transactions: DataLoader[str, str | None] | None = None

    async def node(self, kind: NodeKind, key: str) -> Row | None:
        if kind not in self._nodes:

            async def load(keys: list[str]) -> list[Row | None]:
                found = await self._reads.run(nodes_read(kind, keys))
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
                found = await self._reads.run(links_read(listing, keys, skip, limit))
                return [found.get(key, []) for key in keys]

            self._pages[page] = DataLoader(load_fn=load)
        return await self._pages[page].load(key)

    async def count(self, listing: Listing, key: str) -> int:
        if listing not in self._counts:

            async def load(keys: list[str]) -> list[int]:
                found = await self._reads.run(counts_read(listing, keys))
                return [found.get(key, 0) for key in keys]

            self._counts[listing] = DataLoader(load_fn=load)
        return await self._counts[listing].load(key)

    async def transactions(self, code: str) -> str | None:
        """A project's raw transactions (JSON text), batched like every other lookup."""
        if self._transactions is None:

            async def load(codes: list[str]) -> list[str | None]:
                found = await self._reads.run(transactions_read(codes))
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
                found = await self._reads.run(aggregate_read(measure, listing, keys, limit))
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
