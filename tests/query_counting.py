"""A real database connection that counts the queries its read transactions send, and
keeps their text."""

from __future__ import annotations

from typing import Any

from graph.connection import Database, P, R, TxWork, Version


class _CountingTransaction:
    """A managed transaction that counts the queries run through it."""

    def __init__(self, tx: Any, counter: CountingDatabase) -> None:
        self._tx = tx
        self._counter = counter

    def run(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self._counter.queries += 1
        self._counter.statements.append(query)
        return self._tx.run(query, *args, **kwargs)


class CountingDatabase(Database):
    """The real database, counting the queries read transactions send."""

    queries = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements: list[str] = []

    def read_versioned(
        self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[R, Version]:
        def counted(tx: Any, *a: Any, **k: Any) -> R:
            return work(_CountingTransaction(tx, self), *a, **k)  # type: ignore[arg-type]

        return super().read_versioned(counted, *args, **kwargs)
