"""IATI activity files (``iati-activities``, versions 1.0x and 2.0x) → ProjectRecords.

:func:`parse_iati` streams a file: each ``iati-activity`` becomes a
:class:`~loaders.records.ProjectRecord`, or a :class:`Rejected` naming why it could not,
and is dropped from memory before the next one is read, so memory does not grow with the
file. The mapping, field by field, is documented in ``docs/iati.md``.

Security: defusedxml reads the prolog (everything before the root element, the only place
a DOCTYPE may stand) with DTDs, entity declarations and external references forbidden;
only then does the C parser read the rest. Without a DTD no entity can be declared, so
none can expand (billion laughs) or read a file (XXE), and expat refuses any reference to
an undeclared one. A refused or malformed file raises :class:`IatiFileError`.

IATI 1.0x and 2.0x differ in how they write the same things (text in the element or in
``narrative`` children, role and transaction-type names or numeric codes, activity-date
types "start-planned" or "1"); both forms are read wherever they occur, whatever version
the file declares.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from math import fsum
from pathlib import Path
from typing import BinaryIO, Protocol, cast
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser
from pydantic import ValidationError

from loaders import iati_codelists as codelists
from loaders.names import fold
from loaders.records import (
    Contribution,
    CountryRef,
    Document,
    Location,
    Money,
    OrganisationRef,
    Participation,
    ProjectRecord,
    ProjectStatus,
    RegionRef,
    RelatedActivity,
    RelatedActivityType,
    Sector,
    Transaction,
    Translation,
    Video,
)
from loaders.rejects import Rejected

__all__ = ["IatiFileError", "Rejected", "parse_iati", "parse_iati_file"]

CHUNK_SIZE = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ROOT = "iati-activities"
_ACTIVITY = "iati-activity"
_NARRATIVE = "narrative"
_DEFAULT_LANGUAGE = "en"


class IatiFileError(ValueError):
    """A file that is unusable as a whole: not XML, a DTD or entity declaration, not
    ``iati-activities``. The message names the file and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class _Reject(Exception):
    """Raised while reading an activity that cannot become a record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


# ------------------------------------------------------------------------------ files


def parse_iati_file(path: Path) -> Iterator[ProjectRecord | Rejected]:
    """Parse an ``iati-activities`` file, plain or gzip-compressed (told by its first
    bytes, whatever its name); the records' source is the path."""
    with path.open("rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        if not compressed:
            yield from _parse(raw, str(path))
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            yield from _parse(unzipped, str(path))


def parse_iati(stream: BinaryIO, source: str) -> Iterator[ProjectRecord | Rejected]:
    """Parse an ``iati-activities`` document read from ``stream`` (bytes), one activity
    at a time, in file order. ``source`` names the stream in records and errors.

    Raises :class:`IatiFileError` when the document is unusable; a document that turns
    out malformed part-way raises it after the activities before the fault were yielded.
    """
    return _parse(stream, source)


def _parse(stream: _Readable, source: str) -> Iterator[ProjectRecord | Rejected]:
    for position, (root, activity) in enumerate(_activities(stream, source), start=1):
        identifier = (activity.findtext("iati-identifier") or "").strip() or None
        yield _record_or_rejected(root, activity, identifier, source, position)


def _record_or_rejected(
    root: Element, activity: Element, identifier: str | None, source: str, position: int
) -> ProjectRecord | Rejected:
    if identifier is None:
        return Rejected(source, position, None, "no iati-identifier")
    try:
        return _read_activity(root, activity, identifier, source)
    except _Reject as reject:
        return Rejected(source, position, identifier, reject.reason)
    except ValidationError as error:
        return Rejected(source, position, identifier, _validation_reason(error))


def _validation_reason(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"invalid {error.title}{f' {where}' if where else ''}: {first['msg']}"


def _activities(stream: _Readable, source: str) -> Iterator[tuple[Element, Element]]:
    """(root, activity) for each ``iati-activity`` child of the root, in order. Each child
    of the root is cleared and detached once read (an activity once the consumer has
    moved on), so the tree holds no more than the activities of one chunk and the one
    being read."""
    guard = _PrologGuard(source)
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    root: Element | None = None
    depth = 0
    try:
        while chunk := _read(stream, source):
            guard.check(chunk)
            parser.feed(chunk)
            # Only start and end events were asked for: each is (event, element).
            events = cast(Iterator[tuple[str, Element]], parser.read_events())
            for event, element in events:
                if event == "start":
                    if root is None:
                        root = _check_root(element, source)
                    depth += 1
                    continue
                depth -= 1
                if depth == 1 and root is not None:
                    # The parser is ahead of us (it has built the whole chunk), but the
                    # children before this one are gone: this one is the first.
                    if element.tag == _ACTIVITY:
                        yield root, element
                    element.clear()
                    del root[0]
        if root is None:
            raise IatiFileError(source, "empty file: no XML element")
        parser.close()
    except ParseError as error:
        raise IatiFileError(source, f"not well-formed XML: {error}") from None


def _read(stream: _Readable, source: str) -> bytes:
    try:
        return stream.read(CHUNK_SIZE)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise IatiFileError(source, f"not a readable gzip file: {error}") from None


def _check_root(element: Element, source: str) -> Element:
    if element.tag != _ROOT:
        raise IatiFileError(source, f"the root element is <{element.tag}>, not <{_ROOT}>")
    return element


class _RootReached(Exception):
    """The prolog guard has seen the root element start: the prolog is over."""


class _PrologGuard:
    """Reads a document's prolog with defusedxml, which refuses DTDs, entity declarations
    and external references; it stops at the root element, since nothing after it can
    declare an entity."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._parser = DefusedXMLParser(
            target=self, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        self._passed = False

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        """The parser's target callback for the first element: the root."""
        raise _RootReached

    def check(self, chunk: bytes) -> None:
        """Raise IatiFileError when ``chunk`` continues a prolog that is not safe."""
        if self._passed:
            return
        try:
            self._parser.feed(chunk)
        except _RootReached:
            self._passed = True
        except DefusedXmlException as error:
            raise IatiFileError(self._source, _refusal(error)) from None
        except ParseError as error:
            raise IatiFileError(self._source, f"not well-formed XML: {error}") from None


def _refusal(error: DefusedXmlException) -> str:
    risk = (
        "a DTD can declare entities that expand without bound (billion laughs) "
        "or read other files (XXE), and IATI files need none"
    )
    if isinstance(error, DTDForbidden):
        return f"refused: a DOCTYPE declaration ({error.name!r}); {risk}"
    if isinstance(error, EntitiesForbidden):
        return f"refused: an entity declaration ({error.name!r}); {risk}"
    return f"refused: an external reference; {risk}"


# --------------------------------------------------------------------------- activity


def _read_activity(root: Element, activity: Element, code: str, source: str) -> ProjectRecord:
    groups = _children(activity)

    def of(tag: str) -> list[Element]:
        return groups.get(tag) or []

    default = (
        _language(activity.get(_XML_LANG)) or _language(root.get(_XML_LANG)) or _DEFAULT_LANGUAGE
    )
    titles = {tagged: texts[0] for tagged, texts in _texts(of("title"), default).items()}
    descriptions = {
        tagged: "\n\n".join(texts)
        for tagged, texts in _texts(_general_descriptions(of("description")), default).items()
    }
    # The record's language is the one its title is in: an activity declared English whose
    # only title is French is recorded in French.
    language = default if default in titles or not titles else next(iter(titles))
    currency = _currency(activity.get("default-currency"), "default-currency")
    status = _status(of("activity-status"))
    dates = _dates(of("activity-date"))
    reporting = _organisations(of("reporting-org"), language)
    funders, participants = _participating(of("participating-org"), language)
    transactions = _transactions(of("transaction"), currency, language)
    documents = _document_links(of("document-link"), language)
    return ProjectRecord(
        code=code,
        language=language,
        source=source,
        title=titles.get(language, code),
        description=descriptions.get(language),
        translations=_translations(titles, descriptions, language),
        status=status,
        closed_on=dates.get("actual_end") if status == "closed" else None,
        start_date=dates.get("actual_start") or dates.get("planned_start"),
        end_date=dates.get("actual_end") or dates.get("planned_end"),
        planned_start=dates.get("planned_start"),
        actual_start=dates.get("actual_start"),
        planned_end=dates.get("planned_end"),
        actual_end=dates.get("actual_end"),
        hierarchy=_hierarchy(activity.get("hierarchy")),
        default_currency=currency,
        budget=_budget(of("budget"), currency),
        countries=_countries(of("recipient-country"), language),
        regions=_regions(of("recipient-region"), language),
        contributions=_contributions(funders, reporting[:1], transactions),
        participants=_unique(
            [Participation(organisation=org, role="reporting") for org in reporting] + participants
        ),
        transactions=tuple(transactions),
        related_activities=_related(of("related-activity")),
        locations=_locations(of("location"), language),
        sectors=_sectors(of("sector"), language),
        videos=tuple(link for link in documents if isinstance(link, Video)),
        documents=tuple(link for link in documents if isinstance(link, Document)),
        results=_results(of("result"), language),
        url=_web_page(of("document-link"), of("activity-website")),
    )


def _children(element: Element) -> dict[str, list[Element]]:
    """The element's children grouped by tag, each group in document order."""
    groups: dict[str, list[Element]] = {}
    for child in element:
        group = groups.get(child.tag)
        if group is None:
            groups[child.tag] = [child]
        else:
            group.append(child)
    return groups


# ------------------------------------------------------------------------------ texts


@lru_cache(maxsize=256)
def _language(value: str | None) -> str | None:
    """The ISO 639-1 code an xml:lang value names ("EN", "en-GB" → "en"), else None."""
    if not value:
        return None
    language = value.strip().lower().replace("_", "-").split("-")[0]
    return language if len(language) == 2 and language.isascii() and language.isalpha() else None


def _narratives(element: Element, language: str) -> list[tuple[str, str]]:
    """(language, text) of each non-empty narrative of ``element``; without narratives,
    its own text (IATI 1.0x). A narrative's language defaults to its element's, then to
    ``language`` (the activity's)."""
    own = element.get(_XML_LANG)
    if own:
        language = _language(own) or language
    found = []
    for child in element:
        if child.tag == _NARRATIVE and child.text and (text := child.text.strip()):
            tagged = child.get(_XML_LANG)
            found.append(((_language(tagged) or language) if tagged else language, text))
    if found:
        return found
    text = (element.text or "").strip()
    return [(language, text)] if text else []


def _pick(element: Element | None, language: str) -> str | None:
    """The element's text in ``language``, else its first text."""
    if element is None:
        return None
    narratives = _narratives(element, language)
    for tagged, text in narratives:
        if tagged == language:
            return text
    return narratives[0][1] if narratives else None


def _texts(elements: Iterable[Element], language: str) -> dict[str, list[str]]:
    """Language → the elements' texts in it, in order; languages in order of appearance."""
    texts: dict[str, list[str]] = {}
    for element in elements:
        for tagged, text in _narratives(element, language):
            texts.setdefault(tagged, []).append(text)
    return texts


def _general_descriptions(descriptions: list[Element]) -> list[Element]:
    """The general descriptions (type 1, the default); without any, those of the lowest
    type present (2 objectives, 3 target groups, 4 other)."""
    by_type: dict[str, list[Element]] = {}
    for description in descriptions:
        kind = (description.get("type") or "1").strip() or "1"
        by_type.setdefault(kind, []).append(description)
    if "1" in by_type:
        return by_type["1"]
    return by_type[min(by_type)] if by_type else []


def _translations(
    titles: dict[str, str], descriptions: dict[str, str], language: str
) -> tuple[Translation, ...]:
    others = dict.fromkeys([*titles, *descriptions])
    others.pop(language, None)
    return tuple(
        Translation(language=other, title=titles.get(other), description=descriptions.get(other))
        for other in others
    )


# ------------------------------------------------------------------------------ values

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@lru_cache(maxsize=4096)
def _date_or_none(value: str) -> str | None:
    day = value.strip()[:10]  # "2019-01-01T00:00:00Z" is that day
    if not _DATE.fullmatch(day):
        return None
    try:
        date.fromisoformat(day)
    except ValueError:
        return None
    return day


def _date(value: str | None, what: str) -> str | None:
    """An iso-date attribute as YYYY-MM-DD; None when absent or empty."""
    if value is None or not value.strip():
        return None
    day = _date_or_none(value)
    if day is None:
        raise _Reject(f"{what} iso-date {value!r} is not a date")
    return day


# xsd:decimal, as IATI writes amounts and percentages: no exponent, no "inf" or "nan",
# no digit separators (Python's float() would take "1_000").
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _decimal(text: str) -> float | None:
    text = text.strip()
    return float(text) if _DECIMAL.fullmatch(text) else None


def _amount(text: str | None, what: str) -> float:
    if text is None or not text.strip():
        raise _Reject(f"{what} has no value")
    amount = _decimal(text)
    if amount is None:
        raise _Reject(f"{what} value {text.strip()!r} is not a number")
    return amount


def _percentage(element: Element, what: str) -> float | None:
    raw = element.get("percentage")
    if raw is None or not raw.strip():
        return None
    value = _decimal(raw)
    if value is None:
        raise _Reject(f"{what} percentage {raw!r} is not a number")
    if not 0 <= value <= 100:
        raise _Reject(f"{what} percentage {raw!r} is not between 0 and 100")
    return value


_CURRENCY = re.compile(r"[A-Z]{3}")


def _currency(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    currency = value.strip().upper()
    if not _CURRENCY.fullmatch(currency):
        raise _Reject(f"{what} {value!r} is not an ISO 4217 code")
    return currency


def _hierarchy(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise _Reject(f"hierarchy {value!r} is not a number") from None


def _code(element: Element, attribute: str = "code") -> str:
    return (element.get(attribute) or "").strip()


# ------------------------------------------------------------------ status and dates

_DATE_FIELDS = {
    "1": "planned_start",
    "2": "actual_start",
    "3": "planned_end",
    "4": "actual_end",
    # IATI 1.0x
    "start-planned": "planned_start",
    "start-actual": "actual_start",
    "end-planned": "planned_end",
    "end-actual": "actual_end",
}


def _status(elements: list[Element]) -> ProjectStatus | None:
    if not elements or not (code := _code(elements[0])):
        return None
    status = codelists.activity_statuses().get(code)
    if status is None:
        raise _Reject(f"activity-status code {code!r} is not on the ActivityStatus codelist")
    return status


def _dates(elements: list[Element]) -> dict[str, str]:
    """Record field → date; the first date of each type wins."""
    dates: dict[str, str] = {}
    for element in elements:
        kind = _code(element, "type")
        field = _DATE_FIELDS.get(kind.lower())
        if field is None:
            raise _Reject(f"activity-date type {kind!r} is not an ActivityDateType code")
        day = _date(element.get("iso-date"), "activity-date")
        if day is not None:
            dates.setdefault(field, day)
    return dates


# ---------------------------------------------------------------------- organisations

# Placeholders publishers put where they have no identifier.
_NOT_IDENTIFIERS = frozenset(
    {"n/a", "na", "none", "null", "nil", "0", "-", "--", "#", ";", ".", "x", "tbc", "tbd",
     "unknown", "not available", "no identifier", "not applicable"}
)  # fmt: skip
# OECD CRS channel categories ("21000" International NGO, "12000" Recipient Government):
# publishers use them as refs for many different organisations, which would then be
# resolved to one. A category is not an organisation's identifier.
_CHANNEL_CATEGORIES = frozenset(
    {"10000", "11000", "12000", "13000", "20000", "21000", "22000", "23000", "30000",
     "31000", "32000", "40000", "41000", "46000", "47000", "50000", "51000", "52000",
     "60000", "61000", "62000", "63000", "90000"}
)  # fmt: skip


@lru_cache(maxsize=4096)
def _ref(value: str) -> str | None:
    """An organisation ref when it is an identifier: not a placeholder, not a CRS channel
    category, no spaces (a ref with spaces is a name in the wrong place)."""
    ref = value.strip()
    if (
        ref.lower() in _NOT_IDENTIFIERS
        or ref in _CHANNEL_CATEGORIES
        or not any(char.isalnum() for char in ref)
        or any(char.isspace() for char in ref)
    ):
        return None
    return ref


def _organisation(element: Element | None, language: str) -> OrganisationRef | None:
    """The organisation an element names: its narrative (else, without one, its ref) and
    its ref when that is an identifier. None when it names nothing."""
    if element is None:
        return None
    raw = (element.get("ref") or "").strip()
    ref = _ref(raw) if raw else None
    name = _pick(element, language)
    if name is None and (ref or (raw.lower() not in _NOT_IDENTIFIERS and _has_letter(raw))):
        name = ref or raw
    return _organisation_ref(name, ref) if name else None


@lru_cache(maxsize=4096)
def _organisation_ref(name: str, ref: str | None) -> OrganisationRef:
    # Records are immutable, so one instance can stand for every mention: the same
    # organisations recur in every transaction.
    return OrganisationRef(name=name, ref=ref)


def _has_letter(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _organisations(elements: list[Element], language: str) -> list[OrganisationRef]:
    found = (_organisation(element, language) for element in elements)
    return [org for org in found if org is not None]


def _participating(
    elements: list[Element], language: str
) -> tuple[list[OrganisationRef], list[Participation]]:
    """(funders, other participations) in document order."""
    funders: list[OrganisationRef] = []
    participants: list[Participation] = []
    roles = codelists.organisation_roles()
    for element in elements:
        organisation = _organisation(element, language)
        if organisation is None:
            continue
        raw = _code(element, "role")
        role = roles.get(raw.lower())
        if role is None:
            what = f"participating-org {organisation.name!r}"
            raise _Reject(
                f"{what} role {raw!r} is not an OrganisationRole code"
                if raw
                else f"{what} has no role"
            )
        if role == codelists.FUNDING_ROLE:
            funders.append(organisation)
        else:
            participants.append(
                Participation(organisation=organisation, role=codelists.participation_roles()[role])
            )
    return funders, participants


def _unique(participations: list[Participation]) -> tuple[Participation, ...]:
    seen: set[tuple[str | None, str, str]] = set()
    unique = []
    for participation in participations:
        key = (participation.organisation.ref, participation.organisation.name, participation.role)
        if key not in seen:
            seen.add(key)
            unique.append(participation)
    return tuple(unique)


# ----------------------------------------------------------------- places and sectors


def _countries(elements: list[Element], language: str) -> tuple[CountryRef, ...]:
    countries = []
    for element in elements:
        code = _code(element).upper()
        if not code:
            # Without a code, a name is still a country the resolver can look up; an
            # element with neither (seen in real data) names nothing.
            name = _pick(element, language)
            if name:
                countries.append(
                    CountryRef(name=name, percentage=_percentage(element, "recipient-country"))
                )
            continue
        name = codelists.country(code)
        if name is None:
            # Some publishers put region codes here (998 "Developing countries").
            hint = " (a recipient-region code)" if codelists.region_name("1", code) else ""
            raise _Reject(f"unknown recipient-country code {code!r}{hint}")
        percentage = _percentage(element, f"recipient-country {code!r}")
        countries.append(CountryRef(name=name, iso2=code, percentage=percentage))
    return tuple(countries)


def _regions(elements: list[Element], language: str) -> tuple[RegionRef, ...]:
    regions = []
    for element in elements:
        code = _code(element)
        if not code:
            continue
        vocabulary = _code(element, "vocabulary") or "1"
        name = codelists.region_name(vocabulary, code) or _pick(element, language)
        percentage = _percentage(element, f"recipient-region {code!r}")
        regions.append(
            RegionRef(code=code, vocabulary=vocabulary, name=name, percentage=percentage)
        )
    return tuple(regions)


# IATI 1.0x sector vocabularies written as text that have a 2.0x code (RO and RO2 are
# the reporting organisation's own, 99 and 98); the others are kept as written.
_SECTOR_VOCABULARIES = {"dac": "1", "dac-3": "2", "ro": "99", "ro2": "98"}


def _sectors(elements: list[Element], language: str) -> tuple[Sector, ...]:
    sectors = []
    for element in elements:
        code = _code(element) or None
        raw = _code(element, "vocabulary")
        vocabulary = _SECTOR_VOCABULARIES.get(raw.lower(), raw) or "1"
        narrative = _pick(element, language)
        name = (codelists.sector_name(vocabulary, code) if code else None) or narrative or code
        if name is None:
            continue
        percentage = _percentage(element, f"sector {code or name!r}")
        sectors.append(
            Sector(
                name=name,
                code=code,
                vocabulary=vocabulary if code else None,
                percentage=percentage,
            )
        )
    return tuple(sectors)


def _locations(elements: list[Element], language: str) -> tuple[Location, ...]:
    locations = []
    for index, element in enumerate(elements, start=1):
        name = _pick(element.find("name"), language)
        latitude, longitude = _point(element, f"location {index}")
        if name or latitude is not None:
            locations.append(Location(name=name, latitude=latitude, longitude=longitude))
    return tuple(locations)


def _point(location: Element, what: str) -> tuple[float | None, float | None]:
    """(latitude, longitude) from point/pos "lat lon" (2.0x) or coordinates (1.0x)."""
    point = location.find("point")
    pos = point.find("pos") if point is not None else None
    coordinates = location.find("coordinates")
    if pos is not None and pos.text and pos.text.strip():
        parts = pos.text.split()
    elif coordinates is not None:
        parts = [coordinates.get("latitude") or "", coordinates.get("longitude") or ""]
    else:
        return None, None
    if not any(parts):
        return None, None
    text = " ".join(parts)
    latitude, longitude = (_decimal(part) for part in parts) if len(parts) == 2 else (None, None)
    if latitude is None or longitude is None:
        raise _Reject(f"{what} point {text!r} is not 'latitude longitude'")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise _Reject(f"{what} point {text!r} is outside -90..90, -180..180")
    return latitude, longitude


# ------------------------------------------------------------------------------ money

_BUDGET_TYPES = {"1": "1", "2": "2", "original": "1", "revised": "2"}


def _value(value: Element | None, default_currency: str | None, what: str) -> tuple[float, str]:
    """(amount, currency) of a value element."""
    if value is None:
        raise _Reject(f"{what} has no value")
    amount = _amount(value.text, what)
    currency = _currency(value.get("currency"), f"{what} currency") or default_currency
    if currency is None:
        raise _Reject(f"{what} has no currency and the activity no default-currency")
    return amount, currency


def _budget(elements: list[Element], default_currency: str | None) -> Money | None:
    """The activity's total budget: per period start the revised budgets (type 2) where
    there are any, else the original ones (type 1, the default); summed in the currency
    most of them are in."""
    by_period: dict[str | None, dict[str, list[tuple[float, str]]]] = {}
    for index, element in enumerate(elements, start=1):
        what = f"budget {index}"
        raw = _code(element, "type") or "1"
        kind = _BUDGET_TYPES.get(raw.lower())
        if kind is None:
            raise _Reject(f"{what} type {raw!r} is not a BudgetType code")
        start_element = element.find("period-start")
        start = (
            _date(start_element.get("iso-date"), f"{what} period-start")
            if start_element is not None
            else None
        )
        value = _value(element.find("value"), default_currency, what)
        by_period.setdefault(start, {}).setdefault(kind, []).append(value)
    chosen = [value for kinds in by_period.values() for value in kinds.get("2") or kinds["1"]]
    if not chosen:
        return None
    currency = Counter(currency for _, currency in chosen).most_common(1)[0][0]
    # fsum: a sum of many decimal amounts stays the decimal total (no 15000000.000000006).
    total = fsum(amount for amount, in_currency in chosen if in_currency == currency)
    return Money(amount=total, currency=currency)


# IATI 1.0x transaction types (letters) → TransactionType codes.
_TRANSACTION_TYPES_1 = {
    "IF": "1", "C": "2", "D": "3", "E": "4", "IR": "5",
    "LR": "6", "R": "7", "QP": "8", "QS": "9", "CG": "10",
}  # fmt: skip


def _transaction_type(raw: str, what: str) -> str:
    if raw in codelists.codes("TransactionType"):
        return raw
    code = _TRANSACTION_TYPES_1.get(raw.upper())
    if code is None:
        raise _Reject(
            f"{what} transaction-type {raw!r} is not a TransactionType code"
            if raw
            else f"{what} has no transaction-type"
        )
    return code


def _transactions(
    elements: list[Element], default_currency: str | None, language: str
) -> list[Transaction]:
    transactions = []
    for index, element in enumerate(elements, start=1):
        what = f"transaction {index}"
        kind = element.find("transaction-type")
        code = _transaction_type(_code(kind) if kind is not None else "", what)
        value = element.find("value")
        amount, currency = _value(value, default_currency, what)
        when = element.find("transaction-date")
        day = _date(when.get("iso-date"), f"{what} transaction-date") if when is not None else None
        if day is None and value is not None:
            day = _date(value.get("value-date"), f"{what} value-date")
        transactions.append(
            Transaction(
                type=code,
                value=Money(amount=amount, currency=currency),
                date=day,
                provider=_organisation(element.find("provider-org"), language),
                receiver=_organisation(element.find("receiver-org"), language),
            )
        )
    return transactions


# Transaction types that count towards a contribution, by the kind of total they feed.
_INCOMING_FUNDS, _OUTGOING_COMMITMENT, _DISBURSEMENT, _EXPENDITURE = "1", "2", "3", "4"
_INCOMING_COMMITMENT = "11"
_INCOMING = frozenset({_INCOMING_FUNDS, _INCOMING_COMMITMENT})
_COUNTED = frozenset({*_INCOMING, _OUTGOING_COMMITMENT, _DISBURSEMENT, _EXPENDITURE})


@lru_cache(maxsize=4096)
def _folded(name: str) -> str:
    return fold(name)


def _same(a: OrganisationRef, b: OrganisationRef) -> bool:
    """One organisation: the same ref, or the same name up to case, accents, punctuation."""
    if a.ref and b.ref and a.ref.lower() == b.ref.lower():
        return True
    return _folded(a.name) == _folded(b.name)


def _index(donors: list[OrganisationRef], organisation: OrganisationRef | None) -> int | None:
    if organisation is None:
        return None
    return next((i for i, donor in enumerate(donors) if _same(donor, organisation)), None)


def _contributions(
    funders: list[OrganisationRef],
    reporting: list[OrganisationRef],
    transactions: list[Transaction],
) -> tuple[Contribution, ...]:
    """One contribution per donor and currency (the rule is in docs/iati.md).

    Donors are the funding participants and the providers of incoming funds and
    commitments. A transaction counts for the donor that is its provider; one whose
    provider is no donor (none, or the reporting organisation itself) counts for the
    reporting organisation when that is a donor, else for the only donor, else for none.
    """
    donors: list[OrganisationRef] = []
    for organisation in funders:
        if _index(donors, organisation) is None:
            donors.append(organisation)
    for transaction in transactions:
        provider = transaction.provider
        if transaction.type in _INCOMING and provider and _index(donors, provider) is None:
            donors.append(provider)
    default = _index(donors, reporting[0] if reporting else None)
    if default is None and len(donors) == 1:
        default = 0
    totals: dict[tuple[int, str], dict[str, list[float]]] = {}
    for transaction in transactions:
        if transaction.type not in _COUNTED:
            continue
        index = _index(donors, transaction.provider)
        index = default if index is None else index
        if index is None:
            continue
        kinds = totals.setdefault((index, transaction.value.currency), {})
        kinds.setdefault(transaction.type, []).append(transaction.value.amount)
    contributions = []
    for index, donor in enumerate(donors):
        currencies = [currency for (i, currency) in totals if i == index]
        if not currencies:
            contributions.append(Contribution(donor=donor))
        for currency in currencies:
            contributions.append(_contribution(donor, currency, totals[(index, currency)]))
    return tuple(contributions)


def _contribution(
    donor: OrganisationRef, currency: str, kinds: dict[str, list[float]]
) -> Contribution:
    def money(*types: str) -> Money | None:
        # The first type present wins: what the donor gave as the recipient reports it
        # (incoming) before what was passed on in the donor's name (outgoing).
        for kind in types:
            if kind in kinds:
                return Money(amount=fsum(kinds[kind]), currency=currency)
        return None

    committed = money(_INCOMING_COMMITMENT, _OUTGOING_COMMITMENT)
    disbursed = money(_INCOMING_FUNDS, _DISBURSEMENT)
    # The contribution is what was promised, else what was received; outgoing
    # disbursements alone say what was passed on so far, not what the donor gives.
    return Contribution(
        donor=donor,
        amount=committed or money(_INCOMING_FUNDS),
        committed=committed,
        disbursed=disbursed,
        spent=money(_EXPENDITURE),
    )


# ---------------------------------------------------------------- links and results

_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "dai.ly")
_WEB_PAGE = "A12"  # DocumentCategory "Activity web page"


def _is_video(format_: str, url: str | None) -> bool:
    # A video/* type not (yet) on the FileFormat codelist is a video all the same.
    if format_ in codelists.video_formats() or format_.startswith("video/"):
        return True
    if not url or not any(known in url.lower() for known in _VIDEO_HOSTS):
        return False
    host = (urlsplit(url).hostname or "").lower()
    return any(host == known or host.endswith("." + known) for known in _VIDEO_HOSTS)


def _document_links(elements: list[Element], language: str) -> list[Document | Video]:
    links: list[Document | Video] = []
    for element in elements:
        url = (element.get("url") or "").strip() or None
        title = _pick(element.find("title"), language) or url
        if title is None:
            continue
        format_ = _code(element, "format").lower()
        if _is_video(format_, url):
            description = _pick(element.find("description"), language)
            links.append(Video(title=title, url=url, description=description))
        else:
            category = element.find("category")
            links.append(
                Document(
                    title=title,
                    url=url,
                    category=(_code(category) or None) if category is not None else None,
                )
            )
    return links


def _web_page(links: list[Element], websites: list[Element]) -> str | None:
    """The activity's web page: a document-link in category A12, or (1.0x) its
    activity-website."""
    for element in links:
        url = (element.get("url") or "").strip()
        if url and any(_code(c) == _WEB_PAGE for c in element.iterfind("category")):
            return url
    for element in websites:
        text = (element.text or "").strip()
        if text:
            return text
    return None


_RELATED_TYPES: dict[str, RelatedActivityType] = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def _related(elements: list[Element]) -> tuple[RelatedActivity, ...]:
    related = []
    for element in elements:
        ref = _code(element, "ref")
        raw = _code(element, "type")
        if not ref and not raw:
            continue  # an empty element (seen in real data) relates to nothing
        kind = _RELATED_TYPES.get(raw)
        if not ref or kind is None:
            raise _Reject(
                f"related-activity {ref!r} type {raw!r} is not a RelatedActivityType code"
                if ref
                else f"related-activity of type {raw!r} has no ref"
            )
        related.append(RelatedActivity(ref=ref, type=kind))
    return tuple(related)


def _results(elements: list[Element], language: str) -> tuple[str, ...]:
    titles = (_pick(element.find("title"), language) for element in elements)
    return tuple(dict.fromkeys(title for title in titles if title))
