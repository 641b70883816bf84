"""What every part of the store shares: the connection, atomic units of work, row reading."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from archiver.errors import StoreError
from archiver.models import Link
from archiver.store.records import FOR_SEARCH, StoredArticle


class StoreBase:
    """The archive connection; `Store` adds its parts (articles, crawl state, search) to it."""

    def __init__(self, db: sqlite_utils.Database, path: Path | str = ":memory:") -> None:
        self.db = db
        self.path = str(path)
        self.readonly = False
        self.tuning = FOR_SEARCH

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
