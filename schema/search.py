"""The ``search`` root field: full-text hits over projects, videos and documents."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from graph import search as graph_search
from graph.reads import Row
from schema.context import Context
from schema.errors import UserError
from schema.pagination import MAX_PAGE_SIZE
from schema.types import Document, Project, Video

MAX_WORDS = 32
"""The most words a search text may have: each is one Lucene clause per field."""

MAX_LENGTH = 1000
"""The most characters a search text may have."""


@strawberry.enum(description="A searched field.")
class SearchField(Enum):
    TITLE = graph_search.TITLE
    DESCRIPTION = graph_search.DESCRIPTION


SearchResult = Annotated[
    Project | Video | Document,
    strawberry.union("SearchResult", description="What a search can find."),
]


@strawberry.type(description="A node the search text matched, with how well and where.")
class SearchHit:
    score: float = strawberry.field(description="Lucene relevance: higher is better.")
    matched_fields: list[SearchField] = strawberry.field(
        description="The fields holding every word of the text, titles first."
    )
    node: SearchResult


_KINDS: dict[str, Callable[..., Project | Video | Document]] = {
    "Project": Project,
    "Video": Video,
    "Document": Document,
}


def _hit(row: Row) -> SearchHit:
    return SearchHit(
        score=row["score"],
        matched_fields=[SearchField(field) for field in row["fields"]],
        node=_KINDS[row["kind"]](_props=row["node"]),
    )


def _check(text: str, first: int) -> None:
    """Refuse a search before it runs, saying which argument is wrong and why."""
    if not text.strip():
        raise UserError("search text must not be empty")
    if len(text) > MAX_LENGTH:
        raise UserError(f"search text must be at most {MAX_LENGTH} characters, got {len(text)}")
    words = len(graph_search.words(text))
    if words > MAX_WORDS:
        raise UserError(f"search text must have at most {MAX_WORDS} words, got {words}")
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise UserError(f"first must be between 0 and {MAX_PAGE_SIZE}, got {first}")


async def search(
    info: Info[Context, None],
    text: Annotated[
        str, strawberry.argument(description="Words to look for (plain words: no query syntax).")
    ],
    first: Annotated[
        int, strawberry.argument(description=f"How many hits, at most {MAX_PAGE_SIZE}.")
    ] = 20,
) -> list[SearchHit]:
    """The best ``first`` hits for ``text``: every word must be in the title, or every
    word in the description, in any language, ignoring case and accents."""
    _check(text, first)
    rows = await info.context.loaders.read(graph_search.search, text, first)
    return [_hit(row) for row in rows]
