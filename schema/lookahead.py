"""Look-ahead: the links a selection will follow, read in the statement of their parents.

When a list field reads its rows, it also reads, for each row and in the same statement,
the pages the row's selected link fields will ask for (``graph.reads.Ahead``), down
every level where that is possible, with only the node properties the selection needs.
Those fields then answer at once from their object instead of awaiting a batched
loader: fewer statements, and no coroutine, future and task per object.

A list field is read ahead when its arguments cannot change what it reads (``lang``); a
connection when it selects no ``aggregate``: its filter, order and cursor, from its
arguments converted as its resolver gets them (``schema.selection``), make the page the
resolver then looks for, and a selected ``totalCount`` is counted in the same
statement. Anything else (a cursor under several parents, ``aggregate``, arguments that
do not convert) goes through the loaders, which read ahead below it in turn; so do the
link fields of nodes many parents share (``SHARED``), unless their parent is one node.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Any, LiteralString, TypeAlias, TypeVar

from strawberry.types import Info

from graph.filters import FilterError
from graph.reads import KEY_PROPERTIES, WHOLE_LIST, Ahead, Link, Listing, Page, Properties
from schema.errors import UserError
from schema.order import to_sorts
from schema.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, asks_more, cursor_offset
from schema.selection import Selected, Selection
from schema.where import to_filter

T = TypeVar("T")
U = TypeVar("U")

Later: TypeAlias = T | Awaitable[T]
"""A value now, when it was read ahead, or one to await. Resolvers that may return an
awaitable without being ``async`` say so with this annotation: ``schema.execution``
completes the others in line."""


def then(value: Later[T], use: Callable[[T], U]) -> Later[U]:
    """``use(value)``: at once when ``value`` is at hand, else once it is awaited."""
    if inspect.isawaitable(value):
        awaitable = value

        async def later() -> U:
            return use(await awaitable)

        return later()
    return use(value)


class Shape(Enum):
    """How a link field shows its rows."""

    LIST = "a list of every row"
    ONE = "the first row, or null"
    CONNECTION = "a page of rows (first, after) with edges and totalCount"


@dataclass(frozen=True)
class Follow:
    """A link field: the link it follows, how it shows the rows, and the GraphQL type of
    the objects the rows' nodes become when their own link fields may be read ahead too;
    with ``through``, each row is an object showing its node as a ``to`` in the field of
    that name (a contribution's ``donor``)."""

    link: Link
    shape: Shape
    to: str | None = None
    through: str | None = None

    @cached_property
    def whole(self) -> Page:
        """The page a list or single-object field reads (made once: resolvers ask for it
        on every object)."""
        return Page(Listing(self.link), 0, 1 if self.shape is Shape.ONE else WHOLE_LIST)


_L, _1, _C = Shape.LIST, Shape.ONE, Shape.CONNECTION

FOLLOWS: dict[str, dict[str, Follow]] = {
    "Project": {
        "countries": Follow(Link.PROJECT_COUNTRIES, _L, "Country"),
        "recipientCountries": Follow(Link.PROJECT_COUNTRIES, _L, "Country", "country"),
        "office": Follow(Link.PROJECT_OFFICE, _1, "Office"),
        "contributions": Follow(Link.PROJECT_CONTRIBUTIONS, _L, "Organisation", "donor"),
        "participants": Follow(Link.PROJECT_PARTICIPANTS, _L, "Organisation", "organisation"),
        "regions": Follow(Link.PROJECT_REGIONS, _L),
        "locations": Follow(Link.PROJECT_LOCATIONS, _L),
        "relatedActivities": Follow(Link.PROJECT_RELATED, _L),
        "programme": Follow(Link.PROJECT_PROGRAMME, _1, "Programme"),
        "component": Follow(Link.PROJECT_COMPONENT, _1, "Component"),
        "cooperationProgramme": Follow(Link.PROJECT_PIC, _1, "CooperationProgramme"),
        "sectors": Follow(Link.PROJECT_SECTORS, _L, "Sector"),
        "videos": Follow(Link.PROJECT_VIDEOS, _C, "Video"),
        "documents": Follow(Link.PROJECT_DOCUMENTS, _L, "Document"),
        "results": Follow(Link.PROJECT_RESULTS, _L),
        "agreements": Follow(Link.PROJECT_AGREEMENTS, _L),
    },
    "Country": {"projects": Follow(Link.COUNTRY_PROJECTS, _C, "Project")},
    "Organisation": {
        "projects": Follow(Link.DONOR_PROJECTS, _C, "Project"),
        "contributions": Follow(Link.DONOR_CONTRIBUTIONS, _C, "Project", "project"),
        "participatedProjects": Follow(Link.ORGANISATION_PARTICIPATIONS, _C, "Project"),
        "offices": Follow(Link.AGENCY_OFFICES, _L, "Office"),
    },
    "Office": {
        "agency": Follow(Link.OFFICE_AGENCY, _1, "Organisation"),
        "projects": Follow(Link.OFFICE_PROJECTS, _C, "Project"),
    },
    "Programme": {
        "project": Follow(Link.PROGRAMME_PROJECT, _1, "Project"),
        "projects": Follow(Link.PROGRAMME_PROJECTS, _C, "Project"),
        "components": Follow(Link.PROGRAMME_COMPONENTS, _L, "Component"),
    },
    "Component": {
        "programme": Follow(Link.COMPONENT_PROGRAMME, _1, "Programme"),
        "projects": Follow(Link.COMPONENT_PROJECTS, _L, "Project"),
    },
    "CooperationProgramme": {"projects": Follow(Link.PIC_PROJECTS, _C, "Project")},
    "Sector": {"projects": Follow(Link.SECTOR_PROJECTS, _C, "Project")},
    "Video": {"project": Follow(Link.VIDEO_PROJECT, _1, "Project")},
    "Document": {"project": Follow(Link.DOCUMENT_PROJECT, _1, "Project")},
}
"""Each GraphQL type's link fields, by field name: what look-ahead may read for them.
Resolvers use the same entries (``follow``), so a page read ahead is the page asked for."""


PROPERTIES: dict[str, dict[str, Properties]] = {
    "Project": {
        "code": ("code",),
        "title": ("title",),
        "description": ("description",),
        "languages": ("languages",),
        "status": ("status",),
        "closedOn": ("closed_on",),
        "startDate": ("start_date",),
        "endDate": ("end_date",),
        "durationMonths": ("duration_months",),
        "plannedStart": ("planned_start",),
        "actualStart": ("actual_start",),
        "plannedEnd": ("planned_end",),
        "actualEnd": ("actual_end",),
        "hierarchy": ("hierarchy",),
        "defaultCurrency": ("default_currency",),
        "budget": ("budget_amount", "budget_currency"),
        "url": ("url",),
        "sources": ("sources",),
        "loadedAt": ("loaded_at",),
        "transactions": ("code",),  # read by the code when not read with the project
    },
    "Country": {"iso2": ("iso2",), "name": ("name",)},
    "Organisation": {
        "key": ("id",),
        "name": ("name",),
        "ref": ("ref",),
        "aliases": ("aliases",),
    },
    "Office": {"name": ("name",)},
    "Programme": {"key": ("key",), "budget": ("budget_amount", "budget_currency")},
    "Component": {"title": ("title",), "position": ()},
    "CooperationProgramme": {"name": ("name",), "start": ("start",), "end": ("end",)},
    "Sector": {"name": ("name",), "code": ("code",), "vocabulary": ("vocabulary",)},
    "Video": {"title": ("title",), "description": ("description",), "url": ("url",)},
    "Document": {"title": ("title",), "url": ("url",), "category": ("category",)},
}
"""Each type's scalar fields, by field name: the node properties they read without
arguments. Rows read ahead carry only what their selection needs, the node's key only
for a global ID or link fields; a field not in the table (``Programme.title``, which
may read its project's), or with an argument (``lang``), makes the rows carry every
property."""


SHARED: frozenset[Link] = frozenset(
    {
        Link.PROJECT_COUNTRIES,
        Link.PROJECT_OFFICE,
        Link.PROJECT_CONTRIBUTIONS,
        Link.PROJECT_PARTICIPANTS,
        Link.PROJECT_PROGRAMME,
        Link.PROJECT_COMPONENT,
        Link.PROJECT_PIC,
        Link.PROJECT_SECTORS,
        Link.OFFICE_AGENCY,
        Link.COMPONENT_PROGRAMME,
        Link.VIDEO_PROJECT,
        Link.DOCUMENT_PROJECT,
    }
)
"""Links to nodes that many parents share: a project's countries, donors, sectors,
office, programme; a video's project. Under several parents their rows repeat, and the
pages read ahead below them would be read again for each repeat: 100 projects' 123
countries (46 distinct) with 5 projects each took 640 ms read ahead, 205 ms through the
loaders, which read each distinct key once. So below the rows of these links nothing is
read ahead unless their parent is one node."""


def follow(type_name: str, field_name: str) -> Follow:
    """The entry of a link field, which its resolver reads by."""
    return FOLLOWS[type_name][field_name]


def ahead(info: Info[Any, Any], to: str, shape: Shape) -> tuple[Ahead, ...]:
    """The pages to read ahead for the object of type ``to`` asked for by key that the
    field being resolved returns (shown as ``shape``), from what the request selects of it."""
    return read_with(info, to, shape)[0]


def read_with(
    info: Info[Any, Any],
    to: str | None,
    shape: Shape,
    through: str | None = None,
    link: Link | None = None,
) -> tuple[tuple[Ahead, ...], Properties | None]:
    """What the rows of the field being resolved are read with, from one walk of its
    selection: the pages to read ahead for its objects of type ``to`` (shown as
    ``shape``, ``through`` a field of them), and the node properties they need (``None``:
    all). ``link`` is the link the rows come by from parents that may be several
    (``None``: nodes asked for by key, or a root list); below the rows of a ``SHARED``
    one, nothing is read ahead."""
    selection = Selection(info._raw_info)
    items = _items(selection.fields(), shape, through)
    properties = _properties(items, to, shape)
    if to is None or link in SHARED:
        return (), properties
    return _plan(selection, items, to, single=link is None and shape is Shape.ONE), properties


def _plan(
    selection: Selection, items: Sequence[Selected], type_name: str, single: bool
) -> tuple[Ahead, ...]:
    """The pages to read ahead for rows of ``type_name`` of which ``items`` are selected
    (``single``: one row in all), and below them in turn while their rows do not repeat."""
    follows = FOLLOWS.get(type_name, {})
    pages: list[Ahead] = []
    for field in items:
        entry = follows.get(field.name)
        page = None if entry is None else page_ahead(entry, field, selection, type_name, single)
        if entry is None or page is None:
            continue
        within_items = _items(field.fields, entry.shape, entry.through)
        within: tuple[Ahead, ...] = ()
        if entry.to is not None and (single or entry.link not in SHARED):
            one = single and entry.shape is Shape.ONE
            within = _plan(selection, within_items, entry.to, one)
        properties = _properties(within_items, entry.to, entry.shape)
        counted, link = _counts(entry, field), _shows_link(entry, field)
        pages.append(Ahead(page, within, properties, counted=counted, link=link))
    return _merged((), tuple(pages))


def _properties(items: Sequence[Selected], to: str | None, shape: Shape) -> Properties | None:
    """The node properties ``items`` need of rows of type ``to`` shown as ``shape``
    (``None``: all).

    Single links carry every property: one row per parent is not worth narrowing, and
    ``Programme.title`` reads its project's title through ``Programme.project``'s page.
    """
    if to is None or shape is Shape.ONE or to not in PROPERTIES:
        return None
    table = PROPERTIES[to]
    names: list[LiteralString] = []
    links = FOLLOWS.get(to, {})
    for field in items:
        if field.name == "__typename":
            continue
        if field.name == "id" or field.name in links:
            # a global ID, and the reads and cursors of link fields, name the node's key
            names.insert(0, KEY_PROPERTIES[to])
            continue
        read = table.get(field.name)
        if read is None or field.node.arguments:
            return None
        names.extend(read)
    return tuple(dict.fromkeys(names or [KEY_PROPERTIES[to]]))


def _union(one: Properties | None, other: Properties | None) -> Properties | None:
    return None if one is None or other is None else tuple(dict.fromkeys(one + other))


def page_ahead(
    entry: Follow, field: Selected, selection: Selection, type_name: str, single: bool = True
) -> Page | None:
    """The page ``field``, selected on a ``type_name``, reads when look-ahead reads it
    (``None``: it does not): the page its resolver will look for. A page after a cursor
    is read only for a ``single`` parent: a cursor belongs to one parent's list."""
    if entry.shape is not Shape.CONNECTION:
        given = {argument.name.value for argument in field.node.arguments or ()}
        return entry.whole if given <= {"lang"} else None
    if any(item.name == "aggregate" for item in field.fields):
        return None
    arguments = selection.arguments(type_name, field)
    if arguments is None:
        return None
    after, first = arguments.get("after"), arguments.get("first")
    first = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= first <= MAX_PAGE_SIZE:
        return None  # the resolver refuses it, with the reason
    if after is not None and not single:
        return None
    try:
        skip = 0 if after is None else cursor_offset(after) + 1
        where, order = to_filter(arguments.get("where")), to_sorts(arguments.get("order_by"))
    except (UserError, FilterError):
        return None  # likewise
    return Page(Listing(entry.link, where, order), skip, first, asks_more(field.fields))


def _counts(entry: Follow, field: Selected) -> bool:
    """Whether ``field``'s rows are read with the total of their listing."""
    return entry.shape is Shape.CONNECTION and any(i.name == "totalCount" for i in field.fields)


def _shows_link(entry: Follow, field: Selected) -> bool:
    """Whether ``field``'s rows need the relationship properties their fields show: not
    when its objects show a node through a field (a contribution's ``donor``) and nothing
    else is selected of them, as every other field of theirs reads the relationship."""
    if entry.through is None:
        return True
    shown = _items(field.fields, entry.shape)
    return any(item.name not in (entry.through, "__typename") for item in shown)


def _merged(one: tuple[Ahead, ...], other: tuple[Ahead, ...]) -> tuple[Ahead, ...]:
    """The pages of both, each page once (a field selected twice, under aliases), with
    what either reads ahead within it and the properties (and relationship) either
    needs."""
    pages = {item.page: item for item in one}
    for item in other:
        known = pages.get(item.page)
        pages[item.page] = (
            item
            if known is None
            else Ahead(
                item.page,
                _merged(known.within, item.within),
                _union(known.properties, item.properties),
                known.counted or item.counted,
                known.link or item.link,
            )
        )
    return tuple(pages.values())


def _items(
    fields: Sequence[Selected], shape: Shape, through: str | None = None
) -> Sequence[Selected]:
    """What is selected of each node a field shows: of its objects (a connection's under
    edges.node), or ``through`` their field of that name."""
    if shape is Shape.CONNECTION:
        edges = [edge for edge in fields if edge.name == "edges"]
        nodes = [node for edge in edges for node in edge.fields if node.name == "node"]
        fields = [selected for node in nodes for selected in node.fields]
    if through is not None:
        fields = [item for field in fields if field.name == through for item in field.fields]
    return fields
