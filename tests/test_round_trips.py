"""Neo4j round trips per request: bounded by the query's shape, not by its result size.

The API runs on a database wrapper that counts every query the driver sends. The same
nested query over 1, 10 and 100 parents must cost the same number of queries; what
look-ahead can read (``schema.lookahead``) costs one statement however deep.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from query_counting import CountingDatabase
from starlette.testclient import TestClient

from graph.connection import Database
from graph.project_writes import write_projects
from graph.settings import Settings
from loaders.records import ProjectRecord
from loaders.resolve import resolve
from schema.app import create_app

COUNTRIES = ["ML", "BF", "NE", "SN", "CI", "GN", "TD", "MR", "BJ", "TG"]
DONORS = ["XM-DAC-22-2", "US-GOV-1", "GB-GOV-1", "XI-IATI-EC_INTPA", "44000"]


def _record(i: int) -> ProjectRecord:
    countries = [COUNTRIES[i % 10], COUNTRIES[(i + 3) % 10]]
    return ProjectRecord.model_validate(
        {
            "code": f"RT-{i:03d}",
            "language": "en",
            "source": "tests/test_round_trips.py",
            "title": f"Project {i}",
            "status": "implementation",
            "budget": {"amount": 1000 * (i + 1), "currency": "EUR"},
            "countries": [{"name": iso2, "iso2": iso2} for iso2 in countries],
            "contributions": [
                {
                    "donor": {"name": f"Donor {DONORS[(i + k) % 5]}", "ref": DONORS[(i + k) % 5]},
                    "amount": {"amount": 500 * (k + 1), "currency": "EUR"},
                }
                for k in range(2)
            ],
            "sectors": [{"name": "Health", "code": "12220", "vocabulary": "1"}],
            "videos": [{"title": f"Video {i}", "url": f"https://vimeo.com/rt{i}"}],
        }
    )


@pytest.fixture(scope="module")
def counted(
    session_db: Database, neo4j_settings: Settings
) -> Iterator[tuple[TestClient, CountingDatabase]]:
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    write_projects(session_db, [resolve(_record(i)) for i in range(100)])
    db = CountingDatabase.connect(neo4j_settings)
    # no aggregate cache: every request here pays its statements (tests/test_caching.py)
    settings = neo4j_settings.model_copy(update={"max_cost": 10_000_000, "cached_aggregates": 0})
    with TestClient(create_app(settings, db=db)) as client:
        yield client, db
    db.close()


NESTED = """query ($n: Int) { projects(first: $n, orderBy: [{field: BUDGET, direction: DESC}]) {
  totalCount
  aggregate { count sumBudget { amount currency } }
  edges { node { code title budget { amount }
    countries { iso2 projects(first: 5, where: {status: {eq: IMPLEMENTATION}}) {
      totalCount edges { node { code participants { role } } } } }
    contributions { amount { amount } donor { key projects(first: 3) { edges { node { code } } } } }
    sectors { name }
    videos(first: 5) { totalCount edges { node { title } } } } } } }"""


def _queries_for(client: TestClient, db: CountingDatabase, parents: int) -> int:
    db.queries = 0
    body = client.post("/graphql", json={"query": NESTED, "variables": {"n": parents}}).json()
    assert "errors" not in body, body["errors"]
    assert len(body["data"]["projects"]["edges"]) == parents
    return db.queries


def test_nested_queries_cost_the_same_over_1_10_and_100_parents(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    client, db = counted
    costs = {parents: _queries_for(client, db, parents) for parents in (1, 10, 100)}
    # The top page and its count, with every project's countries, contributions, sectors
    # and counted video pages read ahead in the same statement; the aggregate, which
    # scans the whole list, in a statement of its own beside it; then, in one statement
    # for every distinct country and donor at once, what lies below those shared nodes:
    # the countries' filtered project pages, counted, with the participants under them,
    # and the donors' project pages. Three, whatever the number of parents.
    assert costs == {1: 3, 10: 3, 100: 3}


def test_lists_read_together_keep_their_own_filters(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    """Two filtered lists of one level share a statement, not their parameters: read
    ahead with their country, each with its total."""
    client, db = counted
    query = """{ country(iso2: "ML") {
      cheap: projects(where: {budget: {lt: 20000}}, orderBy: [{field: CODE, direction: ASC}]) {
        totalCount edges { node { code } } }
      dear: projects(where: {budget: {gte: 95000}}, orderBy: [{field: CODE, direction: DESC}]) {
        totalCount edges { node { code } } } } }"""
    db.queries = 0
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    country = body["data"]["country"]
    # Mali is the first country of projects 0, 10, 20 … and the second of 7, 17, 27 …;
    # budgets are 1000 * (i + 1).
    assert [e["node"]["code"] for e in country["cheap"]["edges"]] == [
        "RT-000",
        "RT-007",
        "RT-010",
        "RT-017",
    ]
    assert country["cheap"]["totalCount"] == 4
    assert [e["node"]["code"] for e in country["dear"]["edges"]] == ["RT-097"]
    assert country["dear"]["totalCount"] == 1
    assert db.queries == 1  # the country, both pages and both counts


LEVELS = [
    "{ countries(first: 10) { edges { node { iso2 } } } }",
    "{ countries(first: 10) { edges { node { projects(first: 10) {"
    " edges { node { code } } } } } } }",
    "{ countries(first: 10) { edges { node { projects(first: 10) {"
    " edges { node { sectors { name } } } } } } } }",
    "{ countries(first: 10) { edges { node { projects(first: 10) {"
    " edges { node { videos(first: 2) { edges { node { title } } } } } } } } } }",
]


def _queries_per_level(
    client: TestClient, db: CountingDatabase, levels: list[str]
) -> tuple[list[int], list[Any]]:
    found, answers = [], []
    for query in levels:
        db.queries = 0
        body = client.post("/graphql", json={"query": query}).json()
        assert "errors" not in body, body["errors"]
        found.append(db.queries)
        answers.append(body["data"])
    return found, answers


def test_a_nested_selection_is_read_ahead_in_one_statement(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    client, db = counted
    found, answers = _queries_per_level(client, db, LEVELS)
    assert found == [1, 1, 1, 1]
    # Countries come by name: Benin first, the first country of projects 8, 18 … and the
    # second of 5, 15 …; every project is in the Health sector and has one video.
    benin = answers[1]["countries"]["edges"][0]["node"]["projects"]["edges"]
    codes = [f"RT-{i:03d}" for i in (5, 8, 15, 18, 25, 28, 35, 38, 45, 48)]
    assert benin == [{"node": {"code": code}} for code in codes]
    benin = answers[2]["countries"]["edges"][0]["node"]["projects"]["edges"]
    assert benin == [{"node": {"sectors": [{"name": "Health"}]}}] * 10
    benin = answers[3]["countries"]["edges"][0]["node"]["projects"]["edges"]
    titles = [edge["node"]["videos"]["edges"] for edge in benin]
    assert titles == [[{"node": {"title": f"Video {int(code[3:])}"}}] for code in codes]


def test_filtered_and_sorted_levels_are_read_ahead_too(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    """Pages with a filter and an order are read ahead as plain ones are, and give the
    same rows: an empty filter holds for every project, and codes are the default order."""
    client, db = counted
    plain = "projects(first: 10)"
    narrowed = "projects(first: 10, where: {}, orderBy: [{field: CODE, direction: ASC}])"
    filtered = [level.replace(plain, narrowed) for level in LEVELS]
    found, answers = _queries_per_level(client, db, filtered)
    assert found == [1, 1, 1, 1]
    assert answers == _queries_per_level(client, db, LEVELS)[1]


SEARCH_LEVELS = [
    '{ search(text: "project", first: 100) { node { ... on Project { code } } } }',
    '{ search(text: "project", first: 100) { node { ... on Project { countries { iso2 } } } } }',
    '{ search(text: "project", first: 100) { node { ... on Project { countries {'
    " projects(first: 3) { edges { node { sectors { name } } } } } } } } }",
]


def test_levels_look_ahead_cannot_read_cost_one_statement_each(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    """Search hits are not read ahead, nor is anything below the countries of several
    projects (which repeat): each such level costs one statement for all its parents,
    with what lies below it, unshared, read ahead in it."""
    client, db = counted
    found, answers = _queries_per_level(client, db, SEARCH_LEVELS)
    assert found == [1, 2, 3]
    hits = answers[2]["search"]
    assert len(hits) == 100
    # every project is in two countries, each with twenty projects in the Health sector
    assert {len(hit["node"]["countries"]) for hit in hits} == {2}
    pages = [c["projects"]["edges"] for hit in hits for c in hit["node"]["countries"]]
    assert pages == [[{"node": {"sectors": [{"name": "Health"}]}}] * 3] * 200


def test_pages_below_shared_nodes_are_read_once_per_node(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    """Twenty projects share ten countries: the countries' pages are read in one more
    statement, by distinct country, and each project's country shows its own."""
    client, db = counted
    query = """{ projects(first: 20) { edges { node { code countries { iso2
      projects(first: 2, orderBy: [{field: BUDGET, direction: DESC}]) {
        totalCount edges { node { code } } } } } } } }"""
    db.queries = 0
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    assert db.queries == 2
    pages = {
        country["iso2"]: country["projects"]
        for edge in body["data"]["projects"]["edges"]
        for country in edge["node"]["countries"]
    }
    assert len(pages) == 10
    # Each country is the first of ten projects and the second of ten more: its two
    # largest budgets are its last two projects, budgets being 1000 * (i + 1).
    for position, iso2 in enumerate(COUNTRIES):
        largest = sorted({i for i in range(100) if position in (i % 10, (i + 3) % 10)})[-2:]
        expected = [{"node": {"code": f"RT-{i:03d}"}} for i in reversed(largest)]
        assert pages[iso2] == {"totalCount": 20, "edges": expected}, iso2
    for edge in body["data"]["projects"]["edges"]:
        for country in edge["node"]["countries"]:
            assert country["projects"] == pages[country["iso2"]]


def test_arguments_read_ahead_are_the_resolvers_from_literals_and_variables(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    """Look-ahead converts arguments as the resolver does, whether they come as literals
    (an enum by name, an Int as text) or as variables, so the page it reads is the one
    the resolver looks for: three different pages, one statement, their rows and totals."""
    client, db = counted
    query = """query ($where: ProjectWhere, $order: [ProjectOrder!], $first: Int,
        $status: ProjectStatus, $ceiling: Float, $one: Int) { country(iso2: "ML") {
      literal: projects(where: {status: {eq: IMPLEMENTATION}, budget: {lt: 20000}},
                        orderBy: [{field: CODE, direction: DESC}], first: 2) {
        totalCount edges { node { code } } }
      variables: projects(where: $where, orderBy: $order, first: $first) {
        totalCount edges { node { code } } }
      mixed: projects(where: {status: {eq: $status}, budget: {lt: $ceiling}},
                      orderBy: [{field: CODE, direction: DESC}], first: $one) {
        totalCount edges { node { code } } } } }"""
    variables = {
        "where": {"status": {"eq": "IMPLEMENTATION"}, "budget": {"lt": 20000}},
        "order": [{"field": "CODE", "direction": "ASC"}],
        "first": 3,
        "status": "IMPLEMENTATION",
        "ceiling": 20000,
        "one": 1,
    }
    db.queries = 0
    body = client.post("/graphql", json={"query": query, "variables": variables}).json()
    assert "errors" not in body, body["errors"]
    assert db.queries == 1

    # Mali's projects under 20,000 are RT-000, 007, 010 and 017 (budget 1000 * (i + 1))
    def page(*codes: str) -> dict[str, Any]:
        return {"totalCount": 4, "edges": [{"node": {"code": code}} for code in codes]}

    assert body["data"]["country"] == {
        "literal": page("RT-017", "RT-010"),
        "variables": page("RT-000", "RT-007", "RT-010"),
        "mixed": page("RT-017"),
    }


def test_a_total_without_a_filter_is_read_ahead_with_its_page(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    client, db = counted
    query = """{ countries(first: 2) { edges { node { iso2
      projects(first: 1) { totalCount edges { node { code } } } } } } }"""
    db.queries = 0
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    # the countries' page (and nothing else: no count is asked of it)
    assert db.queries == 1
    # countries come by name (Benin, Burkina Faso …); each of the ten is the first country
    # of ten projects and the second of ten more (BJ of 8, 18 … and 5, 15 …)
    assert [edge["node"] for edge in body["data"]["countries"]["edges"]] == [
        {"iso2": "BJ", "projects": {"totalCount": 20, "edges": [{"node": {"code": "RT-005"}}]}},
        {"iso2": "BF", "projects": {"totalCount": 20, "edges": [{"node": {"code": "RT-001"}}]}},
    ]


def test_a_field_selected_twice_is_read_ahead_once(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    client, db = counted
    query = """{ project(code: "RT-000") {
      here: countries { iso2 } there: countries { name projects(first: 2) {
        edges { node { code } } } } } }"""
    db.queries = 0
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    assert db.queries == 1
    first = body["data"]["project"]
    # project 0 is in ML and SN; ML has projects 0, 10, 20 … and 7, 17 …; SN has 3, 13 …
    # and 0, 10 …
    assert first["here"] == [{"iso2": "ML"}, {"iso2": "SN"}]
    assert first["there"] == [
        {
            "name": "Mali",
            "projects": {"edges": [{"node": {"code": "RT-000"}}, {"node": {"code": "RT-007"}}]},
        },
        {
            "name": "Senegal",
            "projects": {"edges": [{"node": {"code": "RT-000"}}, {"node": {"code": "RT-003"}}]},
        },
    ]


def test_a_cursor_from_a_page_read_ahead_continues_that_list(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    client, db = counted
    ahead = """{ projects(first: 1) { edges { node { countries {
      iso2 projects(first: 1) { pageInfo { hasNextPage endCursor } edges { node { code } } }
    } } } } }"""
    body = client.post("/graphql", json={"query": ahead}).json()
    mali = body["data"]["projects"]["edges"][0]["node"]["countries"][0]
    assert (mali["iso2"], mali["projects"]["edges"]) == ("ML", [{"node": {"code": "RT-000"}}])
    assert mali["projects"]["pageInfo"]["hasNextPage"] is True
    after = """query ($after: String) { country(iso2: "ML") {
      projects(first: 2, after: $after) { edges { node { code } } } } }"""
    cursor = mali["projects"]["pageInfo"]["endCursor"]
    db.queries = 0
    body = client.post("/graphql", json={"query": after, "variables": {"after": cursor}}).json()
    assert body == {
        "data": {
            "country": {
                "projects": {"edges": [{"node": {"code": "RT-007"}}, {"node": {"code": "RT-010"}}]}
            }
        }
    }
    assert db.queries == 1  # the page after the cursor is read ahead with its country
    # The same cursor on another country's list is refused, read ahead or not.
    other = after.replace('"ML"', '"SN"')
    body = client.post("/graphql", json={"query": other, "variables": {"after": cursor}}).json()
    assert body["data"] == {"country": None}
    assert body["errors"][0]["message"] == (
        f"cursor {cursor!r} belongs to another list: use a cursor from this field with the "
        "same where and orderBy"
    )


def test_a_project_by_code_is_read_with_its_links_and_transactions_in_one_statement(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    client, db = counted
    query = """{ project(code: "RT-001") { code transactions { type }
      countries { iso2 projects(first: 2) { edges { node { code } } } }
      contributions { amount { amount } donor { key } }
      videos(first: 1) { edges { node { title } } } } }"""
    db.queries = 0
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    assert db.queries == 1
    # project 1 is in BF (with 8, 18 …) and CI (with 4, 14 …), funded by donors 1 and 2
    assert body["data"]["project"] == {
        "code": "RT-001",
        "transactions": [],
        "countries": [
            {
                "iso2": "BF",
                "projects": {"edges": [{"node": {"code": c}} for c in ("RT-001", "RT-008")]},
            },
            {
                "iso2": "CI",
                "projects": {"edges": [{"node": {"code": c}} for c in ("RT-001", "RT-004")]},
            },
        ],
        "contributions": [
            {"amount": {"amount": 500.0}, "donor": {"key": "US-GOV-1"}},
            {"amount": {"amount": 1000.0}, "donor": {"key": "GB-GOV-1"}},
        ],
        "videos": {"edges": [{"node": {"title": "Video 1"}}]},
    }


PAGES = """{ countries(first: 2) { %s edges { node { iso2
  projects(first: 2) { %s edges { node { code } } }
  %s
} } } }"""
HAS_NEXT = "pageInfo { hasNextPage }"


def _paged(
    client: TestClient, db: CountingDatabase, *parts: str
) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """The answer to ``PAGES`` with ``parts``, and the limits its statements read by."""
    db.parameters.clear()
    body = client.post("/graphql", json={"query": PAGES % parts}).json()
    assert "errors" not in body, body
    limits = [(p["limit"], p["a0_limit"]) for p in db.parameters if "a0_limit" in p]
    return body["data"]["countries"], limits


def test_a_page_reads_the_row_after_it_only_where_has_next_page_is_shown(
    counted: tuple[TestClient, CountingDatabase],
) -> None:
    client, db = counted
    plain, limits = _paged(client, db, "", "", "")
    assert limits == [(2, 2)]
    shown = [(e["node"]["iso2"], e["node"]["projects"]) for e in plain["edges"]]
    assert shown == [  # Benin, then Burkina Faso
        ("BJ", {"edges": [{"node": {"code": "RT-005"}}, {"node": {"code": "RT-008"}}]}),
        ("BF", {"edges": [{"node": {"code": "RT-001"}}, {"node": {"code": "RT-008"}}]}),
    ]
    # the root's page read by its resolver, the countries' pages by look-ahead
    asked, limits = _paged(client, db, HAS_NEXT, HAS_NEXT, "")
    assert limits == [(3, 3)]
    assert asked["pageInfo"] == {"hasNextPage": True}
    projects = [e["node"]["projects"] for e in asked["edges"]]
    assert [p["pageInfo"] for p in projects] == [{"hasNextPage": True}] * 2
    assert [p["edges"] for p in projects] == [p["edges"] for _, p in shown]
    # pageInfo without hasNextPage needs no row after the page
    _, limits = _paged(client, db, "pageInfo { endCursor }", "pageInfo { endCursor }", "")
    assert limits == [(2, 2)]
    # the same field selected again, in a fragment, with hasNextPage: merged, as shown
    again = "... on Country { projects(first: 2) { pageInfo { hasNextPage } } }"
    merged, _ = _paged(client, db, "", "", again)
    assert [e["node"]["projects"] for e in merged["edges"]] == projects
