"""Time `archiver reparse` over stored raw pages against the bare parse of the same pages.

Run from the repository root (`pip install -e .` is enough):

    python bench/reparse.py                   # 100k pages, as issue 8 asks
    python bench/reparse.py --pages 10000     # a quick run

It builds a temporary archive through the project's own store code: old-CMS
article pages (`bench/oldcms.py`) on the Ķekava old-CMS hosts, each saved as
a raw page and as the article our parser makes of it, as a crawl would.
`--stale` of the articles (default 1%) then get a different stored title, as
if an older parser had made them, so a reparse has something to change.

In the same run it times, `--repeat` times each (median counts):

- bare parse: decode + `LexborHTMLParser` + our `parse.parse_page` of every
  stored page in one process, no database (bodies read ahead, untimed);
  `LexborHTMLParser` alone is shown too;
- `reparse.reparse(store, workers=N)` for each N of `--workers`, on the same
  archive, after the stale titles are put back; it must rewrite exactly the
  stale articles and nothing else.

The archive goes to a temporary folder (`--keep DIR` keeps it and reuses it
on the next run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from oldcms import old_cms_articles
from selectolax.lexbor import LexborHTMLParser

from archiver import parse, reparse
from archiver.models import Page
from archiver.store import Store

HOSTS = ("www.kekava.lv", "arhivs.kekava.lv")
FETCHED_AT = dt.datetime(2026, 11, 1, 3, 15, tzinfo=dt.UTC)
STALE_SUFFIX = " [vecais parsētājs]"
READ_BATCH = 1000
BASELINE = "bare parse (decode + parse_page)"


def build_archive(path: Path, pages: int, *, batch: int = 1000) -> None:
    """Save `pages` generated article pages and their parsed articles, as a crawl would."""
    store = Store.open(path)
    crawl_id = store.begin_crawl()
    generated = old_cms_articles(pages, hosts=HOSTS)
    done = 0
    while done < pages:
        with store.transaction():
            for url, html in _take(generated, batch):
                body = html.encode("utf-8")
                page = Page(
                    url=url,
                    final_url=url,
                    status=200,
                    headers=(("Content-Type", "text/html; charset=utf-8"),),
                    body=body,
                    text=html,
                    encoding="utf-8",
                    fetched_at=FETCHED_AT,
                )
                page_id, _ = store.save_page(page, crawl_id=crawl_id)
                result = parse.parse_page(page)
                store.save_article(
                    result.article,
                    keys=(url,),
                    source="kekava-old" if "//www." in url else "kekava-arhivs",
                    page_id=page_id,
                    page_sha256=hashlib.sha256(body).hexdigest(),
                    parser_version=parse.PARSER_VERSION,
                    seen_at=FETCHED_AT,
                )
                done += 1
    store.finish_crawl(crawl_id, status="ok", report={})
    store.close()


def _take(items: Iterator[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    taken = []
    for item in items:
        taken.append(item)
        if len(taken) == count:
            break
    return taken


def make_stale(store: Store, every: int) -> int:
    """Give every `every`-th article a title our parser would not make; returns how many."""
    with store.transaction():
        cursor = store.db.execute(
            "UPDATE articles SET title = title || ? WHERE id % ? = 0", [STALE_SUFFIX, every]
        )
    return int(cursor.rowcount)


def stored_pages(store: Store) -> Iterator[list[Page]]:
    """The stored raw page of every article, in batches (read untimed by the baseline)."""
    last = 0
    while True:
        rows = store.db.execute(
            "SELECT a.id, a.page_id FROM articles a WHERE a.id > ? ORDER BY a.id LIMIT ?",
            [last, READ_BATCH],
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield [store.load_page(page_id) for _, page_id in rows]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (worker processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def bare_seconds(store: Store, tool: Callable[[Page], object]) -> tuple[float, float]:
    """Wall and CPU seconds `tool` takes over every stored page, reading excluded."""
    wall = cpu = 0.0
    for batch in stored_pages(store):
        gc.collect()
        start, start_cpu = time.perf_counter(), cpu_seconds()
        for page in batch:
            tool(page)
        wall += time.perf_counter() - start
        cpu += cpu_seconds() - start_cpu
    return wall, cpu


def _lexbor(page: Page) -> object:
    return LexborHTMLParser(page.body.decode(page.encoding, errors="replace"))


def _decode_and_parse(page: Page) -> object:
    text = page.body.decode(page.encoding, errors="replace")
    return parse.parse_html(text, page.final_url, today=page.fetched_at.date())


def reparse_run(
    store: Store, workers: int, every: int
) -> tuple[tuple[float, float], reparse.ReparseReport, int]:
    """One timed reparse with `workers`: (wall, CPU) seconds, its report, rows it changed."""
    make_stale(store, every)
    gc.collect()
    before = store.db.conn.total_changes
    start, start_cpu = time.perf_counter(), cpu_seconds()
    report = reparse.reparse(store, workers=workers)
    seconds = (time.perf_counter() - start, cpu_seconds() - start_cpu)
    return seconds, report, store.db.conn.total_changes - before


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100_000, help="stored pages (articles)")
    parser.add_argument("--workers", default="1,2", help="worker counts to time, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median counts)")
    parser.add_argument("--stale", type=float, default=0.01, help="share of stale articles")
    parser.add_argument("--keep", type=Path, help="keep the archive in DIR (reused if there)")
    args = parser.parse_args(argv)
    every = max(1, round(1 / args.stale))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="archiver-reparse-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"reparse-{args.pages}.db"
    if not path.exists():
        start = time.perf_counter()
        partial = path.with_suffix(".partial")  # an interrupted build is never reused
        partial.unlink(missing_ok=True)
        build_archive(partial, args.pages)
        partial.rename(path)
        print(f"built {path} in {time.perf_counter() - start:.0f} s")
    store = Store.open(path)
    try:
        pages = store.article_count()
        stale = pages // every
        timings: dict[str, list[tuple[float, float]]] = {}
        checks: list[str] = []
        for _ in range(args.repeat):
            timings.setdefault("bare LexborHTMLParser(html)", []).append(
                bare_seconds(store, _lexbor)
            )
            timings.setdefault(BASELINE, []).append(bare_seconds(store, _decode_and_parse))
            for workers in [int(w) for w in args.workers.split(",")]:
                seconds, report, rows = reparse_run(store, workers, every)
                timings.setdefault(f"reparse, {workers} worker(s)", []).append(seconds)
                checks.append(
                    f"{workers} worker(s): {report.changed} articles rewritten"
                    f" ({stale} stale), {report.failed} failed, {rows} rows changed"
                    " (FTS index rows included)"
                )
    finally:
        store.close()
        if args.keep is None:
            shutil.rmtree(folder)
    print_table(timings, pages, stale, args.repeat)
    for line in sorted(set(checks)):
        print(line)


def print_table(
    timings: dict[str, list[tuple[float, float]]], pages: int, stale: int, repeat: int
) -> None:
    """Pages/s and CPU per page of each, median runs, against the bare parse."""
    wall = {name: statistics.median(w for w, _ in runs) for name, runs in timings.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in timings.items()}
    width = max(map(len, wall))
    print(f"{pages} stored pages, {stale} stale; median of {repeat} runs; {os.cpu_count()} CPUs")
    print(
        f"{'':<{width}}  {'pages/s':>8}  {'vs bare parse':>13}  {'CPU ms/page':>11}"
        f"  {'CPU vs bare':>11}"
    )
    print("-" * (width + 54))
    for name, seconds in wall.items():
        print(
            f"{name:<{width}}  {pages / seconds:8.0f}  {wall[BASELINE] / seconds:12.2f}x"
            f"  {1000 * cpu[name] / pages:11.3f}  {cpu[name] / cpu[BASELINE]:10.2f}x"
        )
    print()


if __name__ == "__main__":
    main()
