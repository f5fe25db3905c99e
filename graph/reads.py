"""Parameterised reads, batched by parent so a request costs one query per kind of link.

Every navigation the API offers is a member of ``Link``: a fixed Cypher pattern from a
parent (bound to ``key``) to the nodes ``n`` it leads to (through relationship ``r``),
with the order its rows come in. Nothing from a request is ever spliced into Cypher: a
request picks a ``Link`` member and passes keys, offsets and limits as parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any, LiteralString

from neo4j import ManagedTransaction

Row = dict[str, Any]


class Node(Enum):
    """Node kinds fetched by key: (label, key property)."""

    PROJECT = ("Project", "code")
    COUNTRY = ("Country", "iso2")
    ORGANISATION = ("Organisation", "id")

    def __init__(self, label: LiteralString, key: LiteralString) -> None:
        self.label = label
        self.key = key

    @property
    def query(self) -> LiteralString:
        return (
            "UNWIND $keys AS key "
            "MATCH (n:" + self.label + " {" + self.key + ": key}) "
            "RETURN key, n {.*} AS node"
        )


class Link(Enum):
    """Navigations from a parent ``key`` to nodes ``n`` through relationship ``r``.

    Each value is (MATCH clauses binding n and r, ORDER BY expression). Lists of distinct
    nodes reached by several relationships bind ``r`` to null.
    """

    PROJECT_COUNTRIES = (
        "MATCH (:Project {code: key})-[r:IN_COUNTRY]->(n:Country)",
        "n.name",
    )
    PROJECT_OFFICE = (
        "MATCH (:Project {code: key})<-[r:MANAGES]-(n:Office)",
        "n.key",
    )
    PROJECT_CONTRIBUTIONS = (
        "MATCH (:Project {code: key})<-[r:CONTRIBUTES_TO]-(n:Organisation)",
        "r.position, n.name",
    )
    PROJECT_PARTICIPANTS = (
        "MATCH (:Project {code: key})<-[r:PARTICIPATES_IN]-(n:Organisation)",
        "r.role, n.name",
    )
    PROJECT_REGIONS = (
        "MATCH (:Project {code: key})-[r:IN_REGION]->(n:Region)",
        "n.key",
    )
    PROJECT_LOCATIONS = (
        "MATCH (:Project {code: key})-[r:HAS_LOCATION]->(n:Location)",
        "r.position",
    )
    PROJECT_RELATED = (
        "MATCH (:Project {code: key})-[r:RELATED_ACTIVITY]->(n:Activity)",
        "r.type, n.code",
    )
    PROJECT_COMPONENT = (
        "MATCH (:Project {code: key})-[:IMPLEMENTS]->(n:Component)-[r:PART_OF]->(:Programme)",
        "r.position, n.key",
    )
    PROJECT_PROGRAMME = (
        "MATCH (:Project {code: key})-[:IMPLEMENTS]->(:Component)-[:PART_OF]->(n:Programme) "
        "WITH DISTINCT n, null AS r",
        "n.key",
    )
    PROJECT_PIC = (
        "MATCH (:Project {code: key})-[r:UNDER]->(n:CooperationProgramme)",
        "n.name",
    )
    PROJECT_SECTORS = (
        "MATCH (:Project {code: key})-[r:IN_SECTOR]->(n:Sector)",
        "n.name",
    )
    PROJECT_VIDEOS = (
        "MATCH (:Project {code: key})-[r:HAS_VIDEO]->(n:Video)",
        "r.position",
    )
    PROJECT_DOCUMENTS = (
        "MATCH (:Project {code: key})-[r:HAS_DOCUMENT]->(n:Document)",
        "r.position",
    )
    PROJECT_RESULTS = (
        "MATCH (:Project {code: key})-[r:HAS_RESULT]->(n:Result)",
        "r.position",
    )
    PROJECT_AGREEMENTS = (
        "MATCH (:Project {code: key})-[r:HAS_AGREEMENT]->(n:Agreement)",
        "r.position",
    )
    COUNTRY_PROJECTS = (
        "MATCH (:Country {iso2: key})<-[r:IN_COUNTRY]-(n:Project)",
        "n.code",
    )
    DONOR_PROJECTS = (
        "MATCH (:Organisation {id: key})-[:CONTRIBUTES_TO]->(n:Project) WITH DISTINCT n, null AS r",
        "n.code",
    )
    ORGANISATION_PARTICIPATIONS = (
        "MATCH (:Organisation {id: key})-[:PARTICIPATES_IN]->(n:Project) "
        "WITH DISTINCT n, null AS r",
        "n.code",
    )
    AGENCY_OFFICES = (
        "MATCH (:Organisation {id: key})-[r:HAS_OFFICE]->(n:Office)",
        "n.key",
    )
    OFFICE_AGENCY = (
        "MATCH (:Office {key: key})<-[r:HAS_OFFICE]-(n:Organisation)",
        "n.id",
    )
    OFFICE_PROJECTS = (
        "MATCH (:Office {key: key})-[r:MANAGES]->(n:Project)",
        "n.code",
    )
    PROGRAMME_COMPONENTS = (
        "MATCH (:Programme {key: key})<-[r:PART_OF]-(n:Component)",
        "r.position",
    )
    PROGRAMME_PROJECT = (
        "MATCH (:Programme {key: key})-[r:DESCRIBED_BY]->(n:Project)",
        "n.code",
    )
    COMPONENT_PROGRAMME = (
        "MATCH (:Component {key: key})-[r:PART_OF]->(n:Programme)",
        "n.key",
    )
    COMPONENT_PROJECTS = (
        "MATCH (:Component {key: key})<-[r:IMPLEMENTS]-(n:Project)",
        "n.code",
    )
    SECTOR_PROJECTS = (
        "MATCH (:Sector {key: key})<-[r:IN_SECTOR]-(n:Project)",
        "n.code",
    )
    PIC_PROJECTS = (
        "MATCH (:CooperationProgramme {key: key})<-[r:UNDER]-(n:Project)",
        "n.code",
    )
    VIDEO_PROJECT = (
        "MATCH (:Video {key: key})<-[r:HAS_VIDEO]-(n:Project)",
        "n.code",
    )
    DOCUMENT_PROJECT = (
        "MATCH (:Document {key: key})<-[r:HAS_DOCUMENT]-(n:Project)",
        "n.code",
    )
    ALL_DONORS = ("MATCH (n:Donor) WITH n, null AS r", "n.name, n.id")
    ALL_PROJECTS = ("MATCH (n:Project) WITH n, null AS r", "n.code")
    ALL_COUNTRIES = ("MATCH (n:Country) WITH n, null AS r", "n.name")

    def __init__(self, match: LiteralString, order: LiteralString) -> None:
        self.match = match
        self.order = order

    @property
    def page_query(self) -> LiteralString:
        return (
            "UNWIND $keys AS key CALL (key) { "
            + self.match
            + " WITH n, r ORDER BY "
            + self.order
            + " SKIP $skip LIMIT $limit "
            "RETURN collect({node: n {.*}, link: r {.*}}) AS rows } "
            "RETURN key, rows"
        )

    @property
    def count_query(self) -> LiteralString:
        return (
            "UNWIND $keys AS key CALL (key) { "
            + self.match
            + " RETURN count(*) AS total } RETURN key, total"
        )


ALL = ""
"""The parent key of top-level lists (``Link.ALL_*``), which have no parent."""


def fetch_nodes(tx: ManagedTransaction, kind: Node, keys: Sequence[str]) -> dict[str, Row]:
    """The properties of the nodes of ``kind`` with these keys (missing keys are absent)."""
    return {record["key"]: record["node"] for record in tx.run(kind.query, keys=list(keys))}


def fetch_links(
    tx: ManagedTransaction, link: Link, keys: Sequence[str], skip: int, limit: int
) -> dict[str, list[Row]]:
    """For each parent key, rows ``{node, link}`` of one page of ``link``, in order."""
    result = tx.run(link.page_query, keys=list(keys), skip=skip, limit=limit)
    return {record["key"]: record["rows"] for record in result}


def count_links(tx: ManagedTransaction, link: Link, keys: Sequence[str]) -> dict[str, int]:
    """For each parent key, how many rows ``link`` has."""
    result = tx.run(link.count_query, keys=list(keys))
    return {record["key"]: record["total"] for record in result}
