"""The driver, and managed read and write transactions on one database.

Reads go through ``execute_read`` and writes through ``execute_write`` so that a
``neo4j://`` cluster routes them to secondaries and to the leader respectively, and
the driver retries them on transient errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, LiteralString, ParamSpec, Self, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction

from graph.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

TxWork = Callable[Concatenate[ManagedTransaction, P], R]

Version = frozenset[str]
"""Which committed state of the database a read saw (``Database.version``)."""

MEMORY_LIMIT_CODE = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
"""The code of a transaction refused more memory than the server's transaction pool has."""


class MemoryLimitExceeded(Exception):
    """A read needed more memory than the server allows its transactions.

    Neo4j reports it as transient, but a read that asked for too much asks for it again:
    raised instead of the driver's error, it is not retried.
    """


class Database:
    """One Neo4j database behind a driver; the only way the rest of aidgraph runs Cypher."""

    def __init__(self, driver: neo4j.Driver, name: str, timeout: float | None = None) -> None:
        self.driver = driver
        self.name = name
        self.timeout = timeout

    @classmethod
    def connect(cls, settings: Settings) -> Self:
        driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
            connection_acquisition_timeout=10.0,
            max_transaction_retry_time=15.0,
            # Our statements are fixed text, and a young graph lacks some of the property
            # keys they name (no source gave a percentage yet): Neo4j's warning about an
            # unknown key only says no data has it, once per statement, in every log.
            notifications_disabled_classifications=[
                neo4j.NotificationDisabledClassification.UNRECOGNIZED
            ],
        )
        return cls(driver, settings.neo4j_database, settings.query_timeout_seconds)

    def read(self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``work(tx, ...)`` in a managed read transaction, bounded by the query timeout.

        Raises ``MemoryLimitExceeded``, not retried, when the server's transaction memory
        pool refuses the read.
        """
        return self.read_versioned(work, *args, **kwargs)[0]

    def read_versioned(
        self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[R, Version]:
        """``read``, with the version of the database the read saw (see ``version``)."""
        with self.driver.session(database=self.name) as session:
            result = session.execute_read(self._timed(_bounded(work)), *args, **kwargs)
            return result, Version(session.last_bookmarks().raw_values)

    def version(self) -> Version:
        """The database's version: it changes whenever a write commits, so that readers
        can tell whether what they read before still holds.

        It is the bookmark a read ends with, which names the last transaction committed
        (a cluster member answers with the last one it has applied).
        """
        return self.read_versioned(_nothing)[1]

    def write(self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``work(tx, ...)`` in a managed write transaction.

        Unlike reads, writes get no query timeout: they are loads, whose batches may take
        longer than a request should, and a batch cut short would only be retried.
        """
        with self.driver.session(database=self.name) as session:
            return session.execute_write(work, *args, **kwargs)

    def unbounded(self) -> Database:
        """This database without the query timeout, over the same driver: for the reads
        of a load (its stored aggregates), which may take longer than a request should."""
        return Database(self.driver, self.name)

    def _timed(self, work: TxWork[P, R]) -> TxWork[P, R]:
        if self.timeout is None:
            return work
        return neo4j.unit_of_work(timeout=self.timeout)(work)

    def ping(self, timeout: float = 3.0) -> bool:
        """Whether the server answers a trivial read within ``timeout`` seconds."""
        try:
            with self.driver.session(database=self.name) as session:
                session.run(neo4j.Query("RETURN 1", timeout=timeout)).consume()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
            return False
        return True

    def close(self) -> None:
        self.driver.close()


def run_list(
    tx: ManagedTransaction, /, query: LiteralString, **params: Any
) -> list[dict[str, Any]]:
    """Run one query in ``tx`` and return its records as plain dicts."""
    return [record.data() for record in tx.run(query, params)]


def _nothing(tx: ManagedTransaction) -> None:
    tx.run("RETURN 1").consume()


def _bounded(work: TxWork[P, R]) -> TxWork[P, R]:
    def bounded(tx: ManagedTransaction, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return work(tx, *args, **kwargs)
        except neo4j.exceptions.TransientError as error:
            if error.code == MEMORY_LIMIT_CODE:
                raise MemoryLimitExceeded(error.message or MEMORY_LIMIT_CODE) from None
            raise

    return bounded
