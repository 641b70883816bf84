"""A real archive of the whole fixture site, crawled once, for search/serve/export tests."""

from __future__ import annotations

from pathlib import Path

from archiver import crawl
from archiver.config import default_config_path, load_config
from archiver.fetch import Fetcher, make_client
from archiver.fixture_site import serve_fixture_site
from archiver.store import Store
from conftest import quiet_settings

SEED_TITLE = "Pašvaldība piedalās starptautiskā projektā, lai uzlabotu pilsētvides attīstību"


def build_fixture_archive(path: Path) -> Path:
    """Crawl the bundled fixture site (served on 127.0.0.1) into a new archive at `path`."""
    sources = load_config(default_config_path()).sources
    with serve_fixture_site() as site:
        host, port = site.address
        with make_client({name: (host, port) for name in site.table.hosts}) as client:
            fetcher = Fetcher(client=client, settings=quiet_settings(), sleep=lambda s: None)
            store = Store.open(path)
            try:
                report = crawl.crawl(sources, store=store, fetcher=fetcher)
            finally:
                store.close()
    assert report.failures == 0
    return path
