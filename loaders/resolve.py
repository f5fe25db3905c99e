"""Resolve a parsed record's names to the graph's keys: countries to ISO codes,
organisations to canonical ids, sectors, programmes and PICs to stable keys.

Parsers report what a source says; this step decides which nodes that means, so every
source that names the same thing the same way lands on the same node.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from loaders.countries import country_name, iso2_for
from loaders.names import fold, slug
from loaders.organisations import AliasTable, default_aliases
from loaders.records import (
    CooperationProgramme,
    CountryRef,
    Office,
    OrganisationRef,
    Programme,
    ProjectRecord,
    Sector,
    Transaction,
)


class ResolveError(ValueError):
    """A record names something that cannot be resolved (an unknown country, say)."""


def resolve(record: ProjectRecord, aliases: AliasTable | None = None) -> ProjectRecord:
    """A copy of ``record`` with every key the graph writer needs filled in."""
    table = aliases or default_aliases()
    countries = tuple(_country(record, country) for country in record.countries)
    return record.model_copy(
        update={
            "countries": countries,
            "office": _office(record.office, table),
            "contributions": tuple(
                c.model_copy(update={"donor": _organisation(c.donor, table)})
                for c in record.contributions
            ),
            "participants": tuple(
                p.model_copy(update={"organisation": _organisation(p.organisation, table)})
                for p in record.participants
            ),
            "transactions": tuple(_transaction(t, table) for t in record.transactions),
            "sectors": tuple(_sector(sector, record) for sector in record.sectors),
            "programme": _programme(record),
            "cooperation_programme": _cooperation_programme(record, countries),
        }
    )


# Records are immutable, so one resolved copy serves every mention of an organisation by
# the same name and ref: files name the same few organisations thousands of times.
_RESOLVED: WeakKeyDictionary[AliasTable, dict[tuple[str, str | None], OrganisationRef]] = (
    WeakKeyDictionary()
)
_CACHED_ORGANISATIONS = 4096  # per table; the cache starts over when full: memory stays flat


def _organisation(organisation: OrganisationRef, table: AliasTable) -> OrganisationRef:
    if organisation.id is not None or organisation.canonical_name is not None:
        return _resolve_organisation(organisation, table)
    cache = _RESOLVED.setdefault(table, {})
    key = (organisation.name, organisation.ref)
    resolved = cache.get(key)
    if resolved is None:
        if len(cache) >= _CACHED_ORGANISATIONS:
            cache.clear()
        resolved = cache[key] = _resolve_organisation(organisation, table)
    return resolved


def _resolve_organisation(organisation: OrganisationRef, table: AliasTable) -> OrganisationRef:
    canonical = table.resolve(organisation.name, organisation.ref)
    return organisation.model_copy(update={"id": canonical.id, "canonical_name": canonical.name})


def _transaction(transaction: Transaction, table: AliasTable) -> Transaction:
    parties = {
        side: _organisation(org, table)
        for side, org in (("provider", transaction.provider), ("receiver", transaction.receiver))
        if org is not None
    }
    return transaction.model_copy(update=parties)


def _country(record: ProjectRecord, country: CountryRef) -> CountryRef:
    iso2 = country.iso2 or iso2_for(country.name)
    name = country_name(iso2) if iso2 else None
    if iso2 is None or name is None:
        raise ResolveError(f"{record.source}: unknown country {country.name!r}")
    return country.model_copy(update={"name": name, "iso2": iso2})


# Words around the place in an office's name, in French and English.
_OFFICE_WORDS = re.compile(
    r"\b(bureau|office|regional|country|pays|luxdev|s|de|du|des|d|l|la|le|au|en|in|of|the)\b"
)


def _office(office: Office | None, table: AliasTable) -> Office | None:
    if office is None:
        return None
    agency = _organisation(office.agency, table)
    place = _OFFICE_WORDS.sub(" ", fold(office.name))
    where = iso2_for(place) or slug(office.name)
    return office.model_copy(update={"agency": agency, "key": f"{agency.id}:{where}"})


# IATI sector vocabularies 98 and 99 are each reporting organisation's own.
_PUBLISHER_VOCABULARIES = {"98", "99"}


def _sector(sector: Sector, record: ProjectRecord) -> Sector:
    if sector.key:
        return sector
    if not sector.code:
        return sector.model_copy(update={"key": f"name:{slug(sector.name)}"})
    vocabulary = sector.vocabulary or "unknown"
    if vocabulary in _PUBLISHER_VOCABULARIES:
        reporter = next(
            (p.organisation for p in record.participants if p.role == "reporting"), None
        )
        owner = (reporter.ref or slug(reporter.name)) if reporter else record.code
        return sector.model_copy(update={"key": f"{vocabulary}:{owner}:{sector.code}"})
    return sector.model_copy(update={"key": f"{vocabulary}:{sector.code}"})


def _programme(record: ProjectRecord) -> Programme | None:
    programme = record.programme
    if programme is None or programme.key:
        return programme
    # A page describes its programme without naming an identifier for it: the programme
    # is known only as the one this project belongs to.
    return programme.model_copy(update={"key": f"{record.code}#programme"})


def _cooperation_programme(
    record: ProjectRecord, countries: tuple[CountryRef, ...]
) -> CooperationProgramme | None:
    pic = record.cooperation_programme
    if pic is None or pic.key:
        return pic
    # A PIC is a country's programme with Luxembourg: one per country and number.
    scope = "-".join(sorted(c.iso2 for c in countries if c.iso2)) or record.code
    return pic.model_copy(update={"key": f"{scope}:{slug(pic.name)}"})
