"""The words of LuxDev project pages, French and English, in one place.

Everything here is written in folded form (see :func:`loaders.page_text.fold`): lower
case, no accents, ASCII apostrophes. To teach the parser a new label or phrase, add it
here; the parsing code holds no page wording of its own.
"""

from __future__ import annotations

import re
from typing import Final

from loaders.records import ProjectStatus

# Labels of the information block: field -> language -> spellings. "*" marks spellings
# both languages use (the French page says "Videos" too), which say nothing about the
# page's language.
LABELS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "country": {
        "fr": ("pays", "zone geographique"),
        "en": ("country", "countries", "geographical area"),
    },
    "office": {
        "fr": (
            "bureau pays de luxdev",
            "bureau regional de luxdev",
            "bureau regional",
            "bureau pays",
            "bureau de luxdev",
        ),
        "en": (
            "luxdev's country office",
            "luxdev's regional office",
            "luxdev country office",
            "luxdev regional office",
            "regional office",
            "country office",
        ),
    },
    "sector": {"fr": ("secteur", "secteurs"), "en": ("sector", "sectors")},
    "cooperation": {
        "fr": ("programme indicatif de cooperation",),
        "en": ("indicative cooperation programme",),
    },
    "period": {
        "fr": ("periode d'execution", "periode de mise en oeuvre"),
        "en": ("implementation period", "period of implementation"),
    },
    "duration": {"fr": ("duree totale", "duree"), "en": ("total duration", "duration")},
    "budget": {"fr": ("budget total",), "en": ("total budget",), "*": ("budget",)},
    "contributions": {
        "fr": ("repartition des contributions", "repartition du financement"),
        "en": ("contribution breakdown", "breakdown of contributions"),
        "*": ("contributions",),
    },
    "partners": {
        "fr": (
            "agence d'execution partenaire",
            "agences d'execution partenaires",
            "agence d'execution",
            "partenaire d'execution",
            "partenaires d'execution",
        ),
        "en": (
            "partner execution agency",
            "partner execution agencies",
            "partner implementing agency",
            "partner implementing agencies",
            "execution agency",
            "implementing partner",
            "implementing partners",
        ),
    },
    "videos": {"*": ("videos", "video")},
    "documentation": {"*": ("documentation", "documents")},
    "links": {"fr": ("liens",), "en": ("links",)},
}

# Navigation and page furniture around the project (the intranet login, menus, tabs):
# whole lines that are never content.
NOISE_LINES: Final[frozenset[str]] = frozenset({
    "accedez a l'intranet", "intranet access", "acces intranet", "connexion", "log in", "login",
    "se connecter", "ou", "or", "aide", "help", "menu", "rechercher", "search", "retour", "back",
    "partager", "share", "imprimer", "print", "information", "informations",
    "informations generales", "general information", "project information",
    "j'ai oublie mon mot de passe", "mot de passe oublie", "i forgot my password",
    "forgot your password?", "sector notes", "notes sectorielles", "project sheets",
    "fiches projets", "fiches de projet", "fr", "en", "francais", "english",
})  # fmt: skip
NOISE_PREFIXES: Final[tuple[str, ...]] = (
    "connect with google",
    "si vous n'avez pas de compte",
    "if you don't have a luxdev",
    "if you do not have a luxdev",
)

# Values that fill a field without naming anything.
NO_VALUE: Final[frozenset[str]] = frozenset({
    "non specifie", "non-specifie", "non specifiee", "non-specified", "non specified",
    "not specified", "n/a", "na", "-", "/", "regional", "multi-pays", "multi-country",
})  # fmt: skip

# A line naming one of the implementing agency's offices, not a country.
OFFICE_WORDS: Final = re.compile(r"\b(?:bureau|office|antenne)\b")
AGENCY: Final = "LuxDev"

# The Indicative Cooperation Programme: "PIC 3", "ICP III", maybe with its years.
COOPERATION_PROGRAMME: Final = re.compile(
    r"(?P<name>(?:pic|icp)\s?(?:\d{1,2}|[ivx]{1,5}))\b\s*[:(,-]?\s*(?P<years>[^)]*)\)?"
)

# Status sentences: "Ce projet est clôturé depuis le 14.04.2015.", "This project is
# closed since 14.01.2018", "Ce projet est en cours d'exécution". The sentence must have
# the project as subject and a verb, so that a title starting "Projet ..." is not one.
_SUBJECT = (
    r"^(?:ce|cet|le|this|the)\s+(?:projet|project|programme|program|intervention)"
    r"\s+(?:est|a|s'est|is|has|was)\b"
)
# Status (IATI names, as in ``ProjectRecord.status``) -> its words; the first match wins.
_STATUS_WORDS: Final[tuple[tuple[ProjectStatus, str], ...]] = (
    ("closed", r"cloture|clos|termine|acheve|closed|completed|ended|finished"),
    ("cancelled", r"annule|cancelled|canceled"),
    ("suspended", r"suspendu|suspended"),
    ("pipeline", r"en (?:cours de )?(?:formulation|identification)|in formulation"
                 r"|under formulation|being formulated|in the pipeline"),
    ("implementation", r"en cours|ongoing|in progress|under implementation|being implemented"),
)  # fmt: skip
STATUS_SENTENCES: Final[tuple[tuple[ProjectStatus, re.Pattern[str]], ...]] = tuple(
    (status, re.compile(_SUBJECT + r".*\b(?:" + words + r")\b")) for status, words in _STATUS_WORDS
)

# Document categories, a small fixed set; the first matching pattern wins.
DOCUMENT_CATEGORIES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("mid-term-evaluation", re.compile(r"mi-parcours|mid-?term|intermediaire")),
    ("ex-post-evaluation", re.compile(r"ex-?post")),
    ("final-evaluation", re.compile(r"evaluation finale|final evaluation|end-of-project eval")),
    ("evaluation", re.compile(r"\bevaluation\b|\breview\b|\brevue\b")),
    ("completion-report", re.compile(r"rapport (?:d'achevement|de fin|final)|completion report"
                                     r"|final report|end-of-project report")),
    ("project-sheet", re.compile(r"fiche (?:de )?projet|project (?:fact)?sheet|fact ?sheet")),
    ("technical-and-financial-document",
     re.compile(r"document technique et financier|technical and financial (?:document|file)")),
    ("report", re.compile(r"\brapport\b|\breport\b")),
)  # fmt: skip

# ------------------------------------------------------------------ free-text phrases

# A sentence about this project (LuxDev is the agency entrusted with it).
PROJECT_WORDS: Final = re.compile(r"\b(?:projet|project|intervention|luxdev)\b")
PROGRAMME_WORDS: Final = re.compile(r"\b(?:programme|program)\b")
COMPONENT_WORDS = r"(?:composantes?|components?|volets?|piliers?|pillars?)"
# The project's place in its programme: "deuxième composante", "component 2".
ORDINALS: Final[dict[str, int]] = {
    "premier": 1, "premiere": 1, "1er": 1, "1re": 1, "1ere": 1, "first": 1, "1st": 1,
    "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2, "2nde": 2, "2nd": 2,
    "troisieme": 3, "third": 3, "3e": 3, "3eme": 3, "3rd": 3,
    "quatrieme": 4, "fourth": 4, "4e": 4, "4eme": 4, "4th": 4,
    "cinquieme": 5, "fifth": 5, "5e": 5, "5eme": 5, "5th": 5,
    "sixieme": 6, "sixth": 6, "6e": 6, "6eme": 6, "6th": 6,
    "septieme": 7, "seventh": 7, "7e": 7, "7eme": 7, "7th": 7,
    "huitieme": 8, "eighth": 8, "8e": 8, "8eme": 8, "8th": 8,
    "neuvieme": 9, "ninth": 9, "9e": 9, "9eme": 9, "9th": 9,
    "dixieme": 10, "tenth": 10, "10e": 10, "10eme": 10, "10th": 10,
}  # fmt: skip
_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))
POSITION: Final = re.compile(
    rf"\b(?P<ordinal>{_ORDINAL})\s+{COMPONENT_WORDS}\b"
    rf"|\b{COMPONENT_WORDS}\s*(?:n[o\u00b0]\.?\s*|#\s*)?(?P<number>\d{{1,2}})\b"
)
# The sentence introducing the component list: "... via cinq composantes :".
COMPONENTS_INTRO: Final = re.compile(rf"\b{COMPONENT_WORDS}\b[^:]*:$")
# Words of the sentence or heading introducing the results ("Les résultats à atteindre
# sont:", "Expected results").
RESULTS_WORDS: Final = re.compile(r"\b(?:resultats?|results?|extrants?|outputs?)\b")
BUDGET_WORD: Final = re.compile(r"\bbudget\b")
# "La Convention de délégation ... a été signée le 23 mai 2013", "... was signed on ...".
SIGNED: Final = re.compile(
    r"\s+(?:(?:a|ont|avait|avaient|has|have|had|was|were|is|are)\s+)?(?:(?:ete|been)\s+)?"
    r"(?:signee?s?|signed|conclue?s?|concluded)\b"
)
AGREEMENT_WORDS: Final = re.compile(
    r"\b(?:convention|accord|agreement|arrangement|contrat|contract|memorandum|protocole"
    r"|protocol)\b"
)
# An article before an agreement's name: "La [Convention ...]", "The [delegation agreement]".
ARTICLE: Final = re.compile(r"(?<![a-z])(?:la|le|les|une?|the|an?)\s+|(?<![a-z])l'")
# A project's aim: "Le projet ... vise à", "The project aims to", "L'objectif du projet".
PROJECT_AIM: Final = re.compile(
    r"\b(?:projet|project|intervention)\b[^.]*?\b(?:vise|visent|a pour (?:objectif|but|finalite)"
    r"|ambitionne|aims?|seeks?|is intended)\b"
    r"|\bobjectif (?:general |global |specifique )?(?:du|de ce) projet\b"
    r"|\b(?:overall |general |specific )?objective of (?:the|this) project\b"
)
# Words joining list items, dropped from an item's ends: "...; et", "and ...".
ITEM_JOINERS: Final = re.compile(r"^(?:et|and)\s+|\s*[;,.]?\s*\b(?:et|and)$")
