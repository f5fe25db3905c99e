"""Whole-corpus aggregates stored in the graph after each load, and the data revision
that says whether they still hold.

An aggregate over every project scans them all: 0.3 to 1 s per measure at 100k
activities, ten times that over the whole IATI corpus. The API's cache
(``schema.caching``) answers repeats, but the first request after every load paid the
scan, and so does every API replica. So a load ends by computing each measure once over
every project (``graph.aggregates.refresh_summaries``) and storing its rows, as JSON, on a
``:Summary`` node with the data revision they were read at.

The revision is a ``:DataRevision`` node's ``value``, set anew (a random UUID) by every
transaction that writes project data (``graph.project_writes``) in that same
transaction. A summary is served only while its revision is the graph's: any write
commits a new revision, so nothing stale is served, and a summary read while a write
committed is never served. Writes made outside aidgraph's loaders do not change the
revision: after one, run ``aidgraph summarize`` (or delete the ``:Summary`` nodes).
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import ManagedTransaction

BOOKKEEPING_LABELS: tuple[LiteralString, ...] = ("DataRevision", "Summary")
"""Labels of nodes that record how the data was written, not data."""

NEW_REVISION: LiteralString = "MERGE (v:DataRevision {key: 'projects'}) SET v.value = randomUUID()"
"""Run last in every transaction that writes project data: the revision lock is then held
only while the transaction commits."""

CURRENT_SUMMARY: LiteralString = (
    "OPTIONAL MATCH (v:DataRevision {key: 'projects'}) "
    "OPTIONAL MATCH (s:Summary {measure: $measure}) WHERE s.revision = v.value "
)
"""Binds ``s``: the stored summary of ``$measure`` if it holds for the graph as it is, else
null."""

_REVISION: LiteralString = (
    "OPTIONAL MATCH (v:DataRevision {key: 'projects'}) RETURN v.value AS value"
)

_STORE: LiteralString = (
    "UNWIND $summaries AS summary "
    "MERGE (s:Summary {measure: summary.measure}) "
    "SET s.revision = $revision, s.rows = summary.rows, s.refreshed_at = datetime()"
)

RANKED_ROWS = 100
"""How many rows of a ranking measure (donor → country flows) a summary keeps: the most an
API request may ask for (``schema.pagination.MAX_PAGE_SIZE``)."""


def new_revision(tx: ManagedTransaction) -> str:
    """Sets a new data revision and returns it: for a graph written before revisions were
    (its data is as of now)."""
    value: str = tx.run(NEW_REVISION + " RETURN v.value AS value").single(strict=True)["value"]
    return value


def read_revision(tx: ManagedTransaction) -> str | None:
    """The graph's data revision (``None`` before any project was written)."""
    record = tx.run(_REVISION).single(strict=True)
    value: str | None = record["value"]
    return value


def store_summaries(tx: ManagedTransaction, revision: str, rows: dict[str, str]) -> None:
    """Store each measure's rows (JSON text, by measure name) as read at ``revision``."""
    summaries = [{"measure": measure, "rows": text} for measure, text in rows.items()]
    tx.run(_STORE, {"summaries": summaries, "revision": revision}).consume()
