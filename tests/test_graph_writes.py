"""Graph writes against the real Neo4j: idempotence, FR+EN merge, aliases, provenance."""

from __future__ import annotations

from typing import Any

from conftest import DATA_NODES, graph_counts

from graph.connection import Database, run_list
from graph.migrations import FULLTEXT_INDEX, NODE_KEYS
from graph.project_writes import write_projects
from loaders.records import (
    Component,
    Contribution,
    CountryRef,
    Document,
    Money,
    Office,
    OrganisationRef,
    Programme,
    ProjectRecord,
    Video,
)
from loaders.resolve import resolve


def french() -> ProjectRecord:
    return ProjectRecord(
        code="MLI/801",
        language="fr",
        source="MLI_801.fr.txt",
        title="Soutien rapide aux Autorités maliennes",
        status="closed",
        closed_on="2015-04-14",
        start_date="2013-05",
        end_date="2015-04",
        duration_months=23,
        budget=Money(amount=5_000_000, currency="EUR"),
        countries=(CountryRef(name="Mali"),),
        office=Office(name="Bureau Mali", agency=OrganisationRef(name="LuxDev")),
        contributions=(
            Contribution(
                donor=OrganisationRef(name="Gouvernement luxembourgeois"),
                amount=Money(amount=0, currency="EUR"),
            ),
            Contribution(
                donor=OrganisationRef(name="Instrument de Stabilité de la Commission européenne"),
                amount=Money(amount=5_000_000, currency="EUR"),
            ),
        ),
        programme=Programme(
            budget=Money(amount=20_000_000, currency="EUR"),
            components=tuple(Component(position=i, title=f"composante {i}") for i in range(1, 6)),
            project_position=2,
        ),
        videos=(Video(title="Vidéo 1", description="Une"), Video(title="Vidéo 2")),
        documents=(Document(title="Évaluation finale", category="final-evaluation"),),
        results=("résultat 1", "résultat 2", "résultat 3"),
    )


def english() -> ProjectRecord:
    return french().model_copy(
        update={
            "language": "en",
            "source": "MLI_801.en.txt",
            "title": "Rapid support to the Malian Authorities",
            "office": Office(name="Mali Office", agency=OrganisationRef(name="LuxDev")),
            "contributions": (
                Contribution(
                    donor=OrganisationRef(name="Luxembourg Government"),
                    amount=Money(amount=0, currency="EUR"),
                ),
                Contribution(
                    donor=OrganisationRef(name="Instrument for Stability"),
                    amount=Money(amount=5_000_000, currency="EUR"),
                ),
            ),
            "results": ("result 1", "result 2", "result 3"),
        }
    )


def query(db: Database, cypher: Any, **params: Any) -> list[dict[str, Any]]:
    return db.read(lambda tx: run_list(tx, cypher, **params))


def test_schema_has_a_unique_key_per_label_and_the_fulltext_index(db: Database) -> None:
    constraints = query(db, "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type")
    unique = {
        (c["labelsOrTypes"][0], c["properties"][0])
        for c in constraints
        if c["type"] == "UNIQUENESS"
    }
    assert unique == set(NODE_KEYS.items())
    index = query(
        db,
        "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties WHERE name = $name",
        name=FULLTEXT_INDEX,
    )
    assert index == [
        {
            "name": FULLTEXT_INDEX,
            "labelsOrTypes": ["Project", "Video", "Document"],
            "properties": ["search_titles", "search_descriptions"],
        }
    ]


def test_writing_a_project_twice_leaves_the_same_graph(db: Database) -> None:
    write_projects(db, [resolve(french())])
    first = graph_counts(db)
    write_projects(db, [resolve(french())])
    assert graph_counts(db) == first
    # Nodes: project, country, 2 donors, LuxDev, office, programme, 5 components,
    # 2 videos, 1 document, 3 results. Relationships: 1 country, 2 contributions,
    # LuxDev has the office, the office manages, 5 part-of, implements, 2 videos,
    # 1 document, 3 results.
    assert first == (18, 17)


def test_french_and_english_pages_make_one_project(db: Database) -> None:
    write_projects(db, [resolve(french())])
    counts = graph_counts(db)
    write_projects(db, [resolve(english())])
    assert graph_counts(db) == counts
    [project] = query(db, "MATCH (p:Project) RETURN p {.*} AS p")
    props = project["p"]
    assert props["title_fr"] == "Soutien rapide aux Autorités maliennes"
    assert props["title_en"] == "Rapid support to the Malian Authorities"
    assert props["languages"] == ["fr", "en"]
    assert props["sources"] == ["MLI_801.fr.txt", "MLI_801.en.txt"]
    [office] = query(db, "MATCH (o:Office) RETURN o.key AS key, o.name_fr AS fr, o.name_en AS en")
    assert office == {"key": "luxdev:ML", "fr": "Bureau Mali", "en": "Mali Office"}
    results = query(
        db,
        "MATCH (:Project)-[r:HAS_RESULT]->(n) RETURN n.title_fr AS fr, n.title_en AS en "
        "ORDER BY r.position",
    )
    assert results[0] == {"fr": "résultat 1", "en": "result 1"}


def test_donor_names_in_two_languages_are_one_donor_with_every_alias(db: Database) -> None:
    write_projects(db, [resolve(french())])
    write_projects(db, [resolve(english())])
    donors = query(
        db,
        "MATCH (d:Donor)-[c:CONTRIBUTES_TO]->(:Project) "
        "RETURN d.id AS id, d.name AS name, d.aliases AS aliases, c.amount AS amount, "
        "c.currency AS currency ORDER BY c.position",
    )
    assert donors == [
        {
            "id": "XM-DAC-22-2",
            "name": "Luxembourg Government",
            "aliases": ["Gouvernement luxembourgeois", "Luxembourg Government"],
            "amount": 0.0,
            "currency": "EUR",
        },
        {
            "id": "eu-instrument-for-stability",
            "name": "EU Instrument for Stability",
            "aliases": [
                "Instrument de Stabilité de la Commission européenne",
                "Instrument for Stability",
            ],
            "amount": 5_000_000.0,
            "currency": "EUR",
        },
    ]


def test_every_node_and_relationship_records_its_source_and_load_time(db: Database) -> None:
    write_projects(db, [resolve(french())])
    missing = query(
        db,
        "CALL () { MATCH (n) " + DATA_NODES + " AND (n.source IS NULL OR n.loaded_at IS NULL) "
        "RETURN count(n) AS n } "
        "CALL () { MATCH ()-[r]->() WHERE r.source IS NULL OR r.loaded_at IS NULL "
        "RETURN count(r) AS r } RETURN n, r",
    )
    assert missing == [{"n": 0, "r": 0}]
    sources = query(db, "MATCH ()-[r]->() RETURN DISTINCT r.source AS s")
    assert sources == [{"s": "MLI_801.fr.txt"}]


def test_a_newer_record_replaces_the_links_it_owns(db: Database) -> None:
    write_projects(db, [resolve(french())])
    shorter = french().model_copy(
        update={"videos": (Video(title="Seule vidéo"),), "results": ("un seul",), "documents": ()}
    )
    write_projects(db, [resolve(shorter)])
    rows = query(
        db,
        "MATCH (p:Project) RETURN COUNT { (p)-[:HAS_VIDEO]->() } AS videos, "
        "COUNT { (p)-[:HAS_RESULT]->() } AS results, COUNT { (p)-[:HAS_DOCUMENT]->() } AS docs, "
        "COUNT { (:Video) } AS all_videos, COUNT { (:Result) } AS all_results, "
        "COUNT { (:Document) } AS all_docs",
    )
    assert rows == [
        {"videos": 1, "results": 1, "docs": 0, "all_videos": 1, "all_results": 1, "all_docs": 0}
    ]


def test_a_zero_contribution_is_kept(db: Database) -> None:
    write_projects(db, [resolve(french())])
    zero = query(
        db,
        "MATCH (:Organisation {id: 'XM-DAC-22-2'})-[c:CONTRIBUTES_TO]->(:Project) "
        "RETURN c.amount AS amount, c.currency AS currency",
    )
    assert zero == [{"amount": 0.0, "currency": "EUR"}]


def test_components_carry_their_position_and_the_project_its_component(db: Database) -> None:
    write_projects(db, [resolve(french())])
    rows = query(
        db,
        "MATCH (p:Project)-[:IMPLEMENTS]->(c:Component)-[r:PART_OF]->(g:Programme) "
        "RETURN r.position AS position, c.title AS title, g.budget_amount AS budget",
    )
    assert rows == [{"position": 2, "title": "composante 2", "budget": 20_000_000.0}]


def test_fulltext_index_finds_titles_in_every_language_without_accents(db: Database) -> None:
    write_projects(db, [resolve(french())])
    write_projects(db, [resolve(english())])
    hits = query(
        db,
        "CALL db.index.fulltext.queryNodes($index, $q) YIELD node RETURN node.code AS code",
        index=FULLTEXT_INDEX,
        q="autorites",
    )
    assert hits == [{"code": "MLI/801"}]
    hits = query(
        db,
        "CALL db.index.fulltext.queryNodes($index, $q) YIELD node RETURN node.code AS code",
        index=FULLTEXT_INDEX,
        q="malian",
    )
    assert hits == [{"code": "MLI/801"}]


def test_fulltext_index_finds_video_titles(db: Database) -> None:
    write_projects(db, [resolve(french())])
    hits = query(
        db,
        "CALL db.index.fulltext.queryNodes($index, $q) YIELD node "
        "RETURN labels(node) AS labels, node.title AS title",
        index=FULLTEXT_INDEX,
        q="video",
    )
    assert sorted(hit["title"] for hit in hits) == ["Vidéo 1", "Vidéo 2"]
    assert all(hit["labels"] == ["Video"] for hit in hits)
