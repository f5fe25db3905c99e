"""A web page as lines of text: the common input of the page parsers.

A page arrives either as saved HTML or as text copied from a browser. Both become a
list of :class:`Line`: one paragraph, heading, list item or table cell per line,
whitespace collapsed, list items marked as bullets, text that continues a list item
(a description under a video title) indented deeper than its bullet.

:func:`fold` gives the matching form of a text (lower case, no accents, ASCII
apostrophes and dashes) *without changing its length*, so a match found in the folded
text can be cut out of the original text at the same offsets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

LineKind = Literal["text", "bullet", "heading"]


@dataclass(frozen=True)
class Line:
    """One line of a page.

    ``indent`` only matters relative to other lines: a text line indented deeper than
    the bullet before it continues that bullet. ``level`` is the heading level (1-6)
    of a heading line, else 0. ``link`` is the first link target found in the line.
    """

    text: str
    kind: LineKind = "text"
    indent: int = 0
    level: int = 0
    link: str | None = None


@dataclass(frozen=True)
class PageMeta:
    """What an HTML page says about itself: its own address and language."""

    url: str | None = None
    language: str | None = None


_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC-normalise ``text`` and collapse every run of white space to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def word_count(text: str) -> int:
    return len(text.split())


# ---------------------------------------------------------------------------- text

_BULLET = re.compile(r"^(?:[\u2022\u25e6\u25aa\u2023\u00b7*]|[-\u2013\u2014])(?:\s+|$)")


def text_to_lines(content: str) -> list[Line]:
    """Lines of a page copied as text; blank lines and empty bullets are dropped."""
    lines = []
    for raw in content.splitlines():
        stripped = raw.strip()
        if not stripped:
            continue
        indent = len(raw) - len(raw.lstrip())
        bullet = _BULLET.match(stripped)
        text = clean(stripped[bullet.end() :] if bullet else stripped)
        if text:
            lines.append(Line(text, "bullet" if bullet else "text", indent))
    return lines


# ---------------------------------------------------------------------------- HTML

_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--)", re.I)
_HTML_TAGS = re.compile(r"</(?:p|div|li|ul|h[1-6]|span|section|body)>", re.I)

# Never part of a page's content: code, styling, forms (the intranet login) and menus.
_DROPPED = {
    "script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form",
    "button", "select", "input", "textarea",
}  # fmt: skip
_BLOCKS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol",
    "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip


def is_html(content: str) -> bool:
    """Whether ``content`` is an HTML document rather than page text."""
    return bool(_HTML_START.match(content) or _HTML_TAGS.search(content[:20000]))


def html_to_lines(content: str) -> tuple[list[Line], PageMeta]:
    """Lines of an HTML page, keeping its block structure, and what it says about itself."""
    soup = BeautifulSoup(content, "html.parser")
    meta = PageMeta(url=_own_address(soup), language=_html_language(soup))
    writer = _LineWriter(base=meta.url)
    writer.walk(soup)
    writer.flush()
    return writer.lines, meta


def _attribute(tag: Tag | None, name: str) -> str | None:
    value = tag.get(name) if tag is not None else None
    return value.strip() or None if isinstance(value, str) else None


def _own_address(soup: BeautifulSoup) -> str | None:
    canonical = soup.find("link", attrs={"rel": "canonical"})
    og_url = soup.find("meta", attrs={"property": "og:url"})
    return _attribute(canonical if isinstance(canonical, Tag) else None, "href") or _attribute(
        og_url if isinstance(og_url, Tag) else None, "content"
    )


def _html_language(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    lang = _attribute(html if isinstance(html, Tag) else None, "lang")
    return lang[:2].lower() if lang and re.match(r"^[A-Za-z]{2}\b", lang) else None


class _LineWriter:
    """Walks the HTML tree, collecting inline text and cutting a line at each block."""

    def __init__(self, base: str | None) -> None:
        self._base = base  # relative links are resolved against the page's own address
        self.lines: list[Line] = []
        self._words: list[str] = []
        self._link: str | None = None
        self._level = 0
        # One entry per open <li>: whether its own bullet line is still to be written.
        self._items: list[bool] = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self._element(child)
            elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
                self._words.append(str(child))

    def _element(self, tag: Tag) -> None:
        name = tag.name.lower()
        if name in _DROPPED:
            return
        if name in {"a", "iframe", "video", "source"} and self._link is None:
            link = _attribute(tag, "href") or _attribute(tag, "src")
            self._link = urljoin(self._base, link) if link and self._base else link
        if name == "br":
            # A title broken over two lines is still one title.
            if self._level:
                self._words.append(" ")
            else:
                self.flush()
            return
        if name not in _BLOCKS:
            self.walk(tag)
            return
        self.flush()
        if name == "li":
            self._items.append(True)
        heading = re.fullmatch(r"h([1-6])", name)
        if heading:
            self._level = int(heading.group(1))
        self.walk(tag)
        self.flush()
        self._level = 0
        if name == "li":
            self._items.pop()

    def flush(self) -> None:
        text = clean(" ".join(self._words))
        self._words = []
        if not text:
            return
        depth = len(self._items)
        if self._items and self._items[-1]:
            self._items[-1] = False
            line = Line(text, "bullet", 2 * depth, link=self._link)
        elif self._level:
            line = Line(text, "heading", 2 * depth, self._level, self._link)
        else:
            # Text inside a list item after its first line continues that item.
            line = Line(text, "text", 2 * depth + 2 if depth else 0, link=self._link)
        self.lines.append(line)
        self._link = None


def page_lines(content: str) -> tuple[list[Line], PageMeta]:
    """Lines of a page given as HTML or as text (detected)."""
    if is_html(content):
        return html_to_lines(content)
    return text_to_lines(content), PageMeta()
