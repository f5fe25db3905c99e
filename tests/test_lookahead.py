"""Look-ahead: its tables agree with the schema, and its answers with the loaders'."""

from __future__ import annotations

from typing import Any

import pytest
from api_fixture import load_portfolio
from conftest import SAMPLES
from query_counting import CountingDatabase
from starlette.testclient import TestClient
from strawberry.types.base import StrawberryObjectDefinition

from graph.connection import Database
from graph.reads import KEY_PROPERTIES
from graph.settings import Settings
from loaders.bulk import load_items
from loaders.inputs import numbered
from loaders.luxdev import PageError, parse_file
from schema import types
from schema.app import create_app
from schema.lookahead import FOLLOWS, PROPERTIES
from schema.query import schema


def test_every_link_field_is_on_its_type_and_follows_from_its_node() -> None:
    for type_name, fields in FOLLOWS.items():
        definition = schema.get_type_by_name(type_name)
        assert isinstance(definition, StrawberryObjectDefinition), type_name
        names = {schema.config.name_converter.get_graphql_name(f) for f in definition.fields}
        for field_name, entry in fields.items():
            assert field_name in names, f"{type_name}.{field_name}"
            assert entry.link.match.startswith(f"MATCH (:{type_name} {{"), entry.link
            assert entry.link.parent_key == KEY_PROPERTIES[type_name]
            assert entry.to is None or entry.to in FOLLOWS, entry.to
            assert entry.through is None or entry.to is not None, entry
    for type_name, properties in PROPERTIES.items():
        definition = schema.get_type_by_name(type_name)
        assert isinstance(definition, StrawberryObjectDefinition), type_name
        names = {schema.config.name_converter.get_graphql_name(f) for f in definition.fields}
        assert set(properties) <= names, type_name


EVERYTHING = """
fragment Fields on Project {
  id code title description languages status closedOn startDate endDate durationMonths
  plannedStart actualStart plannedEnd actualEnd hierarchy defaultCurrency url sources
  loadedAt budget { amount currency }
}
{ projects(first: 20) { totalCount edges { node {
  ...Fields
  countries { id iso2 name projects(first: 3) { edges { node { ...Fields } } }
    started: projects(where: {startDate: {gte: "2010"}, NOT: {status: {eq: PIPELINE}}},
                      orderBy: [{field: START_DATE, direction: DESC}], first: 2) {
      totalCount edges { node { code startDate } } }
    counted: projects(first: 1) { totalCount edges { node { code } } } }
  recipientCountries { percentage country { iso2 } }
  sectors { id name code vocabulary projects(first: 2) { edges { node { code title } } } }
  videos(first: 5) { edges { cursor node { id title description url project { code } } } }
  documents { id title url category project { code } }
  office { id name agency { key } projects(first: 2) { edges { node { code } } } }
  programme { id key title budget { amount currency } project { code }
    components { position title programme { key } projects { ...Fields } } }
  component { position title }
  cooperationProgramme { id name start end projects(first: 2) { edges { node { code } } } }
  contributions { amount { amount currency } donor { key name ref aliases
    offices { name } projects(first: 2) { edges { node { code } } }
    contributions(orderBy: [{field: AMOUNT, direction: DESC}], first: 3) {
      totalCount edges { node { amount { amount } project { code title } } } } } }
  participants { role organisation { key name } }
  results agreements { title signedOn } regions { code } locations { name }
  relatedActivities { code type }
} } } }
"""


def test_look_ahead_answers_exactly_what_the_loaders_answer(
    session_db: Database, neo4j_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same query, with look-ahead (few statements, rows projected to the selected
    properties) and without it (the loaders, one per level, whole nodes), gives the same
    answer."""
    load_portfolio(session_db)
    pages = [str(SAMPLES / "MLI_801.fr.txt"), str(SAMPLES / "BKF_026.en.txt")]
    items = numbered(pages, lambda path: [parse_file(path)], (PageError,))
    assert load_items(session_db, items, lambda rejected: None).loaded == 2
    db = CountingDatabase.connect(neo4j_settings)
    with TestClient(create_app(neo4j_settings, db=db)) as client:
        ahead = _answer(client, db)
        monkeypatch.setattr(types, "read_with", lambda info, *where: ((), None))
        loaders = _answer(client, db)
    # Look-ahead: the top page with everything under it but what lies below the nodes
    # its projects share (countries, donors, offices, sectors, programmes), then that in
    # one statement for every distinct such node. Loaders: one per level.
    assert (ahead[1], loaders[1]) == (2, 4)
    assert ahead[0] == loaders[0]
    projects = ahead[0]["projects"]
    assert projects["totalCount"] == 8
    mali = next(e["node"] for e in projects["edges"] if e["node"]["code"] == "MLI/801")
    assert len(mali["videos"]["edges"]) == 5
    assert [c["position"] for c in mali["programme"]["components"]] == [1, 2, 3, 4, 5]
    # filtered, sorted and counted pages, read ahead: Burkina Faso has three projects,
    # two of them started since 2010 and not in the pipeline
    second = next(e["node"] for e in projects["edges"] if e["node"]["code"] == "AG-2")
    burkina = second["countries"][0]
    assert (burkina["iso2"], burkina["counted"]["totalCount"]) == ("BF", 3)
    assert burkina["started"] == {
        "totalCount": 2,
        "edges": [
            {"node": {"code": "BKF/026", "startDate": "2019-11"}},
            {"node": {"code": "AG-2", "startDate": "2015-01-15"}},
        ],
    }
    # a donor's contributions by amount, through its contributions to a project
    donor = second["contributions"][0]["donor"]
    assert (donor["key"], donor["contributions"]["totalCount"]) == ("XM-DAC-22-2", 6)
    assert [
        (edge["node"]["project"]["code"], edge["node"]["amount"]["amount"])
        for edge in donor["contributions"]["edges"]
    ] == [("BKF/026", 13_000_000.0), ("AG-2", 2_500_000.0), ("AG-1", 600_000.0)]


def _answer(client: TestClient, db: CountingDatabase) -> tuple[Any, int]:
    db.queries = 0
    body = client.post("/graphql", json={"query": EVERYTHING}).json()
    assert "errors" not in body, body["errors"]
    return body["data"], db.queries


DONORS = """{ country(iso2: "ML") { projects(first: 5) { edges { node { code
  contributions { donor { name } } } } } } }"""

AMOUNTS = """{ country(iso2: "ML") { projects(first: 5) { edges { node { code
  contributions { donor { name } }
  amounts: contributions { __typename amount { amount currency } } } } } } }"""


def test_a_contribution_is_read_with_its_amounts_and_key_only_when_they_are_needed(
    session_db: Database, neo4j_settings: Settings
) -> None:
    load_portfolio(session_db)
    db = CountingDatabase.connect(neo4j_settings)
    with TestClient(create_app(neo4j_settings, db=db)) as client:
        db.statements.clear()  # the app's checks at start
        donors = client.post("/graphql", json={"query": DONORS}).json()
        [read_donors] = db.statements
        db.statements.clear()
        amounts = client.post("/graphql", json={"query": AMOUNTS}).json()
        [read_amounts] = db.statements
    assert "errors" not in donors and "errors" not in amounts, (donors, amounts)
    # the same page (an alias of it) needs the amounts: read once, with them
    assert "CONTRIBUTES_TO" in read_donors and "r {.currency" not in read_donors
    # a donor's name alone: no key, which only a global ID and link fields need
    assert "collect([n.name])" in read_donors
    assert read_amounts.count("CONTRIBUTES_TO") == 1 and "r {.currency" in read_amounts
    shown = amounts["data"]["country"]["projects"]["edges"]
    assert donors["data"]["country"]["projects"]["edges"] == [
        {"node": {"code": e["node"]["code"], "contributions": e["node"]["contributions"]}}
        for e in shown
    ]
    first = shown[0]["node"]
    assert (first["code"], first["contributions"], first["amounts"]) == (
        "AG-1",
        [{"donor": {"name": "Luxembourg Government"}}, {"donor": {"name": "European Union"}}],
        [
            {"__typename": "Contribution", "amount": {"amount": 600000.0, "currency": "EUR"}},
            {"__typename": "Contribution", "amount": {"amount": 400000.0, "currency": "EUR"}},
        ],
    )
