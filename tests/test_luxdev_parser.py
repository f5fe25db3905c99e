"""The LuxDev page parser: page text or HTML → ProjectRecord. Pure unit tests, no Neo4j.

The two real pages live in ``samples/luxdev``; the variants in ``tests/data/luxdev`` are
hand-written in the style of the real ones, each exercising other layouts.
"""

# Expected values are the pages' own text, typographic apostrophes and dashes included.

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.luxdev import PageError, parse_file, parse_page
from loaders.names import fold_characters
from loaders.page_text import Line, html_to_lines, is_html, text_to_lines
from loaders.page_values import (
    find_date,
    find_money,
    months_between,
    parse_date,
    parse_date_range,
    parse_duration,
    parse_money,
)
from loaders.records import (
    Agreement,
    Component,
    Contribution,
    CooperationProgramme,
    CountryRef,
    Document,
    Money,
    Office,
    OrganisationRef,
    Participation,
    Programme,
    ProjectRecord,
    Sector,
    Video,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "luxdev"
DATA = Path(__file__).resolve().parent / "data" / "luxdev"
LUXDEV = OrganisationRef(name="LuxDev")


def eur(amount: float) -> Money:
    return Money(amount=amount, currency="EUR")


def contribution(donor: str, amount: float | None) -> Contribution:
    return Contribution(
        donor=OrganisationRef(name=donor), amount=eur(amount) if amount is not None else None
    )


def same_video(title: str) -> Video:
    """A video whose description repeats its title, as most LuxDev videos have."""
    return Video(title=title, description=title)


LUXDEV_IMPLEMENTS = Participation(organisation=LUXDEV, role="implementing")
"""LuxDev implements every project on its site."""


# ---------------------------------------------------------------------------- real pages


MLI_801 = ProjectRecord(
    code="MLI/801",
    language="fr",
    source=str(SAMPLES / "MLI_801.fr.txt"),
    participants=(LUXDEV_IMPLEMENTS,),
    title=(
        "Soutien rapide aux Autorités maliennes et aux Services sociaux essentiels dans les "
        "Zones post-Conflit"
    ),
    description=(
        "Le projet confié à l’Agence vise à appuyer les institutions locales à rétablir "
        "l’autorité et la présence de l’Etat et à soutenir les communautés locales à reprendre "
        "l’octroi des services sociaux de base dans les zones de post-conflit"
    ),
    status="closed",
    closed_on="2015-04-14",
    start_date="2013-05",
    end_date="2015-04",
    duration_months=23,
    budget=eur(5_000_000),
    countries=(CountryRef(name="Mali"),),
    office=Office(name="Bureau Mali", agency=LUXDEV),
    contributions=(
        contribution("Gouvernement luxembourgeois", 0),
        contribution("Instrument de Stabilité de la Commission européenne", 5_000_000),
    ),
    programme=Programme(
        title="programme financé via l’Instrument de Stabilité géré par la Commission européenne",
        budget=eur(20_000_000),
        components=(
            Component(
                position=1,
                title="renforcer les capacités des autorités civiles maliennes à rétablir "
                "l’ordre public et à assurer la protection des civils",
            ),
            Component(
                position=2,
                title="apporter un appui immédiat aux communautés locales et aux populations "
                "touchées par la crise et permettre aux autorités locales de se redresser "
                "rapidement et de fournir les services sociaux de base",
            ),
            Component(
                position=3,
                title="appuyer les efforts de la société civile à se réconcilier et renforcer "
                "la volonté de la population de s’opposer à la radicalisation et aux "
                "extrémismes violents notamment en favorisant le dialogue entre les communautés",
            ),
            Component(
                position=4,
                title="apporter un appui rapide au processus électoral au Mali en contribuant "
                "à la mise en place des premières étapes du processus",
            ),
            Component(
                position=5,
                title="fournir une expertise et des services techniques pouvant aider les "
                "autorités maliennes et les acteurs impliqués dans les efforts cités "
                "précédemment à stabiliser le Mali",
            ),
        ),
        project_position=2,
    ),
    videos=(
        Video(
            title="MALI - Relance de l’économie locale et d’appui aux collectivités – Phase II "
            "(RELAC II)",
            description="A cause de la crise sécuritaire qui affecte le nord du Mali, "
            "l’amélioration de la cohésion sociale et le renforcement de la gouvernance locale "
            "sont indispensables pour prévenir des nouveaux conflits. Cela passe par la Relance "
            "Economique Locale et l’Appui aux Collectivités (RELAC), un projet mis en œuvre par "
            "Lux-Dev et financé par l’UE, qui a permis aux communautés et aux Communes de "
            "Tombouctou et Gao de développer l’économie locale, offrir des opportunités "
            "d’emploi et permettre aux collectivités territoriales d’assurer le bon "
            "fonctionnement des services sociaux de base (écoles, centres de santé, points "
            "d’eau).",
        ),
        same_video("MALI - Activités du RELAC II dans la Commune de Kirchamba"),
        same_video("MALI - Centre artisanal Hamabangou Tombouctou (RELAC II)"),
        same_video("MALI - Embouche ovine à Tombouctou (RELAC II)"),
        same_video("MALI - Entretien avec le Maire et les autorités de Tombouctou (RELAC II)"),
        same_video("MALI - Périmètre irrigué de la coopérative de Kirchamba (RELAC II)"),
        same_video("MALI - Périmètre maraicher de la coopérative de Tarabangou (RELAC II)"),
    ),
    documents=(Document(title="Évaluation finale", category="final-evaluation"),),
    results=(
        "les services de l’Etat et les collectivités disposent d’un équipement de base "
        "permettant le rétablissement de l’autorité de l’Etat et le rôle des institutions dans "
        "les régions directement touchées par le conflit",
        "les services sociaux essentiels disposent d’un équipement de base pour leur "
        "fonctionnement dans les régions touchées par le conflit",
        "un appui technique est apporté pour la coordination des partenaires techniques et "
        "financiers intervenants sur les zones post-conflit",
    ),
    agreements=(
        Agreement(title="Convention de délégation de l’Union européenne", signed_on="2013-05-23"),
    ),
)


def test_mli_801_sample_gives_every_expected_value() -> None:
    assert parse_file(SAMPLES / "MLI_801.fr.txt") == MLI_801


def test_mli_801_with_its_address_records_the_address() -> None:
    url = "https://luxdev.lu/fr/activities/project/MLI/801"
    record = parse_file(SAMPLES / "MLI_801.fr.txt", url=url)
    assert record == MLI_801.model_copy(update={"url": url})


def test_bkf_026_sample_gives_every_expected_value() -> None:
    record = parse_file(SAMPLES / "BKF_026.en.txt")
    assert record == ProjectRecord(
        code="BKF/026",
        language="en",
        source=str(SAMPLES / "BKF_026.en.txt"),
        participants=(LUXDEV_IMPLEMENTS,),
        title="Support to the National Education and Technical and Vocational Training Policy "
        "in Burkina Faso",
        # No paragraph states the project's aim: the first paragraph that does not
        # introduce a list is the description (the copy is cut mid-sentence).
        description="In the light of this, it is planned to carry on supporting of BKF/018 "
        'through the newly BKF/026 programme which is to "Support the implementation of the '
        "sectoral policy of education and technical and vocational training. The BKF/026 is "
        "a contribution of a joint support of Luxembourg, Austrian, Swiss and Monegasque "
        "Cooperations as well as France through the French Development Agency, to implement",
        status=None,
        closed_on=None,
        start_date="2019-11",
        end_date="2024-10",
        duration_months=60,
        budget=eur(42_118_534),
        countries=(CountryRef(name="Burkina Faso"),),
        office=Office(name="Burkina Faso Office", agency=LUXDEV),
        contributions=(
            contribution("Luxembourg Government", 13_000_000),
            contribution("Etat Burkinabé", 13_720_412),
            contribution("AFD", 10_000_000),
            contribution("Suisse", 2_598_122),
            contribution("Autriche", 2_500_000),
            contribution("Monaco", 300_000),
        ),
        cooperation_programme=CooperationProgramme(name="PIC 3", start="2017", end="2021"),
        sectors=(Sector(name="Education, vocationnal training and employment"),),
        videos=(
            Video(
                title="20 ans de Coopération luxembourgeoise au Burkina Faso",
                description="20ans de Coopération Luxembourgeoise au Burkina Faso",
            ),
            same_video("20 ans de Coopération luxembourgeoise au Burkina Faso - Environnement"),
            same_video("20 ans de Coopération luxembourgeoise au Burkina Faso - Formation"),
            same_video("20 ans de Coopération luxembourgeoise au Burkina Faso - Technologie"),
        ),
        # The "key intervention sectors" bullets are neither components nor results.
        programme=None,
        results=(),
        agreements=(),
    )


def test_bkf_026_contributions_add_up_to_the_total_budget() -> None:
    record = parse_file(SAMPLES / "BKF_026.en.txt")
    amounts = [c.amount.amount for c in record.contributions if c.amount is not None]
    assert sum(amounts) == 42_118_534


# ---------------------------------------------------------------------------- variants


def test_french_dash_lists_flattened_contributions_and_no_break_spaces() -> None:
    path = DATA / "CVE_081.fr.txt"
    assert parse_file(path) == ProjectRecord(
        code="CVE/081",
        language="fr",
        source=str(path),
        title="Programme d'appui à l'emploi et à l'employabilité au Cabo Verde",
        description="L’objectif global du projet est de contribuer à l’insertion "
        "professionnelle durable des jeunes capverdiens, en particulier des femmes.",
        status="implementation",
        start_date="2019-11-01",
        end_date="2024-10-31",
        duration_months=60,
        budget=eur(12_350_000),
        countries=(CountryRef(name="Cabo Verde"), CountryRef(name="Sénégal")),
        office=Office(name="Bureau régional de Dakar", agency=LUXDEV),
        contributions=(
            contribution("Gouvernement luxembourgeois", 9_500_000),
            contribution("Union européenne", 2_850_000),
        ),
        participants=(
            LUXDEV_IMPLEMENTS,
            Participation(
                organisation=OrganisationRef(name="Ministère des Finances et de l'Emploi"),
                role="partner",
            ),
        ),
        programme=Programme(
            title="Emploi et employabilité",
            budget=eur(45_000_000),
            components=(
                Component(
                    position=1, title="l’appui institutionnel au ministère en charge de l’emploi"
                ),
                Component(
                    position=2, title="le renforcement de l’offre de formation professionnelle"
                ),
                Component(position=3, title="l’insertion des jeunes sur le marché du travail"),
                Component(position=4, title="la gestion du fonds de l’emploi"),
            ),
            project_position=2,
        ),
        cooperation_programme=CooperationProgramme(name="PIC 4", start="2016", end="2020"),
        sectors=(Sector(name="Éducation, formation professionnelle et emploi"),),
        videos=(
            Video(
                title="Cabo Verde - Formation professionnelle à Praia",
                description="Reportage sur les nouveaux ateliers du centre de formation de Praia "
                "et sur les premiers stagiaires accueillis en entreprise.",
            ),
            same_video("Cabo Verde - Témoignages de jeunes diplômés"),
        ),
        documents=(
            Document(title="Évaluation à mi-parcours", category="mid-term-evaluation"),
            Document(title="Fiche projet", category="project-sheet"),
        ),
        results=(
            "l’offre de formation est adaptée aux besoins du marché du travail",
            "les centres de formation sont gérés de manière autonome",
            "les jeunes formés accèdent à un emploi décent",
        ),
        agreements=(
            Agreement(
                title="Convention de contribution avec l’Union européenne", signed_on="2020-02-03"
            ),
        ),
    )


def test_english_closing_line_day_precision_and_programme_free_text() -> None:
    path = DATA / "LAO_030.en.txt"
    assert parse_file(path) == ProjectRecord(
        code="LAO/030",
        language="en",
        source=str(path),
        participants=(LUXDEV_IMPLEMENTS,),
        title="Strengthening Local Health Services in Bolikhamxay Province",
        description="The project aims to improve the quality and use of primary health "
        "services in Bolikhamxay province.",
        status="closed",
        closed_on="2018-01-14",
        start_date="2016-01-15",
        end_date="2018-01-14",
        duration_months=24,  # not stated: computed from the period
        budget=eur(5_000_000),
        countries=(CountryRef(name="Laos"),),
        office=Office(name="Laos Office", agency=LUXDEV),
        contributions=(
            contribution("Luxembourg Government", 3_500_000),
            contribution("European Union", 1_500_000),
        ),
        programme=Programme(
            title="programme funded by the European Union's Instrument contributing to "
            "Stability and Peace",
            budget=eur(20_000_000),
            # "five components" but four bullets: the bullets are trusted.
            components=(
                Component(position=1, title="strengthening provincial health planning"),
                Component(position=2, title="renovating and equipping district hospitals"),
                Component(position=3, title="training health staff"),
                Component(position=4, title="improving the health information system"),
            ),
            project_position=2,
        ),
        sectors=(Sector(name="Health"), Sector(name="Governance")),
        videos=(
            Video(
                title="Laos - Health centres in Bolikhamxay",
                description="Village health volunteers explain how the renovated health centres "
                "changed access to care.\n\nFilmed in Pakkading district in 2017.",
            ),
            same_video("Laos - Training midwives"),
        ),
        documents=(
            Document(title="Mid-term evaluation", category="mid-term-evaluation"),
            Document(title="Final evaluation", category="final-evaluation"),
        ),
        results=(
            "health centres are equipped and staffed",
            "referral between health centres and district hospitals works",
            "the provincial health office plans and monitors services",
        ),
        agreements=(
            Agreement(
                title="Delegation agreement between the European Union and Luxembourg",
                signed_on="2015-05-23",
            ),
        ),
    )


def test_french_page_with_missing_labels_places_values_by_shape() -> None:
    path = DATA / "NER_023.fr.txt"
    assert parse_file(path) == ProjectRecord(
        code="NER/023",
        language="fr",
        source=str(path),
        participants=(LUXDEV_IMPLEMENTS,),
        title="Appui à la formation et à l'insertion professionnelle des jeunes dans la région "
        "de Dosso",
        description="Le projet a accompagné la mise en place de quatre centres de formation aux "
        "métiers dans la région de Dosso, en lien étroit avec les collectivités territoriales "
        "et les organisations professionnelles agricoles.",
        status="closed",
        closed_on="2019-12-31",
        start_date="2016-02",
        end_date="2019-12",
        duration_months=47,
        budget=eur(12_450_000),
        countries=(CountryRef(name="Niger"),),
        office=Office(name="Bureau Niger", agency=LUXDEV),
        contributions=(
            contribution("Gouvernement luxembourgeois", 12_450_000),
            contribution("Etat nigérien", 0),
        ),
        sectors=(Sector(name="Agriculture, forêt et pêche"),),
        documents=(Document(title="Rapport d'achèvement", category="completion-report"),),
    )


def test_english_page_without_code_or_labels_takes_both_from_the_address() -> None:
    path = DATA / "SLV_025.en.txt"
    url = "https://luxdev.lu/en/activities/project/SLV/025"
    assert parse_file(path, url=url) == ProjectRecord(
        code="SLV/025",
        language="en",
        source=str(path),
        participants=(LUXDEV_IMPLEMENTS,),
        title="Rural Water Supply and Sanitation in the Eastern Region",
        description="The intervention seeks to give lasting access to safe water and basic "
        "sanitation to 25,000 people.",
        start_date="2017-01",
        end_date="2021-12",
        duration_months=60,
        budget=eur(10_500_000),
        countries=(CountryRef(name="El Salvador"),),
        office=Office(name="El Salvador Office", agency=LUXDEV),
        # No "Contribution breakdown" label: the donor under the budget is still a donor.
        contributions=(contribution("Luxembourg Government", 10_500_000),),
        url=url,
    )


def test_english_dash_lists_several_countries_and_flattened_contributions() -> None:
    path = DATA / "RAF_012.en.txt"
    assert parse_file(path) == ProjectRecord(
        code="RAF/012",
        language="en",
        source=str(path),
        title="Regional Support to Inclusive Finance in West Africa",
        description="The project works with the central bank of the West African States "
        "(BCEAO) and the national microfinance supervision units of the four countries.",
        status="implementation",
        start_date="2019-01-01",
        end_date="2023-12-31",
        duration_months=60,
        budget=eur(8_000_000),
        countries=(
            CountryRef(name="Burkina Faso"),
            CountryRef(name="Mali"),
            CountryRef(name="Niger"),
            CountryRef(name="Senegal"),
        ),
        office=Office(name="Dakar Regional Office", agency=LUXDEV),
        contributions=(
            contribution("Luxembourg Government", 6_500_000),
            contribution("European Union", 1_500_000),
        ),
        participants=(
            LUXDEV_IMPLEMENTS,
            Participation(organisation=OrganisationRef(name="BCEAO"), role="partner"),
        ),
        sectors=(Sector(name="Inclusive finance"),),
        videos=(Video(title="Inclusive finance in the WAEMU"),),
    )


def test_french_html_page_takes_code_and_language_from_its_canonical_address() -> None:
    path = DATA / "SEN_030.fr.html"
    assert parse_file(path) == ProjectRecord(
        code="SEN/030",
        language="fr",
        source=str(path),
        title="Programme d'appui au secteur de la santé dans les régions du Nord",
        description="Le programme SEN/030 vise à améliorer l'accès des populations des régions "
        "de Saint-Louis et de Matam à des soins de santé de qualité.",
        start_date="2018-01-01",
        end_date="2022-12-31",
        duration_months=60,
        budget=eur(15_000_000),
        countries=(CountryRef(name="Sénégal"),),
        office=Office(name="Bureau Sénégal", agency=LUXDEV),
        contributions=(
            contribution("Gouvernement luxembourgeois", 13_000_000),
            contribution("Etat sénégalais", 2_000_000),
        ),
        participants=(
            LUXDEV_IMPLEMENTS,
            Participation(
                organisation=OrganisationRef(name="Ministère de la Santé et de l'Action sociale"),
                role="partner",
            ),
        ),
        sectors=(Sector(name="Santé"),),
        videos=(
            Video(
                title="SÉNÉGAL - La maternité de Saint-Louis",
                description="Visite de la maternité rénovée de l'hôpital régional de Saint-Louis.",
                url="https://www.youtube.com/watch?v=sen030a",
            ),
        ),
        documents=(
            Document(
                title="Évaluation à mi-parcours",
                url="https://luxdev.lu/documents/SEN030_evaluation_mi_parcours.pdf",
                category="mid-term-evaluation",
            ),
        ),
        results=(
            "les structures de santé sont équipées et fonctionnelles",
            "la gouvernance sanitaire régionale est renforcée",
        ),
        url="https://luxdev.lu/fr/activities/project/SEN/030",
    )


def test_english_html_page_with_og_url_and_a_table_of_facts() -> None:
    path = DATA / "KSV_022.en.html"
    assert parse_file(path) == ProjectRecord(
        code="KSV/022",
        language="en",
        source=str(path),
        participants=(LUXDEV_IMPLEMENTS,),
        title="Health Sector Support Programme in Kosovo",
        description="The project aims to support the Ministry of Health in implementing the "
        "health sector strategy.",
        start_date="2015-03",
        end_date="2019-02",
        duration_months=48,
        budget=eur(9_750_000),
        countries=(CountryRef(name="Kosovo"),),
        url="https://luxdev.lu/en/activities/project/KSV/022",
    )


def test_the_url_argument_wins_over_the_html_address() -> None:
    url = "https://luxdev.lu/fr/activities/project/SEN/031"
    record = parse_page((DATA / "SEN_030.fr.html").read_text(encoding="utf-8"), "page", url)
    assert (record.code, record.language, record.url) == ("SEN/031", "fr", url)


def test_a_code_in_the_text_wins_over_the_address() -> None:
    url = "https://luxdev.lu/en/activities/project/MLI/802"
    record = parse_file(SAMPLES / "MLI_801.fr.txt", url=url)
    assert (record.code, record.language) == ("MLI/801", "fr")


def test_labels_with_their_value_on_the_same_line() -> None:
    page = "\n".join(
        [
            "SEN/029",
            "Appui à la décentralisation",
            "Pays : Sénégal",
            "Bureau pays de LuxDev : Bureau Sénégal",
            "Période d'exécution : Mars 2014 – Août 2017",
            "Budget total 7 000 000 EUR",
        ]
    )
    record = parse_page(page, "inline")
    assert (
        record.countries,
        record.office,
        record.start_date,
        record.end_date,
        record.duration_months,
        record.budget,
    ) == (
        (CountryRef(name="Sénégal"),),
        Office(name="Bureau Sénégal", agency=LUXDEV),
        "2014-03",
        "2017-08",
        42,
        eur(7_000_000),
    )


def test_contributions_written_amount_first() -> None:
    page = "\n".join(
        [
            "VNM/033",
            "Renforcement des capacités en tourisme",
            "Répartition des contributions",
            "- 4 000 000 EUR - Gouvernement luxembourgeois",
            "- 500 000 EUR - Gouvernement vietnamien",
        ]
    )
    assert parse_page(page, "amount-first").contributions == (
        contribution("Gouvernement luxembourgeois", 4_000_000),
        contribution("Gouvernement vietnamien", 500_000),
    )


@pytest.mark.parametrize(
    ("sentence", "status", "closed_on"),
    [
        ("Ce projet est clôturé depuis le 14 avril 2015.", "closed", "2015-04-14"),
        ("Le projet s'est terminé le 30 juin 2016.", "closed", "2016-06-30"),
        ("This project has been closed since 14 January 2018.", "closed", "2018-01-14"),
        ("Ce projet est en cours de formulation.", "pipeline", None),
        ("This project is ongoing.", "implementation", None),
        ("This project has been suspended.", "suspended", None),
        ("Ce projet a été annulé.", "cancelled", None),
    ],
)
def test_status_sentences(sentence: str, status: str, closed_on: str | None) -> None:
    page = f"NER/026\nAppui au secteur de l'eau\n{sentence}\nPays\nNiger\n"
    record = parse_page(page, "status")
    assert (record.title, record.status, record.closed_on, record.countries) == (
        "Appui au secteur de l'eau",
        status,
        closed_on,
        (CountryRef(name="Niger"),),
    )


@pytest.mark.parametrize(
    "title",
    [
        "Projet d'appui à la clôture des comptes publics",  # starts like a status sentence
        "Appui au secteur de la santé dans la province de Vientiane, phase II.",  # a sentence
    ],
)
def test_the_line_after_the_code_is_the_title(title: str) -> None:
    record = parse_page(f"LAO/031\n{title}\nPays\nLaos\n", "title")
    assert (record.code, record.title, record.status) == ("LAO/031", title, None)


def test_code_and_title_on_one_line() -> None:
    record = parse_page("CVE/090 – Appui à l'eau et à l'assainissement\nPays\nCabo Verde", "x")
    assert (record.code, record.title) == ("CVE/090", "Appui à l'eau et à l'assainissement")


def test_video_descriptions_without_indentation_and_prose_after_them() -> None:
    page = "\n".join(
        [
            "BKF/030",
            "Eau et assainissement",
            "Country",
            "Burkina Faso",
            "Videos",
            "• Water points in Kaya",
            "Women's committees manage the new water points.",
            "• Latrines in schools",
            "A short film about school sanitation.",
            "The project aims to bring drinking water and sanitation to 40 rural communes of "
            "the Centre-Nord region.",
        ]
    )
    record = parse_page(page, "videos")
    assert (record.videos, record.description) == (
        (
            Video(
                title="Water points in Kaya",
                description="Women's committees manage the new water points.",
            ),
            Video(title="Latrines in schools", description="A short film about school sanitation."),
        ),
        "The project aims to bring drinking water and sanitation to 40 rural communes of the "
        "Centre-Nord region.",
    )


def test_cooperation_programme_with_its_years_on_the_same_line() -> None:
    page = "NIC/025\nTourisme durable\nCountry\nNicaragua\nICP III (2015-2018)\n"
    assert parse_page(page, "icp").cooperation_programme == CooperationProgramme(
        name="ICP III", start="2015", end="2018"
    )


def test_numbered_component_position_and_quoted_programme_name() -> None:
    page = "\n".join(
        [
            "KSV/023",
            "Health Information System",
            "Country",
            "Kosovo",
            "Total budget",
            "3,000,000 EUR",
            'LuxDev implements component 3 of the programme "Health for All", with a budget '
            "of 12,000,000 EUR.",
        ]
    )
    assert parse_page(page, "position").programme == Programme(
        title="Health for All", budget=eur(12_000_000), project_position=3
    )


def test_a_programme_amount_equal_to_the_project_budget_is_the_project_itself() -> None:
    page = "\n".join(
        [
            "BKF/031",
            "Formation professionnelle",
            "Budget total",
            "3 000 000 EUR",
            "Ce projet constitue la première composante du programme, d'un budget de 3 000 000 "
            "EUR, financé par le Luxembourg.",
        ]
    )
    # "du programme," names no programme: no title either.
    assert parse_page(page, "own budget").programme == Programme(
        title=None, budget=None, project_position=1
    )


def test_navigation_never_ends_up_in_a_field() -> None:
    for path in [SAMPLES / "MLI_801.fr.txt", SAMPLES / "BKF_026.en.txt", DATA / "SEN_030.fr.html"]:
        record = parse_file(path)
        dumped = record.model_dump_json()
        for noise in ["intranet", "Google", "mot de passe", "password", "Aide", "Sector Notes",
                      "Project sheets", "Liens", "L'Agence"]:  # fmt: skip
            assert noise not in dumped, (path.name, noise)


# ---------------------------------------------------------------------------- broken pages


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("broken_no_title.fr.txt", "no project title found"),
        ("broken_no_code.en.txt", "no project code found (no code line, no project address)"),
        ("broken_no_language.txt", "no page language found (no labels, no project address)"),
    ],
)
def test_broken_pages_raise_a_page_error_naming_file_and_gap(name: str, reason: str) -> None:
    path = DATA / name
    with pytest.raises(PageError) as raised:
        parse_file(path)
    assert (raised.value.source, raised.value.reason, str(raised.value)) == (
        str(path),
        reason,
        f"{path}: {reason}",
    )


def test_page_error_is_a_value_error_named_after_the_source() -> None:
    with pytest.raises(ValueError, match=r"^MLI_801\.fr\.txt: no project title found$"):
        parse_page("MLI/801\nPays\nMali\n", "MLI_801.fr.txt")


def test_a_missing_code_is_supplied_by_the_url_argument() -> None:
    content = (DATA / "broken_no_code.en.txt").read_text(encoding="utf-8")
    record = parse_page(content, "x", url="https://luxdev.lu/en/activities/project/NER/030")
    assert (record.code, record.title, record.countries, record.budget) == (
        "NER/030",
        "Support to Decentralised Water Management",
        (CountryRef(name="Niger"),),
        eur(3_000_000),
    )


# ---------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("5 000 000 EUR", 5_000_000, "EUR"),
        ("5\u00a0000\u00a0000\u00a0EUR", 5_000_000, "EUR"),
        ("5\u202f000\u202f000 EUR", 5_000_000, "EUR"),
        ("42,118,534 EUR", 42_118_534, "EUR"),
        ("42.118.534 EUR", 42_118_534, "EUR"),
        ("EUR 5,000,000", 5_000_000, "EUR"),
        ("5 000 000 €", 5_000_000, "EUR"),
        ("0 EUR", 0, "EUR"),
        ("1.500 EUR", 1_500, "EUR"),
        ("5.000.000,50 EUR", 5_000_000.5, "EUR"),
        ("EUR 20 million", 20_000_000, "EUR"),
        ("2,5 millions d'euros", 2_500_000, "EUR"),
        ("USD 1,200,000", 1_200_000, "USD"),
    ],
)
def test_parse_money(text: str, amount: float, currency: str) -> None:
    assert parse_money(text) == Money(amount=amount, currency=currency)


@pytest.mark.parametrize("text", ["PIC 3", "2017 - 2021", "5 000 000", "Budget EUR", "23 mois"])
def test_parse_money_rejects_non_amounts(text: str) -> None:
    assert parse_money(text) is None


def test_find_money_gives_amounts_with_their_spans() -> None:
    text = "d’un budget de 20\u00a0000\u00a0000\u00a0EUR, vise"
    [found] = find_money(text)
    assert (found.money, text[found.start : found.end]) == (
        eur(20_000_000),
        "20\u00a0000\u00a0000\u00a0EUR",
    )


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("14.04.2015", "2015-04-14"),
        ("le 14.04.2015", "2015-04-14"),
        ("23 mai 2013", "2013-05-23"),
        ("1er janvier 2016", "2016-01-01"),
        ("15 January 2016", "2016-01-15"),
        ("May 23, 2013", "2013-05-23"),
        ("Mai 2013", "2013-05"),
        ("février 2016", "2016-02"),
        ("août 2019", "2019-08"),
        ("décembre 2020", "2020-12"),
        ("févr. 2016", "2016-02"),
        ("Sept 2018", "2018-09"),
        ("2013-05-23", "2013-05-23"),
        ("2017", "2017"),
    ],
)
def test_parse_date(text: str, date: str) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["31.02.2015", "Bureau 2015", "mai", "PIC 3"])
def test_parse_date_rejects_non_dates(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Mai 2013 - Avril 2015", ("2013-05", "2015-04")),
        ("November 2019 - October 2024", ("2019-11", "2024-10")),
        ("15 January 2016 - 14 January 2018", ("2016-01-15", "2018-01-14")),
        ("01.11.2019 - 31.10.2024", ("2019-11-01", "2024-10-31")),
        ("01.11.2019–31.10.2024", ("2019-11-01", "2024-10-31")),
        ("Janvier 2017 — Décembre 2021", ("2017-01", "2021-12")),
        ("du 1er janvier 2016 au 31 décembre 2020", ("2016-01-01", "2020-12-31")),
        ("2013-05-23 - 2015-04-14", ("2013-05-23", "2015-04-14")),
        ("2017 - 2021", ("2017", "2021")),
    ],
)
def test_parse_date_range(text: str, period: tuple[str, str]) -> None:
    assert parse_date_range(text) == period


def test_parse_date_range_rejects_titles_with_dashes() -> None:
    assert parse_date_range("MALI - Relance de l’économie locale") is None


def test_find_date_after_an_offset() -> None:
    text = "signée le 23 mai 2013 et close en 2015"
    found = find_date(text, start=10)
    assert found is not None
    assert (found.date, text[found.start : found.end]) == ("2013-05-23", "23 mai 2013")


@pytest.mark.parametrize(
    ("text", "months"),
    [("23 mois", 23), ("60 months", 60), ("1 month", 1), ("3 ans", 36), ("36 mois (3 ans)", 36)],
)
def test_parse_duration(text: str, months: int) -> None:
    assert parse_duration(text) == months


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2019-11", "2024-10", 60),  # as BKF/026 states
        ("2020-05", "2022-04", 24),
        ("2016-01-15", "2018-01-14", 24),
        ("2023-01-01", "2028-12-31", 72),
        ("2016-01-15", "2018-01-13", 23),
        ("2017", "2021", None),
    ],
)
def test_months_between(start: str, end: str, months: int | None) -> None:
    assert months_between(start, end) == months


# ---------------------------------------------------------------------------- page text


def test_fold_keeps_length_and_drops_case_accents_and_typography() -> None:
    text = "Période d’exécution – Évaluation\u00a0finale"
    assert fold_characters(text) == "periode d'execution - evaluation finale"
    assert len(fold_characters(text)) == len(text)


def test_text_lines_mark_bullets_and_keep_indentation() -> None:
    assert text_to_lines("Pays\n- Mali\n\n  • Donor\n    0 EUR\n-\n") == [
        Line("Pays"),
        Line("Mali", "bullet", 0),
        Line("Donor", "bullet", 2),
        Line("0 EUR", "text", 4),
    ]


def test_html_lines_keep_block_structure() -> None:
    html = (
        '<html><head><link rel="canonical" href="https://luxdev.lu/en/activities/project/X/1">'
        "</head><body><nav><a href='/'>Home</a></nav><h1>Title <br>continued</h1>"
        "<dl><dt>Country</dt><dd>Mali</dd></dl>"
        "<ul><li><a href='/v'>Video</a><p>About it.</p></li></ul><p>Text</p></body></html>"
    )
    lines, meta = html_to_lines(html)
    assert lines == [
        Line("Title continued", "heading", 0, 1),
        Line("Country"),
        Line("Mali"),
        Line("Video", "bullet", 2, link="https://luxdev.lu/v"),
        Line("About it.", "text", 4),
        Line("Text"),
    ]
    assert (meta.url, meta.language) == ("https://luxdev.lu/en/activities/project/X/1", None)


@pytest.mark.parametrize(
    ("content", "html"),
    [
        ("<!DOCTYPE html><html><body></body></html>", True),
        ("<div><p>Pays</p></div>", True),
        ((DATA / "SEN_030.fr.html").read_text(encoding="utf-8"), True),
        ((SAMPLES / "MLI_801.fr.txt").read_text(encoding="utf-8"), False),
        ("Budget < 5 000 000 EUR", False),
    ],
)
def test_is_html(content: str, html: bool) -> None:
    assert is_html(content) is html
