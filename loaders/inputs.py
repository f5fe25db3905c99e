"""Bulk inputs: paths (files, directories, ``-`` for stdin) → numbered parsed items."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from loaders.bulk import Item, Parsed
from loaders.records import ProjectRecord
from loaders.rejects import Rejected

ParseFile = Callable[[Path], Iterable[ProjectRecord | Rejected]]

STDIN = "-"


def expand(paths: Iterable[str], suffixes: tuple[str, ...]) -> Iterator[str]:
    """Each path as given; a directory as its files with one of ``suffixes``, sorted."""
    for path in paths:
        if path != STDIN and Path(path).is_dir():
            found = (p for p in Path(path).rglob("*") if p.is_file() and p.name.endswith(suffixes))
            yield from (str(p) for p in sorted(found))
        else:
            yield path


def numbered(
    paths: Iterable[str], parse: ParseFile, file_errors: tuple[type[Exception], ...]
) -> Iterator[Item]:
    """Parsed items of every path, each record with its 1-based position in its source.

    A source that cannot be read at all becomes one rejection at position 0.
    """
    unreadable: tuple[type[Exception], ...] = (OSError, *file_errors)
    for path in paths:
        source = "<stdin>" if path == STDIN else path
        try:
            for position, item in enumerate(parse(Path(path)), start=1):
                yield item if isinstance(item, Rejected) else Parsed(item, source, position)
        except unreadable as error:
            yield Rejected(source=source, position=0, identifier=None, reason=_reason(error, path))


def _reason(error: Exception, path: str) -> str:
    """The error's message without the file name it may start with (the rejection names it)."""
    message = str(error)
    return message.removeprefix(f"{path}: ")
