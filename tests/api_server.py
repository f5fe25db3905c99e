"""Run the real API in a uvicorn subprocess for tests that speak HTTP to it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from graph.settings import Settings


@contextmanager
def serve_api(settings: Settings, port: int) -> Iterator[str]:
    """Serve ``schema.app:app`` over the database of ``settings``; yields the base URL."""
    command = [sys.executable, "-m", "uvicorn", "schema.app:app", "--port", str(port)]
    with running(command, settings, port) as (base, _):
        yield base


@contextmanager
def running(
    command: list[str], settings: Settings, port: int
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run ``command``, an API server on ``port`` over the database of ``settings``, until
    it answers; yields its base URL and the process (whose output is piped)."""
    env = {
        **os.environ,
        "NEO4J_URI": settings.uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"the API exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the API at {base} did not come up in {timeout} s")


def graphql(base: str, query: str, **variables: Any) -> dict[str, Any]:
    """POST a query; returns the response's JSON body."""
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, timeout=30
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body
