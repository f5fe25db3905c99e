"""Idempotent writes of resolved project records, in batches.

Each batch is one write transaction of a fixed list of ``UNWIND $rows`` statements, so
a batch is written whole or not at all. Writing a project replaces the links it owns:
the last record loaded for a project states its links, and reloading the same record
leaves the graph unchanged. Texts are kept per language (``title_fr``, ``title_en`` …),
so the French and English pages of one project add up to one node with a title in each.

Ownership: every relationship a record writes lists the record's code in ``owners``.
Rewriting a project first takes its code out of ``owners`` everywhere around it and
deletes the relationships no record owns any more. Links that two activities both
state (an IATI parent naming its child, the child naming its parent) are one
relationship with two owners, so the final graph does not depend on load order.

Activities that are referenced but not loaded (an IATI ``related-activity``) are
``:Activity`` nodes; a loaded project is an ``:Activity:Project``.

Every node and relationship written records ``source`` (file or URL) and ``loaded_at``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from graph.connection import Database
from graph.migrations import COUNTRY_SORT_KEY
from graph.summaries import NEW_REVISION
from loaders.records import Contribution, Money, OrganisationRef, ProjectRecord

PREFERRED_LANGUAGES = ["en", "fr"]
"""The language a text is shown in when the client asks for none and several exist."""

Row = dict[str, Any]


def write_projects(db: Database, records: Sequence[ProjectRecord]) -> None:
    """Write resolved ``records`` in one write transaction (all or nothing).

    A batch must not hold two records of one project: its statements run row by row,
    each over the whole batch.
    """
    write_project_rows(db, [project_row(record) for record in records])


def write_project_rows(db: Database, rows: Sequence[Row]) -> None:
    """Write the ``project_row`` parameters of a batch in one write transaction."""
    write_batch(db, prepare_batch(rows))


@dataclass(frozen=True)
class Batch:
    """The parameters of each statement of one batch: plain data, so that a parser process
    can build them while the writer writes the batch before."""

    codes: list[str]
    rows: dict[str, list[Row]]


def prepare_batch(rows: Sequence[Row]) -> Batch:
    """Each statement's parameter rows for the ``project_row`` rows of one batch.

    Each statement gets only the rows that have something for it, and only the fields it
    reads: shipping whole rows to every statement made parameter transfer, not the writes,
    the cost of a batch. Shared nodes (countries, regions, sectors, organisations) get one
    row per node, holding what the batch's rows, applied in order, would leave on it.
    """
    codes = [row["code"] for row in rows]
    if len(set(codes)) != len(codes):
        raise ValueError("a batch holds two records of one project")
    per_statement: dict[str, list[Row]] = {}
    for name, _, fields, scope in _STATEMENTS:
        if scope == "shared":
            continue
        per_statement[name] = [
            {key: row[key] for key in (*_ALWAYS, *fields)}
            for row in rows
            if not fields or any(row[field] for field in fields)
        ]
    per_statement |= _shared_nodes(rows)
    return Batch(codes, per_statement)


def write_batch(db: Database, batch: Batch) -> None:
    """Write a prepared batch in one write transaction (all or nothing)."""
    db.write(write_rows, batch, datetime.now(UTC))


def write_rows(tx: ManagedTransaction, batch: Batch, loaded_at: datetime) -> None:
    """Run every statement of ``batch`` in ``tx``.

    Which of the batch's projects the graph already has decides the statements each
    gets: a project never seen before is created in one step and has no old links to
    take apart. The last statement sets a new data revision (``graph.summaries``).
    """
    seen = {
        record["code"]: record["project"] for record in tx.run(_EXISTING, {"codes": batch.codes})
    }
    for name, statement, _, scope in _STATEMENTS:
        rows = batch.rows[name]
        if scope == "new":
            rows = [row for row in rows if row["code"] not in seen]
        elif scope == "activity":
            rows = [row for row in rows if row["code"] in seen]
        elif scope == "project":
            rows = [row for row in rows if seen.get(row["code"])]
        if rows:
            parameters = {"rows": rows, "loaded_at": loaded_at, "preferred": PREFERRED_LANGUAGES}
            tx.run(statement, parameters).consume()
    tx.run(NEW_REVISION).consume()


_ALWAYS = ("code", "source", "lang", "langs")
"""Row fields every statement may read."""


def _shared_nodes(rows: Sequence[Row]) -> dict[str, list[Row]]:
    """One row per country, region, sector and organisation the batch names: the state
    its rows leave when each is applied in turn (last value wins, lists and texts add up).
    """
    countries: dict[str, Row] = {}
    regions: dict[str, Row] = {}
    sectors: dict[str, Row] = {}
    organisations: dict[str, Row] = {}
    for row in rows:
        source = row["source"]
        for country in row["countries"]:
            countries[country["iso2"]] = {
                "iso2": country["iso2"],
                "name": country["name"],
                "source": source,
            }
        for region in row["regions"]:
            name = region["name"]
            if name is None and region["key"] in regions:
                name = regions[region["key"]]["name"]
            regions[region["key"]] = {
                "key": region["key"],
                "code": region["code"],
                "vocabulary": region["vocabulary"],
                "name": name,
                "source": source,
            }
        for sector in row["sectors"]:
            before = sectors.get(sector["key"])
            sectors[sector["key"]] = {
                "key": sector["key"],
                "code": sector["code"],
                "vocabulary": sector["vocabulary"],
                "texts": sector["texts"] if before is None else before["texts"] | sector["texts"],
                "langs": row["langs"]
                if before is None
                else list(dict.fromkeys([*before["langs"], *row["langs"]])),
                "source": source,
            }
    # In the order the per-project statements would name them: every donor, then every
    # participant (an organisation's aliases keep the order they were added in).
    for row in rows:
        for contribution in row["contributions"]:
            _add_organisation(organisations, contribution["donor"], row["source"], donor=True)
    for row in rows:
        for participant in row["participants"]:
            agency = participant["role"] != "reporting"
            _add_organisation(organisations, participant["org"], row["source"], agency=agency)
    return {
        "country_nodes": list(countries.values()),
        "region_nodes": list(regions.values()),
        "sector_nodes": list(sectors.values()),
        "organisation_nodes": list(organisations.values()),
    }


def _add_organisation(
    organisations: dict[str, Row],
    org: Row,
    source: str,
    donor: bool = False,
    agency: bool = False,
) -> None:
    before = organisations.get(org["id"])
    if before is None:
        organisations[org["id"]] = {
            "id": org["id"],
            "ref": org["ref"],
            "canonical": org["canonical"],
            "aliases": [org["alias"]],
            "source": source,
            "donor": donor,
            "agency": agency,
        }
        return
    before["ref"] = org["ref"] if org["ref"] is not None else before["ref"]
    before["canonical"] = org["canonical"]
    if org["alias"] not in before["aliases"]:
        before["aliases"].append(org["alias"])
    before["source"] = source
    before["donor"] = before["donor"] or donor
    before["agency"] = before["agency"] or agency


# --- records → parameter rows ---------------------------------------------------------


def project_row(record: ProjectRecord) -> Row:
    """The parameters of one project: plain maps and lists of the record's resolved values."""
    lang = record.language
    code = record.code
    texts = _texts(lang, title=record.title, description=record.description)
    for translation in record.translations:
        texts |= _texts(
            translation.language, title=translation.title, description=translation.description
        )
    langs = list(dict.fromkeys([lang, *(t.language for t in record.translations)]))
    props: Row = {
        "status": record.status,
        "closed_on": record.closed_on,
        "start_date": record.start_date,
        "end_date": record.end_date,
        "planned_start": record.planned_start,
        "actual_start": record.actual_start,
        "planned_end": record.planned_end,
        "actual_end": record.actual_end,
        "duration_months": record.duration_months,
        "hierarchy": record.hierarchy,
        "default_currency": record.default_currency,
        "url": record.url,
        "transactions": _transactions_json(record),
        **_money("budget", record.budget),
    }
    return {
        "code": code,
        "lang": lang,
        "langs": langs,
        "source": record.source,
        "props": props,
        "texts": texts,
        "created": _created(code, record.source, langs, props, texts),
        "countries": [
            {"iso2": c.iso2, "name": c.name, "percentage": c.percentage} for c in record.countries
        ],
        "regions": [
            {
                "key": f"{r.vocabulary}:{r.code}",
                "code": r.code,
                "vocabulary": r.vocabulary,
                "name": r.name,
                "percentage": r.percentage,
            }
            for r in record.regions
        ],
        "office": None
        if record.office is None
        else {
            "key": _required(record.office.key, "office key"),
            "texts": _texts(lang, name=record.office.name),
            "agency": _organisation(record.office.agency),
        },
        "contributions": [
            _contribution(c, position) for position, c in enumerate(record.contributions, 1)
        ],
        "participants": [
            {"org": _organisation(p.organisation), "role": p.role} for p in record.participants
        ],
        "programme": _programme_row(record),
        "parents": [r.ref for r in record.related_activities if r.type == 1],
        "children": [r.ref for r in record.related_activities if r.type == 2],
        "related": [
            {"ref": r.ref, "type": r.type, "position": position}
            for position, r in enumerate(record.related_activities, start=1)
        ],
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
                "percentage": sector.percentage,
                "texts": _texts(lang, name=sector.name),
            }
            for sector in record.sectors
        ],
        "videos": [
            {
                "key": video.url or f"{code}#video-{position}",
                "position": position,
                "props": {"url": video.url},
                "texts": _texts(lang, title=video.title, description=video.description),
            }
            for position, video in enumerate(record.videos, start=1)
        ],
        "documents": [
            {
                "key": document.url or f"{code}#document-{position}",
                "position": position,
                "props": {"url": document.url, "category": document.category},
                "texts": _texts(lang, title=document.title),
            }
            for position, document in enumerate(record.documents, start=1)
        ],
        "results": [
            {
                "key": f"{code}#result-{position}",
                "position": position,
                "props": {},
                "texts": _texts(lang, title=text),
            }
            for position, text in enumerate(record.results, start=1)
        ],
        "agreements": [
            {
                "key": f"{code}#agreement-{position}",
                "position": position,
                "props": {"signed_on": agreement.signed_on},
                "texts": _texts(lang, title=agreement.title),
            }
            for position, agreement in enumerate(record.agreements, start=1)
        ],
        "locations": [
            {
                "key": f"{code}#location-{position}",
                "position": position,
                "props": {
                    "name": location.name,
                    "latitude": location.latitude,
                    "longitude": location.longitude,
                },
            }
            for position, location in enumerate(record.locations, start=1)
        ],
    }


def _created(code: str, source: str, langs: list[str], props: Row, texts: Row) -> Row:
    """The properties of a project node created from scratch: what ``_PROJECT``'s steps
    leave on a node that had none, worked out here so a new node is written in one step."""
    node = {key: value for key, value in props.items() if value is not None} | texts
    node |= {"code": code, "languages": langs, "sources": [source], "source": source}
    for field in ("title", "description"):
        preferred = [texts.get(f"{field}_{lang}") for lang in [*PREFERRED_LANGUAGES, *langs]]
        value = next((text for text in preferred if text is not None), None)
        if value is not None:
            node[field] = value
    for field, listed in (("title", "search_titles"), ("description", "search_descriptions")):
        node[listed] = [texts[key] for key in (f"{field}_{x}" for x in langs) if key in texts]
    return node


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


def _contribution(contribution: Contribution, position: int) -> Row:
    def amount(money: Money | None) -> float | None:
        return None if money is None else money.amount

    return {
        "donor": _organisation(contribution.donor),
        "props": {
            "position": position,
            "currency": contribution.currency,
            "amount": amount(contribution.amount),
            "committed": amount(contribution.committed),
            "disbursed": amount(contribution.disbursed),
            "spent": amount(contribution.spent),
        },
    }


def _transactions_json(record: ProjectRecord) -> str | None:
    """The raw transactions, as one JSON property: kept for audit, summarised on links."""
    if not record.transactions:
        return None
    return json.dumps(
        [t.model_dump(mode="json", exclude_none=True) for t in record.transactions],
        ensure_ascii=False,
        separators=(",", ":"),
    )


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
        "canonical": organisation.canonical_name,
        "alias": organisation.name,
        "ref": organisation.ref,
    }


def _required(value: str | None, what: str) -> str:
    if value is None:
        raise ValueError(f"unresolved record: no {what} (run loaders.resolve first)")
    return value


# --- Cypher fragments -----------------------------------------------------------------


def _localised(var: LiteralString, *fields: LiteralString) -> LiteralString:
    """SET items making each unsuffixed ``field`` the text in the preferred language."""
    parts: list[LiteralString] = []
    for field in fields:
        parts.append(
            var + "." + field + " = coalesce(head([l IN $preferred + " + var + ".languages WHERE "
            + var + "['" + field + "_' + l] IS NOT NULL | " + var + "['" + field + "_' + l]]), "
            + var + "." + field + ")"
        )  # fmt: skip
    return ", ".join(parts)


def _stamp(var: LiteralString) -> LiteralString:
    return var + ".source = row.source, " + var + ".loaded_at = $loaded_at"


def _add_languages(var: LiteralString) -> LiteralString:
    return (
        var + ".languages = coalesce(" + var + ".languages, []) + [l IN row.langs WHERE NOT l IN "
        "coalesce(" + var + ".languages, [])]"
    )


def _texts_of(var: LiteralString, item: LiteralString, *fields: LiteralString) -> LiteralString:
    """SET clauses giving node ``var`` the texts in ``item.texts`` and their defaults."""
    return (
        "SET " + var + " += " + item + ".texts, " + _add_languages(var) + ", " + _stamp(var)
        + " SET " + _localised(var, *fields)
    )  # fmt: skip


def _searchable(var: LiteralString) -> LiteralString:
    """Titles and descriptions in every language, as lists the full-text index covers."""
    return (
        "SET " + var + ".search_titles = [l IN " + var + ".languages WHERE " + var
        + "['title_' + l] IS NOT NULL | " + var + "['title_' + l]], "
        + var + ".search_descriptions = [l IN " + var + ".languages WHERE " + var
        + "['description_' + l] IS NOT NULL | " + var + "['description_' + l]]"
    )  # fmt: skip


# The properties of a relationship the current row owns alone.
_OWNED: LiteralString = "owners: [row.code], source: row.source, loaded_at: $loaded_at"


def _share(rel: LiteralString) -> LiteralString:
    """SET items adding the current row to the owners of a MERGEd relationship."""
    return (
        rel + ".owners = coalesce(" + rel + ".owners, []) + [o IN [row.code] WHERE NOT o IN "
        "coalesce(" + rel + ".owners, [])], " + _stamp(rel)
    )


# An organisation the alias table knows is shown by its canonical name; any other by the
# alphabetically first name it was seen under, so the name does not depend on load order.
_ORGANISATION: LiteralString = (
    "MERGE (o:Organisation {id: org.id}) "
    "SET o.ref = coalesce(org.ref, o.ref), " + _stamp("o") + ", "
    "o.aliases = CASE WHEN org.alias IN coalesce(o.aliases, []) THEN o.aliases "
    "ELSE coalesce(o.aliases, []) + org.alias END "
    "SET o.name = coalesce(org.canonical, "
    "reduce(first = head(o.aliases), a IN o.aliases | CASE WHEN a < first THEN a ELSE first END)) "
)

_EACH_PROJECT: LiteralString = "UNWIND $rows AS row MATCH (p:Project {code: row.code}) "

# --- Cypher statements ----------------------------------------------------------------

_PROJECT: LiteralString = (
    "UNWIND $rows AS row "
    "MERGE (p:Activity {code: row.code}) SET p:Project "
    "SET p += row.props, " + _add_languages("p") + ", " + _stamp("p") + ", "
    "p.sources = CASE WHEN row.source IN coalesce(p.sources, []) THEN p.sources "
    "ELSE coalesce(p.sources, []) + row.source END "
    "SET p += row.texts "
    "SET " + _localised("p", "title", "description") + " " + _searchable("p")
)

# Which of a batch's codes the graph has, as an activity and as a loaded project.
_EXISTING: LiteralString = (
    "UNWIND $codes AS code MATCH (a:Activity {code: code}) RETURN code, a:Project AS project"
)

# A project the graph has never seen: every property is worked out by ``project_row``.
# CREATE, not MERGE: should another load create it meanwhile, the key constraint fails
# the batch, which is then written record by record and finds the project there.
_NEW_PROJECT: LiteralString = (
    "UNWIND $rows AS row CREATE (p:Activity:Project) SET p = row.created, p.loaded_at = $loaded_at"
)

# Take the project out of the owners of every relationship around it and around the
# nodes keyed under its code, and delete those left without an owner.
_UNLINK: LiteralString = (
    "UNWIND $rows AS row "
    "MATCH (p:Project {code: row.code}) "
    "CALL (p, row) { "
    "  MATCH (p)-[r]-() WHERE row.code IN r.owners RETURN r "
    "  UNION "
    "  MATCH (n:Component) WHERE n.key STARTS WITH row.code + '#' "
    "  MATCH (n)-[r]-() WHERE row.code IN r.owners RETURN r } "
    "SET r.owners = [o IN r.owners WHERE o <> row.code] "
    "WITH r WHERE size(r.owners) = 0 DELETE r"
)

# Shared nodes, one row each per batch (see ``_shared_nodes``): MERGEd and stamped once,
# not once per project naming them.
_COUNTRY_NODES: LiteralString = (
    "UNWIND $rows AS row MERGE (k:Country {iso2: row.iso2}) SET k.name = row.name, " + _stamp("k")
)

_REGION_NODES: LiteralString = (
    "UNWIND $rows AS row MERGE (k:Region {key: row.key}) "
    "SET k.code = row.code, k.vocabulary = row.vocabulary, k.name = coalesce(row.name, k.name), "
    + _stamp("k")
)

_SECTOR_NODES: LiteralString = (
    "UNWIND $rows AS row MERGE (n:Sector {key: row.key}) "
    "SET n.code = row.code, n.vocabulary = row.vocabulary " + _texts_of("n", "row", "name")
)

# An organisation the alias table knows is shown by its canonical name; any other by the
# alphabetically first name it was seen under, so the name does not depend on load order.
_ORGANISATION_NODES: LiteralString = (
    "UNWIND $rows AS row MERGE (o:Organisation {id: row.id}) "
    "SET o.ref = coalesce(row.ref, o.ref), " + _stamp("o") + ", "
    "o.aliases = coalesce(o.aliases, []) "
    "+ [a IN row.aliases WHERE NOT a IN coalesce(o.aliases, [])] "
    "SET o.name = coalesce(row.canonical, "
    "reduce(first = head(o.aliases), a IN o.aliases | CASE WHEN a < first THEN a ELSE first END)) "
    "FOREACH (_ IN CASE WHEN row.donor THEN [1] ELSE [] END | SET o:Donor) "
    "FOREACH (_ IN CASE WHEN row.agency THEN [1] ELSE [] END | SET o:Agency)"
)

_COUNTRIES: LiteralString = (
    _EACH_PROJECT + "UNWIND row.countries AS c MATCH (k:Country {iso2: c.iso2}) "
    "CREATE (p)-[:IN_COUNTRY {percentage: c.percentage, "
    "sort_key: " + COUNTRY_SORT_KEY + ", " + _OWNED + "}]->(k)"
)  # fmt: skip

_REGIONS: LiteralString = (
    _EACH_PROJECT + "UNWIND row.regions AS g MATCH (k:Region {key: g.key}) "
    "CREATE (p)-[:IN_REGION {percentage: g.percentage, " + _OWNED + "}]->(k)"
)

_CONTRIBUTIONS: LiteralString = (
    _EACH_PROJECT + "UNWIND row.contributions AS c MATCH (o:Organisation {id: c.donor.id}) "
    "CREATE (o)-[r:CONTRIBUTES_TO {named: c.donor.alias, " + _OWNED + "}]->(p) SET r += c.props"
)

_PARTICIPANTS: LiteralString = (
    _EACH_PROJECT + "UNWIND row.participants AS pt MATCH (o:Organisation {id: pt.org.id}) "
    "CREATE (o)-[:PARTICIPATES_IN {role: pt.role, named: pt.org.alias, " + _OWNED + "}]->(p)"
)

_OFFICE: LiteralString = (
    _EACH_PROJECT + "WITH row, p WHERE row.office IS NOT NULL "
    "WITH row, p, row.office AS office, row.office.agency AS org " + _ORGANISATION + "SET o:Agency "
    "MERGE (f:Office {key: office.key}) " + _texts_of("f", "office", "name") + " "
    "MERGE (o)-[h:HAS_OFFICE]->(f) SET " + _stamp("h") + " "
    "CREATE (f)-[:MANAGES {" + _OWNED + "}]->(p)"
)

_PROGRAMME: LiteralString = (
    _EACH_PROJECT + "WITH row, p, row.programme AS prog WHERE prog IS NOT NULL "
    "MERGE (g:Programme {key: prog.key}) SET g += prog.props "
    + _texts_of("g", "prog", "title")
    + " "
    "WITH row, p, prog, g "
    "CALL (row, prog, g) { "
    "  UNWIND prog.components AS c "
    "  MERGE (k:Component {key: c.key}) " + _texts_of("k", "c", "title") + " "
    "  MERGE (k)-[r:PART_OF]->(g) SET r.position = c.position, " + _share("r") + " } "
    "WITH row, p, prog, g WHERE prog.project_component IS NOT NULL "
    "MERGE (k:Component {key: prog.project_component.key}) SET " + _stamp("k") + " "
    "MERGE (k)-[r:PART_OF]->(g) SET r.position = prog.project_component.position, "
    + _share("r")
    + " "
    "CREATE (p)-[:IMPLEMENTS {" + _OWNED + "}]->(k)"
)

# IATI hierarchy: a parent activity is a programme whose children are its components,
# whichever side states the link. The parent's list of children gives the positions.
_PARENTS: LiteralString = (
    _EACH_PROJECT + "UNWIND row.parents AS parent "
    "MERGE (a:Activity {code: parent}) "
    "MERGE (g:Programme {key: parent}) SET " + _stamp("g") + " "
    "MERGE (g)-[d:DESCRIBED_BY]->(a) SET " + _stamp("d") + " "
    "MERGE (k:Component {key: parent + '#' + row.code}) SET " + _stamp("k") + " "
    "MERGE (k)-[r:PART_OF]->(g) SET " + _share("r") + " "
    "MERGE (p)-[i:IMPLEMENTS]->(k) SET " + _share("i")
)

_CHILDREN: LiteralString = (
    _EACH_PROJECT + "WITH row, p WHERE size(row.children) > 0 "
    "MERGE (g:Programme {key: row.code}) SET " + _stamp("g") + " "
    "MERGE (g)-[d:DESCRIBED_BY]->(p) SET " + _stamp("d") + " "
    "WITH row, g "
    "UNWIND range(0, size(row.children) - 1) AS i "
    "WITH row, g, row.children[i] AS child, i + 1 AS position "
    "MERGE (a:Activity {code: child}) "
    "MERGE (k:Component {key: row.code + '#' + child}) SET " + _stamp("k") + " "
    "MERGE (k)-[r:PART_OF]->(g) SET r.position = position, " + _share("r") + " "
    "MERGE (a)-[i:IMPLEMENTS]->(k) SET " + _share("i")
)

_RELATED: LiteralString = (
    _EACH_PROJECT + "UNWIND row.related AS rel "
    "MERGE (a:Activity {code: rel.ref}) "
    "CREATE (p)-[:RELATED_ACTIVITY {type: rel.type, position: rel.position, " + _OWNED + "}]->(a)"
)

_PIC: LiteralString = (
    _EACH_PROJECT + "WITH row, p WHERE row.pic IS NOT NULL "
    "MERGE (c:CooperationProgramme {key: row.pic.key}) "
    "SET c.name = row.pic.name, c.start = row.pic.start, c.end = row.pic.end, " + _stamp("c") + " "
    "CREATE (p)-[:UNDER {" + _OWNED + "}]->(c)"
)

_SECTORS: LiteralString = (
    _EACH_PROJECT + "UNWIND row.sectors AS s MATCH (n:Sector {key: s.key}) "
    "CREATE (p)-[:IN_SECTOR {percentage: s.percentage, " + _OWNED + "}]->(n)"
)


def _owned(
    label: LiteralString,
    rel: LiteralString,
    items: LiteralString,
    *fields: LiteralString,
    extra: LiteralString = "",
) -> LiteralString:
    """Nodes a project lists in order: merged by key, linked with their position."""
    texts: LiteralString = _texts_of("n", "item", *fields) if fields else "SET " + _stamp("n")
    return (
        _EACH_PROJECT + "UNWIND row." + items + " AS item "
        "MERGE (n:" + label + " {key: item.key}) "
        "SET n += item.props " + texts + " " + extra + " "
        "CREATE (p)-[:" + rel + " {position: item.position, " + _OWNED + "}]->(n)"
    )


_VIDEOS = _owned("Video", "HAS_VIDEO", "videos", "title", "description", extra=_searchable("n"))
# A document has titles only: its title in every language, for the full-text index.
_DOCUMENT_TITLES: LiteralString = (
    "SET n.search_titles = [l IN n.languages WHERE n['title_' + l] IS NOT NULL | n['title_' + l]]"
)
_DOCUMENTS = _owned("Document", "HAS_DOCUMENT", "documents", "title", extra=_DOCUMENT_TITLES)
_RESULTS = _owned("Result", "HAS_RESULT", "results", "title")
_AGREEMENTS = _owned("Agreement", "HAS_AGREEMENT", "agreements", "title")
_LOCATIONS = _owned(
    "Location",
    "HAS_LOCATION",
    "locations",
    extra="SET n.point = CASE WHEN n.latitude IS NULL OR n.longitude IS NULL THEN null "
    "ELSE point({latitude: n.latitude, longitude: n.longitude}) END",
)

# Nodes keyed under a project's code belong to it alone; once nothing links them, they go.
# One branch per label, so that each prefix search uses that label's key index.
_ORPHANS: LiteralString = (
    "UNWIND $rows AS row CALL (row) { "
    + " UNION ".join(
        "MATCH (n:" + label + ") WHERE n.key STARTS WITH row.code + '#' RETURN n"
        for label in ("Video", "Document", "Result", "Agreement", "Location", "Component")
    )
    + " } WITH n WHERE NOT (n)--() DELETE n"
)

_STATEMENTS: list[tuple[str, LiteralString, tuple[str, ...], str]] = [
    ("new_project", _NEW_PROJECT, ("created",), "new"),
    ("project", _PROJECT, ("props", "texts"), "activity"),
    ("unlink", _UNLINK, (), "project"),
    ("country_nodes", _COUNTRY_NODES, (), "shared"),
    ("region_nodes", _REGION_NODES, (), "shared"),
    ("sector_nodes", _SECTOR_NODES, (), "shared"),
    ("organisation_nodes", _ORGANISATION_NODES, (), "shared"),
    ("countries", _COUNTRIES, ("countries",), "all"),
    ("regions", _REGIONS, ("regions",), "all"),
    ("contributions", _CONTRIBUTIONS, ("contributions",), "all"),
    ("participants", _PARTICIPANTS, ("participants",), "all"),
    ("office", _OFFICE, ("office",), "all"),
    ("programme", _PROGRAMME, ("programme",), "all"),
    ("parents", _PARENTS, ("parents",), "all"),
    ("children", _CHILDREN, ("children",), "all"),
    ("related", _RELATED, ("related",), "all"),
    ("pic", _PIC, ("pic",), "all"),
    ("sectors", _SECTORS, ("sectors",), "all"),
    ("videos", _VIDEOS, ("videos",), "all"),
    ("documents", _DOCUMENTS, ("documents",), "all"),
    ("results", _RESULTS, ("results",), "all"),
    ("agreements", _AGREEMENTS, ("agreements",), "all"),
    ("locations", _LOCATIONS, ("locations",), "all"),
    ("orphans", _ORPHANS, (), "project"),
]
"""The statements of one batch, in order: name, Cypher, the row fields it reads, and
which rows it runs over: projects the graph lacked (``new``), had as an activity or
project (``activity``), had loaded (``project``: only those have old links to take
apart), all of them, or the batch's shared nodes (``shared``)."""
