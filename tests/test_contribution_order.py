"""A donor's contributions by amount: read through the index on amounts for a donor with
many of them, sorted whole otherwise; the pages must be the same either way, read by the
donor's key (the loaders) or ahead from the donor's node (look-ahead)."""

from __future__ import annotations

from typing import Any

import pytest
from query_plans import relationship_index_seeks
from test_country_order import rows_read

from graph.connection import Database
from graph.filters import Prop, Sort
from graph.project_writes import write_projects
from graph.reads import (
    Ahead,
    KeyedRead,
    Link,
    Listing,
    NodeKind,
    Page,
    links_read,
    nodes_read,
    read_keyed,
)
from loaders.records import Contribution, Money, OrganisationRef, ProjectRecord
from loaders.resolve import resolve

BIG = OrganisationRef(name="Big donor", ref="XM-BIG")
SMALL = OrganisationRef(name="Small donor", ref="XM-SMALL")

# Big gives to 40 projects: 30 amounts, many tied, one negative (a reversal), and 10
# without an amount. Small gives to 10 of them. Of 50 contributions, Big has 40: the
# index serves pages ending before 32 (40² > 31 · 50) that hold no missing amount.
AMOUNTS: list[float | None] = [
    None if n % 4 == 3 else (-250.0 if n == 9 else float((n * 7) % 5) * 1000) for n in range(40)
]


def _project(n: int) -> ProjectRecord:
    amount = AMOUNTS[n]
    big = Contribution(
        donor=BIG, amount=None if amount is None else Money(amount=amount, currency="EUR")
    )
    small = Contribution(donor=SMALL, amount=Money(amount=float(n), currency="EUR"))
    return ProjectRecord(
        code=f"AM-{n:02d}",
        language="en",
        source="amounts",
        title=f"Project {n}",
        contributions=(big, small) if n < 10 else (big,),
    )


@pytest.fixture(scope="module")
def donors(session_db: Database) -> Database:
    session_db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    write_projects(session_db, [resolve(_project(n)) for n in range(40)])
    return session_db


def expected(descending: bool) -> list[tuple[str, float | None]]:
    """Big's contributions as the API orders them: missing amounts last, then by code."""
    known = [(f"AM-{n:02d}", a) for n, a in enumerate(AMOUNTS) if a is not None]
    missing = [(f"AM-{n:02d}", None) for n, a in enumerate(AMOUNTS) if a is None]
    known.sort(key=lambda row: (-row[1] if descending else row[1], row[0]))
    return [*known, *missing]


def _page(descending: bool, skip: int, limit: int) -> Page:
    listing = Listing(Link.DONOR_CONTRIBUTIONS, None, (Sort(Prop.CONTRIBUTION_AMOUNT, descending),))
    return Page(listing, skip, limit)


def _read(descending: bool, skip: int, limit: int, ahead: bool) -> KeyedRead:
    """Big's page of contributions: by its key, or ahead of its node (in column a0)."""
    page = _page(descending, skip, limit)
    if ahead:
        return nodes_read(NodeKind.ORGANISATION, ["XM-BIG"], (Ahead(page),))
    return links_read(page, ["XM-BIG"])


def page(db: Database, descending: bool, skip: int, limit: int, ahead: bool) -> list[Any]:
    value = db.read(read_keyed, [_read(descending, skip, limit, ahead)])[0]["XM-BIG"]
    rows = rows_read(value, _page(descending, skip, limit), ahead)
    return [(row["node"]["code"], row["link"]["amount"]) for row in rows]


@pytest.mark.parametrize("ahead", [False, True])
@pytest.mark.parametrize("descending", [True, False])
def test_every_page_is_the_sorted_list_sliced(
    donors: Database, descending: bool, ahead: bool
) -> None:
    whole = expected(descending)
    assert len(whole) == 40 and whole[-10:][0][1] is None
    for limit in (1, 5, 12, 40):
        for skip in range(0, 41, 3):
            assert page(donors, descending, skip, limit, ahead) == whole[skip : skip + limit], (
                skip,
                limit,
            )


def _seeks(db: Database, descending: bool, skip: int, limit: int, ahead: bool) -> int:
    """Rows the index seeks on amounts produced for one page (PROFILE); the index is
    never scanned whole."""
    return relationship_index_seeks(db, _read(descending, skip, limit, ahead))


@pytest.mark.parametrize("ahead", [False, True])
def test_the_index_serves_only_pages_it_makes_cheaper(donors: Database, ahead: bool) -> None:
    assert _seeks(donors, True, 10, 5, ahead) > 0
    assert _seeks(donors, False, 0, 5, ahead) > 0
    # 32 · 50 > 40²: the donor's whole list is sorted, the index is not read
    assert _seeks(donors, True, 30, 2, ahead) == 0
