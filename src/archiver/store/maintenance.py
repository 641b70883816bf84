"""Keeping a large archive file lean: how much of it is free, and compacting it."""

from __future__ import annotations

import contextlib
import os
import shutil
import time

from archiver.errors import StoreError
from archiver.store.base import StoreBase
from archiver.store.records import CompactReport, Space

# Merging an FTS5 index's segments rewrites it, which an archive's own
# search tables allow with this command.
_FTS_TABLES = ("articles_fts", "attachments_fts")


class Maintenance(StoreBase):
    """Reclaiming the free pages that deletes and schema upgrades leave inside the file."""

    def space(self) -> Space:
        """The archive's size on disk and its free pages."""
        page_size = self.db.execute("PRAGMA page_size").fetchone()[0]
        free_pages = self.db.execute("PRAGMA freelist_count").fetchone()[0]
        return Space(file_bytes=self._disk_bytes(), free_bytes=int(page_size) * int(free_pages))

    def compact(self) -> CompactReport:
        """Merge each search index into one segment and rewrite the file without free pages.

        SQLite's VACUUM builds the new copy in its temporary folder, then
        writes it back through the write-ahead log: this refuses, before it
        changes anything, when the disks lack room for that. The caller holds
        the crawl lock so that no crawl writes meanwhile.
        """
        before = self.space()
        live = before.file_bytes - before.free_bytes
        folder = os.path.dirname(os.path.abspath(self.path))
        needs = {folder: live}
        temp = _sqlite_temp_folder()
        if os.stat(temp).st_dev == os.stat(folder).st_dev:
            needs[folder] += live
        else:
            needs[temp] = live
        for where, needed in needs.items():
            available = shutil.disk_usage(where).free
            if available < needed:
                raise StoreError(
                    f"compacting {self.path} needs ~{needed / 1e6:,.0f} MB free in {where},"
                    f" {available / 1e6:,.0f} MB are; nothing was changed"
                )
        started = time.monotonic()
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master")}
        with self.transaction():
            for table in _FTS_TABLES:
                if table in tables:
                    self.db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return CompactReport(before=before, after=self.space(), seconds=time.monotonic() - started)

    def _disk_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):  # an in-memory archive, or no log yet
                total += os.stat(self.path + suffix).st_size
        return total


def _sqlite_temp_folder() -> str:
    """Where SQLite on Unix writes temporary files, found in its own order."""
    for folder in (
        os.environ.get("SQLITE_TMPDIR"),
        os.environ.get("TMPDIR"),
        "/var/tmp",
        "/usr/tmp",
        "/tmp",
    ):
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return folder
    return "."
