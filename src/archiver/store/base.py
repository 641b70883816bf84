"""What every part of the store shares: the connection, atomic units of work, row reading."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from archiver.errors import StoreError
from archiver.models import Link
from archiver.store.records import FOR_SEARCH, GroupCommit, StoredArticle


@dataclass(slots=True)
class _Group:
    """The state of `grouped_commits`: units since the last commit, and when they came."""

    grouping: GroupCommit
    last_unit: float
    started: float = 0.0
    units: int = 0


class StoreBase:
    """The archive connection; `Store` adds its parts (articles, crawl state, search) to it."""

    def __init__(self, db: sqlite_utils.Database, path: Path | str = ":memory:") -> None:
        self.db = db
        self.path = str(path)
        self.readonly = False
        self.tuning = FOR_SEARCH
        self._group: _Group | None = None
        self._units_open = False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work: all its writes land, or none do.

        Needed because sqlite-utils' `execute()` commits every write made
        outside an open transaction on its own (the SIGKILL test caught an
        article row without its URL row this way). Nested use joins the
        outer unit. Inside `grouped_commits` a unit joins the group's
        transaction and commits with it (no savepoint: an error rolls back
        the units pending with it).
        """
        conn = self.db.conn
        group = self._group
        if self._units_open or (group is None and conn.in_transaction):
            yield
            return
        try:
            if group is not None:
                with self._grouped_unit(group):
                    yield
                return
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
    def grouped_commits(self, grouping: GroupCommit) -> Iterator[None]:
        """Commit the units of work (`transaction`) made inside in groups, not one by one.

        The units share one transaction, committed every
        `grouping.max_units` units or `grouping.max_seconds`, and at once
        after a unit that came slowly (where there is nothing to save).
        Commits fall only between units, in their order, so the archive is
        always as a crawl killed a few units earlier would leave it: an
        error inside a unit rolls back the units pending with it, and what
        is pending when the block ends is committed. The group holds
        SQLite's write lock between its commits, so only a connection that
        is the archive's one writer should group.
        """
        if self._group is not None:
            yield
            return
        self._group = _Group(grouping=grouping, last_unit=grouping.clock())
        try:
            yield
        finally:
            self._group = None
            self._commit_group()

    @contextmanager
    def _grouped_unit(self, group: _Group) -> Iterator[None]:
        # No savepoint per unit: FTS5 writes its pending index data out at every
        # savepoint, which is most of what grouping saves. A failing unit rolls
        # back the units pending with it instead (the crawl stops on it anyway).
        conn = self.db.conn
        if not conn.in_transaction:
            conn.execute("BEGIN IMMEDIATE")
            group.started = group.grouping.clock()
            group.units = 0
        self._units_open = True
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        finally:
            self._units_open = False
        group.units += 1
        now = group.grouping.clock()
        slow = now - group.last_unit >= group.grouping.max_gap
        group.last_unit = now
        if (
            slow
            or group.units >= group.grouping.max_units
            or now - group.started >= group.grouping.max_seconds
        ):
            conn.commit()

    def _commit_group(self) -> None:
        conn = self.db.conn
        if not conn.in_transaction:
            return
        try:
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
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
