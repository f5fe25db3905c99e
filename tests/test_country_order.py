"""A country's projects in code order: read from the index on ``IN_COUNTRY.sort_key``
when the page is not filtered, sorted whole otherwise; the pages must be the same either
way, read by the country's key (the loaders) or ahead from its node (look-ahead), and on a
graph written before relationships had sort keys, once it is migrated."""

from __future__ import annotations

from typing import Any

import pytest
from query_plans import relationship_index_seeks

from graph.connection import Database, run_list
from graph.filters import Compare, Op, Prop, Sort
from graph.migrations import migrate
from graph.project_writes import write_projects
from graph.reads import (
    Ahead,
    KeyedRead,
    Link,
    Listing,
    NodeKind,
    Page,
    Row,
    link_rows,
    links_read,
    node_row,
    nodes_read,
    read_keyed,
)
from loaders.records import CountryRef, ProjectRecord
from loaders.resolve import resolve

# Codes whose order is not their length's or their case's: digits before capitals before
# small letters, a prefix before what extends it, an accented capital after "z".
CODES = [
    "0", "00", "1-a", "10", "41AAA-1799", "44000-10153", "9", "AB/12", "MLI/80", "MLI/801",
    "MLI/8010", "XM-DAC-7-PPR-4000019", "Z9", "ab/12", "z", "É-01",
]  # fmt: skip
MALI = [*CODES, *(f"ML-{n:02d}" for n in range(20))]
"""Mali's 36 projects; Mauritania has every fourth of them and one of its own."""
MAURITANIA = [*MALI[::4], "MR-ONLY"]


def _project(code: str) -> ProjectRecord:
    countries = [("Mali", "ML")] if code in MALI else []
    if code in MAURITANIA:
        countries.append(("Mauritania", "MR"))
    return ProjectRecord(
        code=code,
        language="en",
        source="tests/test_country_order.py",
        title=f"Project {code}",
        status="closed" if code.startswith("ML-") else "implementation",
        countries=tuple(CountryRef(name=name, iso2=iso2) for name, iso2 in countries),
    )


@pytest.fixture(scope="module")
def countries(session_db: Database) -> Database:
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    write_projects(session_db, [resolve(_project(code)) for code in sorted({*MALI, *MAURITANIA})])
    return session_db


def _read(iso2: str, listing: Listing, skip: int, limit: int, ahead: bool) -> KeyedRead:
    """A country's page of projects: by its key, or ahead of its node (in column a0)."""
    page = Page(listing, skip, limit)
    if ahead:
        return nodes_read(NodeKind.COUNTRY, [iso2], (Ahead(page),))
    return links_read(page, [iso2])


def rows_read(value: Any, page: Page, ahead: bool) -> list[Row]:
    """The rows of ``page`` in a value ``_read`` returned: by key, or ahead of a node."""
    if ahead:
        rows: list[Row] = node_row(value, (Ahead(page),))["nested"][page]
        return rows
    return link_rows(value, page.listing.link)


def page(db: Database, iso2: str, listing: Listing, skip: int, limit: int, ahead: bool) -> Any:
    value = db.read(read_keyed, [_read(iso2, listing, skip, limit, ahead)])[0][iso2]
    return [row["node"]["code"] for row in rows_read(value, Page(listing, skip, limit), ahead)]


BY_DEFAULT = Listing(Link.COUNTRY_PROJECTS)
BY_CODE = Listing(Link.COUNTRY_PROJECTS, None, (Sort(Prop.PROJECT_CODE),))
BY_CODE_DESCENDING = Listing(Link.COUNTRY_PROJECTS, None, (Sort(Prop.PROJECT_CODE, True),))
CLOSED = Compare(Prop.PROJECT_STATUS, Op.EQ, "closed")


@pytest.mark.parametrize("ahead", [False, True])
@pytest.mark.parametrize(
    ("listing", "descending"), [(BY_DEFAULT, False), (BY_CODE, False), (BY_CODE_DESCENDING, True)]
)
def test_every_page_is_the_sorted_list_sliced(
    countries: Database, listing: Listing, descending: bool, ahead: bool
) -> None:
    for iso2, codes in (("ML", MALI), ("MR", MAURITANIA)):
        whole = sorted(codes, reverse=descending)
        for limit in (1, 5, 12, 40):
            for skip in range(0, len(whole) + 2, 3):
                found = page(countries, iso2, listing, skip, limit, ahead)
                assert found == whole[skip : skip + limit], (iso2, skip, limit)
    assert sorted(MALI)[:4] == ["0", "00", "1-a", "10"]
    assert sorted(MALI)[-3:] == ["ab/12", "z", "É-01"]


@pytest.mark.parametrize("ahead", [False, True])
def test_a_page_reads_only_the_index_entries_it_shows(countries: Database, ahead: bool) -> None:
    assert relationship_index_seeks(countries, _read("ML", BY_DEFAULT, 0, 5, ahead)) == 5
    assert relationship_index_seeks(countries, _read("ML", BY_CODE_DESCENDING, 10, 5, ahead)) == 15
    # a filter reads every project of the country: they are sorted, the index is not read
    filtered = Listing(Link.COUNTRY_PROJECTS, CLOSED)
    assert relationship_index_seeks(countries, _read("ML", filtered, 0, 5, ahead)) == 0
    assert page(countries, "ML", filtered, 0, 5, ahead) == [f"ML-{n:02d}" for n in range(5)]


def test_a_graph_written_without_sort_keys_gets_them_when_migrated(countries: Database) -> None:
    keys = (
        "MATCH (p:Project)-[r:IN_COUNTRY]->(k:Country) "
        "RETURN p.code AS code, k.iso2 AS iso2, r.sort_key AS key"
    )
    written = countries.read(run_list, keys)
    assert len(written) == len(MALI) + len(MAURITANIA) == 46
    assert all(row["key"] == f"{row['iso2']} {row['code']}" for row in written)

    countries.write(lambda tx: tx.run("MATCH ()-[r:IN_COUNTRY]->() REMOVE r.sort_key").consume())
    assert page(countries, "ML", BY_DEFAULT, 0, 5, False) == []  # what migrating repairs
    migrate(countries)
    assert sorted(countries.read(run_list, keys), key=str) == sorted(written, key=str)
    assert page(countries, "ML", BY_DEFAULT, 0, 5, False) == sorted(MALI)[:5]
