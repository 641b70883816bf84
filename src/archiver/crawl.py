"""The one orchestrator: discover → fetch → parse → store, source by source.

A crawl walks each source's listing newest first and stops after the first
listing page whose articles were all archived before this run. Articles on
the pages it walks are fetched with conditional GET, so an unchanged known
article costs one 304 and an edited one becomes a new version. Each article
is committed in its own transaction; a URL that fails is recorded in
`warnings` and the crawl goes on. `reparse` rebuilds articles from the stored
raw pages without any network.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

from archiver import discover, parse, urls
from archiver.errors import FetchError, RobotsDisallowed
from archiver.fetch import Fetcher
from archiver.models import CrawlReport, Listing, Page, Source, SourceReport
from archiver.store import Store

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    """The default log: say nothing."""


@dataclass(slots=True)
class _Counts:
    listing_pages: int = 0
    not_modified: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    unchanged_articles: int = 0
    duplicates: int = 0
    not_articles: int = 0
    failures: int = 0
    warnings: int = 0


def crawl(
    sources: tuple[Source, ...],
    *,
    store: Store,
    fetcher: Fetcher,
    log: Log = _quiet,
    clock: Callable[[], float] = time.monotonic,
) -> CrawlReport:
    """Crawl each source into the store and report what happened per source."""
    started = clock()
    crawl_id = store.begin_crawl()
    reports: list[SourceReport] = []
    status = "failed"
    try:
        for source in sources:
            reports.append(_crawl_source(source, store=store, fetcher=fetcher, crawl_id=crawl_id))
            log(summary_line(reports[-1]))
        status = "ok" if all(r.failures == 0 for r in reports) else "partial"
    finally:
        store.finish_crawl(
            crawl_id,
            status=status,
            report={"sources": [dataclasses.asdict(r) for r in reports]},
        )
    return CrawlReport(crawl_id=crawl_id, sources=tuple(reports), seconds=clock() - started)


def summary_line(report: SourceReport) -> str:
    """One line per source, as cron mails it."""
    return (
        f"{report.source}: {report.new_articles} new, {report.updated_articles} updated,"
        f" {report.unchanged_articles} unchanged, {report.duplicates} duplicate URLs,"
        f" {report.failures} failed ({report.requests} requests,"
        f" {report.not_modified} not modified)"
    )


def _crawl_source(source: Source, *, store: Store, fetcher: Fetcher, crawl_id: int) -> SourceReport:
    counts = _Counts()
    requests_before = fetcher.requests
    for start_url in source.start_urls:
        url: str | None = start_url
        while url is not None and counts.listing_pages < source.max_listing_pages:
            listing = _fetch_listing(url, source, store, fetcher, crawl_id, counts)
            if listing is None:
                break
            known_before = [_known(u, source, store) for u in listing.article_urls]
            for article_url in listing.article_urls:
                # Fetch without tracking parameters and repeated keys: same page, and
                # the conditional-GET cache is not split across noise variants.
                _archive_article(urls.clean(article_url), source, store, fetcher, crawl_id, counts)
            if all(known_before):
                break  # everything on this page was archived before: older pages are too
            url = listing.next_url
    return SourceReport(
        source=source.name,
        requests=fetcher.requests - requests_before,
        **dataclasses.asdict(counts),
    )


def _known(url: str, source: Source, store: Store) -> bool:
    """Archived before (under any URL variant), or fetched before and found not to be an article."""
    if store.cached_page_id(url) is not None:
        return True
    return store.find_article_id((discover.canonical_key(url, source),)) is not None


def _fetch_listing(
    url: str, source: Source, store: Store, fetcher: Fetcher, crawl_id: int, counts: _Counts
) -> Listing | None:
    try:
        page = fetcher.fetch(url, store.validators(url))
    except FetchError as exc:
        counts.failures += 1
        store.warn(crawl_id=crawl_id, source=source.name, url=url, kind="listing", message=str(exc))
        return None
    counts.listing_pages += 1
    if page.not_modified:
        counts.not_modified += 1
        cached = store.cached_page_id(url)
        if cached is None:
            return None
        page = dataclasses.replace(store.load_page(cached), url=url)
    else:
        with store.db.conn:
            store.save_page(page, crawl_id=crawl_id)
    return discover.listing_links(page, source)


def _archive_article(
    url: str, source: Source, store: Store, fetcher: Fetcher, crawl_id: int, counts: _Counts
) -> None:
    try:
        page = fetcher.fetch(url, store.validators(url))
    except RobotsDisallowed as exc:
        counts.warnings += 1
        store.warn(crawl_id=crawl_id, source=source.name, url=url, kind="robots", message=str(exc))
        return
    except FetchError as exc:
        counts.failures += 1
        store.warn(crawl_id=crawl_id, source=source.name, url=url, kind="fetch", message=str(exc))
        return
    if page.not_modified:
        counts.not_modified += 1
        counts.unchanged_articles += 1
        return
    _store_parsed(page, source, store, crawl_id, counts)


def _store_parsed(page: Page, source: Source, store: Store, crawl_id: int, counts: _Counts) -> None:
    result = parse.parse_page(page)
    with store.db.conn:  # the raw page and its article land together or not at all
        page_id, _ = store.save_page(page, crawl_id=crawl_id)
        for warning in result.warnings:
            counts.warnings += 1
            store.db.execute(
                "INSERT INTO warnings (crawl_id, source, url, kind, message, at)"
                " VALUES (?, ?, ?, 'parse', ?, datetime('now'))",
                [crawl_id, source.name, page.final_url, warning],
            )
        if not result.is_article:
            counts.not_articles += 1
            return
        article = dataclasses.replace(result.article, url=urls.clean(page.final_url))
        outcome = store.save_article(
            article,
            keys=article_keys(page, result.article.canonical_url, source),
            source=source.name,
            page_id=page_id,
            page_sha256=_sha256(page.body),
            parser_version=parse.PARSER_VERSION,
            seen_at=page.fetched_at,
        )
    if outcome.status == "new":
        counts.new_articles += 1
    elif outcome.status == "updated":
        counts.updated_articles += 1
    elif outcome.status == "duplicate":
        counts.duplicates += 1
    else:
        counts.unchanged_articles += 1


def article_keys(page: Page, declared_canonical: str | None, source: Source) -> tuple[str, ...]:
    """The canonical URLs an article is known by, the preferred one first.

    The page's own `<link rel=canonical>` wins when it stays on the site (it
    ties a WordPress `?p=N` to its slug URL); then the URL the page was
    served from, then the URL that was asked for.
    """
    hosts = [urls.host_of(u) for u in source.start_urls]
    hosts += [alias for pair in source.host_aliases for alias in pair]
    candidates = []
    if declared_canonical and urls.same_site(declared_canonical, hosts):
        candidates.append(declared_canonical)
    candidates += [page.final_url, page.url]
    keys: list[str] = []
    for candidate in candidates:
        try:
            key = discover.canonical_key(candidate, source)
        except ValueError:
            continue
        if key not in keys:
            keys.append(key)
    return tuple(keys)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReparseReport:
    """What `reparse` did: articles looked at and articles whose fields changed."""

    articles: int
    changed: int
    failed: int


def reparse(store: Store, *, log: Log = _quiet) -> ReparseReport:
    """Re-run the parser over each article's stored raw page; no network involved."""
    seen = changed = failed = 0
    for stored in list(store.iter_articles()):
        seen += 1
        if stored.page_id is None:
            failed += 1
            continue
        page = store.load_page(stored.page_id)
        result = parse.parse_page(page)
        if not result.is_article:
            failed += 1
            log(f"page {stored.page_id} ({page.final_url}) no longer parses as an article")
            continue
        article = dataclasses.replace(result.article, url=stored.url)
        if store.replace_parsed_fields(stored.id, article, parse.PARSER_VERSION):
            changed += 1
    return ReparseReport(articles=seen, changed=changed, failed=failed)


def _sha256(body: bytes) -> str:
    import hashlib

    return hashlib.sha256(body).hexdigest()
