"""The IATI activity parser: iati-activities XML → ProjectRecord | Rejected. Pure unit tests,
no Neo4j.

Real files live in the ``shared`` folder next to the repository: 13 single-publisher
samples and 20 d-portal files of 100 activities each. Their expected values were read from
the XML itself. The hand-written files in ``tests/data/iati`` cover what the real files do
not: attacks, IATI 1.0x, broken activities, languages, videos and the contribution rule.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import shutil
import tracemalloc
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from loaders import iati_codelists
from loaders.iati import IatiFileError, Rejected, parse_iati, parse_iati_file
from loaders.records import (
    Contribution,
    CountryRef,
    Document,
    Location,
    Money,
    OrganisationRef,
    Participation,
    ParticipationRole,
    ProjectRecord,
    RegionRef,
    RelatedActivity,
    Sector,
    Transaction,
    Translation,
    Video,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "iati"
SAMPLES = SHARED / "samples"
DPORTAL = SHARED / "dportal-covid-2021"
DATA = Path(__file__).resolve().parent / "data" / "iati"


@cache
def parsed(path: Path) -> tuple[ProjectRecord | Rejected, ...]:
    return tuple(parse_iati_file(path))


def record(path: Path, code: str) -> ProjectRecord:
    found = [item for item in parsed(path) if isinstance(item, ProjectRecord) and item.code == code]
    assert len(found) == 1, f"{code} in {path.name}"
    return found[0]


def rejections(path: Path) -> list[tuple[int, str | None, str]]:
    return [
        (item.position, item.identifier, item.reason)
        for item in parsed(path)
        if isinstance(item, Rejected)
    ]


def money(amount: float, currency: str) -> Money:
    return Money(amount=amount, currency=currency)


def org(name: str, ref: str | None = None) -> OrganisationRef:
    return OrganisationRef(name=name, ref=ref)


def role(name: str, ref: str | None, as_: ParticipationRole) -> Participation:
    return Participation(organisation=org(name, ref), role=as_)


def parse_bytes(data: bytes, source: str = "<stdin>") -> list[ProjectRecord | Rejected]:
    return list(parse_iati(io.BytesIO(data), source))


# ------------------------------------------------------------------------ real samples


def test_canada_project_in_mali_and_six_other_countries() -> None:
    project = record(SAMPLES / "canada-activity.xml", "CA-3-D002451001")
    assert project.source == str(SAMPLES / "canada-activity.xml")
    assert project.language == "en"
    assert project.title == "Partnerships for Municipal Innovation in Local Economic Development"
    assert project.description is not None
    assert project.description.startswith(
        "The project supports strengthening the governance capacities of local governments"
    )
    [french] = project.translations
    assert french.language == "fr"
    assert french.title == (
        "Partenariats pour l\u2019innovation municipale au service du d\u00e9veloppement "
        "\u00e9conomique local"
    )
    assert french.description is not None
    assert french.description.startswith("Le projet appuie le renforcement des capacit\u00e9s")
    assert project.status == "implementation"
    assert (project.actual_start, project.planned_end) == ("2016-01-20", "2021-09-30")
    assert (project.planned_start, project.actual_end, project.closed_on) == (None, None, None)
    assert (project.start_date, project.end_date) == ("2016-01-20", "2021-09-30")
    assert project.hierarchy == 1
    assert project.default_currency == "CAD"
    # Six annual original budgets, 2015-04-01 to 2020-04-01.
    assert project.budget == money(19582333.0, "CAD")
    assert project.countries == (
        CountryRef(name="Burkina Faso", iso2="BF", percentage=14.29),
        CountryRef(name="Bolivia", iso2="BO", percentage=14.29),
        CountryRef(name="C\u00f4te d'Ivoire", iso2="CI", percentage=14.29),
        CountryRef(name="Cambodia", iso2="KH", percentage=14.28),
        CountryRef(name="Mali", iso2="ML", percentage=14.28),
        CountryRef(name="Nicaragua", iso2="NI", percentage=14.28),
        CountryRef(name="Vietnam", iso2="VN", percentage=14.29),
    )
    assert project.sectors == (
        Sector(
            name="Decentralisation and support to subnational government",
            code="15112",
            vocabulary="1",
            percentage=48.48,
        ),
        Sector(
            name="Democratic participation and civil society",
            code="15150",
            vocabulary="1",
            percentage=5.0,
        ),
        Sector(
            name="Business policy and administration", code="25010", vocabulary="1", percentage=40
        ),
        Sector(
            name="Small and medium-sized enterprises (SME) development",
            code="32130",
            vocabulary="1",
            percentage=5,
        ),
        Sector(
            name="Environmental policy and administrative management",
            code="41010",
            vocabulary="1",
            percentage=1.52,
        ),
    )
    assert project.participants == (
        role("Foreign Affairs, Trade and Development Canada (DFATD)", "CA-3", "reporting"),
        role("Federation of Canadian Municipalities", "CA-CRA_ACR-2118913938", "implementing"),
        role("Foreign Affairs, Trade and Development Canada", "CA-3", "extending"),
    )
    # The reporting department is not the funder: its outgoing commitment and twelve
    # disbursements (no provider-org) are the only funder's, Canada's.
    assert project.contributions == (
        Contribution(
            donor=org("Canada", "CA"),
            amount=money(19570705.0, "CAD"),
            committed=money(19570705.0, "CAD"),
            disbursed=money(18788937.0, "CAD"),
        ),
    )
    assert len(project.transactions) == 13
    assert project.transactions[0] == Transaction(
        type="3",
        value=money(1664612.0, "CAD"),
        date="2016-03-02",
        receiver=org("CA-CRA_ACR-2118913938", "CA-CRA_ACR-2118913938"),
    )
    assert [document.title for document in project.documents] == [
        "Description",
        "Description",
        "Proactive disclosure",
        "Divulgation proactive",
        "Activity website",
        "Site web de l'activit\u00e9",
    ]
    assert project.documents[0] == Document(
        title="Description",
        url="http://w05.international.gc.ca/projectbrowser-banqueprojets/project-projet/"
        "details/D002451001?Lang=eng",
        category="A02",
    )
    assert project.videos == ()
    assert project.url == "http://www.fcm.ca"
    assert project.results == ("Results achieved", "Expected Results")
    # Seven locations, each only a GeoNames id and an empty point: nothing to keep.
    assert project.locations == ()


def test_fcdo_closed_component_with_revised_budgets_and_its_parent() -> None:
    project = record(SAMPLES / "fcdo-activity.xml", "GB-1-103662-101")
    assert project.title == "PROCOFSERVICES and P0220 for Civil Ser. Cap. Bldng. Liberia"
    assert project.status == "closed"
    assert project.closed_on == "2010-03-31"
    assert (project.planned_start, project.actual_start) == ("2006-12-01", "2006-12-01")
    assert (project.planned_end, project.actual_end) == ("2010-03-31", "2010-03-31")
    assert project.hierarchy == 2
    # Four revised budgets, the last one negative: "a budget of £2,721,510" says the text.
    assert project.budget == money(2721510.0, "GBP")
    assert project.countries == (CountryRef(name="Liberia", iso2="LR"),)
    assert project.sectors == (
        Sector(
            name="Public sector policy and administrative management",
            code="15110",
            vocabulary="1",
        ),
    )
    assert project.related_activities == (
        RelatedActivity(ref="GB-1-103662", type=1),
        RelatedActivity(ref="GB-1-103662-102", type=3),
    )
    assert project.participants == (
        role("Foreign, Commonwealth and Development Office", "GB-GOV-1", "reporting"),
        role("Adam Smith International", "GB-COH-2732176", "implementing"),
        role("Foreign, Commonwealth and Development Office", "GB-GOV-1", "accountable"),
    )
    # No commitment and no incoming funds: the department's disbursement and thirteen
    # quarterly expenditures are totals, but no stated contribution amount.
    assert project.contributions == (
        Contribution(
            donor=org("Foreign, Commonwealth and Development Office", "GB-GOV-1"),
            disbursed=money(1232.0, "GBP"),
            spent=money(2716312.0, "GBP"),
        ),
    )


def test_world_bank_prefers_revised_budgets_and_ignores_loan_repayments() -> None:
    project = record(SAMPLES / "worldbank-activity.xml", "44000-P175662")
    assert project.title == (
        "Jordan Inclusive, Transparent and Climate Responsive Investments Program For Results"
    )
    # Per month: the revised budget where there is one (12 of 10.4 M, then 60 of 6.25 M).
    assert project.budget is not None
    assert project.budget.currency == "USD"
    assert project.budget.amount == pytest.approx(500_000_000.0)
    assert project.contributions == (
        Contribution(
            donor=org("International Bank for Reconstruction and Development", "44001"),
            amount=money(500_000_000.0, "USD"),
            committed=money(500_000_000.0, "USD"),
            disbursed=money(231_750_000.0, "USD"),
        ),
    )
    interest = [t.value.amount for t in project.transactions if t.type == "5"]
    assert interest == [-4042340.0, -1660535.0, -1250000.0]
    assert project.participants == (
        role("World Bank", "44000", "reporting"),
        role("Hashemite Kingdom of Jordan", None, "accountable"),
        role("International Bank for Reconstruction and Development", "44001", "extending"),
        role("Ministry of Planning and International Cooperation", None, "implementing"),
    )
    assert project.countries == (CountryRef(name="Jordan", iso2="JO", percentage=100),)
    # Vocabularies 98 and 99 are the Bank's own: named by its narratives.
    assert project.sectors[0] == Sector(
        name="Adaptation", code="000812", vocabulary="98", percentage=14
    )
    assert project.sectors[3] == Sector(
        name="Central Government (Central Agencies)", code="BC", vocabulary="99", percentage=52
    )
    assert project.sectors[-1] == Sector(
        name="Tourism policy and administrative management",
        code="33210",
        vocabulary="1",
        percentage=9,
    )
    assert len(project.sectors) == 28
    assert len(project.documents) == 12
    assert project.documents[-1] == Document(
        title="Project URL",
        url="https://projects.worldbank.org/en/projects-operations/project-detail/P175662?lang=en",
        category="A12",
    )
    assert project.url == project.documents[-1].url
    assert project.results == ("PDO Indicator", "Intermediate Results Indicator")


def test_ec_intpa_placeholder_and_category_refs_are_not_identifiers() -> None:
    project = record(SAMPLES / "ec-intpa-activity.xml", "XI-IATI-EC_INTPA-2019/405-854")
    assert project.participants == (
        role("European Commission - International Partnerships", "XI-IATI-EC_INTPA", "reporting"),
        role("European Development Fund", "XT-IATI-EC_INTPA", "extending"),
        # ref="60000" (CRS channel "Private Sector Institutions") and ref="N/A".
        role("Private sector institution", None, "accountable"),
        role("EC_INTPA", None, "implementing"),
    )
    assert project.budget == money(0.0, "EUR")
    assert project.related_activities == (
        RelatedActivity(ref="XI-IATI-EC_INTPA-2018/40656/0", type=1),
    )
    [contribution] = project.contributions
    assert contribution.donor == org(
        "European Commission - Directorate-General for International Partnerships (INTPA)",
        "XI-IATI-EC_INTPA",
    )
    assert (contribution.amount, contribution.committed) == (None, None)
    assert contribution.spent == money(3114954.73, "EUR")


def test_usaid_title_in_two_languages() -> None:
    project = record(SAMPLES / "usaid-activity.xml", "US-GOV-1-AID-EPP-A-00-09-00001")
    assert project.language == "en"
    assert project.title == "Enhancing Sustainable Utility Regulations (ENSURE)"
    [spanish] = project.translations
    assert spanish.language == "es"
    assert spanish.title == "Aumentando regulaciones para uso general sostenibles (ASEGURE)"
    assert spanish.description is not None
    assert spanish.description.startswith(
        "El aumento de la regulaci\u00f3n para uso general sostenible (ASEGURE)"
    )
    [contribution] = project.contributions
    assert contribution.donor == org("U.S. Agency for International Development", "US-GOV-1")
    assert contribution.committed == money(7147032.0, "USD")
    assert contribution.disbursed is not None
    assert contribution.disbursed.amount == pytest.approx(9010043.20)


def test_ifad_one_donor_two_currencies() -> None:
    project = record(SAMPLES / "ifad-activity.xml", "XM-DAC-41108-1100001761")
    ifad = org("International Fund for Agricultural Development", "XM-DAC-41108")
    xdr, usd = project.contributions
    assert (xdr.donor, usd.donor) == (ifad, ifad)
    assert xdr.committed == money(12_760_000.0, "XDR")
    assert xdr.disbursed is not None and xdr.disbursed.amount == pytest.approx(8494957.31)
    assert usd.committed == money(10_086_263.0, "USD")
    assert usd.disbursed is not None and usd.disbursed.amount == pytest.approx(7815119.76)
    assert project.hierarchy is None
    assert project.budget is None
    assert [document.category for document in project.documents] == ["A02", "A01", "A12", "A12"]
    assert project.url == "https://www.ifad.org/en/web/operations/-/project/1100001761"


def test_beis_two_parents_and_175_country_shares() -> None:
    project = record(SAMPLES / "beis-activity.xml", "GB-GOV-13-GCRF-BF-7TNK9LD-GBYPTX3")
    assert project.related_activities == (
        RelatedActivity(ref="GCRF", type=1),
        RelatedActivity(ref="GCRF-BEISOp2", type=1),
    )
    assert len(project.countries) == 175
    assert CountryRef(name="Mali", iso2="ML", percentage=0.5714285714285714) in project.countries
    assert project.budget == money(25_042_247.0, "GBP")


def test_3f_incoming_funds_from_a_donor_that_is_not_a_participant() -> None:
    project = record(SAMPLES / "3fi-activity.xml", "DK-CVR-31378028-SPA-2020")
    # Narratives without xml:lang are in the activity's language.
    assert (project.language, project.title) == ("en", "SPA 2022-2025")
    assert project.participants == (role("3F", "DK-CVR-31378028", "reporting"),)
    # Two donors (the funding participant and the provider of incoming funds): 3F's own
    # disbursements cannot be told apart between them and count for neither.
    assert project.contributions == (
        Contribution(donor=org("Denmark - Ministry of Foreign Affairs, Danida", "XM-DAC-3-1")),
        Contribution(
            donor=org("DanishTradeUnionDevelopmentAgency", "DKCVR20453672"),
            amount=money(25_653_580.0, "DKK"),
            disbursed=money(25_653_580.0, "DKK"),
        ),
    )


# ----------------------------------------------------------------------- d-portal files


def test_iom_project_funded_by_luxembourg() -> None:
    project = record(DPORTAL / "dportal_119.xml", "XM-DAC-47066-PX.0118")
    assert project.title.startswith(
        "Promotion of Migrant Women\u2019s Social Inclusion in Public Policies"
    )
    assert project.default_currency is None
    assert project.budget == money(1581630.32, "USD")
    luxembourg = org(
        "Luxembourg - Directorate for Development Cooperation and Humanitarian Affairs",
        "XM-DAC-22-2",
    )
    assert project.contributions == (
        Contribution(
            donor=luxembourg,
            amount=money(1581630.32, "USD"),
            committed=money(1581630.32, "USD"),
        ),
    )
    assert project.transactions == (
        Transaction(
            type="11",
            value=money(1581630.32, "USD"),
            date=project.transactions[0].date,
            provider=luxembourg,
            receiver=project.transactions[0].receiver,
        ),
    )
    assert project.regions == (
        RegionRef(
            code="419", vocabulary="2", name="Latin America and the Caribbean", percentage=100
        ),
    )
    assert project.countries == ()
    assert len(project.locations) == 15
    assert project.locations[0] == Location(name="Belize")
    assert project.locations[8] == Location(
        name="IOM Country Office - BZ", latitude=17.508154765278817, longitude=-88.19954968792278
    )
    assert project.sectors == (
        Sector(
            name="Protection and Assistance to Vulnerable Migrants",
            code="PX",
            vocabulary="99",
            percentage=100,
        ),
        Sector(name="Regulating Migration", code="04", vocabulary="98", percentage=100),
        Sector(name="Sectors not specified", code="99810", vocabulary="1", percentage=100),
    )


def test_afd_parent_activity_and_its_two_children() -> None:
    path = DPORTAL / "dportal_18.xml"
    parent = record(path, "FR-3-CCD1104")
    first, third = record(path, "FR-3-CCD110401"), record(path, "FR-3-CCD110403")
    assert parent.hierarchy == 1
    assert parent.related_activities == (
        RelatedActivity(ref="FR-3-CCD110401", type=2),
        RelatedActivity(ref="FR-3-CCD110403", type=2),
    )
    assert (first.hierarchy, third.hierarchy) == (2, 2)
    assert (
        first.related_activities
        == third.related_activities
        == (RelatedActivity(ref="FR-3-CCD1104", type=1),)
    )
    title = (
        "D\u00e9veloppement du Syst\u00e8me de Sant\u00e9 \u00e0 Kinshasa et sant\u00e9 "
        'maternelle, avec composante additionnelle "COVID"'
    )
    assert (first.language, first.title) == ("fr", title)
    assert (first.actual_start, first.planned_end) == ("2020-11-12", "2024-09-30")
    # Sixteen quarterly budgets each.
    assert parent.budget == money(15_000_000.0, "EUR")
    assert first.budget is not None
    assert first.budget.amount == pytest.approx(14_999_999.97)
    france = org("France", "FR")
    # The parent has no transactions; each child has AFD's commitment and disbursements,
    # which are France's, the only funder (AFD extends).
    assert parent.contributions == (Contribution(donor=france),)
    assert first.contributions == (
        Contribution(
            donor=france,
            amount=money(15_000_000.0, "EUR"),
            committed=money(15_000_000.0, "EUR"),
            disbursed=money(1253656.14, "EUR"),
        ),
    )
    assert first.participants == (
        role("AFD", "FR-3", "reporting"),
        role("AFD", "FR-3", "extending"),
        role("CREDES Centre Recherche Etude pour D\u00e9veloppement", None, "implementing"),
    )


def test_who_funders_matched_by_name_and_its_own_spending_counted_for_none() -> None:
    project = record(DPORTAL / "dportal_128.xml", "XM-DAC-928-DZ-2020-21-13.003.AF01.DZA03")
    committed = {
        c.donor.name: c.committed.amount for c in project.contributions if c.committed is not None
    }
    assert committed == {
        "COVID-19 Solidarity Fund": 60000.0,
        "China": 1021326.0,
        "Department for International Development (DFID), United Kingdom": 298048.0,
        "Ministry of Finance, Saudi Arabia": 215642.0,
        "Ministry of Foreign Affairs, Denmark": 100000.0,
        "Ministry of Foreign Affairs, Netherlands": 421150.0,
    }
    assert all(c.donor.ref is None and c.spent is None for c in project.contributions)
    assert project.budget == money(2087000.0, "USD")
    assert project.countries == (CountryRef(name="Algeria", iso2="DZ", percentage=100),)


def test_lux_development_funds_a_who_project_in_laos() -> None:
    project = record(DPORTAL / "dportal_128.xml", "XM-DAC-928-LA-2020-21-13.003.WP01.LAO02")
    lux = [c for c in project.contributions if c.donor.name.startswith("Lux-Development")]
    assert lux == [
        Contribution(
            donor=org(
                "Lux-Development (Societ? Luxembourgeoise pour la Cooperation Internationale)"
            ),
            amount=money(947410.0, "USD"),
            committed=money(947410.0, "USD"),
        )
    ]


def test_african_development_bank_funders_in_special_drawing_rights() -> None:
    project = record(DPORTAL / "dportal_5.xml", "46002-P-CD-K00-012")
    assert project.contributions == (
        Contribution(
            donor=org("African Development Fund", "46003"),
            amount=money(73_330_000.0, "XDR"),
            committed=money(73_330_000.0, "XDR"),
            disbursed=money(42_610_000.0, "XDR"),
        ),
        Contribution(
            donor=org("Fragile States Facility", "FSF"),
            amount=money(26_670_000.0, "XDR"),
            committed=money(26_670_000.0, "XDR"),
            disbursed=money(26_670_000.0, "XDR"),
        ),
    )
    assert project.budget == money(200_000_000.0, "XDR")


def test_fao_mali_activity_recorded_in_the_language_of_its_title() -> None:
    project = record(DPORTAL / "dportal_116.xml", "XM-DAC-41301-682581")
    # Declared English, titled and described only in French.
    assert project.language == "fr"
    assert project.title == (
        "TCPF: \u00c9valuation de l`impact de COVID-19 sur les syst\u00e8mes alimentaires"
    )
    # Its only description is type 2 (objectives).
    assert project.description == (
        "D\u00e9terminer l'impact de la pand\u00e9mie, \u00e0 court terme sur l'offre et la "
        "demande alimentaires"
    )
    assert project.translations == ()
    assert project.countries == (CountryRef(name="Mali", iso2="ML", percentage=100),)
    assert project.sectors == (
        Sector(
            name="Multi-hazard response preparedness",
            code="74020",
            vocabulary="1",
            percentage=100,
        ),
    )
    fao = org("Food and Agriculture Organization (FAO)", "XM-DAC-41301")
    # FAO funds itself: its incoming funds are the contribution, not added to its
    # outgoing commitment.
    assert project.contributions == (
        Contribution(
            donor=fao,
            amount=money(40000.0, "USD"),
            committed=money(40000.0, "USD"),
            disbursed=money(40000.0, "USD"),
        ),
    )


REAL_FILES = sorted(SAMPLES.glob("*.xml")) + sorted(DPORTAL.glob("*.xml"))


def test_every_real_activity_is_a_record_or_a_rejection_in_file_order() -> None:
    assert len(REAL_FILES) == 33
    total = 0
    for path in REAL_FILES:
        items = parsed(path)
        count = len(re.findall(rb"<iati-activity[\s>]", path.read_bytes()))
        assert len(items) == count, path.name
        identifiers = re.findall(
            r"<iati-identifier>\s*([^<]*?)\s*</iati-identifier>", path.read_text(encoding="utf-8")
        )
        parsed_identifiers = [
            item.code if isinstance(item, ProjectRecord) else item.identifier for item in items
        ]
        assert parsed_identifiers == [html.unescape(i) for i in identifiers], path.name
        total += count
    assert total == 2026


def test_real_rejections_name_the_element_and_the_value() -> None:
    found = {path.name: rejections(path) for path in REAL_FILES if rejections(path)}
    zz = "unknown recipient-country code 'ZZ'"
    assert found == {
        "dportal_0.xml": [
            (99, "44000-P130193", "sector '000065' percentage '102' is not between 0 and 100")
        ],
        "dportal_116.xml": [
            (86, "XM-DAC-41304-269SEN1000", "sector '4' percentage '500' is not between 0 and 100")
        ],
        "dportal_19.xml": [
            (26, "FR-3-CZZ2496", zz),
            (27, "FR-3-CZZ249601", zz),
            (28, "FR-3-CZZ249602", zz),
            (29, "FR-3-CZZ2839", zz),
            (30, "FR-3-CZZ283901", zz),
            (35, "FR-3-CZZ2885", zz),
            (36, "FR-3-CZZ288501", zz),
            (37, "FR-3-CZZ2932", zz),
            (38, "FR-3-CZZ293201", zz),
        ],
        "dportal_7.xml": [
            (
                position,
                code,
                f"unknown recipient-country code {code[-3:]!r} (a recipient-region code)",
            )
            for position, code in [
                (2, "AU-5-INN520-798"),
                (3, "AU-5-INN527-998"),
                (4, "AU-5-INN528-889"),
                (6, "AU-5-INN530-889"),
                (14, "AU-5-INN534-998"),
                (16, "AU-5-INN536-998"),
                (17, "AU-5-INN538-998"),
            ]
        ],
    }


def test_empty_recipient_countries_and_related_activities_are_skipped() -> None:
    # <recipient-country percentage="100"></recipient-country>: no code, no name.
    project = record(DPORTAL / "dportal_121.xml", "XM-DAC-5-7-6614686")
    assert project.countries == ()
    # <related-activity></related-activity>
    related = [
        item
        for item in parsed(DPORTAL / "dportal_24.xml")
        if isinstance(item, ProjectRecord) and item.related_activities == ()
    ]
    assert related


# ---------------------------------------------------------------------------- security

PASSWD_LINE = re.compile(r"\w+:[x*!]?:\d+:\d+:")


def _fail_with(path: Path) -> tuple[list[ProjectRecord | Rejected], IatiFileError]:
    yielded: list[ProjectRecord | Rejected] = []
    with pytest.raises(IatiFileError) as caught:
        yielded.extend(parse_iati_file(path))
    return yielded, caught.value


@pytest.mark.parametrize(
    "name", ["xxe.xml", "xxe_external_dtd.xml", "xxe_parameter_entity.xml", "billion_laughs.xml"]
)
def test_a_dtd_is_refused_before_anything_is_read(name: str) -> None:
    yielded, error = _fail_with(DATA / name)
    assert yielded == []
    assert error.source == str(DATA / name)
    assert error.reason.startswith("refused: a DOCTYPE declaration ('iati-activities')")
    assert "billion laughs" in error.reason and "XXE" in error.reason
    assert str(error).startswith(f"{DATA / name}: refused")
    assert not PASSWD_LINE.search(str(error))


def test_xxe_leaks_nothing_of_etc_passwd() -> None:
    passwd = Path("/etc/passwd")
    secret = passwd.read_text().splitlines()[0] if passwd.exists() else "root:x:0:0:"
    data = (DATA / "xxe.xml").read_bytes()
    yielded: list[ProjectRecord | Rejected] = []
    with pytest.raises(IatiFileError) as caught:
        yielded.extend(parse_iati(io.BytesIO(data), "<stdin>"))
    assert yielded == []
    assert secret not in str(caught.value)
    assert str(caught.value).startswith("<stdin>: refused: a DOCTYPE declaration")


def test_billion_laughs_is_refused_at_once() -> None:
    # The prolog is refused before any entity is expanded: a tiny amount of memory.
    tracemalloc.start()
    try:
        _fail_with(DATA / "billion_laughs.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_a_dtd_in_a_later_chunk_is_refused_too() -> None:
    # A long comment pushes the DOCTYPE past the first 64 KiB chunk.
    padding = b"<!--" + b"x" * 200_000 + b"-->\n"
    data = (DATA / "xxe.xml").read_bytes().replace(b"<!DOCTYPE", padding + b"<!DOCTYPE", 1)
    with pytest.raises(IatiFileError, match="refused: a DOCTYPE declaration"):
        parse_bytes(data)


def test_an_undeclared_entity_is_not_well_formed() -> None:
    yielded, error = _fail_with(DATA / "undeclared_entity.xml")
    assert yielded == []
    assert error.reason == "not well-formed XML: undefined entity: line 6, column 20"


# ---------------------------------------------------------------------- unusable files


def test_a_file_that_is_not_iati_activities() -> None:
    _, error = _fail_with(DATA / "not_iati.xml")
    assert error.reason == "the root element is <iati-organisations>, not <iati-activities>"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file: no XML element"),
        (b"  \n", "empty file: no XML element"),
        (b"this is not XML", "not well-formed XML: syntax error: line 1, column 0"),
        (b"\x1f\x8bnot gzip at all", None),
    ],
)
def test_unreadable_streams(data: bytes, reason: str | None, tmp_path: Path) -> None:
    path = tmp_path / "activities.xml"
    path.write_bytes(data)
    _, error = _fail_with(path)
    if reason is None:
        assert error.reason.startswith("not a readable gzip file: ")
    else:
        assert error.reason == reason


def test_a_truncated_file_yields_what_came_before_the_fault() -> None:
    yielded, error = _fail_with(DATA / "truncated.xml")
    assert [item.code for item in yielded if isinstance(item, ProjectRecord)] == ["XX-TRUNC-1"]
    assert error.reason == "not well-formed XML: no element found: line 11, column 0"


# -------------------------------------------------------------------- broken activities


def test_each_broken_activity_is_rejected_and_the_others_parse() -> None:
    path = DATA / "broken.xml"
    assert rejections(path) == [
        (2, None, "no iati-identifier"),
        (3, "XX-BROKEN-DATE", "activity-date iso-date '2019-13-01' is not a date"),
        (
            4,
            "XX-BROKEN-PERCENTAGE",
            "recipient-country 'ML' percentage '120' is not between 0 and 100",
        ),
        (5, "XX-BROKEN-COUNTRY", "unknown recipient-country code 'ZZ'"),
        (
            6,
            "XX-BROKEN-REGION-AS-COUNTRY",
            "unknown recipient-country code '998' (a recipient-region code)",
        ),
        (
            7,
            "XX-BROKEN-CURRENCY",
            "transaction 2 has no currency and the activity no default-currency",
        ),
        (8, "XX-BROKEN-VALUE", "transaction 1 value '1,000' is not a number"),
        (9, "XX-BROKEN-STATUS", "activity-status code '9' is not on the ActivityStatus codelist"),
        (
            10,
            "XX-BROKEN-ROLE",
            "participating-org 'Someone' role 'Donor' is not an OrganisationRole code",
        ),
        (
            11,
            "XX-BROKEN-RELATED",
            "related-activity 'XX-OTHER' type '7' is not a RelatedActivityType code",
        ),
        (12, "XX-BROKEN-POINT", "location 1 point '95.0 12.0' is outside -90..90, -180..180"),
        (13, "XX-BROKEN-POS", "location 1 point '12,5 -8,0' is not 'latitude longitude'"),
        (14, "XX-BROKEN-DEFAULT-CURRENCY", "default-currency 'EURO' is not an ISO 4217 code"),
        (15, "XX-BROKEN-HIERARCHY", "hierarchy 'top' is not a number"),
    ]
    first = record(path, "XX-BROKEN-OK-1")
    # The identifier is stripped, a trailing time cut off, a padded value read.
    assert first.actual_start == "2019-01-01"
    assert first.transactions == (Transaction(type="3", value=money(1000.5, "EUR")),)
    assert record(path, "XX-BROKEN-OK-2").title == "Another sound activity"
    assert [item.position for item in parsed(path) if isinstance(item, Rejected)] == list(
        range(2, 16)
    )


def test_a_record_the_model_refuses_is_rejected_with_its_first_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every value the parser reads is checked before the model sees it; should a check be
    # missing, pydantic's first error becomes the reason.
    monkeypatch.setattr(iati_codelists, "activity_statuses", lambda: {"2": "ongoing"})
    data = (
        b'<iati-activities version="2.03"><iati-activity><iati-identifier>XX-1'
        b'</iati-identifier><activity-status code="2"/></iati-activity></iati-activities>'
    )
    [rejected] = parse_bytes(data)
    assert isinstance(rejected, Rejected)
    assert rejected == Rejected(
        source="<stdin>",
        position=1,
        identifier="XX-1",
        reason="invalid ProjectRecord status: Input should be 'pipeline', 'implementation', "
        "'finalisation', 'closed', 'cancelled' or 'suspended'",
    )


# ---------------------------------------------------------------------------- IATI 1.0x


def test_iati_1_03_activity() -> None:
    path = DATA / "iati_103.xml"
    luxembourg = org("Luxembourg", "XM-DAC-22-2")
    luxdev = org("Lux-Development", "XM-DAC-22-4")
    assert record(path, "XX-V1-MLI-021") == ProjectRecord(
        code="XX-V1-MLI-021",
        language="fr",
        source=str(path),
        title="Appui au secteur de la sant\u00e9",
        description="Am\u00e9liorer l'acc\u00e8s aux soins de sant\u00e9 de base.",
        translations=(
            Translation(
                language="en",
                title="Support to the health sector",
                description="Better access to basic health care.",
            ),
        ),
        status="implementation",
        start_date="2012-03-15",
        end_date="2016-12-31",
        planned_start="2012-01-01",
        actual_start="2012-03-15",
        planned_end="2016-12-31",
        hierarchy=2,
        default_currency="EUR",
        # 2012: the revised 1,200,000 replaces the original 1,000,000; 2013: 800,000.
        budget=money(2_000_000.0, "EUR"),
        countries=(CountryRef(name="Mali", iso2="ML", percentage=100),),
        contributions=(
            Contribution(
                donor=luxembourg,
                amount=money(2_000_000.0, "EUR"),
                committed=money(2_000_000.0, "EUR"),
                disbursed=money(750_000.5, "EUR"),
                spent=money(300_000.0, "EUR"),
            ),
        ),
        participants=(
            role(
                "Luxembourg - Minist\u00e8re des Affaires \u00e9trang\u00e8res",
                "XM-DAC-22-2",
                "reporting",
            ),
            Participation(organisation=luxdev, role="implementing"),
            role("Minist\u00e8re de la Sant\u00e9", None, "extending"),
        ),
        transactions=(
            Transaction(
                type="2",
                value=money(2_000_000.0, "EUR"),
                date="2012-01-10",
                provider=luxembourg,
                receiver=luxdev,
            ),
            Transaction(
                type="3",
                value=money(750_000.5, "EUR"),
                date="2012-06-30",
                provider=luxembourg,
                receiver=luxdev,
            ),
            Transaction(type="4", value=money(300_000.0, "EUR"), date="2012-12-31"),
        ),
        related_activities=(RelatedActivity(ref="XX-V1-MLI", type=1),),
        locations=(Location(name="S\u00e9gou", latitude=13.4317, longitude=-6.2157),),
        sectors=(
            Sector(name="Basic health care", code="12220", vocabulary="1", percentage=60),
            Sector(name="Basic Health", code="122", vocabulary="2", percentage=40),
            Sector(name="Sant\u00e9 primaire", code="H1", vocabulary="99"),
            Sector(name="Outpatient services", code="07.2", vocabulary="COFOG"),
        ),
        documents=(
            Document(
                title="Document de projet",
                url="http://example.org/mli021/document-de-projet.pdf",
                category="A02",
            ),
        ),
        results=("Acc\u00e8s am\u00e9lior\u00e9 aux soins",),
        url="http://example.org/mli021",
    )


def test_iati_1_03_codes_that_do_not_map_are_rejected() -> None:
    assert rejections(DATA / "iati_103.xml") == [
        (
            2,
            "XX-V1-UNKNOWN-TYPE",
            "transaction 1 transaction-type 'XX' is not a TransactionType code",
        ),
        (
            3,
            "XX-V1-UNKNOWN-DATE-TYPE",
            "activity-date type 'start-maybe' is not an ActivityDateType code",
        ),
    ]


# ------------------------------------------------------------------ languages and links


def test_narratives_in_several_languages() -> None:
    project = record(DATA / "languages_and_links.xml", "XX-LANG-MULTI")
    assert project.language == "en"
    assert project.title == "Drinking water in Kayes"
    # The general descriptions (type 1 and untyped) joined; the objectives left out.
    assert project.description == "First paragraph.\n\nSecond paragraph."
    assert project.translations == (
        Translation(
            language="fr", title="Eau potable \u00e0 Kayes", description="Premier paragraphe."
        ),
        Translation(language="de", title="Trinkwasser in Kayes"),
    )
    assert project.results == ("Access to water", "Hygiene practices")


def test_languages_from_the_root_from_the_title_or_no_title() -> None:
    path = DATA / "languages_and_links.xml"
    root = record(path, "XX-LANG-ROOT")
    assert (root.language, root.title, root.description) == (
        "fr",
        "Sant\u00e9 maternelle",
        "Suivi des grossesses.",
    )
    other = record(path, "XX-LANG-OTHER")
    assert (other.language, other.title, other.description) == (
        "es",
        "Agua para todos",
        "Agua potable.",
    )
    assert other.translations == (Translation(language="en", description="Drinking water."),)
    untitled = record(path, "XX-LANG-UNTITLED")
    assert (untitled.title, untitled.description) == (
        "XX-LANG-UNTITLED",
        "An activity without a title.",
    )


def test_videos_documents_and_the_web_page() -> None:
    project = record(DATA / "languages_and_links.xml", "XX-LANG-MULTI")
    assert project.videos == (
        Video(
            title="Inauguration du forage",
            description="The well opens.",
            url="https://www.youtube.com/watch?v=abc123",
        ),
        Video(title="Project film", url="https://media.example.org/kayes.mp4"),
        Video(title="T\u00e9moignages", url="https://vimeo.com/12345"),
    )
    assert project.documents == (
        Document(
            title="Mid-term evaluation",
            url="https://example.org/kayes/evaluation.pdf",
            category="A07",
        ),
        Document(
            title="https://example.org/kayes/annex.pdf", url="https://example.org/kayes/annex.pdf"
        ),
        Document(title="Project page", url="https://example.org/kayes", category="A12"),
    )
    assert project.url == "https://example.org/kayes"


# ------------------------------------------------------------------------ contributions


def test_a_donor_reporting_its_own_transactions() -> None:
    project = record(DATA / "contributions.xml", "XX-CONTRIB-DONOR")
    donor = org("Donor Agency", "XX-DONOR")
    assert project.contributions == (
        Contribution(
            donor=donor,
            amount=money(1000.0, "EUR"),
            committed=money(1000.0, "EUR"),
            disbursed=money(500.0, "EUR"),
            spent=money(50.0, "EUR"),
        ),
        Contribution(donor=donor, disbursed=money(70.0, "USD")),
    )


def test_an_implementer_reporting_what_it_received() -> None:
    project = record(DATA / "contributions.xml", "XX-CONTRIB-IMPLEMENTER")
    assert project.contributions == (
        Contribution(
            donor=org("Donor Agency", "XX-DONOR"),
            amount=money(150.0, "USD"),
            committed=money(150.0, "USD"),
            disbursed=money(100.0, "USD"),
            spent=money(60.0, "USD"),
        ),
    )


def test_funders_matched_by_name() -> None:
    project = record(DATA / "contributions.xml", "XX-CONTRIB-BY-NAME")
    assert project.contributions == (
        Contribution(
            donor=org("Agence Fran\u00e7aise de D\u00e9veloppement"),
            amount=money(5_000_000.0, "XOF"),
            committed=money(5_000_000.0, "XOF"),
        ),
        Contribution(
            donor=org("Banque Ouest-Africaine"),
            amount=money(3_000_000.0, "XOF"),
            committed=money(3_000_000.0, "XOF"),
        ),
    )


def test_donors_without_transactions_and_donors_that_are_not_participants() -> None:
    project = record(DATA / "contributions.xml", "XX-CONTRIB-OTHERS")
    assert project.contributions == (
        Contribution(donor=org("Lottery Fund")),
        Contribution(
            donor=org("Family Trust", "XX-TRUST"),
            amount=money(2500.0, "GBP"),
            disbursed=money(2500.0, "GBP"),
        ),
    )
    assert project.participants == (
        role("Charity", "XX-CHARITY", "reporting"),
        role("Partner NGO", None, "implementing"),
        role("Local Partner Association", None, "implementing"),
    )


# ------------------------------------------------------------------- gzip and streaming


def test_gzip_files_are_read_by_their_magic_bytes(tmp_path: Path) -> None:
    plain_name = tmp_path / "activities.xml"
    shutil.copy(DATA / "gzipped.xml.gz", plain_name)
    for path in (DATA / "gzipped.xml.gz", plain_name):
        items = list(parse_iati_file(path))
        assert [item.code for item in items if isinstance(item, ProjectRecord)] == [
            "XX-GZIP-1",
            "XX-GZIP-2",
        ]
        first = items[0]
        assert isinstance(first, ProjectRecord)
        assert first.source == str(path)
        assert first.countries == (CountryRef(name="Mali", iso2="ML", percentage=100),)


def test_parse_iati_reads_any_binary_stream() -> None:
    data = gzip.decompress((DATA / "gzipped.xml.gz").read_bytes())
    items = parse_bytes(data, "<stdin>")
    assert [item.source for item in items] == ["<stdin>", "<stdin>"]


class _GeneratedActivities:
    """A binary stream of ``count`` activities made on demand, so the test holds none."""

    def __init__(self, count: int) -> None:
        self._chunks = self._generate(count)
        self._buffer = b""

    @staticmethod
    def _generate(count: int) -> Iterator[bytes]:
        yield b'<?xml version="1.0"?>\n<iati-activities version="2.03">\n'
        for number in range(count):
            yield (
                f'<iati-activity default-currency="EUR" xml:lang="en">'
                f"<iati-identifier>XX-STREAM-{number}</iati-identifier>"
                f"<title><narrative>Activity {number}</narrative></title>"
                f'<recipient-country code="ML" percentage="100"/>'
                f'<transaction><transaction-type code="3"/><value>{number}</value></transaction>'
                f"</iati-activity>\n"
            ).encode()
        yield b"</iati-activities>\n"

    def read(self, size: int, /) -> bytes:
        while len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _peak_memory(count: int) -> int:
    tracemalloc.start()
    try:
        seen = 0
        for item in parse_iati(_GeneratedActivities(count), "<generated>"):  # type: ignore[arg-type]
            assert isinstance(item, ProjectRecord)
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    return peak


def test_memory_does_not_grow_with_the_file() -> None:
    small, large = _peak_memory(500), _peak_memory(5000)
    assert large < small * 1.5


# ---------------------------------------------------------------------------- codelists


def test_codelist_lookups() -> None:
    assert iati_codelists.sector_name("1", "15112") == (
        "Decentralisation and support to subnational government"
    )
    assert iati_codelists.sector_name("2", "122") == "Basic Health"
    assert iati_codelists.sector_name("99", "122") is None
    assert iati_codelists.region_name("1", "298") == "Africa, regional"
    assert iati_codelists.region_name("2", "298") is None
    assert iati_codelists.country("ML") == "Mali"
    assert iati_codelists.country("ZZ") is None
    assert iati_codelists.activity_statuses()["1"] == "pipeline"
    assert iati_codelists.organisation_roles()["implementing"] == "4"
    assert iati_codelists.participation_roles() == {
        "2": "accountable",
        "3": "extending",
        "4": "implementing",
    }
    assert "video/mp4" in iati_codelists.video_formats()
    assert "application/pdf" not in iati_codelists.video_formats()
    assert iati_codelists.organisation_type("10") == "Government"
    assert iati_codelists.document_category("A12") == "Activity web page"
    assert iati_codelists.transaction_type("11") == "Incoming Commitment"
    assert len(iati_codelists.codes("TransactionType")) == 13
