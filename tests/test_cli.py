"""The aidgraph command, run as a user runs it, against the test Neo4j."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from api_server import graphql, running
from conftest import SAMPLES, free_port, graph_counts

from graph.connection import Database, run_list
from graph.settings import Settings

DATA = Path(__file__).parent / "data" / "luxdev"


def aidgraph(settings: Settings | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    if settings is not None:
        env |= {
            "NEO4J_URI": settings.uri,
            "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        }
    return subprocess.run(
        [sys.executable, "-m", "aidgraph", *args],
        env=env,
        cwd=tempfile.mkdtemp(prefix="aidgraph-cli-"),  # the default rejects file lands here
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def codes(db: Database) -> list[str]:
    rows = db.read(lambda tx: run_list(tx, "MATCH (p:Project) RETURN p.code AS code ORDER BY code"))
    return [row["code"] for row in rows]


def test_a_broken_page_is_rejected_with_its_reason_and_the_others_load(
    db: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    broken = DATA / "broken_no_title.fr.txt"
    result = aidgraph(
        neo4j_settings,
        "load",
        "luxdev",
        "--rejects",
        str(tmp_path / "rejects.jsonl"),
        str(SAMPLES / "MLI_801.fr.txt"),
        str(broken),
        str(SAMPLES / "BKF_026.en.txt"),
    )
    assert result.returncode == 1
    assert f"rejected {broken}: no project title found" in result.stderr
    assert "read 3, loaded 2, rejected 1 in " in result.stdout
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert rejects == [
        {
            "source": str(broken),
            "position": 0,
            "identifier": None,
            "reason": "no project title found",
        }
    ]
    assert codes(db) == ["BKF/026", "MLI/801"]
    # Nothing of the broken page was written: no project, no country Niger.
    niger = db.read(lambda tx: run_list(tx, "MATCH (c:Country {iso2: 'NE'}) RETURN c"))
    assert niger == []


def test_loading_the_same_pages_twice_changes_nothing(
    db: Database, neo4j_settings: Settings
) -> None:
    pages = [str(SAMPLES / "MLI_801.fr.txt"), str(SAMPLES / "BKF_026.en.txt")]
    assert aidgraph(neo4j_settings, "load", "luxdev", *pages).returncode == 0
    first = graph_counts(db)
    second_run = aidgraph(neo4j_settings, "load", "luxdev", *pages)
    assert second_run.returncode == 0
    assert "read 2, loaded 2, rejected 0 in " in second_run.stdout
    assert graph_counts(db) == first


def test_a_load_ends_by_storing_the_aggregates_and_summarize_stores_them_anew(
    db: Database, neo4j_settings: Settings
) -> None:
    def stored() -> list[dict[str, object]]:
        return db.read(
            run_list,
            "MATCH (s:Summary {measure: 'SUMMARY'}), (v:DataRevision) "
            "RETURN s.revision = v.value AS current, s.rows AS rows",
        )

    result = aidgraph(neo4j_settings, "load", "luxdev", str(SAMPLES / "MLI_801.fr.txt"))
    assert result.returncode == 0, result.stderr
    assert "stored 7 aggregates over every project in " in result.stdout
    [summary] = stored()
    assert summary["current"] is True
    assert json.loads(str(summary["rows"]))[0]["count"] == 1
    # a write outside aidgraph's loaders, which the stored summary does not reflect
    db.write(lambda tx: tx.run("MATCH (p:Project) SET p.budget_amount = 1.0").consume())
    result = aidgraph(neo4j_settings, "summarize")
    assert result.returncode == 0, result.stderr
    assert "stored 7 aggregates over every project in " in result.stdout
    [summary] = stored()
    assert json.loads(str(summary["rows"]))[0]["sum"] == 1.0


def test_url_gives_the_code_of_a_page_without_one(db: Database, neo4j_settings: Settings) -> None:
    page = DATA / "broken_no_code.en.txt"
    result = aidgraph(neo4j_settings, "load", "luxdev", str(page))
    assert result.returncode == 1
    assert "no project code found" in result.stderr
    url = "https://luxdev.lu/en/activities/project/TST/042"
    result = aidgraph(neo4j_settings, "load", "luxdev", str(page), "--url", url)
    assert result.returncode == 0, result.stderr
    assert codes(db) == ["TST/042"]


def test_url_with_several_pages_is_refused(neo4j_settings: Settings) -> None:
    pages = [str(SAMPLES / "MLI_801.fr.txt"), str(SAMPLES / "BKF_026.en.txt")]
    result = aidgraph(neo4j_settings, "load", "luxdev", *pages, "--url", "https://luxdev.lu/x")
    assert result.returncode == 2
    assert "--url names one page's address" in result.stderr


def test_no_local_server_is_started_when_neo4j_uri_is_set(neo4j_settings: Settings) -> None:
    result = aidgraph(neo4j_settings, "neo4j", "start")
    assert result.returncode == 2
    assert f"NEO4J_URI is set ({neo4j_settings.uri})" in result.stderr


def test_an_unreachable_neo4j_is_a_clear_error() -> None:
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1")
    result = aidgraph(settings, "load", "luxdev", str(SAMPLES / "MLI_801.fr.txt"))
    assert result.returncode == 2
    assert "Neo4j is not reachable at bolt://127.0.0.1:1" in result.stderr


def test_the_password_is_never_printed(neo4j_settings: Settings) -> None:
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1")
    result = aidgraph(settings, "load", "luxdev", str(SAMPLES / "MLI_801.fr.txt"))
    secret = settings.neo4j_password.get_secret_value()
    assert secret not in result.stdout + result.stderr


def test_parse_prints_json_lines_that_read_back_to_the_same_records() -> None:
    from loaders.jsonl import read_records
    from loaders.luxdev import parse_file

    page = SAMPLES / "MLI_801.fr.txt"
    result = aidgraph(None, "parse", "luxdev", str(page))
    assert result.returncode == 0, result.stderr
    [record] = list(read_records(io.StringIO(result.stdout), "stdout"))
    assert record == parse_file(page)


def test_parse_iati_reports_rejected_activities_and_exits_1() -> None:
    broken = Path(__file__).parent / "data" / "iati" / "broken.xml"
    result = aidgraph(None, "parse", "iati", str(broken))
    assert result.returncode == 1
    printed = [json.loads(line)["code"] for line in result.stdout.splitlines()]
    rejected = [line for line in result.stderr.splitlines() if line.startswith("rejected ")]
    assert printed and rejected
    assert all(str(broken) in line for line in rejected)


def test_generate_writes_the_same_files_as_the_library(tmp_path: Path) -> None:
    from loaders.iati_synthetic import write_iati_files

    result = aidgraph(
        None,
        "generate",
        "iati",
        "--activities",
        "50",
        "--seed",
        "3",
        "--output",
        str(tmp_path / "cli"),
    )
    assert result.returncode == 0, result.stderr
    assert "wrote 50 activities in 1 files" in result.stdout
    [made] = write_iati_files(tmp_path / "lib", 50, 3)
    [written] = sorted((tmp_path / "cli").iterdir())
    assert written.read_bytes() == made.read_bytes()


def test_serve_runs_the_api_in_the_worker_processes_asked_for(neo4j_settings: Settings) -> None:
    port = free_port()
    command = [sys.executable, "-m", "aidgraph", "serve", "--port", str(port), "--workers", "2"]
    with running(command, neo4j_settings, port) as (base, server):
        body = graphql(base, "{ __typename }")
    output = server.stdout.read() if server.stdout else ""
    assert body == {"data": {"__typename": "Query"}}
    assert output.count("Started server process") == 2, output
