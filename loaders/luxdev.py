"""LuxDev project pages (luxdev.lu/<fr|en>/activities/project/<CODE>) → ProjectRecord.

A page is read as lines (:mod:`loaders.page_text`) in three parts:

1. **Header** - the navigation (intranet login, help) is skipped; the project code is a
   line such as "MLI/801" and the title the line after it (or the page's first-level
   heading, or its first line of content). The page's address - given, or the HTML's
   canonical/og:url - supplies the code and language when the text lacks them.
2. **Information block** - labelled values ("Pays" / "Country", "Budget total" /
   "Total budget", ...; spellings in :mod:`loaders.luxdev_vocabulary`), as plain lines,
   bullets or dash lists, or "Label: value". Values are also placed by their shape when
   their label is missing: a date range is the period, "N mois" / "N months" the
   duration, a lone amount the total budget, a line naming a "Bureau" / "Office" the
   office, and a short line before any other field the country (only when the page
   has no country label). Contributions pair each donor with the amount that follows
   it, however the lines run together.
3. **Free text** - from the first prose line on (see :mod:`loaders.luxdev_prose`).

The language is the one most labels are written in, else the address's.

Duration: the page's stated value wins. Without one it is computed from the period with
both ends included (November 2019 - October 2024 is 60 months, as BKF/026 states);
MLI/801 states 23 months for Mai 2013 - Avril 2015, where that rule gives 24, so no
single rule reproduces every page. Status comes only from what the page says ("Ce
projet est clôturé depuis le ..." → closed), never from today's date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from loaders.luxdev_prose import read_prose
from loaders.luxdev_vocabulary import (
    AGENCY,
    COOPERATION_PROGRAMME,
    DOCUMENT_CATEGORIES,
    LABELS,
    NO_VALUE,
    NOISE_LINES,
    NOISE_PREFIXES,
    OFFICE_WORDS,
    STATUS_SENTENCES,
)
from loaders.names import fold_characters
from loaders.page_text import Line, page_lines, word_count
from loaders.page_values import (
    find_date,
    find_money,
    months_between,
    parse_date_range,
    parse_duration,
    parse_money,
)
from loaders.records import (
    Contribution,
    CooperationProgramme,
    CountryRef,
    Document,
    Money,
    Office,
    OrganisationRef,
    Participation,
    ProjectRecord,
    ProjectStatus,
    Sector,
    Video,
)

__all__ = ["PageError", "parse_file", "parse_page"]


class PageError(ValueError):
    """A page that cannot become a record; the message names the source and the gap."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


def parse_file(path: Path, url: str | None = None) -> ProjectRecord:
    """Parse a saved page (HTML or text, UTF-8); the record's source is the path."""
    return parse_page(path.read_text(encoding="utf-8"), str(path), url)


def parse_page(content: str, source: str, url: str | None = None) -> ProjectRecord:
    """Parse one LuxDev project page, given as HTML or as page text.

    ``url`` is the page's address when known; it gives the code and the language when
    the page itself does not. Raises :class:`PageError` when the code, title or
    language cannot be found.
    """
    lines, meta = page_lines(content)
    address = url or meta.url
    from_address = _ADDRESS.search(address) if address else None
    header = _read_header(lines)
    address_code, address_language = (
        (from_address["code"].upper(), from_address["language"]) if from_address else (None, None)
    )
    code = header.code or address_code
    if code is None:
        raise PageError(source, "no project code found (no code line, no project address)")
    if header.title is None:
        raise PageError(source, "no project title found")
    language = _label_language(lines) or address_language or meta.language
    if language is None:
        raise PageError(source, "no page language found (no labels, no project address)")

    body = _BodyReader(_labels_present(lines))
    body.read(lines[header.body_start :])
    prose = read_prose(body.prose, body.budget)
    start, end = body.period or (None, None)
    duration = body.duration
    if duration is None and start and end:
        duration = months_between(start, end)
    office = Office(name=body.office, agency=OrganisationRef(name=AGENCY)) if body.office else None
    return ProjectRecord(
        code=code,
        language=language,
        source=source,
        title=header.title,
        description=prose.description,
        status=body.status,
        closed_on=body.closed_on,
        start_date=start,
        end_date=end,
        duration_months=duration,
        budget=body.budget,
        countries=tuple(CountryRef(name=name) for name in _unique(body.countries)),
        office=office,
        contributions=_contributions(body.contributions),
        # Every project on LuxDev's site is one LuxDev implements.
        participants=(
            Participation(organisation=OrganisationRef(name=AGENCY), role="implementing"),
            *(
                Participation(organisation=OrganisationRef(name=name), role="partner")
                for name in _unique(body.partners)
            ),
        ),
        programme=prose.programme,
        cooperation_programme=body.cooperation_programme(),
        sectors=tuple(Sector(name=name) for name in _unique(body.sectors)),
        videos=tuple(video.video() for video in body.videos),
        documents=tuple(body.documents),
        results=prose.results,
        agreements=prose.agreements,
        url=address,
    )


_ADDRESS = re.compile(
    r"luxdev\.lu/(?P<language>[a-z]{2})/activities/project/(?P<code>[A-Za-z]{2,4}/\d{2,4})\b"
)
# "MLI/801", "LAO/030", maybe followed by the title: "MLI/801 - Soutien rapide ...".
_CODE_LINE = re.compile(r"(?P<code>[A-Z]{2,4}/\d{2,4})(?:\s*[-\u2013\u2014:|]\s*(?P<title>.+))?")


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


# ---------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class _Label:
    field: str
    language: str  # "fr", "en", or "*" for spellings both languages use
    value: str | None  # a value written on the label's line: "Pays : Mali"


# Longest spelling first, so "budget total" is tried before "budget".
_SPELLINGS = sorted(
    (
        (spelling, label_field, language)
        for label_field, languages in LABELS.items()
        for language, spellings in languages.items()
        for spelling in spellings
    ),
    key=lambda entry: -len(entry[0]),
)


def _is_noise(text: str) -> bool:
    folded = fold_characters(text).strip()
    return folded in NOISE_LINES or folded.startswith(NOISE_PREFIXES)


def _is_shaped(text: str) -> bool:
    """Whether ``text`` is a value recognisable by its shape alone."""
    return bool(parse_date_range(text) or parse_duration(text) is not None or parse_money(text))


def _match_label(text: str) -> _Label | None:
    folded = fold_characters(text).strip()
    for spelling, label_field, language in _SPELLINGS:
        if folded.rstrip(" :") == spelling:
            return _Label(label_field, language, None)
        if folded.startswith(spelling) and folded[len(spelling) : len(spelling) + 1] in {" ", ":"}:
            rest = text.strip()[len(spelling) :]
            value = rest.strip().lstrip(":").strip()
            if value and (rest.lstrip().startswith(":") or _is_shaped(value)):
                return _Label(label_field, language, value)
    return None


def _label_language(lines: Sequence[Line]) -> str | None:
    """The language most labels are written in; None when no label tells (or a tie)."""
    counts = {"fr": 0, "en": 0}
    for line in lines:
        label = _match_label(line.text)
        if label and label.language in counts:
            counts[label.language] += 1
    if counts["fr"] == counts["en"]:
        return None
    return "fr" if counts["fr"] > counts["en"] else "en"


def _labels_present(lines: Sequence[Line]) -> set[str]:
    return {label.field for line in lines if (label := _match_label(line.text))}


def _looks_like_prose(text: str) -> bool:
    """A sentence of running text rather than a label, a value or a title."""
    words = word_count(text)
    return words >= 25 or (words >= 6 and text.rstrip()[-1] in ".!?:;")


def _status_sentence(text: str) -> ProjectStatus | None:
    """The status a sentence such as "Ce projet est clôturé depuis le ..." states."""
    if word_count(text) > 25:
        return None
    folded = fold_characters(text).strip()
    return next((s for s, words in STATUS_SENTENCES if words.search(folded)), None)


# ---------------------------------------------------------------------------- header


@dataclass(frozen=True)
class _Header:
    code: str | None
    title: str | None
    body_start: int  # index of the first line after the code and title


def _read_header(lines: Sequence[Line]) -> _Header:
    """The code and title, found before the first label, value or sentence."""
    content: list[tuple[int, Line]] = []
    for index, line in enumerate(lines):
        text = line.text
        if _is_noise(text):
            continue
        if _match_label(text) or _status_sentence(text) or _is_shaped(text):
            break
        if COOPERATION_PROGRAMME.fullmatch(fold_characters(text)):
            break
        # The line after the code is the title even when it reads like a sentence.
        after_code = bool(content) and bool(_CODE_LINE.fullmatch(content[-1][1].text))
        if _looks_like_prose(text) and not after_code:
            break
        content.append((index, line))

    code_at = next(
        (n for n, (_, line) in enumerate(content) if _CODE_LINE.fullmatch(line.text)), None
    )
    code_match = _CODE_LINE.fullmatch(content[code_at][1].text) if code_at is not None else None
    title, title_at = _find_title(content, code_at, code_match)
    used = [n for n in (code_at, title_at) if n is not None]
    body_start = content[max(used)][0] + 1 if used else 0
    return _Header(code_match["code"] if code_match else None, title, body_start)


def _find_title(
    content: Sequence[tuple[int, Line]], code_at: int | None, code_match: re.Match[str] | None
) -> tuple[str | None, int | None]:
    """The title and its position in ``content``, in order of trust: on the code's line,
    the page's first-level heading, the line after the code, the first line of content."""
    if code_at is not None and code_match and code_match["title"]:
        return code_match["title"], code_at
    headings = [
        n for n, (_, line) in enumerate(content) if line.kind == "heading" and line.level == 1
    ]
    others = [n for n in range(len(content)) if n != code_at]
    if headings:
        title_at: int | None = headings[0]
    elif code_at is not None and code_at + 1 < len(content):
        title_at = code_at + 1
    else:
        title_at = others[0] if others else None
    return (content[title_at][1].text if title_at is not None else None), title_at


# ---------------------------------------------------------------------------- body


@dataclass
class _VideoDraft:
    title: str
    indent: int
    url: str | None
    paragraphs: list[str] = field(default_factory=list)

    def video(self) -> Video:
        return Video(
            title=self.title, description="\n\n".join(self.paragraphs) or None, url=self.url
        )


# Section headings that may still come after the free text has begun.
_LATE_SECTIONS = {"videos", "documentation"}


class _BodyReader:
    """Reads the information block line by line, then collects the free text."""

    def __init__(self, labels_present: set[str]) -> None:
        self.labels_present = labels_present
        self.section: str | None = None  # the label whose values are being read
        self.in_prose = False
        self.prose: list[Line] = []
        self.status: ProjectStatus | None = None
        self.closed_on: str | None = None
        self.countries: list[str] = []
        self.office: str | None = None
        self.sectors: list[str] = []
        self.partners: list[str] = []
        self.period: tuple[str, str] | None = None
        self.duration: int | None = None
        self.budget: Money | None = None
        self.contributions: list[str | Money] = []  # donors and amounts, in page order
        self.contributions_open = False
        self.cooperation_name: str | None = None
        self.cooperation_years: tuple[str, str] | None = None
        self.videos: list[_VideoDraft] = []
        self.documents: list[Document] = []

    def read(self, lines: Sequence[Line]) -> None:
        for index, line in enumerate(lines):
            self._line(line, lines[index + 1] if index + 1 < len(lines) else None)

    def cooperation_programme(self) -> CooperationProgramme | None:
        if self.cooperation_name is None:
            return None
        start, end = self.cooperation_years or (None, None)
        return CooperationProgramme(name=self.cooperation_name, start=start, end=end)

    def _line(self, line: Line, following: Line | None) -> None:
        text = line.text
        if _is_noise(text):
            self.section = None  # navigation between sections ends the current list
            return
        # A status sentence in a video's description speaks of another project.
        if not self.in_prose and self.section != "videos" and self._status(text):
            return
        label = _match_label(text)
        if label and (not self.in_prose or label.field in _LATE_SECTIONS):
            self.in_prose = False
            self.section = label.field
            self.contributions_open |= label.field == "contributions"
            if label.value:
                self._line(replace(line, text=label.value), following)
            return
        if self.in_prose:
            self.prose.append(line)
            return
        in_videos = self.section == "videos"
        if self._cooperation(text) or (in_videos and self._video(line)) or self._shaped(text):
            return
        if _looks_like_prose(text):
            self.in_prose = True
            self.section = None
            self.prose.append(line)
        else:
            self._text(line, following)

    def _status(self, text: str) -> bool:
        status = _status_sentence(text)
        if status is None:
            return False
        self.status = status
        if status == "closed":
            closed = find_date(text)
            self.closed_on = closed.date if closed else None
        return True

    def _cooperation(self, text: str) -> bool:
        """A "PIC 3" line, maybe with its years ("PIC 3 (2017-2021)")."""
        match = COOPERATION_PROGRAMME.fullmatch(fold_characters(text))
        if match is None:
            return False
        years = parse_date_range(match["years"]) if match["years"].strip() else None
        if match["years"].strip() and years is None:
            return False  # a sentence that starts with "PIC 3", not the PIC line
        self.cooperation_name = text[match.start("name") : match.end("name")]
        self.cooperation_years = years
        self.section = "cooperation"
        return True

    def _video(self, line: Line) -> bool:
        """A video title (a bullet) or its description (the text under it)."""
        if line.kind in {"bullet", "heading"}:
            self.videos.append(_VideoDraft(line.text, line.indent, line.link))
            return True
        if not self.videos:
            return False
        video = self.videos[-1]
        # Indented text belongs to the bullet above; unindented text only when the
        # title has no description yet (a copy that lost its indentation).
        if line.indent > video.indent or not video.paragraphs:
            video.paragraphs.append(line.text)
            video.url = video.url or line.link
            return True
        self.section = None
        return False

    def _shaped(self, text: str) -> bool:
        """A value known by its shape: a period, a duration or an amount."""
        period = parse_date_range(text)
        if period:
            if self.section == "cooperation" and self.cooperation_years is None:
                self.cooperation_years = period
            elif self.period is None:
                self.period = period
            return True
        duration = parse_duration(text)
        if duration is not None:
            if self.duration is None:
                self.duration = duration
            return True
        money = parse_money(text)
        if money is None:
            return False
        if self.section == "contributions":
            self.contributions.append(money)
        elif self.budget is None and (self.section == "budget" or not self.contributions_open):
            self.budget = money
        return True

    def _text(self, line: Line, following: Line | None) -> None:
        """A line of words, read as a value of the current label."""
        text = line.text
        folded = fold_characters(text).strip()
        if folded in NO_VALUE:
            return
        if self.section == "country":
            if OFFICE_WORDS.search(folded):  # the office, its own label missing
                self.office = self.office or text
            else:
                self.countries.extend(p.strip() for p in re.split(r"[,;]", text) if p.strip())
        elif self.section == "office":
            self.office = self.office or text
        elif self.section == "sector":
            self.sectors.append(text)
        elif self.section == "partners":
            self.partners.append(text)
        elif self.section == "contributions":
            self.contributions.extend(_money_tokens(text))
        elif self.section == "documentation":
            self._document(line)
        elif self.section is None and line.kind != "heading":
            self._unlabelled(line, following)
        # Words under any other label (links, a budget "non disponible") are not kept.

    def _unlabelled(self, line: Line, following: Line | None) -> None:
        """A line of words with no label before it, placed by where it stands."""
        text = line.text
        folded = fold_characters(text)
        before_any_field = not (
            self.period or self.duration is not None or self.budget or self.contributions_open
            or self.videos or self.documents or self.sectors or self.cooperation_name
        )  # fmt: skip
        if before_any_field and OFFICE_WORDS.search(folded) and "office" not in self.labels_present:
            self.office = self.office or text
        elif (
            before_any_field
            and "country" not in self.labels_present
            and word_count(text) <= 5
            and not re.search(r"\d", text)
        ):
            self.countries.append(text)
        elif (
            self.budget
            and not self.contributions_open
            and "contributions" not in self.labels_present
            and (find_money(text) or (following and find_money(following.text)))
        ):
            # Donors listed under the budget without their label.
            self.contributions_open = True
            self.section = "contributions"
            self.contributions.extend(_money_tokens(text))

    def _document(self, line: Line) -> None:
        folded = fold_characters(line.text)
        category = next((name for name, words in DOCUMENT_CATEGORIES if words.search(folded)), None)
        if category or line.link or line.kind in {"bullet", "heading"}:
            self.documents.append(Document(title=line.text, url=line.link, category=category))


# ---------------------------------------------------------------------------- contributions


def _money_tokens(text: str) -> list[str | Money]:
    """Donor names and amounts of one line, in order: "42,640,199 EUR - Ministère ..."."""
    tokens: list[str | Money] = []
    position = 0
    for match in find_money(text):
        tokens.extend(_donor_names(text[position : match.start]))
        tokens.append(match.money)
        position = match.end
    tokens.extend(_donor_names(text[position:]))
    return tokens


def _donor_names(text: str) -> list[str]:
    name = text.strip(" -\u2013\u2014:;,|\u2022")
    return [name] if name and fold_characters(name) not in NO_VALUE else []


def _contributions(tokens: Sequence[str | Money]) -> tuple[Contribution, ...]:
    """Pair each donor with its amount: the amount after it, or before it when the
    list starts with an amount and ends with a name ("5,000 EUR - Donor")."""
    amount_first = bool(tokens) and isinstance(tokens[0], Money) and isinstance(tokens[-1], str)
    contributions: list[Contribution] = []
    pending: Money | None = None
    for token in tokens:
        if isinstance(token, str):
            amount, pending = (pending, None) if amount_first else (None, None)
            contributions.append(Contribution(donor=OrganisationRef(name=token), amount=amount))
        elif amount_first:
            pending = token
        elif contributions and contributions[-1].amount is None:
            contributions[-1] = contributions[-1].model_copy(update={"amount": token})
    return tuple(contributions)
