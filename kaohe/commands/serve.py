"""`kaohe serve`: browse the database in Datasette on 127.0.0.1 (logic in analyst.serve)."""

from __future__ import annotations

import click

from schema.models import DEFAULT_DB_URL


@click.command(name="serve")
@click.option(
    "--db",
    "db",
    default=DEFAULT_DB_URL,
    show_default=True,
    help="SQLite database file, as a path or a sqlite:/// URL (Datasette reads SQLite only).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="Port on 127.0.0.1.")
def command(db: str, port: int) -> None:
    """Browse the database in Datasette: tables and views with their descriptions, facets by
    document, level and clause kind, full-text search (search_hits) and the analysts' queries.

    Listens on 127.0.0.1 only; the database is opened read-only. Needs the serve extra:
    pip install 'kaohe[serve]'.
    """
    from analyst.serve import HOST, ServeError, make_datasette, serve, sqlite_path

    try:
        path = sqlite_path(db)
        datasette = make_datasette(path)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Serving {path.resolve()} at http://{HOST}:{port}/ (Ctrl-C to stop)")
    serve(datasette, port)
