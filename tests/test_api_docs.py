"""Every example in docs/api.md and the README (each ```graphql block) runs without errors
on the sample data ``make run`` serves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES
from starlette.testclient import TestClient

from graph.connection import Database
from graph.settings import Settings
from loaders.bulk import load_items
from loaders.inputs import numbered
from loaders.luxdev import PageError, parse_file
from loaders.rejects import Rejected
from schema.app import create_app

DOCS = [REPO / "docs" / "api.md", REPO / "README.md"]
_BLOCK = re.compile(r"^```graphql\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def examples() -> list[str]:
    return [example for doc in DOCS for example in _BLOCK.findall(doc.read_text())]


@pytest.fixture(scope="module")
def client(session_db: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    pages = [str(SAMPLES / "MLI_801.fr.txt"), str(SAMPLES / "BKF_026.en.txt")]
    rejected: list[Rejected] = []
    report = load_items(
        session_db, numbered(pages, lambda p: [parse_file(Path(p))], (PageError,)), rejected.append
    )
    assert (report.loaded, rejected) == (2, [])
    with TestClient(create_app(neo4j_settings)) as client:
        yield client


def test_the_doc_has_examples() -> None:
    assert len(examples()) >= 8


@pytest.mark.parametrize("query", examples(), ids=lambda q: " ".join(q.split())[:60])
def test_each_example_runs(client: TestClient, query: str) -> None:
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    assert all(value is not None for value in body["data"].values()), body["data"]
