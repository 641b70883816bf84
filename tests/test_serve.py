"""Datasette over a real archive: in-process through Datasette's client, and in Chromium."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.models import Article, Link, Page
from archiver.serve import make_datasette, word_diff
from archiver.store import Store
from fixture_archive import SEED_TITLE, build_fixture_archive

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_archive(tmp_path_factory.mktemp("serve") / "archive.db")


def get(path: Path, url: str, *, immutable: bool = False) -> Any:
    """GET `url` from a Datasette over `path` in-process; JSON answers are decoded."""
    datasette = make_datasette(path, immutable=immutable)

    async def fetch() -> Any:
        return await datasette.client.get(url)

    response = asyncio.run(fetch())
    assert response.status_code == 200, (url, response.text[:500])
    if "json" in response.headers.get("content-type", ""):
        return response.json()
    return response.text


def test_metadata_gives_a_title_and_description(archive_path: Path) -> None:
    data = get(archive_path, "/-/metadata.json")
    assert data["title"] == "Municipal news archive"
    assert "pasvaldibai" in data["description"]


@pytest.mark.parametrize("immutable", [False, True], ids=["read-only", "immutable"])
def test_search_box_finds_inflected_forms_without_diacritics(
    archive_path: Path, immutable: bool
) -> None:
    rows = get(
        archive_path,
        "/archive/articles.json?_search=pasvaldibai+piedalas&_shape=array",
        immutable=immutable,
    )
    assert SEED_TITLE in [r["title"] for r in rows]


def test_search_box_on_attachments_finds_words_in_their_text(archive_path: Path) -> None:
    # "velosipedists": another form, typed without diacritics, of a word only in plans.pdf.
    rows = get(archive_path, "/archive/attachments.json?_search=velosipedists&_shape=array")
    assert [r["name"] for r in rows] == ["plans.pdf"]


def test_search_box_with_an_unclosed_quote_still_answers(archive_path: Path) -> None:
    rows = get(archive_path, '/archive/articles.json?_search="pasvaldiba&_shape=array')
    assert isinstance(rows, list)


def test_articles_facet_by_source_department_and_year(archive_path: Path) -> None:
    data = get(archive_path, "/archive/articles.json?_size=0")
    facets = data["facet_results"]
    assert {"source", "department", "year"} <= set(facets)
    years = {f["value"]: f["count"] for f in facets["year"]["results"]}
    assert years["2019"] == 4 and years["2021"] == 7


def test_latest_per_source_lists_at_most_five_newest_each(archive_path: Path) -> None:
    rows = get(archive_path, "/archive/latest_per_source.json?_shape=array")
    by_source: dict[str, list[str]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row["published"])
    assert set(by_source) == {"kekava-old", "kekava", "bauska", "lubana"}
    for dates in by_source.values():
        assert len(dates) == 5 and dates == sorted(dates, reverse=True)
    assert by_source["kekava-old"][0] == "2022-01-21"


def test_articles_of_a_department_ignores_diacritics(archive_path: Path) -> None:
    rows = get(archive_path, "/archive/department_articles.json?department=juridiska&_shape=array")
    assert [r["department"] for r in rows] == ["Juridiskā nodaļa"]


def test_articles_of_a_department_are_every_match_newest_first(archive_path: Path) -> None:
    """Every article whose department holds the text, as a scan of the table finds them."""
    rows = get(archive_path, "/archive/department_articles.json?department=NODALA&_shape=array")
    store = Store.open(archive_path, readonly=True)
    expected = store.db.execute(
        "SELECT id FROM articles WHERE instr(archiver_fold(department), 'nodala') > 0"
        " ORDER BY published DESC, id DESC"
    ).fetchall()
    store.close()
    assert len(expected) >= 2
    assert [r["id"] for r in rows] == [article_id for (article_id,) in expected]
    assert len({r["department"] for r in rows}) >= 2


def test_article_page_shows_paragraphs_and_clickable_links(archive_path: Path) -> None:
    store = Store.open(archive_path)
    article = store.get_article("https://kekava.lv/pub?id=150&lid=14248")
    store.close()
    assert article is not None
    html = get(archive_path, f"/archive/articles/{article.id}")
    assert "<p>Ķekavas novada pašvaldība aicina iedzīvotājus" in html
    assert '<a href="https://www.kekava.lv/upload/saistoso_noteikumu_projekts_2020_3.pdf">' in html
    assert "Saistošo noteikumu projekts</a> <em>(attachment)</em>" in html


def test_sql_that_writes_is_refused(archive_path: Path) -> None:
    store = Store.open(archive_path)
    before = store.article_count()
    store.close()
    datasette = make_datasette(archive_path)

    async def fetch() -> Any:
        return await datasette.client.get("/archive.json?sql=DELETE+FROM+articles")

    response = asyncio.run(fetch())
    assert response.status_code == 400
    store = Store.open(archive_path)
    assert store.article_count() == before > 0
    store.close()


def test_word_diff_marks_removed_and_added_words() -> None:
    old = "Sēde notiks 14. martā Ķekavas kultūras namā."
    new = "Sēde notiks 21. martā Ķekavas kultūras namā un tiešsaistē."
    assert word_diff(old, new) == (
        "Sēde notiks [-14.-]{+21.+} martā Ķekavas kultūras [-namā.-]{+namā un tiešsaistē.+}"
    )


def test_changed_articles_shows_each_version_with_a_word_diff(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    store = Store.open(path)
    first = Article(
        url="https://x.lv/a",
        title="Sanāksme",
        body="Sanāksme notiks 14. martā.",
        links=(Link(url="https://x.lv/a.pdf", text="PDF", kind="attachment"),),
    )
    edited = Article(url="https://x.lv/a", title="Sanāksme", body="Sanāksme notiks 21. martā.")
    for number, article in enumerate((first, edited), 1):
        seen = dt.datetime(2026, 1, number, tzinfo=dt.UTC)
        page = Page(
            url="https://x.lv/a",
            final_url="https://x.lv/a",
            status=200,
            headers=(("Content-Type", "text/html"),),
            body=article.body.encode(),
            text=article.body,
            encoding="utf-8",
            fetched_at=seen,
        )
        with store.db.conn:
            page_id, _ = store.save_page(page, crawl_id=None)
            store.save_article(
                article,
                keys=("https://x.lv/a",),
                source="x",
                page_id=page_id,
                page_sha256="s",
                parser_version="1",
                seen_at=seen,
            )
    store.close()
    (row,) = get(path, "/archive/changed_articles.json?_shape=array")
    assert row["version"] == 2 and row["title"] == "Sanāksme"
    assert row["diff"] == "Sanāksme\nSanāksme notiks [-14.-]{+21.+} martā."
    html = get(path, "/archive/changed_articles")
    assert '<del style="background:#fdd">14.</del>' in html
    assert '<ins style="background:#dfd">21.</ins>' in html


# --- the command and a real browser ---------------------------------------------------


@pytest.fixture
def served(archive_path: Path) -> Iterator[str]:
    """`archiver serve` in a subprocess on a free port; yields the articles URL it announces."""
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", "serve", "--db", str(archive_path), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    url = process.stderr.readline().strip()
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


def test_serve_binds_localhost_and_answers(served: str) -> None:
    import httpx

    assert served.startswith("http://127.0.0.1:") and served.endswith("/archive/articles")
    response = httpx.get(served + ".json?_search=pasvaldiba&_shape=array", timeout=30)
    assert SEED_TITLE in [r["title"] for r in response.json()]


def test_serve_without_an_archive_is_a_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archiver", "serve", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("archiver: error: no archive at")
    assert len(result.stderr.splitlines()) == 1


def test_chromium_search_without_diacritics_finds_the_seed(served: str) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install Debian's chromium (see .ci/run)"
    screenshot = ROOT / "docs" / "datasette-search.png"
    screenshot.parent.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(served)
            page.fill("input[name=_search]", "pasvaldiba piedalas projekta")
            page.press("input[name=_search]", "Enter")
            page.wait_for_url("**_search=*")
            link = page.get_by_text(SEED_TITLE).first
            link.wait_for(timeout=15000)
            assert link.is_visible()
            assert "pasvaldiba piedalas projekta" in page.input_value("input[name=_search]")
            page.screenshot(path=str(screenshot), full_page=False)
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
