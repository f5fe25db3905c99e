"""Filters, sorting, pagination and aggregates over GraphQL, on a portfolio built to know
every answer (tests/api_fixture.py), against the real Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import graph_counts
from graphql import (
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    GraphQLUnionType,
)
from starlette.testclient import TestClient

from graph.connection import Database
from schema.node import encode_global_id
from schema.query import schema


def run(portfolio: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    """The data of ``query``; fails the test on any GraphQL error."""
    body = portfolio.post("/graphql", json={"query": query, "variables": variables}).json()
    assert "errors" not in body, body["errors"]
    return body["data"]  # type: ignore[no-any-return]


def errors(portfolio: TestClient, query: str, **variables: Any) -> list[str]:
    body = portfolio.post("/graphql", json={"query": query, "variables": variables}).json()
    return [error["message"] for error in body.get("errors", [])]


def codes(portfolio: TestClient, where: str, order: str = "") -> list[str]:
    """The codes of the projects ``where`` selects, in ``order`` (by code by default)."""
    arguments = f"where: {where}" + (f", orderBy: {order}" if order else "")
    data = run(
        portfolio, f"{{ projects({arguments}, first: 100) {{ edges {{ node {{ code }} }} }} }}"
    )
    return [edge["node"]["code"] for edge in data["projects"]["edges"]]


ALL = ["AG-1", "AG-2", "AG-3", "AG-4", "AG-5", "AG-6"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("{}", ALL),
        ('{code: {eq: "AG-3"}}', ["AG-3"]),
        ('{code: {in: ["AG-6", "AG-2", "nope"]}}', ["AG-2", "AG-6"]),
        ('{code: {startsWith: "AG-"}}', ALL),
        ("{status: {eq: IMPLEMENTATION}}", ["AG-1", "AG-3", "AG-5"]),
        ("{status: {in: [CLOSED, PIPELINE]}}", ["AG-2", "AG-4", "AG-6"]),
        ('{startDate: {gte: "2019"}}', ["AG-1", "AG-3", "AG-5"]),
        ('{startDate: {lt: "2016"}}', ["AG-2"]),
        ('{startDate: {startsWith: "2019"}}', ["AG-1", "AG-5"]),
        ('{startDate: {gt: "2016", lte: "2019-11"}}', ["AG-1", "AG-5", "AG-6"]),
        ('{endDate: {eq: "2019"}}', ["AG-6"]),
        ('{startDate: {in: ["2020", "2016-06"]}}', ["AG-3", "AG-6"]),
        ("{budget: {gt: 900000}}", ["AG-1", "AG-2", "AG-3"]),
        ("{budget: {lte: 800000}}", ["AG-5", "AG-6"]),
        ("{budget: {gte: 800000, lt: 2500000}}", ["AG-1", "AG-6"]),
        ("{budget: {eq: 500000}}", ["AG-5"]),
        ("{budget: {in: [500000, 3000000]}}", ["AG-3", "AG-5"]),
        ('{budgetCurrency: {eq: "USD"}}', ["AG-3", "AG-5"]),
        # Text: case- and accent-insensitive, in any language.
        ('{title: {contains: "SECURITE"}}', ["AG-1"]),
        ('{title: {startsWith: "eau"}}', ["AG-2"]),
        ('{title: {startsWith: "education"}}', ["AG-4"]),
        ('{title: {contains: "water"}}', ["AG-6"]),
        ('{title: {eq: "water for niamey"}}', ["AG-6"]),
        ('{description: {contains: "Résilience"}}', ["AG-1"]),
        ('{title: {contains: "resilience"}}', ["AG-5"]),
        # Across relationships: some / none / all.
        ('{countries: {some: {iso2: {eq: "ML"}}}}', ["AG-1", "AG-2", "AG-5"]),
        ('{countries: {none: {iso2: {eq: "ML"}}}}', ["AG-3", "AG-4", "AG-6"]),
        ('{countries: {all: {iso2: {in: ["ML", "NE"]}}}}', ["AG-1", "AG-3", "AG-5", "AG-6"]),
        ('{countries: {some: {name: {startsWith: "burkina"}}}}', ["AG-2", "AG-4"]),
        ('{donors: {some: {name: {contains: "luxembourg"}}}}', ["AG-1", "AG-2", "AG-4", "AG-5"]),
        ('{donors: {some: {id: {eq: "US-GOV-1"}}}}', ["AG-3", "AG-5"]),
        ('{donors: {none: {id: {eq: "XM-DAC-22-2"}}}}', ["AG-3", "AG-6"]),
        ('{sectors: {some: {code: {eq: "14030"}}}}', ["AG-2", "AG-6"]),
        ('{sectors: {some: {name: {contains: "health"}}}}', ["AG-3", "AG-5"]),
        ('{programme: {title: {contains: "sahel"}}}', ["AG-1"]),
        # Combinations.
        ("{OR: [{status: {eq: PIPELINE}}, {budget: {gt: 2800000}}]}", ["AG-3", "AG-4"]),
        (
            '{AND: [{countries: {some: {iso2: {eq: "ML"}}}}, {budgetCurrency: {eq: "USD"}}]}',
            ["AG-5"],
        ),
        ("{NOT: {status: {eq: CLOSED}}}", ["AG-1", "AG-3", "AG-4", "AG-5"]),
        # AG-4 has no budget: it fails the comparison, so NOT of it holds, and NOT twice fails
        ("{NOT: {budget: {gt: 900000}}}", ["AG-4", "AG-5", "AG-6"]),
        ("{NOT: {NOT: {budget: {gt: 900000}}}}", ["AG-1", "AG-2", "AG-3"]),
        (
            '{status: {eq: CLOSED}, countries: {some: {iso2: {eq: "NE"}}}}',
            ["AG-6"],
        ),
        (
            '{NOT: {OR: [{donors: {some: {id: {eq: "US-GOV-1"}}}}, {budget: {lt: 1000000}}]}}',
            ["AG-1", "AG-2", "AG-4"],
        ),
        ("{AND: []}", ALL),
        ("{OR: []}", []),
    ],
)
def test_each_filter_operator(portfolio: TestClient, where: str, expected: list[str]) -> None:
    assert codes(portfolio, where) == expected


def test_filters_on_a_nested_connection(portfolio: TestClient) -> None:
    data = run(
        portfolio,
        """{ country(iso2: "ML") { projects(where: {budgetCurrency: {eq: "EUR"}}) {
               totalCount edges { node { code } } } } }""",
    )
    projects = data["country"]["projects"]
    assert projects["totalCount"] == 2
    assert [edge["node"]["code"] for edge in projects["edges"]] == ["AG-1", "AG-2"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        # AG-4 has no budget: last either way
        ("[{field: BUDGET, direction: DESC}]", ["AG-3", "AG-2", "AG-1", "AG-6", "AG-5", "AG-4"]),
        ("[{field: BUDGET}]", ["AG-5", "AG-6", "AG-1", "AG-2", "AG-3", "AG-4"]),
        ("[{field: START_DATE}]", ["AG-2", "AG-6", "AG-1", "AG-5", "AG-3", "AG-4"]),
        (
            "[{field: STATUS}, {field: START_DATE, direction: DESC}]",
            ["AG-6", "AG-2", "AG-3", "AG-5", "AG-1", "AG-4"],
        ),
        ("[{field: TITLE}]", ["AG-2", "AG-3", "AG-5", "AG-1", "AG-6", "AG-4"]),
        ("[{field: CODE, direction: DESC}]", list(reversed(ALL))),
    ],
)
def test_sorting(portfolio: TestClient, order: str, expected: list[str]) -> None:
    assert codes(portfolio, "{}", order) == expected


def test_a_donors_contributions_sorted_by_amount(portfolio: TestClient) -> None:
    data = run(
        portfolio,
        """{ organisation(key: "XM-DAC-22-2") { contributions(orderBy: [{field: AMOUNT,
               direction: DESC}]) { totalCount edges { node {
                 project { code } amount { amount currency } } } } } }""",
    )
    contributions = data["organisation"]["contributions"]
    assert contributions["totalCount"] == 4
    assert [
        (edge["node"]["project"]["code"], edge["node"]["amount"]["amount"])
        for edge in contributions["edges"]
    ] == [("AG-2", 2_500_000), ("AG-1", 600_000), ("AG-5", 200_000), ("AG-4", 0)]


def money(*pairs: tuple[float, str]) -> list[dict[str, Any]]:
    return [{"amount": pytest.approx(amount), "currency": currency} for amount, currency in pairs]


AGGREGATE = """
query ($where: ProjectWhere) { projects(where: $where, first: 1) { aggregate {
  count
  sumBudget { amount currency }
  budget { currency count sum min max average }
  byStatus { key count sumBudget { amount currency } }
  byYear { key count sumBudget { amount currency } }
  byCountry { key name count sumBudget { amount currency } }
  bySector { key name count sumBudget { amount currency } }
  byDonor { donor { key name } count contributed { amount currency } }
  flows(first: 4) { donor { key } country { iso2 } amount { amount currency } projects }
} } }
"""


def test_aggregates_over_the_whole_list(portfolio: TestClient) -> None:
    aggregate = run(portfolio, AGGREGATE)["projects"]["aggregate"]
    assert aggregate["count"] == 6
    assert aggregate["sumBudget"] == money((4_300_000, "EUR"), (3_500_000, "USD"))
    assert aggregate["budget"] == [
        {
            "currency": "EUR",
            "count": 3,
            "sum": 4_300_000,
            "min": 800_000,
            "max": 2_500_000,
            "average": pytest.approx(4_300_000 / 3),
        },
        {
            "currency": "USD",
            "count": 2,
            "sum": 3_500_000,
            "min": 500_000,
            "max": 3_000_000,
            "average": 1_750_000,
        },
    ]
    assert aggregate["byStatus"] == [
        {
            "key": "implementation",
            "count": 3,
            "sumBudget": money((1_000_000, "EUR"), (3_500_000, "USD")),
        },
        {"key": "closed", "count": 2, "sumBudget": money((3_300_000, "EUR"))},
        {"key": "pipeline", "count": 1, "sumBudget": []},
    ]
    assert aggregate["byYear"] == [
        {"key": "2019", "count": 2, "sumBudget": money((1_000_000, "EUR"), (500_000, "USD"))},
        {"key": "2015", "count": 1, "sumBudget": money((2_500_000, "EUR"))},
        {"key": "2016", "count": 1, "sumBudget": money((800_000, "EUR"))},
        {"key": "2020", "count": 1, "sumBudget": money((3_000_000, "USD"))},
        {"key": None, "count": 1, "sumBudget": []},
    ]
    # Shares: AG-2 is 60% Mali / 40% Burkina Faso, AG-5 half Mali, half Niger.
    assert aggregate["byCountry"] == [
        {
            "key": "ML",
            "name": "Mali",
            "count": 3,
            "sumBudget": money((2_500_000, "EUR"), (250_000, "USD")),
        },
        {
            "key": "NE",
            "name": "Niger",
            "count": 3,
            "sumBudget": money((800_000, "EUR"), (3_250_000, "USD")),
        },
        {"key": "BF", "name": "Burkina Faso", "count": 2, "sumBudget": money((1_000_000, "EUR"))},
    ]
    assert [(group["key"], group["count"]) for group in aggregate["bySector"]] == [
        ("1:12220", 2),
        ("1:14030", 2),
        ("1:31120", 2),
        ("1:11220", 1),
    ]
    assert aggregate["bySector"][0]["sumBudget"] == money((3_250_000, "USD"))
    assert aggregate["byDonor"] == [
        {
            "donor": {"key": "XM-DAC-22-2", "name": "Luxembourg Government"},
            "count": 4,
            "contributed": money((3_300_000, "EUR")),
        },
        {
            "donor": {"key": "US-GOV-1", "name": "USAID"},
            "count": 2,
            "contributed": money((3_500_000, "USD")),
        },
        {
            "donor": {"key": "XI-IATI-EC_INTPA", "name": "European Union"},
            "count": 2,
            "contributed": money((1_200_000, "EUR")),
        },
    ]
    # Luxembourg → Mali: 600k (AG-1, all Mali) + 60% of 2.5M (AG-2) + 50% of 200k (AG-5).
    assert aggregate["flows"] == [
        {"donor": {"key": "US-GOV-1"}, "country": {"iso2": "NE"},
         "amount": money((3_250_000, "USD"))[0], "projects": 2},
        {"donor": {"key": "XM-DAC-22-2"}, "country": {"iso2": "ML"},
         "amount": money((2_200_000, "EUR"))[0], "projects": 3},
        {"donor": {"key": "XM-DAC-22-2"}, "country": {"iso2": "BF"},
         "amount": money((1_000_000, "EUR"))[0], "projects": 2},
        {"donor": {"key": "XI-IATI-EC_INTPA"}, "country": {"iso2": "NE"},
         "amount": money((800_000, "EUR"))[0], "projects": 1},
    ]  # fmt: skip


def test_aggregates_follow_the_filter(portfolio: TestClient) -> None:
    where = {"countries": {"some": {"iso2": {"eq": "NE"}}}, "status": {"eq": "CLOSED"}}
    aggregate = run(portfolio, AGGREGATE, where=where)["projects"]["aggregate"]
    assert aggregate["count"] == 1
    assert aggregate["sumBudget"] == money((800_000, "EUR"))
    assert aggregate["byDonor"][0]["donor"]["key"] == "XI-IATI-EC_INTPA"
    assert aggregate["flows"] == [
        {"donor": {"key": "XI-IATI-EC_INTPA"}, "country": {"iso2": "NE"},
         "amount": money((800_000, "EUR"))[0], "projects": 1},
    ]  # fmt: skip


def test_aggregates_on_nested_connections(portfolio: TestClient) -> None:
    data = run(
        portfolio,
        """{ countries(first: 10) { edges { node { iso2
               projects { aggregate { count sumBudget { amount currency } } } } } } }""",
    )
    found = {
        edge["node"]["iso2"]: edge["node"]["projects"]["aggregate"]
        for edge in data["countries"]["edges"]
    }
    # Unsplit budgets here: these are the projects' own budgets.
    assert found == {
        "BF": {"count": 2, "sumBudget": money((2_500_000, "EUR"))},
        "ML": {"count": 3, "sumBudget": money((3_500_000, "EUR"), (500_000, "USD"))},
        "NE": {"count": 3, "sumBudget": money((800_000, "EUR"), (3_500_000, "USD"))},
    }


# --- pagination -----------------------------------------------------------------------

PAGE = """query ($where: ProjectWhere, $first: Int, $after: String) {
  projects(where: $where, first: $first, after: $after, orderBy: [{field: BUDGET}]) {
    totalCount edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


def page(portfolio: TestClient, **variables: Any) -> dict[str, Any]:
    return run(portfolio, PAGE, **variables)["projects"]  # type: ignore[no-any-return]


def test_pages_walk_a_filtered_sorted_list_first_to_last(portfolio: TestClient) -> None:
    where = {"status": {"in": ["IMPLEMENTATION", "CLOSED"]}}
    first = page(portfolio, where=where, first=2)
    assert [e["node"]["code"] for e in first["edges"]] == ["AG-5", "AG-6"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    second = page(portfolio, where=where, first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["code"] for e in second["edges"]] == ["AG-1", "AG-2"]
    last = page(portfolio, where=where, first=2, after=second["pageInfo"]["endCursor"])
    assert [e["node"]["code"] for e in last["edges"]] == ["AG-3"]
    assert last["pageInfo"]["hasNextPage"] is False
    assert last["pageInfo"]["hasPreviousPage"] is True
    assert last["totalCount"] == 5


COUNTRY_PAGE = """query ($first: Int, $after: String) { country(iso2: "ML") {
  projects(where: {status: {in: [IMPLEMENTATION, CLOSED]}}, orderBy: [{field: BUDGET,
           direction: DESC}], first: $first, after: $after) {
    totalCount edges { node { code } } pageInfo { hasNextPage endCursor } } } }"""


def test_a_parents_filtered_list_is_counted_and_paged_to_its_end(portfolio: TestClient) -> None:
    """Counted in the pass that pages it: every page, and one past the end, has the total."""
    seen: list[tuple[int, list[str], bool]] = []
    after = None
    for _ in range(3):
        projects = run(portfolio, COUNTRY_PAGE, first=2, after=after)["country"]["projects"]
        codes = [edge["node"]["code"] for edge in projects["edges"]]
        seen.append((projects["totalCount"], codes, projects["pageInfo"]["hasNextPage"]))
        after = projects["pageInfo"]["endCursor"] or after
    assert seen == [(3, ["AG-2", "AG-1"], True), (3, ["AG-5"], False), (3, [], False)]


def test_a_page_past_the_end_and_an_empty_list(portfolio: TestClient) -> None:
    full = page(portfolio, first=6)
    past = page(portfolio, first=6, after=full["pageInfo"]["endCursor"])
    assert past["edges"] == []
    assert past["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }
    where = {"status": {"in": ["IMPLEMENTATION", "CLOSED"]}}
    whole = page(portfolio, where=where, first=5)
    beyond = page(portfolio, where=where, first=5, after=whole["pageInfo"]["endCursor"])
    assert (len(whole["edges"]), beyond["edges"], beyond["totalCount"]) == (5, [], 5)
    empty = page(portfolio, where={"code": {"eq": "nothing"}}, first=5)
    assert (empty["edges"], empty["totalCount"]) == ([], 0)
    assert empty["pageInfo"]["hasNextPage"] is False
    assert page(portfolio, first=0)["edges"] == []


def test_a_cursor_from_another_query_is_refused(portfolio: TestClient) -> None:
    cursor = page(portfolio, first=2)["pageInfo"]["endCursor"]
    other_filter = errors(
        portfolio, PAGE, where={"status": {"eq": "CLOSED"}}, first=2, after=cursor
    )
    assert other_filter == [
        f"cursor {cursor!r} belongs to another list: use a cursor from this field with the "
        "same where and orderBy"
    ]
    other_list = errors(
        portfolio,
        """query ($after: String) { country(iso2: "ML") {
             projects(first: 2, after: $after) { edges { node { code } } } } }""",
        after=cursor,
    )
    assert len(other_list) == 1 and "belongs to another list" in other_list[0]
    assert errors(portfolio, PAGE, first=2, after="bm90LWEtY3Vyc29y") == [
        "invalid cursor 'bm90LWEtY3Vyc29y'"
    ]


def test_page_size_limits(portfolio: TestClient) -> None:
    assert errors(portfolio, PAGE, first=101) == ["first must be between 0 and 100, got 101"]
    assert errors(portfolio, PAGE, first=-1) == ["first must be between 0 and 100, got -1"]


def test_a_date_filter_refuses_what_is_not_a_date(portfolio: TestClient) -> None:
    assert errors(portfolio, PAGE, where={"startDate": {"gte": "last year"}}) == [
        "start_date: 'last year' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    ]


# --- global IDs -----------------------------------------------------------------------

NODE = """query ($id: ID!) { node(id: $id) { __typename id
  ... on Project { code } ... on Country { iso2 } ... on Organisation { key name }
  ... on Video { title } ... on Document { title } ... on Sector { sectorCode: code }
  ... on Programme { key } } }"""


def test_every_node_comes_back_by_its_global_id(portfolio: TestClient) -> None:
    data = run(
        portfolio,
        """{ project(code: "AG-1") { id countries { id } contributions { donor { id } }
             sectors { id } programme { id } videos { edges { node { id } } } }
           documents { edges { node { id } } } }""",
    )
    project = data["project"]
    ids = [
        project["id"],
        project["countries"][0]["id"],
        project["contributions"][0]["donor"]["id"],
        project["sectors"][0]["id"],
        project["programme"]["id"],
        project["videos"]["edges"][0]["node"]["id"],
        data["documents"]["edges"][0]["node"]["id"],
    ]
    found = [run(portfolio, NODE, id=global_id)["node"] for global_id in ids]
    assert [(node["__typename"], node["id"]) for node in found] == [
        (typename, global_id)
        for typename, global_id in zip(
            ["Project", "Country", "Organisation", "Sector", "Programme", "Video", "Document"],
            ids,
            strict=True,
        )
    ]
    assert found[0]["code"] == "AG-1"
    assert found[1]["iso2"] == "ML"
    assert found[2] == {**found[2], "key": "XM-DAC-22-2", "name": "Luxembourg Government"}
    assert found[3]["sectorCode"] == "31120"
    assert found[4]["key"] == "AG-1#programme"
    assert found[5]["title"] == "Reportage à Ségou"
    assert found[6]["title"] in ("Évaluation finale", "Rapport annuel 2018")
    assert len(set(ids)) == len(ids)


def test_unknown_and_malformed_global_ids(portfolio: TestClient) -> None:
    missing = encode_global_id("Project", "AG-404")
    assert run(portfolio, NODE, id=missing) == {"node": None}
    assert errors(portfolio, NODE, id="Project:AG-1") == ["invalid global ID 'Project:AG-1'"]
    forged = encode_global_id("Secret", "x")
    assert errors(portfolio, NODE, id=forged) == [f"invalid global ID {forged!r}"]


# --- injection ------------------------------------------------------------------------

PAYLOADS = [
    "x'}) MATCH (n) DETACH DELETE n //",
    'x"}) MATCH (n) DETACH DELETE n //',
    "ML` OR 1=1 //",
    "') RETURN 1 UNION MATCH (n) DETACH DELETE n RETURN 1 //",
    "*:* OR title:(x) AND NOT \\ /",
]

# Where each object type is reached on the portfolio: {} is replaced by its selection.
REACH = {
    "Query": "{}",
    "Project": 'project(code: "AG-1") {{ {} }}',
    "Country": 'country(iso2: "ML") {{ {} }}',
    "Organisation": 'organisation(key: "XM-DAC-22-2") {{ {} }}',
    "Programme": 'project(code: "AG-1") {{ programme {{ {} }} }}',
    "Component": 'project(code: "AG-1") {{ component {{ {} }} }}',
    "Sector": 'project(code: "AG-1") {{ sectors {{ {} }} }}',
    "Video": 'project(code: "AG-1") {{ videos {{ edges {{ node {{ {} }} }} }} }}',
    "Document": 'project(code: "AG-2") {{ documents {{ {} }} }}',
    "ProjectConnection": "projects {{ {} }}",
}
UNREACHED = {"Office", "CooperationProgramme", "Agreement"}
"""Types the portfolio has no node of; their string arguments are the same kinds
(``lang``, project ``where``/``after``) as those of types that are reached."""


def _named(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _string_paths(input_type: GraphQLInputObjectType, depth: int = 0) -> Iterator[str]:
    """Input literals setting one string leaf of ``input_type`` to ``$s`` (AND/OR/NOT only
    recombine these leaves, so they are left out)."""
    for name, field in input_type.fields.items():
        if name in ("AND", "OR", "NOT"):
            continue
        named = _named(field.type)
        listed = isinstance(field.type, GraphQLList) or (
            isinstance(field.type, GraphQLNonNull) and isinstance(field.type.of_type, GraphQLList)
        )
        if named is GraphQLString:
            yield f"{{{name}: {'[$s]' if listed else '$s'}}}"
        elif isinstance(named, GraphQLInputObjectType) and depth < 3:
            for inner in _string_paths(named, depth + 1):
                yield f"{{{name}: {inner}}}"


def _string_arguments(arg_type: Any, seen: set[str]) -> tuple[str, list[str]]:
    """(variable type, values) putting ``$s`` in every string an argument takes: itself,
    or each string leaf of its input type (once per input type; one leaf after that)."""
    named = _named(arg_type)
    if named in (GraphQLString, GraphQLID):
        return ("ID!" if named is GraphQLID else "String!"), ["$s"]
    if not isinstance(named, GraphQLInputObjectType):
        return "", []
    values = list(_string_paths(named))
    values = values if named.name not in seen else values[:1]
    seen.add(named.name)
    return "String!", values


def string_argument_queries() -> list[str]:
    """A query for every string argument of every field of the schema, directly or inside
    an input object, on the types the portfolio reaches."""
    queries = []
    seen: set[str] = set()
    for type_name, type_ in schema._schema.type_map.items():
        if not isinstance(type_, GraphQLObjectType) or type_name in UNREACHED:
            continue
        for field_name, field in type_.fields.items():
            returns_object = isinstance(
                _named(field.type), GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            )
            selection = " { __typename }" if returns_object else ""
            for arg_name, arg in field.args.items():
                variable, values = _string_arguments(arg.type, seen)
                if values:
                    assert type_name in REACH, f"{type_name}.{field_name}({arg_name}:) unreached"
                for value in values:
                    call = f"{field_name}({arg_name}: {value}){selection}"
                    queries.append(f"query ($s: {variable}) {{ {REACH[type_name].format(call)} }}")
    return queries


def test_no_string_argument_reaches_cypher(portfolio: TestClient, session_db: Database) -> None:
    queries = string_argument_queries()
    # Spot checks that the walk covers the schema: roots, nested fields, filter leaves.
    assert len(queries) > 250
    assert "query ($s: String!) { project(code: $s) { __typename } }" in queries
    assert "query ($s: ID!) { node(id: $s) { __typename } }" in queries
    assert any("search(text: $s)" in text for text in queries)
    assert any("title(lang: $s)" in text for text in queries)
    assert any("{countries: {some: {name: {contains: $s}}}}" in text for text in queries)
    assert any("contributions(after: $s)" in text for text in queries)
    before = graph_counts(session_db)
    for query in queries:
        for payload in PAYLOADS:
            body = portfolio.post("/graphql", json={"query": query, "variables": {"s": payload}})
            result = body.json()
            messages = [error["message"] for error in result.get("errors", [])]
            # Either an answer (nothing matched) or a precise refusal: never a failure.
            assert "Unexpected error." not in messages, (query, payload, messages)
            assert all("Neo" not in message for message in messages), (query, payload)
    assert graph_counts(session_db) == before
