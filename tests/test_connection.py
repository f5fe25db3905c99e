"""The driver as aidgraph configures it."""

from __future__ import annotations

import logging

import pytest

from graph.connection import Database, run_list


def test_statements_naming_keys_no_data_has_yet_log_no_warning(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """A young graph lacks keys our fixed statements name (no source gave a percentage);
    Neo4j's warning says only that, for every statement, in every log."""
    with caplog.at_level(logging.INFO, logger="neo4j.notifications"):
        rows = db.read(run_list, "MATCH (n:NoSuchLabel) RETURN n.no_such_key AS value")
        assert rows == []
    assert [r.getMessage() for r in caplog.records if r.name == "neo4j.notifications"] == []
