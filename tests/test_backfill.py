"""Backfill from a web archive: CDX parsing, and captures served by the fixture server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archiver import crawl, discover
from archiver.fetch import Fetcher, make_client
from archiver.fixture_site import FixtureSite
from archiver.models import Source
from archiver.store import Store
from conftest import FIXTURES, crawl_once, quiet_settings, write_fixture_config

CDX = (FIXTURES / "wayback" / "kekava-cdx.txt").read_bytes()
LOST = "https://kekava.lv/pub?id=150&lid=12001"
SEED = "https://kekava.lv/pub?id=150&lid=13828"


def old_cms(sources: tuple[Source, ...]) -> Source:
    return next(s for s in sources if s.name == "kekava-old")


def test_cdx_gives_the_newest_good_html_capture_per_page(sources: tuple[Source, ...]) -> None:
    captures, skipped = discover.cdx_captures(CDX, old_cms(sources))
    assert [(c.timestamp, c.original) for c in captures] == [
        ("20191010120000", "https://www.kekava.lv/pub/index.php?id=150&lid=13828"),
        ("20180320101500", "https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=12001"),
    ]  # the 404 capture and the logo are left out; lid=12001's older capture too
    assert captures[1].archive_url == (
        "https://web.archive.org/web/20180320101500id_/"
        "https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=12001"
    )
    assert captures[1].captured_at == "2018-03-20T10:15:00+00:00"
    assert skipped == ()


def test_cdx_json_format_reads_the_same(sources: tuple[Source, ...]) -> None:
    rows = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
    rows += [line.split() for line in CDX.decode().splitlines()]
    captures, _ = discover.cdx_captures(json.dumps(rows).encode(), old_cms(sources))
    assert len(captures) == 2


def test_garbage_cdx_lines_are_reported(sources: tuple[Source, ...]) -> None:
    captures, skipped = discover.cdx_captures(b"not a cdx line\n\n", old_cms(sources))
    assert captures == () and skipped == ("CDX line 1: expected 5+ fields, got 4",)


def test_backfill_brings_back_a_lost_article_and_keeps_live_ones_single(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    source = old_cms(sources)
    crawl_once(site, store, (source,))
    before = store.article_count()
    captures, _ = discover.cdx_captures(CDX, source)
    host, port = site.address
    with make_client({name: (host, port) for name in site.table.hosts}) as client:
        fetcher = Fetcher(client=client, settings=quiet_settings(), sleep=lambda s: None)
        report = crawl.backfill(source, captures, store=store, fetcher=fetcher)
        again = crawl.backfill(source, captures, store=store, fetcher=fetcher)
    assert (report.new_articles, report.already_archived, report.failures) == (1, 1, 0)
    assert (again.new_articles, again.already_archived) == (0, 2)
    assert store.article_count() == before + 1
    lost = store.get_article(LOST)
    assert lost is not None and lost.title == "Sākta Rīgas ielas gājēju ietves izbūve"
    assert lost.url == "https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=12001"
    assert lost.published is not None and lost.published.isoformat() == "2018-03-15"
    (captured_at,) = store.db.execute(
        "SELECT captured_at FROM captures WHERE page_id = ?", [lost.page_id]
    ).fetchone()
    assert captured_at == "2018-03-20T10:15:00+00:00"
    # The seed was live already: the archive's copy was not even fetched.
    assert not [r for r in site.log if r.host == "web.archive.org" and "13828" in r.path]
    seed = store.get_article(SEED)
    assert seed is not None and seed.versions == 1


def test_backfill_command_reads_a_cdx_file(site: FixtureSite, tmp_path: Path) -> None:
    config = write_fixture_config(tmp_path / "archiver.toml", site, tmp_path / "archive.db")
    cdx = FIXTURES / "wayback" / "kekava-cdx.txt"
    command = [sys.executable, "-m", "archiver", "backfill", "kekava-old", "--cdx", str(cdx)]
    result = subprocess.run(
        [*command, "--config", str(config)], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "2 articles brought back, 0 already archived" in result.stderr
    missing = subprocess.run(
        [*command[:-1], "nope.cdx", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("archiver: error: cannot read CDX file nope.cdx")


def test_id_backfill_steps_down_and_stops_after_consecutive_misses(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    source = old_cms(sources)
    crawl_once(site, store, (source,))
    site.log.clear()
    host, port = site.address
    with make_client({name: (host, port) for name in site.table.hosts}) as client:
        fetcher = Fetcher(client=client, settings=quiet_settings(), sleep=lambda s: None)
        report = crawl.backfill_ids(source, store=store, fetcher=fetcher, misses=4)
    # 13827 is a gap, 13826 an unlisted article, then 13825..13822 four misses.
    assert (report.new_articles, report.captures, report.failures) == (1, 6, 0)
    found = store.get_article("https://kekava.lv/pub?id=150&lid=13826")
    assert found is not None and found.title == "Rudens talka Ķekavas parkā 12. oktobrī"
    assert store.db.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
    tried = [r.path for r in site.log if "lid=" in r.path]
    assert [p.rsplit("=", 1)[1] for p in tried] == [
        "13827",
        "13826",
        "13825",
        "13824",
        "13823",
        "13822",
    ]
