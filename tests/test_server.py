"""The local Neo4j launcher against a real server: start, connect, stop, restart.

One server on a free port with a temporary data dir serves the whole module (two JVM
starts in total), so the tests run in file order and each builds on the previous one.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from conftest import free_port

from graph.server import LocalServer, ServerStatus

PASSWORD = "test-server-pw-1"


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data_dir: Path = tmp_path_factory.mktemp("neo4j")
    srv = LocalServer(data_dir, port=free_port(), password=PASSWORD, heap="512m", page_cache="64m")
    assert not srv.status().running
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def first_status(server: LocalServer) -> ServerStatus:
    return server.status()


def test_status_reports_running(server: LocalServer, first_status: ServerStatus) -> None:
    assert first_status.running, first_status.detail
    assert first_status.pid is not None
    assert first_status.uri == server.uri() == f"bolt://127.0.0.1:{server.port}"
    assert server.pid_file.read_text().strip() == str(first_status.pid)
    assert server.log_file.read_text().count("aidgraph-neo4j ready ") == 1


def test_start_is_idempotent(server: LocalServer, first_status: ServerStatus) -> None:
    again = server.start()
    assert again.running
    assert again.pid == first_status.pid


def test_driver_connects_with_password(server: LocalServer) -> None:
    with neo4j.GraphDatabase.driver(server.uri(), auth=("neo4j", PASSWORD)) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        records, _, _ = driver.execute_query("CALL dbms.components() YIELD versions, edition")
        assert records[0]["edition"] == "community"
        assert records[0]["versions"][0].startswith("5.26.")


def test_wrong_password_is_refused(server: LocalServer) -> None:
    with (
        neo4j.GraphDatabase.driver(server.uri(), auth=("neo4j", "not-the-password")) as driver,
        pytest.raises(neo4j.exceptions.AuthError),
    ):
        driver.verify_connectivity()


def test_restart_keeps_data(server: LocalServer, first_status: ServerStatus) -> None:
    auth = ("neo4j", PASSWORD)
    with neo4j.GraphDatabase.driver(server.uri(), auth=auth) as driver:
        driver.execute_query("CREATE (:ServerTest {key: 'kept', n: 42})")

    assert server.stop() is True
    stopped = server.status()
    assert not stopped.running
    assert stopped.pid is None
    assert not server.pid_file.exists()
    assert not _port_open(server.port)
    assert "aidgraph-neo4j stopped" in server.log_file.read_text()
    assert server.stop() is False

    restarted = server.start()
    assert restarted.running, restarted.detail
    assert restarted.pid != first_status.pid
    with neo4j.GraphDatabase.driver(server.uri(), auth=auth) as driver:
        records, _, _ = driver.execute_query("MATCH (n:ServerTest {key: 'kept'}) RETURN n.n AS n")
        assert [r["n"] for r in records] == [42]
