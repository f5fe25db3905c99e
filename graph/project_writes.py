"""Idempotent writes of resolved project records, in batches.

Each batch is one write transaction of a handful of ``UNWIND $rows`` statements, so a
batch is written whole or not at all. Writing a project replaces the links it owns
(countries, contributions, office, videos, documents, results, sectors, programme
component, agreements): the last record loaded for a project states its links, and
reloading the same record leaves the graph unchanged. Texts are kept per language
(``title_fr``, ``title_en`` …), so the French and English pages of one project add up
to one node with a title in each language.

Every node and relationship written records ``source`` (file or URL) and ``loaded_at``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from graph.connection import Database
from loaders.records import Money, OrganisationRef, ProjectRecord

PREFERRED_LANGUAGES = ["en", "fr"]
"""The language a text is shown in when the client asks for none and several exist."""

Row = dict[str, Any]


def write_projects(db: Database, records: Sequence[ProjectRecord]) -> None:
    """Write resolved ``records`` in one write transaction (all or nothing)."""
    loaded_at = datetime.now(UTC)
    rows = [project_row(record) for record in records]
    db.write(_write_rows, rows, loaded_at)


def _write_rows(tx: ManagedTransaction, rows: list[Row], loaded_at: datetime) -> None:
    for statement in STATEMENTS:
        tx.run(statement, rows=rows, loaded_at=loaded_at, preferred=PREFERRED_LANGUAGES).consume()


# --- records → parameter rows ---------------------------------------------------------


def project_row(record: ProjectRecord) -> Row:
    """The parameters of one project: plain maps and lists of the record's resolved values."""
    lang = record.language
    code = record.code
    return {
        "code": code,
        "lang": lang,
        "source": record.source,
        "props": {
            "status": record.status,
            "closed_on": record.closed_on,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "duration_months": record.duration_months,
            "url": record.url,
            **_money("budget", record.budget),
        },
        "texts": _texts(lang, title=record.title, description=record.description),
        "countries": [{"iso2": country.iso2, "name": country.name} for country in record.countries],
        "office": None
        if record.office is None
        else {
            "key": _required(record.office.key, "office key"),
            "texts": _texts(lang, name=record.office.name),
            "agency": _organisation(record.office.agency),
        },
        "contributions": [
            {"donor": _organisation(c.donor), "position": position, **_money("amount", c.amount)}
            for position, c in enumerate(record.contributions, start=1)
        ],
        "partners": [_organisation(agency) for agency in record.partner_agencies],
        "programme": _programme_row(record),
        "pic": None
        if record.cooperation_programme is None
        else {
            "key": _required(record.cooperation_programme.key, "PIC key"),
            "name": record.cooperation_programme.name,
            "start": record.cooperation_programme.start,
            "end": record.cooperation_programme.end,
        },
        "sectors": [
            {
                "key": _required(sector.key, "sector key"),
                "code": sector.code,
                "vocabulary": sector.vocabulary,
                "texts": _texts(lang, name=sector.name),
            }
            for sector in record.sectors
        ],
        "videos": [
            {
                "key": video.url or f"{code}#video-{position}",
                "url": video.url,
                "position": position,
                "texts": _texts(lang, title=video.title, description=video.description),
            }
            for position, video in enumerate(record.videos, start=1)
        ],
        "documents": [
            {
                "key": document.url or f"{code}#document-{position}",
                "url": document.url,
                "category": document.category,
                "position": position,
                "texts": _texts(lang, title=document.title),
            }
            for position, document in enumerate(record.documents, start=1)
        ],
        "results": [
            {
                "key": f"{code}#result-{position}",
                "position": position,
                "texts": _texts(lang, title=text),
            }
            for position, text in enumerate(record.results, start=1)
        ],
        "agreements": [
            {
                "key": f"{code}#agreement-{position}",
                "position": position,
                "signed_on": agreement.signed_on,
                "texts": _texts(lang, title=agreement.title),
            }
            for position, agreement in enumerate(record.agreements, start=1)
        ],
    }


def _programme_row(record: ProjectRecord) -> Row | None:
    programme = record.programme
    if programme is None:
        return None
    key = _required(programme.key, "programme key")
    return {
        "key": key,
        "props": _money("budget", programme.budget),
        "texts": _texts(record.language, title=programme.title),
        "components": [
            {
                "key": f"{key}#component-{c.position}",
                "position": c.position,
                "texts": _texts(record.language, title=c.title),
            }
            for c in programme.components
        ],
        "project_component": None
        if programme.project_position is None
        else {
            "key": f"{key}#component-{programme.project_position}",
            "position": programme.project_position,
        },
    }


def _texts(lang: str, **fields: str | None) -> dict[str, str]:
    """``{"title_fr": …}`` for each field that has a value."""
    return {f"{field}_{lang}": value for field, value in fields.items() if value is not None}


def _money(prefix: str, money: Money | None) -> dict[str, Any]:
    if money is None:
        return {f"{prefix}_amount": None, f"{prefix}_currency": None}
    return {f"{prefix}_amount": money.amount, f"{prefix}_currency": money.currency}


def _organisation(organisation: OrganisationRef) -> Row:
    return {
        "id": _required(organisation.id, f"organisation id of {organisation.name!r}"),
        "name": organisation.canonical_name or organisation.name,
        "alias": organisation.name,
        "ref": organisation.ref,
    }


def _required(value: str | None, what: str) -> str:
    if value is None:
        raise ValueError(f"unresolved record: no {what} (run loaders.resolve first)")
    return value


# --- Cypher ---------------------------------------------------------------------------


# After new texts are set on node `n`, the unsuffixed property shows the preferred
# language's text, and the languages seen are listed.
def _localised(var: LiteralString, *fields: LiteralString) -> LiteralString:
    parts: list[LiteralString] = []
    for field in fields:
        parts.append(
            var
            + "."
            + field
            + " = coalesce(head([l IN $preferred + "
            + var
            + ".languages WHERE "
            + var
            + "['"
            + field
            + "_' + l] IS NOT NULL | "
            + var
            + "['"
            + field
            + "_' + l]]), "
            + var
            + "."
            + field
            + ")"
        )
    return ", ".join(parts)


def _stamp(var: LiteralString) -> LiteralString:
    return var + ".source = row.source, " + var + ".loaded_at = $loaded_at"


def _add_language(var: LiteralString) -> LiteralString:
    return (
        var
        + ".languages = CASE WHEN row.lang IN coalesce("
        + var
        + ".languages, []) THEN "
        + var
        + ".languages ELSE coalesce("
        + var
        + ".languages, []) + row.lang END"
    )


def _texts_of(var: LiteralString, item: LiteralString, *fields: LiteralString) -> LiteralString:
    """SET clauses giving node ``var`` the texts in ``item.texts`` and their defaults."""
    return (
        "SET "
        + var
        + " += "
        + item
        + ".texts, "
        + _add_language(var)
        + ", "
        + _stamp(var)
        + " SET "
        + _localised(var, *fields)
    )


def _searchable(var: LiteralString) -> LiteralString:
    """Titles and descriptions in every language, as lists the full-text index covers."""
    return (
        "SET "
        + var
        + ".search_titles = [l IN "
        + var
        + ".languages WHERE "
        + var
        + "['title_' + l] IS NOT NULL | "
        + var
        + "['title_' + l]], "
        + var
        + ".search_descriptions = [l IN "
        + var
        + ".languages WHERE "
        + var
        + "['description_' + l] IS NOT NULL | "
        + var
        + "['description_' + l]]"
    )


_PROJECT: LiteralString = (
    "UNWIND $rows AS row "
    "MERGE (p:Project {code: row.code}) "
    "SET p += row.props, " + _add_language("p") + ", " + _stamp("p") + ", "
    "p.sources = CASE WHEN row.source IN coalesce(p.sources, []) THEN p.sources "
    "ELSE coalesce(p.sources, []) + row.source END "
    "SET p += row.texts "
    "SET " + _localised("p", "title", "description") + " " + _searchable("p")
)

_UNLINK: LiteralString = (
    "UNWIND $rows AS row "
    "MATCH (p:Project {code: row.code}) "
    "CALL (p) { "
    "  OPTIONAL MATCH (p)-[r:IN_COUNTRY|HAS_VIDEO|HAS_DOCUMENT|HAS_RESULT|HAS_AGREEMENT"
    "|IN_SECTOR|IMPLEMENTS|UNDER]->() DELETE r } "
    "CALL (p) { "
    "  OPTIONAL MATCH (p)<-[r:CONTRIBUTES_TO|EXECUTES|MANAGES]-() DELETE r }"
)

_COUNTRIES: LiteralString = (
    "UNWIND $rows AS row "
    "MATCH (p:Project {code: row.code}) "
    "UNWIND row.countries AS c "
    "MERGE (k:Country {iso2: c.iso2}) "
    "SET k.name = c.name, " + _stamp("k") + " "
    "CREATE (p)-[:IN_COUNTRY {source: row.source, loaded_at: $loaded_at}]->(k)"
)

_ORGANISATION: LiteralString = (
    "MERGE (o:Organisation {id: org.id}) "
    "SET o.name = org.name, o.ref = coalesce(org.ref, o.ref), " + _stamp("o") + ", "
    "o.aliases = CASE WHEN org.alias IN coalesce(o.aliases, []) THEN o.aliases "
    "ELSE coalesce(o.aliases, []) + org.alias END "
)

_CONTRIBUTIONS: LiteralString = (
    "UNWIND $rows AS row "
    "MATCH (p:Project {code: row.code}) "
    "UNWIND row.contributions AS c "
    "WITH row, p, c, c.donor AS org " + _ORGANISATION + "SET o:Donor "
    "CREATE (o)-[:CONTRIBUTES_TO {amount: c.amount_amount, currency: c.amount_currency, "
    "position: c.position, source: row.source, loaded_at: $loaded_at}]->(p)"
)

_PARTNERS: LiteralString = (
    "UNWIND $rows AS row "
    "MATCH (p:Project {code: row.code}) "
    "UNWIND row.partners AS org " + _ORGANISATION + "SET o:Agency "
    "CREATE (o)-[:EXECUTES {role: 'partner', source: row.source, loaded_at: $loaded_at}]->(p)"
)

_OFFICE: LiteralString = (
    "UNWIND $rows AS row "
    "WITH row WHERE row.office IS NOT NULL "
    "MATCH (p:Project {code: row.code}) "
    "WITH row, p, row.office AS office, row.office.agency AS org " + _ORGANISATION + "SET o:Agency "
    "MERGE (f:Office {key: office.key}) " + _texts_of("f", "office", "name") + " "
    "MERGE (o)-[h:HAS_OFFICE]->(f) SET " + _stamp("h") + " "
    "CREATE (f)-[:MANAGES {source: row.source, loaded_at: $loaded_at}]->(p) "
    "CREATE (o)-[:EXECUTES {role: 'lead', source: row.source, loaded_at: $loaded_at}]->(p)"
)

_PROGRAMME: LiteralString = (
    "UNWIND $rows AS row "
    "WITH row WHERE row.programme IS NOT NULL "
    "MATCH (p:Project {code: row.code}) "
    "WITH row, p, row.programme AS prog "
    "MERGE (g:Programme {key: prog.key}) SET g += prog.props "
    + _texts_of("g", "prog", "title")
    + " "
    "WITH row, p, prog, g "
    "CALL (row, prog, g) { "
    "  UNWIND prog.components AS c "
    "  MERGE (k:Component {key: c.key}) " + _texts_of("k", "c", "title") + " "
    "  MERGE (k)-[r:PART_OF]->(g) SET r.position = c.position, " + _stamp("r") + " } "
    "CALL (prog, g) { "
    "  MATCH (k:Component)-[:PART_OF]->(g) "
    "  WHERE size(prog.components) > 0 AND NOT k.key IN [c IN prog.components | c.key] "
    "  DETACH DELETE k } "
    "WITH row, p, prog, g WHERE prog.project_component IS NOT NULL "
    "MERGE (k:Component {key: prog.project_component.key}) SET " + _stamp("k") + " "
    "MERGE (k)-[r:PART_OF]->(g) SET r.position = prog.project_component.position, "
    + _stamp("r")
    + " "
    "CREATE (p)-[:IMPLEMENTS {source: row.source, loaded_at: $loaded_at}]->(k)"
)

_PIC: LiteralString = (
    "UNWIND $rows AS row "
    "WITH row WHERE row.pic IS NOT NULL "
    "MATCH (p:Project {code: row.code}) "
    "MERGE (c:CooperationProgramme {key: row.pic.key}) "
    "SET c.name = row.pic.name, c.start = row.pic.start, c.end = row.pic.end, " + _stamp("c") + " "
    "CREATE (p)-[:UNDER {source: row.source, loaded_at: $loaded_at}]->(c)"
)

_SECTORS: LiteralString = (
    "UNWIND $rows AS row "
    "MATCH (p:Project {code: row.code}) "
    "UNWIND row.sectors AS s "
    "MERGE (n:Sector {key: s.key}) SET n.code = s.code, n.vocabulary = s.vocabulary "
    + _texts_of("n", "s", "name")
    + " "
    "CREATE (p)-[:IN_SECTOR {source: row.source, loaded_at: $loaded_at}]->(n)"
)


def _owned(
    label: LiteralString,
    rel: LiteralString,
    items: LiteralString,
    props: LiteralString,
    *fields: LiteralString,
    extra: LiteralString = "",
) -> LiteralString:
    """Nodes a project owns, in order: merged by key, linked with their position."""
    return (
        "UNWIND $rows AS row "
        "MATCH (p:Project {code: row.code}) "
        "UNWIND row." + items + " AS item "
        "MERGE (n:" + label + " {key: item.key}) "
        "SET n += " + props + " " + _texts_of("n", "item", *fields) + " " + extra + " "
        "CREATE (p)-[:" + rel + " {position: item.position, source: row.source, "
        "loaded_at: $loaded_at}]->(n)"
    )


_VIDEOS = _owned(
    "Video",
    "HAS_VIDEO",
    "videos",
    "{url: item.url}",
    "title",
    "description",
    extra=_searchable("n"),
)
_DOCUMENTS = _owned(
    "Document", "HAS_DOCUMENT", "documents", "{url: item.url, category: item.category}", "title"
)
_RESULTS = _owned("Result", "HAS_RESULT", "results", "{}", "title")
_AGREEMENTS = _owned(
    "Agreement", "HAS_AGREEMENT", "agreements", "{signed_on: item.signed_on}", "title"
)

# Videos, documents, results and agreements keyed by the project's code belong to it
# alone; once unlinked by a newer record of the project, they are removed.
_ORPHANS: LiteralString = (
    "UNWIND $rows AS row "
    "MATCH (n:Video|Document|Result|Agreement) "
    "WHERE n.key STARTS WITH row.code + '#' "
    "AND NOT (n)<-[:HAS_VIDEO|HAS_DOCUMENT|HAS_RESULT|HAS_AGREEMENT]-() "
    "DETACH DELETE n"
)

STATEMENTS: list[LiteralString] = [
    _PROJECT,
    _UNLINK,
    _COUNTRIES,
    _CONTRIBUTIONS,
    _PARTNERS,
    _OFFICE,
    _PROGRAMME,
    _PIC,
    _SECTORS,
    _VIDEOS,
    _DOCUMENTS,
    _RESULTS,
    _AGREEMENTS,
    _ORPHANS,
]
"""The statements of one batch, in order: the project, then its links."""
