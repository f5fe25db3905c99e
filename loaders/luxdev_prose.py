"""Facts stated in the free text of a LuxDev project page.

The free text is the prose after the information block: paragraphs, some of them
introducing a bullet list. The rules look for the *shape* of a statement, in French or
English, never for a page's sentences:

* **programme** - a project is one component of a larger programme when the text says
  so by position ("deuxième composante d'un vaste programme", "component 2 of the
  programme") or lists the programme's components (a paragraph ending in "...
  composantes :" / "... components:" followed by bullets; the bullets are trusted over
  any count word). Its budget is the first amount after the word "budget" in a sentence
  that mentions a programme, unless it is the project's own budget. Its title is a
  quoted name after the word "programme", else the phrase from "programme" to the end
  of the clause in the sentence giving the position; else None.
* **results** - the bullets under a paragraph that ends with ":" and speaks of results
  ("Les résultats à atteindre sont:", "The expected results are:"), or under a short
  heading such as "Expected results".
* **agreements** - sentences where an agreement (convention, accord, agreement, ...) "a
  été signée" / "was signed", with the first date after the verb (else in the sentence).
* **description** - the first paragraph stating the project's aim ("Le projet ... vise
  à", "The project aims to", "L'objectif du projet"); failing that, the first paragraph
  of at least eight words that does not introduce a list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from loaders.luxdev_vocabulary import (
    AGREEMENT_WORDS,
    ARTICLE,
    BUDGET_WORD,
    COMPONENTS_INTRO,
    ITEM_JOINERS,
    ORDINALS,
    POSITION,
    PROGRAMME_WORDS,
    PROJECT_AIM,
    PROJECT_WORDS,
    RESULTS_WORDS,
    SIGNED,
)
from loaders.names import fold_characters
from loaders.page_text import Line, word_count
from loaders.page_values import find_date, find_money
from loaders.records import Agreement, Component, Money, Programme


@dataclass(frozen=True)
class ProseFacts:
    description: str | None = None
    programme: Programme | None = None
    results: tuple[str, ...] = ()
    agreements: tuple[Agreement, ...] = ()


@dataclass
class _Block:
    """A paragraph and the bullets that follow it (``text`` is "" for loose bullets)."""

    text: str
    heading: bool = False
    items: list[str] = field(default_factory=list)

    @property
    def folded(self) -> str:
        return fold_characters(self.text).strip()

    @property
    def introduces_list(self) -> bool:
        return self.folded.endswith(":")


def read_prose(lines: Sequence[Line], project_budget: Money | None) -> ProseFacts:
    """The description, programme, results and agreements stated in ``lines``."""
    blocks = _blocks(lines)
    components_block = next((b for b in blocks if _introduces_components(b)), None)
    results_block = next(
        (b for b in blocks if b is not components_block and _introduces_results(b)), None
    )
    return ProseFacts(
        description=_description(blocks),
        programme=_programme(blocks, components_block, project_budget),
        results=tuple(_clean_item(item) for item in results_block.items) if results_block else (),
        agreements=_agreements(blocks),
    )


def _blocks(lines: Sequence[Line]) -> list[_Block]:
    blocks: list[_Block] = []
    bullet_indent: int | None = None
    for line in lines:
        if line.kind == "bullet":
            if not blocks:
                blocks.append(_Block(""))
            blocks[-1].items.append(line.text)
            bullet_indent = line.indent
        elif bullet_indent is not None and line.indent > bullet_indent and blocks[-1].items:
            blocks[-1].items[-1] += " " + line.text  # a bullet's text continued
        else:
            blocks.append(_Block(line.text, heading=line.kind == "heading"))
            bullet_indent = None
    return blocks


def _sentences(text: str) -> Iterator[str]:
    """The sentences of a paragraph: a full stop not followed by a lower-case word ends one."""
    yield from (s for s in re.split(r"(?<=[.!?])\s+(?=[^a-z\s])", text) if s)


def _clean_item(text: str) -> str:
    """A list item without its joining punctuation and words ("...;", "...; et", "and ...")."""
    previous = None
    while previous != text:
        previous = text
        text = text.strip().rstrip(";,.").strip()
        joiner = ITEM_JOINERS.search(fold_characters(text))
        if joiner:
            text = text[: joiner.start()] + text[joiner.end() :]
    return text


# ---------------------------------------------------------------------------- lists


def _introduces_components(block: _Block) -> bool:
    return bool(block.items) and bool(COMPONENTS_INTRO.search(block.folded))


def _introduces_results(block: _Block) -> bool:
    if not block.items or not block.text:
        return False
    last_sentence = fold_characters(list(_sentences(block.text))[-1])
    is_heading = word_count(block.text) <= 5
    return bool(RESULTS_WORDS.search(last_sentence)) and (block.introduces_list or is_heading)


# ---------------------------------------------------------------------------- programme


def _programme(
    blocks: Sequence[_Block], components_block: _Block | None, project_budget: Money | None
) -> Programme | None:
    components = tuple(
        Component(position=n, title=_clean_item(item))
        for n, item in enumerate(components_block.items if components_block else (), start=1)
    )
    position, title = _position_and_title(blocks)
    if not components and position is None:
        return None  # nothing says the project belongs to a larger programme
    budget, budget_title = _budget_and_title(blocks, project_budget)
    return Programme(
        title=title or budget_title,
        budget=budget,
        components=components,
        project_position=position,
    )


def _paragraph_sentences(blocks: Sequence[_Block]) -> Iterator[str]:
    for block in blocks:
        if block.text and not block.heading:
            yield from _sentences(block.text)


def _position_and_title(blocks: Sequence[_Block]) -> tuple[int | None, str | None]:
    """The component this project implements, from a sentence naming project and programme."""
    for sentence in _paragraph_sentences(blocks):
        folded = fold_characters(sentence)
        if not (PROJECT_WORDS.search(folded) and PROGRAMME_WORDS.search(folded)):
            continue
        match = POSITION.search(folded)
        if match:
            position = ORDINALS[match["ordinal"]] if match["ordinal"] else int(match["number"])
            return position, _programme_title(sentence, match.end())
    return None, None


def _budget_and_title(
    blocks: Sequence[_Block], project_budget: Money | None
) -> tuple[Money | None, str | None]:
    for sentence in _paragraph_sentences(blocks):
        folded = fold_characters(sentence)
        budget_word = BUDGET_WORD.search(folded)
        if not (budget_word and PROGRAMME_WORDS.search(folded)):
            continue
        amounts = [m.money for m in find_money(sentence) if m.start > budget_word.start()]
        if amounts and amounts[0] != project_budget:
            return amounts[0], _quoted_name(sentence)
    return None, None


def _quoted_name(sentence: str, start: int = 0) -> str | None:
    """A name quoted right after the word "programme": le programme « PARIS »."""
    folded = fold_characters(sentence)
    word = PROGRAMME_WORDS.search(folded, start)
    if word is None:
        return None
    quoted = re.match(r"\s*(?:de |d'|du |of )?\"\s*([^\"]+?)\s*\"", folded[word.end() :])
    if quoted is None:
        return None
    offset = word.end()
    return sentence[offset + quoted.start(1) : offset + quoted.end(1)]


def _programme_title(sentence: str, start: int) -> str | None:
    """The programme's name, or the phrase from "programme" to the end of its clause."""
    quoted = _quoted_name(sentence, start)
    if quoted:
        return quoted
    word = PROGRAMME_WORDS.search(fold_characters(sentence), start)
    if word is None:
        return None
    clause = re.split(r"[.;:,]\s", sentence[word.start() :] + " ", maxsplit=1)[0].strip()
    clause = clause.rstrip(".;:, ")
    return clause if 2 <= word_count(clause) <= 25 else None


# ---------------------------------------------------------------------------- agreements


def _agreements(blocks: Sequence[_Block]) -> tuple[Agreement, ...]:
    agreements: list[Agreement] = []
    for sentence in _paragraph_sentences(blocks):
        agreement = _agreement(sentence)
        if agreement and agreement not in agreements:
            agreements.append(agreement)
    return tuple(agreements)


def _agreement(sentence: str) -> Agreement | None:
    folded = fold_characters(sentence)
    signed = SIGNED.search(folded)
    if signed is None:
        return None
    clause_start = max(folded.rfind(mark, 0, signed.start()) for mark in ",;:") + 1
    name = AGREEMENT_WORDS.search(folded, clause_start, signed.start())
    if name is None:
        return None
    # The agreement's own words begin after the last article before its head noun:
    # "La [Convention de délégation ...]", "The [delegation agreement ...]".
    articles = [a.end() for a in ARTICLE.finditer(folded, clause_start, name.start())]
    title = sentence[articles[-1] if articles else clause_start : signed.start()].strip()
    date = find_date(sentence, signed.end()) or find_date(sentence)
    if not title or date is None:
        return None
    return Agreement(title=title[0].upper() + title[1:], signed_on=date.date)


# ---------------------------------------------------------------------------- description


def _description(blocks: Sequence[_Block]) -> str | None:
    paragraphs = [b for b in blocks if b.text and not b.heading and not b.introduces_list]
    aim = next((b for b in paragraphs if PROJECT_AIM.search(b.folded)), None)
    first = next((b for b in paragraphs if word_count(b.text) >= 8), None)
    chosen = aim or first
    return chosen.text if chosen else None
