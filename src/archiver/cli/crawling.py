"""Commands that fetch or rewrite: crawl, demo, backfill, reparse, compact."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from archiver import crawl as crawling
from archiver import discover
from archiver import reparse as reparsing
from archiver.cli.base import (
    EXIT_OK,
    EXIT_PARTIAL,
    ConfigOption,
    DbOption,
    JsonOption,
    QuietOption,
    app,
    config_for,
    err,
    open_store,
)
from archiver.cli.output import noop, print_hits, report_json
from archiver.config import Config, default_config_path, load_config
from archiver.errors import ArchiverError
from archiver.fetch import Fetcher, FetchSettings, make_client
from archiver.fixture_site import serve_fixture_site
from archiver.store import FOR_CRAWL


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
        attachment_max_bytes=s.attachment_max_bytes,
    )


def _resolve(config: Config) -> dict[str, tuple[str, int]]:
    return {
        host: (target.rpartition(":")[0], int(target.rpartition(":")[2]))
        for host, target in config.settings.resolve
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
    config = config_for(config_path, db)
    sources = tuple(config.source(n) for n in source) if source else config.sources
    with (
        open_store(config, tuning=FOR_CRAWL) as store,
        store.crawl_lock(),
        make_client(_resolve(config)) as client,
    ):
        fetcher = Fetcher(client=client, settings=_fetch_settings(config))
        report = crawling.crawl(
            sources,
            store=store,
            fetcher=fetcher,
            log=noop if quiet else err,
            policy=_policy(config, max_pages),
            workers=config.settings.concurrency,
        )
    if as_json:
        typer.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    if report.failures:
        err(f"archiver: {report.failures} URL(s) failed; see the failures table")
    for problem in report.health:
        err(f"archiver: {problem}")
    if report.failures or report.health:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def demo(
    db: DbOption = None,
) -> None:
    """Serve the bundled fixture site on 127.0.0.1 and archive it (no internet needed)."""
    target = db or Path("archive.db")
    started = time.monotonic()
    with serve_fixture_site() as site:
        host, port = site.address
        err(f"fixture site serving {', '.join(sorted(site.table.hosts))} on {host}:{port}")
        resolve = {name: (host, port) for name in site.table.hosts}
        config = load_config(default_config_path(), {"db": str(target), "delay": 0.0})
        with open_store(config, tuning=FOR_CRAWL) as store, make_client(resolve) as client:
            before = store.article_count()
            fetcher = Fetcher(client=client, settings=_fetch_settings(config))
            report = crawling.crawl(
                config.sources,
                store=store,
                fetcher=fetcher,
                log=err,
                policy=_policy(config),
                workers=config.settings.concurrency,
            )
            total = store.article_count()
            hits = store.search("pasvaldiba", limit=3)
    seconds = time.monotonic() - started
    requests = sum(s.requests for s in report.sources)
    files = sum(s.attachments for s in report.sources)
    typer.echo(
        f"Archived {total - before} new articles and {files} attached files into {target}"
        f" ({total} articles in all); {requests} requests in {seconds:.1f} s."
    )
    typer.echo('Example: archiver search "pasvaldiba"')
    print_hits(hits)
    if report.failures:
        raise typer.Exit(EXIT_PARTIAL)


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
    config = config_for(config_path, db)
    chosen = config.source(source)
    with (
        open_store(config, tuning=FOR_CRAWL) as store,
        store.crawl_lock(),
        make_client(_resolve(config)) as client,
    ):
        fetcher = Fetcher(client=client, settings=_fetch_settings(config))
        if ids:
            report = crawling.backfill_ids(
                chosen, store=store, fetcher=fetcher, misses=misses, log=noop if quiet else err
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
            err(f"archiver: {message}")
        report = crawling.backfill(
            chosen, captures, store=store, fetcher=fetcher, log=noop if quiet else err
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
    config = config_for(config_path, db)
    with open_store(config) as store:
        report = reparsing.reparse(store, workers=workers, log=noop if quiet else err)
    if not quiet:
        err(
            f"reparsed {report.articles} articles: {report.changed} changed,"
            f" {report.failed} could not be parsed"
            + (f"; {report.attachments} attachments read anew" if report.attachments else "")
        )


@app.command()
def compact(db: DbOption = None, config_path: ConfigOption = None) -> None:
    """Rewrite the archive without its free pages and with each search index merged.

    Deleting and upgrading leave free pages inside the file (`archiver stats`
    shows how much); this returns them to the disk. It needs free disk space
    about twice the archive's size, and waits for no crawl: it refuses while
    one runs.
    """
    config = config_for(config_path, db)
    if not Path(config.settings.db).is_file():
        raise ArchiverError(f"no archive at {config.settings.db}; nothing to compact")
    with open_store(config, tuning=FOR_CRAWL) as store, store.crawl_lock():
        report = store.compact()
    err(
        f"compacted {config.settings.db}: {report.before.file_bytes / 1e6:,.1f} MB"
        f" -> {report.after.file_bytes / 1e6:,.1f} MB in {report.seconds:.1f} s"
    )
