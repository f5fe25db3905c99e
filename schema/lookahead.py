"""Look-ahead: the links a selection will follow, read in the statement of their parents.

When a list field reads its rows, it also reads, for each row and in the same statement,
the pages the row's selected link fields will ask for (``graph.reads.Ahead``), down
every level where that is possible. Those fields then answer at once from their object
instead of awaiting a batched loader: fewer statements, and no per-object asynchronous
machinery, which on a few thousand objects costs more than the reads themselves.

A field is read ahead when its arguments cannot change what it reads (``lang``) or only
set its page size (``first``), and it counts nothing (no ``totalCount`` or
``aggregate``). Anything else (filters, sorting, cursors) goes through the loaders as
before, which read ahead below it in turn.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeAlias, TypeVar

from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from graph.reads import WHOLE_LIST, Ahead, Link, Listing, Page
from schema.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

T = TypeVar("T")
U = TypeVar("U")

Later: TypeAlias = T | Awaitable[T]
"""A value now, when it was read ahead, or one to await."""


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
    the objects the rows become when their own link fields may be read ahead too."""

    link: Link
    shape: Shape
    to: str | None = None

    def whole(self) -> Page:
        """The page a list or single-object field reads."""
        return Page(Listing(self.link), 0, 1 if self.shape is Shape.ONE else WHOLE_LIST)


_L, _1, _C = Shape.LIST, Shape.ONE, Shape.CONNECTION

FOLLOWS: dict[str, dict[str, Follow]] = {
    "Project": {
        "countries": Follow(Link.PROJECT_COUNTRIES, _L, "Country"),
        "recipientCountries": Follow(Link.PROJECT_COUNTRIES, _L),
        "office": Follow(Link.PROJECT_OFFICE, _1, "Office"),
        "contributions": Follow(Link.PROJECT_CONTRIBUTIONS, _L),
        "participants": Follow(Link.PROJECT_PARTICIPANTS, _L),
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


def follow(type_name: str, field_name: str) -> Follow:
    return FOLLOWS[type_name][field_name]


def ahead(info: Info[Any, Any], to: str | None, shape: Shape) -> tuple[Ahead, ...]:
    """The pages to read ahead for the objects of type ``to`` that the field being resolved
    (shown as ``shape``) returns, from what the request selects of them."""
    if to is None:
        return ()
    selections = [selection for field in info.selected_fields for selection in field.selections]
    return _plan(_items(selections, shape), to)


def _plan(selections: Sequence[Selection], type_name: str) -> tuple[Ahead, ...]:
    follows = FOLLOWS.get(type_name, {})
    found: dict[Page, tuple[Ahead, ...]] = {}
    for field in _fields(selections):
        entry = follows.get(field.name)
        page = None if entry is None else _page(entry, field)
        if entry is None or page is None:
            continue
        within = _plan(_items(field.selections, entry.shape), entry.to) if entry.to else ()
        found[page] = _merged(found.get(page, ()), within)
    return tuple(Ahead(page, within) for page, within in found.items())


def _page(entry: Follow, field: SelectedField) -> Page | None:
    """The page ``field`` reads, when nothing but look-ahead's rules decide it."""
    if entry.shape is not Shape.CONNECTION:
        return entry.whole() if set(field.arguments) <= {"lang"} else None
    counted = any(item.name in ("totalCount", "aggregate") for item in _fields(field.selections))
    if counted or set(field.arguments) - {"first"}:
        return None
    first = _integer(field.arguments.get("first"), DEFAULT_PAGE_SIZE)
    if first is None or not 0 <= first <= MAX_PAGE_SIZE:
        return None  # the resolver refuses it, with the reason
    return Page(Listing(entry.link), 0, first + 1)


def _integer(value: object, default: int) -> int | None:
    """An ``Int`` argument: selections give literals as text, variables as numbers."""
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _merged(one: tuple[Ahead, ...], other: tuple[Ahead, ...]) -> tuple[Ahead, ...]:
    """The pages of both (a field selected twice under aliases), each page once."""
    pages = {item.page: item.within for item in one}
    for item in other:
        pages[item.page] = _merged(pages.get(item.page, ()), item.within)
    return tuple(Ahead(page, within) for page, within in pages.items())


def _items(selections: Sequence[Selection], shape: Shape) -> list[Selection]:
    """What is selected of each object a field shows: a connection's under edges.node."""
    if shape is not Shape.CONNECTION:
        return list(selections)
    edges = [edge for edge in _fields(selections) if edge.name == "edges"]
    nodes = [node for edge in edges for node in _fields(edge.selections) if node.name == "node"]
    return [selection for node in nodes for selection in node.selections]


def _fields(selections: Sequence[Selection]) -> Iterator[SelectedField]:
    """The fields selected, through fragments."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(selection.selections)
