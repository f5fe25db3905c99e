"""Bulk loading: a stream of parsed records → resolved batches → the graph.

Memory stays flat whatever the input size: records stream from the parser and at most
one batch is held. Each batch is one write transaction (the driver retries transient
errors); a batch that fails for good is written again record by record, so one bad
record is rejected with its reason and the rest of its batch still commits. Writes are
idempotent, so a killed load is finished by running the same command again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from neo4j.exceptions import ClientError, DatabaseError, Neo4jError

from graph.connection import Database
from graph.migrations import migrate
from graph.project_writes import write_projects
from loaders.records import ProjectRecord
from loaders.rejects import Rejected
from loaders.resolve import resolve

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class Parsed:
    """A record and where it came from."""

    record: ProjectRecord
    source: str
    position: int


Item = Parsed | Rejected


@dataclass
class BulkReport:
    """What a load did: counts, and the time it took."""

    read: int = 0
    loaded: int = 0
    rejected: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def summary(self) -> str:
        rate = self.loaded / self.seconds if self.seconds > 0 else 0.0
        return (
            f"read {self.read}, loaded {self.loaded}, rejected {self.rejected} "
            f"in {self.seconds:.1f} s ({rate:.0f} records/s)"
        )


def load_items(
    db: Database,
    items: Iterable[Item],
    on_reject: Callable[[Rejected], None],
    on_progress: Callable[[int], None] = lambda done: None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> BulkReport:
    """Resolve and write every record of ``items``; report each rejection to ``on_reject``.

    The schema is migrated first: without its key indexes every MERGE scans its label.
    ``on_progress`` gets the number of items just handled (loaded or rejected).
    """
    migrate(db)
    report = BulkReport()

    def reject(rejection: Rejected) -> None:
        report.rejected += 1
        on_reject(rejection)

    for batch in _batches(_resolved(items, report, reject), batch_size):
        report.loaded += _write(db, batch, reject)
        on_progress(len(batch))
    return report


def _resolved(
    items: Iterable[Item], report: BulkReport, reject: Callable[[Rejected], None]
) -> Iterator[Parsed]:
    for item in items:
        report.read += 1
        if isinstance(item, Rejected):
            reject(item)
            continue
        try:
            yield Parsed(resolve(item.record), item.source, item.position)
        except ValueError as error:
            reject(_rejection(item, error))


def _batches(parsed: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    """Batches of at most ``size`` records, never two of one project in a batch."""
    batch: list[Parsed] = []
    codes: set[str] = set()
    for item in parsed:
        if len(batch) >= size or item.record.code in codes:
            yield batch
            batch, codes = [], set()
        batch.append(item)
        codes.add(item.record.code)
    if batch:
        yield batch


def _write(db: Database, batch: list[Parsed], reject: Callable[[Rejected], None]) -> int:
    """Write ``batch``; on failure, each record alone. Returns how many were written.

    Only errors a record can cause are caught: a lost server aborts the load (the driver
    has already retried transient errors), and running it again finishes the job.
    """
    try:
        write_projects(db, [item.record for item in batch])
        return len(batch)
    except (ClientError, DatabaseError, ValueError) as error:
        if len(batch) == 1:
            reject(_rejection(batch[0], error))
            return 0
    return sum(_write(db, [item], reject) for item in batch)


def _rejection(item: Parsed, error: Exception) -> Rejected:
    reason = error.message if isinstance(error, Neo4jError) and error.message else str(error)
    return Rejected(
        source=item.source, position=item.position, identifier=item.record.code, reason=reason
    )
