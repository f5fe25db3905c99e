"""The ``aidgraph`` command: run a local Neo4j, load sources, serve the API."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from graph.connection import Database
from graph.server import LocalServer, ServerError
from graph.settings import Settings
from loaders.bulk import DEFAULT_BATCH_SIZE, Item, load_items
from loaders.inputs import STDIN, expand, numbered
from loaders.records import ProjectRecord
from loaders.rejects import Rejected, RejectsFile

app = typer.Typer(no_args_is_help=True, help=__doc__)
neo4j_app = typer.Typer(
    no_args_is_help=True, help="The local Neo4j server (unless NEO4J_URI is set)."
)
load_app = typer.Typer(no_args_is_help=True, help="Load sources into the graph.")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(load_app, name="load")

# soft_wrap: never break a message across lines, so logs and grep see it whole.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def local_server(settings: Settings) -> LocalServer:
    """The local server the settings describe; exits when NEO4J_URI names another one."""
    if not settings.uses_local_server:
        err.print(f"NEO4J_URI is set ({settings.uri}): aidgraph does not run a local server.")
        raise typer.Exit(2)
    return LocalServer(
        data_dir=settings.local_data_dir,
        port=settings.local_port,
        password=settings.neo4j_password.get_secret_value(),
        page_cache=settings.local_page_cache,
    )


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local server (downloading it on first use); safe to run again."""
    server = local_server(Settings())
    try:
        status = server.start()
    except ServerError as error:
        err.print(f"[red]Neo4j did not start:[/red] {error}")
        raise typer.Exit(1) from None
    out.print(f"Neo4j running at {status.uri} (pid {status.pid}, data {status.data_dir})")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local server."""
    stopped = local_server(Settings()).stop()
    out.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local server runs; exit 0 when it does, 3 when it does not."""
    status = local_server(Settings()).status()
    if status.running:
        out.print(f"running at {status.uri} (pid {status.pid}, data {status.data_dir})")
        return
    out.print(status.detail)
    raise typer.Exit(3)


def connect(settings: Settings) -> Database:
    """A database that answers, or a clear exit saying which one does not."""
    db = Database.connect(settings)
    if not db.ping():
        db.close()
        hint = "" if settings.neo4j_uri else " (start it with `aidgraph neo4j start`)"
        err.print(f"[red]Neo4j is not reachable at {settings.uri}[/red]{hint}")
        raise typer.Exit(2)
    return db


BatchSize = Annotated[int, typer.Option(help="Records per write transaction.", min=1)]
RejectsPath = Annotated[
    Path, typer.Option(help="Where rejected items go, as JSON Lines (rewritten each load).")
]
_SHOWN_REJECTS = 20


@load_app.command("luxdev")
def load_luxdev(
    paths: Annotated[
        list[Path], typer.Argument(help="Saved LuxDev project pages (.html or .txt).")
    ],
    url: Annotated[
        str | None,
        typer.Option(
            help="The page's address, giving its code and language when the page lacks them."
        ),
    ] = None,
    rejects: RejectsPath = Path("rejects.jsonl"),
) -> None:
    """Load LuxDev project pages; exit 1 when any page was rejected."""
    bulk_load(_luxdev_items(paths, url), rejects, batch_size=100)


@load_app.command("iati")
def load_iati(
    paths: Annotated[
        list[str], typer.Argument(help="IATI files (.xml, .xml.gz), directories, or - for stdin.")
    ],
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    rejects: RejectsPath = Path("rejects.jsonl"),
) -> None:
    """Load IATI activity files; exit 1 when any activity was rejected."""
    from loaders.iati import IatiFileError

    items = numbered(expand(paths, (".xml", ".xml.gz")), _iati_file, (IatiFileError,))
    bulk_load(items, rejects, batch_size)


@load_app.command("jsonl")
def load_jsonl(
    paths: Annotated[
        list[str],
        typer.Argument(help="aidgraph JSON Lines files (.jsonl, .jsonl.gz) or - for stdin."),
    ],
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    rejects: RejectsPath = Path("rejects.jsonl"),
) -> None:
    """Load records in aidgraph's JSON Lines format; exit 1 when any line was rejected."""
    from loaders.jsonl import read_file

    items = numbered(expand(paths, (".jsonl", ".jsonl.gz")), read_file, ())
    bulk_load(items, rejects, batch_size)


def _luxdev_items(paths: list[Path], url: str | None) -> Iterable[Item]:
    """The pages as parsed items; ``url`` is one page's address, so only with one page."""
    from loaders.luxdev import PageError, parse_file

    if url is not None and len(paths) > 1:
        err.print("--url names one page's address: give it with a single PATH")
        raise typer.Exit(2)
    return numbered((str(p) for p in paths), lambda path: [parse_file(path, url=url)], (PageError,))


def _iati_file(path: Path) -> Iterable[ProjectRecord | Rejected]:
    from loaders.iati import parse_iati, parse_iati_file

    if str(path) == STDIN:
        return parse_iati(sys.stdin.buffer, "<stdin>")
    return parse_iati_file(path)


def bulk_load(items: Iterable[Item], rejects_path: Path, batch_size: int) -> None:
    """Load ``items`` with a progress bar; print a summary; exit 1 if any was rejected."""
    db = connect(Settings())
    shown = 0

    with rejects_path.open("w", encoding="utf-8") as rejects_out:
        write_reject = RejectsFile(rejects_out)

        def on_reject(rejected: Rejected) -> None:
            nonlocal shown
            write_reject(rejected)
            shown += 1
            if shown <= _SHOWN_REJECTS:
                err.print(f"rejected {rejected}", markup=False, highlight=False)

        try:
            with _progress() as progress:
                task = progress.add_task("loading", total=None)
                report = load_items(
                    db,
                    items,
                    on_reject,
                    lambda done: progress.advance(task, done),
                    batch_size=batch_size,
                )
            summarized = _summarize(db) if report.loaded else None
        finally:
            db.close()
    if report.rejected > _SHOWN_REJECTS:
        err.print(f"… {report.rejected - _SHOWN_REJECTS} more rejected: see {rejects_path}")
    out.print(report.summary())
    if summarized is not None:
        # not stored is said but does not fail the load: the API scans where none holds
        out.print(summarized[1])
    if report.rejected:
        raise typer.Exit(1)


class _RateColumn(ProgressColumn):
    """Records per second since the load started."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} records/s")


def _progress() -> Progress:
    """A progress bar with throughput, shown only on a terminal."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description} {task.completed:,.0f} records"),
        _RateColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    )


parse_app = typer.Typer(
    no_args_is_help=True, help="Print sources as aidgraph JSON Lines, without Neo4j."
)
export_app = typer.Typer(no_args_is_help=True, help="Write the graph out.")
generate_app = typer.Typer(no_args_is_help=True, help="Generate synthetic sources for benchmarks.")
app.add_typer(parse_app, name="parse")
app.add_typer(export_app, name="export")
app.add_typer(generate_app, name="generate")


@parse_app.command("luxdev")
def parse_luxdev(
    paths: Annotated[list[Path], typer.Argument(help="Saved LuxDev project pages.")],
    url: Annotated[
        str | None, typer.Option(help="The page's address (with a single PATH).")
    ] = None,
) -> None:
    """Print each page's record as a JSON line; rejected pages go to stderr (exit 1)."""
    print_records(_luxdev_items(paths, url))


@parse_app.command("iati")
def parse_iati_command(
    paths: Annotated[list[str], typer.Argument(help="IATI files, directories, or - for stdin.")],
) -> None:
    """Print each activity's record as a JSON line; rejected ones go to stderr (exit 1)."""
    from loaders.iati import IatiFileError

    print_records(numbered(expand(paths, (".xml", ".xml.gz")), _iati_file, (IatiFileError,)))


def print_records(items: Iterable[Item]) -> None:
    """Records to stdout as JSON Lines, rejections to stderr; exit 1 if any was rejected."""
    from loaders.jsonl import dumps

    rejected = 0
    for item in items:
        if isinstance(item, Rejected):
            rejected += 1
            err.print(f"rejected {item}", markup=False, highlight=False)
        else:
            sys.stdout.write(dumps(item.record) + "\n")
    if rejected:
        raise typer.Exit(1)


@export_app.command("jsonl")
def export_jsonl(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write; - for stdout.")
    ] = Path("-"),
) -> None:
    """Write every project in the graph as aidgraph JSON Lines (one line per language)."""
    from graph.export import export_records
    from loaders.jsonl import write_records

    db = connect(Settings())
    try:
        if str(output) == STDIN:
            count = write_records(export_records(db), sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as out_file:
                count = write_records(export_records(db), out_file)
    finally:
        db.close()
    err.print(f"exported {count} records")


@generate_app.command("iati")
def generate_iati(
    activities: Annotated[int, typer.Option(help="How many activities.", min=0)],
    seed: Annotated[int, typer.Option(help="Same seed, same files.")] = 1,
    output: Annotated[Path, typer.Option(help="Directory to write the files into.")] = Path(
        "generated-iati"
    ),
    per_file: Annotated[int, typer.Option(help="Activities per file.", min=1)] = 10_000,
) -> None:
    """Write deterministic, realistic synthetic IATI activity files for benchmarks."""
    from loaders.iati_synthetic import write_iati_files

    files = write_iati_files(output, activities, seed, per_file=per_file)
    out.print(f"wrote {activities} activities in {len(files)} files under {output}")


@app.command()
def migrate() -> None:
    """Create the graph's constraints and indexes (idempotent; loads and the API do it too)."""
    from graph.migrations import migrate as run_migrations

    db = connect(Settings())
    try:
        run_migrations(db)
    finally:
        db.close()
    out.print("schema up to date")


@app.command()
def summarize() -> None:
    """Store the aggregates over every project anew (loads do it when they end): after
    writes made outside aidgraph's loaders, which the stored ones would not reflect."""
    db = connect(Settings())
    try:
        stored, said = _summarize(db)
    finally:
        db.close()
    out.print(said)
    if not stored:
        raise typer.Exit(1)


def _summarize(db: Database) -> tuple[bool, str]:
    """Stores the aggregates over every project: whether it did, and what to say."""
    from neo4j.exceptions import Neo4jError

    from graph.aggregates import refresh_summaries

    started = time.monotonic()
    try:
        stored = refresh_summaries(db)
    except Neo4jError as error:
        return False, f"aggregates not stored ({error.message}): run `aidgraph summarize`"
    seconds = time.monotonic() - started
    if stored:
        return True, f"stored {stored} aggregates over every project in {seconds:.1f} s"
    return (
        False,
        "aggregates not stored: the graph changed while they were read (`aidgraph summarize`)",
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes: one per core the API may use.")
    ] = 1,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql in a browser)."""
    import uvicorn

    uvicorn.run("schema.app:app", host=host, port=port, workers=workers, log_level="info")
