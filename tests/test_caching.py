"""Aggregates are read once per database version, and never served once a load commits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from api_fixture import load_copy_of_first, load_portfolio
from query_counting import CountingDatabase
from starlette.testclient import TestClient

from graph.aggregates import Measure
from graph.connection import Database
from graph.reads import ALL, Link, Listing
from graph.settings import Settings
from schema.app import create_app
from schema.caching import ReadCache
from schema.context import Context, GraphLoaders
from schema.query import schema

AGGREGATE = """{ projects(first: 1) { edges { node { code } }
  aggregate { count byStatus { key count } } } }"""


def _ask(client: TestClient, db: CountingDatabase) -> tuple[Any, int]:
    db.queries = 0
    body = client.post("/graphql", json={"query": AGGREGATE}).json()
    assert "errors" not in body, body["errors"]
    return body["data"]["projects"]["aggregate"], db.queries


@pytest.fixture
def counted(session_db: Database, neo4j_settings: Settings) -> Iterator[CountingDatabase]:
    load_portfolio(session_db)
    db = CountingDatabase.connect(neo4j_settings)
    yield db
    db.close()


def test_the_version_changes_when_a_write_commits_and_only_then(session_db: Database) -> None:
    before = session_db.version()
    assert session_db.version() == before  # reads change nothing
    load_copy_of_first(session_db)
    assert session_db.version() != before


def test_an_aggregate_asked_again_is_read_from_the_cache(
    counted: CountingDatabase, neo4j_settings: Settings
) -> None:
    with TestClient(create_app(neo4j_settings, db=counted)) as client:
        first, read = _ask(client, counted)
        again, cached = _ask(client, counted)
    assert again == first
    assert first["count"] == 6
    # the page (whose read tells the version), and one statement per measure (summary,
    # by status); then the page alone
    assert (read, cached) == (3, 1)


def test_a_load_makes_the_cached_aggregate_stale(
    counted: CountingDatabase, session_db: Database, neo4j_settings: Settings
) -> None:
    with TestClient(create_app(neo4j_settings, db=counted)) as client:
        before, _ = _ask(client, counted)
        load_copy_of_first(session_db)
        after, read = _ask(client, counted)
    assert before == {
        "count": 6,
        "byStatus": [
            {"key": "implementation", "count": 3},
            {"key": "closed", "count": 2},
            {"key": "pipeline", "count": 1},
        ],
    }
    # AG-9 is implemented, like AG-1 it copies
    assert after == {
        "count": 7,
        "byStatus": [
            {"key": "implementation", "count": 4},
            {"key": "closed", "count": 2},
            {"key": "pipeline", "count": 1},
        ],
    }
    assert read == 3


def test_requests_that_miss_together_share_one_read(counted: CountingDatabase) -> None:
    cache = ReadCache(16)

    async def ask() -> Any:
        context = Context(request=None, response=None, loaders=GraphLoaders(counted, cache))  # type: ignore[arg-type]
        result = await schema.execute(AGGREGATE, context_value=context)
        assert result.errors is None, result.errors
        return result.data

    async def together() -> list[Any]:
        return list(await asyncio.gather(*(ask() for _ in range(5))))

    counted.queries = 0
    answers = asyncio.run(together())
    assert answers == [answers[0]] * 5
    # five pages, but each measure read once
    assert counted.queries == 5 + 2


def test_no_cache_when_its_size_is_zero(
    counted: CountingDatabase, neo4j_settings: Settings
) -> None:
    settings = neo4j_settings.model_copy(update={"cached_aggregates": 0})
    with TestClient(create_app(settings, db=counted)) as client:
        _, first = _ask(client, counted)
        _, again = _ask(client, counted)
    assert (first, again) == (3, 3)  # the page and the two measures, each time


def test_a_request_that_has_read_nothing_reads_the_version(counted: CountingDatabase) -> None:
    """An aggregate is usually asked after its connection's page, whose statement tells
    the version; without one, a small statement of its own does."""
    cache = ReadCache(16)

    async def summary() -> Any:
        loaders = GraphLoaders(counted, cache)
        return await loaders.aggregate(Measure.SUMMARY, Listing(Link.ALL_PROJECTS), ALL)

    counted.queries = 0
    first = asyncio.run(summary())
    assert counted.queries == 2  # the version, then the measure
    assert asyncio.run(summary()) == first
    assert counted.queries == 3  # the version alone
    assert sum(row["count"] for row in first) == 6
