"""Relay-style connections: opaque cursors, page sizes, and a lazily counted total."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Awaitable, Callable, Hashable, Sequence
from functools import lru_cache
from typing import Generic, TypeVar

import strawberry

from graph.reads import Row
from schema.errors import UserError
from schema.selection import Selected

T = TypeVar("T")

MAX_PAGE_SIZE = 100
"""The most nodes one page returns; ``first`` above it is refused."""

DEFAULT_PAGE_SIZE = 20
"""The page size when ``first`` is not given."""

_PREFIX = "offset:"


class PaginationError(UserError):
    """A bad ``first`` or ``after``: the message says which and why."""


def list_scope(listing: Hashable, key: str) -> str:
    """A short fingerprint of what a connection lists: its listing (link, filter and
    order) from the parent ``key``.

    Cursors carry it, so a cursor from another list or another ``where``/``orderBy`` is
    refused instead of silently pointing at the wrong place.
    """
    text = "(" + _described(listing) + ", " + repr(key) + ")"  # repr((listing, key))
    return hashlib.blake2s(text.encode(), digest_size=6).hexdigest()


@lru_cache(maxsize=1024)
def _described(listing: Hashable) -> str:
    """``repr(listing)``: a nested query's connections share a few listings, and
    describing one (enums, filters) took a twentieth of the nested benchmark query's
    Python time."""
    return repr(listing)


def encode_cursor(offset: int, scope: str) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}:{scope}".encode()).decode()


def decode_cursor(cursor: str, scope: str) -> int:
    """The offset ``cursor`` points at, in the list ``scope`` names."""
    offset, cursor_scope = _decoded(cursor)
    if cursor_scope != scope:
        raise PaginationError(
            f"cursor {cursor!r} belongs to another list: use a cursor from this field with "
            "the same where and orderBy"
        )
    return offset


def cursor_offset(cursor: str) -> int:
    """The offset ``cursor`` points at, whatever list it belongs to: look-ahead reads the
    page after it, and the resolver then checks the list (``decode_cursor``)."""
    return _decoded(cursor)[0]


def _decoded(cursor: str) -> tuple[int, str]:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise PaginationError(f"invalid cursor {cursor!r}") from None
    offset, _, scope = text.removeprefix(_PREFIX).partition(":")
    if not text.startswith(_PREFIX) or not offset.isdigit():
        raise PaginationError(f"invalid cursor {cursor!r}")
    return int(offset), scope


def page_bounds(
    first: int | None, after: str | None, scope: str, default: int = DEFAULT_PAGE_SIZE
) -> tuple[int, int]:
    """(skip, limit) for a page of ``first`` nodes after cursor ``after``."""
    size = default if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise PaginationError(f"first must be between 0 and {MAX_PAGE_SIZE}, got {size}")
    skip = 0 if after is None else decode_cursor(after, scope) + 1
    return skip, size


def asks_more(fields: Sequence[Selected]) -> bool:
    """Whether a connection's selection shows ``hasNextPage``: the one field that needs the
    row after the page read (a tenth more rows for pages of 20 nested in pages of 20)."""
    return any(
        selected.name == "pageInfo" and any(item.name == "hasNextPage" for item in selected.fields)
        for selected in fields
    )


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    """A page of a list that can grow; ``totalCount`` is counted only when asked for."""

    edges: list[Edge[T]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many nodes the whole list has (one count query).")
    async def total_count(self) -> int:
        return await self._count()


def build_connection(
    rows: list[Row],
    skip: int,
    limit: int,
    to_node: Callable[[Row], T],
    count: Callable[[], Awaitable[int]],
    scope: str,
) -> Connection[T]:
    """A connection from ``rows`` read with the row after its ``limit`` (which means more)
    where ``hasNextPage`` is selected: where it is not, and ``has_next_page`` is never
    shown, with ``limit`` rows at most."""
    page = rows[:limit]
    edges = [
        Edge(cursor=encode_cursor(skip + i, scope), node=to_node(row)) for i, row in enumerate(page)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > limit,
            has_previous_page=skip > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _count=count,
    )
