"""What makes a crawl fast without making it less safe: one commit per article."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.errors import StoreError
from archiver.fixture_site import FixtureSite, serve_fixture_site
from archiver.models import Source
from archiver.store import FOR_CRAWL, SaveOutcome, Store
from conftest import crawl_once
from sitegen import write_site

ARTICLES = 45  # three listing pages: 20, 20 and 5


@pytest.fixture
def old_cms(sources: tuple[Source, ...]) -> tuple[Source, ...]:
    return tuple(s for s in sources if s.name == "kekava-old")


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[FixtureSite]:
    root = tmp_path / "site"
    write_site(root, ARTICLES)
    with serve_fixture_site(root) as site:
        yield site


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "archive.db", tuning=FOR_CRAWL)
    yield store
    store.close()


def commits_during(store: Store) -> list[str]:
    """COMMIT statements the store's connection runs from now on, as they happen."""
    seen: list[str] = []

    def trace(statement: str) -> None:
        if statement.strip().upper() == "COMMIT":
            seen.append(statement)

    store.db.conn.set_trace_callback(trace)
    return seen


def test_each_new_article_costs_one_commit(
    generated: FixtureSite, archive: Store, old_cms: tuple[Source, ...]
) -> None:
    commits = commits_during(archive)
    (report,) = crawl_once(generated, archive, old_cms, revisit=0).sources
    assert report.new_articles == ARTICLES
    # Besides the articles: per listing page its save, its failure cleared and
    # the frontier entered and left; per run its start and end.
    assert len(commits) <= ARTICLES + 4 * report.listing_pages + 2


def test_an_articles_check_and_recovery_land_with_it_or_not_at_all(
    generated: FixtureSite, archive: Store, old_cms: tuple[Source, ...], monkeypatch: Any
) -> None:
    crawl_once(generated, archive, old_cms, revisit=0)
    newest = archive.db.execute("SELECT url FROM articles ORDER BY id LIMIT 1").fetchone()[0]
    archive.db.execute("DELETE FROM revisits")
    archive.db.execute("DELETE FROM http_cache WHERE url = ?", [newest])  # a 200, not a 304
    archive.record_failure(url=newest, source="kekava-old", kind="article", status=503, message="")
    saved = archive.save_article

    def failing(*args: Any, **kwargs: Any) -> SaveOutcome:
        saved(*args, **kwargs)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(archive, "save_article", failing)
    with pytest.raises(StoreError, match="disk I/O error"):
        crawl_once(generated, archive, old_cms, revisit=0)
    # The failure is still recorded and the URL not marked checked: the rolled-back
    # transaction held the article's page, its check and its recovery together.
    assert archive.pending_failures("kekava-old", max_attempts=5) == [(newest, "article")]
    assert archive.db.execute("SELECT count(*) FROM revisits").fetchone()[0] == 0
