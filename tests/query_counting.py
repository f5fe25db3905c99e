"""A real database connection that counts the queries its read transactions send, and
keeps their text and parameters."""

from __future__ import annotations

from typing import Any

from graph.connection import Database, P, R, TxWork, Version


class _CountingTransaction:
    """A managed transaction that counts the queries run through it."""

    def __init__(self, tx: Any, counter: CountingDatabase) -> None:
        self._tx = tx
        self._counter = counter

    def run(self, query: str, parameters: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        self._counter.queries += 1
        self._counter.statements.append(query)
        self._counter.parameters.append({**(parameters or {}), **kwargs})
        return self._tx.run(query, parameters, **kwargs)


class CountingDatabase(Database):
    """The real database, counting the queries read transactions send."""

    queries = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements: list[str] = []
        self.parameters: list[dict[str, Any]] = []

    def read_versioned(
        self, work: TxWork[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[R, Version]:
        def counted(tx: Any, *a: Any, **k: Any) -> R:
            return work(_CountingTransaction(tx, self), *a, **k)  # type: ignore[arg-type]

        return super().read_versioned(counted, *args, **kwargs)
