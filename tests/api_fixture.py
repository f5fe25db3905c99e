"""A small portfolio whose every filter, sort and aggregate answer is known by construction.

Six projects in Mali (ML), Burkina Faso (BF) and Niger (NE), funded by Luxembourg (EUR),
the EU (EUR) and USAID (USD), with shares, accents and missing values on purpose.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from graph.connection import Database
from graph.project_writes import write_projects
from loaders.records import ProjectRecord
from loaders.resolve import resolve

LUX = {"name": "Luxembourg Government", "ref": "XM-DAC-22-2"}
EU = {"name": "European Union", "ref": "XI-IATI-EC_INTPA"}
USAID = {"name": "USAID", "ref": "US-GOV-1"}


def _money(amount: float, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


def _give(donor: dict[str, str], amount: float, currency: str) -> dict[str, Any]:
    return {"donor": donor, "amount": _money(amount, currency)}


def _sector(code: str, name: str, percentage: float | None = None) -> dict[str, Any]:
    return {"code": code, "vocabulary": "1", "name": name, "percentage": percentage}


PROJECTS: list[dict[str, Any]] = [
    {
        "code": "AG-1",
        "language": "en",
        "title": "Sécurité alimentaire au Mali",
        "description": "Food security and résilience in Ségou",
        "status": "implementation",
        "start_date": "2019-03",
        "end_date": "2023",
        "budget": _money(1_000_000, "EUR"),
        "countries": [{"name": "Mali", "iso2": "ML", "percentage": 100}],
        "contributions": [_give(LUX, 600_000, "EUR"), _give(EU, 400_000, "EUR")],
        "sectors": [_sector("31120", "Agricultural development", 100)],
        "programme": {
            "title": "Sahel food programme",
            "components": [{"position": 1, "title": "Food"}],
            "project_position": 1,
        },
        "videos": [
            {"title": "Reportage à Ségou", "url": "https://www.youtube.com/watch?v=ag1"},
            {"title": "Harvest day", "url": "https://vimeo.com/ag1"},
        ],
    },
    {
        "code": "AG-2",
        "language": "fr",
        "title": "Eau potable et assainissement",
        "status": "closed",
        "start_date": "2015-01-15",
        "end_date": "2018-12",
        "budget": _money(2_500_000, "EUR"),
        "countries": [
            {"name": "Mali", "iso2": "ML", "percentage": 60},
            {"name": "Burkina Faso", "iso2": "BF", "percentage": 40},
        ],
        "contributions": [_give(LUX, 2_500_000, "EUR")],
        "sectors": [_sector("14030", "Basic drinking water supply", 100)],
        "documents": [
            {
                "title": "Évaluation finale",
                "url": "https://example.org/ag2-evaluation.pdf",
                "category": "final-evaluation",
            }
        ],
    },
    {
        "code": "AG-3",
        "language": "en",
        "title": "Health systems strengthening in Niger",
        "status": "implementation",
        "start_date": "2020",
        "budget": _money(3_000_000, "USD"),
        "countries": [{"name": "Niger", "iso2": "NE"}],
        "contributions": [_give(USAID, 3_000_000, "USD")],
        "sectors": [_sector("12220", "Basic health care")],
    },
    {
        "code": "AG-4",
        "language": "en",
        "title": "Éducation de base",
        "status": "pipeline",
        "countries": [{"name": "Burkina Faso", "iso2": "BF"}],
        "contributions": [_give(LUX, 0, "EUR")],
        "sectors": [_sector("11220", "Primary education")],
    },
    {
        "code": "AG-5",
        "language": "en",
        "title": "Regional resilience programme",
        "status": "implementation",
        "start_date": "2019-11",
        "budget": _money(500_000, "USD"),
        "countries": [
            {"name": "Mali", "iso2": "ML", "percentage": 50},
            {"name": "Niger", "iso2": "NE", "percentage": 50},
        ],
        "contributions": [_give(USAID, 500_000, "USD"), _give(LUX, 200_000, "EUR")],
        "sectors": [
            _sector("31120", "Agricultural development", 50),
            _sector("12220", "Basic health care", 50),
        ],
    },
    {
        "code": "AG-6",
        "language": "en",
        "title": "Water for Niamey",
        "status": "closed",
        "start_date": "2016-06",
        "end_date": "2019",
        "budget": _money(800_000, "EUR"),
        "countries": [{"name": "Niger", "iso2": "NE"}],
        "contributions": [_give(EU, 800_000, "EUR")],
        "sectors": [_sector("14030", "Basic drinking water supply", 100)],
        "documents": [{"title": "Rapport annuel 2018", "category": "annual-report"}],
    },
]


def load_portfolio(db: Database) -> None:
    """Empty the graph and write the six projects."""
    db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    write_projects(db, [_record(project) for project in PROJECTS])


def load_copy_of_first(db: Database, code: str = "AG-9") -> None:
    """Write a seventh project, AG-1's record under ``code``: a load that commits."""
    write_projects(db, [_record({**PROJECTS[0], "code": code})])


def _record(project: dict[str, Any]) -> ProjectRecord:
    return resolve(ProjectRecord.model_validate({**project, "source": "tests/api_fixture.py"}))


def post(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> Any:
    """The whole response body (data and errors) of ``query`` posted to ``client``."""
    return client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
