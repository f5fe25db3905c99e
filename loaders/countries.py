"""Country names in English or French → ISO 3166-1 alpha-2 codes, and canonical names.

The set of codes is the IATI Country codelist shipped in ``loaders/data/iati/Country.xml``
(ISO 3166-1 plus IATI's own, such as XK for Kosovo); names in other forms and in French
come from pycountry's ISO 3166 data and translations.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

import pycountry
from defusedxml import ElementTree

from loaders.names import fold

CODELIST = Path(__file__).parent / "data" / "iati" / "Country.xml"

# Common short forms that neither source spells the way agencies' pages do.
_EXTRA_NAMES = {
    "cap vert": "CV",
    "cape verde": "CV",
    "laos": "LA",
    "kosovo": "XK",
    "vietnam": "VN",
    "tanzania": "TZ",
    "tanzanie": "TZ",
    "bolivia": "BO",
    "bolivie": "BO",
    "palestine": "PS",
    "territoires palestiniens": "PS",
}


@cache
def canonical_names() -> dict[str, str]:
    """ISO alpha-2 code → the IATI codelist's English name."""
    root = ElementTree.parse(CODELIST).getroot()
    names: dict[str, str] = {}
    for item in root.iter("codelist-item"):
        code = item.findtext("code")
        name = item.findtext("name/narrative")
        if code and name:
            names[code.strip()] = name.strip()
    return names


@cache
def _lookup() -> dict[str, str]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                table[fold(name)] = code
                table[fold(french.gettext(name))] = code
    for code, name in canonical_names().items():
        table[fold(name)] = code
    table.update(_EXTRA_NAMES)
    return table


def iso2_for(name: str) -> str | None:
    """The alpha-2 code of the country called ``name``, or None when it is not a country."""
    folded = fold(name)
    if len(folded) == 2 and folded.upper() in canonical_names():
        return folded.upper()
    return _lookup().get(folded)


def country_name(iso2: str) -> str | None:
    """The English name of a country code (ISO's common name where it has one, so "Niger"
    rather than the codelist's "Niger (the)"), or None for a code IATI does not know."""
    if iso2 not in canonical_names():
        return None
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        return canonical_names()[iso2]
    return str(getattr(country, "common_name", None) or country.name)
