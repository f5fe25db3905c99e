"""Folding text for matching: case-, accent- and typography-insensitive."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+")

# Typographic characters folded to their ASCII look-alikes, one for one.
_FOLD_CHARS = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
    }
)  # fmt: skip


def fold_characters(text: str) -> str:
    """The matching form of ``text``: lower case, unaccented, ASCII punctuation.

    The result has exactly the length of ``text``, character for character.
    """
    out = []
    for char in text.translate(_FOLD_CHARS):
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        lower = base.lower()
        out.append(lower if len(lower) == 1 else char)
    return "".join(out)


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower-case ``text``, strip accents and collapse everything but letters and digits.

    >>> fold("  Gouvernement  Luxembourgeois ")
    'gouvernement luxembourgeois'
    >>> fold("État burkinabé")
    'etat burkinabe'

    Cached: bulk loads fold the same organisation and country names over and over.
    """
    return _NON_WORD.sub(" ", fold_characters(text)).strip()


def slug(text: str) -> str:
    """A stable identifier fragment for ``text``: its folded form joined with hyphens."""
    return fold(text).replace(" ", "-")
