"""Aggregates over every project are stored after a load and served while no write has
committed since."""

from __future__ import annotations

from typing import Any

import pytest
from api_fixture import load_copy_of_first, load_portfolio, post
from query_counting import CountingDatabase
from starlette.testclient import TestClient

from graph.aggregates import (
    EVERY_PROJECT,
    Measure,
    aggregate_read,
    aggregate_rows,
    refresh_summaries,
)
from graph.connection import Database, run_list
from graph.reads import ALL, Row, read_keyed
from graph.settings import Settings
from schema.app import create_app


def rows(db: Database, measure: Measure, limit: int = 20) -> list[Row]:
    """``measure`` over every project as the API reads it."""
    [found] = db.read(read_keyed, [aggregate_read(measure, EVERY_PROJECT, [ALL], limit)])
    return aggregate_rows(found[ALL], measure, limit)


def profiled(counted: CountingDatabase, measure: Measure) -> tuple[str, Any]:
    """The one statement that reads ``measure`` over every project, and its profile."""
    counted.statements.clear()
    counted.parameters.clear()
    rows(counted, measure)
    [statement], [parameters] = counted.statements, counted.parameters
    profile = counted.read(lambda tx: tx.run("PROFILE " + statement, parameters).consume().profile)
    return statement, profile


def total(db: Database) -> float:
    return sum(float(row["sum"]) for row in rows(db, Measure.SUMMARY) if row["currency"] == "EUR")


def set_budgets_behind_the_loaders_back(db: Database, amount: float) -> None:
    db.write(lambda tx: tx.run("MATCH (p:Project) SET p.budget_amount = $a", a=amount).consume())


@pytest.fixture
def portfolio_db(session_db: Database) -> Database:
    load_portfolio(session_db)
    return session_db


def test_stored_summaries_answer_as_the_scan_does(portfolio_db: Database) -> None:
    limits = (2, 100)
    scanned = {(m, limit): rows(portfolio_db, m, limit) for m in Measure for limit in limits}
    assert refresh_summaries(portfolio_db) == len(Measure) == 7
    stored = {(m, limit): rows(portfolio_db, m, limit) for m in Measure for limit in limits}
    assert stored == scanned
    assert sum(row["count"] for row in stored[Measure.SUMMARY, 2]) == 6
    # the stored ranking is cut at the limit asked for, as the scan is
    assert len(stored[Measure.FLOWS, 2]) == 2 < len(stored[Measure.FLOWS, 100])


def test_a_summary_is_served_until_a_load_commits(portfolio_db: Database) -> None:
    refresh_summaries(portfolio_db)
    assert total(portfolio_db) == 4_300_000.0  # AG-1, AG-2 and AG-6
    # a change that does not go through aidgraph's writes leaves the revision as it was:
    # the stored answer is served, which shows it is not read anew
    set_budgets_behind_the_loaders_back(portfolio_db, 1.0)
    assert total(portfolio_db) == 4_300_000.0
    load_copy_of_first(portfolio_db)  # a load commits: the graph is read again
    assert total(portfolio_db) == 3.0 + 1_000_000.0  # AG-9 has AG-1's budget
    assert sum(row["count"] for row in rows(portfolio_db, Measure.SUMMARY)) == 7


def test_the_scan_runs_only_without_a_summary_that_holds(
    portfolio_db: Database, neo4j_settings: Settings
) -> None:
    counted = CountingDatabase.connect(neo4j_settings)
    try:
        stale, plan = profiled(counted, Measure.BY_COUNTRY)
        refresh_summaries(portfolio_db)
        fresh, stored = profiled(counted, Measure.BY_COUNTRY)
    finally:
        counted.close()
    assert stale == fresh  # one statement, whichever answers
    assert _scanned(plan) == 6
    assert _scanned(stored) == 0


def _scanned(plan: Any) -> int:
    """Rows the plan's scan of projects produced."""
    found = plan["rows"] if plan["operatorType"].startswith("NodeIndexScan") else 0
    return int(found) + sum(_scanned(child) for child in plan.get("children", []))


def test_summaries_read_while_a_load_commits_are_not_served(
    portfolio_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[str] = []

    def read_then_load(tx: Any, reads: Any) -> Any:
        found = read_keyed(tx, reads)
        if not loaded:  # a load commits after the first measure was read
            loaded.append("AG-9")
            load_copy_of_first(portfolio_db)
        return found

    monkeypatch.setattr("graph.aggregates.read_keyed", read_then_load)
    assert refresh_summaries(portfolio_db) == 0
    monkeypatch.undo()
    assert sum(row["count"] for row in rows(portfolio_db, Measure.SUMMARY)) == 7


def test_the_api_answers_whole_corpus_aggregates_from_summaries(
    portfolio_db: Database, neo4j_settings: Settings
) -> None:
    query = """{ projects(first: 1, orderBy: [{field: BUDGET, direction: DESC}]) { aggregate {
      count byStatus { key count } byCountry { key count }
      flows(first: 1) { donor { name } country { iso2 } amount { amount currency } } } } }"""
    settings = neo4j_settings.model_copy(update={"cached_aggregates": 0})
    with TestClient(create_app(settings)) as client:
        scanned = post(client, query)
        refresh_summaries(portfolio_db)
        stored = post(client, query)
        set_budgets_behind_the_loaders_back(portfolio_db, 1.0)
        still = post(client, query)
    assert "errors" not in scanned, scanned
    assert stored == scanned == still
    assert scanned["data"]["projects"]["aggregate"]["count"] == 6


def test_stored_rows_are_plain_values(portfolio_db: Database) -> None:
    refresh_summaries(portfolio_db)
    stored = portfolio_db.read(
        run_list,
        "MATCH (s:Summary), (v:DataRevision) "
        "RETURN s.measure AS measure, s.revision = v.value AS current ORDER BY measure",
    )
    assert stored == [
        {"measure": m.name, "current": True} for m in sorted(Measure, key=lambda m: m.name)
    ]
    [donor] = rows(portfolio_db, Measure.BY_DONOR)[:1]
    assert isinstance(donor["donor"]["loaded_at"], str)


def test_a_graph_written_before_revisions_gets_one_when_summarised(
    portfolio_db: Database,
) -> None:
    portfolio_db.write(lambda tx: tx.run("MATCH (v:DataRevision) DELETE v").consume())
    assert refresh_summaries(portfolio_db) == 7
    set_budgets_behind_the_loaders_back(portfolio_db, 1.0)
    assert total(portfolio_db) == 4_300_000.0  # served from the summary
