"""Reading the graph back out as records: the inverse of ``graph.project_writes``.

Projects are read in pages of one query each (keyset on ``code``), every link gathered
by pattern comprehension, and each becomes one record stating all its links, so loading
an export into an empty database rebuilds the same graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, LiteralString

from graph.connection import Database, run_list
from loaders.records import (
    Agreement,
    Component,
    Contribution,
    CooperationProgramme,
    CountryRef,
    Document,
    Location,
    Money,
    Office,
    OrganisationRef,
    Participation,
    Programme,
    ProjectRecord,
    RegionRef,
    RelatedActivity,
    Sector,
    Transaction,
    Translation,
    Video,
)

Row = dict[str, Any]

_PAGE: LiteralString = """
MATCH (p:Project) WHERE p.code > $after
WITH p ORDER BY p.code LIMIT $limit
RETURN p {.*} AS project,
  [(p)-[r:IN_COUNTRY]->(c) | {node: c {.*}, link: r {.*}}] AS countries,
  [(p)-[r:IN_REGION]->(g) | {node: g {.*}, link: r {.*}}] AS regions,
  [(o)-[r:CONTRIBUTES_TO]->(p) | {node: o {.*}, link: r {.*}}] AS contributions,
  [(o)-[r:PARTICIPATES_IN]->(p) | {node: o {.*}, link: r {.*}}] AS participants,
  [(f:Office)-[:MANAGES]->(p) |
    {node: f {.*}, agency: head([(a)-[h:HAS_OFFICE]->(f) | a {.*}])}] AS offices,
  [(p)-[:IMPLEMENTS]->(k:Component)-[r:PART_OF]->(g:Programme)
    WHERE NOT (g)-[:DESCRIBED_BY]->() |
    {programme: g {.*}, position: r.position,
     components: [(g)<-[q:PART_OF]-(x:Component) | {node: x {.*}, position: q.position}]}
  ] AS programmes,
  [(p)-[r:RELATED_ACTIVITY]->(a) | {code: a.code, link: r {.*}}] AS related,
  [(p)-[r:UNDER]->(c:CooperationProgramme) | c {.*}] AS pics,
  [(p)-[r:IN_SECTOR]->(s) | {node: s {.*}, link: r {.*}}] AS sectors,
  [(p)-[r:HAS_VIDEO]->(n) | {node: n {.*}, link: r {.*}}] AS videos,
  [(p)-[r:HAS_DOCUMENT]->(n) | {node: n {.*}, link: r {.*}}] AS documents,
  [(p)-[r:HAS_RESULT]->(n) | {node: n {.*}, link: r {.*}}] AS results,
  [(p)-[r:HAS_AGREEMENT]->(n) | {node: n {.*}, link: r {.*}}] AS agreements,
  [(p)-[r:HAS_LOCATION]->(n) | {node: n {.*}, link: r {.*}}] AS locations
"""


def export_records(db: Database, page_size: int = 500) -> Iterator[ProjectRecord]:
    """Every project in the graph, as records, ordered by code."""
    after = ""
    while True:
        rows = db.read(run_list, _PAGE, after=after, limit=page_size)
        for row in rows:
            yield project_record(row)
        if len(rows) < page_size:
            return
        after = rows[-1]["project"]["code"]


def project_record(row: Row) -> ProjectRecord:
    """The project as one record in the first language it was loaded in, its title and
    description in other languages as translations.

    Texts of linked nodes (videos, results, components …) are exported in that language
    only: a project loaded from pages in two languages comes back with its linked texts
    in the first.
    """
    project = row["project"]
    languages = project.get("languages") or ["en"]
    lang = languages[0]
    return ProjectRecord(
        code=project["code"],
        language=lang,
        source=project.get("source", ""),
        title=project.get(f"title_{lang}") or project.get("title") or project["code"],
        description=project.get(f"description_{lang}"),
        translations=tuple(
            Translation(
                language=other,
                title=project.get(f"title_{other}"),
                description=project.get(f"description_{other}"),
            )
            for other in languages[1:]
        ),
        status=project.get("status"),
        closed_on=project.get("closed_on"),
        start_date=project.get("start_date"),
        end_date=project.get("end_date"),
        planned_start=project.get("planned_start"),
        actual_start=project.get("actual_start"),
        planned_end=project.get("planned_end"),
        actual_end=project.get("actual_end"),
        duration_months=project.get("duration_months"),
        hierarchy=project.get("hierarchy"),
        default_currency=project.get("default_currency"),
        budget=_money(project, "budget"),
        url=project.get("url"),
        countries=tuple(
            CountryRef(
                name=c["node"]["name"],
                iso2=c["node"]["iso2"],
                percentage=c["link"].get("percentage"),
            )
            for c in row["countries"]
        ),
        regions=tuple(
            RegionRef(
                code=g["node"]["code"],
                vocabulary=g["node"]["vocabulary"],
                name=g["node"].get("name"),
                percentage=g["link"].get("percentage"),
            )
            for g in row["regions"]
        ),
        office=_office(row["offices"], lang),
        contributions=tuple(
            _contribution(c) for c in sorted(row["contributions"], key=_by_position)
        ),
        participants=tuple(
            Participation(organisation=_organisation(pt), role=pt["link"]["role"])
            for pt in sorted(row["participants"], key=_by_role_and_name)
        ),
        transactions=tuple(
            Transaction.model_validate(t) for t in json.loads(project.get("transactions") or "[]")
        ),
        related_activities=tuple(
            RelatedActivity(ref=r["code"], type=r["link"]["type"])
            for r in sorted(row["related"], key=_by_position)
        ),
        programme=_programme(row["programmes"], lang),
        cooperation_programme=next(
            (
                CooperationProgramme(
                    name=c["name"], start=c.get("start"), end=c.get("end"), key=c["key"]
                )
                for c in row["pics"]
            ),
            None,
        ),
        sectors=tuple(
            Sector(
                name=_text(s["node"], "name", lang) or "",
                code=s["node"].get("code"),
                vocabulary=s["node"].get("vocabulary"),
                percentage=s["link"].get("percentage"),
                key=s["node"]["key"],
            )
            for s in sorted(row["sectors"], key=lambda s: s["node"]["key"])
        ),
        videos=tuple(
            Video(
                title=_text(v["node"], "title", lang) or "",
                description=_text(v["node"], "description", lang),
                url=v["node"].get("url"),
            )
            for v in sorted(row["videos"], key=_by_position)
        ),
        documents=tuple(
            Document(
                title=_text(d["node"], "title", lang) or "",
                url=d["node"].get("url"),
                category=d["node"].get("category"),
            )
            for d in sorted(row["documents"], key=_by_position)
        ),
        results=tuple(
            _text(r["node"], "title", lang) or "" for r in sorted(row["results"], key=_by_position)
        ),
        agreements=tuple(
            Agreement(title=_text(a["node"], "title", lang) or "", signed_on=a["node"]["signed_on"])
            for a in sorted(row["agreements"], key=_by_position)
        ),
        locations=tuple(
            Location(
                name=x["node"].get("name"),
                latitude=x["node"].get("latitude"),
                longitude=x["node"].get("longitude"),
            )
            for x in sorted(row["locations"], key=_by_position)
        ),
    )


def _by_position(item: Row) -> int:
    return int(item["link"].get("position") or 0)


def _by_role_and_name(item: Row) -> tuple[str, str]:
    return item["link"]["role"], item["link"].get("named") or item["node"]["name"]


def _text(props: Row, field: str, lang: str) -> str | None:
    value = props.get(f"{field}_{lang}", props.get(field))
    return None if value is None else str(value)


def _money(props: Row, prefix: str) -> Money | None:
    amount, currency = props.get(f"{prefix}_amount"), props.get(f"{prefix}_currency")
    return None if amount is None or currency is None else Money(amount=amount, currency=currency)


def _organisation(item: Row) -> OrganisationRef:
    node = item["node"]
    # No canonical_name: the node's name may be only the first alias seen, and loading
    # resolves names through the alias table anyway.
    return OrganisationRef(
        name=item["link"].get("named") or node["name"], ref=node.get("ref"), id=node["id"]
    )


def _contribution(item: Row) -> Contribution:
    link = item["link"]
    currency = link.get("currency")

    def money(field: str) -> Money | None:
        value = link.get(field)
        return None if value is None or currency is None else Money(amount=value, currency=currency)

    return Contribution(
        donor=_organisation(item),
        amount=money("amount"),
        committed=money("committed"),
        disbursed=money("disbursed"),
        spent=money("spent"),
    )


def _office(offices: list[Row], lang: str) -> Office | None:
    if not offices:
        return None
    office, agency = offices[0]["node"], offices[0]["agency"]
    return Office(
        name=_text(office, "name", lang) or "",
        agency=OrganisationRef(name=agency["name"], ref=agency.get("ref"), id=agency["id"]),
        key=office["key"],
    )


def _programme(programmes: list[Row], lang: str) -> Programme | None:
    if not programmes:
        return None
    found = programmes[0]
    programme = found["programme"]
    components = sorted(found["components"], key=lambda c: c["position"])
    return Programme(
        key=programme["key"],
        title=_text(programme, "title", lang),
        budget=_money(programme, "budget"),
        components=tuple(
            Component(position=c["position"], title=_text(c["node"], "title", lang) or "")
            for c in components
            if _text(c["node"], "title", lang) is not None
        ),
        project_position=found["position"],
    )
