"""The `archiver` command in a subprocess: output streams, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.fixture_site import Answer, FixtureSite
from conftest import write_fixture_config

SEED_TITLE = "Pašvaldība piedalās starptautiskā projektā, lai uzlabotu pilsētvides attīstību"


def archiver(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


@pytest.fixture
def config(site: FixtureSite, tmp_path: Path) -> Path:
    return write_fixture_config(tmp_path / "archiver.toml", site, tmp_path / "archive.db")


def test_help_documents_the_exit_codes(tmp_path: Path) -> None:
    result = archiver("--help", cwd=tmp_path)
    assert result.returncode == 0
    for line in (
        "0  everything went fine",
        "1  error",
        "2  usage error",
        "3  the crawl finished",
        "4  another crawl is already running",
    ):
        assert line in result.stdout


def test_crawl_then_search_show_stats_and_reparse(config: Path, tmp_path: Path) -> None:
    crawl = archiver("crawl", "--config", str(config), cwd=tmp_path)
    assert crawl.returncode == 0, crawl.stderr
    assert crawl.stdout == ""  # results only on stdout; the summary goes to stderr
    assert "kekava-old:" in crawl.stderr and "new" in crawl.stderr

    search = archiver("search", "pasvaldiba", "--json", "--config", str(config), cwd=tmp_path)
    assert search.returncode == 0
    hits = json.loads(search.stdout)
    seed = next(h for h in hits if h["title"] == SEED_TITLE)
    assert seed["published"] == "2019-10-04" and seed["department"] == "Administratīvā pārvalde"
    assert "[" in seed["snippet"]

    plain = archiver("search", "pasvaldiba", "--config", str(config), cwd=tmp_path)
    assert SEED_TITLE in plain.stdout and "2019-10-04" in plain.stdout

    variant = "https://arhivs.kekava.lv/pub/index.php?gid=1&id=150&lid=13828"
    show = archiver("show", variant, "--config", str(config), cwd=tmp_path)
    assert show.returncode == 0, show.stderr
    assert show.stdout.startswith(SEED_TITLE)
    assert "https://urbact.eu/apstiprin%C4%81ti-23" in show.stdout

    stats = archiver("stats", "--json", "--config", str(config), cwd=tmp_path)
    counts = json.loads(stats.stdout)
    assert dict(counts["year"])["2019"] >= 2
    assert dict(counts["source"])["kekava-old"] >= 15
    assert (counts["articles"], counts["attached_files"], counts["removed"]) == (39, 7, 0)

    reparse = archiver("reparse", "--config", str(config), cwd=tmp_path)
    assert reparse.returncode == 0 and "0 changed" in reparse.stderr


def test_quiet_crawl_prints_nothing_on_success(config: Path, tmp_path: Path) -> None:
    result = archiver("crawl", "-q", "--config", str(config), cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_crawl_with_a_failing_url_exits_3(site: FixtureSite, config: Path, tmp_path: Path) -> None:
    site.set("/pub/index.php?id=150&lid=13828", Answer(status=404, body=b"gone"))
    result = archiver("crawl", "-q", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        "archiver: 1 URL(s) failed; see the failures table"
    ]


def test_missing_config_is_a_one_line_error_exit_1(tmp_path: Path) -> None:
    result = archiver("crawl", "--config", "nope.toml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "archiver: error: config file not found: nope.toml\n"


def test_unknown_option_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    result = archiver("crawl", "--no-such-flag", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_search_without_an_archive_is_a_one_line_error(config: Path, tmp_path: Path) -> None:
    result = archiver("search", "pasvaldiba", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("archiver: error: no archive at ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "archive.db").exists()  # a search never creates a database


def test_demo_archives_the_fixture_site_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    first = archiver("demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "archive.db").exists()
    assert SEED_TITLE in first.stdout
    assert "Archived 39 new articles and 7 attached files into archive.db" in first.stdout
    second = archiver("demo", cwd=tmp_path)
    assert second.returncode == 0
    assert "Archived 0 new articles and 0 attached files" in second.stdout


def test_second_crawl_while_one_runs_exits_4_at_once(config: Path, tmp_path: Path) -> None:
    from archiver.store import Store

    store = Store.open(tmp_path / "archive.db")
    with store.crawl_lock():  # stands for a crawl in progress
        result = archiver("crawl", "--config", str(config), cwd=tmp_path)
    store.close()
    assert result.returncode == 4
    assert result.stderr.startswith("archiver: another crawl is already running on ")
    assert len(result.stderr.strip().splitlines()) == 1
    after = archiver("crawl", "-q", "--config", str(config), cwd=tmp_path)
    assert after.returncode == 0  # the lock went with its holder


def test_extraction_health_problem_exits_3_with_one_line(tmp_path: Path) -> None:
    from archiver.fixture_site import serve_fixture_site
    from sitegen import FIRST_LID, write_site

    root, db = tmp_path / "site", tmp_path / "archive.db"
    write_site(root, 30)
    with serve_fixture_site(root) as site:
        config = write_fixture_config(
            tmp_path / "archiver.toml", site, db, only_sources=("kekava-old",)
        )
        assert archiver("crawl", "-q", "--config", str(config), cwd=tmp_path).returncode == 0
    write_site(root, 40, undated_from=FIRST_LID + 30)  # the site "redesigned": no dates
    with serve_fixture_site(root) as site:
        config = write_fixture_config(
            tmp_path / "archiver.toml", site, db, only_sources=("kekava-old",)
        )
        result = archiver("crawl", "-q", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "archiver: extraction health: published found on 0% of 10 new articles (was 100%);"
        " has the site changed?"
    ]


def test_sources_lists_each_source_with_its_ways_in_and_archived_count(
    config: Path, tmp_path: Path
) -> None:
    before = archiver("sources", "--json", "--config", str(config), cwd=tmp_path)
    assert before.returncode == 0, before.stderr  # no archive yet: counts are 0
    listed = {row["name"]: row for row in json.loads(before.stdout)}
    assert len(listed) == 14 and all(row["articles"] == 0 for row in listed.values())
    wordpress = listed["kekava"]
    assert wordpress["feed"] == ["https://kekava.lv/feed/"]
    assert wordpress["sitemap"] == ["https://kekava.lv/wp-sitemap.xml"]
    assert listed["kekava-old"]["ids"] == [
        "https://www.kekava.lv/pub/index.php?id=150&gid=1&lid={id}"
    ]
    assert listed["bauska"]["profile"] == "state-platform"
    assert listed["lubana"]["profile"] == "joomla"
    assert archiver("crawl", "--config", str(config), cwd=tmp_path).returncode == 0
    after = archiver("sources", "--config", str(config), cwd=tmp_path)
    assert "kekava-old  (profile: kekava-old-cms, kekava-wordpress; 19 articles)" in after.stdout
    assert "  feed     https://kekava.lv/feed/" in after.stdout
