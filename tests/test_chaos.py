"""Long runs against a generated 1,000-article site: chaos faults and SIGKILLs lose nothing.

Marked `slow`; `.ci/run` still runs them (the README's test command runs all).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver.fixture_site import Chaos, serve_fixture_site
from archiver.models import Source
from archiver.store import Store
from conftest import article_fields, crawl_once, write_fixture_config
from sitegen import ATTACH_EVERY, write_site

pytestmark = pytest.mark.slow

ARTICLES = 1000
CHAOS_RATE = 0.2
CHAOS_SEED = 20261125


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big-site")
    write_site(root, ARTICLES)
    return root


@pytest.fixture
def old_cms(sources: tuple[Source, ...]) -> tuple[Source, ...]:
    return tuple(s for s in sources if s.name == "kekava-old")


def test_chaos_crawl_archives_every_article_exactly_once_within_three_runs(
    big_site: Path, tmp_path: Path, old_cms: tuple[Source, ...]
) -> None:
    clean = Store.open(tmp_path / "clean.db")
    with serve_fixture_site(big_site) as site:
        crawl_once(site, clean, old_cms)
    assert clean.article_count() == ARTICLES

    chaotic = Store.open(tmp_path / "chaos.db")
    runs = 0
    with serve_fixture_site(big_site) as site:
        site.chaos = Chaos(rate=CHAOS_RATE, seed=CHAOS_SEED)
        while (chaotic.article_count() < ARTICLES or unfetched(chaotic)) and runs < 3:
            runs += 1
            crawl_once(site, chaotic, old_cms, attempts=3)
        injected = site.chaos.injected
    print(f"\nchaos: {injected} faults injected, {runs} runs, {chaotic.article_count()} articles")
    assert injected > 100
    assert chaotic.article_count() == ARTICLES  # nothing lost
    duplicates = chaotic.db.execute(
        "SELECT count(*) FROM (SELECT content_hash FROM articles GROUP BY 1 HAVING count(*) > 1)"
    ).fetchone()[0]
    assert duplicates == 0
    assert article_fields(chaotic) == article_fields(clean)
    # Every attached PDF too, each once, with the same bytes and text.
    assert stored_files(clean) == stored_files(chaotic)
    assert len(stored_files(clean)) == ARTICLES // ATTACH_EVERY and unfetched(chaotic) == 0
    clean.close()
    chaotic.close()


def unfetched(store: Store) -> int:
    row = store.db.execute("SELECT count(*) FROM article_attachments WHERE attachment_id IS NULL")
    return int(row.fetchone()[0])


def stored_files(store: Store) -> set[tuple[str, str, str]]:
    """(url, sha256, text) of every attached file, however it is linked."""
    cursor = store.db.execute(
        "SELECT u.url, f.sha256, f.text FROM attachment_urls u"
        " JOIN attachments f ON f.id = u.attachment_id"
    )
    return set(cursor.fetchall())


def check_consistent(db: Path) -> int:
    """The archive passes integrity_check and holds no half-written article."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        if not {"articles", "article_urls", "article_versions", "articles_fts"} <= tables:
            # Killed while the first run created the schema: no article can exist yet,
            # and the next open creates what is missing.
            assert "articles" not in tables or not conn.execute("SELECT 1 FROM articles").fetchone()
            return 0
        orphans = conn.execute(
            "SELECT count(*) FROM articles a WHERE a.page_id NOT IN (SELECT id FROM pages)"
            " OR a.versions != (SELECT count(*) FROM article_versions v WHERE v.article_id = a.id)"
            " OR NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.article_id = a.id)"
        ).fetchone()[0]
        assert orphans == 0
        fts = conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        count = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        assert fts == count
        if "attachments_fts" in tables:
            # A file is stored with its URL, its index row and its article links, or not at all.
            files = conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
            assert conn.execute("SELECT count(*) FROM attachments_fts").fetchone()[0] == files
            half = conn.execute(
                "SELECT count(*) FROM attachments f WHERE NOT EXISTS"
                " (SELECT 1 FROM attachment_urls u WHERE u.attachment_id = f.id)"
                " OR EXISTS (SELECT 1 FROM attachment_urls u JOIN article_attachments l"
                " ON l.url = u.url WHERE u.attachment_id = f.id AND l.attachment_id IS NULL)"
            ).fetchone()[0]
            assert half == 0
        return count
    finally:
        conn.close()


def test_sigkill_at_random_points_never_corrupts_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    write_site(root, 300)
    db = tmp_path / "archive.db"
    rng = random.Random(7)
    kills = 0
    counts = []
    with serve_fixture_site(root) as site:
        config = write_fixture_config(
            tmp_path / "archiver.toml", site, db, only_sources=("kekava-old",)
        )
        command = [sys.executable, "-m", "archiver", "crawl", "-q", "--config", str(config)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for _ in range(20):
            process = subprocess.Popen(command, cwd=tmp_path, env=env)
            time.sleep(rng.uniform(0.3, 2.0))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
            counts.append(check_consistent(db))
        final = subprocess.run(command, cwd=tmp_path, env=env, timeout=300)
    print(f"\nSIGKILL: {kills} kills survived, articles after each: {counts}")
    assert kills >= 15
    assert final.returncode == 0
    assert check_consistent(db) == 300
    conn = sqlite3.connect(db)
    files = conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
    linked = conn.execute("SELECT count(*) FROM article_attachments WHERE attachment_id IS NULL")
    assert (files, linked.fetchone()[0]) == (300 // ATTACH_EVERY, 0)
    conn.close()
