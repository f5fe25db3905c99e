"""Full-text search against the real Neo4j: accents, languages, kinds of hit, matched
fields, ordering, bounds, and text that tries to be Lucene syntax."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from api_server import graphql, serve_api
from conftest import REPO, SAMPLES, free_port

from graph.connection import Database, run_list
from graph.migrations import FULLTEXT_INDEX, await_indexes, migrate
from graph.project_writes import write_projects
from graph.search import lucene_terms, search
from graph.settings import Settings
from loaders.bulk import load_items
from loaders.inputs import numbered
from loaders.luxdev import PageError, parse_file
from loaders.records import Document, ProjectRecord
from loaders.rejects import Rejected
from loaders.resolve import resolve

REPORT_URL = "https://example.org/tst-001/report.pdf"


def food_security(language: str) -> ProjectRecord:
    """One project loaded from a French and an English page, with one shared document."""
    french = language == "fr"
    return ProjectRecord(
        code="TST/001",
        language=language,
        source=f"TST_001.{language}.txt",
        title="Sécurité alimentaire au Sahel" if french else "Food security in the Sahel",
        description="Renforcer la résilience des ménages ruraux"
        if french
        else "Strengthening the resilience of rural households",
        documents=(
            Document(
                title="Rapport de suivi" if french else "Progress report",
                url=REPORT_URL,
                category="report",
            ),
        ),
    )


@pytest.fixture(scope="module")
def graph(session_db: Database) -> Database:
    """The two LuxDev sample pages and TST/001 in French and English."""
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    pages = [str(SAMPLES / "MLI_801.fr.txt"), str(SAMPLES / "BKF_026.en.txt")]
    rejected: list[Rejected] = []
    items = numbered(pages, lambda path: [parse_file(path)], (PageError,))
    assert (load_items(session_db, items, rejected.append).loaded, rejected) == (2, [])
    write_projects(session_db, [resolve(food_security("fr"))])
    write_projects(session_db, [resolve(food_security("en"))])
    await_indexes(session_db)
    return session_db


@pytest.fixture(scope="module")
def api(graph: Database, neo4j_settings: Settings) -> Iterator[str]:
    with serve_api(neo4j_settings, free_port()) as base:
        yield base


def find(db: Database, text: str, limit: int = 20) -> list[tuple[str, str, list[str]]]:
    """(kind, title, matched fields) of each hit, best first."""
    return [(h["kind"], h["node"]["title"], h["fields"]) for h in db.read(search, text, limit)]


RELAC = "MALI - Relance de l’économie locale et d’appui aux collectivités – Phase II (RELAC II)"
OVINE = "MALI - Embouche ovine à Tombouctou (RELAC II)"
TITLE_AND_DESCRIPTION = ["TITLE", "DESCRIPTION"]


def test_accents_and_case_are_ignored(graph: Database) -> None:
    expected = [("Project", "Food security in the Sahel", ["TITLE"])]
    assert find(graph, "securite alimentaire") == expected
    assert find(graph, "SÉCURITÉ Alimentaire") == expected


def test_every_language_is_searched(graph: Database) -> None:
    """The English page's words find the project as surely as the French page's."""
    assert find(graph, "food security") == [("Project", "Food security in the Sahel", ["TITLE"])]
    assert find(graph, "resilience menages") == [
        ("Project", "Food security in the Sahel", ["DESCRIPTION"])
    ]
    assert find(graph, "rural households") == [
        ("Project", "Food security in the Sahel", ["DESCRIPTION"])
    ]


def test_a_video_matched_by_its_description(graph: Database) -> None:
    assert find(graph, "securitaire") == [("Video", RELAC, ["DESCRIPTION"])]


def test_a_video_matched_by_title_and_description(graph: Database) -> None:
    assert find(graph, "embouche ovine") == [("Video", OVINE, TITLE_AND_DESCRIPTION)]


def test_documents_are_found_by_their_title_in_every_language(graph: Database) -> None:
    assert find(graph, "evaluation finale") == [("Document", "Évaluation finale", ["TITLE"])]
    # The document's title is shown in English, the preferred language; both are searched.
    assert find(graph, "rapport suivi") == [("Document", "Progress report", ["TITLE"])]
    assert find(graph, "progress report") == [("Document", "Progress report", ["TITLE"])]


def test_every_word_must_match_in_one_field(graph: Database) -> None:
    assert find(graph, "tombouctou") == [
        ("Video", OVINE, TITLE_AND_DESCRIPTION),
        (
            "Video",
            "MALI - Centre artisanal Hamabangou Tombouctou (RELAC II)",
            TITLE_AND_DESCRIPTION,
        ),
        (
            "Video",
            "MALI - Entretien avec le Maire et les autorités de Tombouctou (RELAC II)",
            TITLE_AND_DESCRIPTION,
        ),
        ("Video", RELAC, ["DESCRIPTION"]),  # "… de Tombouctou et Gao …", deep in its text
    ]
    assert find(graph, "tombouctou ovine") == [("Video", OVINE, TITLE_AND_DESCRIPTION)]
    # Each word is in some title, but no field holds both.
    assert find(graph, "ovine burkina") == []


def test_hits_are_best_first_and_first_bounds_them(graph: Database) -> None:
    hits = graph.read(search, "burkina", 20)
    assert len(hits) == 5  # BKF/026 and its four videos, three of which tie
    assert len({hit["score"] for hit in hits}) < 5
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert graph.read(search, "burkina", 2) == hits[:2]
    assert graph.read(search, "burkina", 0) == []


def test_ties_beyond_the_first_fetch_are_ordered_by_key(graph: Database) -> None:
    """300 projects with the same title tie for every place. Written in descending code
    order, Lucene keeps the last-written ones first, so a search that did not fetch
    again past its first round would return codes from the middle."""
    records = [
        ProjectRecord(code=f"TIE/{n:03d}", language="en", source="ties", title="Zanzibarite well")
        for n in range(300, 0, -1)
    ]
    write_projects(graph, [resolve(record) for record in records])
    await_indexes(graph)
    try:
        hits = graph.read(search, "zanzibarite", 20)
        assert [hit["node"]["code"] for hit in hits] == [f"TIE/{n:03d}" for n in range(1, 21)]
        assert len({hit["score"] for hit in hits}) == 1
    finally:
        graph.write(
            lambda tx: tx.run("MATCH (p:Project) WHERE p.source = 'ties' DETACH DELETE p").consume()
        )


SPECIAL = ["+", "-", "&&", "||", "!", "(", ")", "{", "}", "[", "]", "^", '"', "~", "*", "?"]
SPECIAL += [":", "\\", "/"]


@pytest.mark.parametrize("special", SPECIAL)
def test_lucene_special_characters_are_plain_text(graph: Database, special: str) -> None:
    """Each special character after, between and instead of words: never an error, never
    a query other than the words the text holds."""
    assert find(graph, f"ovine{special}") == [("Video", OVINE, TITLE_AND_DESCRIPTION)]
    assert find(graph, f"embouche {special} ovine") == [("Video", OVINE, TITLE_AND_DESCRIPTION)]
    assert find(graph, special) == []


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("*", None),
        ("*:*", None),
        ("search_titles:*", None),
        ("*:* OR ovine", "ovine"),
        ("ovine OR burkina", None),
        ("ovine || burkina", None),
        ("ovine NOT embouche", "ovine embouche"),
        ("ovine) OR search_descriptions:(burkina", None),
        ("/.*/", None),
        ("burk*", None),
        ("burk?na", None),
        ("burkinq~", None),
        ('"burkina faso"~100 OR cooperation', "burkina faso cooperation"),
    ],
)
def test_text_cannot_change_the_query(graph: Database, text: str, same_as: str | None) -> None:
    """Wildcards, fields, operators, groups, fuzzy and proximity are plain words: ``text``
    finds exactly what its words find (nothing when ``same_as`` is None)."""
    expected = [] if same_as is None else find(graph, same_as)
    assert same_as is None or expected
    assert find(graph, text) == expected


def test_operator_words_are_words(graph: Database) -> None:
    """AND, OR and NOT are common English words (dropped as such), not operators."""
    assert lucene_terms("ovine AND NOT tombouctou OR x") == "+ovine +and +not +tombouctou +or +x"
    assert find(graph, "embouche AND ovine") == [("Video", OVINE, TITLE_AND_DESCRIPTION)]
    assert find(graph, "NOT ovine") == [("Video", OVINE, TITLE_AND_DESCRIPTION)]


def test_common_english_words_are_ignored(graph: Database) -> None:
    assert find(graph, "the") == []
    assert find(graph, "the embouche of ovine") == find(graph, "embouche ovine")


def test_escaping(graph: Database) -> None:
    assert lucene_terms(' a+b  "c" d\\e:f/g ') == r"+a\+b +\"c\" +d\\e\:f\/g"
    with pytest.raises(ValueError, match="must not be empty"):
        lucene_terms(" \t\n")


def test_an_index_from_before_documents_were_searchable_is_replaced(graph: Database) -> None:
    """A database made by an older aidgraph: index without Document, documents without
    search_titles. Migrating fixes both, and migrating again changes nothing."""

    def run(cypher: Any) -> None:
        graph.write(lambda tx: tx.run(cypher).consume())

    def index() -> list[dict[str, Any]]:
        return graph.read(
            lambda tx: run_list(
                tx,
                "SHOW FULLTEXT INDEXES YIELD id, name, labelsOrTypes WHERE name = $name",
                name=FULLTEXT_INDEX,
            )
        )

    run("DROP INDEX aidgraph_text")
    run(
        "CREATE FULLTEXT INDEX aidgraph_text FOR (n:Project|Video) "
        "ON EACH [n.search_titles, n.search_descriptions] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}"
    )
    run("MATCH (d:Document) REMOVE d.search_titles")
    await_indexes(graph)
    assert find(graph, "evaluation finale") == []

    migrate(graph)
    [migrated] = index()
    assert migrated["labelsOrTypes"] == ["Project", "Video", "Document"]
    assert find(graph, "evaluation finale") == [("Document", "Évaluation finale", ["TITLE"])]
    migrate(graph)
    assert index() == [migrated]


# --- over GraphQL ---------------------------------------------------------------------

HITS = """
query ($text: String!, $first: Int!) {
  search(text: $text, first: $first) {
    score matchedFields
    node {
      __typename
      ... on Project { code frenchTitle: title(lang: "fr") }
      ... on Video { title project { code } }
      ... on Document { title category project { code } }
    }
  }
}
"""


def test_typed_hits_over_graphql(api: str) -> None:
    body = graphql(api, HITS, text="securite", first=10)
    assert "errors" not in body
    hits = body["data"]["search"]
    assert [(hit["node"], hit["matchedFields"]) for hit in hits] == [
        (
            {
                "__typename": "Project",
                "code": "TST/001",
                "frenchTitle": "Sécurité alimentaire au Sahel",
            },
            ["TITLE"],
        )
    ]
    body = graphql(api, HITS, text="evaluation", first=10)
    assert [hit["node"] for hit in body["data"]["search"]] == [
        {
            "__typename": "Document",
            "title": "Évaluation finale",
            "category": "final-evaluation",
            "project": {"code": "MLI/801"},
        }
    ]
    body = graphql(api, HITS, text="kirchamba", first=1)
    [hit] = body["data"]["search"]
    assert hit["node"]["__typename"] == "Video"
    assert hit["node"]["project"] == {"code": "MLI/801"}
    assert hit["matchedFields"] == TITLE_AND_DESCRIPTION
    assert hit["score"] > 0


@pytest.mark.parametrize(
    ("text", "first", "error"),
    [
        ("", 20, "search text must not be empty"),
        ("  \t ", 20, "search text must not be empty"),
        ("mali", 101, "first must be between 0 and 100, got 101"),
        ("mali", -1, "first must be between 0 and 100, got -1"),
        (" ".join(["mali"] * 33), 20, "search text must have at most 32 words, got 33"),
        ("m" * 1001, 20, "search text must be at most 1000 characters, got 1001"),
    ],
)
def test_bad_arguments_are_refused_with_a_precise_message(
    api: str, text: str, first: int, error: str
) -> None:
    body = graphql(api, HITS, text=text, first=first)
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [error]


def test_first_defaults_to_twenty(api: str) -> None:
    body = graphql(api, '{ search(text: "mali") { score } }')
    assert "errors" not in body
    assert 0 < len(body["data"]["search"]) <= 20


def test_the_search_examples_in_the_api_docs_run(api: str) -> None:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("\n## Search\n", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"```graphql\n(.*?)```", section, re.DOTALL)
    assert examples
    for example in examples:
        body = graphql(api, example)
        assert "errors" not in body, body
        assert body["data"]["search"], example
