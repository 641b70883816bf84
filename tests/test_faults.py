"""A hostile network, scripted per path on the real fixture server: nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver import crawl
from archiver.errors import CrawlLocked
from archiver.fetch import Fetcher, make_client
from archiver.fixture_site import Answer, FixtureSite, Request, serve_fixture_site
from archiver.models import Source
from archiver.store import FOR_CRAWL, Store, Tuning
from conftest import article_fields, crawl_once, quiet_settings
from sitegen import FIRST_LID, write_site

SEED = "/pub/index.php?id=150&lid=13828"
SEED_KEY = "https://kekava.lv/pub?id=150&lid=13828"


@pytest.fixture
def old_cms(sources: tuple[Source, ...]) -> tuple[Source, ...]:
    return tuple(s for s in sources if s.name == "kekava-old")


def original(site: FixtureSite, path: str) -> Answer:
    answer = site.table.find(path)
    assert answer is not None
    return answer


def seed_requests(site: FixtureSite) -> list[Request]:
    return [r for r in site.log if "lid=13828" in r.path]


def failures(store: Store) -> list[tuple[str, str]]:
    return store.db.execute("SELECT url, message FROM failures ORDER BY url").fetchall()


@pytest.mark.parametrize(
    "fault",
    [
        Answer(status=500),
        Answer(status=502),
        Answer(status=503, headers=(("Retry-After", "1"),)),
        Answer(status=429, headers=(("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),)),
        Answer(status=408),
        Answer(fault="reset-before"),
        Answer(body=b"<html><body>" + b"x" * 5000, fault="reset-mid"),
        Answer(body=b"<html><body>partial", fault="truncate"),
        Answer(body=b"<html>" + b"." * 40, fault="drip", drip_seconds=0.3),
    ],
    ids=[
        "500",
        "502",
        "503-retry-after",
        "429-http-date",
        "408",
        "reset-before",
        "reset-mid",
        "truncated",
        "slow-drip",
    ],
)
def test_transient_fault_is_retried_within_the_run(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...], fault: Answer
) -> None:
    site.set(SEED, fault, original(site, SEED))
    report = crawl_once(site, store, old_cms, timeout=0.2)
    assert report.failures == 0
    seed = store.get_article(SEED_KEY)
    assert seed is not None and seed.title.startswith("Pašvaldība piedalās")
    assert [r.status for r in seed_requests(site)][-1] == 200


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Answer(status=404), "HTTP 404"),
        (Answer(status=410), "HTTP 410"),
        (Answer(status=301, location="https://kekava.lv/pub/index.php?id=150&lid=13828"), "loop"),
        (Answer(body=b"x" * 10_000_001, content_type="text/html"), "byte cap"),
    ],
    ids=["404", "410", "redirect-loop", "10MB-page"],
)
def test_permanent_failure_is_recorded_not_retried_and_tried_next_run(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...], fault: Answer, message: str
) -> None:
    site.set(SEED, fault)
    first = crawl_once(site, store, old_cms, max_bytes=5_000_000)
    assert first.failures == 1
    ((url, recorded),) = failures(store)
    assert "lid=13828" in url and message in recorded
    assert store.get_article(SEED_KEY) is None
    assert len(seed_requests(site)) <= 2  # not retried (a loop is two hops)

    site.clear(SEED)
    second = crawl_once(site, store, old_cms)
    (report,) = second.sources
    assert (report.retried, report.recovered, report.failures) == (1, 1, 0)
    assert store.get_article(SEED_KEY) is not None
    assert failures(store) == []


def test_redirect_to_another_host_is_recorded_and_not_followed(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    site.set(SEED, Answer(status=302, location="https://evil.example.com/steal"))
    report = crawl_once(site, store, old_cms)
    assert report.failures == 0 and report.sources[0].warnings >= 1
    (message,) = store.db.execute("SELECT message FROM warnings WHERE kind = 'offsite'").fetchone()
    assert "redirects off-site to https://evil.example.com/steal" in message
    assert all(r.host != "evil.example.com" for r in site.log)


def test_binary_served_as_html_is_not_archived_and_does_not_stop_the_crawl(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    site.set(SEED, Answer(body=bytes(range(256)) * 40, content_type="text/html"))
    report = crawl_once(site, store, old_cms)
    assert report.failures == 0 and report.sources[0].not_articles >= 2
    assert store.get_article(SEED_KEY) is None
    assert store.article_count() == 18


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=utf-8", "text/html", "text/html; charset=bogus-charset"],
    ids=["declared-utf8-but-cp1257", "missing", "unknown-name"],
)
def test_wrong_or_missing_charset_still_gives_the_right_text(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...], content_type: str
) -> None:
    html = original(site, SEED).body.decode("utf-8").replace('<meta charset="utf-8">', "")
    site.set(SEED, Answer(body=html.encode("cp1257", errors="replace"), content_type=content_type))
    crawl_once(site, store, old_cms)
    seed = store.get_article(SEED_KEY)
    assert seed is not None
    assert seed.title.startswith("Pašvaldība piedalās starptautiskā projektā")


def test_page_that_changes_between_requests_becomes_a_second_version(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    newest = "/pub/index.php?id=150&lid=16931"
    page = original(site, newest)
    changed = page.body.replace(b"</h1>", " (papildināts 14.04.)</h1>".encode(), 1)
    site.set(newest, page, Answer(body=changed))
    crawl_once(site, store, old_cms)
    crawl_once(site, store, old_cms, revisit_hours=0)
    article = store.get_article("https://kekava.lv/pub?id=150&lid=16931")
    assert article is not None and article.versions == 2
    assert article.title.endswith("(papildināts 14.04.)")
    assert not store.versions(article.id)[0]["title"].endswith("(papildināts 14.04.)")


def test_robots_disallowed_article_is_never_requested(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    robots = b"User-agent: *\nDisallow: /pub/index.php?id=150&gid=1&lid=13828\n"
    site.set("/robots.txt", Answer(body=robots, content_type="text/plain"))
    report = crawl_once(site, store, old_cms)
    assert report.failures == 0
    assert seed_requests(site) == []
    kinds = {k for (k,) in store.db.execute("SELECT kind FROM warnings")}
    assert "robots" in kinds


def test_robots_txt_outage_fails_urls_and_the_next_run_catches_up(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    site.set("/robots.txt", Answer(status=500))
    first = crawl_once(site, store, old_cms)
    assert first.failures >= 1 and store.article_count() == 0
    assert [r.path for r in site.log if r.path != "/robots.txt"] == []
    site.clear("/robots.txt")
    crawl_once(site, store, old_cms)
    assert store.article_count() == 19


def test_failing_listing_page_is_resumed_on_the_next_run(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    site.set("/pub/index.php?id=150&page=2", Answer(status=503))
    first = crawl_once(site, store, old_cms)
    assert first.failures == 1 and 0 < store.article_count() < 19
    assert store.frontier("kekava-old") == ["https://www.kekava.lv/pub/index.php?id=150&page=2"]
    site.clear("/pub/index.php?id=150&page=2")
    crawl_once(site, store, old_cms)
    assert store.article_count() == 19
    assert store.frontier("kekava-old") == []


def test_page_budget_stops_the_run_and_the_next_run_continues(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    report = crawl_once(site, store, old_cms, max_pages=6)
    assert report.sources[0].requests <= 6
    counts = []
    for _ in range(6):
        crawl_once(site, store, old_cms, max_pages=6)
        counts.append(store.article_count())
    assert counts[-1] == 19


def test_second_crawl_on_a_locked_archive_is_refused(tmp_path: Path) -> None:
    first = Store.open(tmp_path / "a.db")
    second = Store.open(tmp_path / "a.db")
    with (
        first.crawl_lock(),
        pytest.raises(CrawlLocked, match="another crawl is already running"),
        second.crawl_lock(),
    ):
        pass
    with second.crawl_lock():  # released when the first crawl ends
        pass
    first.close()
    second.close()


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "site"
    write_site(root, 30)
    yield root


def test_site_redesign_that_loses_dates_is_reported(
    tmp_path: Path, store: Store, old_cms: tuple[Source, ...]
) -> None:
    root = tmp_path / "site"
    write_site(root, 30)
    with serve_fixture_site(root) as site:
        assert crawl_once(site, store, old_cms).health == ()
    write_site(root, 40, undated_from=FIRST_LID + 30)
    with serve_fixture_site(root) as site:
        report = crawl_once(site, store, old_cms)
    (problem,) = report.health
    assert problem.startswith("extraction health: published found on 0% of 10 new articles")
    assert store.article_count() == 40  # archived all the same, with the warning
    assert article_fields(store)


def test_article_gone_from_the_site_is_kept_and_marked_removed_until_it_returns(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    newest = "/pub/index.php?id=150&lid=16931"
    key = "https://kekava.lv/pub?id=150&lid=16931"
    crawl_once(site, store, old_cms)
    site.set(newest, Answer(status=410, body=b"gone"))
    report = crawl_once(site, store, old_cms, revisit_hours=0)
    (source,) = report.sources
    assert (source.removed, source.failures) == (1, 0)
    article = store.get_article(key)
    assert article is not None and article.title  # never deleted from the archive
    removal = store.removal(article.id)
    assert removal is not None and removal[1] == "HTTP 410"
    site.clear(newest)
    crawl_once(site, store, old_cms, revisit_hours=0)
    assert store.removed_at(article.id) is None  # back on the site


def test_concurrent_crawl_archives_the_same_as_a_sequential_one(
    site: FixtureSite, tmp_path: Path, sources: tuple[Source, ...]
) -> None:
    one = Store.open(tmp_path / "one.db")
    many = Store.open(tmp_path / "many.db")
    crawl_once(site, one, sources)
    report = crawl_once(site, many, sources, workers=3)
    assert [r.source for r in report.sources] == [s.name for s in sources]
    assert article_fields(many) == article_fields(one)
    assert many.article_count() == one.article_count() > 0
    one.close()
    many.close()


def test_concurrent_crawl_tunes_its_worker_connections_as_its_own(
    site: FixtureSite, tmp_path: Path, sources: tuple[Source, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Tuning] = []
    real_open = Store.open

    def recording_open(path: Path | str, **kwargs: Tuning) -> Store:
        opened.append(kwargs["tuning"])
        return real_open(path, **kwargs)

    store = Store.open(tmp_path / "a.db", tuning=FOR_CRAWL)
    monkeypatch.setattr(crawl.Store, "open", recording_open)
    crawl_once(site, store, sources, workers=3)
    assert len(opened) > 1 and set(opened) == {FOR_CRAWL}
    store.close()


def test_sources_sharing_a_host_or_alias_are_grouped(sources: tuple[Source, ...]) -> None:
    groups = crawl.host_groups((*sources, ARHIVS_ONLY))
    # Every other municipality is a group of its own; a merged group goes last.
    assert [[s.name for s in group] for group in groups] == [
        *([s.name] for s in sources if "kekava" not in s.name),
        ["kekava-old", "kekava-arhivs", "kekava", "arhivs-only"],
    ]
    assert crawl.host_groups((ARHIVS_ONLY, sources[2])) == [[ARHIVS_ONLY], [sources[2]]]


# The arhivs. host as a source of its own (no alias to kekava.lv): another server.
ARHIVS_ONLY = Source(
    name="arhivs-only",
    start_urls=("https://arhivs.kekava.lv/pub/",),
    article_links=".news-item h2 a",
)


def test_a_slow_source_does_not_hold_up_the_others(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    # The arhivs. listing drips one byte at a time; the WordPress source
    # (another host) finishes first although it is listed last.
    listing = original(site, "/pub/")
    site.set("/pub/", Answer(body=listing.body[:300], fault="drip", drip_seconds=0.02), listing)
    order: list[str] = []
    host, port = site.address
    with make_client({name: (host, port) for name in site.table.hosts}) as client:
        fetcher = Fetcher(client=client, settings=quiet_settings(timeout=30), sleep=lambda s: None)
        crawl.crawl(
            (ARHIVS_ONLY, sources[2]),
            store=store,
            fetcher=fetcher,
            workers=2,
            log=lambda line: order.append(line.split(":")[0]),
        )
    assert order == ["kekava", "arhivs-only"]
