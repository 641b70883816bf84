"""Crawl a big generated site on 127.0.0.1; compare with a bare client and the politeness floor.

Run from the repository root (`pip install -e .` is enough):

    python bench/crawl.py                                   # 2 x 500 and 10 x 2,000
    python bench/crawl.py --sizes 2x100 --repeat 1          # a quick run

Each size (`HOSTSxARTICLES`) is an old-CMS site (`bench/oldcms.py`) on that
many hosts, each host with its own routes, listing pages of 20 articles,
served by the project's fixture server (`archiver.fixture_site`) in a
process of its own, so the server does not share the crawler's interpreter
and GIL. Every measurement runs in a fresh process, so its peak RSS is its
own:

- (a) politeness off (delay 0, robots.txt fetched and obeyed but allowing
  everything): `archiver.crawl.crawl` of all hosts, one source per host, one
  after another, into a new archive, against a bare `httpx.Client` GETting
  the same URLs in the same order (same routed transport, bodies read, no
  parsing, no storing). Ratio: crawl pages/s / bare pages/s (target >= 0.9).
  The archive is opened as `archiver crawl` opens it (`store.FOR_CRAWL`: no
  mmap, an 8 MB page cache, `synchronous=NORMAL`); a second crawl row opens
  it as search does (`store.FOR_SEARCH`: 1 GiB mmap, 64 MB cache, an fsync
  per commit), to show what that tuning buys.
- (b) a per-host delay (`--delay`, default 0.05 s), sources crawled with
  `workers` = hosts (one thread and one connection per host): wall time
  against the politeness floor, requests x delay / hosts (target <= 1.1x).
- (c) a second run over the archive of (a) with nothing new: requests and
  rows written, with `revisit=0` and with the default revisit (10 newest per
  source, run as if a day later, so they are due). Rows written are counted
  twice: rows that differ afterwards (every table but `crawls`, where each
  run logs itself), and SQLite's `total_changes` (every row an INSERT,
  UPDATE or DELETE touched, including ones put back; the crawl's own two
  writes to `crawls` taken off).

Peak RSS is `VmHWM`; it counts the archive file's pages that SQLite maps
(`PRAGMA mmap_size`, none for a crawl) and each connection's page cache.
"anon at end" (`RssAnon` before the archive is closed) is the heap alone
(the page cache included). Times are medians of `--repeat` runs; the
machine is shared, so read the ratios, not the times.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import itertools
import multiprocessing
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from oldcms import crawl_urls, write_site

from archiver import crawl
from archiver.fetch import Fetcher, FetchSettings, make_client
from archiver.fixture_site import Answer, RouteTable, route_key, serve_fixture_site
from archiver.models import Source
from archiver.store import FOR_CRAWL, FOR_SEARCH, Store, Tuning

SPAWN = multiprocessing.get_context("spawn")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Size:
    """A generated site: `hosts` hosts of `articles` articles each."""

    hosts: int
    articles: int

    @classmethod
    def parse(cls, text: str) -> Size:
        hosts, articles = text.lower().split("x")
        return cls(hosts=int(hosts), articles=int(articles))

    @property
    def names(self) -> list[str]:
        return [f"novads{number:02d}.lv" for number in range(self.hosts)]

    def __str__(self) -> str:
        return f"{self.hosts} x {self.articles:,}"


# --- the server -------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class IndexedRouteTable(RouteTable):
    """`RouteTable` with its routes indexed by path and parameters, for sites of many routes.

    `RouteTable.find` scans every route, fine for the bundled site's few
    dozen but a 20,000-route site would make the server the bottleneck. The
    index gives the same answer: the matching route with the most parameters
    (each route's parameters are a subset of the request's, so trying the
    subsets of the request's parameters, largest first, finds it).
    """

    index: dict[tuple[str, frozenset[tuple[str, str]]], list[tuple[Answer, frozenset[str]]]] = (
        dataclasses.field(default_factory=dict)
    )

    @classmethod
    def of(cls, table: RouteTable) -> IndexedRouteTable:
        indexed = cls(
            root=table.root,
            hosts=table.hosts,
            ignore_params=table.ignore_params,
            routes=table.routes,
        )
        for path, params, answer, hosts in table.routes:
            key = (path, frozenset(params.items()))
            indexed.index.setdefault(key, []).append((answer, hosts))
        return indexed

    def find(self, path_and_query: str, host: str | None = None) -> Answer | None:
        path, params = route_key(path_and_query, self.ignore_params)
        items = sorted(params.items())
        for size in range(len(items), -1, -1):
            for subset in itertools.combinations(items, size):
                for answer, hosts in self.index.get((path, frozenset(subset)), ()):
                    if not hosts or host is None or host in hosts:
                        return answer
        return None


def serve(root: Path, port_out: Connection, stop: Any) -> None:
    """Serve the site under `root` until `stop` is set (in a process of its own)."""
    with serve_fixture_site(root) as site:
        site.table = IndexedRouteTable.of(site.table)
        # The handler writes the headers and the body in two sends: with Nagle's
        # algorithm on, the body waits for the client's delayed ACK (40 ms on
        # Linux) on every keep-alive request, and everything measures that.
        assert site.server is not None
        site.server.RequestHandlerClass.disable_nagle_algorithm = True  # type: ignore[attr-defined]
        port_out.send(site.address[1])
        stop.wait()


# --- the measurements (each in a fresh process) --------------------------------


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB (0 off Linux)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    Linux's `VmHWM`: `getrusage`'s `ru_maxrss` survives `execve`, so a
    spawned process would report its parent's peak if that was higher.
    """
    return status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sources_of(size: Size) -> tuple[Source, ...]:
    return tuple(
        Source(
            name=f"novads{number:02d}",
            start_urls=(f"https://{host}/pub/",),
            article_links=".news-item h2 a",
            drop_params=("gid",),
            max_listing_pages=10_000,
        )
        for number, host in enumerate(size.names)
    )


def resolve(size: Size, port: int) -> dict[str, tuple[str, int]]:
    return {host: ("127.0.0.1", port) for host in size.names}


def bare_fetch(size: Size, port: int) -> dict[str, float]:
    """GET every URL a full crawl fetches, one after another, bodies read and dropped."""
    urls = [url for host in size.names for url in crawl_urls(host, size.articles)]
    headers = {"User-Agent": "archiver-bench"}
    with make_client(resolve(size, port)) as client:
        start = time.perf_counter()
        for url in urls:
            response = client.get(url, headers=headers)
            response.raise_for_status()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "requests": len(urls), "rss": peak_rss_mb()}


def run_crawl(
    size: Size,
    port: int,
    db: str,
    *,
    delay: float = 0.0,
    workers: int = 1,
    revisit: int = 10,
    days_later: int = 0,
    tuning: Tuning = FOR_CRAWL,
) -> dict[str, float]:
    """One `crawl.crawl` of the site into `db`; seconds, requests, writes and peak RSS."""
    settings = FetchSettings(
        user_agent="archiver-bench", delay=delay, retry_wait=0.0, max_retry_wait=0.0
    )
    later = dt.timedelta(days=days_later)
    store = Store.open(db, tuning=tuning)
    with make_client(resolve(size, port)) as client:
        fetcher = Fetcher(
            client=client, settings=settings, now=lambda: dt.datetime.now(dt.UTC) + later
        )
        changes = store.db.conn.total_changes
        start = time.perf_counter()
        report = crawl.crawl(
            sources_of(size),
            store=store,
            fetcher=fetcher,
            policy=crawl.CrawlPolicy(revisit=revisit),
            workers=workers,
        )
        seconds = time.perf_counter() - start
    # begin_crawl and finish_crawl: the run's own record in `crawls`.
    changes = store.db.conn.total_changes - changes - 2
    anon = status_mb("RssAnon")  # heap, not the mmap of the archive file
    store.close()
    return {
        "seconds": seconds,
        "requests": fetcher.requests,
        "new": sum(s.new_articles for s in report.sources),
        "failures": report.failures,
        "changes": changes if workers == 1 else float("nan"),
        "rss": peak_rss_mb(),
        "anon": anon,
    }


def in_fresh_process(task: Callable[..., dict[str, float]], *args: Any, **kwargs: Any) -> Any:
    with ProcessPoolExecutor(max_workers=1, mp_context=SPAWN) as pool:
        return pool.submit(task, *args, **kwargs).result()


def table_rows(db: Path) -> dict[str, dict[int, str]]:
    """Every row of every table but `crawls` and the index internals, by rowid, hashed."""
    store = Store.open(db, readonly=True)
    tables = [
        name
        for (name,) in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'crawls'"
            " AND name NOT LIKE 'articles_fts%' AND name NOT LIKE 'attachments_fts%'"
            " AND name NOT LIKE 'sqlite_%'"
        )
    ]
    rows = {
        table: {
            row[0]: hashlib.sha256(repr(row[1:]).encode()).hexdigest()
            for row in store.db.execute(f"SELECT rowid, * FROM [{table}]")
        }
        for table in tables
    }
    store.close()
    return rows


def rows_differing(before: dict[str, dict[int, str]], after: dict[str, dict[int, str]]) -> int:
    """Rows added, removed or changed between two `table_rows` snapshots."""
    total = 0
    for table in before.keys() | after.keys():
        old, new = before.get(table, {}), after.get(table, {})
        total += len(old.keys() ^ new.keys())
        total += sum(1 for rowid in old.keys() & new.keys() if old[rowid] != new[rowid])
    return total


# --- the run ----------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Results:
    """Measurements of one size, lists over repeats."""

    size: Size
    runs: dict[str, list[dict[str, float]]] = dataclasses.field(default_factory=dict)
    second: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)

    def add(self, name: str, measured: dict[str, float]) -> None:
        self.runs.setdefault(name, []).append(measured)

    def median(self, name: str, key: str) -> float:
        return statistics.median(run[key] for run in self.runs[name])

    def peak(self, name: str) -> float:
        return max(run["rss"] for run in self.runs[name])


def measure(size: Size, folder: Path, *, delay: float, repeat: int) -> Results:
    """Every measurement of one size against one server."""
    root = folder / f"site-{size.hosts}x{size.articles}"
    write_site(root, size.names, size.articles)
    results = Results(size=size)
    receive, send = SPAWN.Pipe(duplex=False)
    stop = SPAWN.Event()
    server = SPAWN.Process(target=serve, args=(root, send, stop), daemon=True)
    server.start()
    try:
        port = receive.recv()
        for attempt in range(repeat):
            results.add("bare", in_fresh_process(bare_fetch, size, port))
            db = folder / f"a-{size.hosts}x{size.articles}-{attempt}.db"
            results.add("crawl", in_fresh_process(run_crawl, size, port, str(db)))
            if attempt == 0:
                second_runs(results, size, port, db)
            for leftover in folder.glob(db.name + "*"):
                leftover.unlink()
            measured = in_fresh_process(run_crawl, size, port, str(db), tuning=FOR_SEARCH)
            results.add("crawl, search-tuned", measured)
            for leftover in folder.glob(db.name + "*"):
                leftover.unlink()
        for attempt in range(repeat):
            db = folder / f"polite-{attempt}.db"
            polite = in_fresh_process(
                run_crawl, size, port, str(db), delay=delay, workers=size.hosts
            )
            results.add("polite", polite)
            for leftover in folder.glob(db.name + "*"):
                leftover.unlink()
    finally:
        stop.set()
        server.join(timeout=10)
        shutil.rmtree(root)
    return results


def second_runs(results: Results, size: Size, port: int, db: Path) -> None:
    """(c): crawl the complete archive again, with `revisit=0`, then with the default revisit."""
    for name, revisit, days_later in (("revisit=0", 0, 0), ("revisit=10, a day later", 10, 1)):
        before = table_rows(db)
        measured = in_fresh_process(
            run_crawl, size, port, str(db), revisit=revisit, days_later=days_later
        )
        measured["differing"] = rows_differing(before, table_rows(db))
        results.second[name] = measured


def report(all_results: Sequence[Results], delay: float, repeat: int) -> None:
    print(
        f"median of {repeat} run(s); server in its own process; peak RSS of the measuring process"
    )
    print()
    print("(a) politeness off: crawl vs bare httpx.Client, same URLs, sequential")
    print(
        f"{'site (hosts x articles)':<24} {'requests':>9} {'bare p/s':>9} {'crawl p/s':>10}"
        f" {'crawl/bare':>11} {'bare RSS':>9} {'crawl RSS':>10} {'anon at end':>12}"
    )
    for results in all_results:
        bare = results.median("bare", "requests") / results.median("bare", "seconds")
        for name in ("crawl", "crawl, search-tuned"):
            crawled = results.median(name, "requests") / results.median(name, "seconds")
            label = str(results.size) + ("" if name == "crawl" else " (search-tuned)")
            print(
                f"{label:<24} {results.median(name, 'requests'):9.0f} {bare:9.0f}"
                f" {crawled:10.0f} {crawled / bare:10.2f}x {results.peak('bare'):7.0f}MB"
                f" {results.peak(name):8.0f}MB {results.median(name, 'anon'):10.0f}MB"
            )
    print()
    print(f"(b) delay {delay} s per host, one thread per host: wall time vs the politeness floor")
    print(
        f"{'site (hosts x articles)':<24} {'requests':>9} {'floor s':>8} {'crawl s':>8}"
        f" {'crawl/floor':>12} {'RSS':>7}"
    )
    for results in all_results:
        requests = results.median("polite", "requests")
        floor = requests * delay / results.size.hosts
        seconds = results.median("polite", "seconds")
        print(
            f"{results.size!s:<24} {requests:9.0f} {floor:8.1f} {seconds:8.1f}"
            f" {seconds / floor:11.2f}x {results.peak('polite'):5.0f}MB"
        )
    print()
    print("(c) second run, nothing new: requests and rows written")
    print(
        f"{'site (hosts x articles)':<24} {'revisit':<24} {'requests':>9} {'per listing*':>12}"
        f" {'rows differing':>15} {'total_changes':>14} {'RSS':>7} {'anon at end':>12}"
    )
    for results in all_results:
        for name, measured in results.second.items():
            per_listing = (measured["requests"] - results.size.hosts) / results.size.hosts
            print(
                f"{results.size!s:<24} {name:<24} {measured['requests']:9.0f}"
                f" {per_listing:12.1f} {measured['differing']:15.0f}"
                f" {measured['changes']:14.0f} {measured['rss']:5.0f}MB"
                f" {measured['anon']:10.0f}MB"
            )
    print("* requests per listing (start URL), robots.txt (one per host and run) not counted")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="2x500,10x2000", help="sites to crawl, HOSTSxARTICLES, comma-separated"
    )
    parser.add_argument("--delay", type=float, default=0.05, help="per-host delay of (b), s")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b) per size")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="archiver-crawl-"))
    try:
        all_results = [
            measure(Size.parse(text), folder, delay=args.delay, repeat=args.repeat)
            for text in args.sizes.split(",")
        ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(all_results, args.delay, args.repeat)
    print(f"(this process, which generated the sites: peak RSS {peak_rss_mb():.0f}MB)")


if __name__ == "__main__":
    main()
