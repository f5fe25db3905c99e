"""IATI files through the whole product: the command, the graph, and GraphQL.

Expected values are read from the real files in ../shared/data/iati (the same ones the
parser tests read), not made up.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from api_server import graphql, serve_api
from conftest import SAMPLES, free_port, graph_snapshot
from test_cli import aidgraph

from graph.connection import Database, run_list
from graph.settings import Settings
from loaders.iati import parse_iati_file
from loaders.inputs import expand
from loaders.records import ProjectRecord

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "iati"
FOLDERS = [str(SHARED / "samples"), str(SHARED / "dportal-covid-2021")]


@cache
def parsed_records() -> tuple[ProjectRecord, ...]:
    """Every record the parser reads from the shared files (parsed once per session)."""
    return tuple(
        item
        for path in expand(FOLDERS, (".xml", ".xml.gz"))
        for item in parse_iati_file(Path(path))
        if isinstance(item, ProjectRecord)
    )


@pytest.fixture(scope="module")
def loaded(
    session_db: Database, neo4j_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Both shared IATI folders and the two LuxDev samples, loaded with the commands."""
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    rejects = tmp_path_factory.mktemp("load") / "rejects.jsonl"
    iati = aidgraph(neo4j_settings, "load", "iati", *FOLDERS, "--rejects", str(rejects))
    luxdev = aidgraph(
        neo4j_settings,
        "load",
        "luxdev",
        str(SAMPLES / "MLI_801.fr.txt"),
        str(SAMPLES / "BKF_026.en.txt"),
    )
    assert luxdev.returncode == 0, luxdev.stderr
    return {
        "iati": iati,
        "rejects": [json.loads(line) for line in rejects.read_text().splitlines()],
    }


@pytest.fixture(scope="module")
def api(loaded: dict[str, Any], neo4j_settings: Settings) -> Iterator[str]:
    with serve_api(neo4j_settings, free_port()) as base:
        yield base


def test_both_folders_load_with_a_summary_and_every_rejection_has_a_reason(
    loaded: dict[str, Any], session_db: Database
) -> None:
    result = loaded["iati"]
    assert result.returncode == 1  # some real activities are rejected
    assert "read 2026, loaded 2008, rejected 18 in " in result.stdout
    rejects = loaded["rejects"]
    assert len(rejects) == 18
    assert all(set(r) == {"source", "position", "identifier", "reason"} for r in rejects)
    assert all(r["reason"] and r["position"] > 0 and r["identifier"] for r in rejects)
    assert rejects[0] == {
        "source": str(SHARED / "dportal-covid-2021" / "dportal_0.xml"),
        "position": 99,
        "identifier": "44000-P130193",
        "reason": "sector '000065' percentage '102' is not between 0 and 100",
    }
    codes = session_db.read(lambda tx: run_list(tx, "MATCH (p:Project) RETURN p.code AS code"))
    expected = {record.code for record in parsed_records()} | {"MLI/801", "BKF/026"}
    assert {row["code"] for row in codes} == expected


def test_mali_has_the_iati_activities_and_the_luxdev_project(api: str) -> None:
    in_mali = {r.code for r in parsed_records() if any(c.iso2 == "ML" for c in r.countries)}
    body = graphql(
        api,
        '{ country(iso2: "ML") { name '
        "projects(first: 100) { totalCount edges { node { code } } } } }",
    )
    country = body["data"]["country"]
    assert country["name"] == "Mali"
    assert country["projects"]["totalCount"] == len(in_mali) + 1
    codes = {edge["node"]["code"] for edge in country["projects"]["edges"]}
    assert "MLI/801" in codes
    assert "CA-3-D002451001" in codes


def test_an_iati_activity_with_its_shares_roles_and_money(api: str) -> None:
    body = graphql(
        api,
        """{ project(code: "CA-3-D002451001") {
            title(lang: "en") french: title(lang: "fr") status startDate endDate hierarchy
            budget { amount currency }
            recipientCountries { country { iso2 } percentage }
            sectors { code vocabulary }
            participants { organisation { key name } role }
            contributions { donor { key name } amount { amount currency }
                            committed { amount } disbursed { amount } spent { amount } }
            transactions { type date value { amount currency } }
        } }""",
    )
    assert "errors" not in body
    project = body["data"]["project"]
    assert project["title"] == "Partnerships for Municipal Innovation in Local Economic Development"
    assert project["french"].startswith("Partenariats pour l’innovation municipale")
    assert (project["status"], project["startDate"], project["endDate"], project["hierarchy"]) == (
        "IMPLEMENTATION",
        "2016-01-20",
        "2021-09-30",
        1,
    )
    assert project["budget"] == {"amount": 19582333.0, "currency": "CAD"}
    shares = {c["country"]["iso2"]: c["percentage"] for c in project["recipientCountries"]}
    assert shares == {
        "BF": 14.29,
        "BO": 14.29,
        "CI": 14.29,
        "KH": 14.28,
        "ML": 14.28,
        "NI": 14.28,
        "VN": 14.29,
    }
    assert sorted((s["code"], s["vocabulary"]) for s in project["sectors"]) == [
        ("15112", "1"),
        ("15150", "1"),
        ("25010", "1"),
        ("32130", "1"),
        ("41010", "1"),
    ]
    assert sorted((p["organisation"]["key"], p["role"]) for p in project["participants"]) == [
        ("CA-3", "extending"),
        ("CA-3", "reporting"),
        ("CA-CRA_ACR-2118913938", "implementing"),
    ]
    assert project["contributions"] == [
        {
            "donor": {"key": "CA", "name": "Canada"},
            "amount": {"amount": 19570705.0, "currency": "CAD"},
            "committed": {"amount": 19570705.0},
            "disbursed": {"amount": 18788937.0},
            "spent": None,
        }
    ]
    assert len(project["transactions"]) == 13
    assert project["transactions"][0] == {
        "type": "3",
        "date": "2016-03-02",
        "value": {"amount": 1664612.0, "currency": "CAD"},
    }


def test_an_iati_parent_is_a_programme_of_its_children_in_order(api: str) -> None:
    body = graphql(
        api,
        """{ project(code: "FR-3-CCD110403") {
            component { position programme { key title project { code }
                        components { position projects { code } } } }
            relatedActivities { code type project { code } }
        } }""",
    )
    assert "errors" not in body
    project = body["data"]["project"]
    programme = project["component"]["programme"]
    assert project["component"]["position"] == 2
    assert programme["key"] == "FR-3-CCD1104"
    assert programme["project"] == {"code": "FR-3-CCD1104"}
    assert (
        programme["title"]
        == graphql(api, '{ project(code: "FR-3-CCD1104") { title } }')["data"]["project"]["title"]
    )
    assert programme["components"] == [
        {"position": 1, "projects": [{"code": "FR-3-CCD110401"}]},
        {"position": 2, "projects": [{"code": "FR-3-CCD110403"}]},
    ]
    assert project["relatedActivities"] == [
        {"code": "FR-3-CCD1104", "type": 1, "project": {"code": "FR-3-CCD1104"}}
    ]


def test_luxembourg_is_one_donor_across_luxdev_pages_and_iati_files(api: str) -> None:
    body = graphql(
        api,
        """{ organisation(key: "XM-DAC-22-2") {
              name aliases projects(first: 100) { totalCount edges { node { code } } } } }""",
    )
    luxembourg = body["data"]["organisation"]
    assert luxembourg["name"] == "Luxembourg Government"
    assert set(luxembourg["aliases"]) >= {
        "Gouvernement luxembourgeois",
        "Luxembourg Government",
        "Luxembourg - Directorate for Development Cooperation and Humanitarian Affairs",
    }
    funded = {
        r.code
        for r in parsed_records()
        if any(c.donor.ref == "XM-DAC-22-2" for c in r.contributions)
    }
    codes = {edge["node"]["code"] for edge in luxembourg["projects"]["edges"]}
    assert "XM-DAC-47066-PX.0118" in codes
    assert codes == funded | {"MLI/801", "BKF/026"}
    assert luxembourg["projects"]["totalCount"] == len(codes)


def test_loading_the_same_files_again_leaves_the_graph_unchanged(
    loaded: dict[str, Any], session_db: Database, neo4j_settings: Settings
) -> None:
    before = graph_snapshot(session_db, keep_sources=False)
    again = aidgraph(neo4j_settings, "load", "iati", *FOLDERS)
    assert "read 2026, loaded 2008, rejected 18 in " in again.stdout
    assert graph_snapshot(session_db, keep_sources=False) == before
