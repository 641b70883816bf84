"""`archiver compact` and the free space `archiver stats` reports."""

from __future__ import annotations

import fcntl
import json
import shutil
from collections import namedtuple
from pathlib import Path

import pytest

from archiver.errors import StoreError
from archiver.store import Store
from conftest import run_archiver as archiver
from fixture_archive import build_fixture_archive


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_archive(tmp_path_factory.mktemp("compact") / "archive.db")


@pytest.fixture
def bloated(crawled: Path, tmp_path: Path) -> Path:
    """A copy of the crawled archive with ~4 MB of free pages inside, as a
    schema upgrade that rebuilds an index leaves them."""
    path = tmp_path / "archive.db"
    shutil.copy(crawled, path)
    store = Store.open(path)
    store.db.execute("CREATE TABLE scratch (blob BLOB)")
    store.db.execute(
        "INSERT INTO scratch SELECT randomblob(4000) FROM json_each(?)", ["[0" + ",0" * 999 + "]"]
    )
    store.db.execute("DROP TABLE scratch")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def everything(path: Path) -> tuple[list[tuple[object, ...]], list[int]]:
    store = Store.open(path, readonly=True)
    try:
        rows = store.db.execute("SELECT id, canonical_url, title, body FROM articles ORDER BY id")
        found = [hit.article.id for hit in store.search("novada OR pasvaldiba", limit=100)]
        return [tuple(row) for row in rows.fetchall()], found
    finally:
        store.close()


def test_stats_shows_the_free_space_and_compact_returns_it(bloated: Path) -> None:
    before = everything(bloated)
    stats = json.loads(archiver("stats", "--db", str(bloated), "--json").stdout)
    assert stats["free_bytes"] >= 4_000_000
    assert stats["file_bytes"] >= stats["free_bytes"]
    text = archiver("stats", "--db", str(bloated)).stdout
    assert "`archiver compact` returns it" in text

    result = archiver("compact", "--db", str(bloated))

    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"compacted {bloated}: ")
    after_stats = json.loads(archiver("stats", "--db", str(bloated), "--json").stdout)
    assert after_stats["free_bytes"] == 0
    assert after_stats["file_bytes"] <= stats["file_bytes"] - 4_000_000
    assert "compact" not in archiver("stats", "--db", str(bloated)).stdout
    # The same articles, found by the same searches.
    assert everything(bloated) == before
    store = Store.open(bloated, readonly=True)
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_compact_waits_for_no_crawl(bloated: Path) -> None:
    size = bloated.stat().st_size
    with Path(f"{bloated}.lock").open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = archiver("compact", "--db", str(bloated))
    assert result.returncode != 0
    assert "another crawl is already running" in result.stderr
    assert "Traceback" not in result.stderr
    assert bloated.stat().st_size == size


def test_compact_without_an_archive_is_one_line(tmp_path: Path) -> None:
    result = archiver("compact", "--db", str(tmp_path / "none.db"))
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "no archive at" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_compact_refuses_when_the_disk_lacks_room(
    bloated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A nearly full disk cannot be made here: only the free-space reading is faked.
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage(10**9, 10**9 - 1000, 1000))
    before = everything(bloated)
    store = Store.open(bloated)
    try:
        with pytest.raises(StoreError, match=r"needs ~.* MB free in .*nothing was changed"):
            store.compact()
        assert store.space().free_bytes >= 4_000_000
    finally:
        store.close()
    assert everything(bloated) == before
