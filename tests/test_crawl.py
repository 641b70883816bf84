"""End to end against the real fixture server and a real SQLite file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver import crawl, reparse
from archiver.discover import canonical_key
from archiver.fetch import Fetcher
from archiver.fixture_site import Answer, FixtureSite
from archiver.models import CrawlReport, Source
from archiver.store import Store
from archiver.urls import canonicalize
from conftest import expected_pages

SEED_URL = "https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=13828"
SEED_KEY = "https://kekava.lv/pub?id=150&lid=13828"


def expected_by_key() -> dict[str, dict[str, object]]:
    found = {}
    for path in expected_pages():
        if path.parent.name in ("wayback", "unlisted"):
            continue  # reachable only by backfill: tests/test_backfill.py
        data = json.loads(path.read_text(encoding="utf-8"))
        found[str(data["canonical_url"])] = data
    return found


def link_key(url: str, text: str, kind: str) -> tuple[str, str, str]:
    return canonicalize(url, host_aliases={"arhivs.kekava.lv": "kekava.lv"}), text, kind


def run(
    sources: tuple[Source, ...], store: Store, fetcher: Fetcher, **policy: float
) -> CrawlReport:
    return crawl.crawl(
        sources,
        store=store,
        fetcher=fetcher,
        policy=crawl.CrawlPolicy(**policy),  # type: ignore[arg-type]
    )


@pytest.fixture
def crawled(
    site: FixtureSite, store: Store, fetcher: Fetcher, sources: tuple[Source, ...]
) -> Iterator[CrawlReport]:
    yield run(sources, store, fetcher)


def test_first_crawl_archives_every_fixture_article_with_its_expected_fields(
    crawled: CrawlReport, store: Store
) -> None:
    expected = expected_by_key()
    stored = {a.canonical_url: a for a in store.iter_articles()}
    assert sorted(stored) == sorted(expected)
    for key, data in expected.items():
        article = stored[key]
        assert article.title == data["title"], key
        assert article.body == data["body"], key
        assert (article.published.isoformat() if article.published else None) == data["published"]
        assert article.department == data["department"], key
        # Relative links resolve against the URL variant the page was fetched
        # from (the listing links some as http://kekava.lv/...), so compare
        # them by canonical URL.
        assert [link_key(ln.url, ln.text, ln.kind) for ln in article.links] == [
            link_key(str(ln["url"]), str(ln["text"]), str(ln["kind"])) for ln in data["links"]
        ], key
    assert crawled.failures == 0


def test_url_variants_and_the_arhivs_host_give_one_article(
    crawled: CrawlReport, store: Store, sources: tuple[Source, ...]
) -> None:
    by_source = {r.source: r for r in crawled.sources}
    assert by_source["kekava-arhivs"].new_articles == 0
    assert store.article_count() == len(expected_by_key())
    # The arhivs. host serves the same lids: its listing links are known
    # articles already, so nothing is fetched twice, and each variant URL
    # finds the one article.
    seed = store.get_article(SEED_KEY)
    assert seed is not None
    arhivs = next(s for s in sources if s.name == "kekava-arhivs")
    for variant in (
        "https://arhivs.kekava.lv/pub/index.php?gid=1&id=150&lid=13828",
        "http://kekava.lv/pub/?lid=13828&id=150",
        "https://www.kekava.lv/pub/index.php?id=150&lid=13828&utm_source=rss",
    ):
        assert store.find_article_id((canonical_key(variant, arhivs),)) == seed.id
    seed = store.get_article(SEED_KEY)
    assert seed is not None
    assert store.versions(seed.id)[0]["version"] == 1 and seed.versions == 1


def test_wordpress_shortlink_and_slug_are_one_article(crawled: CrawlReport, store: Store) -> None:
    shortlinks = store.db.execute(
        "SELECT url, article_id FROM article_urls WHERE url LIKE 'https://kekava.lv/?p=%'"
    ).fetchall()
    assert shortlinks, "the WordPress listing links some articles by ?p=N"
    for url, article_id in shortlinks:
        article = store.get_article(url)
        assert article is not None and article.id == article_id
        assert "?p=" not in article.canonical_url


def test_article_found_only_in_the_sitemap_is_archived(crawled: CrawlReport, store: Store) -> None:
    article = store.get_article("https://kekava.lv/aktualitates/bibliotekas-gramatu-busins")
    assert article is not None and article.published is not None
    assert article.published.isoformat() == "2023-05-18"  # the page's date, not the sitemap's
    # The sitemap's pages (/pasvaldiba/, /sikdatnes/) do not match the source's article pattern.
    assert not store.db.execute("SELECT 1 FROM pages WHERE url LIKE '%/sikdatnes/%'").fetchall()


def test_non_article_page_is_fetched_but_not_archived(crawled: CrawlReport, store: Store) -> None:
    assert sum(r.not_articles for r in crawled.sources) >= 1
    assert store.get_article("https://kekava.lv/pub?id=690") is None


def test_every_article_records_its_provenance(crawled: CrawlReport, store: Store) -> None:
    rows = store.db.execute(
        "SELECT a.page_id, a.page_sha256, a.parser_version, p.sha256 FROM articles a"
        " JOIN pages p ON p.id = a.page_id"
    ).fetchall()
    assert len(rows) == store.article_count()
    assert all(page_sha == sha and version for _, page_sha, version, sha in rows)


def test_second_crawl_fetches_only_first_listing_pages_and_adds_nothing(
    crawled: CrawlReport, site: FixtureSite, store: Store, fetcher: Fetcher, sources
) -> None:
    pages_before = store.db.execute("SELECT count(*) FROM pages").fetchone()[0]
    articles_before = store.article_count()
    site.log.clear()
    again = run(sources, store, fetcher)
    assert sum(r.new_articles + r.updated_articles + r.duplicates for r in again.sources) == 0
    assert store.article_count() == articles_before
    assert store.db.execute("SELECT count(*) FROM pages").fetchone()[0] == pages_before
    listing_requests = [r for r in site.log if "page" in r.path and r.path != "/robots.txt"]
    assert all("page=2" not in r.path and "/page/2/" not in r.path for r in listing_requests)
    # One conditional GET per source's first listing page, feed and sitemap, each a 304
    # (an unchanged sitemap index is still followed: WordPress children grow under it).
    assert sorted((r.host, r.path, r.status) for r in site.log if r.path != "/robots.txt") == [
        ("arhivs.kekava.lv", "/pub/", 304),
        ("kekava.lv", "/feed/", 304),
        ("kekava.lv", "/jaunumi/", 304),
        ("kekava.lv", "/wp-sitemap-posts-page-1.xml", 304),
        ("kekava.lv", "/wp-sitemap-posts-post-1.xml", 304),
        ("kekava.lv", "/wp-sitemap.xml", 304),
        ("www.adazunovads.lv", "/lv/jaunumi", 304),
        ("www.adazunovads.lv", "/lv/rss/articles", 304),
        ("www.bauskasnovads.lv", "/lv/jaunumi", 304),
        ("www.bauskasnovads.lv", "/lv/rss/articles", 304),
        ("www.jelgavasnovads.lv", "/lv/jaunumi", 304),
        ("www.jelgavasnovads.lv", "/lv/rss/articles", 304),
        ("www.jurmala.lv", "/lv/jaunumi", 304),
        ("www.jurmala.lv", "/lv/rss/articles", 304),
        ("www.kekava.lv", "/pub/", 304),
        ("www.limbazunovads.lv", "/lv/jaunumi", 304),
        ("www.limbazunovads.lv", "/lv/rss/articles", 304),
        ("www.lubana.lv", "/jaunumi", 304),
        ("www.preili.lv", "/lv/jaunumi", 304),
        ("www.preili.lv", "/lv/rss/articles", 304),
        ("www.riga.lv", "/lv/jaunumi", 304),
        ("www.riga.lv", "/lv/rss/articles", 304),
        ("www.ropazi.lv", "/lv/jaunumi", 304),
        ("www.ropazi.lv", "/lv/rss/articles", 304),
        ("www.smiltenesnovads.lv", "/lv/jaunumi", 304),
        ("www.smiltenesnovads.lv", "/lv/rss/articles", 304),
        ("www.tukums.lv", "/lv/jaunumi", 304),
        ("www.tukums.lv", "/lv/rss/articles", 304),
    ]


def test_edited_article_gets_a_new_version_and_keeps_the_old_text(
    crawled: CrawlReport, site: FixtureSite, store: Store, fetcher: Fetcher, sources
) -> None:
    newest = store.db.execute(
        "SELECT url, canonical_url, body FROM articles WHERE source = 'kekava-old'"
        " ORDER BY published DESC LIMIT 1"
    ).fetchone()
    url, key, old_body = newest
    page = store.load_page(store.cached_page_id(url) or 0)
    edited = page.text.replace("</h1>", " (papildināts 14.04.)</h1>", 1)
    path = url.split("kekava.lv", 1)[1]
    site.set(path, Answer(body=edited.encode("utf-8")))
    report = run(sources, store, fetcher, revisit_hours=0)
    assert sum(r.updated_articles for r in report.sources) == 1
    article = store.get_article(key)
    assert article is not None and article.versions == 2
    assert article.title.endswith("(papildināts 14.04.)")
    versions = store.versions(article.id)
    assert [v["body"] for v in versions] == [old_body, old_body]
    assert not versions[0]["title"].endswith("(papildināts 14.04.)")


def test_reparse_rebuilds_articles_from_stored_pages_with_the_server_stopped(
    sources: tuple[Source, ...], tmp_path: Path
) -> None:
    from archiver.fetch import make_client
    from archiver.fixture_site import serve_fixture_site
    from conftest import quiet_settings

    store = Store.open(tmp_path / "a.db")
    with serve_fixture_site() as running:
        host, port = running.address
        with make_client({h: (host, port) for h in running.table.hosts}) as client:
            fetcher = Fetcher(client=client, settings=quiet_settings(), sleep=lambda s: None)
            run(sources, store, fetcher)
    before = {a.id: a for a in store.iter_articles()}
    with store.transaction():
        store.db.execute("UPDATE articles SET title = 'broken', body = '', department = NULL")
    report = reparse.reparse(store)
    assert report.articles == len(before) and report.changed == len(before) and report.failed == 0
    after = {a.id: a for a in store.iter_articles()}
    assert after == before
    store.close()


@pytest.mark.parametrize("query", ["pasvaldiba", "pašvaldība", "Pašvaldība piedalās"])
def test_search_finds_the_seed_with_and_without_diacritics(
    crawled: CrawlReport, store: Store, query: str
) -> None:
    titles = [hit.article.title for hit in store.search(query, limit=50)]
    assert (
        "Pašvaldība piedalās starptautiskā projektā, lai uzlabotu pilsētvides attīstību" in titles
    )


def test_datasette_answers_an_fts_search_on_the_archive(
    crawled: CrawlReport, store: Store, tmp_path: Path
) -> None:
    from datasette.app import Datasette

    path = tmp_path / "archive.db"

    async def ask() -> dict[str, object]:
        datasette = Datasette([str(path)])
        response = await datasette.client.get(
            "/archive/articles.json?_search=pasvaldiba&_shape=objects"
        )
        assert response.status_code == 200
        data: dict[str, object] = response.json()
        return data

    data = asyncio.run(ask())
    titles = [row["title"] for row in data["rows"]]  # type: ignore[index,union-attr]
    assert (
        "Pašvaldība piedalās starptautiskā projektā, lai uzlabotu pilsētvides attīstību" in titles
    )
