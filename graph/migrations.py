"""The graph's schema: uniqueness constraints on every node key, and the indexes.

Every statement is ``IF NOT EXISTS``, so migrating is idempotent and runs at start-up
of the API and before every load.
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import ManagedTransaction

from graph.connection import Database

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
}
"""Each node label and the property that identifies its nodes."""

FULLTEXT_INDEX = "aidgraph_text"
"""Full-text index over project titles and descriptions and video titles, in every language."""

_FULLTEXT: LiteralString = (
    "CREATE FULLTEXT INDEX aidgraph_text IF NOT EXISTS "
    "FOR (n:Project|Video) ON EACH [n.search_titles, n.search_descriptions] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}"
)


def statements() -> list[LiteralString]:
    """The schema statements, in the order they run."""
    constraints: list[LiteralString] = [
        "CREATE CONSTRAINT " + label.lower() + "_key IF NOT EXISTS "
        "FOR (n:" + label + ") REQUIRE n." + key + " IS UNIQUE"
        for label, key in NODE_KEYS.items()
    ]
    return [*constraints, _FULLTEXT]


def migrate(db: Database) -> None:
    """Create every constraint and index that is missing, then wait until they are online."""

    def apply(tx: ManagedTransaction, statement: LiteralString) -> None:
        tx.run(statement).consume()

    # Schema changes cannot share a transaction with each other, so one each.
    for statement in statements():
        db.write(apply, statement)
    with db.driver.session(database=db.name) as session:
        session.run("CALL db.awaitIndexes(300)").consume()
