"""The archive: one SQLite file holding raw pages, articles, their versions and crawls.

Tables, named for what they hold:

- `pages`: every distinct raw response (body bytes, headers), so `reparse`
  needs no network; `http_cache` keeps each URL's validators for conditional GET.
- `articles`: one row per article, keyed by canonical URL, with provenance
  (the page it came from, its content hash, the parser version).
- `article_urls`: every URL variant seen for an article (the dedup index).
- `article_versions`: every distinct text an article has had, oldest first.
- `crawls`, `warnings`: what each run did and what went wrong.
- `articles_fts`: FTS5 over title, body and department, diacritics folded,
  plus the same text as Latvian stems (`archiver.search`); kept in step by
  triggers. Schema v2 added it (and `articles.year`); v1 archives are
  migrated in place on open.

`Store.open` checks the schema version and creates what is missing on every
open; WAL is on so Datasette can read while a crawl writes.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from archiver.errors import CrawlLocked, QueryError, StoreError
from archiver.models import Article, Link, Page, Validators
from archiver.search import FTS_SCHEMA, ParsedQuery, Snippet, fold, keys, parse_query, snippet

SCHEMA_VERSION = 2

# What a v1 archive had instead: sqlite-utils' external-content FTS and its triggers.
_V1_FTS = ("articles_ai", "articles_ad", "articles_au")

# How many matches, newest archived first, `Store.search` ranks by default.
# Ranking every match of a word found in half of a million articles takes
# seconds; this many keep the default search of bench/archive.py near its
# 50 ms target even when a filter makes it walk 40x as many matches.
SEARCH_CANDIDATES = 300

SaveStatus = Literal["new", "updated", "unchanged", "duplicate"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    report TEXT
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    redirects TEXT NOT NULL,
    encoding TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    crawl_id INTEGER REFERENCES crawls(id),
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_url ON pages(url);
CREATE TABLE IF NOT EXISTS http_cache (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    page_id INTEGER REFERENCES pages(id)
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    canonical_url TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published TEXT,
    department TEXT,
    links TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    page_id INTEGER REFERENCES pages(id),
    page_sha256 TEXT,
    parser_version TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    versions INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_search_filters
    ON articles(id, source, published, department);
CREATE TABLE IF NOT EXISTS article_urls (
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id)
);
CREATE TABLE IF NOT EXISTS article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published TEXT,
    department TEXT,
    content_hash TEXT NOT NULL,
    page_id INTEGER REFERENCES pages(id),
    seen_at TEXT NOT NULL,
    UNIQUE (article_id, version)
);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    status INTEGER,
    message TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    first_failed TEXT NOT NULL,
    last_failed TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS captures (
    page_id INTEGER PRIMARY KEY REFERENCES pages(id),
    original_url TEXT NOT NULL,
    captured_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS removals (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    url TEXT NOT NULL,
    status INTEGER,
    removed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS revisits (
    url TEXT PRIMARY KEY,
    checked_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS listing_frontier (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (source, url)
);
CREATE TABLE IF NOT EXISTS warnings (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    source TEXT,
    url TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


def nfc(text: str) -> str:
    """Text as stored: NFC-normalised, so FTS folds every diacritic the same way."""
    return unicodedata.normalize("NFC", text)


def content_hash(article: Article) -> str:
    """The identity of an article's text: same title and body, same article."""
    return hashlib.sha256(nfc(article.title + "\n" + article.body).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class SaveOutcome:
    """What saving one parsed article did."""

    status: SaveStatus
    article_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredArticle:
    """An article as read back from the archive."""

    id: int
    canonical_url: str
    url: str
    source: str
    title: str
    body: str
    published: dt.date | None
    department: str | None
    links: tuple[Link, ...]
    versions: int
    page_id: int | None
    parser_version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """One search result with a snippet whose matches are marked by `[` and `]`.

    `marks` are the offsets of those `[match]`es in `snippet`; `rank` is
    FTS5's bm25 score (lower is better).
    """

    article: StoredArticle
    snippet: str
    marks: tuple[tuple[int, int], ...]
    rank: float


def _best_snippet(article: StoredArticle, parsed: ParsedQuery, seen: dict[str, bool]) -> Snippet:
    """The field with most matches; the body on a tie, for context."""
    candidates = [
        snippet(article.body, parsed, seen=seen),
        snippet(article.title, parsed, seen=seen),
    ]
    if article.department:
        candidates.append(snippet(article.department, parsed, seen=seen))
    return max(candidates, key=lambda c: len(c.marks))


# The parsed fields of an article as the `articles` table stores them.
PARSED_FIELDS = ("title", "body", "published", "department", "links")


def parsed_fields(article: Article) -> tuple[Any, ...]:
    """An article's `PARSED_FIELDS` in their stored form (NFC text, ISO date, links as JSON)."""
    return (
        nfc(article.title),
        nfc(article.body),
        article.published.isoformat() if article.published else None,
        nfc(article.department) if article.department else None,
        json.dumps(
            [{"url": ln.url, "text": nfc(ln.text), "kind": ln.kind} for ln in article.links],
            ensure_ascii=False,
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReparseInput:
    """An article as stored (`fields` in `PARSED_FIELDS` order) with its raw page, for `reparse`.

    The page stays an undecoded row until `page()`, so the work of decoding
    it falls to whichever process parses it.
    """

    article_id: int
    url: str
    fields: tuple[Any, ...]
    raw_page: tuple[Any, ...] | None

    def page(self) -> Page | None:
        """The raw page the article was parsed from, or None when none is stored."""
        return None if self.raw_page is None else _page_from_row(self.raw_page)


def _page_from_row(row: Sequence[Any]) -> Page:
    """A `Page` from (url, final_url, status, headers, redirects, encoding, fetched_at, body)."""
    # Decode with the codec chosen when the page was fetched, so a
    # reparse sees exactly the text the crawl saw.
    encoding = row[5]
    text = "" if encoding in ("", "binary") else row[7].decode(encoding, errors="replace")
    return Page(
        url=row[0],
        final_url=row[1],
        status=row[2],
        headers=tuple((k, v) for k, v in json.loads(row[3])),
        body=row[7],
        text=text,
        encoding=encoding,
        fetched_at=dt.datetime.fromisoformat(row[6]),
        redirects=tuple(json.loads(row[4])),
    )


def _fold_or_none(text: str | None) -> str | None:
    return fold(text) if text is not None else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """The archive database; all reads and writes of `archive.db` go through here."""

    def __init__(self, db: sqlite_utils.Database, path: Path | str = ":memory:") -> None:
        self.db = db
        self.path = str(path)
        self.readonly = False

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False) -> Store:
        """Open the archive at `path` and make sure its schema is current.

        A writable open creates the file and migrates older schemas; a
        `readonly` open (search, show, stats) never writes and needs an
        archive that exists and is current.
        """
        conn: sqlite3.Connection | None = None
        if readonly and not Path(path).is_file():
            raise StoreError(f"no archive at {path}; run `archiver crawl` or `archiver demo` first")
        try:
            if readonly:
                conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=30)
            else:
                conn = sqlite3.connect(str(path), timeout=30)
            store = cls(sqlite_utils.Database(conn), path)
            store.readonly = readonly
            store.ensure_schema()
        except (sqlite3.DatabaseError, StoreError) as exc:
            if conn is not None:
                conn.close()  # a failed migration must not leave the file open
            cause = exc.__cause__ if isinstance(exc.__cause__, sqlite3.Error) else exc
            if isinstance(cause, StoreError):
                raise  # already says what is wrong (e.g. a newer schema)
            raise StoreError(f"cannot open archive {path}: {cause}") from exc
        return store

    def close(self) -> None:
        """Close the database connection."""
        self.db.conn.close()

    def ensure_schema(self) -> None:
        """Create missing tables and indexes; refuse databases from a newer archiver."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"archive schema version {version} is newer than this archiver "
                f"supports ({SCHEMA_VERSION}); upgrade archiver"
            )
        # Search reads scattered pages of a file that can pass 10 GB: memory-
        # mapped reads and a 64 MB page cache halve its time (bench/archive.py).
        self.db.execute(f"PRAGMA mmap_size = {1 << 30}")
        self.db.execute("PRAGMA cache_size = -65536")
        self.db.conn.create_function("archiver_keys", 1, keys, deterministic=True)
        self.db.conn.create_function("archiver_fold", 1, _fold_or_none, deterministic=True)
        if self.readonly:
            if version < SCHEMA_VERSION:
                raise StoreError(
                    f"archive {self.path} has schema version {version}; run `archiver crawl`"
                    " once to upgrade it"
                )
            return
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        with self.transaction():
            self.db.conn.executescript(_SCHEMA)
            if version < 2:
                self.db.execute("BEGIN")
                self._build_search_index()
                self._add_year_column()
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _add_year_column(self) -> None:
        """v2: `articles.year`, generated from `published`, for Datasette's year facet."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_xinfo(articles)")}
        if "year" not in columns:
            self.db.execute(
                "ALTER TABLE articles ADD COLUMN year TEXT"
                " GENERATED ALWAYS AS (substr(published, 1, 4)) VIRTUAL"
            )

    def _build_search_index(self) -> None:
        """(Re)create `articles_fts` with stemmed keys, replacing a v1 index, and fill it."""
        for trigger in _V1_FTS:
            self.db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for trigger in ("insert", "delete", "update"):
            self.db.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
        self.db.execute("DROP TABLE IF EXISTS articles_fts")
        # executescript() would COMMIT first: run statement by statement instead,
        # inside the caller's transaction, so a failed migration leaves v1 intact.
        statement = ""
        for line in FTS_SCHEMA.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                self.db.execute(statement)
                statement = ""

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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work: all its writes land, or none do.

        Needed because sqlite-utils' `execute()` commits every write made
        outside an open transaction on its own (the SIGKILL test caught an
        article row without its URL row this way). Nested use joins the
        outer transaction.
        """
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        except sqlite3.Error as exc:
            # Full disk, read-only file, locked too long: one line naming the file;
            # the rollback above left the archive as it was before this unit.
            raise StoreError(f"cannot write to archive {self.path}: {exc}") from exc

    @contextmanager
    def crawl_lock(self) -> Iterator[None]:
        """Hold the archive's crawl lock; `CrawlLocked` at once if another crawl has it.

        An OS file lock (`<db>.lock`), so a crawl killed with SIGKILL releases
        it with its process and never blocks the next run.
        """
        lock_path = Path(f"{self.path}.lock")
        try:
            handle = lock_path.open("a+")
        except OSError as exc:
            raise StoreError(f"cannot create lock file {lock_path}: {exc}") from exc
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CrawlLocked(
                    f"another crawl is already running on {self.path} (lock {lock_path})"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

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

    def mark_removed(self, article_id: int, *, url: str, status: int | None) -> None:
        """Note that the site no longer has an article (404/410); the article stays archived."""
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO removals (article_id, url, status, removed_at)"
                " VALUES (?, ?, ?, ?)",
                [article_id, url, status, _now()],
            )

    def removed_at(self, article_id: int) -> str | None:
        """When the site was first seen without this article, if it has gone."""
        row = self.db.execute(
            "SELECT removed_at FROM removals WHERE article_id = ?", [article_id]
        ).fetchone()
        return str(row[0]) if row else None

    def mark_checked(self, url: str, at: dt.datetime) -> None:
        """Note that an article URL was fetched (200 or 304) at `at`; a removal is undone."""
        with self.transaction():
            self.db.execute(
                "DELETE FROM removals WHERE article_id ="
                " (SELECT article_id FROM article_urls WHERE url = ?) OR url = ?",
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

    # --- raw pages -------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        """The ETag / Last-Modified remembered for `url`, for a conditional GET."""
        row = self.db.execute(
            "SELECT etag, last_modified FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        if row is None:
            return None
        return Validators(etag=row[0], last_modified=row[1])

    def cached_page_id(self, url: str) -> int | None:
        """The stored page that `url` last answered with."""
        row = self.db.execute("SELECT page_id FROM http_cache WHERE url = ?", [url]).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def save_page(self, page: Page, *, crawl_id: int | None) -> tuple[int, bool]:
        """Store a raw response unless the same bytes are already stored for its URL.

        Returns the page id and whether a new row was written. Commits with
        the caller's transaction when inside one.
        """
        sha = hashlib.sha256(page.body).hexdigest()
        row = self.db.execute(
            "SELECT id FROM pages WHERE url = ? AND sha256 = ? ORDER BY id DESC LIMIT 1",
            [page.url, sha],
        ).fetchone()
        created = row is None
        if row is None:
            cursor = self.db.execute(
                "INSERT INTO pages (url, final_url, status, headers, redirects, encoding,"
                " sha256, fetched_at, crawl_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    page.url,
                    page.final_url,
                    page.status,
                    json.dumps(page.headers, ensure_ascii=False),
                    json.dumps(page.redirects),
                    page.encoding,
                    sha,
                    page.fetched_at.isoformat(timespec="seconds"),
                    crawl_id,
                    page.body,
                ],
            )
            page_id = int(cursor.lastrowid or 0)
        else:
            page_id = int(row[0])
        self.db.execute(
            "INSERT INTO http_cache (url, etag, last_modified, page_id) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified, page_id = excluded.page_id",
            [page.url, page.header("ETag"), page.header("Last-Modified"), page_id],
        )
        return page_id, created

    def load_page(self, page_id: int) -> Page:
        """Read a stored raw response back as a `Page`."""
        row = self.db.execute(
            "SELECT url, final_url, status, headers, redirects, encoding, fetched_at, body"
            " FROM pages WHERE id = ?",
            [page_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"no stored page with id {page_id}")
        return _page_from_row(row)

    def reparse_batch(self, *, after_id: int, limit: int) -> list[ReparseInput]:
        """Up to `limit` articles with ids above `after_id`, in id order, for `reparse`.

        One query reads them with their raw pages, so a reparse of a big
        archive costs little beyond the parsing itself.
        """
        rows = self.db.execute(
            "SELECT a.id, a.url, a.title, a.body, a.published, a.department, a.links,"
            " p.url, p.final_url, p.status, p.headers, p.redirects, p.encoding, p.fetched_at,"
            " p.body FROM articles a LEFT JOIN pages p ON p.id = a.page_id"
            " WHERE a.id > ? ORDER BY a.id LIMIT ?",
            [after_id, limit],
        ).fetchall()
        return [
            ReparseInput(
                article_id=row[0],
                url=row[1],
                fields=tuple(row[2:7]),
                raw_page=None if row[7] is None else tuple(row[7:]),
            )
            for row in rows
        ]

    # --- articles ----------------------------------------------------------------

    def find_article_id(self, urls: tuple[str, ...]) -> int | None:
        """The article any of these canonical URLs already belongs to."""
        for url in urls:
            row = self.db.execute(
                "SELECT article_id FROM article_urls WHERE url = ?", [url]
            ).fetchone()
            if row is not None:
                return int(row[0])
        return None

    def save_article(
        self,
        article: Article,
        *,
        keys: tuple[str, ...],
        source: str,
        page_id: int,
        page_sha256: str,
        parser_version: str,
        seen_at: dt.datetime,
    ) -> SaveOutcome:
        """Save a parsed article under its canonical URL keys (the first is preferred).

        A known URL with the same text is `unchanged`; with new text it gets a
        new version (`updated`), the old text kept in `article_versions`. An
        unknown URL whose text is already archived is a `duplicate`: the URL is
        added to that article. Runs inside the caller's transaction.
        """
        if not keys:
            raise StoreError("an article needs at least one canonical URL")
        chash = content_hash(article)
        seen = seen_at.isoformat(timespec="seconds")
        article_id = self.find_article_id(keys)
        status: SaveStatus
        if article_id is None:
            row = self.db.execute(
                "SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1", [chash]
            ).fetchone()
            if row is not None:
                article_id, status = int(row[0]), "duplicate"
                self.db.execute(
                    "UPDATE articles SET last_seen = ? WHERE id = ?", [seen, article_id]
                )
            else:
                article_id = self._insert_article(
                    article, keys[0], source, chash, page_id, page_sha256, parser_version, seen
                )
                status = "new"
        else:
            current = self.db.execute(
                "SELECT content_hash, versions FROM articles WHERE id = ?", [article_id]
            ).fetchone()
            if current[0] == chash:
                status = "unchanged"
                self.db.execute(
                    "UPDATE articles SET last_seen = ? WHERE id = ?", [seen, article_id]
                )
            else:
                status = "updated"
                self._update_article(
                    article_id, article, chash, page_id, page_sha256, parser_version, seen
                )
                self._add_version(article_id, current[1] + 1, article, chash, page_id, seen)
        for key in keys:
            self.db.execute(
                "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
                [key, article_id],
            )
        return SaveOutcome(status=status, article_id=article_id)

    def _fields(self, article: Article) -> dict[str, Any]:
        return dict(zip(PARSED_FIELDS, parsed_fields(article), strict=True))

    def _insert_article(
        self,
        article: Article,
        canonical_url: str,
        source: str,
        chash: str,
        page_id: int,
        page_sha256: str,
        parser_version: str,
        seen: str,
    ) -> int:
        row = {
            "canonical_url": canonical_url,
            "url": article.url or canonical_url,
            "source": source,
            **self._fields(article),
            "content_hash": chash,
            "page_id": page_id,
            "page_sha256": page_sha256,
            "parser_version": parser_version,
            "first_seen": seen,
            "last_seen": seen,
            "versions": 1,
        }
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.execute(
            f"INSERT INTO articles ({columns}) VALUES ({marks})", list(row.values())
        )
        article_id = int(cursor.lastrowid or 0)
        self._add_version(article_id, 1, article, chash, page_id, seen)
        return article_id

    def _update_article(
        self,
        article_id: int,
        article: Article,
        chash: str,
        page_id: int,
        page_sha256: str,
        parser_version: str,
        seen: str,
    ) -> None:
        fields = {
            **self._fields(article),
            "content_hash": chash,
            "page_id": page_id,
            "page_sha256": page_sha256,
            "parser_version": parser_version,
            "last_seen": seen,
        }
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(
            f"UPDATE articles SET {assignments}, versions = versions + 1 WHERE id = ?",
            [*fields.values(), article_id],
        )

    def _add_version(
        self, article_id: int, version: int, article: Article, chash: str, page_id: int, seen: str
    ) -> None:
        fields = self._fields(article)
        self.db.execute(
            "INSERT INTO article_versions (article_id, version, title, body, published,"
            " department, content_hash, page_id, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                article_id,
                version,
                fields["title"],
                fields["body"],
                fields["published"],
                fields["department"],
                chash,
                page_id,
                seen,
            ],
        )

    def replace_parsed_fields(self, article_id: int, article: Article, parser_version: str) -> bool:
        """Overwrite an article's parsed fields (after `reparse`); True if anything changed.

        Nothing is written when the fields are the same, whatever parser
        version made them: `parser_version` names the version that last
        changed them. The current version row is updated too: a parser fix is
        not an edit by the site, so it does not make a new version.
        """
        new = parsed_fields(article)
        current = self.db.execute(
            "SELECT title, body, published, department, links FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        if tuple(current) == new:
            return False
        chash = content_hash(article)
        with self.transaction():
            self.db.execute(
                "UPDATE articles SET title = ?, body = ?, published = ?, department = ?,"
                " links = ?, content_hash = ?, parser_version = ? WHERE id = ?",
                [*new, chash, parser_version, article_id],
            )
            self.db.execute(
                "UPDATE article_versions SET title = ?, body = ?, published = ?, department = ?,"
                " content_hash = ? WHERE article_id = ? AND version ="
                " (SELECT versions FROM articles WHERE id = ?)",
                [*new[:4], chash, article_id, article_id],
            )
        return True

    def article_count(self) -> int:
        """How many articles the archive holds."""
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def get_article(self, ref: str) -> StoredArticle | None:
        """An article by id, canonical URL, or any URL variant (canonicalised by the caller)."""
        args: list[object]
        if ref.isdigit():
            where, args = "id = ?", [int(ref)]
        else:
            where = "id = (SELECT article_id FROM article_urls WHERE url = ?) OR url = ?"
            args = [ref, ref]
        row = self.db.execute(f"SELECT * FROM articles WHERE {where}", args).fetchone()
        return self._stored(row) if row else None

    def iter_articles(self) -> Iterator[StoredArticle]:
        """Every article, oldest id first."""
        for row in self.db.execute("SELECT * FROM articles ORDER BY id"):
            yield self._stored(row)

    def versions(self, article_id: int) -> list[dict[str, Any]]:
        """All versions of an article, oldest first."""
        cursor = self.db.execute(
            "SELECT version, title, body, seen_at FROM article_versions"
            " WHERE article_id = ? ORDER BY version",
            [article_id],
        )
        return [dict(zip(("version", "title", "body", "seen_at"), r, strict=True)) for r in cursor]

    def _stored(self, row: tuple[Any, ...]) -> StoredArticle:
        columns = [d[0] for d in self.db.execute("SELECT * FROM articles LIMIT 0").description]
        data = dict(zip(columns, row, strict=True))
        return StoredArticle(
            id=data["id"],
            canonical_url=data["canonical_url"],
            url=data["url"],
            source=data["source"],
            title=data["title"],
            body=data["body"],
            published=dt.date.fromisoformat(data["published"]) if data["published"] else None,
            department=data["department"],
            links=tuple(Link(**ln) for ln in json.loads(data["links"])),
            versions=data["versions"],
            page_id=data["page_id"],
            parser_version=data["parser_version"],
        )

    # --- search and stats ------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        sources: tuple[str, ...] = (),
        department: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        candidates: int | None = SEARCH_CANDIDATES,
        snippets: bool = True,
    ) -> list[SearchHit]:
        """Full-text search in any inflected form, diacritics optional; best match first.

        `query` is rewritten by `archiver.search.parse_query` (words match any
        form, "quoted phrases" the exact words). Filters: `sources` (any of),
        `department` (a part of its name, diacritics optional), `since` and
        `until` (publication dates, inclusive; undated articles drop out).

        Only the `candidates` most recently archived matches (after filters)
        are ranked, or all of them with `candidates=None`: ranking a word found
        in half a million articles would otherwise take seconds.
        `snippets=False` leaves `SearchHit.snippet` empty. Raises `QueryError`
        for a query FTS5 rejects.
        """
        parsed = parse_query(query)
        where, args = self._search_filters(sources, department, since, until)
        conditions = " AND ".join(where)
        # Filters and the tie-break read short columns of every candidate: from
        # this covering index, not from rows that hold whole bodies, ~5x faster.
        hint = (
            " INDEXED BY articles_search_filters"
            if self._has_index("articles_search_filters")
            else ""
        )
        join = f" JOIN articles{hint} ON articles.id = articles_fts.rowid"
        lowest = 0
        try:
            if candidates is not None:
                # FTS5 walks the matches by rowid, newest archived first, and
                # stops after `candidates` of them: the oldest one bounds the
                # ranking below. The join is needed only to apply filters.
                found = self.db.execute(
                    f"SELECT articles_fts.rowid FROM articles_fts{join if args else ''}"
                    f" WHERE articles_fts MATCH ? AND {conditions}"
                    " ORDER BY articles_fts.rowid DESC LIMIT ?",
                    [parsed.fts, *args, candidates],
                ).fetchall()
                lowest = found[-1][0] if len(found) == candidates else 0
            # bm25 with the title weighted over department and body, in both the
            # text and the key columns: a word in the headline says most about
            # what an article is about. Scores are rounded so that near-equal
            # ones count as ties, which the newer article wins.
            ranked = self.db.execute(
                "SELECT articles.id, bm25(articles_fts, 10.0, 1.0, 2.0, 10.0, 1.0, 2.0) AS score"
                f" FROM articles_fts{join} WHERE articles_fts MATCH ?"
                f" AND articles_fts.rowid >= ? AND {conditions}"
                " ORDER BY round(score, 6), articles.published DESC, articles.id DESC LIMIT ?",
                [parsed.fts, lowest, *args, limit],
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"search query {query!r} is not valid FTS5 syntax: {exc}") from exc
        found_ids = [article_id for article_id, _ in ranked]
        rows = self.db.execute(
            f"SELECT * FROM articles WHERE id IN ({', '.join('?' for _ in found_ids)})", found_ids
        ).fetchall()
        articles = {article.id: article for article in map(self._stored, rows)}
        hits = []
        seen: dict[str, bool] = {}
        for article_id, score in ranked:
            article = articles[article_id]
            best = _best_snippet(article, parsed, seen) if snippets else Snippet(text="", marks=())
            hits.append(
                SearchHit(article=article, snippet=best.text, marks=best.marks, rank=float(score))
            )
        return hits

    def _has_index(self, name: str) -> bool:
        """Whether this archive has index `name` (a read-only open of an archive
        last written by an older archiver may lack a newer index)."""
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [name]
        ).fetchone()
        return row is not None

    def _search_filters(
        self,
        sources: tuple[str, ...],
        department: str | None,
        since: dt.date | None,
        until: dt.date | None,
    ) -> tuple[list[str], list[object]]:
        """SQL conditions on `articles` (and on FTS rowids) for the search filters."""
        where: list[str] = ["1"]
        args: list[object] = []
        if sources:
            where.append(f"articles.source IN ({', '.join('?' for _ in sources)})")
            args.extend(sources)
        if department:
            where.append("instr(archiver_fold(articles.department), ?) > 0")
            args.append(fold(department))
        if since or until:
            low, high = (since or dt.date.min).isoformat(), (until or dt.date.max).isoformat()
            where.append("articles.published BETWEEN ? AND ?")
            args.extend([low, high])
            # A nightly crawl archives articles in date order, so the ids of a
            # date range mostly form a narrow band: telling FTS5 the band lets
            # it skip the matches outside it instead of reading each one's
            # row. Always correct; only as fast as the band is narrow (a
            # backfill archives a listing newest first and widens it).
            band = self.db.execute(
                "SELECT min(id), max(id) FROM articles WHERE published BETWEEN ? AND ?",
                [low, high],
            ).fetchone()
            where.append("articles_fts.rowid BETWEEN ? AND ?")
            args.extend([band[0] or 0, band[1] or 0])
        return where, args

    def stats(self) -> dict[str, list[tuple[str, int]]]:
        """Article counts per source, department and publication year."""
        queries = {
            "source": "SELECT source, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1",
            "department": "SELECT coalesce(department, '(none)'), count(*) FROM articles"
            " GROUP BY 1 ORDER BY 2 DESC, 1",
            "year": "SELECT coalesce(substr(published, 1, 4), '(none)'), count(*) FROM articles"
            " GROUP BY 1 ORDER BY 1 DESC",
        }
        return {
            name: [(str(k), int(v)) for k, v in self.db.execute(sql).fetchall()]
            for name, sql in queries.items()
        }
