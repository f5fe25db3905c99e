"""Parameterised reads, batched by parent key, and combined so a request costs one query
per level of nesting.

Every navigation the API offers is a member of ``Link``: a fixed Cypher pattern from a
parent (bound to ``key``) to the nodes ``n`` it leads to (through relationship ``r``),
with the order its rows come in. Nothing from a request is ever spliced into Cypher: a
request picks a ``Link`` member and passes keys, offsets and limits as parameters.

Each read is a ``KeyedRead``: Cypher yielding ``key, value`` for the parent keys in
``$keys``. ``read_keyed`` runs any number of them as one statement, each in its own
subquery with its own parameter names, so the lists one level of a GraphQL query selects
(a project's countries, donors, documents …) cost one round trip, not one each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from operator import itemgetter
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from graph.filters import (
    Compiled,
    Filter,
    FilterError,
    Kind,
    Prop,
    Sort,
    compile_filter,
    compile_order,
)

Row = dict[str, Any]


_LEFT_OUT: LiteralString = (
    "search_titles: null, search_descriptions: null, source: null, loaded_at: toString(n.loaded_at)"
)
UNFETCHED: LiteralString = "transactions: null, " + _LEFT_OUT
"""How fetched nodes ``n`` differ from their stored properties. Left out: a project's raw
transactions, a third of its data, fetched only when asked (``transactions_read``, or
``nodes_read`` with ``transactions``); the search lists, which repeat the texts for the
full-text index; ``source``, which no field shows. ``loaded_at`` comes as ISO 8601 text:
the driver's DateTime hydration cost more than every other property together (75 of
150 ms for the benchmark's nested query)."""
WITH_TRANSACTIONS: LiteralString = "transactions: coalesce(n.transactions, '[]'), " + _LEFT_OUT
"""``UNFETCHED`` but for the raw transactions, as JSON text (``[]`` when there are none)."""


class NodeKind(Enum):
    """Node kinds fetched by key: (label, key property)."""

    PROJECT = ("Project", "code")
    COUNTRY = ("Country", "iso2")
    ORGANISATION = ("Organisation", "id")
    OFFICE = ("Office", "key")
    PROGRAMME = ("Programme", "key")
    COMPONENT = ("Component", "key")
    COOPERATION_PROGRAMME = ("CooperationProgramme", "key")
    SECTOR = ("Sector", "key")
    VIDEO = ("Video", "key")
    DOCUMENT = ("Document", "key")

    def __init__(self, label: LiteralString, key: LiteralString) -> None:
        self.label = label
        self.key = key


_PARENT = re.compile(r"MATCH \(:(\w+) \{\w+: key\}\)")
"""The start of a Link's pattern: its parent node's label, matched to ``key``."""
KEY_PROPERTIES: dict[str, LiteralString] = {kind.label: kind.key for kind in NodeKind}
"""Each label fetched by key, and its key property."""


class Link(Enum):
    """Navigations from a parent ``key`` to nodes ``n`` through relationship ``r``.

    Each value is (MATCH clauses binding n and r, ORDER BY expression). Lists of distinct
    nodes reached by several relationships bind ``r`` to null.
    """

    PROJECT_COUNTRIES = (
        "MATCH (:Project {code: key})-[r:IN_COUNTRY]->(n:Country)",
        "n.name",
        Kind.COUNTRY,
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
        Kind.SECTOR,
    )
    PROJECT_VIDEOS = (
        "MATCH (:Project {code: key})-[r:HAS_VIDEO]->(n:Video)",
        "r.position",
        Kind.VIDEO,
    )
    PROJECT_DOCUMENTS = (
        "MATCH (:Project {code: key})-[r:HAS_DOCUMENT]->(n:Document)",
        "r.position",
        Kind.DOCUMENT,
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
        Kind.PROJECT,
    )
    DONOR_PROJECTS = (
        "MATCH (:Organisation {id: key})-[:CONTRIBUTES_TO]->(n:Project) WITH DISTINCT n, null AS r",
        "n.code",
        Kind.PROJECT,
    )
    ORGANISATION_PARTICIPATIONS = (
        "MATCH (:Organisation {id: key})-[:PARTICIPATES_IN]->(n:Project) "
        "WITH DISTINCT n, null AS r",
        "n.code",
        Kind.PROJECT,
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
        Kind.PROJECT,
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
        Kind.PROJECT,
    )
    SECTOR_PROJECTS = (
        "MATCH (:Sector {key: key})<-[r:IN_SECTOR]-(n:Project)",
        "n.code",
        Kind.PROJECT,
    )
    PIC_PROJECTS = (
        "MATCH (:CooperationProgramme {key: key})<-[r:UNDER]-(n:Project)",
        "n.code",
        Kind.PROJECT,
    )
    VIDEO_PROJECT = (
        "MATCH (:Video {key: key})<-[r:HAS_VIDEO]-(n:Project)",
        "n.code",
    )
    DOCUMENT_PROJECT = (
        "MATCH (:Document {key: key})<-[r:HAS_DOCUMENT]-(n:Project)",
        "n.code",
    )
    PROGRAMME_PROJECTS = (
        "MATCH (:Programme {key: key})<-[:PART_OF]-(:Component)<-[:IMPLEMENTS]-(n:Project) "
        "WITH DISTINCT n, null AS r",
        "n.code",
        Kind.PROJECT,
    )
    DONOR_CONTRIBUTIONS = (
        "MATCH (:Organisation {id: key})-[r:CONTRIBUTES_TO]->(n:Project)",
        "n.code, r.position",
        Kind.PROJECT,
        Kind.CONTRIBUTION,
    )
    # Every node has its key; saying so lets Neo4j read the key's index in order instead
    # of sorting every node (a page of all projects: 65 ms -> 12 ms on 28k projects).
    ALL_VIDEOS = ("MATCH (n:Video) WHERE n.key IS NOT NULL WITH n, null AS r", "n.key", Kind.VIDEO)
    ALL_DOCUMENTS = (
        "MATCH (n:Document) WHERE n.key IS NOT NULL WITH n, null AS r",
        "n.key",
        Kind.DOCUMENT,
    )
    ALL_DONORS = ("MATCH (n:Donor) WITH n, null AS r", "n.name, n.id", Kind.ORGANISATION)
    ALL_PROJECTS = (
        "MATCH (n:Project) WHERE n.code IS NOT NULL WITH n, null AS r",
        "n.code",
        Kind.PROJECT,
    )
    ALL_COUNTRIES = ("MATCH (n:Country) WITH n, null AS r", "n.name", Kind.COUNTRY)

    def __init__(
        self,
        match: LiteralString,
        order: LiteralString,
        kind: Kind | None = None,
        edge: Kind | None = None,
    ) -> None:
        self.match = match
        self.order = order
        self.kind = kind
        self.edge = edge
        parent = _PARENT.match(match)
        self._parent_key = None if parent is None else KEY_PROPERTIES[parent.group(1)]
        # the same pattern from a bound ``parent`` node: no index seek by key
        self._from_parent = None if parent is None else "MATCH (parent)" + match[parent.end() :]

    @property
    def shown(self) -> LiteralString | None:
        """The properties of ``r`` that fields show, as a map (``None`` when none do:
        rows then carry no link at all).

        Rows carry no other relationship property: reading every property of 8,000
        relationships (their load bookkeeping included) took a third of the nested
        benchmark query's statement.
        """
        return _SHOWN.get(self)

    @property
    def parent_key(self) -> LiteralString:
        """The key property of the parent node, which the pattern matches to ``key``."""
        if self._parent_key is None:
            raise ValueError(f"{self.name} starts from no parent node")
        return self._parent_key

    def matching(self, where: Filter | None, from_parent: bool = False) -> Compiled:
        """The link's MATCH narrowed by ``where``, binding ``n`` and ``r``: from the parent
        with key ``key``, or, ``from_parent``, from the parent node bound as ``parent``."""
        pattern = self.match
        if from_parent:
            if self._from_parent is None:
                raise ValueError(f"{self.name} starts from no parent node")
            pattern = self._from_parent
        if where is None:
            return Compiled(pattern)
        if self.kind is None:
            raise FilterError(f"{self.name} cannot be filtered")
        condition = compile_filter(where, self.kind)
        return Compiled(pattern + " WITH n, r WHERE " + condition.cypher, condition.parameters)

    def ordering(self, order: tuple[Sort, ...]) -> LiteralString:
        """ORDER BY keys: ``order``, then the link's own order, which breaks ties."""
        kinds = {kind: var for kind, var in ((self.kind, "n"), (self.edge, "r")) if kind}
        return compile_order(order, kinds, self.order)


_AMOUNTS: LiteralString = "r {.currency, .amount, .committed, .disbursed, .spent}"
_SHOWN: dict[Link, LiteralString] = {
    Link.PROJECT_COUNTRIES: "r {.percentage}",
    Link.PROJECT_REGIONS: "r {.percentage}",
    Link.PROJECT_CONTRIBUTIONS: _AMOUNTS,
    Link.DONOR_CONTRIBUTIONS: _AMOUNTS,
    Link.PROJECT_PARTICIPANTS: "r {.role}",
    Link.PROJECT_RELATED: "r {.type}",
    Link.PROJECT_COMPONENT: "r {.position}",
    Link.PROGRAMME_COMPONENTS: "r {.position}",
}
"""What ``Link.shown`` gives: the relationship properties fields show."""

ALL = ""
"""The parent key of top-level lists (``Link.ALL_*``), which have no parent."""


@dataclass(frozen=True)
class KeyedRead:
    """Cypher yielding rows ``key, value`` for the parent keys in ``$keys``, and its
    parameters. Values are never spliced into the text: every ``$`` is a parameter."""

    cypher: LiteralString
    parameters: dict[str, Any] = field(default_factory=dict)
    alone: bool = False
    """Run in a statement of its own: a read that scans much of the graph (an aggregate)
    runs on another core than its neighbours, rather than after them."""


def read_keyed(tx: ManagedTransaction, reads: Sequence[KeyedRead]) -> list[dict[str, Any]]:
    """Each read's values by parent key (missing keys are absent), read in one statement.

    Neo4j plans each new statement text once (about a second for ten subqueries on the
    benchmark machine) and caches the plan, so the subqueries go in the order of their
    text: the same reads asked for in another order make the same statement.
    """
    if len(reads) == 1:
        result = tx.run(reads[0].cypher, reads[0].parameters)
        return [{record["key"]: record["value"] for record in result}]
    order = sorted(range(len(reads)), key=lambda index: reads[index].cypher)
    values = _read_together(tx, [reads[index] for index in order])
    by_position = dict(zip(order, values, strict=True))
    return [by_position[index] for index in range(len(reads))]


def _read_together(tx: ManagedTransaction, reads: Sequence[KeyedRead]) -> list[dict[str, Any]]:
    query: LiteralString = ""
    parameters: dict[str, Any] = {}
    columns: list[LiteralString] = []
    for position, read in enumerate(reads):
        name = "r" + str(position)
        subquery = _renamed(Compiled(read.cypher, read.parameters), name)
        query += (
            "CALL () { " + subquery.cypher + " } "
            "WITH " + "".join(column + ", " for column in columns)
            + "collect([key, value]) AS " + name + " "
        )  # fmt: skip
        parameters |= subquery.parameters
        columns.append(name)
    record = tx.run(query + "RETURN " + ", ".join(columns), parameters).single(strict=True)
    return [dict(record[column]) for column in columns]


_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _renamed(compiled: Compiled, prefix: LiteralString) -> Compiled:
    """``compiled`` with each parameter ``$x`` renamed ``$<prefix>_x``, in its text and
    its parameters alike, so that subqueries of one statement keep their own values."""
    cypher = _PARAMETER.sub(lambda found: "$" + prefix + "_" + found.group(1), compiled.cypher)
    parameters = {prefix + "_" + name: value for name, value in compiled.parameters.items()}
    return Compiled(cypher, parameters)


def nodes_read(
    kind: NodeKind, keys: Sequence[str], ahead: tuple[Ahead, ...] = (), transactions: bool = False
) -> KeyedRead:
    """For each key, the values of the node of ``kind`` with that key: its properties (a
    project's raw transactions too, with ``transactions``) and its pages read ahead, all
    in one statement; ``node_row`` makes them a row."""
    calls, columns = _ahead_calls(ahead, "key, n, r")
    query = (
        "UNWIND $keys AS key MATCH (n:" + kind.label + " {" + kind.key + ": key}) "
        "WITH key, n, null AS r " + calls.cypher
        + "RETURN key, [" + ", ".join([_node_values(None, transactions), *columns]) + "] AS value"
    )  # fmt: skip
    return KeyedRead(query, {**calls.parameters, "keys": list(keys)})


@dataclass(frozen=True)
class Listing:
    """What one connection lists: a link, narrowed and ordered. Hashable: it keys loaders."""

    link: Link
    where: Filter | None = None
    order: tuple[Sort, ...] = ()


WHOLE_LIST = 1000
"""The most rows a plain (unpaged) list field reads for one parent."""


@dataclass(frozen=True)
class Page:
    """What a list field reads for each parent: rows ``skip`` to ``skip + limit`` of a
    listing, and with ``more`` the row after them, which tells whether more follow.
    Hashable: it keys loaders and the rows read ahead (``Ahead``)."""

    listing: Listing
    skip: int = 0
    limit: int = WHOLE_LIST
    more: bool = False
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        # hashed once: every object read ahead is looked up by the pages it holds, and a
        # dataclass hashes its fields (the listing's filter and order) on every lookup
        key = (self.listing, self.skip, self.limit, self.more)
        object.__setattr__(self, "_hash", hash(key))

    def __hash__(self) -> int:
        return self._hash

    @property
    def read(self) -> int:
        """How many rows it reads for each parent."""
        return self.limit + 1 if self.more else self.limit


Properties = tuple[LiteralString, ...]
"""Node properties a read returns, by name: fixed names from the schema's tables."""


@dataclass(frozen=True)
class Ahead:
    """A page read ahead: in the statement that reads its parents, for each parent row,
    with the pages to read ahead for its own rows."""

    page: Page
    within: tuple[Ahead, ...] = ()
    properties: Properties | None = None
    """The node properties the rows carry (``None``: all that ``UNFETCHED`` leaves)."""
    counted: bool = False
    """Whether the rows come with the total of their listing (``CountedRows``)."""
    link: bool = True
    """Whether the rows carry the relationship properties fields show (``Link.shown``):
    not for a contribution's donor alone, which shows none of the amounts."""


class CountedRows(list[Row]):
    """The rows of a page read ahead, and how many rows its whole listing has."""

    def __init__(self, rows: list[Row], total: int) -> None:
        super().__init__(rows)
        self.total = total


def links_read(
    page: Page,
    keys: Sequence[str],
    ahead: tuple[Ahead, ...] = (),
    properties: Properties | None = None,
) -> KeyedRead:
    """For each parent key, rows ``{node, link}`` of ``page``, in order, each node with
    ``properties`` (``None``: all but the ``UNFETCHED`` ones); each row also has
    ``nested``, its pages read ahead, when ``ahead`` names any; they come as values, which
    ``link_rows`` makes rows."""
    rows = _rows_query(page, ahead, properties)
    query = "UNWIND $keys AS key CALL (key) { " + rows.cypher + " } RETURN key, rows AS value"
    return KeyedRead(query, {**rows.parameters, "keys": list(keys)})


def _rows_query(
    page: Page,
    ahead: tuple[Ahead, ...],
    properties: Properties | None = None,
    from_parent: bool = False,
    with_link: bool = True,
) -> Compiled:
    """Cypher from a parent ``key`` to ``rows``: one page, each row with its pages ahead.

    Each page ahead is a subquery from the row's node, with its parameters renamed after
    its position. The innermost subquery imports that node alone, as ``parent``, so its
    Link's pattern binds ``n`` and ``r`` afresh: in one that imports ``n``, ``(n:Label)``
    would silently match the outer ``n`` again, even after a WITH that drops it.
    Starting from the node rather than its key saved a fifth of the nested benchmark
    query's statement (an index seek per row).
    """
    link = page.listing.link
    matching = (
        _by_amount(page, from_parent)
        or _by_country_sort_key(page, from_parent)
        or link.matching(page.listing.where, from_parent)
    )
    query = (
        matching.cypher + " WITH n, r ORDER BY " + link.ordering(page.listing.order)
        + " SKIP $skip LIMIT $limit "
    )  # fmt: skip
    rows = _rows_collected(link, ahead, properties, with_link)
    parameters = {**matching.parameters, "skip": page.skip, "limit": page.read}
    return Compiled(query + rows.cypher, {**parameters, **rows.parameters})


def counted_links_read(
    page: Page,
    keys: Sequence[str],
    ahead: tuple[Ahead, ...] = (),
    properties: Properties | None = None,
) -> KeyedRead:
    """``links_read`` and ``counts_read`` in one pass over a filtered listing from a
    parent: for each parent key, ``{total, rows}`` (see ``_counted_rows_query``)."""
    counted = _counted_rows_query(page, ahead, properties)
    query = (
        "UNWIND $keys AS key CALL (key) { " + counted.cypher + " RETURN total, rows } "
        "RETURN key, {total: total, rows: rows} AS value"
    )
    return KeyedRead(query, {**counted.parameters, "keys": list(keys)})


def counted_in_one_pass(listing: Listing, root: bool = False) -> bool:
    """Whether a page of ``listing`` and its total are read in one pass
    (``_counted_rows_query``): when it is a parent's listing (not a ``root`` one), and
    filtered."""
    return listing.where is not None and not root


def _counted_rows_query(
    page: Page,
    ahead: tuple[Ahead, ...],
    properties: Properties | None = None,
    from_parent: bool = False,
    with_link: bool = True,
) -> Compiled:
    """Cypher from a parent to ``total`` and ``rows`` (as ``_rows_query``'s), when its
    listing is filtered: in one pass, sorted whole and sliced.

    A filter reads every row of the list, for the count and again for the page: listed
    once, sorted whole and sliced, the benchmark's country page with its total took 28 ms
    instead of 37. That trades a partial sort for a whole one, which pays while the list
    is one parent's links (thousands of rows) but not over a whole label: 100k projects
    with a cheap filter took 364 ms against 159 counted and paged apart, and a list
    collected whole grows with the graph. Root lists, and listings without a filter
    (whose count comes from the node's degree or the count store), count apart
    (``counts_read``, or a count subquery beside a page read ahead).
    """
    listing = page.listing
    matching = listing.link.matching(listing.where, from_parent)
    rows = _rows_collected(listing.link, ahead, properties, with_link)
    query = (
        matching.cypher + " WITH n, r ORDER BY " + listing.link.ordering(listing.order)
        # only references are listed; the slice alone is kept, so that no row carries
        # the whole list (the transaction's memory counts it again for every row)
        + " WITH collect({n: n, r: r}) AS listed"
        + " WITH size(listed) AS total, listed[$skip..$skip + $limit] AS paged"
        + " CALL (paged) { UNWIND paged AS row WITH row.n AS n, row.r AS r "
        + rows.cypher + " } "
    )  # fmt: skip
    parameters = {**matching.parameters, "skip": page.skip, "limit": page.read}
    return Compiled(query, {**parameters, **rows.parameters})


def _rows_collected(
    link: Link, ahead: tuple[Ahead, ...], properties: Properties | None, with_link: bool
) -> Compiled:
    """From rows ``n, r`` in order, ``rows``: each the values ``[node, link, page…]``, the
    link only where fields show some of it and ``with_link``, and its pages ahead
    (``_ahead_calls``). ``link_rows`` makes them rows."""
    calls, columns = _ahead_calls(ahead, "n, r")
    parts = [_node_values(properties), _carried(link, with_link), *columns]
    values = ", ".join(part for part in parts if part)  # no property may be selected
    return Compiled(calls.cypher + "RETURN collect([" + values + "]) AS rows", calls.parameters)


def _by_amount(page: Page, from_parent: bool = False) -> Compiled | None:
    """For a page of a donor's contributions ordered by amount (and not filtered): the
    clauses binding ``n`` and ``r`` to the contributions the page can hold (from the donor
    with key ``key``, or bound as ``parent``), found through
    the index on amounts when that reads less than sorting them all would.

    Sorting a donor's every contribution for each page took 65-95 ms for the 28,000 of
    the benchmark's top donor. Instead, the donor's first ``skip + limit`` amounts in
    index order give a bound, and only contributions within it are sorted. The index
    is used when the donor has ``d`` of the ``t`` contributions and ``d² > (skip +
    limit) · t``: reaching that many of the donor's amounts scans about ``(skip +
    limit) · t / d`` index entries, fewer than the ``d`` a sort reads. Otherwise, or
    when the page reaches contributions without an amount (last in either direction,
    and not in the index), every contribution is sorted as before.
    """
    listing = page.listing
    if listing.link is not Link.DONOR_CONTRIBUTIONS or listing.where is not None:
        return None
    if not listing.order or listing.order[0].prop is not Prop.CONTRIBUTION_AMOUNT:
        return None
    return Compiled(_BY_AMOUNT[listing.order[0].descending, from_parent])


def _amount_bounded(
    direction: LiteralString, within: LiteralString, donor: LiteralString
) -> LiteralString:
    # The index is sought from a bound every amount passes, or none does when sorting is
    # cheaper: a guard in a WHERE would be planned after the scan, not before it. The hint
    # says SEEK: with INDEX alone the planner may scan the whole index in amount order,
    # filtered by donor and bound (it did from a parent node read ahead, and at times by
    # key), which reads every entry when no amount passes the bound.
    every, none = ("-1.0e308", "1.0e308") if direction == "DESC" else ("1.0e308", "-1.0e308")
    # The page's last amount, as an aggregate: a list of them would be counted again in
    # each sorted row's memory (a page at offset 5,000 ran out of it).
    last: LiteralString = "min" if direction == "DESC" else "max"
    return (
        donor + " WITH d, CASE WHEN COUNT { (d)-[:CONTRIBUTES_TO]->() } ^ 2 "
        "> ($skip + $limit) * COUNT { ()-[:CONTRIBUTES_TO]->() } "
        "THEN " + every + " ELSE " + none + " END AS start "
        "CALL (d, start) { "
        "MATCH (d)-[r:CONTRIBUTES_TO]->(:Project) USING INDEX SEEK r:CONTRIBUTES_TO(amount) "
        "WHERE r.amount " + within + " start "
        "WITH r ORDER BY r.amount " + direction + " LIMIT $skip + $limit "
        "WITH " + last + "(r.amount) AS last, count(r) AS found "
        "RETURN CASE WHEN found = $skip + $limit THEN last END AS bound "
        "} "
        "CALL (d, bound) { "
        "WITH d, bound WHERE bound IS NOT NULL "
        "MATCH (d)-[r:CONTRIBUTES_TO]->(n:Project) USING INDEX SEEK r:CONTRIBUTES_TO(amount) "
        "WHERE r.amount " + within + " bound "
        "RETURN n, r "
        "UNION ALL "
        "WITH d, bound WHERE bound IS NULL "
        "MATCH (d)-[r:CONTRIBUTES_TO]->(n:Project) "
        "RETURN n, r "
        "}"
    )


_BY_KEY: LiteralString = "MATCH (d:Organisation {id: key})"
_FROM_PARENT: LiteralString = "WITH parent AS d"
_BY_AMOUNT: dict[tuple[bool, bool], LiteralString] = {
    (True, False): _amount_bounded("DESC", ">=", _BY_KEY),
    (False, False): _amount_bounded("ASC", "<=", _BY_KEY),
    (True, True): _amount_bounded("DESC", ">=", _FROM_PARENT),
    (False, True): _amount_bounded("ASC", "<=", _FROM_PARENT),
}
"""The clauses of ``_by_amount``, by (descending, from the parent node)."""


def _by_country_sort_key(page: Page, from_parent: bool = False) -> Compiled | None:
    """For a page of a country's projects in code order (and not filtered): the clauses
    binding ``n`` and ``r`` to the first ``skip + limit`` of them, read in order from the
    index on ``IN_COUNTRY.sort_key`` (``graph.migrations.COUNTRY_SORT_KEY``).

    Sorting every project of each of 20 countries (45,000 in all) for their first 20 took
    75 ms of the nested benchmark query; read in index order, 5 ms. A country's keys are
    its ISO code, a space and each project's code: they lie between ``"ML "`` and
    ``"ML!"``, in the order of the codes.
    """
    listing = page.listing
    if listing.link is not Link.COUNTRY_PROJECTS or listing.where is not None:
        return None
    if listing.order not in ((), (Sort(Prop.PROJECT_CODE),), (Sort(Prop.PROJECT_CODE, True),)):
        return None
    descending = any(sort.descending for sort in listing.order)
    return Compiled(_BY_COUNTRY_SORT_KEY[descending, from_parent])


def _country_sort_key_ordered(descending: bool, from_parent: bool) -> LiteralString:
    country, iso2 = (
        ("(parent)", "parent.iso2") if from_parent else ("(:Country {iso2: key})", "key")
    )
    # the pattern names the country, so the range only bounds what is read: another
    # country's keys inside it (none, while ISO codes hold no space) would match nothing
    return (
        "MATCH " + country + "<-[r:IN_COUNTRY]-(n:Project) "
        "USING INDEX SEEK r:IN_COUNTRY(sort_key) "
        "WHERE r.sort_key >= " + iso2 + " + ' ' AND r.sort_key < " + iso2 + " + '!' "
        "WITH n, r ORDER BY r.sort_key " + ("DESC" if descending else "ASC") + " "
        "LIMIT $skip + $limit"
    )


_BY_COUNTRY_SORT_KEY: dict[tuple[bool, bool], LiteralString] = {
    (descending, from_parent): _country_sort_key_ordered(descending, from_parent)
    for descending in (False, True)
    for from_parent in (False, True)
}
"""The clauses of ``_by_country_sort_key``, by (descending, from the parent node)."""


def _ahead_calls(
    ahead: tuple[Ahead, ...], carried: LiteralString
) -> tuple[Compiled, list[LiteralString]]:
    """A subquery per page of ``ahead`` from the node ``n``, each binding its rows to a
    column (``_ahead_column``) and carrying the variables ``carried``; and the columns,
    which follow the node (and link) in a row's values. A counted page's column holds
    ``{total, rows}``."""
    query: LiteralString = ""
    parameters: dict[str, Any] = {}
    columns: list[LiteralString] = []
    for position, inner in enumerate(ahead):
        name = _ahead_column(position)
        subquery = _renamed(_ahead_query(inner), name)
        query += (
            "CALL (n) { WITH n AS parent " + subquery.cypher + " } "
            "WITH " + carried + ", " + "".join(column + ", " for column in columns)
            + "rows AS " + name + " "
        )  # fmt: skip
        parameters |= subquery.parameters
        columns.append(name)
    return Compiled(query, parameters), columns


def _ahead_query(ahead: Ahead) -> Compiled:
    """Cypher from the node bound as ``parent`` to ``rows``: the page's rows, or for a
    counted page ``{total, rows}``."""
    page = ahead.page
    if not ahead.counted:
        rows = _rows_query(page, ahead.within, ahead.properties, True, ahead.link)
        return Compiled("CALL (parent) { " + rows.cypher + " } RETURN rows", rows.parameters)
    if counted_in_one_pass(page.listing):
        counted = _counted_rows_query(page, ahead.within, ahead.properties, True, ahead.link)
        return Compiled(
            "CALL (parent) { " + counted.cypher + " RETURN total, rows } "
            "RETURN {total: total, rows: rows} AS rows",
            counted.parameters,
        )
    rows = _rows_query(page, ahead.within, ahead.properties, True, ahead.link)
    matching = page.listing.link.matching(None, from_parent=True)
    return Compiled(
        "CALL (parent) { " + rows.cypher + " } "
        "CALL (parent) { " + matching.cypher + " RETURN count(*) AS total } "
        "RETURN {total: total, rows: rows} AS rows",
        rows.parameters,
    )


def _node_values(properties: Properties | None, transactions: bool = False) -> LiteralString:
    """What a row carries of ``n``: with ``properties`` (fixed names from the schema's
    tables, never from a request), their values, one column each, in that order; without,
    a map of every property but the ``UNFETCHED`` ones (a project's raw transactions
    included, with ``transactions``).

    Values rather than a map ``n {.code}``: the keys of 3,000 small maps took an eighth of
    the nested benchmark query's statement, read and decoded."""
    if properties is None:
        return "n {.*, " + (WITH_TRANSACTIONS if transactions else UNFETCHED) + "}"
    return ", ".join(
        "toString(n.loaded_at)" if name == "loaded_at" else "n." + name for name in properties
    )


def _ahead_column(position: int) -> LiteralString:
    """The name a row's page ahead at ``position`` has in the statement and its rows."""
    return "a" + str(position)


def link_rows(
    values: list[list[Any]],
    link: Link,
    ahead: tuple[Ahead, ...] = (),
    with_link: bool = True,
    properties: Properties | None = None,
) -> list[Row]:
    """The rows ``links_read`` returned as values (for each parent key), as
    ``{node, link, nested}``: ``node`` the node's ``properties`` by name (all it has
    without), ``link`` the properties of ``r`` fields show (``None`` when none do),
    ``nested`` its pages read ahead, by ``Page`` (nested in turn).

    Rows come as lists, ``[value… or node map, link?, page…]``: a map per row, with keys
    and a null link where nothing is shown, took a fifth of the nested benchmark query's
    statement."""
    return _link_reader(link, ahead, with_link, properties)(values)


def node_row(values: list[Any], ahead: tuple[Ahead, ...] = ()) -> Row:
    """The row ``nodes_read`` returned as a value, as ``{node, link, nested}``."""
    return _reader(None, False, ahead)([values])[0]


RowReader = Callable[[list[list[Any]]], list[Row]]
"""Rows from the values a statement returned for them."""


def _link_reader(
    link: Link, ahead: tuple[Ahead, ...], with_link: bool, properties: Properties | None
) -> RowReader:
    """The reader of rows by ``link``, which carry its shown properties where it shows
    some and ``with_link`` (as ``_rows_collected`` writes them)."""
    return _reader(properties, _carried(link, with_link) is not None, ahead)


def _carried(link: Link, with_link: bool) -> LiteralString | None:
    """What rows by ``link`` carry of it: the properties fields show, when ``with_link``
    (``None``: nothing, not even a null)."""
    return link.shown if with_link else None


def _reader(properties: Properties | None, with_link: bool, ahead: tuple[Ahead, ...]) -> RowReader:
    """How rows of one layout are read: made once per statement, with its pages' readers,
    rather than once per parent (1,300 times for the nested benchmark query)."""
    node = _node_of(properties)
    width = 1 if properties is None else len(properties)
    if not ahead:
        if with_link:
            return lambda values: [{"node": node(row), "link": row[width]} for row in values]
        return lambda values: [{"node": node(row), "link": None} for row in values]
    link = width if with_link else None
    pages = [
        (inner.page, column, _page_reader(inner))
        for column, inner in enumerate(ahead, width + (1 if with_link else 0))
    ]
    return lambda values: [
        {
            "node": node(row),
            "link": None if link is None else row[link],
            "nested": {page: read(row[column]) for page, column, read in pages},
        }
        for row in values
    ]


def _page_reader(ahead: Ahead) -> Callable[[Any], list[Row]]:
    """How the column of a page read ahead is read: its rows, with their total if
    counted."""
    read = _link_reader(ahead.page.listing.link, ahead.within, ahead.link, ahead.properties)
    if ahead.counted:
        return lambda column: CountedRows(read(column["rows"]), column["total"])
    return read


_NODE_MAP = itemgetter(0)
"""A row's node when it comes as a map: its first value."""


def _node_of(properties: Properties | None) -> Callable[[list[Any]], Row]:
    """How a row's node is made: its map, or its ``properties`` by name from their
    values (the row's link and pages follow them: zip stops at the last name)."""
    if properties is None:
        return _NODE_MAP
    if len(properties) == 1:  # as in most pages read ahead: an eighth of zip's time
        name = properties[0]
        return lambda row: {name: row[0]}
    return lambda row: dict(zip(properties, row, strict=False))


def counts_read(listing: Listing, keys: Sequence[str]) -> KeyedRead:
    """For each parent key, how many rows ``listing`` has."""
    matching = listing.link.matching(listing.where)
    query = (
        "UNWIND $keys AS key CALL (key) { " + matching.cypher
        + " RETURN count(*) AS total } RETURN key, total AS value"
    )  # fmt: skip
    return KeyedRead(query, {**matching.parameters, "keys": list(keys)})


def transactions_read(codes: Sequence[str]) -> KeyedRead:
    """The raw transactions (JSON text) of the projects with these codes."""
    return KeyedRead(
        "UNWIND $keys AS key MATCH (n:Project {code: key}) RETURN key, n.transactions AS value",
        {"keys": list(codes)},
    )
