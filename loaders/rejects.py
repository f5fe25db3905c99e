"""Rejected input: what could not be loaded, where it was, and why."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TextIO


@dataclass(frozen=True)
class Rejected:
    """One item a loader could not load.

    ``position`` is 1-based: the activity's index in an IATI file, the line of a JSON
    Lines file; 0 when the whole source was unusable.
    """

    source: str
    position: int
    identifier: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.position}" if self.position else self.source
        what = f" ({self.identifier})" if self.identifier else ""
        return f"{where}{what}: {self.reason}"


class RejectsFile:
    """The rejects of one load, as JSON Lines: source, position, identifier, reason."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def __call__(self, rejected: Rejected) -> None:
        self._out.write(json.dumps(asdict(rejected), ensure_ascii=False) + "\n")
        self._out.flush()
