"""Aggregations over a listing: counts, budgets and money flows, batched by parent.

Each ``Measure`` is a fixed Cypher body run over the distinct nodes ``n`` a listing
(a link, narrowed by a filter) reaches from each parent key, so an aggregate on a nested
connection costs one query for all its parents. Money is never added across currencies:
every measure returns one row per group and currency.

Shares: a project in several countries (or sectors) counts once in each, and its budget
is split by the relationship's ``percentage`` (or evenly when the source gave none).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import LiteralString

from graph.reads import KeyedRead, Listing


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
        "RETURN collect({key: g.id, name: g.name, donor: g {.*}, count: count, "
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
        "RETURN collect({donor: d {.*}, country: g {.*}, currency: currency, amount: amount, "
        "projects: projects}) AS rows"
    )

    def __init__(self, body: LiteralString) -> None:
        self.body = body


def aggregate_read(
    measure: Measure, listing: Listing, keys: Sequence[str], limit: int
) -> KeyedRead:
    """For each parent key, the rows of ``measure`` over the nodes of ``listing``.

    ``limit`` bounds the rows of measures that rank (``FLOWS``); the others ignore it.
    """
    matching = listing.link.matching(listing.where)
    query = (
        "UNWIND $keys AS key CALL (key) { " + matching.cypher + " WITH DISTINCT n "
        + measure.body + " } RETURN key, rows AS value"
    )  # fmt: skip
    parameters = {**matching.parameters, "keys": list(keys), "limit": limit}
    return KeyedRead(query, parameters, alone=True)
