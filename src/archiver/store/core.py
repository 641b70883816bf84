"""`Store`: opening the archive, its schema, and the lock a crawl holds."""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from archiver.errors import CrawlLocked, StoreError
from archiver.search import fold, keys
from archiver.store.articles import Articles
from archiver.store.attachments import Attachments
from archiver.store.crawlstate import CrawlState
from archiver.store.maintenance import Maintenance
from archiver.store.query import Query
from archiver.store.records import FOR_SEARCH, Tuning, unpack
from archiver.store.schema import SCHEMA_VERSION, migrate


def _fold_or_none(text: str | None) -> str | None:
    return fold(text) if text is not None else None


class Store(Articles, Attachments, CrawlState, Maintenance, Query):
    """The archive database; all reads and writes of `archive.db` go through here."""

    @classmethod
    def open(
        cls, path: Path | str, *, readonly: bool = False, tuning: Tuning = FOR_SEARCH
    ) -> Store:
        """Open the archive at `path` and make sure its schema is current.

        A writable open creates the file and migrates older schemas; a
        `readonly` open (search, show, stats) never writes and needs an
        archive that exists and is current. `tuning` sizes the connection
        for its job (`FOR_CRAWL` for crawls).
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
            store.tuning = tuning
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
        self.db.execute(f"PRAGMA mmap_size = {int(self.tuning.mmap_bytes)}")
        self.db.execute(f"PRAGMA cache_size = -{int(self.tuning.cache_kib)}")
        self.db.conn.create_function("archiver_keys", 1, keys, deterministic=True)
        self.db.conn.create_function("archiver_fold", 1, _fold_or_none, deterministic=True)
        # `archiver_page(body, compression)`: a stored raw page's bytes, for ad-hoc SQL.
        self.db.conn.create_function("archiver_page", 2, unpack, deterministic=True)
        if self.readonly:
            if version < SCHEMA_VERSION:
                raise StoreError(
                    f"archive {self.path} has schema version {version}; run `archiver crawl`"
                    " once to upgrade it"
                )
            return
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous = {self.tuning.synchronous}")
        self.db.execute("PRAGMA foreign_keys=ON")
        with self.transaction():
            migrate(self.db, version)

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
