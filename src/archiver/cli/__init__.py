"""The `archiver` command: arguments, output, exit codes and logging, nothing else.

`base` holds the Typer app, the shared options and `main`; the commands are
in `crawling` (crawl, demo, backfill, reparse) and `reading` (search, show,
sources, stats, serve, export, settings); `output` formats what they print.
The command modules register their commands on `app` when imported.
"""

from archiver.cli import crawling, reading
from archiver.cli.base import EXIT_ERROR, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, app, main

__all__ = [
    "EXIT_ERROR",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_USAGE",
    "app",
    "crawling",
    "main",
    "reading",
]
