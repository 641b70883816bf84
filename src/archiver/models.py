"""Plain frozen values that cross stage boundaries.

Every stage of the pipeline (discover, fetch, parse, store, crawl) takes and
returns these, and nothing else, so each stage can be tested on its own with
values built by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

LinkKind = Literal["page", "attachment"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A link found in an article body, made absolute.

    `kind` tells attachments (PDF, DOCX, XLSX, ODT, ZIP, ...) apart from pages.
    """

    url: str
    text: str
    kind: LinkKind = "page"


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """The fields parsed out of one article page.

    This is the return type of the public `archiver.extract`; keep field names
    stable. `body` holds the main text, one paragraph per line.
    """

    url: str | None = None
    title: str = ""
    body: str = ""
    published: dt.date | None = None
    department: str | None = None
    links: tuple[Link, ...] = ()
    canonical_url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseResult:
    """What the parser made of one page: an article or the reason it is not one."""

    article: Article
    is_article: bool
    profile: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentText:
    """The text read from an attached document.

    `kind` is "pdf", "docx" or "odt" (None when no reader knows the file);
    `pages` counts a PDF's pages; `error` says why `text` is empty when it is.
    """

    kind: str | None
    text: str
    pages: int | None
    error: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One HTTP response as fetched: the raw material everything is parsed from.

    `body` is the raw bytes as received; `text` is the body decoded with the
    declared charset (or the fallback), and `encoding` names the codec used.
    `redirects` lists the URLs passed through before `final_url`.
    """

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    text: str
    encoding: str
    fetched_at: dt.datetime
    redirects: tuple[str, ...] = ()
    not_modified: bool = False

    def header(self, name: str) -> str | None:
        """Return the first header called `name` (case-insensitive), if any."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Validators:
    """Cache validators remembered from the last fetch of a URL (conditional GET)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """Article URLs found on one listing page, feed or sitemap, newest first.

    `next_url` is a listing's next page; `sitemaps` the children of a
    sitemap index; `skipped` says which links were unusable and why.
    """

    article_urls: tuple[str, ...]
    next_url: str | None = None
    skipped: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """One web-archive capture of a page: the original URL and when it was captured."""

    original: str
    timestamp: str
    archive_url: str

    @property
    def captured_at(self) -> str:
        """The capture time as ISO 8601 (CDX timestamps are YYYYMMDDhhmmss, UTC)."""
        t = self.timestamp.ljust(14, "0")
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}+00:00"


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One configured site to crawl (a section of `archiver.toml`)."""

    name: str
    start_urls: tuple[str, ...]
    article_links: str = "a[href]"
    article_pattern: str = ""
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    id_url: str = ""
    profile: str | None = None
    host_aliases: tuple[tuple[str, str], ...] = ()
    drop_params: tuple[str, ...] = ()
    max_listing_pages: int = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceReport:
    """What one crawl did for one source; printed as one line under cron."""

    source: str
    listing_pages: int = 0
    requests: int = 0
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
    health: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlReport:
    """The outcome of one `archiver crawl`: one report per source."""

    crawl_id: int
    sources: tuple[SourceReport, ...] = field(default_factory=tuple)
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        """Total URLs that failed across all sources."""
        return sum(s.failures for s in self.sources)

    @property
    def health(self) -> tuple[str, ...]:
        """Extraction-health problems across all sources."""
        return tuple(p for s in self.sources for p in s.health)
