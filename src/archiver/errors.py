"""The exceptions `archiver` raises, all under one root.

    ArchiverError
    ├── ConfigError            bad or missing archiver.toml, unknown source
    ├── FetchError             one URL could not be fetched (.url, .status)
    │   ├── TransientFetchError    worth retrying: timeouts, resets, 408/429/5xx
    │   ├── RobotsDisallowed       robots.txt forbids the URL
    │   └── OffSiteRedirect        the URL redirects to a host outside the source
    ├── StoreError             the database cannot be opened or written
    │   └── CrawlLocked            another crawl holds the archive's lock
    └── QueryError             a search query SQLite's FTS5 rejects

Only `ConfigError` and `StoreError` stop a crawl; a `FetchError` is recorded
against its URL and the crawl goes on. Messages are one line and name their
subject.
"""

from __future__ import annotations


class ArchiverError(Exception):
    """Root of every error `archiver` raises on purpose."""


class ConfigError(ArchiverError):
    """The configuration file or a command-line setting is not usable."""


class FetchError(ArchiverError):
    """A URL could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class TransientFetchError(FetchError):
    """A fetch failure that may succeed when retried (the only one retried)."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url, status=status)
        self.retry_after = retry_after


class RobotsDisallowed(FetchError):
    """robots.txt of the URL's host forbids fetching it."""


class OffSiteRedirect(FetchError):
    """The URL redirects to a host the source does not cover; recorded, not followed."""


class StoreError(ArchiverError):
    """The archive database cannot be opened, migrated or written."""


class CrawlLocked(StoreError):
    """Another `archiver crawl` is running on the same archive."""


class QueryError(ArchiverError):
    """A search query that SQLite's FTS5 syntax rejects."""
