"""Normalising names for matching: case-, accent-, punctuation- and space-insensitive."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case ``text``, strip accents and collapse everything but letters and digits.

    >>> fold("  Gouvernement  Luxembourgeois ")
    'gouvernement luxembourgeois'
    >>> fold("État burkinabé")
    'etat burkinabe'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare).strip()


def slug(text: str) -> str:
    """A stable identifier fragment for ``text``: its folded form joined with hyphens."""
    return fold(text).replace(" ", "-")
