"""Backfill: bring back articles the live site has lost.

From web-archive captures (`backfill`, a Wayback CDX index) or by stepping
down through a numbered CMS's ids (`backfill_ids`); either way each article
is stored under its original canonical URL, so it stays one article with
what the live crawl found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from archiver import discover, parse, urls
from archiver.errors import (
    ConfigError,
    FetchError,
)
from archiver.fetch import Fetcher
from archiver.models import (
    Capture,
    Source,
)
from archiver.source_crawl import GONE_STATUSES, CrawlPolicy, Log, SourceCrawl, quiet
from archiver.store import Store


@dataclass(frozen=True, slots=True, kw_only=True)
class BackfillReport:
    """What a backfill from a web archive did for one source."""

    source: str
    captures: int
    new_articles: int
    already_archived: int
    not_articles: int
    failures: int


def backfill(
    source: Source,
    captures: tuple[Capture, ...],
    *,
    store: Store,
    fetcher: Fetcher,
    log: Log = quiet,
) -> BackfillReport:
    """Bring back articles the live site lost, from web-archive captures.

    Each capture is stored under its original page's canonical URL, so an
    article seen both live and in the archive stays one article (an article
    already archived is not fetched again); the capture time is recorded.
    """
    crawl_id = store.begin_crawl()
    new = known = not_articles = failures = 0
    status = "failed"
    try:
        for capture in captures:
            key = discover.canonical_key(capture.original, source)
            if store.find_article_id((key,)) is not None:
                known += 1
                continue
            archive_host = urls.host_of(capture.archive_url)
            try:
                page = fetcher.fetch(capture.archive_url, allowed_hosts=frozenset({archive_host}))
            except FetchError as exc:
                failures += 1
                store.warn(
                    crawl_id=crawl_id,
                    source=source.name,
                    url=capture.archive_url,
                    kind="backfill",
                    message=str(exc),
                )
                continue
            captured = dt.datetime.fromisoformat(capture.captured_at)
            result = parse.parse_html(page.text, capture.original, today=captured.date())
            with store.transaction():
                page_id, _ = store.save_page(page, crawl_id=crawl_id)
                store.record_capture(
                    page_id, original=capture.original, captured_at=capture.captured_at
                )
                if not result.is_article:
                    not_articles += 1
                    continue
                store.save_article(
                    dataclasses.replace(result.article, url=urls.clean(capture.original)),
                    keys=(key,),
                    source=source.name,
                    page_id=page_id,
                    page_sha256=hashlib.sha256(page.body).hexdigest(),
                    parser_version=parse.PARSER_VERSION,
                    seen_at=captured,
                )
            new += 1
        status = "ok" if failures == 0 else "partial"
    finally:
        store.finish_crawl(crawl_id, status=status, report={"backfill": source.name})
    report = BackfillReport(
        source=source.name,
        captures=len(captures),
        new_articles=new,
        already_archived=known,
        not_articles=not_articles,
        failures=failures,
    )
    log(
        f"{source.name}: backfill of {report.captures} captures: {new} articles brought back,"
        f" {known} already archived, {not_articles} not articles, {failures} failed"
    )
    return report


def backfill_ids(
    source: Source,
    *,
    store: Store,
    fetcher: Fetcher,
    misses: int = 20,
    limit: int = 1000,
    log: Log = quiet,
) -> BackfillReport:
    """Step down through a numbered CMS's ids below the oldest archived one.

    Stops after `misses` ids in a row that are not articles (404, or the
    CMS's fallback page) or after `limit` ids. Ids already archived (under
    any host variant) count as found and are not fetched.
    """
    if not source.id_url:
        raise ConfigError(f"source {source.name} has no id_url to step through")
    marker = 987654321  # stands for the id while finding where ids sit in canonical URLs
    template = re.escape(discover.canonical_key(source.id_url.format(id=marker), source))
    pattern = re.compile("^" + template.replace(str(marker), r"(\d+)") + "$")
    known_ids = [
        int(match.group(1))
        for (url,) in store.db.execute("SELECT url FROM article_urls")
        if (match := pattern.match(url))
    ]
    if not known_ids:
        raise ConfigError(f"source {source.name}: no archived article ids to start below")
    crawl_id = store.begin_crawl()
    walker = SourceCrawl(source, store, fetcher, crawl_id, CrawlPolicy(revisit=0))
    number, tried, missed, found = min(known_ids) - 1, 0, 0, 0
    while number > 0 and tried < limit and missed < misses:
        url = source.id_url.format(id=number)
        before = walker.counts.new_articles + walker.counts.duplicates
        if walker.known(url):
            missed = 0
        else:
            try:
                page = walker.fetch(url)
            except FetchError as exc:
                if exc.status not in GONE_STATUSES:
                    walker.fail(url, "article", exc)  # worth another try; 404s are just gaps
                page = None
            if page is not None and not page.not_modified:
                walker.store_parsed(page, parse.parse_page(page))
            gained = walker.counts.new_articles + walker.counts.duplicates - before
            found += gained
            missed = 0 if gained else missed + 1
        number -= 1
        tried += 1
    store.finish_crawl(crawl_id, status="ok", report={"backfill_ids": source.name})
    report = BackfillReport(
        source=source.name,
        captures=tried,
        new_articles=found,
        already_archived=0,
        not_articles=walker.counts.not_articles,
        failures=len(walker.failed),
    )
    why = f"after {misses} misses in a row" if missed >= misses else "at the limit"
    log(f"{source.name}: tried {tried} ids below {min(known_ids)}: {found} found, stopped {why}")
    return report
