"""IATI programme structure and link ownership: the final graph does not depend on the
order activities are loaded in, and a newer record leaves no stale link behind."""

from __future__ import annotations

from itertools import permutations

import pytest
from conftest import graph_snapshot

from graph.connection import Database, run_list
from graph.project_writes import write_projects
from loaders.records import ProjectRecord, RelatedActivity
from loaders.resolve import resolve


def activity(code: str, *related: tuple[str, int]) -> ProjectRecord:
    return ProjectRecord(
        code=code,
        language="en",
        source="hierarchy.xml",
        title=f"Activity {code}",
        related_activities=tuple(RelatedActivity(ref=ref, type=t) for ref, t in related),
    )


PARENT = activity("XX-1-P", ("XX-1-C1", 2), ("XX-1-C2", 2))
CHILD_1 = activity("XX-1-C1", ("XX-1-P", 1))
CHILD_2 = activity("XX-1-C2", ("XX-1-C1", 3))  # names a sibling, not its parent


def structure(db: Database) -> list[dict[str, object]]:
    return db.read(
        lambda tx: run_list(
            tx,
            "MATCH (g:Programme)-[:DESCRIBED_BY]->(d:Activity) "
            "MATCH (g)<-[r:PART_OF]-(k:Component)<-[:IMPLEMENTS]-(a:Activity) "
            "RETURN g.key AS programme, d.code AS described_by, r.position AS position, "
            "a.code AS activity, a:Project AS loaded ORDER BY position",
        )
    )


def test_a_parent_and_its_children_make_a_programme_with_ordered_components(
    db: Database,
) -> None:
    write_projects(db, [resolve(r) for r in (PARENT, CHILD_1, CHILD_2)])
    assert structure(db) == [
        {
            "programme": "XX-1-P",
            "described_by": "XX-1-P",
            "position": 1,
            "activity": "XX-1-C1",
            "loaded": True,
        },
        {
            "programme": "XX-1-P",
            "described_by": "XX-1-P",
            "position": 2,
            "activity": "XX-1-C2",
            "loaded": True,
        },
    ]


@pytest.mark.parametrize("order", list(permutations([PARENT, CHILD_1, CHILD_2])))
def test_load_order_does_not_change_the_graph(
    db: Database, order: tuple[ProjectRecord, ...]
) -> None:
    write_projects(db, [resolve(r) for r in (PARENT, CHILD_1, CHILD_2)])
    expected = graph_snapshot(db, keep_sources=False)
    db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    for record in order:
        write_projects(db, [resolve(record)])
    assert graph_snapshot(db, keep_sources=False) == expected


def test_a_child_loaded_alone_points_at_an_activity_not_yet_loaded(db: Database) -> None:
    write_projects(db, [resolve(CHILD_1)])
    rows = db.read(
        lambda tx: run_list(
            tx,
            "MATCH (a:Activity) RETURN a.code AS code, a:Project AS loaded ORDER BY code",
        )
    )
    assert rows == [{"code": "XX-1-C1", "loaded": True}, {"code": "XX-1-P", "loaded": False}]
    projects = db.read(lambda tx: run_list(tx, "MATCH (p:Project) RETURN count(p) AS n"))
    assert projects == [{"n": 1}]


def test_a_link_both_sides_state_survives_one_side_dropping_it(db: Database) -> None:
    write_projects(db, [resolve(r) for r in (PARENT, CHILD_1, CHILD_2)])
    # The parent is republished without children: C2's component goes (only the parent
    # stated it); C1's stays, because C1 still names its parent.
    write_projects(db, [resolve(activity("XX-1-P"))])
    rows = db.read(
        lambda tx: run_list(
            tx,
            "MATCH (k:Component)-[r:PART_OF]->(:Programme {key: 'XX-1-P'}) "
            "MATCH (a)-[i:IMPLEMENTS]->(k) "
            "RETURN a.code AS activity, r.owners AS part_of, i.owners AS implements",
        )
    )
    assert rows == [{"activity": "XX-1-C1", "part_of": ["XX-1-C1"], "implements": ["XX-1-C1"]}]
    components = db.read(lambda tx: run_list(tx, "MATCH (k:Component) RETURN k.key AS key"))
    assert components == [{"key": "XX-1-P#XX-1-C1"}]


def test_related_activities_keep_their_iati_type(db: Database) -> None:
    write_projects(db, [resolve(CHILD_2)])
    rows = db.read(
        lambda tx: run_list(
            tx,
            "MATCH (:Project {code: 'XX-1-C2'})-[r:RELATED_ACTIVITY]->(a) "
            "RETURN a.code AS code, r.type AS type",
        )
    )
    assert rows == [{"code": "XX-1-C1", "type": 3}]
