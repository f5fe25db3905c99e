"""Per-request context: batched, cached access to the graph through DataLoaders.

Resolvers never query Neo4j one parent at a time: they ask these loaders, which gather
every key asked for in one tick of the event loop and fetch them with one query per
kind of link (``graph.reads``). The reads the loaders of one tick ask for run together
as one statement (``TickReads``): one round trip however many kinds of link a level of
the query selects. A page read also reads ahead what its rows' selected link fields will
ask for (``schema.lookahead``), so those fields need no loader at all. The driver is
synchronous, so the statement runs in a worker thread and the event loop stays free.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension

from graph.aggregates import Measure, aggregate_read, aggregate_rows
from graph.connection import Database, P, R, TxWork, Version
from graph.reads import (
    Ahead,
    KeyedRead,
    Listing,
    NodeKind,
    Page,
    Properties,
    Row,
    counted_links_read,
    counts_read,
    link_rows,
    links_read,
    node_row,
    nodes_read,
    read_keyed,
    transactions_read,
)
from schema.caching import ReadCache

T = TypeVar("T")


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
        self.first_version: Version | None = None
        """The database version the first statement that succeeded read at."""

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
            results, version = await to_thread.run_sync(self._db.read_versioned, read_keyed, reads)
        except Exception as error:
            for _, future in pending:
                if not future.done():
                    future.set_exception(error)
            return
        if self.first_version is None:
            self.first_version = version
        for (_, future), result in zip(pending, results, strict=True):
            if not future.done():
                future.set_result(result)


class GraphLoaders:
    """DataLoaders for one request, created lazily per kind of lookup; aggregates come
    from ``cache`` (shared by the app's requests) while the database is unchanged."""

    def __init__(self, db: Database, cache: ReadCache | None = None) -> None:
        self._db = db
        self._reads = TickReads(db)
        self._loaders: dict[Hashable, DataLoader[str, Any]] = {}
        self._cache = cache
        self._version: asyncio.Future[Version] | None = None

    async def node(
        self, kind: NodeKind, key: str, ahead: tuple[Ahead, ...] = (), transactions: bool = False
    ) -> Row | None:
        """The row ``{node, nested}`` of the node of ``kind`` with ``key``, if any: its
        properties (with a project's raw ``transactions`` when asked) and, with ``ahead``,
        its pages read ahead in the same statement, by ``Page``."""

        def read(keys: list[str]) -> KeyedRead:
            return nodes_read(kind, keys, ahead, transactions)

        lookup = ("node", kind, ahead, transactions)
        values: list[Any] | None = await self._load(lookup, read, _none, key)
        return None if values is None else node_row(values, ahead)

    async def page(
        self,
        page: Page,
        key: str,
        ahead: tuple[Ahead, ...] = (),
        properties: Properties | None = None,
    ) -> list[Row]:
        """``page`` of rows ``{"node": …, "link": …}`` from ``key``, each node with
        ``properties`` (``None``: all it shows); with ``ahead``, each row's ``nested``
        holds its pages read ahead in the same statement, by ``Page``."""

        def read(keys: list[str]) -> KeyedRead:
            return links_read(page, keys, ahead, properties)

        lookup = ("page", page, ahead, properties)
        values: list[list[Any]] = await self._load(lookup, read, list, key)
        return link_rows(values, page.listing.link, ahead, properties=properties)

    async def counted_page(
        self,
        page: Page,
        key: str,
        ahead: tuple[Ahead, ...] = (),
        properties: Properties | None = None,
    ) -> tuple[list[Row], int]:
        """``page`` as ``page`` reads it, and how many rows its whole listing has, read
        in one pass (for a parent's filtered listing: see ``counted_links_read``)."""

        def read(keys: list[str]) -> KeyedRead:
            return counted_links_read(page, keys, ahead, properties)

        lookup = ("counted page", page, ahead, properties)
        found: Row = await self._load(lookup, read, _no_rows, key)
        rows = link_rows(found["rows"], page.listing.link, ahead, properties=properties)
        return rows, found["total"]

    async def count(self, listing: Listing, key: str) -> int:
        return await self._load(("count", listing), partial(counts_read, listing), int, key)

    async def transactions(self, code: str) -> str | None:
        """A project's raw transactions (JSON text), batched like every other lookup."""
        return await self._load(("transactions",), transactions_read, _none, code)

    async def aggregate(
        self, measure: Measure, listing: Listing, key: str, limit: int = 0
    ) -> list[Row]:
        """The rows of ``measure`` over ``listing`` from ``key``."""

        def read(keys: list[str]) -> KeyedRead:
            return aggregate_read(measure, listing, keys, limit)

        lookup = ("aggregate", measure, listing, limit)
        value: list[Row] | str = await self._load(
            lookup, read, list, key, cached=self._cache is not None
        )
        return aggregate_rows(value, measure, limit)

    async def _cached(self, read: KeyedRead) -> dict[str, Any]:
        """``read``'s values from the cache, at the database version this request saw
        first: that of its first statement (a connection's page, before its aggregate),
        or of a small statement of its own when it has read nothing yet."""
        assert self._cache is not None
        if self._version is None:
            seen = self._reads.first_version
            if seen is None:
                self._version = asyncio.ensure_future(to_thread.run_sync(self._db.version))
            else:
                self._version = asyncio.get_running_loop().create_future()
                self._version.set_result(seen)
        version = await asyncio.shield(self._version)
        return await self._cache.get(version, read, self._read_versioned)

    async def _read_versioned(self, read: KeyedRead) -> tuple[dict[str, Any], Version]:
        found, version = await to_thread.run_sync(self._db.read_versioned, read_keyed, [read])
        return found[0], version

    async def _load(
        self,
        lookup: Hashable,
        read: Callable[[list[str]], KeyedRead],
        missing: Callable[[], T],
        key: str,
        cached: bool = False,
    ) -> T:
        """``key``'s value from the request's loader for ``lookup`` (made on first use),
        which reads every key asked for in a tick with one ``read`` (from the cache when
        ``cached``); ``missing()`` stands for a key the read does not return."""
        loader: DataLoader[str, T] | None = self._loaders.get(lookup)
        if loader is None:

            async def load(keys: list[str]) -> list[T]:
                keyed = read(keys)
                found = await (self._cached(keyed) if cached else self._reads.run(keyed))
                return [found[key] if key in found else missing() for key in keys]

            loader = self._loaders[lookup] = DataLoader(load_fn=load)
        return await loader.load(key)

    def release(self) -> None:
        """Drops the request's loaders and what they loaded: the request is answered."""
        self._loaders.clear()

    async def read(self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``work(tx, ...)`` in a read transaction in a worker thread, unbatched: for
        root fields (search) that cost one query per request anyway."""
        return await to_thread.run_sync(partial(self._db.read, work, *args, **kwargs))


def _none() -> Any:
    return None


def _no_rows() -> Row:
    return {"rows": [], "total": 0}


@dataclass
class Context:
    """What every resolver gets as ``info.context``."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    loaders: GraphLoaders


class ReleaseLoaders(SchemaExtension):
    """Releases the request's loaders once its answer is built.

    Each DataLoader's batch function closes over its ``GraphLoaders``, a cycle that holds
    every row the request read until the collector finds it: in pauses of 60-180 ms
    every few requests of the nested benchmark query.
    """

    def on_execute(self) -> Iterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                context.loaders.release()
