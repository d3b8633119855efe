"""Options several ``kaohe`` commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from schema.limits import DEFAULT_LIMITS, MB, Limits
from schema.models import DEFAULT_DB_URL

DB_ENV_VAR = "KAOHE_DB"
DB_URL_HELP = (
    "Database: a SQLite file path (kaohe.db) or a SQLAlchemy URL "
    "(sqlite:///out.db, postgresql+psycopg://user@host/kaohe)."
)


def database_url(value: str) -> str:
    """``value`` as a SQLAlchemy URL: a URL (it has ``://``) as it is, anything else a SQLite file path."""
    if "://" in value:
        return value
    # sqlite:/// + a relative path is relative to the current directory, + an absolute one
    # ("/data/k.db" → sqlite:////data/k.db) stays absolute.
    return f"sqlite:///{value}"


class DatabaseUrl(click.ParamType):
    """``--db``: a SQLite path or a URL, converted to a URL (see :func:`database_url`)."""

    name = "PATH|URL"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        if not text:
            self.fail("empty; give a SQLite file path or a database URL", param, ctx)
        return database_url(text)


# ``--db PATH|URL`` → parameter ``db_url``: the database every command reads or writes; $KAOHE_DB
# sets the default for every command.
db_option = click.option(
    "--db",
    "db_url",
    type=DatabaseUrl(),
    default=DEFAULT_DB_URL,
    envvar=DB_ENV_VAR,
    show_envvar=True,
    show_default=True,
    help=DB_URL_HELP,
)


F = TypeVar("F", bound=Callable[..., object])


def _megabytes(value: int | None) -> int | None:
    return None if value is None else value // MB


# (option, Limits field, unit in bytes or 1 for seconds, help)
_LIMIT_OPTIONS = (
    ("--max-file-mb", "max_file_bytes", MB, "Refuse a file larger than this (and a zip whose parts unpack to more)."),
    ("--max-text-mb", "max_text_bytes", MB, "Refuse a text or HTML file larger than this (read whole into memory)."),
    ("--max-unzipped-mb", "max_unzipped_bytes", MB, "Refuse a .docx/.xlsx whose XML parts unpack to more than this."),
    ("--timeout", "seconds_per_file", 1, "Seconds one file's extraction may take."),
    ("--worker-memory-mb", "worker_memory_bytes", MB, "Memory of one extraction worker (not with --workers 1)."),
)


def _limits_from(values: dict[str, float]) -> Limits:
    fields: dict[str, float | None] = {}
    for option, field, unit, _ in _LIMIT_OPTIONS:
        value = values[option.lstrip("-").replace("-", "_")]
        fields[field] = None if value == 0 else (value * unit if unit == 1 else int(value * unit))
    return Limits(**fields)  # type: ignore[arg-type]


def limit_options(command: F) -> F:
    """``--max-file-mb`` … ``--worker-memory-mb`` (0 switches a bound off) → parameter ``limits``."""
    names = [option.lstrip("-").replace("-", "_") for option, *_ in _LIMIT_OPTIONS]

    def wrapper(*args: object, **kwargs: object) -> object:
        values = {name: kwargs.pop(name) for name in names}
        try:
            kwargs["limits"] = _limits_from(values)  # type: ignore[arg-type]
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        return command(*args, **kwargs)

    wrapper.__name__ = command.__name__
    wrapper.__doc__ = command.__doc__
    decorated: Callable[..., object] = wrapper
    for option, field, unit, help_text in reversed(_LIMIT_OPTIONS):
        default = getattr(DEFAULT_LIMITS, field)
        shown = default if unit == 1 else _megabytes(default)
        decorated = click.option(
            option,
            type=click.FloatRange(min=0) if unit == 1 else click.IntRange(min=0),
            default=shown if shown is not None else 0,
            show_default=True,
            help=help_text + " 0 = no limit.",
        )(decorated)
    return decorated  # type: ignore[return-value]


# ``--format table|json`` → parameter ``fmt``: how the summary commands (tables, schema, stats) print.
summary_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: for reading; json: for scripts.",
)
