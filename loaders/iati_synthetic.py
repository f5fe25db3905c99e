"""Deterministic synthetic IATI 2.03 activities, for benchmarks at 10k to 1M activities.

Activity ``i`` of seed ``s`` is a function of ``(s, i)`` alone: its random stream is
``random.Random(f"{s}:{i}")``, of which only ``random()`` is drawn, with plain arithmetic
on top. So any slice of the sequence can be generated on its own, in any process, and
match the same slice of one big file byte for byte; and since ``random()`` is the one
method whose sequence Python promises to keep, so should later Python versions.

The shapes follow real IATI data (d-portal and publisher samples): a Zipf-like pool of
reporting organisations in which a few real ones (FCDO, USAID, the EC, Luxembourg, UNDP,
the World Bank...) report very many activities, real DAC sector and country codes
weighted towards the main aid recipients, dates consistent with the status, budgets
and transactions, document links (PDFs, web pages, MP4 and YouTube videos), and
programme families: every ``FAMILY_SPAN``-th activity is a parent whose next 3 to 5
activities are its children, linked both ways by ``related-activity``.
"""

from __future__ import annotations

import gzip
import os
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from random import Random
from typing import Generic, TypeVar
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "FAMILY_SPAN",
    "GENERATED_DATETIME",
    "generate_activities",
    "write_iati_file",
    "write_iati_files",
]

GENERATED_DATETIME = "2024-01-01T00:00:00Z"
"""Every file's generated-datetime, and the "today" all activity dates are relative to."""

FAMILY_SPAN = 32
"""Activity ``k * FAMILY_SPAN`` is a programme parent of the next 3-5 activities (~16%)."""

_MAX_CHILDREN = 5
_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<iati-activities version="2.03" generated-datetime="{GENERATED_DATETIME}">\n'
).encode()
_FOOTER = b"</iati-activities>\n"

T = TypeVar("T")
Draw = Callable[[], float]


class _Weighted(Generic[T]):
    """Items picked with fixed weights by one ``random()`` draw (bisect on cumulative sums)."""

    __slots__ = ("_cumulative", "_items", "_last", "_total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        self._items: list[T] = []
        self._cumulative: list[float] = []
        total = 0.0
        for item, weight in pairs:
            total += weight
            self._items.append(item)
            self._cumulative.append(total)
        self._total = total
        self._last = len(self._items) - 1

    def pick(self, draw: float) -> T:
        # hi=last: float rounding may put draw * total on the final sum; never index past it.
        return self._items[bisect_right(self._cumulative, draw * self._total, 0, self._last)]


def _percent(pairs: Iterable[tuple[T, int]]) -> tuple[T, ...]:
    """A table of 100 entries, each item as many times as its weight in percent: picking
    is ``table[int(draw * 100)]``, exact and cheaper than a bisect."""
    table = tuple(item for item, weight in pairs for _ in range(weight))
    if len(table) != 100:
        raise ValueError(f"weights sum to {len(table)}, not 100")
    return table


def _zipf(items: Sequence[T]) -> _Weighted[T]:
    """Weight 1/rank: a few items very often, a long tail rarely."""
    return _Weighted((item, 1.0 / rank) for rank, item in enumerate(items, 1))


def _one_of(items: Sequence[T], draw: float) -> T:
    return items[int(draw * len(items))]


def _table(text: str) -> list[list[str]]:
    """Rows of ``|``-separated fields, one a line; an indented line continues the row above."""
    rows: list[str] = []
    for line in text.strip("\n").splitlines():
        if line.startswith(" "):
            rows[-1] += " " + line.strip()
        else:
            rows.append(line)
    return [[field.strip() for field in row.split("|")] for row in rows]


# --- Dates: days since 2000-01-01, formatted from a table ---------------------------------

_EPOCH = date(2000, 1, 1).toordinal()
_ISO = tuple(date.fromordinal(_EPOCH + day).isoformat() for day in range(41 * 366))
_YEAR = tuple(int(text[:4]) for text in _ISO)
_JAN1 = {year: date(year, 1, 1).toordinal() - _EPOCH for year in range(2000, 2042)}
_TODAY = date.fromisoformat(GENERATED_DATETIME[:10]).toordinal() - _EPOCH


def _days(draw: float, low: int, high: int) -> int:
    """A day in ``low`` .. ``high`` inclusive."""
    return low + int(draw * (high - low + 1))


# --- Code lists: real codes (IATI Country, Region and DAC Sector codelists) ---------------


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    name: str  # English short name, XML-escaped like every text below
    name_fr: str
    region: str  # DAC region (Region codelist, vocabulary 1)
    cities: tuple[tuple[str, float, float], ...]  # name, latitude, longitude
    francophone: bool


# code | weight | region | English | French | cities. Weights follow recipient counts in
# d-portal data, with the Sahel (Luxembourg's partner countries) raised.
_COUNTRY_TABLE = """
ML | 9 | 1030 | Mali | Mali | Bamako 12.6392 -8.0029; Mopti 14.4843 -4.1830
BF | 8 | 1030 | Burkina Faso | Burkina Faso | Ouagadougou 12.3714 -1.5197;
    Bobo-Dioulasso 11.1771 -4.2979
NE | 8 | 1030 | Niger | Niger | Niamey 13.5116 2.1254; Zinder 13.8053 8.9881
SN | 7 | 1030 | Senegal | Sénégal | Dakar 14.7167 -17.4677; Saint-Louis 16.0179 -16.4896
KE | 7 | 1027 | Kenya | Kenya | Nairobi -1.2864 36.8172; Kisumu -0.0917 34.7680
ET | 8 | 1027 | Ethiopia | Éthiopie | Addis Ababa 9.0300 38.7400; Gondar 12.6000 37.4667
NG | 6 | 1030 | Nigeria | Nigéria | Abuja 9.0765 7.3986; Kano 12.0022 8.5920
BD | 7 | 679 | Bangladesh | Bangladesh | Dhaka 23.8103 90.4125; Cox's Bazar 21.4272 92.0058
AF | 5 | 679 | Afghanistan | Afghanistan | Kabul 34.5553 69.2075; Herat 34.3529 62.2040
YE | 5 | 589 | Yemen | Yémen | Sana'a 15.3694 44.1910; Aden 12.7855 45.0187
MZ | 5 | 1029 | Mozambique | Mozambique | Maputo -25.9692 32.5732; Beira -19.8436 34.8389
MM | 4 | 789 | Myanmar | Myanmar | Yangon 16.8409 96.1735; Mandalay 21.9588 96.0891
CD | 4 | 1028 | Democratic Republic of the Congo | République démocratique du Congo |
    Kinshasa -4.4419 15.2663; Goma -1.6792 29.2228
CO | 4 | 489 | Colombia | Colombie | Bogotá 4.7110 -74.0721; Cúcuta 7.8939 -72.5078
NP | 4 | 679 | Nepal | Népal | Kathmandu 27.7172 85.3240; Pokhara 28.2096 83.9856
HT | 4 | 1031 | Haiti | Haïti | Port-au-Prince 18.5944 -72.3074; Cap-Haïtien 19.7578 -72.2042
SD | 3 | 289 | Sudan | Soudan | Khartoum 15.5007 32.5599
PK | 3 | 679 | Pakistan | Pakistan | Islamabad 33.6844 73.0479; Peshawar 34.0151 71.5249
UG | 4 | 1027 | Uganda | Ouganda | Kampala 0.3476 32.5825; Gulu 2.7724 32.2881
PH | 3 | 789 | Philippines | Philippines | Manila 14.5995 120.9842; Tacloban 11.2444 125.0039
SS | 3 | 1027 | South Sudan | Soudan du Sud | Juba 4.8594 31.5713
SO | 3 | 1027 | Somalia | Somalie | Mogadishu 2.0469 45.3182
CF | 2 | 1028 | Central African Republic | République centrafricaine | Bangui 4.3947 18.5582
CM | 2 | 1028 | Cameroon | Cameroun | Yaoundé 3.8480 11.5021; Maroua 10.5910 14.3159
JO | 2 | 589 | Jordan | Jordanie | Amman 31.9539 35.9106; Mafraq 32.3434 36.2080
LB | 2 | 589 | Lebanon | Liban | Beirut 33.8938 35.5018
PS | 3 | 589 | Palestine | Palestine | Ramallah 31.8996 35.2042; Gaza 31.5017 34.4668
TZ | 3 | 1027 | Tanzania | Tanzanie | Dodoma -6.1630 35.7516; Dar es Salaam -6.7924 39.2083
RW | 2 | 1027 | Rwanda | Rwanda | Kigali -1.9441 30.0619
MW | 2 | 1029 | Malawi | Malawi | Lilongwe -13.9626 33.7741
BJ | 3 | 1030 | Benin | Bénin | Cotonou 6.3654 2.4183; Parakou 9.3372 2.6303
TG | 2 | 1030 | Togo | Togo | Lomé 6.1256 1.2254
GN | 2 | 1030 | Guinea | Guinée | Conakry 9.6412 -13.5784
CI | 3 | 1030 | Côte d'Ivoire | Côte d'Ivoire | Abidjan 5.3600 -4.0083; Bouaké 7.6906 -5.0303
GH | 2 | 1030 | Ghana | Ghana | Accra 5.6037 -0.1870; Tamale 9.4008 -0.8393
LR | 2 | 1030 | Liberia | Libéria | Monrovia 6.3007 -10.7969
SL | 2 | 1030 | Sierra Leone | Sierra Leone | Freetown 8.4657 -13.2317
TD | 3 | 1028 | Chad | Tchad | N'Djamena 12.1348 15.0557
MG | 2 | 1029 | Madagascar | Madagascar | Antananarivo -18.8792 47.5079
ZM | 2 | 1029 | Zambia | Zambie | Lusaka -15.3875 28.3228
ZW | 2 | 1029 | Zimbabwe | Zimbabwe | Harare -17.8252 31.0335
MA | 2 | 189 | Morocco | Maroc | Rabat 34.0209 -6.8416
TN | 2 | 189 | Tunisia | Tunisie | Tunis 36.8065 10.1815
IQ | 2 | 589 | Iraq | Irak | Baghdad 33.3152 44.3661; Erbil 36.1911 44.0092
SY | 2 | 589 | Syria | Syrie | Damascus 33.5138 36.2765
IN | 2 | 679 | India | Inde | New Delhi 28.6139 77.2090
LK | 1 | 679 | Sri Lanka | Sri Lanka | Colombo 6.9271 79.8612
VN | 2 | 789 | Viet Nam | Viêt Nam | Hanoi 21.0278 105.8342
KH | 2 | 789 | Cambodia | Cambodge | Phnom Penh 11.5564 104.9282
LA | 3 | 789 | Laos | Laos | Vientiane 17.9757 102.6331
GT | 2 | 1032 | Guatemala | Guatemala | Guatemala City 14.6349 -90.5069
HN | 1 | 1032 | Honduras | Honduras | Tegucigalpa 14.0723 -87.1921
NI | 2 | 1032 | Nicaragua | Nicaragua | Managua 12.1140 -86.2362
BO | 1 | 489 | Bolivia | Bolivie | La Paz -16.4897 -68.1193
PE | 1 | 489 | Peru | Pérou | Lima -12.0464 -77.0428
CV | 2 | 1030 | Cabo Verde | Cap-Vert | Praia 14.9330 -23.5133
UA | 2 | 89 | Ukraine | Ukraine | Kyiv 50.4501 30.5234
"""
_FRANCOPHONE = frozenset(
    {"ML", "BF", "NE", "SN", "CD", "HT", "CF", "CM", "BJ", "TG", "GN", "CI", "TD", "MG", "MA", "TN"}
)
_REGION_NAMES = {
    "89": "Europe, regional",
    "189": "North of Sahara, regional",
    "289": "South of Sahara, regional",
    "489": "South America, regional",
    "589": "Middle East, regional",
    "679": "South Asia, regional",
    "789": "Far East Asia, regional",
    "1027": "Eastern Africa, regional",
    "1028": "Middle Africa, regional",
    "1029": "Southern Africa, regional",
    "1030": "Western Africa, regional",
    "1031": "Caribbean, regional",
    "1032": "Central America, regional",
}


def _city(text: str) -> tuple[str, float, float]:
    name, lat, lon = text.strip().rsplit(" ", 2)
    return escape(name), float(lat), float(lon)


_COUNTRY = _Weighted(
    (
        _Country(
            code,
            escape(name),
            escape(name_fr),
            region,
            tuple(_city(city) for city in cities.split(";") if city.strip()),
            code in _FRANCOPHONE,
        ),
        float(weight),
    )
    for code, weight, region, name, name_fr, cities in _table(_COUNTRY_TABLE)
)
_COUNTRIES: tuple[_Country, ...] = tuple(_COUNTRY._items)


@dataclass(frozen=True, slots=True)
class _Sector:
    code: str
    name: str  # the DAC name
    topics: tuple[str, ...]  # English noun phrases for titles
    topic_fr: str  # French, with its article ("la ..." or "l'..."), to follow "à" or "de"
    ministry: str  # the partner-government ministry that works on it
    humanitarian: bool  # DAC 7xxxx: emergency response, reconstruction, preparedness


# code | weight | DAC name | English topics (;) | French topic | ministry
_SECTOR_TABLE = """
11110 | 2 | Education policy and administrative management |
    education sector planning; education system governance |
    la gouvernance du secteur éducatif | Education
11220 | 6 | Primary education |
    primary education for girls; access to quality primary schooling; early-grade reading |
    l'éducation primaire | Education
11330 | 4 | Vocational training | vocational training for young people;
    technical and vocational skills | la formation professionnelle | Education
12110 | 3 | Health policy and administrative management |
    health system strengthening; health sector governance | la gouvernance sanitaire | Health
12220 | 8 | Basic health care |
    primary health care services; community health services; maternal and child health care |
    la santé de base | Health
12230 | 2 | Basic health infrastructure | rural health centres; district hospital infrastructure |
    l'infrastructure sanitaire | Health
12240 | 4 | Basic nutrition | child nutrition; nutrition for mothers and infants |
    la nutrition infantile | Health
12250 | 6 | Infectious disease control | infectious disease surveillance; epidemic preparedness |
    la lutte contre les maladies infectieuses | Health
12262 | 3 | Malaria control | malaria prevention and treatment; bed net distribution |
    la lutte contre le paludisme | Health
12264 | 4 | COVID-19 control | COVID-19 vaccination; the COVID-19 response |
    la riposte à la COVID-19 | Health
13020 | 3 | Reproductive health care | sexual and reproductive health services |
    la santé reproductive | Health
13040 | 2 | STD control including HIV/AIDS | HIV prevention and treatment |
    la lutte contre le VIH/sida | Health
14030 | 5 | Basic drinking water supply and basic sanitation |
    water, sanitation & hygiene; rural water supply and sanitation |
    l'accès à l'eau potable et à l'assainissement | Water
14020 | 2 | Water supply and sanitation - large systems | urban water supply systems |
    l'approvisionnement en eau des villes | Water
15110 | 4 | Public sector policy and administrative management |
    public sector reform; civil service capacity | la réforme du secteur public | Public Service
15111 | 3 | Public finance management (PFM) |
    public financial management; domestic revenue mobilisation |
    la gestion des finances publiques | Finance
15130 | 2 | Legal and judicial development | access to justice; judicial reform |
    l'accès à la justice | Justice
15150 | 3 | Democratic participation and civil society |
    civil society participation; local democracy | la participation citoyenne | Decentralisation
15160 | 3 | Human rights | human rights protection | la protection des droits humains | Justice
15170 | 3 | Women's rights organisations and movements, and government institutions |
    women's rights organisations | l'autonomisation des femmes | Women's Affairs
15180 | 2 | Ending violence against women and girls | prevention of gender-based violence |
    la prévention des violences basées sur le genre | Women's Affairs
15220 | 3 | Civilian peace-building, conflict prevention and resolution |
    peacebuilding and conflict prevention; social cohesion | la cohésion sociale | Interior
16010 | 4 | Social Protection | social safety nets; cash transfers for vulnerable households |
    la protection sociale | Social Affairs
16020 | 3 | Employment creation | youth employment; decent jobs for young people |
    l'emploi des jeunes | Labour
16062 | 1 | Statistical capacity building | national statistics |
    la capacité statistique nationale | Planning
21020 | 2 | Road transport | rural roads; road maintenance | l'entretien routier | Transport
23210 | 2 | Energy generation, renewable sources - multiple technologies |
    renewable energy access; off-grid solar power | l'accès aux énergies renouvelables | Energy
24010 | 2 | Financial policy and administrative management | financial inclusion; microfinance |
    l'inclusion financière | Finance
25010 | 2 | Business policy and administration |
    the business environment; private sector development |
    l'amélioration du climat des affaires | Trade
31120 | 5 | Agricultural development | smallholder agriculture; agricultural value chains |
    la sécurité alimentaire et l'agriculture familiale | Agriculture
31140 | 2 | Agricultural water resources | small-scale irrigation |
    l'irrigation à petite échelle | Agriculture
31161 | 3 | Food crop production | food crop production; climate-smart farming |
    la production vivrière | Agriculture
31166 | 2 | Agricultural extension | agricultural extension services |
    la vulgarisation agricole | Agriculture
32130 | 2 | Small and medium-sized enterprises (SME) development |
    small business development; SME growth | la croissance des petites entreprises | Trade
41010 | 2 | Environmental policy and administrative management | environmental governance |
    la gouvernance environnementale | Environment
41030 | 2 | Biodiversity | biodiversity conservation; protected area management |
    la conservation de la biodiversité | Environment
43040 | 3 | Rural development | integrated rural development; rural livelihoods |
    la résilience des communautés rurales | Planning
43060 | 2 | Disaster Risk Reduction | disaster risk reduction; climate resilience |
    la réduction des risques de catastrophe | Interior
72010 | 9 | Material relief assistance and services | emergency relief for displaced people;
    humanitarian assistance to refugees; emergency shelter and relief items |
    l'aide humanitaire d'urgence | Humanitarian Affairs
72040 | 4 | Emergency food assistance | emergency food assistance |
    l'assistance alimentaire d'urgence | Humanitarian Affairs
72050 | 4 | Relief co-ordination and support services | humanitarian coordination |
    la coordination humanitaire | Humanitarian Affairs
73010 | 2 | Immediate post-emergency reconstruction and rehabilitation |
    post-emergency reconstruction | la reconstruction post-crise | Planning
74020 | 2 | Multi-hazard response preparedness | emergency preparedness |
    la préparation aux urgences | Interior
"""
_SECTOR = _Weighted(
    (
        _Sector(
            code,
            escape(name),
            tuple(escape(topic.strip()) for topic in topics.split(";")),
            escape(topic_fr),
            ministry,
            code[0] == "7",
        ),
        float(weight),
    )
    for code, weight, name, topics, topic_fr, ministry in _table(_SECTOR_TABLE)
)
_SECTORS: tuple[_Sector, ...] = tuple(_SECTOR._items)
_MINISTRIES_FR = {
    "Education": "Ministère de l'Éducation nationale",
    "Health": "Ministère de la Santé",
    "Water": "Ministère de l'Eau et de l'Assainissement",
    "Public Service": "Ministère de la Fonction publique",
    "Finance": "Ministère de l'Économie et des Finances",
    "Justice": "Ministère de la Justice",
    "Decentralisation": "Ministère de la Décentralisation",
    "Women's Affairs": "Ministère de la Promotion de la Femme",
    "Interior": "Ministère de l'Intérieur",
    "Social Affairs": "Ministère de l'Action sociale",
    "Labour": "Ministère de l'Emploi",
    "Transport": "Ministère des Transports",
    "Energy": "Ministère de l'Énergie",
    "Trade": "Ministère du Commerce",
    "Agriculture": "Ministère de l'Agriculture",
    "Environment": "Ministère de l'Environnement",
    "Planning": "Ministère du Plan",
    "Humanitarian Affairs": "Ministère de l'Action humanitaire",
}

# --- Organisations -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)  # one object per organisation: identity
class _Org:
    ref: str | None
    type: str  # OrganisationType code
    name: str
    currency: str
    domain: str
    cents: bool  # reports values with two decimals
    xml: str  # what every org element holds: ref="..." type="..."><narrative>...</narrative>
    funds: bool  # governments, public agencies, foundations: fund what they report


def _org(ref: str | None, type_: str, name: str, currency: str = "USD", domain: str = "") -> _Org:
    head = f"ref={quoteattr(ref)} " if ref else ""
    text = escape(name)
    xml = f'{head}type="{type_}"><narrative>{text}</narrative>'
    cents = currency in ("USD", "CAD")
    return _Org(ref, type_, text, currency, domain, cents, xml, type_ in ("10", "15", "60"))


# ref | type | currency | web domain | name. Real refs that other sources (LuxDev pages,
# real IATI files) share, so the graph must merge them; names as their publishers write
# them (the Luxembourg one is in loaders/data/organisation_aliases.csv).
_REAL_DONORS = [
    _org(ref, type_, name, currency, domain)
    for ref, type_, currency, domain, name in _table("""
US-GOV-1 | 10 | USD | www.usaid.gov | U.S. Agency for International Development
GB-GOV-1 | 10 | GBP | www.gov.uk | Foreign, Commonwealth and Development Office
XI-IATI-EC_INTPA | 15 | EUR | international-partnerships.ec.europa.eu |
    European Commission - International Partnerships
XM-DAC-22-2 | 10 | EUR | cooperation.gouvernement.lu |
    Luxembourg - Directorate for Development Cooperation and Humanitarian Affairs
DE-1 | 10 | EUR | www.bmz.de |
    Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung (BMZ)
FR-3 | 10 | EUR | www.afd.fr | Agence Française de Développement
SE-0 | 10 | SEK | www.sida.se | Sweden
NO-BRC-971277882 | 10 | NOK | www.norad.no | Norad - Norwegian Agency for Development Cooperation
CA-3 | 10 | CAD | www.international.gc.ca | Global Affairs Canada
CH-4 | 10 | CHF | www.eda.admin.ch |
    Switzerland - Swiss Agency for Development and Cooperation (SDC)
""")
]
_REAL_MULTILATERALS = [
    _org(ref, type_, name, currency, domain)
    for ref, type_, currency, domain, name in _table("""
XM-DAC-41114 | 40 | USD | www.undp.org | United Nations Development Programme
44000 | 40 | USD | www.worldbank.org | World Bank
XM-DAC-41122 | 40 | USD | www.unicef.org | United Nations Children's Fund (UNICEF)
XM-DAC-928 | 40 | USD | www.who.int | World Health Organization
XM-DAC-41140 | 40 | USD | www.wfp.org | World Food Programme
XM-DAC-41121 | 40 | USD | www.unhcr.org | United Nations High Commissioner for Refugees (UNHCR)
XM-DAC-41301 | 40 | USD | www.fao.org | Food and Agriculture Organization (FAO)
XM-DAC-47066 | 40 | USD | www.iom.int | International Organization for Migration (IOM)
46002 | 40 | USD | www.afdb.org | African Development Bank
41AAA | 40 | USD | www.unops.org | United Nations Office for Project Services
""")
]

_WORDS = (
    "Sahel", "Horizon", "Global", "Community", "Rural", "Green", "Open", "Bright", "Unity",
    "Lakeside", "Riverside", "Savannah", "Highland", "Coastal", "Northern", "Pan-African",
    "Atlas", "Meridian", "Harmony", "Compass", "Keystone", "Beacon", "Evergreen", "Tamarind",
    "Baobab", "Acacia", "Monsoon", "Delta", "Summit", "Equator", "Kilimanjaro", "Niger Basin",
)  # fmt: skip
_FOCUS = (
    "Health", "Water", "Education", "Development", "Relief", "Livelihoods", "Futures",
    "Action", "Aid", "Solutions", "Health & Nutrition", "Water & Sanitation", "Children",
    "Women", "Farmers", "Peace", "Rights", "Energy", "Learning", "Resilience",
)  # fmt: skip
_FOCUS_FR = ("Santé", "Éducation", "Développement", "Solidarité", "Eau et Assainissement")
_NGO_FORMS = ("International", "Alliance", "Network", "Initiative", "Trust", "Worldwide")
_FIRM_FORMS = ("Consulting", "Development Partners", "Associates", "Advisory")
_FIRM_SUFFIXES = ("Ltd", "LLP", "BV", "SARL", "GmbH")
_SURNAMES = ("Okafor", "Lindqvist", "Moreau", "Haddad", "Tanaka", "Mensah", "Brennan", "Keita")
# Registration agencies (org-id.guide prefixes), the digits of their numbers, and currency.
_AGENCIES = {
    "GB-CHC": (7, "GBP"),
    "GB-COH": (8, "GBP"),
    "GB-EDU": (6, "GBP"),
    "NL-KVK": (8, "EUR"),
    "FR-RCS": (9, "EUR"),
    "US-EIN": (9, "USD"),
    "SE-ON": (10, "SEK"),
    "DK-CVR": (8, "DKK"),
    "CH-ZEFIX": (9, "CHF"),
    "ZA-NPO": (6, "USD"),
    "BD-NAB": (4, "USD"),
    "NP-SWC": (5, "USD"),
    "KE-NCB": (6, "USD"),
}


def _synthetic_orgs(rng: Random, count: int, types: _Weighted[str], taken: set[str]) -> list[_Org]:
    """``count`` made-up organisations with registry-shaped refs (real prefixes, random numbers)."""
    draw = rng.random
    orgs: list[_Org] = []
    while len(orgs) < count:
        type_ = types.pick(draw())
        word, focus, number = _one_of(_WORDS, draw()), _one_of(_FOCUS, draw()), draw()
        if type_ == "21":
            name = f"{word} {focus} {_one_of(_NGO_FORMS, draw())}"
            prefix = _one_of(("GB-CHC", "NL-KVK", "US-EIN", "SE-ON", "DK-CVR", "CH-ZEFIX"), draw())
        elif type_ == "22":
            french = draw() < 0.5
            name = (
                f"Association {word} {_one_of(_FOCUS_FR, draw())}"
                if french
                else f"{word} {focus} Society"
            )
            prefix = _one_of(("ZA-NPO", "BD-NAB", "NP-SWC", "KE-NCB"), draw())
        elif type_ == "60":
            family = draw() < 0.3
            name = (
                f"{_one_of(_SURNAMES, draw())} Family Foundation"
                if family
                else f"{word} {focus} Foundation"
            )
            prefix = "US-EIN"
        elif type_ == "70":
            name = f"{word} {_one_of(_FIRM_FORMS, draw())} {_one_of(_FIRM_SUFFIXES, draw())}"
            prefix = _one_of(("GB-COH", "NL-KVK", "FR-RCS"), draw())
        elif type_ == "80":
            name = f"{word} Institute for {focus} Research"
            prefix = _one_of(("GB-EDU", "US-EIN"), draw())
        else:  # 15: a public fund, with an IATI-issued ref
            name = f"{word} {focus} Fund"
            prefix = "XI-IATI"
        if prefix == "XI-IATI":
            ref = f"XI-IATI-{''.join(part[0] for part in name.split() if part[0].isalpha())}"
            currency = "EUR"
        else:
            digits, currency = _AGENCIES[prefix]
            ref = f"{prefix}-{int(number * 10**digits):0{digits}d}"
        if ref in taken or name in taken:
            continue
        taken.update((ref, name))
        slug = "-".join(name.lower().replace(" & ", " ").split()[:3])
        orgs.append(_org(ref, type_, name, currency, f"{slug}.example.org"))
    return orgs


def _pools() -> tuple[_Weighted[_Org], _Weighted[_Org], _Weighted[_Org]]:
    """Reporting, funding and implementing pools; fixed (not seeded): refs stay stable."""
    rng = Random("aidgraph-iati-synthetic-organisations")
    taken: set[str] = set()
    publisher_types = _Weighted(
        [("21", 45), ("22", 15), ("60", 10), ("70", 15), ("80", 5), ("15", 10)]
    )
    publishers = _synthetic_orgs(rng, 200, publisher_types, taken)
    implementer_types = _Weighted([("21", 40), ("22", 35), ("70", 20), ("80", 5)])
    implementers = _synthetic_orgs(rng, 250, implementer_types, taken)
    # Real organisations take the top ranks; the rest are interleaved further down the tail.
    donors, multilaterals = _REAL_DONORS, _REAL_MULTILATERALS
    reporting = [
        *donors[:3],
        *multilaterals[:2],
        *donors[3:5],
        donors[5],
        multilaterals[2],
        donors[6],
    ]
    rest = donors[7:] + multilaterals[3:]
    for k, publisher in enumerate(publishers):
        reporting.append(publisher)
        if k % 6 == 1 and rest:
            reporting.append(rest.pop(0))
    funders = donors + [org for org in publishers if org.funds]
    # Publishers also implement each other's grants: the same org appears in both roles.
    doers = [org for org in publishers if not org.funds]
    implementing = list(multilaterals)
    for k, org in enumerate(implementers):
        implementing.append(org)
        if k < len(doers):
            implementing.append(doers[k])
    return _zipf(reporting), _zipf(funders), _zipf(implementing)


_REPORTING, _FUNDERS, _IMPLEMENTERS = _pools()


def _named(type_: str, text: str) -> _Org:
    """An organisation known by its (escaped) name only."""
    xml = f'type="{type_}"><narrative>{text}</narrative>'
    return _Org(None, type_, text, "", "", False, xml, type_ == "10")


def _local_orgs(country: _Country, ministry: str) -> tuple[_Org, _Org]:
    """A partner ministry and a local association: no ref, so they merge by name alone."""
    city = country.cities[0][0]
    if country.francophone:
        government = f"{_MINISTRIES_FR[ministry]} ({country.name_fr})"
        local = f"Association des femmes de {city}"
    else:
        government = f"Ministry of {ministry}, {country.name}"
        local = f"{city} Community Development Association"
    # Country and city names are escaped already; the rest has nothing to escape.
    return _named("10", government), _named("22", local)


_LOCAL = {
    (country.code, ministry): _local_orgs(country, ministry)
    for country in _COUNTRIES
    for ministry in _MINISTRIES_FR
}

# --- Other distributions (weights from d-portal counts, rounded) --------------------------

_STATUS = _percent([("1", 5), ("2", 55), ("3", 8), ("4", 28), ("5", 2), ("6", 2)])
_PARTICIPANTS = _percent([(1, 10), (2, 24), (3, 30), (4, 20), (5, 10), (6, 6)])
_EXTRA_ROLE = _percent([("1", 10), ("2", 25), ("3", 15), ("4", 50)])
_COUNTRY_COUNT = _percent([(1, 80), (2, 13), (3, 7)])
_SECTOR_COUNT = _percent([(1, 50), (2, 28), (3, 14), (4, 8)])
_BUDGET_COUNT = _percent([(1, 45), (2, 35), (3, 20)])
# 2 to 20 transactions, mean ~8: a hump at 4-8 and a long tail, as publishers report.
_TRANSACTION_COUNT = _percent(
    zip(range(2, 21), (5, 8, 10, 11, 11, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 2, 2, 1, 1), strict=True)
)
_TRANSACTION_TYPE = _percent([("1", 12), ("2", 8), ("3", 40), ("4", 40)])
_PIPELINE_TRANSACTION_TYPE = _percent([("1", 50), ("2", 50)])  # nothing spent yet
# Each later transaction's value: about total * share / count (incoming funds and further
# commitments are larger slices than single disbursements and expenditures).
_TRANSACTION_SHARE = {"1": 3.0, "2": 2.0, "3": 1.0, "4": 1.0}
_TRANSACTION_OPEN = {
    code: f'<transaction><transaction-type code="{code}"/><transaction-date iso-date="'
    for code in "1234"
}
_DOCUMENT_COUNT = _percent([(0, 40), (1, 30), (2, 20), (3, 10)])
_RESULT_COUNT = _percent([(0, 45), (1, 30), (2, 15), (3, 10)])
_LOCATION_COUNT = _percent([(0, 55), (1, 30), (2, 15)])
# Total values by order of magnitude, uniform inside a band.
_SIZE = _percent([((1e4, 9e4), 15), ((1e5, 9e5), 40), ((1e6, 9e6), 35), ((1e7, 5e7), 10)])
_FINANCE = _percent([("110", 85), ("421", 10), ("410", 5)])
_AID_TYPE = _percent([("C01", 55), ("B02", 10), ("B03", 15), ("D02", 10), ("H01", 10)])
_DOCUMENT_KIND = _percent([("pdf", 60), ("html", 20), ("mp4", 10), ("youtube", 10)])
_REPORTS = (
    ("A01", "Project appraisal document"),
    ("A02", "Project summary"),
    ("A05", "Budget"),
    ("A07", "Mid-term review"),
    ("A07", "Final evaluation report"),
    ("A08", "Annual results report"),
    ("A09", "Memorandum of understanding"),
    ("A10", "Call for tenders"),
    ("A11", "Grant agreement"),
    ("B02", "Institutional strategy"),
    ("B03", "Country strategy paper"),
)
_ACTIONS = ("Support to", "Strengthening", "Improving", "Scaling up", "Expanding", "Investing in")
_ACTIONS_FR = ("Appui à", "Renforcement de", "Programme d'appui à", "Projet d'amélioration de")
_GROUPS = (
    ("women and girls", "les femmes et les filles"),
    ("young people", "les jeunes"),
    ("smallholder farmers", "les petits producteurs"),
    ("refugees and host communities", "les réfugiés et les communautés d'accueil"),
    ("internally displaced people", "les personnes déplacées internes"),
    ("children under five", "les enfants de moins de cinq ans"),
    ("rural households", "les ménages ruraux"),
    ("persons with disabilities", "les personnes en situation de handicap"),
    ("local authorities", "les collectivités locales"),
)
_KINDS = ("project", "programme", "initiative")
_VERBS = ("supports", "aims to improve", "contributes to", "promotes")
_WORK = tuple(map(escape, (
    "training of local staff", "community awareness campaigns", "procurement of equipment",
    "technical assistance to line ministries", "small grants to local organisations",
    "rehabilitation of infrastructure", "policy dialogue with national authorities",
    "monitoring, evaluation & learning", "support to women's groups",
    "capacity building for municipalities",
)))  # fmt: skip
# A description on 30% of transactions, one of the ten lines of work.
_NOTES = _percent(
    [(f"<description><narrative>{work}</narrative></description>", 3) for work in _WORK]
    + [("", 70)]
)
_OUTCOMES = ("Improved access to", "Increased use of", "Strengthened capacity for", "Better")
_INDICATORS = (
    "Number of {group} reached",
    "Number of staff trained",
    "Number of partner organisations supported",
    "Number of {group} reporting improved services",
)
_PHASES = ("II", "III", "IV")
_YOUTUBE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_POINT = 'srsName="http://www.opengis.net/def/crs/EPSG/0/4326"'


# --- One activity ------------------------------------------------------------------------


def _dates(draw: Draw, status: str) -> tuple[int, int | None, int, int | None]:
    """Planned start, actual start, planned end, actual end (days), consistent with the
    status as of "today": only past dates are actual, and every start precedes its end."""
    duration = 365 + int(draw() * draw() * 7 * 365)  # 1 to 8 years, mostly short
    if status in ("1", "5"):  # pipeline or cancelled: never started
        start = (
            _TODAY + _days(draw(), 30, 700) if status == "1" else _TODAY - _days(draw(), 60, 2000)
        )
        return start, None, start + duration, None
    if status in ("2", "6"):  # implementation or suspended: started, not ended
        end = _TODAY + _days(draw(), 30, 1500)
        start = min(end - duration, _TODAY - 60)
        return start, min(start + _days(draw(), 0, 90), _TODAY - 30), end, None
    # finalisation (recently ended) or closed
    end = _TODAY - (_days(draw(), 0, 360) if status == "3" else _days(draw(), 120, 4500))
    start = end - duration
    actual_start = start + _days(draw(), 0, 90)
    actual_end = max(actual_start, min(end + _days(draw(), 0, 180) - 30, _TODAY - 1))
    return start, actual_start, end, actual_end


_Frame = tuple[_Org, int, _Country, str, tuple[int, int | None, int, int | None]]


def _frame(draw: Draw) -> _Frame:
    """An activity's first draws: publisher, family size, country, status and dates. A
    programme's components replay their parent's to share them."""
    publisher, size, home = _REPORTING.pick(draw()), 3 + int(draw() * 3), _COUNTRY.pick(draw())
    status = _STATUS[int(draw() * 100)]
    return publisher, size, home, status, _dates(draw, status)


def _split(draw: Draw, parts: int) -> list[int]:
    """``parts`` percentages, multiples of 5, that sum to 100."""
    if parts == 1:
        return [100]
    cuts: set[int] = set()
    while len(cuts) < parts - 1:
        cuts.add(5 + 5 * int(draw() * 19))
    edges = [0, *sorted(cuts), 100]
    return [edges[k + 1] - edges[k] for k in range(parts)]


def _activity(seed: int, i: int) -> str:
    """Activity ``i`` of ``seed``: one line of XML."""
    draw = Random(f"{seed}:{i}").random
    frame = _frame(draw)
    offset = i % FAMILY_SPAN
    parent: str | None = None
    children: list[str] = []
    if offset == 0:
        children = [f"{frame[0].ref}-{i + k}" for k in range(1, frame[1] + 1)]
    elif offset <= _MAX_CHILDREN:
        # A component replays its programme's first draws: same publisher, country, dates.
        programme = _frame(Random(f"{seed}:{i - offset}").random)
        if offset <= programme[1]:
            frame = programme
            parent = f"{programme[0].ref}-{i - offset}"
    publisher, _size, home, status, (start, actual_start, end, actual_end) = frame
    identifier = f"{publisher.ref}-{i}"
    first_year, last_year = _YEAR[start], _YEAR[end]
    out: list[str] = []
    add = out.append
    start_iso = _ISO[start]

    countries = [home]
    for _ in range(_COUNTRY_COUNT[int(draw() * 100)] - 1):
        country = _COUNTRY.pick(draw())
        if country not in countries:
            countries.append(country)
    with_region = draw() < 0.12
    sectors = [_SECTOR.pick(draw())]
    for _ in range(_SECTOR_COUNT[int(draw() * 100)] - 1):
        sector = _SECTOR.pick(draw())
        if sector not in sectors:
            sectors.append(sector)
    main = sectors[0]
    topic = _one_of(main.topics, draw())
    city = _one_of(home.cities, draw())[0]
    place = f"{city}, {home.name}" if draw() < 0.5 else home.name
    group, group_fr = _one_of(_GROUPS, draw())
    low, high = _SIZE[int(draw() * 100)]
    total = low + (high - low) * draw()
    if children:
        total *= len(children) + 1

    # Participating organisations: a funder first, then roles weighted like real data.
    funds_itself = publisher.funds or (publisher.type == "40" and draw() < 0.5)
    funder = publisher if funds_itself else _FUNDERS.pick(draw())
    government, association = _LOCAL[home.code, main.ministry]
    participants: list[tuple[str, _Org]] = [("1", funder)]
    wanted = _PARTICIPANTS[int(draw() * 100)]
    if not funds_itself and wanted > 1:
        participants.append(("2" if publisher.type == "40" else "4", publisher))
    for _ in range(12):  # bounded: a role may have one candidate, already taken
        if len(participants) >= wanted:
            break
        role = _EXTRA_ROLE[int(draw() * 100)]
        choice = draw()
        if role == "1":
            org = _FUNDERS.pick(choice)
        elif role == "2":
            org = publisher if choice < 0.6 else government
        elif role == "3":
            org = publisher if funds_itself else funder
        else:
            org = _IMPLEMENTERS.pick(choice / 0.8) if choice < 0.8 else association
        if (role, org) not in participants:
            participants.append((role, org))
    implementers = [org for role, org in participants if role == "4"]
    doer = implementers[0] if implementers else publisher

    # Title and description (~60 and ~300 characters), French too one time in ten.
    capitalised = topic[0].upper() + topic[1:]
    form = draw()
    if children:
        title = f"{capitalised} programme in {home.name} ({first_year}–{last_year})"
    elif form < 0.45:
        title = f"{_one_of(_ACTIONS, draw())} {topic} in {place}"
    elif form < 0.7:
        title = f"{capitalised} for {group} in {place}"
    elif form < 0.85:
        title = f"{home.name}: {topic}"
    else:
        title = f"{_one_of(_ACTIONS, draw())} {topic} in {place} – Phase {_one_of(_PHASES, draw())}"
    if parent:
        title = f"Component {offset}: {title}"
    kind = "programme" if children else "component" if parent else _one_of(_KINDS, draw())
    reached = int(500 + draw() * draw() * 250_000) // 100 * 100
    description = (
        f"The {kind} {_one_of(_VERBS, draw())} {topic} in {place}. It is implemented by "
        f"{doer.name} with funding from {funder.name} and targets {reached:,} {group} "
        f"between {first_year} and {last_year}."
    )
    if draw() < 0.5:
        # Three different lines of work: steps of 1-4 through the ten never come back in two.
        work, step = int(draw() * len(_WORK)), 1 + int(draw() * 4)
        description += (
            f" Main activities include {_WORK[work]}, {_WORK[(work + step) % len(_WORK)]} "
            f"and {_WORK[(work + 2 * step) % len(_WORK)]}."
        )
    if parent:
        description += f" This component is part of programme {parent}."
    elif draw() < 0.2:
        description += f" It contributes to SDG {1 + int(draw() * 17)}."

    currency = publisher.currency
    default_currency = draw() < 0.92  # else every value carries its own currency
    humanitarian = "1" if any([sector.humanitarian for sector in sectors]) else "0"
    hierarchy = ' hierarchy="1"' if children else ' hierarchy="2"' if parent else ""
    updated = _ISO[_TODAY - _days(draw(), 1, 900)]
    add(
        f'<iati-activity last-updated-datetime="{updated}T00:00:00Z" xml:lang="en"'
        + (f' default-currency="{currency}"' if default_currency else "")
        + f' humanitarian="{humanitarian}"{hierarchy}>'
        f"<iati-identifier>{identifier}</iati-identifier>"
        f"<reporting-org {publisher.xml}</reporting-org>"
    )
    if draw() < 0.1:
        add(
            f'<title><narrative>{title}</narrative><narrative xml:lang="fr">'
            f"{_one_of(_ACTIONS_FR, draw())} {main.topic_fr} – {home.name_fr}</narrative></title>"
            f'<description type="1"><narrative>{description}</narrative><narrative xml:lang="fr">'
            f"Ce {'programme' if children else 'projet'} vise à renforcer {main.topic_fr} "
            f"({home.name_fr}). Il est mis en œuvre par {doer.name} entre {first_year} et "
            f"{last_year} et doit bénéficier à {reached} personnes, notamment {group_fr}."
            "</narrative></description>"
        )
    else:
        add(
            f"<title><narrative>{title}</narrative></title>"
            f'<description type="1"><narrative>{description}</narrative></description>'
        )
    for role, org in participants:
        add(f'<participating-org role="{role}" {org.xml}</participating-org>')
    started = (
        "" if actual_start is None else f'<activity-date type="2" iso-date="{_ISO[actual_start]}"/>'
    )
    ended = "" if actual_end is None else f'<activity-date type="4" iso-date="{_ISO[actual_end]}"/>'
    add(
        f'<activity-status code="{status}"/><activity-date type="1" iso-date="{start_iso}"/>'
        f'{started}<activity-date type="3" iso-date="{_ISO[end]}"/>{ended}'
    )

    # Countries, and sometimes their region: percentages (over both) when more than one.
    shares = _split(draw, len(countries) + with_region)
    for share, country in zip(shares, countries, strict=False):
        percentage = f' percentage="{share}"' if len(shares) > 1 else ""
        named = (
            f"><narrative>{country.name}</narrative></recipient-country>" if draw() < 0.5 else "/>"
        )
        add(f'<recipient-country code="{country.code}"{percentage}{named}')
    if with_region:
        add(
            f'<recipient-region code="{home.region}" vocabulary="1" percentage="{shares[-1]}">'
            f"<narrative>{_REGION_NAMES[home.region]}</narrative></recipient-region>"
        )
    for _ in range(_LOCATION_COUNT[int(draw() * 100)]):
        name, latitude, longitude = _one_of(home.cities, draw())
        add(
            f"<location><name><narrative>{name}</narrative></name><point {_POINT}><pos>"
            f"{latitude + (draw() - 0.5) * 0.1:.5f} {longitude + (draw() - 0.5) * 0.1:.5f}"
            '</pos></point><exactness code="2"/><location-class code="2"/>'
            '<feature-designation code="PPL"/></location>'
        )
    for share, sector in zip(_split(draw, len(sectors)), sectors, strict=True):
        add(
            f'<sector vocabulary="1" code="{sector.code}" percentage="{share}">'
            f"<narrative>{sector.name}</narrative></sector>"
        )
    finance = "421" if publisher.ref in ("44000", "46002") else _FINANCE[int(draw() * 100)]
    add(
        f'<default-flow-type code="10"/><default-finance-type code="{finance}"/>'
        f'<default-aid-type code="{_AID_TYPE[int(draw() * 100)]}" vocabulary="1"/>'
    )

    # Budgets: consecutive calendar years from the start (a budget period is at most a year).
    money = "%.2f" if publisher.cents else "%d"  # printf-style: the fastest float format
    # A publisher either tags every value with its currency or none (then it must have
    # a default currency).
    tagged = f' currency="{currency}"' if not default_currency or draw() < 0.35 else ""
    budgets = _BUDGET_COUNT[int(draw() * 100)]
    for k in range(budgets):
        year = first_year + k
        period_start = _ISO[max(start, _JAN1[year])]
        add(
            f'<budget type="1" status="{1 if status == "1" else 2}">'
            f'<period-start iso-date="{period_start}"/>'
            f'<period-end iso-date="{_ISO[_JAN1[year + 1] - 1]}"/><value{tagged} '
            f'value-date="{period_start}">{money % (total / budgets * (0.7 + 0.6 * draw()))}'
            "</value></budget>"
        )

    # Transactions: dated within the activity's life so far, commitment or funds first.
    # Incoming funds name their provider (for a child, the programme), others the receiver.
    count = _TRANSACTION_COUNT[int(draw() * 100)]
    # Never in the future: a pipeline activity's commitments are dated the month before today.
    first = min((actual_start if actual_start is not None else start) - 90, _TODAY - 30)
    span = max(first, min(actual_end if actual_end is not None else end, _TODAY - 1)) - first + 1
    days = sorted([first + int(draw() * span) for _ in range(count)])
    link = f' provider-activity-id="{parent}"' if parent else ""
    tails = {
        "1": f"<provider-org{link} {funder.xml}</provider-org></transaction>",
        "2": "</transaction>",
        "3": "</transaction>",
        "4": "</transaction>",
    }
    if implementers:
        receiver = _one_of(implementers, draw())
        tails["2"] = tails["3"] = f"<receiver-org {receiver.xml}</receiver-org></transaction>"
    # The first transaction brings the money in: the funder's commitment or incoming funds.
    code = "2" if funds_itself else "1"
    value = total if funds_itself else total * (0.2 + 0.5 * draw())
    iso = _ISO[days[0]]
    add(
        f'{_TRANSACTION_OPEN[code]}{iso}"/><value{tagged} value-date="{iso}">'
        f"{money % value}</value>{_NOTES[int(draw() * 100)]}{tails[code]}"
    )
    codes = _PIPELINE_TRANSACTION_TYPE if status == "1" else _TRANSACTION_TYPE
    unit = total / count
    for day in days[1:]:
        code = codes[int(draw() * 100)]
        value = unit * _TRANSACTION_SHARE[code] * (0.3 + 1.4 * draw())
        iso = _ISO[day]
        add(
            f'{_TRANSACTION_OPEN[code]}{iso}"/><value{tagged} value-date="{iso}">'
            f"{money % value}</value>{_NOTES[int(draw() * 100)]}{tails[code]}"
        )

    # Documents: reports as PDFs, web pages, and videos (MP4 files or YouTube pages).
    published = min(start, _TODAY - 1)
    for k in range(1, _DOCUMENT_COUNT[int(draw() * 100)] + 1):
        document = _DOCUMENT_KIND[int(draw() * 100)]
        dated = _ISO[_days(draw(), published, max(published, min(end, _TODAY - 1)))]
        if document == "pdf":
            category, report = _one_of(_REPORTS, draw())
            url = f"https://{publisher.domain}/documents/{identifier}-{k}.pdf"
            mime, heading = "application/pdf", f"{report} {dated[:4]}"
        elif document == "html":
            category, mime, heading = "A12", "text/html", "Activity web page"
            url = f"https://{publisher.domain}/projects/{identifier}"
        elif document == "mp4":
            category, mime, heading = "A08", "video/mp4", f"Video: {topic} in {city}"
            url = f"https://{publisher.domain}/media/{identifier}-{k}.mp4"
        else:
            video = "".join([_YOUTUBE[int(draw() * 64)] for _ in range(11)])
            category, mime, heading = "A12", "text/html", f"Voices from {city}: {topic}"
            url = f"https://www.youtube.com/watch?v={video}"
        add(
            f'<document-link format="{mime}" url="{url}"><title><narrative>{heading}</narrative>'
            f'</title><category code="{category}"/><language code="en"/>'
            f'<document-date iso-date="{dated}"/></document-link>'
        )

    # The programme family, linked both ways.
    if parent:
        add(f'<related-activity ref="{parent}" type="1"/>')
    for child in children:
        add(f'<related-activity ref="{child}" type="2"/>')

    # Results, one indicator each (distinct outcomes and indicators), with an actual value
    # once their first year is over.
    period_end = min(start + 364, end)
    outcome = int(draw() * len(_OUTCOMES))
    for k in range(_RESULT_COUNT[int(draw() * 100)]):
        target = 10 + int(draw() * 990)
        actual = f'<actual value="{int(target * (0.5 + draw()))}"/>' if period_end < _TODAY else ""
        indicator = _INDICATORS[(outcome + k) % len(_INDICATORS)].format(group=group)
        add(
            f'<result type="{1 if draw() < 0.6 else 2}" aggregation-status="1"><title>'
            f"<narrative>{_OUTCOMES[(outcome + k) % len(_OUTCOMES)]} {topic}</narrative></title>"
            f'<indicator measure="1" ascending="1"><title><narrative>{indicator}</narrative>'
            f'</title><baseline year="{first_year}" iso-date="{start_iso}" value="0"/><period>'
            f'<period-start iso-date="{start_iso}"/><period-end iso-date="{_ISO[period_end]}"/>'
            f'<target value="{target}"/>{actual}</period></indicator></result>'
        )
    add("</iati-activity>")
    return "".join(out)


# --- Public API ---------------------------------------------------------------------------


def generate_activities(count: int, seed: int, start: int = 0) -> Iterator[bytes]:
    """Activities ``start`` .. ``start + count - 1`` of ``seed``: each one serialised
    ``<iati-activity>`` element, UTF-8, on one line without a trailing newline."""
    if count < 0 or start < 0:
        raise ValueError(f"count and start must be >= 0, not {count} and {start}")
    for i in range(start, start + count):
        yield _activity(seed, i).encode()


_CHUNK = 1000  # activities per unit of work: ~5 MB, so memory stays flat


def _pack(data: bytes, compress: bool) -> bytes:
    # Each piece is its own gzip member (RFC 1952: members concatenate into one stream that
    # gzip, zcat, Python and libxml2 read whole), so workers compress in parallel. mtime 0
    # and no file name: the bytes depend on the content only.
    return gzip.compress(data, compresslevel=6, mtime=0) if compress else data


def _chunk(job: tuple[int, int, int, bool]) -> bytes:
    """Activities ``first`` .. ``first + size - 1`` of ``seed``, one a line, maybe gzipped."""
    seed, first, size, compress = job
    lines = list(generate_activities(size, seed, first))
    lines.append(b"")
    return _pack(b"\n".join(lines), compress)


def _chunks(
    count: int,
    seed: int,
    start: int,
    compress: bool,
    pool: ProcessPoolExecutor | None,
    workers: int,
) -> Iterator[bytes]:
    """The activities in order, a chunk at a time; computed in ``pool`` when given, with at
    most two chunks per worker in flight so that memory stays bounded."""
    jobs = (
        (seed, first, min(_CHUNK, start + count - first), compress)
        for first in range(start, start + count, _CHUNK)
    )
    if pool is None:
        yield from map(_chunk, jobs)
        return
    pending: deque[Future[bytes]] = deque()
    for job in jobs:
        pending.append(pool.submit(_chunk, job))
        if len(pending) >= 2 * workers:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _write(
    path: Path, count: int, seed: int, start: int, pool: ProcessPoolExecutor | None, workers: int
) -> None:
    if count < 0 or start < 0:
        raise ValueError(f"count and start must be >= 0, not {count} and {start}")
    path = Path(path)
    compress = path.suffix == ".gz"
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as out:
            out.write(_pack(_HEADER, compress))
            for chunk in _chunks(count, seed, start, compress, pool, workers):
                out.write(chunk)
            out.write(_pack(_FOOTER, compress))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


def _pool(workers: int) -> ProcessPoolExecutor | None:
    if workers < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    return ProcessPoolExecutor(max_workers=workers) if workers > 1 else None


def write_iati_file(path: Path, count: int, seed: int, start: int = 0, *, workers: int = 1) -> None:
    """Write activities ``start`` .. ``start + count - 1`` of ``seed`` as one IATI 2.03 file.

    One activity a line. A ``.gz`` suffix gzips it (reproducibly). Activities stream to a
    ``.part`` file renamed at the end: memory does not grow with ``count``, and an
    interrupted run leaves no truncated file. ``workers`` > 1 generates in that many
    processes, with the same bytes.
    """
    pool = _pool(workers)
    try:
        _write(path, count, seed, start, pool, workers)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def write_iati_files(
    directory: Path,
    count: int,
    seed: int,
    per_file: int = 10_000,
    *,
    compress: bool = False,
    workers: int = 1,
) -> list[Path]:
    """Write ``count`` activities of ``seed`` into files of ``per_file``, in order.

    Files are ``iati-{seed}-{k}.xml`` (``.xml.gz`` with ``compress``), ``k`` zero-padded
    so that name order is activity order; their activities, concatenated, are those of
    one file of ``count`` whatever ``per_file``. ``workers`` as for ``write_iati_file``.
    Returns the paths in order.
    """
    if count < 0 or per_file < 1:
        raise ValueError(f"need count >= 0 and per_file >= 1, not {count} and {per_file}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = -(-count // per_file)
    width = max(4, len(str(files - 1)))
    suffix = ".xml.gz" if compress else ".xml"
    paths = [directory / f"iati-{seed}-{k:0{width}d}{suffix}" for k in range(files)]
    pool = _pool(workers)
    try:
        for k, path in enumerate(paths):
            _write(path, min(per_file, count - k * per_file), seed, k * per_file, pool, workers)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return paths
