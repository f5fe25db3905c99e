"""Full-text search over projects, videos and documents, through index ``aidgraph_text``.

A field matches when it holds every word of the search text (in any of its languages,
ignoring case and accents): all words must match, because a user who types more words
means to narrow the search. Titles and descriptions are searched separately, so a hit
says which matched; its score is the better of the two. One query per search: it fetches
a few hundred hits per field, and fetches more only when hits it left behind could tie
with the last one kept.

The text is never Lucene syntax: each word is escaped, so a request cannot change the
structure of the query, only the words it looks for.
"""

from __future__ import annotations

import re
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from graph.connection import run_list
from graph.migrations import FULLTEXT_INDEX
from graph.reads import UNFETCHED

Row = dict[str, Any]

TITLE = "TITLE"
DESCRIPTION = "DESCRIPTION"

_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
"""Characters with a meaning in Lucene's query syntax."""

_OPERATORS = frozenset({"AND", "OR", "NOT"})
"""Words Lucene reads as operators; lower-case, they are words like any other."""

_MAX_FETCH = 10_000
"""The most hits fetched per field: beyond, ties at the last place are cut arbitrarily."""

_FIRST_FETCH = 256
"""The fewest hits fetched per field in the first round. A common word ties hundreds of
hits at the top score; a few hundred hits cost Lucene and Neo4j about what twenty do,
and each extra round costs a statement."""

_GROWTH = 8
"""How much more each further round fetches."""

# Each field's best `fetch` hits, grouped by node: a node's score is its best field's.
# `floor` is the lowest score fetched from a field that may have more hits (-1 when both
# were exhausted): a hit not fetched scores at most `floor`. Kinds come from fixed labels.
_SEARCH: LiteralString = (
    """
CALL () {
  CALL db.index.fulltext.queryNodes($index, $titles, {limit: $fetch}) YIELD node, score
  RETURN collect({node: node, score: score, field: 'TITLE'}) AS titles
}
CALL () {
  CALL db.index.fulltext.queryNodes($index, $descriptions, {limit: $fetch}) YIELD node, score
  RETURN collect({node: node, score: score, field: 'DESCRIPTION'}) AS descriptions
}
WITH titles + descriptions AS hits,
  [branch IN [titles, descriptions] WHERE size(branch) >= $fetch |
    reduce(low = head(branch).score, hit IN branch |
      CASE WHEN hit.score < low THEN hit.score ELSE low END)] AS floors
UNWIND hits AS hit
WITH reduce(high = -1.0, f IN floors | CASE WHEN f > high THEN f ELSE high END) AS floor,
  hit.node AS node, max(hit.score) AS score, collect(hit.field) AS fields
WITH floor, node, score, fields,
  CASE WHEN node:Project THEN 'Project' WHEN node:Video THEN 'Video' ELSE 'Document' END
    AS kind
ORDER BY score DESC, kind, coalesce(node.code, node.key)
LIMIT $limit
WITH kind, node AS n, score, fields, floor
RETURN kind, n {.*, """
    + UNFETCHED
    + """} AS node, score,
  [f IN ['TITLE', 'DESCRIPTION'] WHERE f IN fields] AS fields, floor
"""
)


def words(text: str) -> list[str]:
    """The words of ``text``, as split on white space."""
    return text.split()


def lucene_terms(text: str) -> str:
    """A Lucene clause list requiring every word of ``text``, each escaped to a plain term.

    Raises ``ValueError`` when ``text`` has no words.
    """
    terms = words(text)
    if not terms:
        raise ValueError("search text must not be empty")
    return " ".join(
        "+" + _SPECIAL.sub(r"\\\1", term.lower() if term in _OPERATORS else term) for term in terms
    )


def search(tx: ManagedTransaction, text: str, limit: int) -> list[Row]:
    """The best ``limit`` hits for ``text``, by score then kind and key.

    Rows ``{kind, node, score, fields}``: kind ``Project``, ``Video`` or ``Document``,
    the node's properties, its score, and which of ``TITLE`` / ``DESCRIPTION`` matched.
    """
    terms = lucene_terms(text)
    if limit <= 0:
        return []
    fetch = min(max(limit, _FIRST_FETCH), _MAX_FETCH)
    while True:
        rows = run_list(
            tx,
            _SEARCH,
            index=FULLTEXT_INDEX,
            titles=f"search_titles:({terms})",
            descriptions=f"search_descriptions:({terms})",
            fetch=fetch,
            limit=limit,
        )
        # Lucene cuts ties at the last place fetched in its own order, not ours: when a
        # hit left behind could tie with the last one kept, fetch more (rarely needed).
        if len(rows) < limit or rows[-1]["floor"] < rows[-1]["score"] or fetch >= _MAX_FETCH:
            return [{key: value for key, value in row.items() if key != "floor"} for row in rows]
        fetch = min(fetch * _GROWTH, _MAX_FETCH)
