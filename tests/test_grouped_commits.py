"""Grouped commits: units of work share transactions, and only whole units are ever committed."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.errors import StoreError
from archiver.store import FOR_CRAWL, GroupCommit, Store

AT = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "archive.db", tuning=FOR_CRAWL)
    yield store
    store.close()


def committed(store: Store) -> list[str]:
    """The URLs checked, as another connection (a reader, or the next run) sees them."""
    other = sqlite3.connect(store.path)
    try:
        return [url for (url,) in other.execute("SELECT url FROM revisits ORDER BY url")]
    finally:
        other.close()


def unit(store: Store, name: str) -> None:
    """One unit of work that writes two rows: both land or neither does."""
    with store.transaction():
        store.mark_checked(f"https://a.lv/{name}", AT)
        store.record_failure(
            url=f"https://a.lv/{name}", source="s", kind="article", status=None, message="x"
        )
        store.clear_failure(f"https://a.lv/{name}")


def test_units_are_committed_every_max_units_and_at_the_end(archive: Store) -> None:
    clock = Clock()
    with archive.grouped_commits(GroupCommit(max_units=3, clock=clock)):
        for name in "abcd":
            unit(archive, name)
            seen = committed(archive)
            assert seen == ([] if name in "ab" else ["https://a.lv/" + n for n in "abc"])
    assert committed(archive) == ["https://a.lv/" + n for n in "abcd"]


def test_units_are_committed_after_max_seconds(archive: Store) -> None:
    clock = Clock()
    with archive.grouped_commits(GroupCommit(max_seconds=0.5, max_gap=1.0, clock=clock)):
        unit(archive, "a")
        clock.now += 0.3
        unit(archive, "b")
        assert committed(archive) == []
        clock.now += 0.3
        unit(archive, "c")
        assert len(committed(archive)) == 3


def test_a_unit_that_came_slowly_is_committed_at_once(archive: Store) -> None:
    clock = Clock()
    with archive.grouped_commits(GroupCommit(max_gap=0.05, clock=clock)):
        unit(archive, "a")
        assert committed(archive) == []
        clock.now += 1.0  # a polite delay: grouping would only hold the write lock longer
        unit(archive, "b")
        assert committed(archive) == ["https://a.lv/a", "https://a.lv/b"]


def test_a_failing_unit_rolls_back_the_units_pending_with_it_and_nothing_else(
    archive: Store,
) -> None:
    clock = Clock()
    with (
        pytest.raises(StoreError, match="disk I/O error"),
        archive.grouped_commits(GroupCommit(max_units=2, clock=clock)),
    ):
        unit(archive, "a")
        unit(archive, "b")  # committed with a
        unit(archive, "c")  # pending
        with archive.transaction():
            archive.mark_checked("https://a.lv/d", AT)
            raise sqlite3.OperationalError("disk I/O error")
    # As if the process had been killed after b: whole units only, in order.
    assert committed(archive) == ["https://a.lv/a", "https://a.lv/b"]
    assert not archive.db.conn.in_transaction
    unit(archive, "e")  # the store works on, a unit per commit again
    assert committed(archive)[-1] == "https://a.lv/e"


def test_units_nested_in_a_unit_join_it(archive: Store) -> None:
    clock = Clock()
    with archive.grouped_commits(GroupCommit(max_units=2, clock=clock)):
        with archive.transaction():
            unit(archive, "a")
            unit(archive, "b")
        assert committed(archive) == []  # one unit so far
        unit(archive, "c")
        assert len(committed(archive)) == 3
