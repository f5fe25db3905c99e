"""Values as French and English pages write them: money, dates, periods, durations.

Dates come back as ISO 8601 strings at the precision the page gave ("2013",
"2013-05", "2013-05-23"); amounts as :class:`~loaders.records.Money`.

Every ``parse_*`` function reads a whole text (a line that *is* the value) and returns
None when the text is something else; :func:`find_money` and :func:`find_date` look for
values inside running text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from loaders.names import fold_characters
from loaders.records import Money

# ---------------------------------------------------------------------------- money

_CURRENCIES = {
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "\u20ac": "EUR",
    "usd": "USD", "us$": "USD", "$": "USD", "chf": "CHF", "gbp": "GBP",
    "xof": "XOF", "fcfa": "XOF", "f cfa": "XOF",
}  # fmt: skip
_MULTIPLIERS = {"million": 1e6, "millions": 1e6, "mio": 1e6, "milliard": 1e9,
                "milliards": 1e9, "billion": 1e9, "billions": 1e9}  # fmt: skip

_CUR = r"(?:eur|euros?|usd|us\$|\$|chf|gbp|xof|f[ ]?cfa|\u20ac)(?![a-z])"
# Digits grouped by thousands (space, no-break space, comma, dot or apostrophe),
# optionally with decimals; or plain digits.
_NUM = r"(?<![\d.,])(?:\d{1,3}(?:[ .,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)(?![\d])"
_MULT = r"(?:millions?|milliards?|billions?|mio)\b"
_MONEY = re.compile(
    rf"""(?<![a-z])(?P<cur1>{_CUR})\s?(?P<num1>{_NUM})(?:\s(?P<mult1>{_MULT}))?
       | (?P<num2>{_NUM})(?:\s(?P<mult2>{_MULT}))?\s?(?:d[e']\s?)?(?P<cur2>{_CUR})""",
    re.X,
)


@dataclass(frozen=True)
class MoneyMatch:
    money: Money
    start: int
    end: int


def _amount(number: str, multiplier: str | None) -> float:
    digits = number.replace(" ", "").replace("'", "")
    separators = [c for c in digits if c in ".,"]
    if separators:
        last = max(digits.rfind("."), digits.rfind(","))
        decimals = digits[last + 1 :]
        # "1.500" and "1,500,000" group thousands; "20.5" and "2,5" carry decimals.
        grouped = len(set(separators)) == 1 and (len(separators) > 1 or len(decimals) == 3)
        if grouped:
            digits = digits.replace(".", "").replace(",", "")
        else:
            digits = digits[:last].replace(".", "").replace(",", "") + "." + decimals
    return float(digits) * (_MULTIPLIERS[multiplier] if multiplier else 1)


def find_money(text: str) -> list[MoneyMatch]:
    """Every amount written in ``text``, with its span in ``text``."""
    found = []
    for match in _MONEY.finditer(fold_characters(text)):
        number = match["num1"] or match["num2"]
        multiplier = match["mult1"] or match["mult2"]
        currency = _CURRENCIES[(match["cur1"] or match["cur2"])]
        found.append(MoneyMatch(Money(amount=_amount(number, multiplier), currency=currency),
                                match.start(), match.end()))  # fmt: skip
    return found


def parse_money(text: str) -> Money | None:
    """The amount ``text`` consists of ("5 000 000 EUR", "EUR 5,000,000", "5 000 000 €")."""
    stripped = text.strip().rstrip(".")
    found = find_money(stripped)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return found[0].money
    return None


# ---------------------------------------------------------------------------- dates

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip

_MONTH = r"(?P<mon>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:er|re|ere|st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# Most specific first: a day-month-year must not be read as a month-year.
_DATE_FORMS = [
    re.compile(rf"(?P<day>\d{{1,2}})[./](?P<num>\d{{1,2}})[./]{_YEAR}"),
    re.compile(rf"{_YEAR}-(?P<num>\d{{2}})(?:-(?P<day>\d{{2}}))?"),
    re.compile(rf"{_DAY}\s+{_MONTH}\s+{_YEAR}"),
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}"),
    re.compile(rf"{_MONTH}\s+{_YEAR}"),
    re.compile(_YEAR),
]


@dataclass(frozen=True)
class DateMatch:
    date: str
    start: int
    end: int


def _iso(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if groups.get("mon"):
        month = _MONTHS.get(groups["mon"])
        if month is None:
            return None
    elif groups.get("num"):
        month = int(groups["num"])
    else:
        return f"{year:04d}"
    day = groups.get("day")
    try:
        if day:
            return datetime.date(year, month, int(day)).isoformat()
        datetime.date(year, month, 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}"


def _dates(folded: str) -> Iterator[DateMatch]:
    """Dates in folded text, leftmost first, the longest form winning at a position."""
    taken: list[tuple[int, int]] = []
    found = []
    for form in _DATE_FORMS:
        for match in form.finditer(folded):
            bounded = (match.start() == 0 or not folded[match.start() - 1].isalnum()) and (
                match.end() == len(folded) or not folded[match.end()].isalnum()
            )
            overlaps = any(s < match.end() and match.start() < e for s, e in taken)
            iso = _iso(match) if bounded and not overlaps else None
            if iso:
                taken.append((match.start(), match.end()))
                found.append(DateMatch(iso, match.start(), match.end()))
    yield from sorted(found, key=lambda d: d.start)


def find_date(text: str, start: int = 0) -> DateMatch | None:
    """The first date written in ``text`` at or after offset ``start``."""
    return next((d for d in _dates(fold_characters(text)) if d.start >= start), None)


def parse_date(text: str) -> str | None:
    """The date ``text`` consists of: "14.04.2015", "23 mai 2013", "May 2013", "2017"."""
    bare = fold_characters(text).strip().rstrip(".")
    folded = re.sub(r"^(?:le|du|from|on|since|depuis)\s+", "", bare)
    dates = list(_dates(folded))
    return (
        dates[0].date if len(dates) == 1 and dates[0].end - dates[0].start == len(folded) else None
    )


_RANGE_SEPARATOR = re.compile(r"\s*-\s*|\s+(?:au|a|to|until|till|jusqu'au)\s+")


def parse_date_range(text: str) -> tuple[str, str] | None:
    """The period ``text`` consists of: "Mai 2013 - Avril 2015", "01.11.2019 - 31.10.2024"."""
    folded = fold_characters(text).strip().rstrip(".")
    for separator in _RANGE_SEPARATOR.finditer(folded):
        start = parse_date(folded[: separator.start()])
        end = parse_date(folded[separator.end() :])
        if start and end:
            return start, end
    return None


_DURATION = re.compile(r"(\d{1,3})\s*(mois|months?|ans|annees|years?)(?:\s*\(.*\))?\.?")


def parse_duration(text: str) -> int | None:
    """The number of months ``text`` states: "23 mois", "60 months", "3 years"."""
    match = _DURATION.fullmatch(fold_characters(text).strip())
    if not match:
        return None
    count = int(match.group(1))
    return count if match.group(2) in {"mois", "month", "months"} else 12 * count


def months_between(start: str, end: str) -> int | None:
    """The duration of a period in months, counted as LuxDev states it.

    Both ends are included: November 2019 - October 2024 is 60 months, 1 January 2023 -
    31 December 2028 is 72 months; at day precision, whole months from the start to the
    day after the end. None when either end is only a year.
    """
    if len(start) < 7 or len(end) < 7:
        return None
    if len(start) == 10 and len(end) == 10:
        first = datetime.date.fromisoformat(start)
        after = datetime.date.fromisoformat(end) + datetime.timedelta(days=1)
        months = (after.year - first.year) * 12 + after.month - first.month
        return months - (1 if after.day < first.day else 0)
    (start_year, start_month), (end_year, end_month) = (
        (int(d[:4]), int(d[5:7])) for d in (start, end)
    )
    return (end_year - start_year) * 12 + end_month - start_month + 1
