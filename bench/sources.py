"""The shipped sources crawled together vs one after another, on the bundled fixture site.

Run from the repository root (`pip install -e .` is enough):

    python bench/sources.py                  # per-host delay 0.25 s, 3 runs each
    python bench/sources.py --delay 1.0      # the default delay of a real crawl

This is `archiver demo`'s crawl (the 14 sources of `archiver.toml`, the
fixture site served on 127.0.0.1) with a per-host delay, so the politeness
wait dominates as it does on the real sites: `concurrency` = 1 crawls the
sources one after another, the default (4) crawls sources on different hosts
at once, one connection per host. Each run archives into a new file; the
table prints median wall times, requests, the ratio, and the floor: the
busiest host's requests x delay (no crawl of these sources can be faster
without breaking the per-host delay; `www.kekava.lv` and `kekava.lv` count
as two hosts, as they do for the fetcher).
"""

from __future__ import annotations

import argparse
import collections
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from archiver import crawl, discover
from archiver.config import default_config_path, load_config
from archiver.fetch import Fetcher, FetchSettings, make_client
from archiver.fixture_site import serve_fixture_site
from archiver.models import CrawlReport
from archiver.store import Store


def one_crawl(delay: float, workers: int) -> tuple[float, CrawlReport, int]:
    """One crawl of the shipped sources into a new archive: (seconds, report, most
    requests any one host received)."""
    sources = load_config(default_config_path()).sources
    with tempfile.TemporaryDirectory() as folder, serve_fixture_site() as site:
        host, port = site.address
        store = Store.open(Path(folder) / "archive.db")
        settings = FetchSettings(user_agent="archiver-bench", delay=delay, retry_wait=0.0)
        with make_client({name: (host, port) for name in site.table.hosts}) as client:
            fetcher = Fetcher(client=client, settings=settings)
            started = time.perf_counter()
            report = crawl.crawl(
                sources, store=store, fetcher=fetcher, policy=crawl.CrawlPolicy(), workers=workers
            )
            seconds = time.perf_counter() - started
        store.close()
        per_host = collections.Counter(r.host.split(":")[0] for r in site.log)
    return seconds, report, max(per_host.values())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delay", type=float, default=0.25, help="per-host delay, seconds")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way")
    parser.add_argument("--workers", type=int, default=4, help="sources at once (concurrency)")
    args = parser.parse_args(argv)
    sources = load_config(default_config_path()).sources
    groups = crawl.host_groups(sources)
    rows = []
    for label, workers in (("one after another", 1), (f"concurrency {args.workers}", args.workers)):
        runs = [one_crawl(args.delay, workers) for _ in range(args.repeat)]
        seconds = statistics.median(s for s, _, _ in runs)
        _, report, busiest = runs[0]
        requests = sum(r.requests for r in report.sources)
        articles = sum(r.new_articles for r in report.sources)
        rows.append((label, seconds, requests, articles, busiest * args.delay))
    sequential = rows[0][1]
    hosts = sorted({h for s in sources for h in discover.source_hosts(s)})
    print(
        f"{len(sources)} sources in {len(groups)} host groups ({len(hosts)} hosts),"
        f" delay {args.delay} s per host, median of {args.repeat} runs"
    )
    print("| crawl | wall s | requests | articles | vs one after another | floor s |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, seconds, requests, articles, floor in rows:
        print(
            f"| {label} | {seconds:.2f} | {requests} | {articles} |"
            f" {seconds / sequential:.2f}x | {floor:.2f} |"
        )


if __name__ == "__main__":
    main()
