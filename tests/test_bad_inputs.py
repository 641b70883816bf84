"""The bad-input catalogue: each input gets a clear one-line error or a recorded warning.

Never a traceback, never lost data. One table per kind of input; the ids
say what each row is.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archiver import dates, discover, extract, urls
from archiver.config import load_config
from archiver.errors import ConfigError, StoreError
from archiver.fixture_site import FixtureSite
from archiver.models import Page, Source
from archiver.parse import parse_html
from archiver.store import SCHEMA_VERSION, Store
from conftest import crawl_once

OLD_CMS = "https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=99999"
TODAY = dt.date(2026, 11, 25)


def one_line(message: str) -> bool:
    return "\n" not in message.strip() and "Traceback" not in message and len(message) < 600


def old_cms_page(
    date_text: str = "04.10.2019.", body: str = "<p>Teksts par pašvaldību.</p>"
) -> str:
    return (
        '<html><body><div id="content"><h1 class="news-title">Virsraksts</h1>'
        f'<div class="news-text">{body}</div><div class="news-footer">'
        '<div class="news-author">Administratīvā pārvalde</div>'
        f'<div class="news-date">{date_text}</div></div></div></body></html>'
    )


# --- A. HTML that the parser must survive -------------------------------------------

MALFORMED_HTML = {
    "empty": "",
    "whitespace": " \n\t ",
    "nul-bytes": "\x00\x00\x00",
    "binary-noise": bytes(range(256)).decode("latin-1"),
    "unclosed-tags": "<html><body><div><p>teksts<div><span>",
    "only-doctype": "<!DOCTYPE html>",
    "only-comment": "<!-- nothing here -->",
    "script-only": "<script>document.write('x')</script>",
    "style-only": "<style>p{color:red}</style>",
    "deep-nesting": "<div>" * 20000 + "teksts" + "</div>" * 20000,
    "huge-attribute": '<p title="' + "x" * 200_000 + '">teksts</p>',
    "many-paragraphs": "<p>vārds</p>" * 20000,
    "broken-entities": "<p>&amp &lt &#xZZZZ; &#99999999999; &bogus;</p>",
    "cdata": "<![CDATA[ <p>not html</p> ]]>",
    "frameset": "<frameset><frame src='a.html'></frameset>",
    "svg-only": "<svg><text>Teksts</text></svg>",
    "xml-declaration": "<?xml version='1.0'?><rss><channel><item>x</item></channel></rss>",
    "json-served-as-html": '{"title": "Ziņa", "body": "teksts"}',
    "plain-text": "Šī nav HTML lapa, tikai teksts.",
    "mojibake": "Ä¶ekavas paÅ¡valdÄ«ba Íekavas paðvaldîba",
    "lone-surrogate-escapes": "<p>&#xD800; &#xDFFF;</p>",
    "table-soup": "<table><tr><td><table><tr><td>x" * 500,
    "head-only": "<html><head><title>Tikai virsraksts</title></head></html>",
    "empty-article": "<html><body><article></article></body></html>",
    "nbsp-only-body": "<article><h1>Virsraksts</h1><p>&nbsp;</p><p>&nbsp;</p></article>",
}


@pytest.mark.parametrize("html", MALFORMED_HTML.values(), ids=MALFORMED_HTML.keys())
@pytest.mark.parametrize(
    "url", [None, "https://example.lv/zinas/1", OLD_CMS], ids=["no-url", "generic", "profile"]
)
def test_malformed_html_gives_no_article_and_a_warning_never_an_exception(
    html: str, url: str | None
) -> None:
    result = parse_html(html, url, today=TODAY)
    assert not result.is_article
    assert result.warnings, "a page that is not an article says why"
    assert isinstance(extract(html, url).body, str)


BAD_DATES_ON_ARTICLES = {
    "31-february": "31.02.2019.",
    "month-13": "04.13.2019.",
    "day-zero": "00.10.2019.",
    "far-future": "04.10.2099.",
    "tomorrow-plus-a-week": "02.12.2026.",
    "pre-1990": "04.10.1975.",
    "year-zero": "04.10.0000.",
    "no-date-at-all": "",
    "words-not-date": "drīzumā",
    "yearless": "14.04.",
    "phone-number": "67935800",
}


@pytest.mark.parametrize(
    "date_text", BAD_DATES_ON_ARTICLES.values(), ids=BAD_DATES_ON_ARTICLES.keys()
)
def test_article_with_a_bad_date_is_kept_undated_with_a_warning(date_text: str) -> None:
    result = parse_html(old_cms_page(date_text), OLD_CMS, today=TODAY)
    assert result.is_article
    assert result.article.published is None
    assert any("date" in warning for warning in result.warnings)


# --- B. Date strings ---------------------------------------------------------------------

NOT_DATES = [
    "31.02.2019.",
    "29.02.2019.",
    "32.01.2020.",
    "15.13.2020.",
    "00.00.0000.",
    "99.99.9999",
    "2019-02-30",
    "2019. gada 31. februārī",
    "30. februāris, 2020",
    "LV-2123",
    "tālr. 67935800",
    "v1.2.2019",
    "2,5 miljoni",
    "6-10 pašvaldības",
    "85% apmērā",
    "",
    "   ",
    "\x00",
    "ā" * 10000,
]


@pytest.mark.parametrize("text", NOT_DATES, ids=[f"not-date-{i}" for i in range(len(NOT_DATES))])
def test_impossible_or_non_dates_parse_to_none(text: str) -> None:
    assert dates.parse_date(text) is None


# --- C. URLs -----------------------------------------------------------------------------

BAD_CANONICAL = {
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<p>x</p>",
    "mailto": "mailto:dome@kekava.lv",
    "tel": "tel:+37167935800",
    "ftp": "ftp://kekava.lv/file.pdf",
    "relative": "index.php?id=150&lid=1",
    "no-host": "https:///pub/index.php",
    "only-scheme": "https://",
    "empty": "",
    "spaces": "   ",
    "10000-chars": "https://kekava.lv/" + "a" * 10_000,
    "bad-port": "https://kekava.lv:99999/x",
    "port-not-number": "https://kekava.lv:abc/x",
    "broken-ipv6": "https://[::1/x",
}


@pytest.mark.parametrize("url", BAD_CANONICAL.values(), ids=BAD_CANONICAL.keys())
def test_unusable_url_raises_a_one_line_value_error(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        urls.canonicalize(url)
    assert one_line(str(caught.value))


NOT_LINKS = {
    "javascript": "javascript:window.print()",
    "javascript-upper": "JAVASCRIPT:void(0)",
    "mailto": "mailto:dome@kekava.lv",
    "tel": "tel:67935800",
    "data": "data:image/png;base64,AAAA",
    "fragment": "#top",
    "empty": "",
    "blank": "   ",
}


@pytest.mark.parametrize("href", NOT_LINKS.values(), ids=NOT_LINKS.keys())
def test_hrefs_that_are_not_documents_are_skipped(href: str) -> None:
    assert urls.absolutize(href, OLD_CMS) is None


ODD_BUT_FINE = {
    "idn-host": ("https://ĶEKAVA.lv/Zinas/", "https://ķekava.lv/Zinas"),
    "relative-loop": ("https://kekava.lv/a/../a/./b/../b/", "https://kekava.lv/a/b"),
    "double-slashes": ("https://kekava.lv//pub//index.php", "https://kekava.lv/pub"),
}


@pytest.mark.parametrize(("url", "expected"), ODD_BUT_FINE.values(), ids=ODD_BUT_FINE.keys())
def test_odd_but_valid_urls_canonicalise_without_error(url: str, expected: str) -> None:
    key = urls.canonicalize(url)
    assert key == expected
    assert urls.canonicalize(key) == key


def listing_page(hrefs: list[str]) -> Page:
    items = "".join(f'<div class="news-item"><h2><a href="{h}">x</a></h2></div>' for h in hrefs)
    text = f"<html><body>{items}</body></html>"
    return Page(
        url="https://www.kekava.lv/pub/",
        final_url="https://www.kekava.lv/pub/",
        status=200,
        headers=(),
        body=text.encode(),
        text=text,
        encoding="utf-8",
        fetched_at=dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
    )


def test_hostile_listing_links_are_skipped_with_a_reason_and_good_ones_kept(
    sources: tuple[Source, ...],
) -> None:
    source = next(s for s in sources if s.name == "kekava-old")
    hostile = [
        "javascript:alert(1)",
        "data:text/html,x",
        "mailto:x@kekava.lv",
        "https://kekava.lv:99999/x",
        "/pub/index.php?id=150&lid=" + "1" * 10_000,
        "https://evil.example.com/pub/index.php?id=150&lid=1",
        "index.php?id=150&lid=13828",
    ]
    listing = discover.listing_links(listing_page(hostile), source)
    assert listing.article_urls == ("https://www.kekava.lv/pub/index.php?id=150&lid=13828",)
    assert len(listing.skipped) == 2 and all(one_line(m) for m in listing.skipped)


# --- D. Configuration files ----------------------------------------------------------------

GOOD_SOURCE = '[[source]]\nname = "x"\nstart_urls = ["https://kekava.lv/jaunumi/"]\n'
BAD_CONFIGS = {
    "toml-syntax": ("[archiver\ndb = 1", "invalid TOML"),
    "unclosed-string": ('[archiver]\nuser_agent = "x', "invalid TOML"),
    "unknown-section": ("[crawler]\ndelay = 1\n", "unknown section"),
    "unknown-setting": ("[archiver]\ndelay_seconds = 1\n", "unknown setting"),
    "delay-string": ('[archiver]\ndelay = "fast"\n', "must be a number"),
    "delay-negative": ("[archiver]\ndelay = -1\n", "must be a number"),
    "timeout-bool": ("[archiver]\ntimeout = true\n", "must be a number"),
    "robots-string": ('[archiver]\nobey_robots = "yes"\n', "true or false"),
    "user-agent-number": ("[archiver]\nuser_agent = 5\n", "must be a string"),
    "resolve-not-table": ('[archiver]\nresolve = "127.0.0.1:80"\n', "resolve must be a table"),
    "resolve-remote": ('[archiver]\nresolve = { "kekava.lv" = "8.8.8.8:80" }\n', "loopback"),
    "resolve-no-port": ('[archiver]\nresolve = { "kekava.lv" = "127.0.0.1" }\n', "loopback"),
    "source-no-name": ('[[source]]\nstart_urls = ["https://kekava.lv/"]\n', "has no name"),
    "source-no-urls": ('[[source]]\nname = "x"\n', "start_urls must be a list"),
    "source-urls-string": (
        '[[source]]\nname = "x"\nstart_urls = "https://kekava.lv/"\n',
        "start_urls",
    ),
    "source-unknown-key": (GOOD_SOURCE + "speed = 3\n", "unknown source key"),
    "source-bad-regex": (GOOD_SOURCE + 'article_pattern = "([a-"\n', "bad article_pattern"),
    "source-bad-selector": (GOOD_SOURCE + 'article_links = "a[[["\n', "bad article_links"),
    "source-aliases-list": (GOOD_SOURCE + 'host_aliases = ["a"]\n', "host_aliases must be a table"),
    "source-max-pages-text": (GOOD_SOURCE + 'max_listing_pages = "many"\n', "source x"),
    "duplicate-sources": (GOOD_SOURCE + GOOD_SOURCE, "must be unique"),
    "source-not-table": ("source = [1, 2]\n", "must be a table"),
}


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_invalid_config_is_a_one_line_config_error_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "archiver.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert one_line(str(caught.value))


@pytest.mark.parametrize(
    "make",
    [
        lambda p: None,
        lambda p: p.mkdir(),
        lambda p: p.write_bytes(b"\xff\xfe\x00bad"),
    ],
    ids=["missing-file", "directory", "not-utf8"],
)
def test_unreadable_config_file_is_a_one_line_error(tmp_path: Path, make: object) -> None:
    path = tmp_path / "archiver.toml"
    make(path)  # type: ignore[operator]
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert one_line(str(caught.value))


# --- E. Search queries SQLite's FTS5 may reject -----------------------------------------------

FTS_QUERIES = [
    '"unbalanced',
    "AND OR",
    "*",
    "AND",
    "NOT",
    "(",
    ")",
    "NEAR(",
    "title:",
    "^",
    '""',
    "-",
    "pasvaldiba AND",
    "OR pasvaldiba",
    "a:b:c",
    "'; DROP TABLE articles; --",
]


@pytest.fixture(scope="module")
def archive_with_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from archiver.fixture_site import serve_fixture_site

    path = tmp_path_factory.mktemp("fts") / "archive.db"
    store = Store.open(path)
    with serve_fixture_site() as site:
        crawl_once(site, store, load_config().sources[:1])
    store.close()
    return path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ARCHIVER_DEBUG": ""},
    )


@pytest.mark.parametrize("query", FTS_QUERIES, ids=[f"fts-{i}" for i in range(len(FTS_QUERIES))])
def test_any_search_query_gives_results_or_a_one_line_error(
    archive_with_articles: Path, query: str
) -> None:
    result = run_cli(
        "search", query, "--db", str(archive_with_articles), cwd=archive_with_articles.parent
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 1:
        assert result.stderr.startswith("archiver: error: ") and one_line(result.stderr)
    count = sqlite3.connect(archive_with_articles).execute("SELECT count(*) FROM articles")
    assert count.fetchone()[0] == 19  # nothing a query says can touch the archive


# --- F. Database files -----------------------------------------------------------------------


def test_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    path.write_bytes(b"MEETING NOTES\n" * 500)
    result = run_cli("crawl", "--db", str(path), "-q", cwd=tmp_path)
    assert result.returncode == 1 and one_line(result.stderr)
    assert "cannot open archive" in result.stderr
    assert path.read_bytes() == b"MEETING NOTES\n" * 500


def test_database_from_a_newer_archiver_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    result = run_cli("stats", "--db", str(path), cwd=tmp_path)
    assert result.returncode == 1 and one_line(result.stderr)
    assert "newer than this archiver supports" in result.stderr


def test_directory_given_as_database_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli("crawl", "-q", "--db", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1 and one_line(result.stderr)


def test_read_only_archive_can_be_searched_but_not_crawled_into(
    archive_with_articles: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "ro.db"
    source = sqlite3.connect(archive_with_articles)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("PRAGMA journal_mode=DELETE")
    target.close()
    copy.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        if os.access(copy, os.W_OK):
            pytest.skip("running as a user who can write read-only files (root)")
        search = run_cli("search", "pasvaldiba", "--db", str(copy), cwd=tmp_path)
        assert search.returncode == 0 and search.stdout
        crawl = run_cli("crawl", "-q", "--db", str(copy), cwd=tmp_path)
        assert crawl.returncode == 1 and one_line(crawl.stderr)
    finally:
        tmp_path.chmod(0o755)


def test_crawl_into_an_archive_opened_read_only_is_a_store_error(
    site: FixtureSite, archive_with_articles: Path, sources: tuple[Source, ...]
) -> None:
    store = Store.open(archive_with_articles, readonly=True)
    with pytest.raises(StoreError) as caught:
        crawl_once(site, store, sources[:1])
    assert "readonly" in str(caught.value) and one_line(str(caught.value))
    assert store.article_count() == 19
    store.close()


def test_full_disk_stops_the_crawl_with_a_store_error_and_a_consistent_archive(
    site: FixtureSite, tmp_path: Path, sources: tuple[Source, ...]
) -> None:
    store = Store.open(tmp_path / "archive.db")
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 30}")  # a tiny disk
    with pytest.raises(StoreError) as caught:
        crawl_once(site, store, sources[:1])
    assert "cannot write to archive" in str(caught.value) and one_line(str(caught.value))
    archived = store.article_count()
    store.close()
    conn = sqlite3.connect(tmp_path / "archive.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = conn.execute(
        "SELECT count(*) FROM articles a"
        " WHERE NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.article_id = a.id)"
        " OR a.versions != (SELECT count(*) FROM article_versions v WHERE v.article_id = a.id)"
    ).fetchone()[0]
    assert orphans == 0 and archived < 19
    conn.close()
