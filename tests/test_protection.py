"""Protection against abusive queries, through the real app over the real Neo4j.

Each limit is checked with its exact message; the timeout with a query that is heavy by
construction; masking with an error the driver really raises.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from conftest import SAMPLES
from graphql import GraphQLError, OperationDefinitionNode, TypeInfo, ValidationContext, parse
from neo4j.exceptions import Neo4jError
from pydantic import SecretStr

from graph.connection import Database, MemoryLimitExceeded, P, R, TxWork, Version
from graph.settings import Settings
from loaders.bulk import load_items
from loaders.inputs import numbered
from loaders.luxdev import PageError, parse_file
from loaders.rejects import Rejected
from schema.app import create_app
from schema.protection import MEMORY_MESSAGE, LargeQueryTurns, MaskUnexpectedErrors, measure
from schema.query import schema as bare_schema

pytestmark = pytest.mark.anyio

CONTRACT = """
{ project(code: "MLI/801") { code title budget { amount currency } countries { iso2 name }
    office { name }
    contributions { donor { id name aliases } amount { amount currency } }
    status closedOn startDate endDate durationMonths
    programme { title budget { amount currency } components { position title projects { code } } }
    videos { totalCount edges { node { title description } } } documents { title url } results }
  donors(first: 10) { totalCount edges { node { name projects { totalCount } } } } }
"""

THREE_LEVELS = """
{ donors(first: 100) { edges { node {
    projects(first: 100) { edges { node {
      videos(first: 100) { edges { node { title } } } } } } } } } }
"""

FRONT_END = "https://front.example.org"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app over ``settings``; its lifespan closes the driver."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://aidgraph.test") as http,
    ):
        yield http


async def ask(settings: Settings, query: str, **variables: Any) -> dict[str, Any]:
    async with client(settings) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


def messages(body: dict[str, Any]) -> list[str]:
    return [error["message"] for error in body.get("errors", [])]


def with_(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update=changes)


@pytest.fixture
def samples(db: Database) -> Database:
    """The graph holding exactly the two sample pages."""
    pages = [str(SAMPLES / "MLI_801.fr.txt"), str(SAMPLES / "BKF_026.en.txt")]
    rejected: list[Rejected] = []
    items = numbered(pages, lambda path: [parse_file(path)], (PageError,))
    assert load_items(db, items, rejected.append).loaded == 2
    return db


def cost(query: str, **variables: Any) -> int:
    """The cost ``measure`` gives the first operation of ``query``."""
    document = parse(query)
    graphql_schema = bare_schema._schema
    context = ValidationContext(graphql_schema, document, TypeInfo(graphql_schema), lambda _: None)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return measure(context, operation, variables).cost


# --- Size, depth, alias and cost limits --------------------------------------------------


async def test_the_contract_query_passes_the_default_limits(
    samples: Database, neo4j_settings: Settings
) -> None:
    body = await ask(neo4j_settings, CONTRACT)
    assert "errors" not in body
    assert body["data"]["project"]["code"] == "MLI/801"
    assert cost(CONTRACT) == 615


async def test_three_levels_of_100_are_refused_before_running(neo4j_settings: Settings) -> None:
    body = await ask(neo4j_settings, THREE_LEVELS)
    assert body["data"] is None
    assert messages(body) == ["query cost 3,030,301 exceeds the limit of 100,000 (30.3× over)"]


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        # donors 1, then 10 times: totalCount, edges, node, name
        ("{ donors(first: 10) { totalCount edges { node { name } } } }", {}, 41),
        # first absent: the default page of 20
        ("{ donors { edges { node { name } } } }", {}, 61),
        # first above the maximum: refused when run, so it costs no more than 100
        ("{ donors(first: 1000) { edges { node { name } } } }", {}, 301),
        ("query($n: Int) { donors(first: $n) { edges { node { name } } } }", {"n": 5}, 16),
        ("query($n: Int) { donors(first: $n) { edges { node { name } } } }", {}, 61),
        ("query($n: Int = 7) { donors(first: $n) { edges { node { name } } } }", {}, 22),
        (
            "{ donors(first: 10) { ...page } } "
            "fragment page on OrganisationConnection { edges { node { name } } }",
            {},
            31,
        ),
        (
            "{ donors(first: 10) { ... on OrganisationConnection { "
            "edges { node { ... { name } } } } } }",
            {},
            31,
        ),
        # a plain list multiplies by LIST_ESTIMATE (10)
        ('{ project(code: "X") { countries { name } } }', {}, 12),
        ("{ __typename __schema { types { fields { name } } } }", {}, 0),
    ],
)
def test_cost_multiplies_page_sizes_along_nesting(
    query: str, variables: dict[str, Any], expected: int
) -> None:
    assert cost(query, **variables) == expected


async def test_the_limits_follow_the_settings(neo4j_settings: Settings) -> None:
    settings = with_(neo4j_settings, max_cost=40, max_depth=3, max_aliases=1)
    body = await ask(settings, "{ a: donors(first: 10) { b: totalCount edges { node { name } } } }")
    assert messages(body) == [
        "query depth 4 exceeds the limit of 3",
        "2 aliases exceed the limit of 1",
        "query cost 41 exceeds the limit of 40 (1.0× over)",
    ]


async def test_depth_limit(neo4j_settings: Settings) -> None:
    deep = '{ project(code: "X") {' + " programme { project {" * 5 + " code" + " } }" * 5 + " } }"
    body = await ask(neo4j_settings, deep)
    assert messages(body) == ["query depth 12 exceeds the limit of 10"]


async def test_alias_limit_counts_aliases_in_fragments_and_introspection(
    neo4j_settings: Settings,
) -> None:
    spread = (
        "{ ...f ...f } fragment f on Query { "
        + " ".join(f"a{i}: __typename" for i in range(15))
        + " }"
    )
    assert messages(await ask(neo4j_settings, spread)) == []
    over = spread.replace("a0: __typename", "a0: __typename x: __schema { y: queryType { name } }")
    assert messages(await ask(neo4j_settings, over)) == ["34 aliases exceed the limit of 30"]


async def test_a_fragment_bomb_is_refused_quickly(neo4j_settings: Settings) -> None:
    # Each fragment spreads the next twice: 2^24 aliases from about 300 tokens.
    bomb = "{ ...f0 } " + " ".join(
        f"fragment f{i} on Query {{ ...f{i + 1} ...f{i + 1} }}" for i in range(24)
    )
    bomb += " fragment f24 on Query { a: __typename }"
    started = time.monotonic()
    body = await ask(neo4j_settings, bomb)
    assert messages(body) == ["16,777,216 aliases exceed the limit of 30"]
    assert time.monotonic() - started < 5


async def test_token_limit(neo4j_settings: Settings) -> None:
    body = await ask(neo4j_settings, "{ " + "__typename " * 5000 + "}")
    assert messages(body) == [
        "Syntax Error: Document contains more than 5000 tokens. Parsing aborted."
    ]


# --- Turns for large queries ---------------------------------------------------------


async def test_large_queries_take_turns_in_arrival_order() -> None:
    turns = LargeQueryTurns(cost=100, at_once=2)
    entered: list[str] = []
    done = {name: asyncio.Event() for name in ("L1", "L2", "L3", "L4", "small")}

    async def execute(name: str, cost: int) -> None:
        async with turns.turn(cost):
            entered.append(name)
            await done[name].wait()

    async def settle() -> None:
        for _ in range(5):
            await asyncio.sleep(0)

    tasks = [asyncio.create_task(execute(f"L{i}", 100 * i)) for i in range(1, 5)]
    await settle()
    assert entered == ["L1", "L2"]
    tasks.append(asyncio.create_task(execute("small", 99)))
    await settle()
    assert entered == ["L1", "L2", "small"]  # under the cost: it does not wait
    done["L2"].set()
    await settle()
    assert entered == ["L1", "L2", "small", "L3"]
    for event in done.values():
        event.set()
    await asyncio.gather(*tasks)
    assert entered == ["L1", "L2", "small", "L3", "L4"]


class GatedDatabase(Database):
    """The real database, whose reads wait for ``gate`` and count how many are open."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.lock = threading.Lock()
        self.reading = 0

    def read_versioned(
        self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[R, Version]:
        with self.lock:
            self.reading += 1
        try:
            self.gate.wait(timeout=30)
            return super().read_versioned(work, *args, **kwargs)
        finally:
            with self.lock:
                self.reading -= 1


async def test_a_large_query_waits_for_its_turn_and_a_small_one_does_not(
    samples: Database, neo4j_settings: Settings
) -> None:
    large = "{ donors(first: 10) { totalCount edges { node { name } } } }"  # cost 41
    # the operation executed costs 4; the other one, 41, does not count
    small = (
        "query Small { donors(first: 1) { edges { node { name } } } } "
        "query Large { donors(first: 10) { totalCount edges { node { name } } } }"
    )
    settings = with_(neo4j_settings, large_query_cost=20, large_queries_at_once=1)
    db = GatedDatabase.connect(settings)
    app = create_app(settings, db=db)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://aidgraph.test") as http,
    ):

        async def post(query: str, operation: str | None = None) -> dict[str, Any]:
            request = {"query": query, "operationName": operation}
            response = await http.post("/graphql", json=request)
            body: dict[str, Any] = response.json()
            return body

        async def reading(count: int) -> None:
            for _ in range(300):
                if db.reading == count:
                    return
                await asyncio.sleep(0.01)
            raise AssertionError(f"{db.reading} reads open, not {count}")

        requests = [asyncio.create_task(post(large))]
        try:
            await reading(1)
            requests.append(asyncio.create_task(post(large)))
            await asyncio.sleep(0.3)
            assert db.reading == 1  # the second large query waits for the first's turn
            requests.append(asyncio.create_task(post(small, "Small")))
            await reading(2)  # the small one reads beside the first
        finally:
            db.gate.set()  # even when failing, every request ends before the app stops
            answers = await asyncio.gather(*requests)
    names = [
        "Agence Française de Développement",
        "Austria",
        "EU Instrument for Stability",
        "Etat Burkinabé",
        "Luxembourg Government",
        "Monaco",
        "Switzerland",
    ]
    page = [{"node": {"name": name}} for name in names]
    assert answers[0] == answers[1] == {"data": {"donors": {"totalCount": 7, "edges": page}}}
    assert answers[2] == {"data": {"donors": {"edges": page[:1]}}}


# --- Transaction timeout -------------------------------------------------------------


async def test_a_query_over_the_timeout_is_stopped_with_a_precise_error(
    db: Database, neo4j_settings: Settings
) -> None:
    # 10,000 parallel links project → component and component → programme make the
    # project's programme 10^8 paths away: the query runs well over the Neo4j
    # transaction monitor's 2 s tick, so a 0.5 s timeout always stops it.
    db.write(
        lambda tx: tx.run(
            "CREATE (p:Project {code: 'HEAVY'}), (c:Component {key: 'C'}), "
            "(g:Programme {key: 'G'}) WITH p, c, g UNWIND range(1, 10000) AS i "
            "CREATE (p)-[:IMPLEMENTS]->(c), (c)-[:PART_OF {position: 1}]->(g)"
        ).consume()
    )
    started = time.monotonic()
    body = await ask(
        with_(neo4j_settings, query_timeout_seconds=0.5),
        '{ project(code: "HEAVY") { code programme { key } } }',
    )
    # Which server limit stops this read depends on the plan Neo4j picks for the skewed
    # statistics the tests before this one left: a streaming plan runs until the
    # transaction monitor's next tick stops it (1-2.5 s in most runs, up to 11 s seen);
    # a plan that buffers the 10^8 paths fills the transaction memory pool first (seen in
    # one full run in three). Either way the read is stopped and the error names the limit.
    # The programme is read ahead in the project's statement, so the project fails with it.
    assert time.monotonic() - started < 30
    assert body["data"] == {"project": None}
    [error] = body["errors"]
    assert error["message"] in {"the query took longer than the 0.5 s limit", MEMORY_MESSAGE}
    assert error["locations"] == [{"line": 1, "column": 3}]
    assert error["path"] == ["project"]


def test_a_timeout_and_a_memory_refusal_each_name_their_limit() -> None:
    """The end-to-end test above meets one limit or the other; each message, checked."""
    masking = MaskUnexpectedErrors(timeout_seconds=0.5)
    timed_out = Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
        message="The transaction has not completed within the timeout specified",
    )
    refused = MemoryLimitExceeded(
        "The allocation of an extra 2.0 MiB would use more than 256.0 MiB"
    )
    for original, expected in [
        (timed_out, "the query took longer than the 0.5 s limit"),
        (refused, MEMORY_MESSAGE),
    ]:
        error = GraphQLError("raw text", path=["project", "programme"], original_error=original)
        masked = masking.anonymise_error(error)
        assert masked.message == expected
        assert masked.path == ["project", "programme"]
        assert masked.original_error is None


# --- Errors ----------------------------------------------------------------------------


async def test_unexpected_errors_are_masked_and_logged(
    neo4j_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # A user the server does not know: the driver raises an authentication error. (Not
    # the real user, whose account the server would lock after failed attempts.)
    password = "not-the-password-0123"
    settings = with_(
        neo4j_settings, neo4j_user="aidgraph-nobody", neo4j_password=SecretStr(password)
    )
    with caplog.at_level(logging.ERROR, logger="aidgraph.api"):
        async with client(settings) as http:
            response = await http.post(
                "/graphql", json={"query": '{ project(code: "X") { code } }'}
            )
    assert response.json()["errors"] == [
        {
            "message": "Unexpected error.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["project"],
        }
    ]
    for leak in ("Neo.", "neo4j", "nauthorized", "Traceback", "MATCH", "aidgraph-nobody"):
        assert leak not in response.text
    logged = [r for r in caplog.records if r.name == "aidgraph.api" and r.levelno == logging.ERROR]
    assert [r.getMessage() for r in logged] == ["unexpected error at ['project']"]
    assert logged[0].exc_info is not None
    assert "Neo.ClientError.Security.Unauthorized" in caplog.text
    assert password not in caplog.text


async def test_user_errors_keep_their_message(neo4j_settings: Settings) -> None:
    body = await ask(neo4j_settings, "{ donors(first: 1000) { totalCount } }")
    assert messages(body) == ["first must be between 0 and 100, got 1000"]
    body = await ask(neo4j_settings, "{ xyzzy }")
    # graphql-core may add a suggestion ("Did you mean …?") as the schema grows.
    assert [m.split(" Did you mean")[0] for m in messages(body)] == [
        "Cannot query field 'xyzzy' on type 'Query'."
    ]


# --- CORS and introspection ----------------------------------------------------------


async def preflight(settings: Settings, origin: str, method: str = "POST") -> httpx.Response:
    async with client(settings) as http:
        return await http.options(
            "/graphql",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "content-type",
            },
        )


async def test_cors_allows_the_configured_origins_only(neo4j_settings: Settings) -> None:
    settings = with_(neo4j_settings, cors_origins=[FRONT_END])
    allowed = await preflight(settings, FRONT_END)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == FRONT_END
    assert set(allowed.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
    assert "content-type" in allowed.headers["access-control-allow-headers"].lower()

    for refused in (
        await preflight(settings, "https://elsewhere.example.org"),
        await preflight(neo4j_settings, FRONT_END),  # the default: no origin allowed
    ):
        assert (refused.status_code, refused.text) == (400, "Disallowed CORS origin")
        assert "access-control-allow-origin" not in refused.headers
    refused = await preflight(settings, FRONT_END, method="DELETE")
    assert (refused.status_code, refused.text) == (400, "Disallowed CORS method")

    async with client(settings) as http:
        simple = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": FRONT_END}
        )
    assert simple.headers["access-control-allow-origin"] == FRONT_END


async def test_introspection_is_on_by_default_and_can_be_switched_off(
    neo4j_settings: Settings,
) -> None:
    query = "{ __schema { queryType { name } } }"
    body = await ask(neo4j_settings, query)
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    body = await ask(with_(neo4j_settings, introspection=False), query)
    assert messages(body)[0] == (
        "GraphQL introspection has been disabled, but the requested query contained the "
        "field '__schema'."
    )


def test_settings_read_the_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIDGRAPH_MAX_COST", "5000")
    monkeypatch.setenv("AIDGRAPH_MAX_DEPTH", "8")
    monkeypatch.setenv("AIDGRAPH_MAX_ALIASES", "5")
    monkeypatch.setenv("AIDGRAPH_MAX_TOKENS", "900")
    monkeypatch.setenv("AIDGRAPH_INTROSPECTION", "false")
    monkeypatch.setenv("AIDGRAPH_LARGE_QUERY_COST", "2000")
    monkeypatch.setenv("AIDGRAPH_LARGE_QUERIES_AT_ONCE", "3")
    monkeypatch.setenv("AIDGRAPH_CORS_ORIGINS", f"{FRONT_END}, http://localhost:5173")
    settings = Settings()
    assert (settings.max_cost, settings.max_depth, settings.max_aliases) == (5000, 8, 5)
    assert (settings.max_tokens, settings.introspection) == (900, False)
    assert (settings.large_query_cost, settings.large_queries_at_once) == (2000, 3)
    assert settings.cors_origins == [FRONT_END, "http://localhost:5173"]
