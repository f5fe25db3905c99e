"""The IATI codelists the activity parser reads, from ``loaders/data/iati/`` (see its README).

Each codelist is read once (with defusedxml) and cached: ``names(codelist)`` is its code →
English name table, ``codes(codelist)`` its set of codes. The lookups below are the ones
:mod:`loaders.iati` needs, named after what they answer.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from loaders.countries import country_name
from loaders.records import ParticipationRole, ProjectStatus

DATA = Path(__file__).parent / "data" / "iati"

FUNDING_ROLE = "1"
"""The OrganisationRole code of a funder (a contribution in the record, not a participation)."""

_NARRATIVE = "name/narrative"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@cache
def _items(codelist: str) -> tuple[tuple[str, str, str], ...]:
    """(code, English name, category) of every item of ``codelist``, withdrawn ones too:
    published data still uses withdrawn codes, and a name is better than none."""
    root = ElementTree.parse(DATA / f"{codelist}.xml").getroot()
    items = []
    for item in root.iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        if code:
            items.append((code, _english_name(item), (item.findtext("category") or "").strip()))
    return tuple(items)


def _english_name(item: Element) -> str:
    # The codelists' own xml:lang is "en": an untagged narrative is English.
    for narrative in item.iterfind(_NARRATIVE):
        if narrative.get(_XML_LANG, "en") == "en":
            return (narrative.text or "").strip()
    return ""


@cache
def names(codelist: str) -> dict[str, str]:
    """Code → English name of every item of ``codelist`` (e.g. "Sector")."""
    return {code: name for code, name, _ in _items(codelist)}


@cache
def codes(codelist: str) -> frozenset[str]:
    """The codes of ``codelist``."""
    return frozenset(names(codelist))


@cache
def activity_statuses() -> dict[str, ProjectStatus]:
    """ActivityStatus code → the record's status ("Pipeline/identification" → "pipeline")."""
    statuses: dict[str, ProjectStatus] = {
        "pipeline": "pipeline",
        "implementation": "implementation",
        "finalisation": "finalisation",
        "closed": "closed",
        "cancelled": "cancelled",
        "suspended": "suspended",
    }
    return {
        code: statuses[name.split("/")[0].strip().lower()]
        for code, name in names("ActivityStatus").items()
    }


@cache
def organisation_roles() -> dict[str, str]:
    """OrganisationRole code, and (for IATI 1.0x) lower-case name → the role's code.

    "1" and "funding" → "1"; "4" and "implementing" → "4".
    """
    roles = {code: code for code in names("OrganisationRole")}
    roles.update({name.lower(): code for code, name in names("OrganisationRole").items()})
    return roles


@cache
def participation_roles() -> dict[str, ParticipationRole]:
    """OrganisationRole code → the record's participation role, for the roles other than
    Funding (a funder is a contribution, not a participation)."""
    known: dict[str, ParticipationRole] = {
        "accountable": "accountable",
        "extending": "extending",
        "implementing": "implementing",
    }
    return {
        code: known[name.lower()]
        for code, name in names("OrganisationRole").items()
        if name.lower() in known
    }


@lru_cache(maxsize=512)
def country(code: str) -> str | None:
    """The English name of an IATI Country code, or None when the code is not on it."""
    return country_name(code)


def sector_name(vocabulary: str, code: str) -> str | None:
    """The name of a sector code: vocabulary 1 is DAC 5-digit (Sector), 2 DAC 3-digit
    (SectorCategory); other vocabularies have no codelist here."""
    if vocabulary == "1":
        return names("Sector").get(code)
    if vocabulary == "2":
        return names("SectorCategory").get(code)
    return None


def region_name(vocabulary: str, code: str) -> str | None:
    """The name of a region code in vocabulary 1 (OECD DAC); other vocabularies: None."""
    return names("Region").get(code) if vocabulary == "1" else None


@cache
def video_formats() -> frozenset[str]:
    """The FileFormat MIME types of category "video", lower case."""
    return frozenset(code.lower() for code, _, kind in _items("FileFormat") if kind == "video")


def organisation_type(code: str) -> str | None:
    """The name of an OrganisationType code ("10" → "Government")."""
    return names("OrganisationType").get(code)


def document_category(code: str) -> str | None:
    """The name of a DocumentCategory code ("A12" → "Activity web page")."""
    return names("DocumentCategory").get(code)


def transaction_type(code: str) -> str | None:
    """The name of a TransactionType code ("3" → "Disbursement")."""
    return names("TransactionType").get(code)


__all__ = [
    "DATA",
    "FUNDING_ROLE",
    "activity_statuses",
    "codes",
    "country",
    "document_category",
    "names",
    "organisation_roles",
    "organisation_type",
    "participation_roles",
    "region_name",
    "sector_name",
    "transaction_type",
    "video_formats",
]
