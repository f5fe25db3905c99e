"""Shared fixtures: a real Neo4j for the whole session, never the user's database.

The suite starts its own local server on a free port in a temporary data directory,
or uses the server named by NEO4J_TEST_URI (with NEO4J_TEST_USER / NEO4J_TEST_PASSWORD).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fixture import load_portfolio
from pydantic import SecretStr
from starlette.testclient import TestClient

from graph.connection import Database, run_list
from graph.migrations import migrate
from graph.server import LocalServer
from graph.settings import Settings
from graph.summaries import BOOKKEEPING_LABELS
from schema.app import create_app

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "luxdev"
TEST_PASSWORD = "aidgraph-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings pointing at the test server (started here unless NEO4J_TEST_URI is set)."""
    uri = os.environ.get("NEO4J_TEST_URI")
    if uri:
        yield Settings(
            neo4j_uri=uri,
            neo4j_user=os.environ.get("NEO4J_TEST_USER", "neo4j"),
            neo4j_password=SecretStr(os.environ.get("NEO4J_TEST_PASSWORD", TEST_PASSWORD)),
        )
        return
    server = LocalServer(
        data_dir=tmp_path_factory.mktemp("neo4j"), port=free_port(), password=TEST_PASSWORD
    )
    server.start()
    try:
        yield Settings(neo4j_uri=server.uri(), neo4j_password=SecretStr(TEST_PASSWORD))
    finally:
        server.stop()


@pytest.fixture(scope="session")
def session_db(neo4j_settings: Settings) -> Iterator[Database]:
    """The test database for fixtures and checks. Its reads get a generous timeout: whole-
    graph snapshots on a busy 2-core machine can outlast the API's 15 s request limit."""
    db = Database.connect(neo4j_settings.model_copy(update={"query_timeout_seconds": 300.0}))
    migrate(db)
    yield db
    db.close()


@pytest.fixture(scope="module")
def portfolio(session_db: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    """The API over the six-project portfolio of ``api_fixture``, loaded anew for each
    module that asks for it."""
    load_portfolio(session_db)
    with TestClient(create_app(neo4j_settings)) as client:
        yield client


@pytest.fixture
def db(session_db: Database) -> Database:
    """The test database, emptied of data (the schema stays)."""
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    return session_db


DATA_NODES = "WHERE NOT (" + " OR ".join("n:" + label for label in BOOKKEEPING_LABELS) + ")"
"""Nodes ``n`` that hold data, not the bookkeeping of how it was written."""


def graph_counts(db: Database) -> tuple[int, int]:
    """(nodes, relationships) in the whole graph."""
    rows = db.read(
        lambda tx: run_list(
            tx,
            "CALL () { MATCH (n) " + DATA_NODES + " RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
            "RETURN nodes, relationships",
        )
    )
    return rows[0]["nodes"], rows[0]["relationships"]


_VOLATILE = ("loaded_at",)
"""Properties that differ between two loads of the same data."""


def graph_snapshot(db: Database, keep_sources: bool = True) -> dict[str, list[str]]:
    """Every node and relationship as sorted text, without load times: two graphs with
    equal snapshots hold the same nodes, relationships and values."""

    def clean(props: dict[str, object]) -> str:
        dropped = _VOLATILE if keep_sources else (*_VOLATILE, "source", "sources")
        kept = {k: v for k, v in props.items() if k not in dropped}
        # Sets kept as lists: their order records only the order of loading.
        for unordered in ("owners", "aliases", "languages"):
            values = kept.get(unordered)
            if isinstance(values, list):
                kept[unordered] = sorted(str(value) for value in values)
        return repr(sorted(kept.items()))

    def key(props: dict[str, object]) -> object:
        return next((props[k] for k in ("code", "iso2", "id", "key") if k in props), None)

    nodes = db.read(
        lambda tx: run_list(
            tx, "MATCH (n) " + DATA_NODES + " RETURN labels(n) AS labels, properties(n) AS props"
        )
    )
    rels = db.read(
        lambda tx: run_list(
            tx,
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(a) AS a, "
            "properties(b) AS b, properties(r) AS props",
        )
    )
    return {
        "nodes": sorted(f"{sorted(n['labels'])} {clean(n['props'])}" for n in nodes),
        "relationships": sorted(
            f"({key(r['a'])})-[{r['type']} {clean(r['props'])}]->({key(r['b'])})" for r in rels
        ),
    }
