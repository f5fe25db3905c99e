"""The ``aidgraph`` command: run a local Neo4j, load sources, serve the API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from graph.connection import Database
from graph.server import LocalServer, ServerError
from graph.settings import Settings

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
) -> None:
    """Load LuxDev project pages; exit 1 when any page was rejected."""
    from loaders.luxdev import parse_file
    from loaders.pipeline import load_files

    if url is not None and len(paths) > 1:
        err.print("--url names one page's address: give it with a single PATH")
        raise typer.Exit(2)
    db = connect(Settings())
    try:
        report = load_files(db, paths, lambda path: parse_file(path, url=url))
    finally:
        db.close()
    for code in report.loaded:
        out.print(f"loaded {code}")
    for rejection in report.rejected:
        err.print(f"[red]rejected[/red] {rejection.reason}")
    out.print(f"{len(report.loaded)} loaded, {len(report.rejected)} rejected")
    if not report.ok:
        raise typer.Exit(1)


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
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql in a browser)."""
    import uvicorn

    uvicorn.run("schema.app:app", host=host, port=port, log_level="info")
