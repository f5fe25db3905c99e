"""Aggregations over a listing: counts, budgets and money flows, batched by parent.

Each ``Measure`` is a fixed Cypher body run over the distinct nodes ``n`` a listing
(a link, narrowed by a filter) reaches from each parent key, so an aggregate on a nested
connection costs one query for all its parents. Money is never added across currencies:
every measure returns one row per group and currency.

Shares: a project in several countries (or sectors) counts once in each, and its budget
is split by the relationship's ``percentage`` (or evenly when the source gave none).

Over every project, the rows stored after the last load answer while they hold
(``graph.summaries``), in the same statement that would otherwise scan.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import LiteralString

from graph.connection import Database
from graph.reads import ALL, KeyedRead, Link, Listing, Row, read_keyed
from graph.summaries import (
    CURRENT_SUMMARY,
    RANKED_ROWS,
    new_revision,
    read_revision,
    store_summaries,
)


def _node(var: LiteralString) -> LiteralString:
    """A node's properties, its load time as ISO 8601 text (as ``graph.reads`` fetches
    nodes): plain values, which a stored summary keeps as JSON."""
    return var + " {.*, loaded_at: toString(" + var + ".loaded_at)}"


def _by(key: LiteralString) -> LiteralString:
    """Groups of projects by a property of theirs, with budgets per currency.

    A project has one value and one currency, so the rows' counts add up to the group's.
    """
    return (
        "WITH " + key + " AS group, n.budget_currency AS currency, count(n) AS count, "
        "sum(n.budget_amount) AS amount "
        "RETURN collect({key: group, name: group, count: count, currency: currency, "
        "amount: amount}) AS rows"
    )


def _by_share(
    relationship: LiteralString, label: LiteralString, key: LiteralString
) -> LiteralString:
    """Groups of projects by a linked node, with budgets split by the link's percentage.

    A project links a node once and has one currency, so the rows' counts add up too.
    """
    return (
        "MATCH (n)-[c:" + relationship + "]->(g:" + label + ") "
        "WITH n, g, coalesce(c.percentage, 100.0 / COUNT { (n)-[:" + relationship + "]->() }) "
        "/ 100.0 AS share "
        "WITH g, n.budget_currency AS currency, count(n) AS count, "
        "sum(n.budget_amount * share) AS amount "
        "RETURN collect({key: g." + key + ", name: g.name, count: count, currency: currency, "
        "amount: amount}) AS rows"
    )  # fmt: skip


class Measure(Enum):
    """What to compute over the distinct nodes ``n`` of a listing; each returns ``rows``."""

    SUMMARY = (
        "WITH n.budget_currency AS currency, count(n) AS count, "
        "sum(n.budget_amount) AS sum, min(n.budget_amount) AS min, "
        "max(n.budget_amount) AS max, avg(n.budget_amount) AS average, "
        "count(n.budget_amount) AS budgeted "
        "RETURN collect({currency: currency, count: count, sum: sum, min: min, max: max, "
        "average: average, budgeted: budgeted}) AS rows"
    )
    BY_STATUS = _by("n.status")
    BY_YEAR = _by("left(n.start_date, 4)")
    BY_COUNTRY = _by_share("IN_COUNTRY", "Country", "iso2")
    BY_SECTOR = _by_share("IN_SECTOR", "Sector", "key")
    # A donor may fund one project in two currencies: its count is of distinct projects,
    # repeated on each of its rows.
    BY_DONOR = (
        "MATCH (n)<-[c:CONTRIBUTES_TO]-(g:Organisation) "
        "WITH g, count(DISTINCT n) AS count, collect(c) AS cs "
        "UNWIND cs AS c "
        "WITH g, count, c.currency AS currency, sum(c.amount) AS amount "
        "RETURN collect({key: g.id, name: g.name, donor: " + _node("g") + ", count: count, "
        "currency: currency, amount: amount}) AS rows"
    )
    FLOWS = (
        "MATCH (n)<-[c:CONTRIBUTES_TO]-(d:Organisation), (n)-[rc:IN_COUNTRY]->(g:Country) "
        "WHERE c.currency IS NOT NULL AND c.amount IS NOT NULL "
        "WITH n, c, d, g, coalesce(rc.percentage, 100.0 / COUNT { (n)-[:IN_COUNTRY]->() }) "
        "/ 100.0 AS share "
        "WITH d, g, c.currency AS currency, sum(c.amount * share) AS amount, "
        "count(DISTINCT n) AS projects "
        "ORDER BY amount DESC, d.id, g.iso2, currency LIMIT $limit "
        "RETURN collect({donor: " + _node("d") + ", country: " + _node("g") + ", "
        "currency: currency, amount: amount, "
        "projects: projects}) AS rows"
    )

    def __init__(self, body: LiteralString) -> None:
        self.body = body

    @property
    def ranks(self) -> bool:
        """Whether its rows are a ranking cut at a limit."""
        return self is Measure.FLOWS


EVERY_PROJECT = Listing(Link.ALL_PROJECTS)
"""The listing whose aggregates are stored after each load."""


def aggregate_read(
    measure: Measure, listing: Listing, keys: Sequence[str], limit: int
) -> KeyedRead:
    """For each parent key, the rows of ``measure`` over the nodes of ``listing`` (read
    them with ``aggregate_rows``): over every project, its stored summary while it holds.

    ``limit`` bounds the rows of measures that rank (``FLOWS``); the others ignore it.
    """
    if _every_project(listing) and limit <= RANKED_ROWS:
        return _summarised_read(measure, keys, limit)
    return _scan(measure, listing, keys, limit)


def _every_project(listing: Listing) -> bool:
    """Whether ``listing`` holds every project (its order does not change an aggregate)."""
    return listing.link is EVERY_PROJECT.link and listing.where is None


def aggregate_rows(value: list[Row] | str, measure: Measure, limit: int) -> list[Row]:
    """The rows in a value ``aggregate_read`` returned: read now, or stored as JSON."""
    if isinstance(value, list):
        return value
    rows: list[Row] = json.loads(value)
    return rows[:limit] if measure.ranks else rows


def _scan(measure: Measure, listing: Listing, keys: Sequence[str], limit: int) -> KeyedRead:
    matching = listing.link.matching(listing.where)
    query = (
        "UNWIND $keys AS key CALL (key) { " + matching.cypher + " WITH DISTINCT n "
        + measure.body + " } RETURN key, rows AS value"
    )  # fmt: skip
    parameters = {**matching.parameters, "keys": list(keys), "limit": limit}
    return KeyedRead(query, parameters, alone=True)


def _summarised_read(measure: Measure, keys: Sequence[str], limit: int) -> KeyedRead:
    """The stored rows of ``measure`` over every project, or where none hold, the scan.

    The scan is a subquery under the test of ``s``: as a filter in the same subquery,
    Neo4j scanned every project first and tested ``s`` on each."""
    query = (
        "UNWIND $keys AS key " + CURRENT_SUMMARY
        + "OPTIONAL CALL (key, s) { WITH key WHERE s IS NULL CALL (key) { "
        + EVERY_PROJECT.link.matching(None).cypher + " WITH DISTINCT n " + measure.body
        + " } RETURN rows } RETURN key, CASE WHEN s IS NULL THEN rows ELSE s.rows END AS value"
    )  # fmt: skip
    parameters = {"keys": list(keys), "limit": limit, "measure": measure.name}
    return KeyedRead(query, parameters, alone=True)


def refresh_summaries(db: Database) -> int:
    """Computes every measure over every project and stores the rows (``graph.summaries``);
    returns how many were stored: none when a write committed while they were read.

    Its reads are not bounded by the query timeout: over the whole IATI corpus a measure
    takes seconds, which a load can afford and a request should not."""
    db = db.unbounded()
    revision = db.read(read_revision) or db.write(new_revision)
    rows: dict[str, str] = {}
    for measure in Measure:
        read = _scan(measure, EVERY_PROJECT, [ALL], RANKED_ROWS)
        [found] = db.read(read_keyed, [read])
        rows[measure.name] = json.dumps(found[ALL])
    # Stored even if a write committed meanwhile: a summary whose revision is not the
    # graph's is never served. Reporting it stale spares the caller a false success.
    db.write(store_summaries, revision, rows)
    return len(rows) if db.read(read_revision) == revision else 0
