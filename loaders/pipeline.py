"""Run sources through parse → resolve → write, one source at a time.

Each source is written in its own transaction, so a source that fails leaves nothing
behind and the others still load. The report says what loaded and why anything did not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.connection import Database
from graph.migrations import migrate
from graph.project_writes import write_projects
from loaders.records import ProjectRecord
from loaders.resolve import ResolveError, resolve

Parse = Callable[[Path], ProjectRecord]


@dataclass(frozen=True)
class Rejection:
    source: str
    reason: str


@dataclass
class LoadReport:
    loaded: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def load_files(db: Database, paths: Iterable[Path], parse: Parse) -> LoadReport:
    """Parse, resolve and write each file; a file that fails is reported, not raised."""
    migrate(db)
    report = LoadReport()
    for path in paths:
        try:
            record = resolve(parse(path))
        except (ValueError, OSError) as error:
            # PageError and ResolveError are ValueErrors that already name the file.
            reason = str(error) if str(path) in str(error) else f"{path}: {error}"
            report.rejected.append(Rejection(str(path), reason))
            continue
        write_projects(db, [record])
        report.loaded.append(record.code)
    return report


__all__ = ["LoadReport", "Parse", "Rejection", "ResolveError", "load_files"]
