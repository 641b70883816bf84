"""The archive's tables, its schema version, and the in-place migration from older versions."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from archiver.search import ATTACHMENT_FTS_SCHEMA, FTS_COPY, FTS_SCHEMA, FTS_TABLE

SCHEMA_VERSION = 4

# What a v1 archive had instead: sqlite-utils' external-content FTS and its triggers.
V1_FTS = ("articles_ai", "articles_ad", "articles_au")
SCHEMA = """
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
    body BLOB NOT NULL,
    compression TEXT
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
CREATE INDEX IF NOT EXISTS articles_department ON articles(department, published);
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
    removed_at TEXT NOT NULL,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS listing_sightings (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    listing TEXT NOT NULL,
    first_listed TEXT NOT NULL,
    PRIMARY KEY (listing, article_id)
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
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    content_type TEXT,
    size INTEGER NOT NULL,
    kind TEXT,
    text TEXT NOT NULL,
    text_error TEXT,
    pages INTEGER,
    reader_version TEXT NOT NULL,
    first_url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS attachment_urls (
    url TEXT PRIMARY KEY,
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_attachments (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    url TEXT NOT NULL,
    link_text TEXT NOT NULL,
    attachment_id INTEGER REFERENCES attachments(id),
    PRIMARY KEY (article_id, url)
);
CREATE INDEX IF NOT EXISTS article_attachments_url ON article_attachments(url);
CREATE INDEX IF NOT EXISTS article_attachments_attachment
    ON article_attachments(attachment_id);
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


def migrate(db: sqlite_utils.Database, version: int) -> None:
    """Create what is missing and bring a `version` archive up to `SCHEMA_VERSION`.

    Runs inside the caller's transaction: a migration that fails leaves the
    archive as it was.
    """
    db.conn.executescript(SCHEMA)  # commits first: the steps below get their own BEGIN
    if version < SCHEMA_VERSION:
        db.execute("BEGIN")
    if version < 2:
        _build_search_index(db)
        # `articles.year`, generated from `published`, for Datasette's year facet.
        _add_column(
            db, "articles", "year", "TEXT GENERATED ALWAYS AS (substr(published, 1, 4)) VIRTUAL"
        )
    if version < 3:
        # v3: attachments (tables above) and their search index; why an article
        # counts as removed (HTTP status or gone from its listing).
        _run(db, ATTACHMENT_FTS_SCHEMA)
        _add_column(db, "removals", "reason", "TEXT")
        # Raw pages stored from now on are compressed; older ones stay as they are.
        _add_column(db, "pages", "compression", "TEXT")
        # Attachment links of articles archived before v3: the next crawl fetches them.
        db.execute(
            "INSERT OR IGNORE INTO article_attachments (article_id, url, link_text)"
            " SELECT a.id, json_extract(j.value, '$.url'),"
            " coalesce(json_extract(j.value, '$.text'), '') FROM articles a, json_each(a.links) j"
            " WHERE json_extract(j.value, '$.kind') = 'attachment'"
        )
    if 2 <= version < 4:
        # v4: prefix indexes (a v0/v1 archive got them with its new index above).
        _add_prefix_index(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _add_column(db: sqlite_utils.Database, table: str, column: str, kind: str) -> None:
    """Add a column that a newer schema's CREATE TABLE has, unless the table has it."""
    if column not in {row[1] for row in db.execute(f"PRAGMA table_xinfo({table})")}:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _build_search_index(db: sqlite_utils.Database) -> None:
    """(Re)create `articles_fts` with stemmed keys, replacing a v1 index, and fill it."""
    for trigger in V1_FTS:
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for trigger in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    _run(db, FTS_SCHEMA)


def _add_prefix_index(db: sqlite_utils.Database) -> None:
    """v4: rebuild the v2/v3 `articles_fts` with prefix indexes (an FTS5 option
    fixed when the table is created), copying its rows, keys included."""
    for trigger in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
    db.execute("ALTER TABLE articles_fts RENAME TO articles_fts_v2")
    _run(db, FTS_TABLE + FTS_COPY)
    db.execute("DROP TABLE articles_fts_v2")


def _run(db: sqlite_utils.Database, script: str) -> None:
    """Run `script` statement by statement inside the caller's transaction:
    executescript() would COMMIT first, and a failed migration must leave the
    archive as it was."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
