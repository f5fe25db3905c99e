"""The JSON Lines bulk format: schema file, round trip, compact lines, rejections, gzip, stdin."""

from __future__ import annotations

import gzip
import io
import json
import math
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

import jsonschema
import pytest
from pydantic import BaseModel, ValidationError

import loaders.records as records
import loaders.rejects
from loaders import jsonl
from loaders.jsonl import (
    FORMAT_VERSION,
    SCHEMA_PATH,
    Rejected,
    dumps,
    read_file,
    read_records,
    record_schema,
    write_records,
)
from loaders.records import (
    Agreement,
    Component,
    Contribution,
    CooperationProgramme,
    CountryRef,
    Document,
    Location,
    Money,
    Office,
    OrganisationRef,
    Participation,
    Programme,
    ProjectRecord,
    RegionRef,
    RelatedActivity,
    Sector,
    Transaction,
    Translation,
    Video,
)

REGENERATE = "python -m loaders.jsonl --write-schema"
DOC = Path(__file__).resolve().parent.parent / "docs" / "jsonl.md"

LUX = OrganisationRef(
    name="LuxDev",
    ref="LU-GOV-1",
    id="luxdev",
    canonical_name="Luxembourg Agency for Development Cooperation",
)

LUXDEV_RECORD = ProjectRecord(
    code="MLI/801",
    language="fr",
    source="https://luxdev.lu/fr/activities/project/MLI/801",
    title="Soutien rapide aux Autorités maliennes et aux Services sociaux essentiels "
    "dans les Zones post-Conflit",
    description="Relance de l’économie locale à Tombouctou et Gao — « cohésion sociale ».",
    status="closed",
    closed_on="2015-04-14",
    start_date="2013-05",
    end_date="2015-04",
    duration_months=23,
    budget=Money(amount=5_000_000.0, currency="EUR"),
    countries=(CountryRef(name="Mali", iso2="ML", percentage=100.0),),
    office=Office(name="Bureau Mali", agency=LUX, key="luxdev:ML"),
    contributions=(
        Contribution(
            donor=OrganisationRef(name="Gouvernement luxembourgeois"),
            amount=Money(amount=0.0, currency="EUR"),
        ),
        Contribution(
            donor=OrganisationRef(
                name="Instrument de Stabilité de la Commission européenne",
                id="eu-ifs",
                canonical_name="European Commission - Instrument for Stability",
            ),
            amount=Money(amount=5_000_000.0, currency="EUR"),
        ),
    ),
    participants=(
        Participation(organisation=LUX, role="implementing"),
        Participation(organisation=OrganisationRef(name="ENABEL"), role="partner"),
    ),
    programme=Programme(
        title="Programme d'appui au développement des régions du Nord",
        budget=Money(amount=12_500_000.5, currency="EUR"),
        components=(
            Component(position=1, title="Gouvernance locale"),
            Component(position=2, title="Services sociaux de base"),
        ),
        project_position=2,
    ),
    cooperation_programme=CooperationProgramme(
        name="PIC 3", key="ML:pic-3", start="2015", end="2019"
    ),
    sectors=(Sector(name="Gouvernance locale", key="name:gouvernance-locale"),),
    videos=(
        Video(
            title="MALI - Activités du RELAC II dans la Commune de Kirchamba",
            description="Des communautés qui développent l’économie locale.",
            url="https://www.youtube.com/watch?v=abc123",
        ),
        Video(title="MALI - RELAC II"),
    ),
    documents=(
        Document(
            title="Évaluation finale",
            url="https://luxdev.lu/files/documents/MLI801_eval.pdf",
            category="final-evaluation",
        ),
    ),
    results=("12 centres de santé réhabilités", "Points d'eau\u2028fonctionnels"),
    agreements=(Agreement(title="Convention de délégation UE", signed_on="2013-05-23"),),
    url="https://luxdev.lu/fr/activities/project/MLI/801",
)

IATI_RECORD = ProjectRecord(
    code="XM-DAC-28-1-BKF026",
    language="en",
    source="iati/luxdev-activities.xml",
    title="Vocational training and integration in Burkina Faso",
    description="Support to the national vocational training policy.",
    translations=(
        Translation(
            language="fr",
            title="Formation et insertion professionnelles au Burkina Faso",
            description="Appui à la politique nationale d’enseignement et de formation.",
        ),
        Translation(language="ar", title="التدريب المهني في بوركينا فاسو"),
    ),
    status="implementation",
    start_date="2017-01-01",
    end_date="2021-12",
    planned_start="2016-10-01",
    actual_start="2017-01-01",
    planned_end="2021-12",
    actual_end="2022-03-31",
    hierarchy=2,
    default_currency="EUR",
    budget=Money(amount=25_438_000.75, currency="EUR"),
    countries=(
        CountryRef(name="Burkina Faso", iso2="BF", percentage=80.0),
        CountryRef(name="Niger", percentage=20.0),
    ),
    regions=(
        RegionRef(code="289", name="South of Sahara, regional", percentage=12.5),
        RegionRef(code="AF-W", vocabulary="99"),
    ),
    contributions=(
        Contribution(
            donor=OrganisationRef(name="Luxembourg", ref="XM-DAC-28"),
            amount=Money(amount=20_000_000.0, currency="EUR"),
            committed=Money(amount=20_000_000.0, currency="EUR"),
            disbursed=Money(amount=15_250_000.3, currency="EUR"),
            spent=Money(amount=0.1 + 0.2, currency="EUR"),
        ),
        Contribution(
            donor=OrganisationRef(name="Swiss Agency"), committed=Money(amount=1e-7, currency="CHF")
        ),
    ),
    participants=(
        Participation(
            organisation=OrganisationRef(name="Ministère de la Jeunesse", ref="BF-GOV-7"),
            role="accountable",
        ),
        Participation(organisation=LUX, role="reporting"),
        Participation(organisation=OrganisationRef(name="Swiss Agency"), role="extending"),
    ),
    transactions=(
        Transaction(
            type="2",
            value=Money(amount=20_000_000.0, currency="EUR"),
            date="2017-01-15",
            provider=OrganisationRef(name="Luxembourg", ref="XM-DAC-28"),
            receiver=LUX,
        ),
        Transaction(type="3", value=Money(amount=-1_250.5, currency="EUR")),
    ),
    related_activities=(
        RelatedActivity(ref="XM-DAC-28-1-BKF-PROG", type=1),
        RelatedActivity(ref="XM-DAC-28-1-BKF027", type=3),
    ),
    locations=(
        Location(name="Ouagadougou", latitude=12.3714, longitude=-1.5197),
        Location(name="Bobo-Dioulasso"),
        Location(latitude=-90.0, longitude=180.0),
    ),
    programme=Programme(key="XM-DAC-28-1-BKF-PROG"),
    sectors=(
        Sector(
            name="Vocational training",
            code="11330",
            vocabulary="1",
            percentage=100.0,
            key="1:11330",
        ),
    ),
    url="https://iatiregistry.org/activity/XM-DAC-28-1-BKF026",
)

MINIMAL_RECORD = ProjectRecord(code="MIN/1", language="en", source="hand", title="Minimal")
RICH_RECORDS = (LUXDEV_RECORD, IATI_RECORD)


def _minimal(**fields: Any) -> ProjectRecord:
    return ProjectRecord(**MINIMAL_RECORD.model_dump(exclude=set(fields)), **fields)


def _lines(*lines: str) -> TextIO:
    return io.StringIO("".join(line + "\n" for line in lines))


def _read(*lines: str) -> list[ProjectRecord | Rejected]:
    return list(read_records(_lines(*lines), "test.jsonl"))


def _rich_line(**changes: Any) -> str:
    """LUXDEV_RECORD's line with top-level keys replaced (None removes a key)."""
    data = json.loads(dumps(LUXDEV_RECORD))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data, ensure_ascii=False)


# -- the schema file -------------------------------------------------------------------


def test_committed_schema_is_current() -> None:
    stale = f"{SCHEMA_PATH} is stale or missing: run `{REGENERATE}` and commit it"
    assert SCHEMA_PATH.exists(), stale
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert json.loads(committed) == record_schema(), stale
    assert committed == jsonl.schema_text(), f"{SCHEMA_PATH} is not formatted: run `{REGENERATE}`"


def test_schema_header() -> None:
    schema = record_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://aidgraph.org/schema/record/v{FORMAT_VERSION}.json"
    assert schema["title"]
    assert schema["description"]
    assert schema["x-aidgraph-format-version"] == FORMAT_VERSION
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False


def test_schema_has_every_field_and_requires_exactly_the_required_ones() -> None:
    schema = record_schema()
    objects = {"ProjectRecord": schema, **schema["$defs"]}
    for name, definition in objects.items():
        model = getattr(records, name)
        assert issubclass(model, BaseModel), name
        assert list(definition["properties"]) == list(model.model_fields), name
        required = [field for field, info in model.model_fields.items() if info.is_required()]
        assert definition.get("required", []) == required, name
        assert definition["additionalProperties"] is False, name
    # Every reference resolves within the file: the schema stands alone.
    refs = re.findall(r'"\$ref": "#/\$defs/(\w+)"', jsonl.schema_text())
    assert refs
    assert set(refs) <= set(schema["$defs"])


def test_write_schema_entry_point(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "record.schema.json"
    monkeypatch.setattr(jsonl, "SCHEMA_PATH", target)
    assert jsonl.main(["--check-schema"]) == 1
    assert jsonl.main(["--write-schema"]) == 0
    assert target.read_text(encoding="utf-8") == jsonl.schema_text()
    assert target.read_text(encoding="utf-8").endswith("}\n")
    assert jsonl.main(["--check-schema"]) == 0


# -- the documentation ------------------------------------------------------------------


def test_documented_examples_are_what_dumps_writes() -> None:
    text = DOC.read_text(encoding="utf-8")
    lines = [
        line
        for block in re.findall(r"```jsonl\n(.*?)```", text, re.DOTALL)
        for line in block.splitlines()
    ]
    assert len(lines) == 2
    loaded = list(read_records(io.StringIO("\n".join(lines)), str(DOC)))
    assert all(isinstance(item, ProjectRecord) for item in loaded), loaded
    assert [dumps(cast(ProjectRecord, item)) for item in loaded] == lines
    indented = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert [json.loads(block) for block in indented] == [json.loads(lines[1])]
    # The field tables are written by hand: a new field only warns, as below.
    undocumented = [
        f"{model.__name__}.{name}"
        for model in _models()
        for name in model.model_fields
        if f"`{name}`" not in text
    ]
    if undocumented:
        warnings.warn(f"{DOC.name} does not mention {undocumented}", stacklevel=1)


def _models() -> list[type[BaseModel]]:
    """ProjectRecord and every model it contains, as the schema lists them."""
    return [ProjectRecord, *(getattr(records, name) for name in record_schema()["$defs"])]


# -- writing ---------------------------------------------------------------------------


def test_rich_records_fill_every_field() -> None:
    """The round-trip records exercise every field of every model at least once.

    A field added to ``loaders/records.py`` later only warns here: add it to the records
    above so the round trip covers it.
    """
    filled: dict[type[BaseModel], set[str]] = {}

    def visit(value: object) -> None:
        if isinstance(value, BaseModel):
            fields = type(value).model_fields
            seen = filled.setdefault(type(value), set())
            for name, info in fields.items():
                item = getattr(value, name)
                if item != info.get_default():
                    seen.add(name)
                visit(item)
        elif isinstance(value, tuple):
            for item in value:
                visit(item)

    for record in RICH_RECORDS:
        visit(record)
    missing = sorted(
        f"{model.__name__}.{name}"
        for model in _models()
        for name in model.model_fields
        if name not in filled.get(model, set())
    )
    if missing:
        warnings.warn(f"round-trip records leave fields unset: {missing}", stacklevel=1)


@pytest.mark.parametrize("record", RICH_RECORDS, ids=["luxdev", "iati"])
def test_round_trip(record: ProjectRecord) -> None:
    out = io.StringIO()
    assert write_records([record, MINIMAL_RECORD, record], out) == 3
    assert out.getvalue().count("\n") == 3
    assert list(read_records(io.StringIO(out.getvalue()), "x")) == [
        record,
        MINIMAL_RECORD,
        record,
    ]


def test_floats_round_trip_exactly() -> None:
    amounts = [0.1 + 0.2, 1e-7, 12_500_000.5, -1_250.5, 1.7976931348623157e308, 5e-324]
    record = _minimal(
        transactions=tuple(
            Transaction(type="3", value=Money(amount=amount, currency="EUR")) for amount in amounts
        ),
    )
    (loaded,) = _read(dumps(record))
    assert isinstance(loaded, ProjectRecord)
    assert [t.value.amount for t in loaded.transactions] == amounts


@pytest.mark.parametrize("record", RICH_RECORDS, ids=["luxdev", "iati"])
def test_lines_are_compact_ordered_and_unescaped(record: ProjectRecord) -> None:
    line = dumps(record)
    assert "\n" not in line
    assert "\\u" not in line
    # Compact: no whitespace outside string literals.
    assert not re.search(r"\s", re.sub(r'"(?:[^"\\]|\\.)*"', '""', line))
    data = json.loads(line)
    fields = list(ProjectRecord.model_fields)
    assert list(data) == sorted(data, key=fields.index)


def test_defaults_are_omitted() -> None:
    assert dumps(MINIMAL_RECORD) == (
        '{"code":"MIN/1","language":"en","source":"hand","title":"Minimal"}'
    )
    for record in RICH_RECORDS:
        line = dumps(record)
        assert "null" not in line
        assert "[]" not in line
    regions = json.loads(dumps(IATI_RECORD))["regions"]
    assert regions[0] == {
        "code": "289",
        "name": "South of Sahara, regional",
        "percentage": 12.5,
    }  # vocabulary "1" is the default
    assert regions[1] == {"code": "AF-W", "vocabulary": "99"}


def test_unicode_is_written_as_is() -> None:
    line = dumps(IATI_RECORD) + dumps(LUXDEV_RECORD)
    assert "\\u" not in line
    for text in ("التدريب المهني", "Autorités", "l’économie", "« cohésion sociale »", "\u2028"):
        assert text in line


def test_non_finite_numbers_are_refused_by_the_model() -> None:
    with pytest.raises(ValidationError, match="Input should be a finite number"):
        Money(amount=float("nan"), currency="EUR")
    with pytest.raises(ValidationError, match="Input should be a finite number"):
        Money(amount=math.inf, currency="EUR")
    # A "null" in the text is not a number.
    assert dumps(MINIMAL_RECORD.model_copy(update={"title": "null NaN Infinity"}))


# -- reading ---------------------------------------------------------------------------


def test_bad_lines_are_rejected_and_the_rest_load() -> None:
    good = dumps(LUXDEV_RECORD)
    results = _read(
        good,
        "",
        "   ",
        '{"code": "X/1", "title": ',
        "[1, 2]",
        '"MLI/801"',
        _rich_line(countries=[{"name": "Mali", "iso2": "Mali"}]),
        _rich_line(title=None),
        _rich_line(colour="blue"),
        _rich_line(
            contributions=[
                {
                    "donor": {"name": "EU"},
                    "committed": {"amount": 1, "currency": "EUR"},
                    "spent": {"amount": 1, "currency": "USD"},
                }
            ]
        ),
        _rich_line(countries=[{"name": "Mali", "percentage": "100"}], duration_months=23.0),
        _rich_line(budget={"amount": float("nan"), "currency": "EUR"}),
        dumps(IATI_RECORD),
    )
    assert results == [
        LUXDEV_RECORD,
        Rejected("test.jsonl", 4, None, "not valid JSON: EOF while parsing a value at column 25"),
        Rejected("test.jsonl", 5, None, "not a JSON object but an array"),
        Rejected("test.jsonl", 6, None, "not a JSON object but a string"),
        Rejected(
            "test.jsonl",
            7,
            "MLI/801",
            "countries.0.iso2: String should match pattern '^[A-Z]{2}$'",
        ),
        Rejected("test.jsonl", 8, "MLI/801", "title: Field required"),
        Rejected("test.jsonl", 9, "MLI/801", "colour: Extra inputs are not permitted"),
        Rejected(
            "test.jsonl",
            10,
            "MLI/801",
            "contributions.0: a contribution is in one currency, not ['EUR', 'USD']",
        ),
        Rejected(
            "test.jsonl",
            11,
            "MLI/801",
            "duration_months: Input should be a valid integer; "
            "countries.0.percentage: Input should be a valid number",
        ),
        Rejected(
            "test.jsonl",
            12,
            "MLI/801",
            "not valid JSON: NaN and Infinity are not JSON numbers",
        ),
        IATI_RECORD,
    ]


def test_rejections_are_the_loaders_common_type() -> None:
    # Bulk loading and the rejects file handle loaders.rejects.Rejected.
    assert Rejected is loaders.rejects.Rejected
    (rejected,) = _read(_rich_line(title=None))
    assert str(rejected) == "test.jsonl:1 (MLI/801): title: Field required"


def test_many_errors_are_summarised() -> None:
    line = json.dumps({"code": 7, "language": "French", "source": 1, "title": 2, "a": 1, "b": 2})
    (rejected,) = _read(line)
    assert isinstance(rejected, Rejected)
    assert rejected.identifier is None  # the code is not a string
    assert rejected.reason.startswith("code: Input should be a valid string; ")
    assert rejected.reason.endswith("; and 1 more")
    assert rejected.reason.count(";") == 5


def test_reading_is_streaming() -> None:
    def lines() -> Iterator[str]:
        yield dumps(MINIMAL_RECORD) + "\n"
        raise AssertionError("read past the first record")

    reader = read_records(cast(TextIO, lines()), "x")
    assert next(reader) == MINIMAL_RECORD


def test_byte_order_mark_and_crlf() -> None:
    text = "\ufeff" + dumps(MINIMAL_RECORD) + "\r\n" + dumps(IATI_RECORD) + "\r\n"
    assert list(read_records(io.StringIO(text, newline=""), "x")) == [
        MINIMAL_RECORD,
        IATI_RECORD,
    ]


def test_read_file_plain_and_gzip(tmp_path: Path) -> None:
    plain = tmp_path / "records.jsonl"
    with plain.open("w", encoding="utf-8") as out:
        write_records(RICH_RECORDS, out)
    assert list(read_file(plain)) == list(RICH_RECORDS)
    assert list(read_file(str(plain))) == list(RICH_RECORDS)

    zipped = tmp_path / "records.jsonl.gz"
    with gzip.open(zipped, "wt", encoding="utf-8") as out:
        write_records(RICH_RECORDS, out)
        out.write("\noops\n")
    *loaded, rejected = read_file(zipped)
    assert loaded == list(RICH_RECORDS)
    assert rejected == Rejected(str(zipped), 4, None, "not valid JSON: expected value at column 1")

    # Recognised by content, not by name.
    misnamed = tmp_path / "misnamed.jsonl"
    misnamed.write_bytes(zipped.read_bytes())
    assert list(read_file(misnamed))[:2] == list(RICH_RECORDS)


def test_read_file_rejects_a_line_that_is_not_utf8_alone(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        dumps(MINIMAL_RECORD).encode()
        + b"\n"
        + '{"code":"X/1","language":"fr","source":"s","title":"Côte"}'.encode("latin-1")
        + b"\n"
        + dumps(IATI_RECORD).encode()
        + b"\n"
    )
    first, rejected, last = read_file(path)
    assert (first, last) == (MINIMAL_RECORD, IATI_RECORD)
    assert isinstance(rejected, Rejected)
    assert (rejected.position, rejected.identifier) == (2, None)
    assert rejected.reason.startswith("not valid JSON: ")


def test_read_file_dash_is_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _lines(dumps(IATI_RECORD), "{}"))
    record, rejected = read_file(Path("-"))
    assert record == IATI_RECORD
    assert isinstance(rejected, Rejected)
    assert (rejected.source, rejected.position) == ("<stdin>", 2)
    assert rejected.reason.startswith("code: Field required; language: Field required")

    # A real stdin has a byte buffer underneath: it is read as bytes, whatever the locale.
    raw = io.TextIOWrapper(io.BytesIO((dumps(LUXDEV_RECORD) + "\n").encode()), encoding="ascii")
    monkeypatch.setattr(sys, "stdin", raw)
    assert list(read_file("-")) == [LUXDEV_RECORD]


# -- lines against the schema ----------------------------------------------------------


def test_lines_validate_with_jsonschema() -> None:
    jsonschema.Draft202012Validator.check_schema(record_schema())
    validator = jsonschema.Draft202012Validator(record_schema())
    for record in (*RICH_RECORDS, MINIMAL_RECORD):
        validator.validate(json.loads(dumps(record)))
    assert not validator.is_valid(json.loads(_rich_line(colour="blue")))


_KNOWN_KEYWORDS = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "default", "type",
    "properties", "required", "additionalProperties", "items", "anyOf", "enum",
    "pattern", "minimum", "maximum", "x-aidgraph-format-version",
}  # fmt: skip


def _schema_errors(
    value: Any, schema: dict[str, Any], root: dict[str, Any], path: str
) -> list[str]:
    """Validate against the subset of JSON Schema that pydantic emits for the record model.

    Stands in for the ``jsonschema`` package, which is not a dependency; it fails on any
    keyword it does not know rather than ignore it.
    """
    unknown = set(schema) - _KNOWN_KEYWORDS
    assert not unknown, f"extend the test validator for {unknown} at {path}"
    if "$ref" in schema:
        return _schema_errors(value, root["$defs"][schema["$ref"].split("/")[-1]], root, path)
    if "anyOf" in schema:
        options = [_schema_errors(value, option, root, path) for option in schema["anyOf"]]
        return [] if any(not errors for errors in options) else [f"{path}: no anyOf matches"]
    kind = schema.get("type")
    checks = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "null": value is None,
        None: True,
    }
    if not checks[kind]:
        return [f"{path}: not {kind}"]
    errors: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: not in enum")
    if "pattern" in schema:
        # ECMA-262 semantics: \d is ASCII and $ is the very end.
        pattern = re.sub(r"\$$", r"\\Z", schema["pattern"])
        if not re.search(pattern, value, re.ASCII):
            errors.append(f"{path}: does not match {schema['pattern']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: below minimum")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: above maximum")
    if kind == "array":
        for index, item in enumerate(value):
            errors += _schema_errors(item, schema["items"], root, f"{path}.{index}")
    if kind == "object":
        properties = schema.get("properties", {})
        errors += [
            f"{path}.{key}: required" for key in schema.get("required", ()) if key not in value
        ]
        if schema.get("additionalProperties") is False:
            errors += [f"{path}.{key}: not allowed" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                errors += _schema_errors(item, properties[key], root, f"{path}.{key}")
    return errors


def test_lines_validate_against_the_schema() -> None:
    schema = record_schema()
    for record in (*RICH_RECORDS, MINIMAL_RECORD):
        assert _schema_errors(json.loads(dumps(record)), schema, schema, "$") == []


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"countries": [{"name": "Mali", "iso2": "Mali"}]}, "$.countries.0.iso2: no anyOf matches"),
        ({"title": None}, "$.title: required"),
        ({"colour": "blue"}, "$.colour: not allowed"),
        ({"duration_months": -1}, "$.duration_months: no anyOf matches"),
        ({"related_activities": [{"ref": "x", "type": 9}]}, "$.related_activities.0.type: not in"),
    ],
)
def test_schema_rejects_what_the_reader_rejects(changes: dict[str, Any], error: str) -> None:
    schema = record_schema()
    line = _rich_line(**changes)
    errors = _schema_errors(json.loads(line), schema, schema, "$")
    assert len(errors) == 1
    assert errors[0].startswith(error)
    (rejected,) = _read(line)
    assert isinstance(rejected, Rejected)
