"""Articles the site takes away: kept in the archive, marked removed, restored when back."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from archiver.fixture_site import Answer, FixtureSite
from archiver.models import Source
from archiver.store import Store
from conftest import crawl_once

LISTING = "https://www.kekava.lv/pub/"
NEWS_1 = "/pub/"
DROPPED_LID = "16908"


@pytest.fixture
def old_cms(sources: tuple[Source, ...]) -> tuple[Source, ...]:
    return tuple(s for s in sources if s.name == "kekava-old")


def news_page(site: FixtureSite) -> str:
    answer = site.table.find("/pub/index.php?id=150")
    assert answer is not None
    return answer.body.decode("utf-8")


def items(page: str) -> list[str]:
    """The listing's `.news-item` blocks, in order."""
    return re.findall(r'  <div class="news-item">.*?\n  </div>\n', page, flags=re.S)


def without(page: str, *lids: str) -> str:
    for block in items(page):
        if any(f"lid={lid}" in block for lid in lids):
            page = page.replace(block, "")
    return page


def article_id(store: Store, lid: str) -> int:
    article = store.get_article(f"https://kekava.lv/pub?id=150&lid={lid}")
    assert article is not None
    return article.id


def removals(store: Store) -> list[tuple[int, int | None, str]]:
    return store.db.execute("SELECT article_id, status, reason FROM removals").fetchall()


def test_an_article_gone_from_its_listing_is_marked_removed_and_restored_when_back(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    crawl_once(site, store, old_cms)
    page = news_page(site)
    assert f"lid={DROPPED_LID}" in page
    site.set(NEWS_1, Answer(body=without(page, DROPPED_LID).encode("utf-8")))
    report = crawl_once(site, store, old_cms)
    assert (report.sources[0].removed, report.failures) == (1, 0)
    dropped = article_id(store, DROPPED_LID)
    assert removals(store) == [(dropped, None, f"gone from listing {LISTING}")]
    assert store.get_article(str(dropped)) is not None  # never deleted
    # Its page still answers 200 on a revisit: it stays removed from the listing.
    crawl_once(site, store, old_cms, revisit_hours=0)
    assert [r[0] for r in removals(store)] == [dropped]
    site.clear(NEWS_1)
    crawl_once(site, store, old_cms)
    assert removals(store) == []


def test_show_says_since_when_an_article_is_gone(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...], tmp_path: object
) -> None:
    crawl_once(site, store, old_cms)
    site.set(NEWS_1, Answer(body=without(news_page(site), DROPPED_LID).encode("utf-8")))
    crawl_once(site, store, old_cms)
    from archiver.cli import app

    result = CliRunner().invoke(
        app, ["show", str(article_id(store, DROPPED_LID)), "--db", store.path, "--json"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["removed_at"] and shown["removed_because"] == f"gone from listing {LISTING}"
    text = CliRunner().invoke(
        app, ["show", str(article_id(store, DROPPED_LID)), "--db", store.path]
    )
    assert f"Removed:    since {shown['removed_at']} (gone from listing {LISTING})" in text.stdout
    stats = CliRunner().invoke(app, ["stats", "--db", store.path])
    assert stats.stdout.startswith("articles: 19 (1 gone from the site, kept)\n")


def test_many_articles_missing_at_once_is_a_warning_not_removals(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    crawl_once(site, store, old_cms)
    page = news_page(site)
    # A redesigned listing that shows only its newest and oldest items.
    blocks = items(page)
    middle = [re.search(r"lid=(\d+)", b) for b in blocks[1:-1]]
    lids = [m.group(1) for m in middle if m]
    assert len(lids) >= 4
    site.set(NEWS_1, Answer(body=without(page, *lids).encode("utf-8")))
    report = crawl_once(site, store, old_cms)
    assert report.sources[0].removed == 0 and removals(store) == []
    (warning,) = store.db.execute(
        "SELECT message FROM warnings WHERE kind = 'listing' AND crawl_id = ?",
        [report.crawl_id],
    ).fetchall()
    assert "no longer shows" in warning[0] and "not marked removed" in warning[0]


def test_an_old_article_pinned_on_top_of_the_listing_removes_nothing(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    crawl_once(site, store, old_cms)
    page = news_page(site)
    pinned = (
        '  <div class="news-item">\n    <div class="news-item-date">04.10.2019.</div>\n'
        '    <h2><a href="index.php?id=150&amp;lid=13828">Pašvaldība piedalās projektā</a></h2>\n'
        "  </div>\n"
    )
    first = items(page)[0]
    site.set(NEWS_1, Answer(body=page.replace(first, pinned + first).encode("utf-8")))
    report = crawl_once(site, store, old_cms)
    assert report.sources[0].removed == 0 and removals(store) == []


def test_a_night_with_nothing_new_writes_no_sightings(
    site: FixtureSite, store: Store, old_cms: tuple[Source, ...]
) -> None:
    crawl_once(site, store, old_cms, revisit=0)
    sightings = store.db.execute("SELECT count(*) FROM listing_sightings").fetchone()[0]
    assert sightings >= 10  # the articles of the first listing page
    before = store.db.conn.total_changes
    crawl_once(site, store, old_cms, revisit=0)
    # The run's own row in `crawls` (inserted, then finished) and the walk's place in
    # `listing_frontier` (added, then removed); nothing for the sightings or removals.
    assert store.db.conn.total_changes - before == 4
    assert store.db.execute("SELECT count(*) FROM listing_sightings").fetchone()[0] == sightings
