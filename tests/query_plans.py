"""The operators Neo4j ran for a read, from its PROFILE: which indexes it sought or scanned."""

from __future__ import annotations

from typing import Any

from graph.connection import Database
from graph.reads import KeyedRead


def profiled_operators(db: Database, read: KeyedRead) -> list[tuple[str, int]]:
    """Each operator of ``read``'s profiled plan, with the rows it produced."""

    def profile(tx: Any) -> dict[str, Any]:
        return dict(tx.run("PROFILE " + read.cypher, read.parameters).consume().profile)

    def operators(plan: dict[str, Any]) -> list[tuple[str, int]]:
        own = (plan["operatorType"], plan["rows"])
        return [own, *(found for child in plan.get("children", []) for found in operators(child))]

    return operators(db.read(profile))


def relationship_index_seeks(db: Database, read: KeyedRead) -> int:
    """Rows relationship index seeks produced for ``read``; it fails if any index (of
    nodes or relationships) was scanned whole."""
    found = profiled_operators(db, read)
    assert not [name for name, _ in found if "IndexScan" in name], found
    return sum(rows for name, rows in found if name.startswith("DirectedRelationshipIndexSeek"))
