"""Name resolution: countries, organisations (the alias table) and office keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.countries import country_name, iso2_for
from loaders.organisations import AliasTable, AliasTableError, default_aliases
from loaders.records import CountryRef, Office, OrganisationRef, ProjectRecord
from loaders.resolve import ResolveError, resolve


@pytest.mark.parametrize(
    ("name", "iso2"),
    [
        ("Mali", "ML"),
        ("Burkina Faso", "BF"),
        ("Sénégal", "SN"),
        ("Senegal", "SN"),
        ("Cap-Vert", "CV"),
        ("Cabo Verde", "CV"),
        ("Laos", "LA"),
        ("Viêt Nam", "VN"),
        ("Vietnam", "VN"),
        ("Kosovo", "XK"),
        ("Mongolie", "MN"),
        ("NIGER", "NE"),
        ("ml", "ML"),
    ],
)
def test_country_names_in_french_and_english(name: str, iso2: str) -> None:
    assert iso2_for(name) == iso2


def test_unknown_country_is_none() -> None:
    assert iso2_for("Bureau Mali") is None
    assert iso2_for("Atlantis") is None
    assert country_name("QQ") is None


def test_country_names_are_common_english_names() -> None:
    assert [country_name(c) for c in ("ML", "NE", "LA", "XK")] == [
        "Mali",
        "Niger",
        "Laos",
        "Kosovo",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Gouvernement luxembourgeois",
        "Luxembourg Government",
        "LUXEMBOURG GOVERNMENT",
        "Luxembourg - Directorate for Development Cooperation and Humanitarian Affairs",
    ],
)
def test_luxembourg_government_aliases(name: str) -> None:
    organisation = default_aliases().resolve(name)
    assert (organisation.id, organisation.name) == ("XM-DAC-22-2", "Luxembourg Government")


def test_iati_ref_wins_over_name() -> None:
    organisation = default_aliases().resolve("Some local spelling", "XM-DAC-22-2")
    assert organisation.id == "XM-DAC-22-2"


def test_unknown_names_resolve_by_folded_name_or_ref() -> None:
    table = default_aliases()
    assert table.resolve("État burkinabé").id == "name:etat-burkinabe"
    assert table.resolve("Etat Burkinabe").id == "name:etat-burkinabe"
    assert table.resolve("Unknown Org", "XX-1").id == "XX-1"
    assert table.resolve("Unknown Org", "XX-1").name is None


def test_user_alias_file_extends_the_table(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "id,name,alias\n"
        "MC-GOV,Monaco Government,Monaco\n"
        "XM-DAC-22-2,Luxembourg Government,Lëtzebuerg\n"
    )
    table = AliasTable.from_files(Path("loaders/data/organisation_aliases.csv"), extra)
    assert table.resolve("Monaco").id == "MC-GOV"
    assert table.resolve("Letzebuerg").id == "XM-DAC-22-2"


def test_alias_table_with_conflicting_names_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,alias\nA,First,x\nA,Second,y\n")
    with pytest.raises(AliasTableError, match=r"bad.csv:3: id 'A' is named 'First'"):
        AliasTable.from_files(bad)


def test_alias_table_with_missing_columns_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,alias\nA,x\n")
    with pytest.raises(AliasTableError, match="must name the columns id, name, alias"):
        AliasTable.from_files(bad)


def _record(**fields: object) -> ProjectRecord:
    return ProjectRecord.model_validate(
        {"code": "TST/001", "language": "fr", "source": "t.txt", "title": "T", **fields}
    )


def test_offices_of_one_country_are_one_office_in_any_language() -> None:
    keys = {
        resolve(
            _record(office=Office(name=name, agency=OrganisationRef(name="Lux-Development")))
        ).office.key  # type: ignore[union-attr]
        for name in ("Bureau Mali", "Mali Office", "LuxDev's country office Mali")
    }
    assert keys == {"luxdev:ML"}


def test_resolve_fills_country_codes_and_names() -> None:
    record = resolve(_record(countries=[CountryRef(name="Sénégal")]))
    assert record.countries == (CountryRef(name="Senegal", iso2="SN"),)


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(ResolveError, match=r"t.txt: unknown country 'Atlantis'"):
        resolve(_record(countries=[CountryRef(name="Atlantis")]))
