"""The graph's schema: uniqueness constraints on every node key, and the indexes.

Every statement is ``IF NOT EXISTS``, so migrating is idempotent and runs at start-up
of the API and before every load. ``IF NOT EXISTS`` would keep a full-text index of the
same name that covers other labels (a database made by an older aidgraph), so a
full-text index that differs from the definition here is dropped and created again.
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import ManagedTransaction

from graph.connection import Database, run_list

NODE_KEYS: dict[LiteralString, LiteralString] = {
    "Activity": "code",
    "Project": "code",
    "Country": "iso2",
    "Organisation": "id",
    "Office": "key",
    "Programme": "key",
    "Component": "key",
    "CooperationProgramme": "key",
    "Video": "key",
    "Document": "key",
    "Sector": "key",
    "Result": "key",
    "Region": "key",
    "Location": "key",
    "Agreement": "key",
    "DataRevision": "key",
    "Summary": "measure",
}
"""Each node label and the property that identifies its nodes."""

FULLTEXT_INDEX: LiteralString = "aidgraph_text"
"""Full-text index over the titles and descriptions of projects, videos and documents, in
every language."""

FULLTEXT_LABELS: tuple[LiteralString, ...] = ("Project", "Video", "Document")
FULLTEXT_PROPERTIES: tuple[LiteralString, ...] = ("search_titles", "search_descriptions")
_ANALYZER = "standard-folding"
"""Lower-cases and folds accents, so "securite" finds "sécurité"."""

_FULLTEXT: LiteralString = (
    "CREATE FULLTEXT INDEX " + FULLTEXT_INDEX + " IF NOT EXISTS "
    "FOR (n:" + "|".join(FULLTEXT_LABELS) + ") "
    "ON EACH [" + ", ".join("n." + p for p in FULLTEXT_PROPERTIES) + "] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: '" + _ANALYZER + "'}}"
)

_CONTRIBUTION_AMOUNTS: LiteralString = (
    "CREATE RANGE INDEX contribution_amount IF NOT EXISTS "
    "FOR ()-[r:CONTRIBUTES_TO]-() ON (r.amount)"
)
"""Contributions by amount: a large donor's largest contributions without sorting them all
(``graph.reads``)."""

COUNTRY_SORT_KEY: LiteralString = "k.iso2 + ' ' + p.code"
"""What an ``IN_COUNTRY`` relationship from project ``p`` to country ``k`` holds as
``sort_key``: one country's keys share a prefix and sort as its projects' codes."""

_COUNTRY_SORT_KEYS: LiteralString = (
    "CREATE RANGE INDEX in_country_sort_key IF NOT EXISTS FOR ()-[r:IN_COUNTRY]-() ON (r.sort_key)"
)
"""A country's projects in code order: a page without sorting them all (``graph.reads``)."""

_SHOW_FULLTEXT: LiteralString = (
    "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties, options WHERE name = $name"
)

# Documents written before the index covered them have no search_titles.
_BACKFILL_DOCUMENTS: LiteralString = (
    "MATCH (d:Document) WHERE d.search_titles IS NULL "
    "SET d.search_titles = [l IN coalesce(d.languages, []) WHERE d['title_' + l] IS NOT NULL "
    "| d['title_' + l]]"
)


def statements() -> list[LiteralString]:
    """The schema statements, in the order they run."""
    constraints: list[LiteralString] = [
        "CREATE CONSTRAINT " + label.lower() + "_key IF NOT EXISTS "
        "FOR (n:" + label + ") REQUIRE n." + key + " IS UNIQUE"
        for label, key in NODE_KEYS.items()
    ]
    return [*constraints, _FULLTEXT, _CONTRIBUTION_AMOUNTS, _COUNTRY_SORT_KEYS]


def migrate(db: Database) -> None:
    """Create every constraint and index that is missing, then wait until they are online."""

    def apply(tx: ManagedTransaction, statement: LiteralString) -> None:
        tx.run(statement).consume()

    if db.read(_fulltext_is_stale):
        db.write(apply, "DROP INDEX " + FULLTEXT_INDEX + " IF EXISTS")
    # Schema changes cannot share a transaction with each other, so one each.
    for statement in statements():
        db.write(apply, statement)
    db.write(apply, _BACKFILL_DOCUMENTS)
    await_indexes(db)
    _backfill_country_sort_keys(db)


# Relationships written before they had a sort key. The count store and the index count
# them without reading a relationship (60 ms for 126,000 keys), so a graph that has every
# key is not scanned; one that lacks some is changed in batches (CALL IN TRANSACTIONS: an
# implicit transaction, not a managed one), not in one large transaction.
_COUNTRY_LINKS: LiteralString = "MATCH ()-[r:IN_COUNTRY]->() RETURN count(r) AS n"
_COUNTRY_SORT_KEYED: LiteralString = (
    "MATCH ()-[r:IN_COUNTRY]->() WHERE r.sort_key IS NOT NULL RETURN count(r) AS n"
)
_BACKFILL_COUNTRY_SORT_KEYS: LiteralString = (
    "MATCH (p:Project)-[r:IN_COUNTRY]->(k:Country) WHERE r.sort_key IS NULL "
    "CALL (p, r, k) { SET r.sort_key = " + COUNTRY_SORT_KEY + " } "
    "IN TRANSACTIONS OF 10000 ROWS"
)


def _backfill_country_sort_keys(db: Database) -> None:
    links, keyed = (db.read(run_list, q)[0]["n"] for q in (_COUNTRY_LINKS, _COUNTRY_SORT_KEYED))
    if links == keyed:
        return
    with db.driver.session(database=db.name) as session:
        session.run(_BACKFILL_COUNTRY_SORT_KEYS).consume()


def await_indexes(db: Database, timeout_seconds: int = 300) -> None:
    """Block until every index is online: a new index is populated in the background."""
    with db.driver.session(database=db.name) as session:
        session.run("CALL db.awaitIndexes($timeout)", timeout=timeout_seconds).consume()


def _fulltext_is_stale(tx: ManagedTransaction) -> bool:
    """Whether an index named ``FULLTEXT_INDEX`` exists with another definition."""
    for index in run_list(tx, _SHOW_FULLTEXT, name=FULLTEXT_INDEX):
        analyzer = (index["options"] or {}).get("indexConfig", {}).get("fulltext.analyzer")
        if (
            sorted(index["labelsOrTypes"]) != sorted(FULLTEXT_LABELS)
            or list(index["properties"]) != list(FULLTEXT_PROPERTIES)
            or analyzer != _ANALYZER
        ):
            return True
    return False
