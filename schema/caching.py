"""Answers of expensive reads (aggregates), kept while the database has not changed.

An aggregate over a whole listing scans it: 0.6 to 0.9 s for every project of the 100k
benchmark graph, the same for every request that asks, while the graph changes only
when a load commits. ``ReadCache`` keeps each answer under the database version it was
read at (``graph.connection.Database.version``, or the version a request's first
statement read at): a request that finds the database at that version gets it without
reading; any committed write makes a new version, so nothing stale is served. One read
runs for all requests that miss the same entry at once. The cache is per API process
and bounded.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from graph.connection import Version
from graph.reads import KeyedRead

Found = dict[str, Any]
"""A keyed read's values by parent key."""


class ReadCache:
    """Up to ``size`` answers of keyed reads, by database version and read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, Found] = OrderedDict()
        self._reading: dict[Hashable, asyncio.Future[Found]] = {}

    async def get(
        self,
        version: Version,
        read: KeyedRead,
        fetch: Callable[[KeyedRead], Awaitable[tuple[Found, Version]]],
    ) -> Found:
        """``read``'s answer at ``version``: kept, being read for another request, or
        read now by ``fetch`` (which gives the version it read at). An answer is kept
        only when ``fetch`` read at ``version``: a write committed in between makes a
        version that ``version`` is not."""
        if not version:  # a server that gave no bookmark: no way to tell, so never keep
            return (await fetch(read))[0]
        key = (version, read.cypher, json.dumps(read.parameters, sort_keys=True, default=repr))
        known = self._answers.get(key)
        if known is not None:
            self._answers.move_to_end(key)
            return known
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self._fetch(key, version, read, fetch))
            # its error is taken even when every request that awaited it has gone
            reading.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._reading[key] = reading
        # shielded: a request that goes away does not cancel the read others await
        return await asyncio.shield(reading)

    async def _fetch(
        self,
        key: Hashable,
        version: Version,
        read: KeyedRead,
        fetch: Callable[[KeyedRead], Awaitable[tuple[Found, Version]]],
    ) -> Found:
        try:
            found, read_at = await fetch(read)
        finally:
            del self._reading[key]
        if read_at == version and self.size > 0:
            self._answers[key] = found
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return found
