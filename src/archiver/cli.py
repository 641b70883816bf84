"""The `archiver` command: arguments, output, exit codes and logging, nothing else.

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

import csv
import datetime as dt
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from archiver import crawl as crawling
from archiver import discover
from archiver.config import SETTINGS, Config, default_config_path, load_config
from archiver.errors import ArchiverError, CrawlLocked
from archiver.fetch import Fetcher, FetchSettings, make_client
from archiver.fixture_site import serve_fixture_site
from archiver.models import CrawlReport
from archiver.store import FOR_CRAWL, FOR_SEARCH, SearchHit, Store, StoredArticle, Tuning

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


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _config(path: Path | None, db: Path | None = None) -> Config:
    if path is None and Path("archiver.toml").exists():
        path = Path("archiver.toml")
    overrides = {"db": str(db)} if db is not None else {}
    return load_config(path or default_config_path(), overrides)


@contextmanager
def _open_store(
    config: Config, *, readonly: bool = False, tuning: Tuning = FOR_SEARCH
) -> Iterator[Store]:
    store = Store.open(config.settings.db, readonly=readonly, tuning=tuning)
    try:
        yield store
    finally:
        store.close()


def _fetch_settings(config: Config) -> FetchSettings:
    s = config.settings
    return FetchSettings(
        user_agent=s.user_agent,
        delay=s.delay,
        timeout=s.timeout,
        max_bytes=s.max_bytes,
        attempts=s.attempts,
        retry_wait=s.retry_wait,
        max_retry_wait=s.max_retry_wait,
        obey_robots=s.obey_robots,
    )


def _policy(config: Config, max_pages: int | None = None) -> crawling.CrawlPolicy:
    s = config.settings
    return crawling.CrawlPolicy(
        max_pages=max_pages or s.max_pages or None,
        revisit=s.revisit,
        revisit_hours=s.revisit_hours,
    )


def _resolve(config: Config) -> dict[str, tuple[str, int]]:
    return {
        host: (target.rpartition(":")[0], int(target.rpartition(":")[2]))
        for host, target in config.settings.resolve
    }


def _report_json(report: CrawlReport) -> dict[str, Any]:
    return {
        "crawl_id": report.crawl_id,
        "seconds": round(report.seconds, 3),
        "failures": report.failures,
        "sources": [
            {name: getattr(s, name) for name in s.__dataclass_fields__} for s in report.sources
        ],
    }


@app.command()
def crawl(
    config_path: ConfigOption = None,
    db: DbOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only these sources.")
    ] = None,
    max_pages: Annotated[
        int | None,
        typer.Option("--max-pages", min=1, help="Most requests per source in this run."),
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Crawl the configured sources into the archive (run nightly from cron).

    Exit status 3 when the crawl finished but some URLs failed or extraction
    looks degraded; 4 when another crawl is running on the same archive.
    """
    config = _config(config_path, db)
    sources = tuple(config.source(n) for n in source) if source else config.sources
    with (
        _open_store(config, tuning=FOR_CRAWL) as store,
        store.crawl_lock(),
        make_client(_resolve(config)) as client,
    ):
        fetcher = Fetcher(client=client, settings=_fetch_settings(config))
        report = crawling.crawl(
            sources,
            store=store,
            fetcher=fetcher,
            log=_noop if quiet else _err,
            policy=_policy(config, max_pages),
            workers=config.settings.concurrency,
        )
    if as_json:
        typer.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    if report.failures:
        _err(f"archiver: {report.failures} URL(s) failed; see the failures table")
    for problem in report.health:
        _err(f"archiver: {problem}")
    if report.failures or report.health:
        raise typer.Exit(EXIT_PARTIAL)


def _noop(message: str) -> None:
    """Swallow progress lines (-q)."""


@app.command()
def demo(
    db: DbOption = None,
) -> None:
    """Serve the bundled fixture site on 127.0.0.1 and archive it (no internet needed)."""
    target = db or Path("archive.db")
    started = time.monotonic()
    with serve_fixture_site() as site:
        host, port = site.address
        _err(f"fixture site serving {', '.join(sorted(site.table.hosts))} on {host}:{port}")
        resolve = {name: (host, port) for name in site.table.hosts}
        config = load_config(default_config_path(), {"db": str(target), "delay": 0.0})
        with _open_store(config, tuning=FOR_CRAWL) as store, make_client(resolve) as client:
            before = store.article_count()
            fetcher = Fetcher(client=client, settings=_fetch_settings(config))
            report = crawling.crawl(
                config.sources,
                store=store,
                fetcher=fetcher,
                log=_err,
                policy=_policy(config),
                workers=config.settings.concurrency,
            )
            total = store.article_count()
            hits = store.search("pasvaldiba", limit=3)
    seconds = time.monotonic() - started
    requests = sum(s.requests for s in report.sources)
    typer.echo(
        f"Archived {total - before} new articles into {target} ({total} in all);"
        f" {requests} requests in {seconds:.1f} s."
    )
    typer.echo('Example: archiver search "pasvaldiba"')
    _print_hits(hits)
    if report.failures:
        raise typer.Exit(EXIT_PARTIAL)


def _date_option(flag: str, help_text: str) -> Any:
    return typer.Option(flag, formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help=help_text)


SinceOption = Annotated[dt.datetime | None, _date_option("--since", "Published on or after.")]
UntilOption = Annotated[dt.datetime | None, _date_option("--until", "Published on or before.")]


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find; diacritics are optional.")],
    db: DbOption = None,
    config_path: ConfigOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most results.")] = 20,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only these sources.")
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", "-d", help="Department name contains this.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
    as_nl: Annotated[bool, typer.Option("--nl", help="One JSON object per line.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
) -> None:
    """Full-text search in any word form; "pasvaldibai" finds "pašvaldība".

    Words match every inflected form, "quoted phrases" the exact words,
    prefix* the beginning of a word; AND, OR, NOT and parentheses combine them.
    Best match first (title words weigh most), newer first on ties.
    """
    if as_json + as_nl + as_csv > 1:
        raise typer.BadParameter("choose one of --json, --nl and --csv")
    config = _config(config_path, db)
    with _open_store(config, readonly=True) as store:
        hits = store.search(
            query,
            limit=limit,
            sources=tuple(source or ()),
            department=department,
            since=since.date() if since else None,
            until=until.date() if until else None,
        )
    if as_json:
        typer.echo(json.dumps([_hit_json(h) for h in hits], ensure_ascii=False, indent=2))
    elif as_nl:
        for hit in hits:
            typer.echo(json.dumps(_hit_json(hit), ensure_ascii=False))
    elif as_csv:
        _print_hits_csv(hits)
    elif not hits:
        _err(f"no articles match {query!r}")
    else:
        _print_hits(hits)


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    return {**_article_json(hit.article), "snippet": hit.snippet, "rank": hit.rank}


SEARCH_CSV_COLUMNS = ("id", "published", "source", "department", "title", "url", "snippet", "rank")


def _print_hits_csv(hits: list[SearchHit]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(SEARCH_CSV_COLUMNS)
    for hit in hits:
        a = hit.article
        published = a.published.isoformat() if a.published else ""
        row = (a.id, published, a.source, a.department or "", a.title, a.url, hit.snippet)
        writer.writerow((*row, hit.rank))


def _highlighted(hit: SearchHit) -> str:
    """The snippet with its marked matches in bold yellow instead of brackets."""
    text, out, cursor = hit.snippet, "", 0
    for start, end in hit.marks:
        out += text[cursor:start] + "\x1b[1;33m" + text[start + 1 : end - 1] + "\x1b[0m"
        cursor = end
    return out + text[cursor:]


def _print_hits(hits: list[SearchHit]) -> None:
    tty = sys.stdout.isatty()
    for number, hit in enumerate(hits, 1):
        a = hit.article
        snippet = (_highlighted(hit) if tty else hit.snippet).replace("\n", " ")
        meta = " · ".join(
            x for x in (str(a.published or "no date"), a.department or "", a.source) if x
        )
        typer.echo(f"{number}. {a.title}\n   {meta}\n   {a.url}\n   {snippet}")


def _article_json(a: StoredArticle) -> dict[str, Any]:
    return {
        "id": a.id,
        "url": a.url,
        "canonical_url": a.canonical_url,
        "source": a.source,
        "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "department": a.department,
        "body": a.body,
        "links": [{"url": ln.url, "text": ln.text, "kind": ln.kind} for ln in a.links],
        "versions": a.versions,
    }


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="Article id, or any URL of it.")],
    db: DbOption = None,
    config_path: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print one article: its fields, body and links."""
    config = _config(config_path, db)
    with _open_store(config, readonly=True) as store:
        article = store.get_article(ref)
        for source in config.sources if article is None else ():
            try:
                article = store.get_article(discover.canonical_key(ref, source))
            except ValueError:
                break
            if article is not None:
                break
        removed = store.removed_at(article.id) if article is not None else None
    if article is None:
        raise ArchiverError(f"no article {ref!r} in {config.settings.db}")
    if as_json:
        data = {**_article_json(article), "removed_at": removed}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(article.title)
    typer.echo(f"Date:       {article.published or '-'}")
    typer.echo(f"Department: {article.department or '-'}")
    typer.echo(f"Source:     {article.source}  (id {article.id}, {article.versions} version(s))")
    typer.echo(f"URL:        {article.url}")
    if removed is not None:
        typer.echo(f"Removed:    gone from the site since {removed}; kept in the archive")
    typer.echo("")
    typer.echo(article.body)
    if article.links:
        typer.echo("\nLinks:")
        for link in article.links:
            mark = " [attachment]" if link.kind == "attachment" else ""
            typer.echo(f"  {link.text or '-'}: {link.url}{mark}")


@app.command()
def stats(
    db: DbOption = None, config_path: ConfigOption = None, as_json: JsonOption = False
) -> None:
    """Article counts per source, department and year."""
    config = _config(config_path, db)
    with _open_store(config, readonly=True) as store:
        counts = store.stats()
        total = store.article_count()
    if as_json:
        typer.echo(json.dumps({"articles": total, **counts}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"articles: {total}")
    for name, rows in counts.items():
        typer.echo(f"\nby {name}:")
        for key, count in rows:
            typer.echo(f"  {count:6d}  {key}")


@app.command()
def backfill(
    source: Annotated[str, typer.Argument(help="Name of the source to backfill.")],
    cdx: Annotated[
        str | None, typer.Option("--cdx", help="CDX index: a file, or a CDX API URL to fetch.")
    ] = None,
    ids: Annotated[
        bool, typer.Option("--ids", help="Step down through numbered ids (the source's id_url).")
    ] = False,
    misses: Annotated[int, typer.Option(help="With --ids: stop after this many misses.")] = 20,
    replay: Annotated[
        str, typer.Option("--replay", help="Replay base of the web archive.")
    ] = discover.WAYBACK_REPLAY,
    config_path: ConfigOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Bring back articles the live site lost: from web-archive captures (Wayback CDX),
    or by stepping down through a numbered CMS's ids (--ids)."""
    config = _config(config_path, db)
    chosen = config.source(source)
    with (
        _open_store(config, tuning=FOR_CRAWL) as store,
        store.crawl_lock(),
        make_client(_resolve(config)) as client,
    ):
        fetcher = Fetcher(client=client, settings=_fetch_settings(config))
        if ids:
            report = crawling.backfill_ids(
                chosen, store=store, fetcher=fetcher, misses=misses, log=_noop if quiet else _err
            )
            raise typer.Exit(EXIT_PARTIAL if report.failures else EXIT_OK)
        if cdx is None:
            raise typer.BadParameter("give --cdx FILE-or-URL or --ids", param_hint="--cdx")
        if cdx.startswith(("http://", "https://")):
            body = fetcher.fetch(cdx).body
        else:
            try:
                body = Path(cdx).read_bytes()
            except OSError as exc:
                raise ArchiverError(f"cannot read CDX file {cdx}: {exc.strerror}") from None
        captures, skipped = discover.cdx_captures(body, chosen, replay=replay)
        for message in skipped:
            _err(f"archiver: {message}")
        report = crawling.backfill(
            chosen, captures, store=store, fetcher=fetcher, log=_noop if quiet else _err
        )
    if report.failures:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def reparse(
    db: DbOption = None,
    config_path: ConfigOption = None,
    quiet: QuietOption = False,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Processes parsing pages in parallel.")
    ] = 1,
) -> None:
    """Re-run the parser over the stored raw pages (no network); writes only what changed."""
    config = _config(config_path, db)
    with _open_store(config) as store:
        report = crawling.reparse(store, workers=workers, log=_noop if quiet else _err)
    if not quiet:
        _err(
            f"reparsed {report.articles} articles: {report.changed} changed,"
            f" {report.failed} could not be parsed"
        )


@app.command()
def settings() -> None:
    """List every setting with its default and meaning."""
    for setting in SETTINGS:
        typer.echo(f"{setting.name:15} {setting.default!r:40} {setting.help}")


@app.command()
def serve(
    db: DbOption = None,
    config_path: ConfigOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, help="Port (0: any free one).")] = 8001,
    immutable: Annotated[
        bool, typer.Option(help="Open with immutable=1: faster, but only when no crawl runs.")
    ] = False,
) -> None:
    """Browse the archive in Datasette (read-only; Latvian-aware search box)."""
    from archiver import serve as serving

    config = _config(config_path, db)
    path = Path(config.settings.db)
    if not path.is_file():
        raise ArchiverError(f"no archive at {path}; run `archiver crawl` first")
    with _open_store(config):
        pass  # brings an older archive's schema (and search index) up to date
    serving.serve(path, host=host, port=port, immutable=immutable, announce=_err)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, csv, parquet or warc.")
    ] = "jsonl",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (jsonl and csv: default stdout)."),
    ] = None,
    since: SinceOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only these sources.")
    ] = None,
    dictionary: Annotated[
        bool, typer.Option("--dictionary", help="Print the columns and their meaning, then exit.")
    ] = False,
    db: DbOption = None,
    config_path: ConfigOption = None,
) -> None:
    """Export articles (jsonl, csv, parquet) or raw responses (warc) for other tools."""
    from archiver import export as exporting

    if dictionary:
        typer.echo(exporting.data_dictionary())
        return
    if fmt not in exporting.FORMATS:
        raise typer.BadParameter(
            f"choose one of {', '.join(exporting.FORMATS)}", param_hint="--format"
        )
    if output is None and fmt not in exporting.TEXT_FORMATS:
        raise typer.BadParameter(f"{fmt} is binary: give a file with -o", param_hint="--output")
    config = _config(config_path, db)
    sources = tuple(source or ())
    day = since.date() if since else None
    with _open_store(config) as store:
        if fmt == "warc":
            total = exporting.count_pages(store, since=day, sources=sources)
        else:
            total = exporting.count_articles(store, since=day, sources=sources)
        progress = _progress(total) if sys.stderr.isatty() else _no_progress
        if output is None:
            count = exporting.export(
                store, fmt, out=sys.stdout, since=day, sources=sources, progress=progress
            )
        elif fmt in exporting.TEXT_FORMATS:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = exporting.export(
                    store, fmt, out=stream, since=day, sources=sources, progress=progress
                )
        else:
            count = exporting.export(
                store, fmt, out=output, since=day, sources=sources, progress=progress
            )
    if sys.stderr.isatty():
        _err("")
    kind = "responses" if fmt == "warc" else "articles"
    _err(f"exported {count} {kind} as {fmt} to {output or 'stdout'}")


def _no_progress(done: int) -> None:
    """No progress display (stderr is not a terminal)."""


def _progress(total: int) -> Any:
    def show(done: int) -> None:
        if done == total or done % 50 == 0:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()

    return show


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
        _err(f"archiver: {exc}")
        sys.exit(EXIT_LOCKED)
    except ArchiverError as exc:
        _err(f"archiver: error: {exc}")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # last resort: one line, never a traceback by default
        if debug:
            raise
        _err(f"archiver: unexpected error: {type(exc).__name__}: {exc}")
        _err("run with --debug for the traceback")
        sys.exit(EXIT_ERROR)
