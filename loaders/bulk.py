"""Bulk loading: a stream of parsed records → resolved batches → the graph.

Parsing, resolving and building a batch's parameters run in a forked child process
while the parent writes the previous batch: the two are CPU-bound, and only separate
processes (not threads, which share the GIL) overlap them with the database's own work.
Memory stays flat whatever the input size: records stream from the parser and at most
one batch waits in the pipe between the processes. Each batch is one write transaction
(the driver retries transient errors); a batch that fails for good is written again
record by record, so one bad record is rejected with its reason and the rest of its
batch still commits. Writes are idempotent, so a killed load is finished by running the
same command again.
"""

from __future__ import annotations

import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import Pipe

from neo4j.exceptions import ClientError, DatabaseError, Neo4jError

from graph.connection import Database
from graph.migrations import migrate
from graph.project_writes import (
    Batch,
    Row,
    prepare_batch,
    project_row,
    write_batch,
    write_project_rows,
)
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


@dataclass(frozen=True)
class _Prepared:
    """A resolved record as the writer's parameters, or why it has none."""

    code: str
    source: str
    position: int
    row: Row | None
    error: str | None


@dataclass(frozen=True)
class _Chunk:
    """What the parser side found before a batch was full: items read, rejections, the batch."""

    read: int
    rejected: list[Rejected]
    batch: list[_Prepared]
    statements: Batch | None


@dataclass(frozen=True)
class _Failed:
    """The parser side stopped on an unexpected error (raised again by the writer)."""

    error: BaseException


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

    with _parsed_aside(_chunks(items, batch_size)) as chunks:
        for chunk in chunks:
            report.read += chunk.read
            for rejection in chunk.rejected:
                reject(rejection)
            if chunk.batch:
                report.loaded += _write(db, chunk.batch, reject, chunk.statements)
                on_progress(len(chunk.batch))
    return report


def _chunks(items: Iterable[Item], batch_size: int) -> Iterator[_Chunk]:
    """The batches of ``items``, each with what was read and rejected while filling it.

    Rejections keep their place: those met before a batch was full come with it, so they
    are reported before it is written, as they would be in one process.
    """
    counts = BulkReport()
    rejected: list[Rejected] = []
    read = 0
    for batch in _batches(_resolved(items, counts, rejected.append), batch_size):
        prepared = [_prepare(item) for item in batch]
        yield _Chunk(counts.read - read, rejected.copy(), prepared, _statements(prepared))
        rejected.clear()
        read = counts.read
    yield _Chunk(counts.read - read, rejected, [], None)


def _prepare(item: Parsed) -> _Prepared:
    # A record without parameters fails its batch's write like a failed transaction, so
    # its batch is written again record by record and it alone is rejected.
    try:
        row, error = project_row(item.record), None
    except ValueError as failure:
        row, error = None, str(failure)
    return _Prepared(item.record.code, item.source, item.position, row, error)


def _statements(batch: list[_Prepared]) -> Batch | None:
    """The batch's statement parameters; None when a record has none (the batch will fail)."""
    rows = [item.row for item in batch if item.row is not None]
    if len(rows) < len(batch):
        return None
    try:
        return prepare_batch(rows)
    except ValueError:
        return None


@contextmanager
def _parsed_aside(chunks: Iterator[_Chunk]) -> Iterator[Iterator[_Chunk]]:
    """``chunks``, produced by a forked child process one batch ahead of the caller.

    The pipe holds at most the batch being sent, so memory stays bounded. A child whose
    parent is gone (killed, say) gets a broken pipe at its next send and exits. Without
    ``fork`` the chunks are produced in this process.
    """
    if not hasattr(os, "fork"):
        yield chunks
        return
    reader, writer = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child: parse and send, never return into the caller's code
        reader.close()
        status = 0
        try:
            for chunk in chunks:
                writer.send(chunk)
            writer.send(None)
        except BrokenPipeError:
            status = 1
        except BaseException as error:  # handed to the parent to raise
            status = 1
            try:
                writer.send(_Failed(error))
            except (BrokenPipeError, pickle.PicklingError, TypeError, AttributeError):
                writer.send(_Failed(RuntimeError(f"parsing failed: {error!r}")))
        finally:
            os._exit(status)
    writer.close()
    finished = False

    def received() -> Iterator[_Chunk]:
        nonlocal finished
        while (message := reader.recv()) is not None:
            if isinstance(message, _Failed):
                finished = True
                raise message.error
            yield message
        finished = True

    try:
        yield received()
    finally:
        reader.close()
        if not finished:  # the writer stopped early: the child's remaining work is moot
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


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


def _write(
    db: Database,
    batch: list[_Prepared],
    reject: Callable[[Rejected], None],
    statements: Batch | None = None,
) -> int:
    """Write ``batch`` (prepared as ``statements`` when given); on failure, each record
    alone. Returns how many were written.

    Only errors a record can cause are caught: a lost server aborts the load (the driver
    has already retried transient errors), and running it again finishes the job.
    """
    try:
        unprepared = next((item.error for item in batch if item.error is not None), None)
        if unprepared is not None:
            raise ValueError(unprepared)
        if statements is not None:
            write_batch(db, statements)
        else:
            write_project_rows(db, [item.row for item in batch if item.row is not None])
        return len(batch)
    except (ClientError, DatabaseError, ValueError) as error:
        if len(batch) == 1:
            reject(_rejection(batch[0], error))
            return 0
    return sum(_write(db, [item], reject) for item in batch)


def _rejection(item: Parsed | _Prepared, error: Exception) -> Rejected:
    reason = error.message if isinstance(error, Neo4jError) and error.message else str(error)
    code = item.record.code if isinstance(item, Parsed) else item.code
    return Rejected(source=item.source, position=item.position, identifier=code, reason=reason)
