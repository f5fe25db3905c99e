"""The GraphQL API over HTTP, end to end: sample pages → loader → Neo4j → uvicorn → JSON."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_server import graphql, serve_api
from conftest import SAMPLES, free_port
from pydantic import SecretStr

from graph.connection import Database
from graph.server import LocalServer
from graph.settings import Settings
from loaders.bulk import load_items
from loaders.inputs import numbered
from loaders.luxdev import PageError, parse_file
from loaders.rejects import Rejected
from schema.app import GraphQLApp
from schema.node import encode_global_id
from schema.protection import protections
from schema.query import build_schema

CONTRACT = """
{ project(code: "MLI/801") {
    code title status closedOn startDate endDate durationMonths
    budget { amount currency }
    countries { iso2 name }
    office { name }
    contributions { donor { id key name aliases } amount { amount currency } }
    programme { title budget { amount currency } components { position title } }
    component { position }
    videos { totalCount edges { node { title description } } }
    documents { title }
    results
  }
  country(iso2: "ML") { name projects { totalCount } }
  donors(first: 10) { totalCount edges { node { name projects { totalCount } } } }
}
"""

VIDEO_TITLES = [
    "MALI - Relance de l’économie locale et d’appui aux collectivités – Phase II (RELAC II)",
    "MALI - Activités du RELAC II dans la Commune de Kirchamba",
    "MALI - Centre artisanal Hamabangou Tombouctou (RELAC II)",
    "MALI - Embouche ovine à Tombouctou (RELAC II)",
    "MALI - Entretien avec le Maire et les autorités de Tombouctou (RELAC II)",
    "MALI - Périmètre irrigué de la coopérative de Kirchamba (RELAC II)",
    "MALI - Périmètre maraicher de la coopérative de Tarabangou (RELAC II)",
]


@pytest.fixture(scope="module")
def api(session_db: Database, neo4j_settings: Settings) -> Iterator[str]:
    """The API over a graph holding exactly the two sample pages."""
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    pages = [str(SAMPLES / "MLI_801.fr.txt"), str(SAMPLES / "BKF_026.en.txt")]
    rejected: list[Rejected] = []
    items = numbered(pages, lambda path: [parse_file(path)], (PageError,))
    report = load_items(session_db, items, rejected.append)
    assert (report.loaded, rejected) == (2, [])
    with serve_api(neo4j_settings, free_port()) as base:
        yield base


def test_the_front_end_contract_query(api: str) -> None:
    body = graphql(api, CONTRACT)
    assert "errors" not in body
    project = body["data"]["project"]
    assert {k: project[k] for k in ("code", "title", "status", "closedOn")} == {
        "code": "MLI/801",
        "title": "Soutien rapide aux Autorités maliennes et aux Services sociaux essentiels "
        "dans les Zones post-Conflit",
        "status": "CLOSED",
        "closedOn": "2015-04-14",
    }
    assert (project["startDate"], project["endDate"], project["durationMonths"]) == (
        "2013-05",
        "2015-04",
        23,
    )
    assert project["budget"] == {"amount": 5_000_000.0, "currency": "EUR"}
    assert project["countries"] == [{"iso2": "ML", "name": "Mali"}]
    assert project["office"] == {"name": "Bureau Mali"}
    assert project["contributions"] == [
        {
            "donor": {
                "id": encode_global_id("Organisation", "XM-DAC-22-2"),
                "key": "XM-DAC-22-2",
                "name": "Luxembourg Government",
                "aliases": ["Gouvernement luxembourgeois", "Luxembourg Government"],
            },
            "amount": {"amount": 0.0, "currency": "EUR"},
        },
        {
            "donor": {
                "id": encode_global_id("Organisation", "eu-instrument-for-stability"),
                "key": "eu-instrument-for-stability",
                "name": "EU Instrument for Stability",
                "aliases": ["Instrument de Stabilité de la Commission européenne"],
            },
            "amount": {"amount": 5_000_000.0, "currency": "EUR"},
        },
    ]
    programme = project["programme"]
    assert programme["budget"] == {"amount": 20_000_000.0, "currency": "EUR"}
    assert [c["position"] for c in programme["components"]] == [1, 2, 3, 4, 5]
    assert programme["components"][1]["title"] == (
        "apporter un appui immédiat aux communautés locales et aux populations touchées par "
        "la crise et permettre aux autorités locales de se redresser rapidement et de fournir "
        "les services sociaux de base"
    )
    assert project["component"] == {"position": 2}
    videos = project["videos"]
    assert videos["totalCount"] == 7
    assert [edge["node"]["title"] for edge in videos["edges"]] == VIDEO_TITLES
    assert videos["edges"][0]["node"]["description"].startswith(
        "A cause de la crise sécuritaire qui affecte le nord du Mali"
    )
    assert videos["edges"][6]["node"]["description"] == VIDEO_TITLES[6]
    assert project["documents"] == [{"title": "Évaluation finale"}]
    assert project["results"] == [
        "les services de l’Etat et les collectivités disposent d’un équipement de base "
        "permettant le rétablissement de l’autorité de l’Etat et le rôle des institutions "
        "dans les régions directement touchées par le conflit",
        "les services sociaux essentiels disposent d’un équipement de base pour leur "
        "fonctionnement dans les régions touchées par le conflit",
        "un appui technique est apporté pour la coordination des partenaires techniques et "
        "financiers intervenants sur les zones post-conflit",
    ]
    assert body["data"]["country"] == {"name": "Mali", "projects": {"totalCount": 1}}
    donors = body["data"]["donors"]
    assert donors["totalCount"] == 7
    assert [(e["node"]["name"], e["node"]["projects"]["totalCount"]) for e in donors["edges"]] == [
        ("Agence Française de Développement", 1),
        ("Austria", 1),
        ("EU Instrument for Stability", 1),
        ("Etat Burkinabé", 1),
        ("Luxembourg Government", 2),
        ("Monaco", 1),
        ("Switzerland", 1),
    ]


def test_relationships_are_navigable_from_both_ends(api: str) -> None:
    body = graphql(
        api,
        """{
          organisation(key: "XM-DAC-22-2") { projects { edges { node { code } } } }
          country(iso2: "BF") {
            projects { edges { node { code office { name agency { name } } } } }
          }
          project(code: "MLI/801") {
            videos(first: 1) { edges { node { project { code } } } }
            documents { project { code } }
            programme { components { position projects { code } } }
            component { programme { budget { amount } } }
          }
        }""",
    )
    assert "errors" not in body
    data = body["data"]
    codes = [e["node"]["code"] for e in data["organisation"]["projects"]["edges"]]
    assert codes == ["BKF/026", "MLI/801"]
    assert data["country"]["projects"]["edges"] == [
        {
            "node": {
                "code": "BKF/026",
                "office": {"name": "Burkina Faso Office", "agency": {"name": "LuxDev"}},
            }
        }
    ]
    project = data["project"]
    assert project["videos"]["edges"] == [{"node": {"project": {"code": "MLI/801"}}}]
    assert project["documents"] == [{"project": {"code": "MLI/801"}}]
    components = project["programme"]["components"]
    assert [(c["position"], c["projects"]) for c in components] == [
        (1, []),
        (2, [{"code": "MLI/801"}]),
        (3, []),
        (4, []),
        (5, []),
    ]
    assert project["component"] == {"programme": {"budget": {"amount": 20_000_000.0}}}


def test_the_english_page_fields(api: str) -> None:
    body = graphql(
        api,
        """{ project(code: "BKF/026") {
              title status startDate endDate durationMonths budget { amount currency }
              sectors { name } cooperationProgramme { name start end }
              contributions { donor { name } amount { amount } }
              videos(first: 2) { totalCount pageInfo { hasNextPage endCursor } }
        } }""",
    )
    assert "errors" not in body
    project = body["data"]["project"]
    assert project["title"] == (
        "Support to the National Education and Technical and Vocational Training Policy "
        "in Burkina Faso"
    )
    assert project["status"] is None
    assert (project["startDate"], project["endDate"], project["durationMonths"]) == (
        "2019-11",
        "2024-10",
        60,
    )
    assert project["budget"] == {"amount": 42_118_534.0, "currency": "EUR"}
    assert project["sectors"] == [{"name": "Education, vocationnal training and employment"}]
    assert project["cooperationProgramme"] == {"name": "PIC 3", "start": "2017", "end": "2021"}
    assert [(c["donor"]["name"], c["amount"]["amount"]) for c in project["contributions"]] == [
        ("Luxembourg Government", 13_000_000.0),
        ("Etat Burkinabé", 13_720_412.0),
        ("Agence Française de Développement", 10_000_000.0),
        ("Switzerland", 2_598_122.0),
        ("Austria", 2_500_000.0),
        ("Monaco", 300_000.0),
    ]
    assert project["videos"]["totalCount"] == 4
    assert project["videos"]["pageInfo"]["hasNextPage"] is True


def test_load_provenance_is_shown_as_stored(api: str, session_db: Database) -> None:
    stored = session_db.read(
        lambda tx: tx.run(
            "MATCH (p:Project {code: 'BKF/026'}) RETURN p.loaded_at AS at, p.sources AS sources"
        ).single(strict=True)
    )
    body = graphql(api, '{ project(code: "BKF/026") { loadedAt sources } }')
    assert body == {
        "data": {
            "project": {
                "loadedAt": stored["at"].to_native().isoformat(),
                "sources": [str(SAMPLES / "BKF_026.en.txt")],
            }
        }
    }
    assert stored["sources"] == [str(SAMPLES / "BKF_026.en.txt")]


def test_cursor_pagination_walks_the_whole_list(api: str) -> None:
    titles: list[str] = []
    after: str | None = None
    while True:
        body = graphql(
            api,
            """query ($after: String) { project(code: "MLI/801") {
                 videos(first: 3, after: $after) {
                   edges { node { title } } pageInfo { hasNextPage endCursor } } } }""",
            after=after,
        )
        page = body["data"]["project"]["videos"]
        titles += [edge["node"]["title"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert titles == VIDEO_TITLES


def test_a_page_size_over_the_maximum_is_refused(api: str) -> None:
    body = graphql(api, '{ project(code: "MLI/801") { videos(first: 1000) { totalCount } } }')
    assert body["errors"][0]["message"] == "first must be between 0 and 100, got 1000"


def test_an_unknown_project_is_null(api: str) -> None:
    assert graphql(api, '{ project(code: "NOPE/000") { code } }') == {"data": {"project": None}}


def test_answers_are_utf8_json_with_texts_as_stored(api: str) -> None:
    query = '{ project(code: "MLI/801") { videos(first: 1) { edges { node { title } } } } }'
    response = httpx.post(f"{api}/graphql", json={"query": query})
    title = VIDEO_TITLES[0].encode()
    expected = b'{"data":{"project":{"videos":{"edges":[{"node":{"title":"' + title + b'"}}]}}}}'
    assert (response.headers["content-type"], response.content) == ("application/json", expected)


def test_an_integer_orjson_refuses_is_encoded_by_json(session_db: Database) -> None:
    app = GraphQLApp(build_schema(protections(Settings())), session_db, None)
    assert app.encode_json({"amount": 1.5, "text": "Périmètre"}) == (
        '{"amount":1.5,"text":"Périmètre"}'.encode()
    )
    assert app.encode_json({"big": 2**70, "text": "Périmètre"}) == (
        '{"big":1180591620717411303424,"text":"P\\u00e9rim\\u00e8tre"}'
    )


def test_health_and_graphiql(api: str) -> None:
    assert httpx.get(f"{api}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{api}/readyz").status_code == 200
    page = httpx.get(f"{api}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_readyz_follows_neo4j_down_and_back(tmp_path: Path) -> None:
    """A server of its own, so stopping it disturbs no other test."""
    password = "aidgraph-readyz"
    server = LocalServer(data_dir=tmp_path / "neo4j", port=free_port(), password=password)
    server.start()
    settings = Settings(neo4j_uri=server.uri(), neo4j_password=SecretStr(password))
    try:
        with serve_api(settings, free_port()) as base:
            assert _ready(base) == (200, {"status": "ready"})
            server.stop()
            assert _ready(base) == (503, {"status": "unavailable", "reason": "Neo4j unreachable"})
            assert httpx.get(f"{base}/healthz").status_code == 200
            server.start()
            assert _ready(base) == (200, {"status": "ready"})
    finally:
        server.stop()


def _ready(base: str) -> tuple[int, Any]:
    response = httpx.get(f"{base}/readyz", timeout=30)
    return response.status_code, response.json()
