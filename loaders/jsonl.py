"""The JSON Lines bulk format: one ``ProjectRecord`` as a JSON object per line, UTF-8.

Every loader's output can be written in this format and loaded back unchanged; the
format of one line is the JSON Schema in ``loaders/data/record.schema.json``
(``record_schema()``). Regenerate that file after changing ``loaders/records.py``::

    python -m loaders.jsonl --write-schema

Reading is streaming and forgiving per line: a bad line becomes a ``Rejected`` (with
its line number and a reason naming the field) and the lines after it still load.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, TextIO

from pydantic import ValidationError

from loaders.records import ProjectRecord

# One Rejected for every loader, so that bulk loading and the rejects file take a bad
# JSON line like any other rejection. Here ``position`` is the 1-based line number
# (blank lines count) and ``identifier`` the line's ``code`` when it can be read.
from loaders.rejects import Rejected

__all__ = [
    "FORMAT_VERSION",
    "SCHEMA_PATH",
    "Rejected",
    "dumps",
    "read_file",
    "read_records",
    "record_schema",
    "write_records",
]

FORMAT_VERSION = "1"
"""Bumped when a line valid before may be invalid now or may mean something else."""

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "record.schema.json"
SCHEMA_ID = f"https://aidgraph.org/schema/record/v{FORMAT_VERSION}.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

STDIN = "-"
STDIN_SOURCE = "<stdin>"

_MAX_REASONS = 5
"""Field errors named in one rejection; a line wrong everywhere needs no full list."""

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = "\ufeff"


def dumps(record: ProjectRecord) -> str:
    """One record as one compact JSON line (no newline), leaving out default values.

    Records refuse NaN and infinities (``allow_inf_nan=False`` on the model), so every
    number here is one JSON can carry.
    """
    return record.model_dump_json(exclude_defaults=True)


def write_records(records: Iterable[ProjectRecord], out: TextIO) -> int:
    """Write each record as one line to ``out``; return how many were written."""
    count = 0
    for record in records:
        out.write(dumps(record))
        out.write("\n")
        count += 1
    return count


def read_records(stream: TextIO, source: str) -> Iterator[ProjectRecord | Rejected]:
    """Read records line by line from ``stream``; blank lines are skipped.

    ``source`` names the stream in every ``Rejected``.
    """
    return _parse_lines(stream, source)


def read_file(path: Path | str) -> Iterator[ProjectRecord | Rejected]:
    """Read records from a ``.jsonl`` file, a gzipped one, or stdin when ``path`` is "-".

    A gzipped file is recognised by its content, whatever its name. The file is opened
    when iteration starts and closed when it ends.
    """
    if str(path) == STDIN:
        # Bytes when the real stdin has them: decoding is then the JSON parser's job,
        # whatever the locale, and a line that is not UTF-8 is rejected alone.
        stdin: IO[Any] = getattr(sys.stdin, "buffer", sys.stdin)
        yield from _parse_lines(stdin, STDIN_SOURCE)
        return
    with Path(path).open("rb") as raw:
        # peek, not read+seek, so that pipes (``<(zcat …)``) work too.
        if raw.peek(2)[:2] == _GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield from _parse_lines(unzipped, str(path))
        else:
            yield from _parse_lines(raw, str(path))


def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line, generated from ``ProjectRecord``."""
    generated = ProjectRecord.model_json_schema()
    header: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "aidgraph JSON Lines record",
        "description": (
            "One line of the aidgraph JSON Lines bulk format (UTF-8, one JSON object per "
            "line). " + str(generated.get("description", "")).strip()
        ),
        "x-aidgraph-format-version": FORMAT_VERSION,
    }
    body = {key: value for key, value in generated.items() if key not in header}
    return header | body


def schema_text() -> str:
    """``record_schema()`` as committed in ``SCHEMA_PATH``: indented, stable, one final newline."""
    return json.dumps(record_schema(), indent=2, ensure_ascii=False) + "\n"


def _parse_lines(lines: Iterable[str | bytes], source: str) -> Iterator[ProjectRecord | Rejected]:
    for position, line in enumerate(lines, start=1):
        if position == 1:
            line = _strip_bom(line)
        line = _strip_newline(line)
        if not line.strip():
            continue
        if _has_non_json_constant(line):
            yield Rejected(
                source,
                position,
                _identifier(line),
                "not valid JSON: NaN and Infinity are not JSON numbers",
            )
            continue
        try:
            # strict: the schema is the contract, so "12" is not a number here and 2.0
            # is not an integer, as they would be in pydantic's lax mode.
            yield ProjectRecord.model_validate_json(line, strict=True)
        except ValidationError as error:
            yield Rejected(source, position, _identifier(line), _reason(error))


def _strip_bom(line: str | bytes) -> str | bytes:
    # Windows tools write a UTF-8 byte order mark; JSON parsers refuse it.
    if isinstance(line, bytes):
        return line.removeprefix(_BOM.encode())
    return line.removeprefix(_BOM)


def _strip_newline(line: str | bytes) -> str | bytes:
    # Only so that a JSON error's column is on this line rather than at "line 2 column 0".
    if isinstance(line, bytes):
        return line.rstrip(b"\r\n")
    return line.rstrip("\r\n")


def _has_non_json_constant(line: str | bytes) -> bool:
    # Python's json and pydantic's parser both accept NaN and [-]Infinity, but they are
    # not JSON (jq and most other tools refuse them), so the format refuses them too.
    if isinstance(line, bytes):
        text_hit = b"NaN" in line or b"Infinity" in line
    else:
        text_hit = "NaN" in line or "Infinity" in line
    if not text_hit:
        return False  # the usual case: no need to parse twice

    def refuse(constant: str) -> Any:
        raise _NonJsonConstantError(constant)

    try:
        json.loads(line, parse_constant=refuse)
    except _NonJsonConstantError:
        return True
    except (ValueError, RecursionError):
        return False  # not JSON for another reason: validation will say which
    return False


class _NonJsonConstantError(Exception):
    pass


def _identifier(line: str | bytes) -> str | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict):
        code = value.get("code")
        if isinstance(code, str):
            return code
    return None


_JSON_TYPE_NAMES = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _reason(error: ValidationError) -> str:
    errors = error.errors(include_url=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        # One line is one JSON text, so "line 1" says nothing.
        detail = str(first["ctx"]["error"]).replace(" at line 1 column ", " at column ")
        return f"not valid JSON: {detail}"
    if first["type"] == "model_type" and not first["loc"]:
        kind = _JSON_TYPE_NAMES.get(type(first["input"]), "something else")
        return f"not a JSON object but {kind}"
    parts = []
    for item in errors[:_MAX_REASONS]:
        message = item["msg"]
        if item["type"] == "value_error":
            # "Value error, a contribution is in one currency…": the prefix is noise.
            message = str(item["ctx"]["error"])
        path = ".".join(str(part) for part in item["loc"])
        parts.append(f"{path}: {message}" if path else message)
    if len(errors) > _MAX_REASONS:
        parts.append(f"and {len(errors) - _MAX_REASONS} more")
    return "; ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m loaders.jsonl --write-schema`` regenerates the committed schema."""
    parser = argparse.ArgumentParser(prog="python -m loaders.jsonl", description=__doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--write-schema", action="store_true", help=f"regenerate {SCHEMA_PATH.name}"
    )
    action.add_argument(
        "--check-schema", action="store_true", help="exit 1 if the committed schema is stale"
    )
    args = parser.parse_args(argv)
    text = schema_text()
    if args.check_schema:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != text:
            print(
                f"{SCHEMA_PATH} is stale: run python -m loaders.jsonl --write-schema",
                file=sys.stderr,
            )
            return 1
        return 0
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
