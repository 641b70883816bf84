"""What crawls leave behind for the next run: crawls, warnings, failures, frontier, revisits,
removals and web-archive captures."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from archiver.store.base import StoreBase
from archiver.store.records import now as _now


class CrawlState(StoreBase):
    """Crawl bookkeeping: what ran, what failed, where walks stopped, what has gone."""

    # --- crawls and warnings -------------------------------------------------

    def begin_crawl(self) -> int:
        """Record the start of a crawl and return its id."""
        with self.transaction():
            cursor = self.db.execute("INSERT INTO crawls (started_at) VALUES (?)", [_now()])
        return int(cursor.lastrowid or 0)

    def finish_crawl(self, crawl_id: int, *, status: str, report: dict[str, Any]) -> None:
        """Record how a crawl ended, with its report as JSON."""
        with self.transaction():
            self.db.execute(
                "UPDATE crawls SET finished_at = ?, status = ?, report = ? WHERE id = ?",
                [_now(), status, json.dumps(report, ensure_ascii=False), crawl_id],
            )

    def warn(
        self, *, crawl_id: int | None, source: str | None, url: str | None, kind: str, message: str
    ) -> None:
        """Record a warning (a failed URL, a page that did not parse well, ...)."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO warnings (crawl_id, source, url, kind, message, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [crawl_id, source, url, kind, message, _now()],
            )

    # --- failures and resumable listings ------------------------------------------

    def record_failure(
        self, *, url: str, source: str, kind: str, status: int | None, message: str
    ) -> None:
        """Remember a URL that failed, so the next run tries it again."""
        now = _now()
        with self.transaction():
            self.db.execute(
                "INSERT INTO failures (url, source, kind, status, message, first_failed,"
                " last_failed) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
                " status = excluded.status, message = excluded.message,"
                " attempts = attempts + 1, last_failed = excluded.last_failed",
                [url, source, kind, status, message, now, now],
            )

    def clear_failure(self, url: str) -> bool:
        """Forget a failure once its URL has been fetched; True if there was one."""
        with self.transaction():
            cursor = self.db.execute("DELETE FROM failures WHERE url = ?", [url])
        return cursor.rowcount > 0

    def pending_failures(self, source: str, *, max_attempts: int) -> list[tuple[str, str]]:
        """(url, kind) of this source's failed URLs worth another try, oldest first."""
        cursor = self.db.execute(
            "SELECT url, kind FROM failures WHERE source = ? AND attempts < ?"
            " ORDER BY first_failed, url",
            [source, max_attempts],
        )
        return [(str(url), str(kind)) for url, kind in cursor]

    def record_capture(self, page_id: int, *, original: str, captured_at: str) -> None:
        """Note that a stored page is a web-archive capture of `original` taken at `captured_at`."""
        self.db.execute(
            "INSERT OR REPLACE INTO captures (page_id, original_url, captured_at) VALUES (?, ?, ?)",
            [page_id, original, captured_at],
        )

    def mark_removed(
        self, article_id: int, *, url: str, status: int | None, reason: str | None = None
    ) -> None:
        """Note that the site no longer has an article; the article stays archived.

        `status` is the 404/410 that said so, or None with a `reason` when the
        article vanished from a listing that should show it.
        """
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO removals (article_id, url, status, removed_at, reason)"
                " VALUES (?, ?, ?, ?, ?)",
                [article_id, url, status, _now(), reason or f"HTTP {status}"],
            )

    def mark_listed(self, listing: str, article_ids: set[int], at: dt.datetime) -> None:
        """Note that a listing showed these articles; a removal for being unlisted is undone.

        Only what is new is written, so a night with nothing new writes nothing.
        """
        seen = at.isoformat(timespec="seconds")
        with self.transaction():
            for article_id in article_ids:
                self.db.execute(
                    "INSERT OR IGNORE INTO listing_sightings (article_id, listing, first_listed)"
                    " VALUES (?, ?, ?)",
                    [article_id, listing, seen],
                )
                self.db.execute(
                    "DELETE FROM removals WHERE article_id = ? AND status IS NULL", [article_id]
                )

    def published_of(self, article_id: int) -> dt.date | None:
        """An article's publication date, if it has one."""
        row = self.db.execute(
            "SELECT published FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None

    def unlisted(
        self, listing: str, *, newer_than: dt.date, shown: set[int]
    ) -> list[tuple[int, str]]:
        """(id, url) of articles this listing used to show, published after `newer_than`,
        that are not among `shown` and not already marked removed."""
        cursor = self.db.execute(
            "SELECT a.id, a.url FROM listing_sightings s JOIN articles a ON a.id = s.article_id"
            " WHERE s.listing = ? AND a.published > ?"
            " AND NOT EXISTS (SELECT 1 FROM removals r WHERE r.article_id = a.id)"
            " ORDER BY a.id",
            [listing, newer_than.isoformat()],
        )
        return [(int(i), str(u)) for i, u in cursor if int(i) not in shown]

    def removed_at(self, article_id: int) -> str | None:
        """When the site was first seen without this article, if it has gone."""
        removal = self.removal(article_id)
        return removal[0] if removal else None

    def removal(self, article_id: int) -> tuple[str, str] | None:
        """(when, why) the site was first seen without this article, if it has gone."""
        row = self.db.execute(
            "SELECT removed_at, coalesce(reason, 'HTTP ' || status) FROM removals"
            " WHERE article_id = ?",
            [article_id],
        ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def mark_checked(self, url: str, at: dt.datetime) -> None:
        """Note that an article URL was fetched (200 or 304) at `at`; a removal is undone."""
        with self.transaction():
            # Only a removal an HTTP status declared: an article taken off its
            # listing can still answer 200 and stays removed until listed again.
            self.db.execute(
                "DELETE FROM removals WHERE status IS NOT NULL AND (article_id ="
                " (SELECT article_id FROM article_urls WHERE url = ?) OR url = ?)",
                [url, url],
            )
            self.db.execute(
                "INSERT INTO revisits (url, checked_at) VALUES (?, ?) ON CONFLICT(url)"
                " DO UPDATE SET checked_at = excluded.checked_at",
                [url, at.isoformat(timespec="seconds")],
            )

    def revisit_candidates(
        self, source: str, *, limit: int, checked_before: dt.datetime
    ) -> list[str]:
        """The newest articles of a source not checked since `checked_before`, to look for edits."""
        cursor = self.db.execute(
            "SELECT a.url FROM articles a LEFT JOIN revisits r ON r.url = a.url"
            " WHERE a.source = ? AND (r.checked_at IS NULL OR r.checked_at < ?)"
            " ORDER BY a.published DESC NULLS LAST, a.id DESC LIMIT ?",
            [source, checked_before.isoformat(timespec="seconds"), limit],
        )
        return [str(url) for (url,) in cursor]

    def frontier(self, source: str) -> list[str]:
        """Listing pages of this source whose walk was cut short (failure, budget, kill)."""
        cursor = self.db.execute(
            "SELECT url FROM listing_frontier WHERE source = ? ORDER BY added_at, url", [source]
        )
        return [str(url) for (url,) in cursor]

    def add_frontier(self, source: str, url: str) -> None:
        """Note that a walk is at this listing page until `advance_frontier` moves it on."""
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO listing_frontier (source, url, added_at) VALUES (?, ?, ?)",
                [source, url, _now()],
            )

    def advance_frontier(self, source: str, done: str, next_url: str | None) -> None:
        """Move a walk on: `next_url` (if any) enters the frontier as `done` leaves it."""
        now = _now()
        with self.transaction():
            if next_url is not None:
                self.db.execute(
                    "INSERT OR IGNORE INTO listing_frontier (source, url, added_at)"
                    " VALUES (?, ?, ?)",
                    [source, next_url, now],
                )
            self.db.execute(
                "DELETE FROM listing_frontier WHERE source = ? AND url = ?", [source, done]
            )

    def field_rates(
        self, source: str, *, crawl_id: int, in_crawl: bool
    ) -> tuple[int, dict[str, float]]:
        """How many of a source's articles were first archived in (or before) a crawl,
        and the share of them that have a date, a department and a body."""
        where = "EXISTS" if in_crawl else "NOT EXISTS"
        row = self.db.execute(
            "SELECT count(*), avg(published IS NOT NULL), avg(department IS NOT NULL),"
            " avg(body != '') FROM articles a WHERE source = ? AND"
            f" {where} (SELECT 1 FROM article_versions v JOIN pages p ON p.id = v.page_id"
            " WHERE v.article_id = a.id AND v.version = 1 AND p.crawl_id = ?)",
            [source, crawl_id],
        ).fetchone()
        rates = {"published": row[1] or 0.0, "department": row[2] or 0.0, "body": row[3] or 0.0}
        return int(row[0]), rates

    def removed_count(self) -> int:
        """How many archived articles the site no longer has (or no longer lists)."""
        return int(self.db.execute("SELECT count(*) FROM removals").fetchone()[0])
