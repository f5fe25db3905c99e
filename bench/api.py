"""API benchmark: six canonical GraphQL queries over HTTP against hand-written Cypher.

Builds a graph from generated IATI files (100k activities by default) plus the two
LuxDev samples, serves the real API (``uvicorn schema.app:app``, ``--workers`` processes,
one by default) and, for each query, prints p50 / p99 latency and requests/s at
concurrency 1 and 8, and the p50 of the equivalent hand-written Cypher through the
driver (the floor) with the ratio, in one markdown table. The aggregate query is also
measured on a second API with its aggregate cache off (``AIDGRAPH_CACHED_AGGREGATES=0``):
what a request pays when the graph has just changed, which is the aggregates a load
stores as it ends (``graph.summaries``); the time storing them takes is printed with
the load's. Run with ``make bench-api`` or ``python -m bench.api``.

``--compare-turns 2,64`` measures instead the nested query alone at concurrency 8, on
one API process per ``AIDGRAPH_LARGE_QUERIES_AT_ONCE`` value, the values alternated over
``--rounds`` rounds so that the machine's drift falls on each of them alike.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, LiteralString

import httpx
from pydantic import SecretStr

from graph.connection import Database, run_list
from graph.search import lucene_terms
from graph.server import LocalServer
from graph.settings import Settings
from loaders.iati_synthetic import write_iati_files

PASSWORD = "aidgraph-bench"
SAMPLES = [Path("samples/luxdev/MLI_801.fr.txt"), Path("samples/luxdev/BKF_026.en.txt")]
LINKED_PROJECT = "MLI/801"
CONCURRENCIES = (1, 8)
P99_TARGET_MS = 250.0
RATIO_TARGET = 2.0

Json = dict[str, Any]
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Canonical:
    """One canonical query: the GraphQL request, the hand-written Cypher returning the same
    data, and a view of each answer that must agree (so the floor is really equivalent)."""

    name: str
    graphql: str
    variables: Json
    cypher: LiteralString
    parameters: Json
    api_view: Callable[[Json], object]
    cypher_view: Callable[[Rows], object]
    ratio_target: bool  # the "within 2x of the hand-written Cypher" target applies
    reference: bool = False  # not a canonical query: no targets
    uncached: bool = False  # served by an API without the aggregate cache


@dataclass(frozen=True)
class Cell:
    """Latencies (seconds) of one query at one concurrency, and the cell's wall time."""

    latencies: list[float]
    wall: float

    @property
    def p50_ms(self) -> float:
        return _percentile(self.latencies, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return _percentile(self.latencies, 99) * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall


@dataclass(frozen=True)
class Result:
    canonical: Canonical
    api: dict[int, Cell]
    floor: Cell
    floor_concurrent: Cell
    """The hand-written Cypher at the highest concurrency: what any API would queue behind."""

    @property
    def ratio(self) -> float:
        return self.api[1].p50_ms / self.floor.p50_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--requests", type=int, default=100, help="requests per query at concurrency 1 (2x at 8)"
    )
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per query")
    parser.add_argument("--page-cache", default="2g", help="Neo4j page cache of the server")
    parser.add_argument(
        "--max-cost", type=int, default=None, help="AIDGRAPH_MAX_COST for the API, if raised"
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--compare-turns",
        type=_turn_values,
        default=None,
        help="comma-separated AIDGRAPH_LARGE_QUERIES_AT_ONCE values: only the nested query "
        "at concurrency 8, on an API with each, alternated",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --compare-turns")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aidgraph-bench-api-") as scratch:
        root = Path(scratch)
        server = LocalServer(
            data_dir=root / "neo4j",
            port=_free_port(),
            password=PASSWORD,
            page_cache=args.page_cache,
        )
        server.start()
        settings = Settings(neo4j_uri=server.uri(), neo4j_password=SecretStr(PASSWORD))
        db = Database.connect(settings)
        try:
            loaded = _build_graph(db, settings, root, args.activities, args.seed)
            canonicals = _canonicals(db)
            env = {} if args.max_cost is None else {"AIDGRAPH_MAX_COST": str(args.max_cost)}
            if args.compare_turns:
                nested = next(c for c in canonicals if c.name.startswith("f."))
                requests = 4 * args.requests
                turns = _compare_turns(settings, root, env, nested, requests, args)
                store_mb = _size_mb(root / "neo4j" / "data")
                _print_setup(args, settings, loaded, store_mb, _neo4j_version(db), [nested])
                _print_turns(turns, requests, args.warmup)
                return
            with _serve(settings, root / "api.log", env, args.workers) as base:
                results = [
                    _measure(db, base, c, args.requests, args.warmup)
                    for c in canonicals
                    if not c.uncached
                ]
            uncached = {**env, "AIDGRAPH_CACHED_AGGREGATES": "0"}
            with _serve(settings, root / "api-uncached.log", uncached, args.workers) as base:
                results += [
                    _measure(db, base, c, args.requests, args.warmup)
                    for c in canonicals
                    if c.uncached
                ]
            store_mb = _size_mb(root / "neo4j" / "data")
            version = _neo4j_version(db)
        finally:
            db.close()
            server.stop()
    _print_setup(args, settings, loaded, store_mb, version, canonicals)
    _print_table(results)


# --- The graph ------------------------------------------------------------------------


def _build_graph(db: Database, settings: Settings, root: Path, activities: int, seed: int) -> str:
    """Generates and loads the IATI files and the LuxDev samples; returns what was loaded."""
    files = root / "iati"
    _stage(f"generating {activities:,} IATI activities")
    write_iati_files(files, activities, seed, per_file=10_000, workers=2)
    _stage("loading them, then the LuxDev samples")
    started = time.perf_counter()
    _cli(settings, root, ["load", "iati", str(files)])
    last = _cli(settings, root, ["load", "luxdev", *map(str, SAMPLES)])
    seconds = time.perf_counter() - started
    # each load ends by storing the aggregates over every project; the last one says how
    stored = next((line for line in last.splitlines() if "aggregates" in line), "no aggregates")
    counts = run_list_read(
        db,
        "CALL () { MATCH (n) RETURN count(n) AS nodes } "
        "CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } "
        "CALL () { MATCH (p:Project) RETURN count(p) AS projects } "
        "RETURN nodes, rels, projects",
    )[0]
    return (
        f"{counts['projects']:,} projects ({activities:,} generated IATI activities, seed {seed}, "
        f"+ the 2 LuxDev samples), {counts['nodes']:,} nodes, {counts['rels']:,} relationships; "
        f"loaded in {seconds:.0f} s (the last load {stored})"
    )


def _cli(settings: Settings, root: Path, arguments: list[str]) -> str:
    """Runs ``aidgraph <arguments>`` against the bench's server; fails loudly, else
    returns what it printed."""
    env = {**os.environ, **_neo4j_env(settings)}
    command = [sys.executable, "-m", "aidgraph", *arguments, "--rejects", str(root / "rej.jsonl")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments[:2])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _neo4j_env(settings: Settings) -> dict[str, str]:
    return {
        "NEO4J_URI": settings.uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }


def run_list_read(db: Database, query: LiteralString, **parameters: Any) -> Rows:
    """One read query's records as dicts, in a managed read transaction."""
    return db.read(run_list, query, **parameters)


# --- The canonical queries ------------------------------------------------------------

LINKED_GRAPHQL = """
query Linked($code: String!) {
  project(code: $code) {
    code title status startDate endDate
    budget { amount currency }
    countries { iso2 name }
    office { name }
    contributions { donor { name } amount { amount currency } }
    programme { key title components { position title projects { code title } } }
    videos(first: 20) { edges { node { title url } } }
    documents { title url category }
    results
    sectors { name code }
    participants { organisation { name } role }
    transactions { type date value { amount currency } provider receiver }
  }
}
"""

# Each list in the order the API gives it (graph/reads.py's Link orders).
LINKED_CYPHER: LiteralString = """
MATCH (p:Project {code: $code})
RETURN p.code AS code, p.title AS title, p.status AS status, p.start_date AS start,
  p.end_date AS end, p.budget_amount AS budget, p.budget_currency AS currency,
  p.transactions AS transactions,
  COLLECT { MATCH (p)-[:IN_COUNTRY]->(c:Country) RETURN c {.iso2, .name} ORDER BY c.name }
    AS countries,
  COLLECT { MATCH (p)<-[:MANAGES]-(o:Office) RETURN o.name ORDER BY o.key LIMIT 1 } AS office,
  COLLECT { MATCH (p)<-[r:CONTRIBUTES_TO]-(d:Organisation)
    RETURN {donor: d.name, amount: r.amount, currency: r.currency} ORDER BY r.position, d.name
  } AS contributions,
  COLLECT { MATCH (p)-[:IMPLEMENTS]->(:Component)-[:PART_OF]->(g:Programme)
    WITH DISTINCT g ORDER BY g.key LIMIT 1
    RETURN {key: g.key, title: g.title, components: COLLECT {
      MATCH (g)<-[pp:PART_OF]-(k:Component)
      RETURN {position: pp.position, title: k.title, projects: COLLECT {
        MATCH (k)<-[:IMPLEMENTS]-(q:Project) RETURN q {.code, .title} ORDER BY q.code
      }} ORDER BY pp.position
    }}
  } AS programme,
  COLLECT { MATCH (p)-[v:HAS_VIDEO]->(x:Video) RETURN x {.title, .url} ORDER BY v.position
    LIMIT 20 } AS videos,
  COLLECT { MATCH (p)-[v:HAS_DOCUMENT]->(x:Document) RETURN x {.title, .url, .category}
    ORDER BY v.position } AS documents,
  COLLECT { MATCH (p)-[v:HAS_RESULT]->(x:Result) RETURN x.title ORDER BY v.position }
    AS results,
  COLLECT { MATCH (p)-[:IN_SECTOR]->(s:Sector) RETURN s {.name, .code} ORDER BY s.name }
    AS sectors,
  COLLECT { MATCH (p)<-[r:PARTICIPATES_IN]-(o:Organisation)
    RETURN {name: o.name, role: r.role} ORDER BY r.role, o.name } AS participants
"""

COUNTRY_GRAPHQL = """
query CountryProjects($iso2: String!) {
  country(iso2: $iso2) {
    projects(where: {status: {eq: IMPLEMENTATION}, startDate: {gte: "2015"}},
             orderBy: [{field: BUDGET, direction: DESC}], first: 50) {
      totalCount
      edges { node { code title budget { amount currency } } }
    }
  }
}
"""

COUNTRY_CYPHER: LiteralString = """
MATCH (:Country {iso2: $iso2})<-[:IN_COUNTRY]-(p:Project)
WHERE p.status = 'implementation' AND p.start_date >= '2015'
WITH p ORDER BY p.budget_amount IS NULL, p.budget_amount DESC, p.code
WITH collect(p) AS projects
RETURN size(projects) AS total,
  [p IN projects[0..50] | p {.code, .title, .budget_amount, .budget_currency}] AS page
"""

DONOR_GRAPHQL = """
query Donor($key: String!) {
  organisation(key: $key) {
    contributions(orderBy: [{field: AMOUNT, direction: DESC}], first: 50) {
      edges { node {
        project { code title }
        amount { amount currency } committed { amount } disbursed { amount }
      } }
    }
  }
}
"""

# The largest amounts first, read in order from the index on amounts (graph/migrations.py),
# as someone who knows the schema would write it: the top donor has far more than 50
# contributions with an amount, so none without one (last in the API) reaches the page.
DONOR_CYPHER: LiteralString = """
MATCH (:Organisation {id: $key})-[r:CONTRIBUTES_TO]->(p:Project)
USING INDEX SEEK r:CONTRIBUTES_TO(amount) WHERE r.amount >= -1.0e308
WITH p, r ORDER BY r.amount DESC, p.code, r.position LIMIT 50
RETURN p.code AS code, p.title AS title, r.amount AS amount, r.currency AS currency,
  r.committed AS committed, r.disbursed AS disbursed
"""

SEARCH_GRAPHQL = """
query Search($text: String!) {
  search(text: $text, first: 20) {
    score matchedFields
    node {
      __typename
      ... on Project { code title }
      ... on Video { videoTitle: title }
      ... on Document { documentTitle: title }
    }
  }
}
"""

# Titles and descriptions are searched separately so each hit says which matched, as in
# the API; but Lucene's top 20 per field only, without the API's re-fetch of more hits
# when the 20th ties with hits not fetched (frequent for one common word), which orders
# ties by kind and key: the same scores, not always the same tied nodes.
SEARCH_CYPHER: LiteralString = """
CALL () {
  CALL db.index.fulltext.queryNodes('aidgraph_text', $titles, {limit: 20}) YIELD node, score
  RETURN node, score, 'TITLE' AS field
  UNION ALL
  CALL db.index.fulltext.queryNodes('aidgraph_text', $descriptions, {limit: 20})
    YIELD node, score
  RETURN node, score, 'DESCRIPTION' AS field
}
WITH node, max(score) AS score, collect(field) AS fields
WITH node, score, fields,
  CASE WHEN node:Project THEN 'Project' WHEN node:Video THEN 'Video' ELSE 'Document' END AS kind
ORDER BY score DESC, kind, coalesce(node.code, node.key) LIMIT 20
RETURN kind, node.code AS code, node.title AS title, score, fields
"""

AGGREGATE_GRAPHQL = """
{
  projects(first: 1) {
    aggregate {
      count
      sumBudget { amount currency }
      byCountry { key count sumBudget { amount currency } }
      byYear { key count }
    }
  }
}
"""

# A project counts once in each of its countries, its budget split by the percentage
# (evenly when none is given), as in graph/aggregates.py.
AGGREGATE_CYPHER: LiteralString = """
CALL () {
  MATCH (n:Project)
  WITH n.budget_currency AS currency, count(n) AS count, sum(n.budget_amount) AS amount
  RETURN sum(count) AS count,
    collect(CASE WHEN currency IS NULL THEN null ELSE {currency: currency, amount: amount} END)
    AS sumBudget
}
CALL () {
  MATCH (n:Project)-[c:IN_COUNTRY]->(g:Country)
  WITH n, g, coalesce(c.percentage, 100.0 / COUNT { (n)-[:IN_COUNTRY]->() }) / 100.0 AS share
  WITH g.iso2 AS key, n.budget_currency AS currency, count(n) AS count,
    sum(n.budget_amount * share) AS amount
  WITH key, sum(count) AS count,
    collect(CASE WHEN currency IS NULL THEN null ELSE {currency: currency, amount: amount} END)
    AS sumBudget
  RETURN collect({key: key, count: count, sumBudget: sumBudget}) AS byCountry
}
CALL () {
  MATCH (n:Project)
  WITH left(n.start_date, 4) AS key, count(n) AS count
  RETURN collect({key: key, count: count}) AS byYear
}
RETURN count, sumBudget, byCountry, byYear
"""

NESTED_GRAPHQL = """
{
  countries(first: 20) {
    edges { node {
      iso2
      projects(first: 20) {
        edges { node {
          code
          contributions { donor { name } }
          sectors { name }
          videos(first: 20) { edges { node { title } } }
        } }
      }
    } }
  }
}
"""

# Each country's first projects by code, read in order from the index on IN_COUNTRY sort
# keys (graph/migrations.py): sorting each country's every project instead took 75 of this
# statement's 100 ms.
NESTED_CYPHER: LiteralString = """
MATCH (c:Country) WITH c ORDER BY c.name LIMIT 20
CALL (c) {
  MATCH (c)<-[r:IN_COUNTRY]-(p:Project) USING INDEX SEEK r:IN_COUNTRY(sort_key)
  WHERE r.sort_key >= c.iso2 + ' ' AND r.sort_key < c.iso2 + '!'
  WITH p ORDER BY r.sort_key LIMIT 20
  RETURN collect(p {.code,
    donors: COLLECT { MATCH (p)<-[r:CONTRIBUTES_TO]-(d:Organisation)
      RETURN d.name ORDER BY r.position, d.name },
    sectors: COLLECT { MATCH (p)-[:IN_SECTOR]->(s:Sector) RETURN s.name ORDER BY s.name },
    videos: COLLECT { MATCH (p)-[v:HAS_VIDEO]->(x:Video) RETURN x.title ORDER BY v.position
      LIMIT 20 }
  }) AS projects
}
RETURN c.iso2 AS iso2, projects
"""


def _canonicals(db: Database) -> list[Canonical]:
    """The six queries (and the aggregate again, uncached), with parameters picked from the
    graph as loaded."""
    iso2 = run_list_read(
        db,
        "MATCH (c:Country)<-[:IN_COUNTRY]-(:Project) "
        "RETURN c.iso2 AS iso2, count(*) AS n ORDER BY n DESC, iso2 LIMIT 1",
    )[0]["iso2"]
    donor = run_list_read(
        db,
        "MATCH (o:Organisation)-[r:CONTRIBUTES_TO]->(:Project) "
        "RETURN o.id AS key, count(r) AS n ORDER BY n DESC, key LIMIT 1",
    )[0]["key"]
    word = _frequent_title_word(db)
    terms = lucene_terms(word)
    return [
        # The fixed cost of a request (HTTP, parsing, validation, limits) with no graph access.
        Canonical(
            "reference: { __typename }, no graph access",
            "{ __typename }",
            {},
            "RETURN 1 AS one",
            {},
            lambda d: d["__typename"],
            lambda rows: "Query",
            ratio_target=False,
            reference=True,
        ),
        Canonical(
            "a. project by code, everything linked",
            LINKED_GRAPHQL,
            {"code": LINKED_PROJECT},
            LINKED_CYPHER,
            {"code": LINKED_PROJECT},
            _linked_api,
            _linked_cypher,
            ratio_target=True,
        ),
        Canonical(
            f"b. country {iso2}: filtered, sorted, page of 50",
            COUNTRY_GRAPHQL,
            {"iso2": iso2},
            COUNTRY_CYPHER,
            {"iso2": iso2},
            lambda d: _codes(d["country"]["projects"], total=True),
            lambda rows: (rows[0]["total"], [p["code"] for p in rows[0]["page"]]),
            ratio_target=False,
        ),
        Canonical(
            f"c. donor {donor}: contributions by amount, 50",
            DONOR_GRAPHQL,
            {"key": donor},
            DONOR_CYPHER,
            {"key": donor},
            lambda d: [
                e["node"]["project"]["code"] for e in d["organisation"]["contributions"]["edges"]
            ],
            lambda rows: [row["code"] for row in rows],
            ratio_target=False,
        ),
        Canonical(
            f'd. search "{word}", first 20',
            SEARCH_GRAPHQL,
            {"text": word},
            SEARCH_CYPHER,
            {
                "titles": f"search_titles:({terms})",
                "descriptions": f"search_descriptions:({terms})",
            },
            lambda d: [round(hit["score"], 4) for hit in d["search"]],
            lambda rows: [round(row["score"], 4) for row in rows],
            ratio_target=False,
        ),
        Canonical(
            "e. aggregate: count, budgets, by country, by year",
            AGGREGATE_GRAPHQL,
            {},
            AGGREGATE_CYPHER,
            {},
            _aggregate_api,
            _aggregate_cypher,
            ratio_target=False,
        ),
        # The same aggregate read every time: what a request pays after each load.
        Canonical(
            "e, cache off: the same aggregate, as stored by the load",
            AGGREGATE_GRAPHQL,
            {},
            AGGREGATE_CYPHER,
            {},
            _aggregate_api,
            _aggregate_cypher,
            ratio_target=False,
            uncached=True,
        ),
        Canonical(
            "f. nested: 20 countries × 20 projects × 20 videos",
            NESTED_GRAPHQL,
            {},
            NESTED_CYPHER,
            {},
            _nested_api,
            lambda rows: [(r["iso2"], [p["code"] for p in r["projects"]]) for r in rows],
            ratio_target=True,
        ),
    ]


def _frequent_title_word(db: Database) -> str:
    """The most frequent word of five letters or more in project titles (a sample)."""
    rows = run_list_read(db, "MATCH (p:Project) RETURN p.title AS title LIMIT 5000")
    counts = Counter(
        word for row in rows for word in re.findall(r"[^\W\d_]{5,}", (row["title"] or "").lower())
    )
    word: str = counts.most_common(1)[0][0]
    return word


def _codes(connection: Json, total: bool = False) -> object:
    codes = [edge["node"]["code"] for edge in connection["edges"]]
    return (connection["totalCount"], codes) if total else codes


def _linked_api(data: Json) -> object:
    p = data["project"]
    programme = p["programme"] or {"components": []}
    return (
        p["code"],
        [c["iso2"] for c in p["countries"]],
        [c["donor"]["name"] for c in p["contributions"]],
        [(k["position"], len(k["projects"])) for k in programme["components"]],
        len(p["videos"]["edges"]),
        len(p["documents"]),
        len(p["results"]),
        [s["name"] for s in p["sectors"]],
        len(p["participants"]),
    )


def _linked_cypher(rows: Rows) -> object:
    p = rows[0]
    programme = p["programme"][0] if p["programme"] else {"components": []}
    return (
        p["code"],
        [c["iso2"] for c in p["countries"]],
        [c["donor"] for c in p["contributions"]],
        [(k["position"], len(k["projects"])) for k in programme["components"]],
        len(p["videos"]),
        len(p["documents"]),
        len(p["results"]),
        [s["name"] for s in p["sectors"]],
        len(p["participants"]),
    )


def _aggregate_api(data: Json) -> object:
    aggregate = data["projects"]["aggregate"]
    return (
        aggregate["count"],
        sorted((g["key"] or "", g["count"]) for g in aggregate["byCountry"]),
        sorted((g["key"] or "", g["count"]) for g in aggregate["byYear"]),
    )


def _aggregate_cypher(rows: Rows) -> object:
    row = rows[0]
    return (
        row["count"],
        sorted((g["key"] or "", g["count"]) for g in row["byCountry"]),
        sorted((g["key"] or "", g["count"]) for g in row["byYear"]),
    )


def _nested_api(data: Json) -> object:
    return [
        (edge["node"]["iso2"], _codes(edge["node"]["projects"]))
        for edge in data["countries"]["edges"]
    ]


# --- Measuring ------------------------------------------------------------------------


@contextmanager
def _serve(settings: Settings, log: Path, extra_env: dict[str, str], workers: int) -> Iterator[str]:
    """The API in a uvicorn subprocess with ``workers`` processes; yields its base URL."""
    port = _free_port()
    env = {**os.environ, **_neo4j_env(settings), **extra_env}
    # No access log: one line per request would be measured as API time.
    command = [sys.executable, "-m", "uvicorn", "schema.app:app", "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the API exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the API at {base} was not ready in 120 s:\n{log.read_text()}")


def _measure(db: Database, base: str, canonical: Canonical, requests: int, warmup: int) -> Result:
    """Checks the API and the Cypher agree, then times both."""
    body = {"query": canonical.graphql, "variables": canonical.variables}
    api_data = _graphql(base, body)
    floor_rows = _cypher(db, canonical)
    api_view, cypher_view = canonical.api_view(api_data), canonical.cypher_view(floor_rows)
    if api_view != cypher_view:
        raise SystemExit(
            f"{canonical.name}: the API and the hand-written Cypher disagree:\n"
            f"API:    {api_view!r}\nCypher: {cypher_view!r}"
        )
    api = {
        concurrency: asyncio.run(
            _drive(base, body, requests * concurrency_factor(concurrency), concurrency, warmup)
        )
        for concurrency in CONCURRENCIES
    }
    floor = _time_cypher(db, canonical, requests, warmup)
    top = CONCURRENCIES[-1]
    concurrent = _time_cypher(db, canonical, requests * concurrency_factor(top), 0, top)
    _stage(f"measured {canonical.name}")
    return Result(canonical, api, floor, concurrent)


def _turn_values(text: str) -> list[int]:
    values = [int(value) for value in text.split(",") if value.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"turns must be integers of 1 or more, got {text!r}")
    return values


def _compare_turns(
    settings: Settings,
    root: Path,
    env: dict[str, str],
    nested: Canonical,
    requests: int,
    args: argparse.Namespace,
) -> list[tuple[int, int, Cell]]:
    """``requests`` of ``nested`` from 8 connections on an API with each turn value, the
    values alternated over ``--rounds``: (turns, round, cell) for each."""
    body = {"query": nested.graphql, "variables": nested.variables}
    top = CONCURRENCIES[-1]
    cells = []
    for round_ in range(1, args.rounds + 1):
        for turns in args.compare_turns:
            extra = {**env, "AIDGRAPH_LARGE_QUERIES_AT_ONCE": str(turns)}
            with _serve(settings, root / f"api-turns-{turns}.log", extra, args.workers) as base:
                cell = asyncio.run(_drive(base, body, requests, top, args.warmup))
            _stage(f"round {round_}, {turns} turn(s): measured")
            cells.append((turns, round_, cell))
    return cells


def concurrency_factor(concurrency: int) -> int:
    """Twice the requests when concurrent, so each worker still sends a fair share."""
    return 1 if concurrency == 1 else 2


def _graphql(base: str, body: Json) -> Json:
    """One request's data; any error fails the benchmark."""
    response = httpx.post(f"{base}/graphql", json=body, timeout=120)
    return _data(response)


def _data(response: httpx.Response) -> Json:
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code}: {response.text[:2000]}")
    payload: Json = response.json()
    if payload.get("errors") or payload.get("data") is None:
        raise SystemExit(f"GraphQL errors: {payload.get('errors')}")
    data: Json = payload["data"]
    return data


async def _drive(base: str, body: Json, requests: int, concurrency: int, warmup: int) -> Cell:
    """``requests`` POSTs of ``body`` from ``concurrency`` workers over keep-alive
    connections, after ``warmup`` unmeasured ones; every response is checked."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        for _ in range(warmup):
            _data(await client.post("/graphql", json=body))
        latencies: list[float] = []
        tickets = iter(range(requests))  # shared: each worker takes the next request

        async def worker() -> None:
            for _ in tickets:
                started = time.perf_counter()
                response = await client.post("/graphql", json=body)
                latencies.append(time.perf_counter() - started)
                _data(response)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Cell(latencies, time.perf_counter() - started)


def _cypher(db: Database, canonical: Canonical) -> Rows:
    """The hand-written query's records, in a managed read transaction (a session each)."""
    with db.driver.session(database=db.name) as session:
        rows: Rows = session.execute_read(
            lambda tx: tx.run(canonical.cypher, canonical.parameters).data()
        )
        return rows


def _time_cypher(
    db: Database, canonical: Canonical, requests: int, warmup: int, concurrency: int = 1
) -> Cell:
    """``requests`` runs of the hand-written query from ``concurrency`` threads (the
    driver is synchronous, as in the API), after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        _cypher(db, canonical)
    latencies: list[float] = []  # appended from every thread: list.append is atomic

    def runs(count: int) -> None:
        for _ in range(count):
            began = time.perf_counter()
            _cypher(db, canonical)
            latencies.append(time.perf_counter() - began)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(runs, [requests // concurrency] * concurrency))
    return Cell(latencies, time.perf_counter() - started)


def _percentile(values: list[float], percent: int) -> float:
    """The ``percent``-th percentile (inclusive method: p99 of 100 values is not the max)."""
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


# --- Output ---------------------------------------------------------------------------


def _print_setup(
    args: argparse.Namespace,
    settings: Settings,
    loaded: str,
    store_mb: float,
    version: str,
    qs: list[Canonical],
) -> None:
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · {_memory_gib():.0f} GiB · "
        f"Python {platform.python_version()} · {_java_version()} · Neo4j {version}"
    )
    print(f"graph: {loaded}; store {store_mb:,.0f} MB, page cache {args.page_cache}")
    print(
        f"API: uvicorn, {args.workers} worker(s), no access log, large queries (cost from "
        f"{settings.large_query_cost:,}) {settings.large_queries_at_once} at once per worker; "
        f"{args.requests} requests "
        f"per query at concurrency 1, {args.requests * 2} at 8 (httpx, asyncio, keep-alive), after "
        f"{args.warmup} warm-up; floor: {args.requests} runs of the hand-written Cypher, "
        f"one session.execute_read each, concurrency 1, then {args.requests * 2} from 8 threads"
    )
    if args.max_cost is not None:
        print(f"AIDGRAPH_MAX_COST raised to {args.max_cost:,} for the nested query")
    for canonical in qs:
        shown = {**canonical.variables} or "no variables"
        print(f"  {canonical.name}: {shown}")
    print()


def _print_table(results: list[Result]) -> None:
    print(
        "| query | c=1 p50 ms | c=1 p99 ms | c=1 req/s | c=8 p50 ms | c=8 p99 ms | c=8 req/s "
        "| Cypher p50 ms | API/Cypher p50 | Cypher c=8 p99 ms | targets |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for result in results:
        one, eight = result.api[1], result.api[8]
        print(
            f"| {result.canonical.name} | {one.p50_ms:.1f} | {one.p99_ms:.1f} | {one.rate:.1f} "
            f"| {eight.p50_ms:.1f} | {eight.p99_ms:.1f} | {eight.rate:.1f} "
            f"| {result.floor.p50_ms:.1f} | {result.ratio:.1f}× "
            f"| {result.floor_concurrent.p99_ms:.1f} | {_verdict(result)} |"
        )
    print()
    misses = [r.canonical.name for r in results if "MISSED" in _verdict(r)]
    print("targets: all met" if not misses else f"targets MISSED by: {'; '.join(misses)}")


def _print_turns(cells: list[tuple[int, int, Cell]], requests: int, warmup: int) -> None:
    print(
        f"--compare-turns: the nested query only, {requests} requests at concurrency 8 per "
        f"row after {warmup} warm-up, on an API started with the row's "
        "AIDGRAPH_LARGE_QUERIES_AT_ONCE\n"
    )
    print("| large queries at once | round | c=8 p50 ms | c=8 p99 ms | c=8 req/s |")
    print("|---:|---:|---:|---:|---:|")
    for turns, round_, cell in cells:
        print(f"| {turns} | {round_} | {cell.p50_ms:.1f} | {cell.p99_ms:.1f} | {cell.rate:.1f} |")


def _verdict(result: Result) -> str:
    """Whether the p99 target (every query) and the ratio target (nested, linked) hold."""
    if result.canonical.reference:
        return "reference, no target"
    p99 = result.api[8].p99_ms
    parts = [f"p99 ≤ {P99_TARGET_MS:.0f} ms: " + ("met" if p99 <= P99_TARGET_MS else "MISSED")]
    if p99 > P99_TARGET_MS and result.floor_concurrent.p99_ms > P99_TARGET_MS:
        parts[0] += " (so does the Cypher alone)"
    if result.canonical.ratio_target:
        met = result.ratio <= RATIO_TARGET
        parts.append(f"≤ {RATIO_TARGET:.0f}× Cypher: " + ("met" if met else "MISSED"))
    return "; ".join(parts)


def _stage(message: str) -> None:
    """Progress on stderr: the 100k load alone takes minutes."""
    print(f"{datetime.now(UTC):%H:%M:%S} {message}", file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _neo4j_version(db: Database) -> str:
    rows = run_list_read(db, "CALL dbms.components() YIELD versions, edition RETURN *")
    return f"{rows[0]['versions'][0]} {rows[0]['edition']}"


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def _java_version() -> str:
    java = shutil.which("java")
    if java is None:
        return "no java"
    done = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    first = (done.stderr or done.stdout).splitlines()[0]
    found = re.search(r'"([^"]+)"', first)
    return f"Java {found.group(1) if found else first}"


if __name__ == "__main__":
    main()
