"""Shared test parts: the real fixture server, a real SQLite file, a real fetcher."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver import crawl
from archiver.config import default_config_path, load_config
from archiver.fetch import Fetcher, FetchSettings, make_client
from archiver.fixture_site import FixtureSite, fixtures_dir, serve_fixture_site
from archiver.models import CrawlReport, Source
from archiver.store import GroupCommit, Store

FIXTURES = fixtures_dir()


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    """The bundled fixture site, served on 127.0.0.1 on a free port."""
    with serve_fixture_site() as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh archive in a real SQLite file."""
    opened = Store.open(tmp_path / "archive.db")
    yield opened
    opened.close()


def quiet_settings(**overrides: Any) -> FetchSettings:
    """Fetch settings for tests: no waits anywhere."""
    values: dict[str, Any] = {
        "user_agent": "archiver-tests",
        "delay": 0.0,
        "retry_wait": 0.0,
        "attempts": 3,
        "max_retry_wait": 0.0,
    }
    values.update(overrides)
    return FetchSettings(**values)


@pytest.fixture
def fetcher(site: FixtureSite) -> Iterator[Fetcher]:
    """A fetcher whose client reaches only the fixture site's hosts."""
    host, port = site.address
    with make_client({name: (host, port) for name in site.table.hosts}) as client:
        yield Fetcher(client=client, settings=quiet_settings(), sleep=lambda seconds: None)


@pytest.fixture
def sources() -> tuple[Source, ...]:
    """The sources of the shipped configuration (every host of theirs is on the fixture site)."""
    return load_config(default_config_path()).sources


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def write_fixture_config(
    path: Path,
    site: FixtureSite,
    db: Path,
    *,
    only_sources: tuple[str, ...] | None = None,
    **settings: Any,
) -> Path:
    """An archiver.toml with the shipped sources, routed to the fixture site, no waits."""
    shipped = tomllib.loads(default_config_path().read_text(encoding="utf-8"))
    host, port = site.address
    values: dict[str, Any] = {
        **shipped["archiver"],
        "db": str(db),
        "delay": 0.0,
        "retry_wait": 0.0,
        "max_retry_wait": 0.0,
        "resolve": {name: f"{host}:{port}" for name in sorted(site.table.hosts)},
        **settings,
    }
    lines = ["[archiver]"] + [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    for source in shipped["source"]:
        if only_sources is not None and source["name"] not in only_sources:
            continue
        lines += ["", "[[source]]"] + [f"{k} = {_toml_value(v)}" for k, v in source.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expected_pages() -> list[Path]:
    """Every hand-checked `<name>.expected.json` of an article page."""
    return sorted(
        p for p in FIXTURES.rglob("*.expected.json") if "is_article" not in p.read_text("utf-8")
    )


def crawl_once(
    site: FixtureSite,
    store: Store,
    sources: tuple[Source, ...],
    *,
    max_pages: int | None = None,
    revisit: int = 10,
    revisit_hours: float = 20.0,
    attachment_max_bytes: int = 25_000_000,
    workers: int = 1,
    grouping: GroupCommit | None = None,
    **settings: Any,
) -> CrawlReport:
    """One crawl of `sources` against `site` into `store`, no waits, own client."""
    host, port = site.address
    with make_client({name: (host, port) for name in site.table.hosts}) as client:
        fetcher = Fetcher(client=client, settings=quiet_settings(**settings), sleep=lambda s: None)
        policy = crawl.CrawlPolicy(
            max_pages=max_pages,
            revisit=revisit,
            revisit_hours=revisit_hours,
            attachment_max_bytes=attachment_max_bytes,
        )
        return crawl.crawl(
            sources,
            store=store,
            fetcher=fetcher,
            policy=policy,
            workers=workers,
            grouping=grouping,
        )


def article_fields(store: Store) -> set[tuple[object, ...]]:
    """Every archived article's fields, for comparing whole archives."""
    return {
        (a.canonical_url, a.title, a.body, a.published, a.department, a.links)
        for a in store.iter_articles()
    }


def run_archiver(*args: str) -> subprocess.CompletedProcess[str]:
    """`archiver ARGS` in a fresh interpreter, as a user runs it; output captured."""
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
