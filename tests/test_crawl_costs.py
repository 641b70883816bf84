"""What a crawl costs, and what it may not skimp on: commits of whole articles, grouped;
one request at a time per host, in order, with the delay."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from archiver import crawl
from archiver.errors import StoreError
from archiver.fetch import Fetcher, routed_transport
from archiver.fixture_site import FixtureSite, serve_fixture_site
from archiver.models import Source
from archiver.store import FOR_CRAWL, GroupCommit, SaveOutcome, Store
from conftest import crawl_once, quiet_settings
from sitegen import FIRST_LID, PER_PAGE, has_attachment, write_site

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


def test_each_new_article_costs_at_most_one_commit(
    generated: FixtureSite, archive: Store, old_cms: tuple[Source, ...]
) -> None:
    commits = commits_during(archive)
    # Every unit of work commits on its own (each comes "slowly", max_gap 0).
    alone = GroupCommit(max_gap=0.0)
    (report,) = crawl_once(generated, archive, old_cms, revisit=0, grouping=alone).sources
    assert report.new_articles == ARTICLES
    # Besides the articles: per listing page its save, its failure cleared and
    # the frontier entered and left; per attached file one; per walk what its
    # listing showed; per run its start and end.
    assert report.attachments == sum(map(has_attachment, range(FIRST_LID, FIRST_LID + ARTICLES)))
    assert len(commits) <= ARTICLES + 4 * report.listing_pages + report.attachments + 1 + 2


def test_a_crawl_on_one_connection_commits_articles_in_groups(
    generated: FixtureSite, archive: Store, old_cms: tuple[Source, ...]
) -> None:
    commits = commits_during(archive)
    never = GroupCommit(max_units=10, clock=lambda: 0.0)  # no time passes: count units only
    (report,) = crawl_once(generated, archive, old_cms, revisit=0, grouping=never).sources
    assert report.new_articles == ARTICLES
    units = ARTICLES + 4 * report.listing_pages + report.attachments + 1
    assert len(commits) <= units // 10 + 1 + 2  # the groups, what was left, the run's start and end
    assert archive.article_count() == ARTICLES


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


def test_a_walk_cut_between_a_pages_last_article_and_the_next_page_resumes_past_it(
    generated: FixtureSite, archive: Store, old_cms: tuple[Source, ...], monkeypatch: Any
) -> None:
    # Where a kill between two commits can leave a walk: every article of page 2
    # stored, the walk not yet moved on to page 3. All of page 2 is known now,
    # yet the next run must go on to page 3.
    advance = archive.advance_frontier

    def cut(source: str, done: str, next_url: str | None) -> None:
        if done.endswith("page=2"):
            raise StoreError("killed")
        advance(source, done, next_url)

    monkeypatch.setattr(archive, "advance_frontier", cut)
    with pytest.raises(StoreError, match="killed"):
        crawl_once(generated, archive, old_cms, revisit=0)
    assert archive.article_count() == 2 * PER_PAGE
    assert [url[-6:] for url in archive.frontier("kekava-old")] == ["page=2"]
    monkeypatch.setattr(archive, "advance_frontier", advance)
    crawl_once(generated, archive, old_cms, revisit=0)
    assert archive.article_count() == ARTICLES
    assert archive.frontier("kekava-old") == []


class _Closing(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, closed: Callable[[], None]) -> None:
        self.stream, self.closed = stream, closed

    def __iter__(self) -> Iterator[bytes]:
        yield from self.stream

    def close(self) -> None:
        self.stream.close()
        self.closed()


class InFlight(httpx.BaseTransport):
    """Counts requests from sending to the end of their response, and the most at once."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.now, self.most = inner, 0, 0
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        response = self.inner.handle_request(request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Closing(response.stream, self.done),
            extensions=response.extensions,
        )

    def done(self) -> None:
        with self.lock:
            self.now -= 1

    def close(self) -> None:
        self.inner.close()


def test_a_crawl_keeps_one_request_at_a_time_in_order_with_the_delay(
    generated: FixtureSite, archive: Store, old_cms: tuple[Source, ...]
) -> None:
    host, port = generated.address
    transport = InFlight(routed_transport({name: (host, port) for name in generated.table.hosts}))
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    with httpx.Client(transport=transport) as client:
        fetcher = Fetcher(
            client=client,
            settings=quiet_settings(delay=2.0),
            clock=lambda: clock[0],
            sleep=sleep,
        )
        report = crawl.crawl(
            old_cms, store=archive, fetcher=fetcher, policy=crawl.CrawlPolicy(revisit=0)
        )
    assert report.sources[0].new_articles == ARTICLES
    assert transport.most == 1
    assert slept == [2.0] * (report.sources[0].requests - 1)  # the delay before each request
    # Each listing page, then its articles newest first.
    asked = [r.path for r in generated.log]
    lids = list(range(FIRST_LID + ARTICLES - 1, FIRST_LID - 1, -1))
    expected = ["/robots.txt", "/pub/"]
    for number, start in enumerate(range(0, ARTICLES, PER_PAGE), 1):
        if number > 1:
            expected.append(f"page={number}")
        expected += [f"lid={lid}" for lid in lids[start : start + PER_PAGE]]
    # Then the attached files, in the order their articles were archived.
    expected += [f"/upload/lemums-{lid}.pdf" for lid in lids if has_attachment(lid)]
    assert [re.sub(r".*[?&](?=page=|lid=)", "", path) for path in asked] == expected
