"""One organisation, many names: resolving raw names and IATI refs to canonical organisations.

The alias table ``loaders/data/organisation_aliases.csv`` (columns ``id,name,alias``) maps
every known spelling, in any language, and every known IATI organisation ref to one
canonical id and display name. Users extend it by adding rows, or by pointing
``AIDGRAPH_ALIASES`` at a file of their own with the same columns (read after ours, so it
can add names and refs to our organisations or define new ones).

Names not in the table still resolve deterministically: by their IATI ref when they have
one, otherwise by their folded name, so two spellings that differ only in case, accents or
punctuation are one organisation. Such an organisation has no canonical name: the graph
shows the alphabetically first name it was seen under, whatever the load order.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from loaders.names import fold, slug

ALIASES = Path(__file__).parent / "data" / "organisation_aliases.csv"


class AliasTableError(ValueError):
    """A malformed alias table: names the file, the line and the reason."""


@dataclass(frozen=True)
class Organisation:
    """A canonical organisation: its stable id and, when the alias table knows it, the
    name it is shown by."""

    id: str
    name: str | None


class AliasTable:
    """Folded alias → canonical organisation."""

    def __init__(self, entries: dict[str, Organisation]) -> None:
        self._entries = entries

    @classmethod
    def from_files(cls, *paths: Path) -> AliasTable:
        entries: dict[str, Organisation] = {}
        names: dict[str, str] = {}
        for path in paths:
            for line, row in _rows(path):
                organisation = Organisation(row["id"], row["name"])
                if names.setdefault(organisation.id, row["name"]) != row["name"]:
                    raise AliasTableError(
                        f"{path}:{line}: id {organisation.id!r} is named "
                        f"{names[organisation.id]!r} on an earlier line, not {organisation.name!r}"
                    )
                entries[fold(row["alias"])] = organisation
        return cls(entries)

    def resolve(self, name: str, ref: str | None = None) -> Organisation:
        """The canonical organisation for a raw ``name`` (and IATI ``ref``, when known)."""
        for alias in (ref, name):
            if alias and (known := self._entries.get(fold(alias))):
                return known
        if ref:
            return Organisation(ref, None)
        return Organisation(f"name:{slug(name)}", None)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"id", "name", "alias"} <= set(reader.fieldnames):
            raise AliasTableError(f"{path}: the header must name the columns id, name, alias")
        rows = []
        for row in reader:
            values = {key: (row.get(key) or "").strip() for key in ("id", "name", "alias")}
            if not all(values.values()):
                raise AliasTableError(
                    f"{path}:{reader.line_num}: id, name and alias are all required"
                )
            rows.append((reader.line_num, values))
        return rows


@cache
def default_aliases() -> AliasTable:
    """Our alias table, extended by the file named in ``AIDGRAPH_ALIASES`` when set."""
    extra = os.environ.get("AIDGRAPH_ALIASES")
    return AliasTable.from_files(ALIASES, *([Path(extra)] if extra else []))
