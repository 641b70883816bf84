"""`reparse`: stored raw pages parsed again, in worker processes or not, writing only changes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archiver import parse, reparse
from archiver.fixture_site import FixtureSite
from archiver.models import Source
from archiver.store import Store
from conftest import article_fields, crawl_once


@pytest.fixture
def archived(site: FixtureSite, sources: tuple[Source, ...], tmp_path: Path) -> Path:
    """An archive of the fixture site, with three articles' fields spoiled as a bad parser would."""
    path = tmp_path / "archive.db"
    store = Store.open(path)
    crawl_once(site, store, sources)
    with store.transaction():
        store.db.execute(
            "UPDATE articles SET title = 'broken', department = NULL, parser_version = 'old'"
            " WHERE id IN (SELECT id FROM articles ORDER BY id LIMIT 3)"
        )
    store.close()
    return path


def copy_of(path: Path, name: str) -> Store:
    """A separate copy of the archive at `path` (through SQLite's backup, WAL included)."""
    copy = path.with_name(name)
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    return Store.open(copy)


def test_two_workers_give_the_same_archive_as_one(archived: Path) -> None:
    one, two = copy_of(archived, "one.db"), copy_of(archived, "two.db")
    report_one = reparse.reparse(one, workers=1)
    report_two = reparse.reparse(two, workers=2)
    assert report_one == report_two
    assert report_two.changed == 3 and report_two.failed == 0
    assert report_two.articles == one.article_count() > 3
    assert article_fields(one) == article_fields(two)
    assert "broken" not in {a.title for a in two.iter_articles()}
    one.close()
    two.close()


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "two-workers"])
def test_reparse_writes_only_the_articles_whose_fields_changed(
    archived: Path, workers: int
) -> None:
    store = Store.open(archived)
    with store.transaction():  # an older parser made them all, most the same as today's
        store.db.execute("UPDATE articles SET parser_version = 'old'")
    before = store.db.conn.total_changes
    report = reparse.reparse(store, workers=workers)
    assert report.changed == 3
    versions = dict(
        store.db.execute("SELECT parser_version, count(*) FROM articles GROUP BY 1").fetchall()
    )
    assert versions == {parse.PARSER_VERSION: 3, "old": report.articles - 3}
    written = store.db.conn.total_changes - before
    again = reparse.reparse(store, workers=workers)
    assert again.changed == 0 and store.db.conn.total_changes - before == written
    store.close()


def test_reparse_counts_an_article_without_a_stored_page_as_failed(archived: Path) -> None:
    store = Store.open(archived)
    with store.transaction():
        store.db.execute("UPDATE articles SET page_id = NULL WHERE id = 1")
    report = reparse.reparse(store, workers=2)
    assert report.failed == 1 and report.changed == 2
    store.close()


def test_cli_reparse_with_two_workers(archived: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archiver", "reparse", "--workers", "2", "--db", str(archived)],
        cwd=archived.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and "3 changed, 0 could not be parsed" in result.stderr
