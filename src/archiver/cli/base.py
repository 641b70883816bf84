"""The command's frame: the Typer app, shared options, config and store opening, `main`.

stdout carries results; progress, summaries and errors go to stderr.

Exit codes:
  0  everything went fine
  1  error (bad config, unusable database); the archive is left consistent
  2  usage error (unknown command or option)
  3  the crawl finished but some URLs failed, or extraction looks degraded
     (see the `warnings` and `failures` tables)
  4  another crawl is already running on the same archive
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from archiver.config import Config, default_config_path, load_config
from archiver.errors import ArchiverError, CrawlLocked
from archiver.store import FOR_SEARCH, Store, Tuning

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL, EXIT_LOCKED = 0, 1, 2, 3, 4

HELP = """Keep a permanent, searchable archive of municipal news in one SQLite file.

Results go to stdout; progress, summaries and errors to stderr.

\b
Exit codes:
  0  everything went fine
  1  error (bad config, unusable database); the archive is left consistent
  2  usage error (unknown command or option)
  3  the crawl finished but some URLs failed, or extraction looks degraded
     (see the failures and warnings tables)
  4  another crawl is already running on the same archive
"""

app = typer.Typer(
    help=HELP,
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="archiver.toml to use (default: ./archiver.toml if present, else Ķekava's).",
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option("--db", envvar="ARCHIVER_DB", help="Archive database file."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")]


def err(message: str) -> None:
    """Print a line on stderr (progress, summaries, errors: never results)."""
    typer.echo(message, err=True)


def config_for(path: Path | None, db: Path | None = None) -> Config:
    """The config of `--config` (else ./archiver.toml, else the shipped one), `--db` applied."""
    if path is None and Path("archiver.toml").exists():
        path = Path("archiver.toml")
    overrides = {"db": str(db)} if db is not None else {}
    return load_config(path or default_config_path(), overrides)


@contextmanager
def open_store(
    config: Config, *, readonly: bool = False, tuning: Tuning = FOR_SEARCH
) -> Iterator[Store]:
    """The configured archive, open for the `with` block (tuned for search unless told)."""
    store = Store.open(config.settings.db, readonly=readonly, tuning=tuning)
    try:
        yield store
    finally:
        store.close()


def date_option(flag: str, help_text: str) -> Any:
    """A YYYY-MM-DD option."""
    return typer.Option(flag, formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help=help_text)


SinceOption = Annotated[dt.datetime | None, date_option("--since", "Published on or after.")]
UntilOption = Annotated[dt.datetime | None, date_option("--until", "Published on or before.")]


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning errors into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("ARCHIVER_DEBUG"))
    args = [a for a in args if a != "--debug"]
    # pypdf logs each recoverable flaw of an attached PDF; the crawl records
    # what matters (a document without text) itself, so keep them off stderr.
    logging.getLogger("pypdf").setLevel(logging.DEBUG if debug else logging.ERROR)
    try:
        app(args, prog_name="archiver", standalone_mode=True)
    except CrawlLocked as exc:
        err(f"archiver: {exc}")
        sys.exit(EXIT_LOCKED)
    except ArchiverError as exc:
        err(f"archiver: error: {exc}")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # last resort: one line, never a traceback by default
        if debug:
            raise
        err(f"archiver: unexpected error: {type(exc).__name__}: {exc}")
        err("run with --debug for the traceback")
        sys.exit(EXIT_ERROR)
