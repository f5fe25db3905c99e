"""Values shaped whole answer, and fail, exactly as field-by-field completion does."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from api_fixture import post
from starlette.testclient import TestClient
from test_execution import VARIED
from test_lookahead import EVERYTHING

import schema.pagination
import schema.types
from graph.connection import Database
from schema.node import Node
from schema.shaping import Shaping

# Connections read ahead under each country: cursors, page info and totals, aliases,
# __typename at every level, fragments, a list and a single link, a through field.
NESTED = """
fragment Project on Project { __typename code title status budget { amount currency } }
{ countries(first: 3) { edges { node {
  iso2 name
  projects(first: 2) {
    __typename totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    edges { __typename cursor node { ...Project
      donors: contributions { __typename donor { name } amount { amount currency } }
      sectors { name }
      office { name }
      videos(first: 1) { pageInfo { hasNextPage endCursor } edges { cursor node { title } } }
    } }
  }
  none: projects(first: 0) { pageInfo { hasNextPage startCursor endCursor } edges { cursor } }
} } } }
"""

AFTER = """
query After($after: String) { country(iso2: "ML") {
  projects(first: 1, after: $after) { pageInfo { hasPreviousPage } edges { node { code } } }
} }
"""


def _both(
    portfolio: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    variables: dict[str, Any] | None = None,
) -> tuple[Any, Any, tuple[int, int]]:
    """The answer shaped, the answer completed field by field, and how many connections
    each built as objects (``build_connection``: the others were shaped from rows)."""
    built: list[int] = []
    build = schema.pagination.build_connection

    def counted(*args: Any) -> Any:
        built.append(1)
        return build(*args)

    monkeypatch.setattr(schema.types, "build_connection", counted)
    shaped = post(portfolio, query, variables)
    connections = len(built)
    monkeypatch.setattr(Shaping, "object", lambda self, object_type, nodes: None)
    unshaped = post(portfolio, query, variables)
    return shaped, unshaped, (connections, len(built) - connections)


def test_nested_connections_are_shaped_from_their_rows(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    shaped, unshaped, (built, built_unshaped) = _both(portfolio, monkeypatch, NESTED)
    assert "errors" not in shaped, shaped
    assert shaped == unshaped
    countries = shaped["data"]["countries"]["edges"]
    shown = [len(c["node"]["projects"]["edges"]) for c in countries]
    assert shown == [2, 2, 2]
    # Field by field: the root, each country's two connections and each project's videos.
    # Shaped: the root alone (it is met once, so completed field by field); its edges
    # are a list of several, planned at once, and every country is shaped from its rows.
    assert built_unshaped == 1 + 2 * 3 + sum(shown)
    assert built == 1
    assert [c["node"]["iso2"] for c in countries] == ["BF", "ML", "NE"]
    mali = countries[1]["node"]
    assert mali["projects"]["totalCount"] == 3
    assert [e["node"]["code"] for e in mali["projects"]["edges"]] == ["AG-1", "AG-2"]
    info = mali["projects"]["pageInfo"]
    assert (info["hasNextPage"], info["hasPreviousPage"], info["__typename"]) == (
        True,
        False,
        "PageInfo",
    )
    assert info["endCursor"] == mali["projects"]["edges"][1]["cursor"]
    assert mali["none"] == {
        "pageInfo": {"hasNextPage": True, "startCursor": None, "endCursor": None},
        "edges": [],
    }


def test_a_cursor_shaped_pages_on_and_one_of_another_list_is_refused(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = post(portfolio, NESTED)["data"]["countries"]["edges"][1]["node"]["projects"]
    after = first["edges"][0]["cursor"]
    shaped, unshaped, _ = _both(portfolio, monkeypatch, AFTER, {"after": after})
    assert shaped == unshaped
    assert shaped["data"]["country"]["projects"] == {
        "pageInfo": {"hasPreviousPage": True},
        "edges": [{"node": {"code": "AG-2"}}],
    }
    burkina = post(portfolio, NESTED)["data"]["countries"]["edges"][0]["node"]["projects"]
    foreign = burkina["edges"][0]["cursor"]
    shaped, unshaped, _ = _both(portfolio, monkeypatch, AFTER, {"after": foreign})
    assert shaped == unshaped
    assert shaped["errors"][0]["message"] == (
        f"cursor {foreign!r} belongs to another list: use a cursor from this field with the "
        "same where and orderBy"
    )
    assert shaped["errors"][0]["path"] == ["country", "projects"]


@pytest.mark.parametrize("query", [EVERYTHING, VARIED], ids=["everything", "varied"])
def test_every_field_answers_as_field_by_field(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    first = post(portfolio, '{ project(code: "AG-1") { id } }')["data"]["project"]["id"]
    variables = {"lang": "fr", "n": 4, "with": True, "id": first} if query is VARIED else {}
    shaped, unshaped, _ = _both(portfolio, monkeypatch, query, variables)
    assert "errors" not in shaped, shaped
    assert shaped == unshaped


def test_an_error_inside_a_shaped_value_is_located_as_field_by_field(
    portfolio: TestClient, session_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a status the loaders would never write, which no ProjectStatus member holds
    def set_status(status: str) -> None:
        session_db.write(
            lambda tx: tx.run(
                "MATCH (p:Project {code: 'AG-2'}) SET p.status = $status", status=status
            ).consume()
        )

    query = '{ country(iso2: "ML") { projects { edges { node { code status } } } } }'
    before = post(portfolio, '{ project(code: "AG-2") { status } }')["data"]["project"]["status"]
    set_status("bogus")
    try:
        shaped, unshaped, _ = _both(portfolio, monkeypatch, query)
    finally:
        set_status(before.lower())
    assert shaped == unshaped
    edges = shaped["data"]["country"]["projects"]["edges"]
    assert [(e["node"]["code"], e["node"]["status"]) for e in edges] == [
        ("AG-1", "IMPLEMENTATION"),
        ("AG-2", None),
        ("AG-5", "IMPLEMENTATION"),
    ]
    [error] = shaped["errors"]
    assert error["path"] == ["country", "projects", "edges", 1, "node", "status"]
    assert error["message"] == "Unexpected error."  # masked: no internals in answers


ROW_READS = """
{ countries(first: 3) { edges { node { iso2 name
  projects(first: 2) { edges { node {
    __typename code title(lang: "fr") startDate
    sectors { name code%s }
    office { name }
    contributions { donor { name } }
    videos(first: 1) { edges { node { title url } } }
  } } }
} } } }
"""


def test_node_values_are_shaped_from_their_rows_without_objects(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    from_row = Node.from_row.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Node], row: dict[str, Any]) -> Node:
        made.append(cls.__name__)
        return from_row(cls, row)  # type: ignore[no-any-return]

    monkeypatch.setattr(Node, "from_row", classmethod(counted))
    shaped = post(portfolio, ROW_READS % "")
    assert "errors" not in shaped, shaped
    countries = [edge["node"] for edge in shaped["data"]["countries"]["edges"]]
    projects = [e["node"] for c in countries for e in c["projects"]["edges"]]
    donors = [c["donor"]["name"] for p in projects for c in p["contributions"]]
    sectors = [s for p in projects for s in p["sectors"]]
    assert [c["iso2"] for c in countries] == ["BF", "ML", "NE"]
    assert len(projects) == 6
    assert Counter(donors) == {"Luxembourg Government": 5, "USAID": 2, "European Union": 1}
    assert [s["name"] for s in sectors] == [
        "Basic drinking water supply",
        "Primary education",
        "Agricultural development",
        "Basic drinking water supply",
        "Basic health care",
        "Agricultural development",
        "Basic health care",
    ]
    # Stored properties and links read ahead only: objects for the root's countries (its
    # resolver makes them) and for the donors, shown through Contribution objects.
    assert Counter(made) == {"Country": 3, "Organisation": 8}
    made.clear()
    # A sector's id is not a stored property: each sector is then made an object.
    with_ids = post(portfolio, ROW_READS % " id")
    assert Counter(made) == {"Country": 3, "Organisation": 8, "Sector": 7}
    assert all(s["id"] for p in _projects(with_ids) for s in p["sectors"])
    monkeypatch.setattr(Shaping, "object", lambda self, object_type, nodes, over=None: None)
    assert post(portfolio, ROW_READS % "") == shaped
    assert post(portfolio, ROW_READS % " id") == with_ids


def _projects(answer: dict[str, Any]) -> list[dict[str, Any]]:
    countries = [edge["node"] for edge in answer["data"]["countries"]["edges"]]
    return [e["node"] for c in countries for e in c["projects"]["edges"]]
