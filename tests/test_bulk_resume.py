"""A killed load, run again, finishes with the graph an uninterrupted load gives; and an
export loaded into an empty database gives back the same graph."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import SAMPLES, graph_snapshot
from test_cli import aidgraph
from test_iati_load import FOLDERS

from graph.connection import Database, run_list
from graph.settings import Settings


def wipe(db: Database) -> None:
    db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())


def project_count(db: Database) -> int:
    return int(db.read(lambda tx: run_list(tx, "MATCH (p:Project) RETURN count(p) AS n"))[0]["n"])


def test_a_load_killed_midway_and_run_again_gives_the_same_graph(
    db: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    command = ["load", "iati", *FOLDERS, "--batch-size", "50"]
    aidgraph(neo4j_settings, *command)
    expected = graph_snapshot(db)
    total = project_count(db)
    wipe(db)

    env = {
        **os.environ,
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_PASSWORD": neo4j_settings.neo4j_password.get_secret_value(),
    }
    load = subprocess.Popen(
        [sys.executable, "-m", "aidgraph", *command],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while project_count(db) < total // 3 and time.monotonic() < deadline:
        assert load.poll() is None, "the load finished before it could be killed"
        time.sleep(0.05)
    load.send_signal(signal.SIGKILL)
    load.wait()
    killed_at = project_count(db)
    assert 0 < killed_at < total

    rerun = aidgraph(neo4j_settings, *command)
    assert "read 2026, loaded 2008, rejected 18 in " in rerun.stdout
    assert graph_snapshot(db) == expected


def test_export_then_load_into_an_empty_database_gives_the_same_graph(
    db: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    aidgraph(neo4j_settings, "load", "iati", *FOLDERS)
    pages = [str(SAMPLES / "MLI_801.fr.txt"), str(SAMPLES / "BKF_026.en.txt")]
    assert aidgraph(neo4j_settings, "load", "luxdev", *pages).returncode == 0
    expected = graph_snapshot(db, keep_sources=False)

    export = tmp_path / "graph.jsonl"
    exported = aidgraph(neo4j_settings, "export", "jsonl", "--output", str(export))
    assert exported.returncode == 0, exported.stderr
    lines = export.read_text(encoding="utf-8").splitlines()
    assert f"exported {len(lines)} records" in exported.stderr

    wipe(db)
    loaded = aidgraph(neo4j_settings, "load", "jsonl", str(export))
    assert loaded.returncode == 0, loaded.stderr
    assert f"read {len(lines)}, loaded {len(lines)}, rejected 0 in " in loaded.stdout
    assert graph_snapshot(db, keep_sources=False) == expected
