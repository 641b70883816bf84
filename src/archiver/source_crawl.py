"""One source's part of a crawl: listing walks, feeds, sitemaps, articles, attachments, removals.

`SourceCrawl.run` does, for one configured source: walk each start listing
newest first and stop after a page of known articles; read its feeds and
sitemaps; retry what failed before; resume walks cut short; re-check the
newest known articles for edits; fetch the attached documents not stored
yet; mark removed what a start listing no longer shows; and report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from archiver import attachments, discover, parse, urls
from archiver.errors import (
    FetchError,
    OffSiteRedirect,
    RobotsDisallowed,
    TransientFetchError,
)
from archiver.fetch import Fetcher
from archiver.models import (
    Listing,
    Page,
    ParseResult,
    Source,
    SourceReport,
)
from archiver.store import Store

Log = Callable[[str], None]


def quiet(message: str) -> None:
    """The default log: say nothing."""


# Statuses meaning "this page is gone" (rather than "try later").
GONE_STATUSES = frozenset({404, 410})

# A sitemap index is followed to at most this many child sitemaps per run.
MAX_CHILD_SITEMAPS = 50

# A failed URL is tried again on each later run, up to this many runs in all.
MAX_FAILURE_ATTEMPTS = 5
# More articles than this (or than half of what a listing shows) missing from
# one listing at once reads as a changed listing, not as deletions.
MAX_UNLISTED = 3

# Extraction health: a source whose earlier articles had a field this often...
HEALTHY_RATE = 0.8
# ...but whose new articles tonight have it less often than this, has probably
# been redesigned; only judged with enough articles on both sides.
DEGRADED_RATE = 0.5
MIN_ARTICLES_FOR_HEALTH = 5


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
    retried: int = 0
    recovered: int = 0
    removed: int = 0
    attachments: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlPolicy:
    """How much one run does beyond finding new articles.

    `max_pages` caps the requests for one source in a run (a walk cut short
    resumes next run). Each run also re-checks, with conditional GET, up to
    `revisit` of the newest known articles not checked in `revisit_hours`, so
    edits become new versions without re-fetching the whole site.
    Attached documents on the source's own hosts are fetched up to
    `attachment_max_bytes` each (0: attachments are linked, not fetched).
    """

    max_pages: int | None = None
    revisit: int = 10
    revisit_hours: float = 20.0
    attachment_max_bytes: int = 25_000_000


class _BudgetSpent(Exception):
    """The per-run page budget of a source is used up."""


class SourceCrawl:
    """One source's part of a crawl: listing walks, article fetches, retries of failures."""

    def __init__(
        self,
        source: Source,
        store: Store,
        fetcher: Fetcher,
        crawl_id: int,
        policy: CrawlPolicy,
    ) -> None:
        self.source = source
        self.store = store
        self.fetcher = fetcher
        self.crawl_id = crawl_id
        self.counts = _Counts()
        self.hosts = frozenset(discover.source_hosts(source))
        self.policy = policy
        self.budget_end = (
            fetcher.thread_requests + policy.max_pages if policy.max_pages is not None else None
        )
        self.done: set[str] = set()
        # URLs failed in this run and not recovered: url → (kind, transient?).
        self.failed: dict[str, tuple[str, bool]] = {}

    def run(self) -> SourceReport:
        requests_before = self.fetcher.thread_requests
        name = self.source.name
        pending = self.store.pending_failures(name, max_attempts=MAX_FAILURE_ATTEMPTS)
        self.counts.retried = len(pending)
        unfinished = self.store.frontier(name)
        try:
            for start_url in self.source.start_urls:
                self._walk(start_url, start=True)
            for url in unfinished:  # finish walks an earlier run could not
                if url in self.store.frontier(name):  # (not finished by the walks above)
                    self._walk(url, resumed=True)
            for feed_url in self.source.feeds:
                self._read_feed(feed_url)
            for sitemap_url in self.source.sitemaps:
                self._read_sitemap(sitemap_url, depth=0)
            for url, kind in pending:
                if url not in self.done and kind == "article":
                    self._archive_article(url)
            self._retry_transient()
            self._revisit()
            # Last, so the files of articles archived anywhere in this run come too.
            self._archive_attachments()
        except _BudgetSpent:
            self._warn(None, "budget", "page budget for this run used up; continuing next run")
        self.counts.failures = len(self.failed)
        return SourceReport(
            source=name,
            requests=self.fetcher.thread_requests - requests_before,
            health=self._health(),
            **dataclasses.asdict(self.counts),
        )

    def _walk(self, url: str | None, *, start: bool = False, resumed: bool = False) -> None:
        """Walk listing pages newest first, stopping after a page of known articles.

        The page being worked on stays in the store's listing frontier until
        all its articles are handled, so a walk cut short by a failing page,
        the page budget or a killed process resumes there on the next run.
        A `resumed` walk goes past its first page even when all of that page
        is known: the walk may have been cut after the page's last article
        and before the move to the next page. A walk from a `start` URL also
        looks for articles gone from it.
        """
        shown = self._walk_pages(url, resumed=resumed)
        if start and url is not None and shown:
            self._note_listed(url, shown)

    def _walk_pages(self, url: str | None, *, resumed: bool = False) -> list[int]:
        """The walk itself; returns the archived articles the pages showed, in listing order."""
        pages = 0
        shown: list[int] = []
        while url is not None:
            self.store.add_frontier(self.source.name, url)
            if pages >= self.source.max_listing_pages:
                return shown
            listing = self._fetch_listing(url)
            if listing is None:
                return shown
            pages += 1
            keys = [discover.canonical_key(u, self.source) for u in listing.article_urls]
            known_before = [
                self.known(u, key) for u, key in zip(listing.article_urls, keys, strict=True)
            ]
            for article_url, key, known in zip(
                listing.article_urls, keys, known_before, strict=True
            ):
                if not known:
                    # Fetch without tracking parameters and repeated keys: same page, and
                    # the conditional-GET cache is not split across noise variants.
                    self._archive_article(urls.clean(article_url))
                article_id = self.store.find_article_id((key,))
                if article_id is not None and article_id not in shown:
                    shown.append(article_id)
            # Everything on this page archived before: older pages are too.
            stop = all(known_before) and not (resumed and pages == 1)
            next_url = None if stop else listing.next_url
            # The next page enters the frontier in the same transaction that the
            # current one leaves it: a kill in between cannot lose the rest.
            self.store.advance_frontier(self.source.name, url, next_url)
            url = next_url
        return shown

    def _note_listed(self, listing: str, shown: list[int]) -> None:
        """Record what a listing showed, and mark removed what it should show but no longer does.

        Listings run newest first, so every article it showed before that is
        newer than the last dated one the walk reached should be on the walked
        pages. (The last one, not the oldest: a pinned old article tops a
        listing.) When many are missing at once the site more likely changed
        its listing than deleted them: that is a warning, not removals.
        """
        self.store.mark_listed(listing, set(shown), self.fetcher.now())
        dates = (self.store.published_of(article_id) for article_id in reversed(shown))
        last_date = next((d for d in dates if d is not None), None)
        if last_date is None:
            return
        missing = self.store.unlisted(listing, newer_than=last_date, shown=set(shown))
        if len(missing) > max(MAX_UNLISTED, len(shown) // 2):
            self._warn(
                listing,
                "listing",
                f"{listing} no longer shows {len(missing)} articles it showed before;"
                " not marked removed (has the site changed its listing?)",
            )
            return
        for article_id, url in missing:
            self.store.mark_removed(
                article_id, url=url, status=None, reason=f"gone from listing {listing}"
            )
            self.counts.removed += 1
            self._warn(
                url, "removed", f"article {article_id} gone from {listing}; kept, marked removed"
            )

    def _read_feed(self, url: str) -> None:
        """Archive the unknown articles a feed lists; an unchanged feed (304) costs nothing."""
        page = self._fetch_discovery(url, "feed")
        if page is not None:
            self._archive_unknown(discover.feed_links(page.body, page.final_url, self.source))

    def _read_sitemap(self, url: str, *, depth: int) -> None:
        """Archive the unknown articles of a sitemap, following an index one level down."""
        page = self._fetch_discovery(url, "sitemap")
        if page is None:
            return
        found = discover.sitemap_links(page.body, page.final_url, self.source)
        self._archive_unknown(found)
        if depth == 0:
            for child in found.sitemaps[:MAX_CHILD_SITEMAPS]:
                self._read_sitemap(child, depth=1)

    def _fetch_discovery(self, url: str, kind: str) -> Page | None:
        try:
            page = self.fetch(url)
        except FetchError as exc:
            self.fail(url, kind, exc)
            return None
        self.failed.pop(url, None)
        self.store.clear_failure(url)
        if page.not_modified:
            # Unchanged, but read the stored copy: a sitemap index stays the same
            # while its children grow, and URLs that failed before are still unknown.
            self.counts.not_modified += 1
            cached = self.store.cached_page_id(url)
            return self.store.load_page(cached) if cached is not None else None
        with self.store.transaction():
            self.store.save_page(page, crawl_id=self.crawl_id)
        return page

    def _archive_unknown(self, found: Listing) -> None:
        for message in found.skipped:
            self._warn(None, "link", message)
        for article_url in found.article_urls:
            if not self.known(article_url):
                self._archive_article(urls.clean(article_url))

    def _retry_transient(self) -> None:
        """One more try, at the end of the run, of what failed transiently in it."""
        for url, (kind, transient) in list(self.failed.items()):
            if not transient:
                continue  # 404, 410, loops: recorded, tried again next run only
            if kind == "listing":
                self._walk(url)
            elif kind == "feed":
                self._read_feed(url)
            elif kind == "sitemap":
                self._read_sitemap(url, depth=1)
            else:
                self.done.discard(url)
                self._archive_article(url)

    def _revisit(self) -> None:
        """Re-check the newest known articles for edits (cheap 304s when unchanged)."""
        if self.policy.revisit <= 0:
            return
        cutoff = self.fetcher.now() - dt.timedelta(hours=self.policy.revisit_hours)
        for url in self.store.revisit_candidates(
            self.source.name, limit=self.policy.revisit, checked_before=cutoff
        ):
            self._archive_article(url)

    def known(self, url: str, key: str | None = None) -> bool:
        """Archived before (under any URL variant), or fetched before and not an article.

        `key` is the URL's canonical key when the caller has it already.
        """
        if self.store.cached_page_id(urls.clean(url)) is not None:
            return True
        if key is None:
            key = discover.canonical_key(url, self.source)
        return self.store.find_article_id((key,)) is not None

    def fetch(self, url: str) -> Page:
        """GET `url` (conditional when validators are stored) within the source's budget."""
        if not self._within_budget():
            raise _BudgetSpent
        return self.fetcher.fetch(url, self.store.validators(url), allowed_hosts=self.hosts)

    def fail(self, url: str, kind: str, error: FetchError) -> None:
        """Record a failed URL (a warning, and a failure the next run tries again)."""
        self.failed[url] = (kind, isinstance(error, TransientFetchError))
        self._warn(url, kind, str(error))
        self.store.record_failure(
            url=url, source=self.source.name, kind=kind, status=error.status, message=str(error)
        )

    def _warn(self, url: str | None, kind: str, message: str) -> None:
        self.counts.warnings += 1
        self.store.warn(
            crawl_id=self.crawl_id, source=self.source.name, url=url, kind=kind, message=message
        )

    def _fetch_listing(self, url: str) -> Listing | None:
        try:
            page = self.fetch(url)
        except FetchError as exc:
            self.fail(url, "listing", exc)
            return None
        self.failed.pop(url, None)
        self.store.clear_failure(url)
        self.counts.listing_pages += 1
        if page.not_modified:
            self.counts.not_modified += 1
            cached = self.store.cached_page_id(url)
            if cached is None:
                return None
            page = dataclasses.replace(self.store.load_page(cached), url=url)
        else:
            with self.store.transaction():
                self.store.save_page(page, crawl_id=self.crawl_id)
        listing = discover.listing_links(page, self.source)
        for message in listing.skipped:
            self._warn(url, "link", message)
        return listing

    def _archive_article(self, url: str) -> None:
        if url in self.done:
            return
        self.done.add(url)
        try:
            page = self.fetch(url)
        except RobotsDisallowed as exc:
            self._warn(url, "robots", str(exc))
            return
        except OffSiteRedirect as exc:
            self._warn(url, "offsite", str(exc))
            return
        except FetchError as exc:
            known = self.store.find_article_id((discover.canonical_key(url, self.source),))
            if known is not None and exc.status in GONE_STATUSES:
                # An archived article the site no longer has: keep it, note when it went.
                self.store.mark_removed(known, url=url, status=exc.status)
                self.counts.removed += 1
                self._warn(url, "removed", f"{exc}; article {known} kept, marked removed")
                return
            self.fail(url, "article", exc)
            return
        self.failed.pop(url, None)
        result = None if page.not_modified else parse.parse_page(page)
        # One unit of work per article: the fetch's bookkeeping (failure cleared,
        # check noted) lands with the page and article it brought, or none of it does.
        with self.store.transaction():
            if self.store.clear_failure(url):
                self.counts.recovered += 1
            self.store.mark_checked(url, page.fetched_at)
            if result is None:
                self.counts.not_modified += 1
                self.counts.unchanged_articles += 1
                return
            self.store_parsed(page, result)

    def store_parsed(self, page: Page, result: ParseResult) -> None:
        """Save a fetched page and, if it is one, its article, in one transaction."""
        counts = self.counts
        with self.store.transaction():  # the raw page and its article land together or not at all
            page_id, _ = self.store.save_page(page, crawl_id=self.crawl_id)
            if not result.is_article:
                counts.not_articles += 1
                return
            article = dataclasses.replace(result.article, url=urls.clean(page.final_url))
            outcome = self.store.save_article(
                article,
                keys=discover.article_keys(page, result.article.canonical_url, self.source),
                source=self.source.name,
                page_id=page_id,
                page_sha256=hashlib.sha256(page.body).hexdigest(),
                parser_version=parse.PARSER_VERSION,
                seen_at=page.fetched_at,
            )
            self.store.link_attachments(outcome.article_id, article.links)
        for warning in result.warnings:
            self._warn(page.final_url, "parse", warning)
        if outcome.status == "new":
            counts.new_articles += 1
        elif outcome.status == "updated":
            counts.updated_articles += 1
        elif outcome.status == "duplicate":
            counts.duplicates += 1
        else:
            counts.unchanged_articles += 1

    def _archive_attachments(self) -> None:
        """Fetch the attached documents of this source's articles that are not stored yet.

        Files on other hosts stay links only: their servers were never
        configured as sources, so robots.txt and the delay were not agreed.
        """
        if self.policy.attachment_max_bytes <= 0:
            return
        wanted = [
            url
            for url in self.store.unfetched_attachments(
                self.source.name, skip_failed_after=MAX_FAILURE_ATTEMPTS
            )
            if urls.host_of(url) in self.hosts
        ]
        for url in wanted:
            self._archive_attachment(url)
        for url in wanted:  # one more try of what failed transiently, as for pages
            if self.failed.get(url, ("", False))[1]:
                self.done.discard(url)
                self._archive_attachment(url)

    def _archive_attachment(self, url: str) -> None:
        if url in self.done:
            return
        self.done.add(url)
        if not self._within_budget():
            raise _BudgetSpent
        try:
            page = self.fetcher.fetch(
                url, allowed_hosts=self.hosts, max_bytes=self.policy.attachment_max_bytes
            )
        except FetchError as exc:
            self.fail(url, "attachment", exc)
            return
        self.failed.pop(url, None)
        document = attachments.read_document(page.body)
        with self.store.transaction():  # the file, its links and its recovery: one commit
            recovered = self.store.clear_failure(url)
            _, created = self.store.save_attachment(
                url,
                page.body,
                document,
                content_type=page.header("Content-Type"),
                etag=page.header("ETag"),
                last_modified=page.header("Last-Modified"),
                fetched_at=page.fetched_at,
                reader_version=attachments.READER_VERSION,
            )
        self.counts.recovered += int(recovered)
        self.counts.attachments += int(created)
        if document.error is not None and document.kind is not None:
            self._warn(url, "attachment", f"no text from {url}: {document.error}")

    def _within_budget(self) -> bool:
        return self.budget_end is None or self.fetcher.thread_requests < self.budget_end

    def _health(self) -> tuple[str, ...]:
        """Fields the source's articles used to have but tonight's new ones mostly lack."""
        name = self.source.name
        before_count, before = self.store.field_rates(name, crawl_id=self.crawl_id, in_crawl=False)
        new_count, now = self.store.field_rates(name, crawl_id=self.crawl_id, in_crawl=True)
        if min(before_count, new_count) < MIN_ARTICLES_FOR_HEALTH:
            return ()
        problems = tuple(
            f"extraction health: {field} found on {now[field]:.0%} of {new_count} new articles"
            f" (was {before[field]:.0%}); has the site changed?"
            for field in ("published", "department", "body")
            if before[field] >= HEALTHY_RATE and now[field] < DEGRADED_RATE
        )
        for problem in problems:
            self._warn(None, "health", problem)
        return problems
