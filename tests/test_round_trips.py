"""Neo4j round trips per request: bounded by the query's shape, not by its result size.

The API runs on a database wrapper that counts every query the driver sends. The same
nested query over 1, 10 and 100 parents must cost the same number of queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from graph.connection import Database, P, R, TxWork
from graph.project_writes import write_projects
from graph.settings import Settings
from loaders.records import ProjectRecord
from loaders.resolve import resolve
from schema.app import create_app

COUNTRIES = ["ML", "BF", "NE", "SN", "CI", "GN", "TD", "MR", "BJ", "TG"]
DONORS = ["XM-DAC-22-2", "US-GOV-1", "GB-GOV-1", "XI-IATI-EC_INTPA", "44000"]


class _CountingTransaction:
    """A managed transaction that counts the queries run through it."""

    def __init__(self, tx: Any, counter: CountingDatabase) -> None:
        self._tx = tx
        self._counter = counter

    def run(self, *args: Any, **kwargs: Any) -> Any:
        self._counter.queries += 1
        return self._tx.run(*args, **kwargs)


class CountingDatabase(Database):
    """The real database, counting the queries read transactions send."""

    queries = 0

    def read(self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        def counted(tx: Any, *a: Any, **k: Any) -> R:
            return work(_CountingTransaction(tx, self), *a, **k)  # type: ignore[arg-type]

        return super().read(counted, *args, **kwargs)


def _record(i: int) -> ProjectRecord:
    countries = [COUNTRIES[i % 10], COUNTRIES[(i + 3) % 10]]
    return ProjectRecord.model_validate(
        {
            "code": f"RT-{i:03d}",
            "language": "en",
            "source": "tests/test_round_trips.py",
            "title": f"Project {i}",
            "status": "implementation",
            "budget": {"amount": 1000 * (i + 1), "currency": "EUR"},
            "countries": [{"name": iso2, "iso2": iso2} for iso2 in countries],
            "contributions": [
                {
                    "donor": {"name": f"Donor {DONORS[(i + k) % 5]}", "ref": DONORS[(i + k) % 5]},
                    "amount": {"amount": 500 * (k + 1), "currency": "EUR"},
                }
                for k in range(2)
            ],
            "sectors": [{"name": "Health", "code": "12220", "vocabulary": "1"}],
            "videos": [{"title": f"Video {i}", "url": f"https://vimeo.com/rt{i}"}],
        }
    )


@pytest.fixture(scope="module")
def counted(
    session_db: Database, neo4j_settings: Settings
) -> Iterator[tuple[TestClient, CountingDatabase]]:
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    write_projects(session_db, [resolve(_record(i)) for i in range(100)])
    db = CountingDatabase.connect(neo4j_settings)
    settings = neo4j_settings.model_copy(update={"max_cost": 10_000_000})
    with TestClient(create_app(settings, db=db)) as client:
        yield client, db
    db.close()


NESTED = """query ($n: Int) { projects(first: $n, orderBy: [{field: BUDGET, direction: DESC}]) {
  totalCount
  aggregate { count sumBudget { amount currency } }
  edges { node { code title budget { amount }
    countries { iso2 projects(first: 5, where: {status: {eq: IMPLEMENTATION}}) {
      totalCount edges { node { code participants { role } } } } }
    contributions { amount { amount } donor { key projects(first: 3) { edges { node { code } } } } }
    sectors { name }
    videos(first: 5) { totalCount edges { node { title } } } } } } }"""


def _queries_for(client: TestClient, db: CountingDatabase, parents: int) -> int:
    db.queries = 0
    body = client.post("/graphql", json={"query": NESTED, "variables": {"n": parents}}).json()
    assert "errors" not in body, body["errors"]
    assert len(body["data"]["projects"]["edges"]) == parents
    return db.queries


def test_nested_queries_cost_the_same_over_1_10_and_100_parents(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    client, db = counted
    costs = {parents: _queries_for(client, db, parents) for parents in (1, 10, 100)}
    # One statement per level, holding every list field of that level: the top page and
    # its count; countries, contributions, sectors, videos and the videos' count under
    # each project; the countries' project pages and counts and the donors' project
    # pages; the participants under those. The aggregate, which scans the whole list,
    # runs beside its level in a statement of its own. Five, whatever the number of parents.
    assert costs == {1: 5, 10: 5, 100: 5}


def test_lists_read_together_keep_their_own_filters(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    """Two filtered lists of one level share a statement, not their parameters."""
    client, db = counted
    query = """{ country(iso2: "ML") {
      cheap: projects(where: {budget: {lt: 20000}}, orderBy: [{field: CODE, direction: ASC}]) {
        totalCount edges { node { code } } }
      dear: projects(where: {budget: {gte: 95000}}, orderBy: [{field: CODE, direction: DESC}]) {
        totalCount edges { node { code } } } } }"""
    db.queries = 0
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    country = body["data"]["country"]
    # Mali is the first country of projects 0, 10, 20 … and the second of 7, 17, 27 …;
    # budgets are 1000 * (i + 1).
    assert [e["node"]["code"] for e in country["cheap"]["edges"]] == [
        "RT-000",
        "RT-007",
        "RT-010",
        "RT-017",
    ]
    assert country["cheap"]["totalCount"] == 4
    assert [e["node"]["code"] for e in country["dear"]["edges"]] == ["RT-097"]
    assert country["dear"]["totalCount"] == 1
    assert db.queries == 2  # the country; then both pages and both counts


def test_each_nesting_level_adds_one_query(counted: tuple[TestClient, CountingDatabase]) -> None:
    client, db = counted
    levels = [
        "{ projects(first: 100) { edges { node { code } } } }",
        "{ projects(first: 100) { edges { node { countries { iso2 } } } } }",
        "{ projects(first: 100) { edges { node { countries { projects(first: 10) {"
        " edges { node { code } } } } } } } }",
        "{ projects(first: 100) { edges { node { countries { projects(first: 10) {"
        " edges { node { sectors { name } } } } } } } } }",
    ]
    found = []
    for query in levels:
        db.queries = 0
        body = client.post("/graphql", json={"query": query}).json()
        assert "errors" not in body, body["errors"]
        found.append(db.queries)
    assert found == [1, 2, 3, 4]
