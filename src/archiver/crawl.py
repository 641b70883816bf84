"""The one orchestrator: discover → fetch → parse → store, source by source.

A crawl walks each source's listing newest first and stops after the first
listing page whose articles were all archived before this run. Articles on
the pages it walks are fetched with conditional GET, so an unchanged known
article costs one 304 and an edited one becomes a new version. Each article
is one unit of work (its page, article, versions, links and bookkeeping land
together or not at all); a crawl on one connection commits the units in
groups, a concurrent one each on its own. A URL that fails is recorded in
`warnings` and the crawl goes on.

This module runs the sources (concurrently by host group) and reports;
`source_crawl` is what happens for one source, `backfill` brings back lost
articles from web archives or numbered ids, and `reparse` rebuilds articles
from the stored raw pages without any network. `CrawlPolicy`, `backfill`,
`backfill_ids` and `BackfillReport` are importable from here too.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from archiver import discover
from archiver.backfill import BackfillReport, backfill, backfill_ids
from archiver.fetch import Fetcher
from archiver.models import (
    CrawlReport,
    Source,
    SourceReport,
)
from archiver.source_crawl import CrawlPolicy, Log, SourceCrawl, quiet
from archiver.store import GroupCommit, Store, Tuning

__all__ = [
    "BackfillReport",
    "CrawlPolicy",
    "backfill",
    "backfill_ids",
    "crawl",
    "host_groups",
    "summary_line",
]


def crawl(
    sources: tuple[Source, ...],
    *,
    store: Store,
    fetcher: Fetcher,
    log: Log = quiet,
    clock: Callable[[], float] = time.monotonic,
    policy: CrawlPolicy | None = None,
    workers: int = 1,
    grouping: GroupCommit | None = None,
) -> CrawlReport:
    """Crawl each source into the store and report what happened per source.

    With `workers` > 1, groups of sources on different hosts are crawled
    concurrently, each group in its own thread with its own database
    connection, sharing the fetcher (which keeps one connection and the
    delay per host): a slow or dead site does not hold up the others.
    Reports keep the order of `sources`. A crawl in one thread commits its
    units of work in groups, as `grouping` says (`Store.grouped_commits`).
    """
    policy = policy or CrawlPolicy()
    started = clock()
    crawl_id = store.begin_crawl()
    done: dict[str, SourceReport] = {}
    status = "failed"

    lock = threading.Lock()

    def finished(report: SourceReport) -> None:
        with lock:  # called from worker threads; lines stay whole
            done[report.source] = report
            log(summary_line(report))
            for problem in report.health:
                log(f"{report.source}: {problem}")

    try:
        if workers <= 1 or len(sources) <= 1:
            # The one writer: articles are committed in groups (whole articles each).
            with store.grouped_commits(grouping or GroupCommit()):
                for source in sources:
                    finished(SourceCrawl(source, store, fetcher, crawl_id, policy).run())
        else:
            groups = host_groups(sources)
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="source") as pool:
                futures = [
                    pool.submit(
                        _crawl_group,
                        group,
                        store.path,
                        store.tuning,
                        fetcher,
                        crawl_id,
                        policy,
                        finished,
                    )
                    for group in groups
                ]
                for future in as_completed(futures):
                    future.result()  # a StoreError in any source stops the run
        status = "ok" if all(r.failures == 0 and not r.health for r in done.values()) else "partial"
    finally:
        reports = [done[s.name] for s in sources if s.name in done]
        store.finish_crawl(
            crawl_id,
            status=status,
            report={"sources": [dataclasses.asdict(r) for r in reports]},
        )
    return CrawlReport(crawl_id=crawl_id, sources=tuple(reports), seconds=clock() - started)


def host_groups(sources: tuple[Source, ...]) -> list[list[Source]]:
    """Sources that share a host (or an alias) form one group, crawled one after another.

    They are one server to be polite to, and often the same articles (the
    old CMS and its `arhivs.` copy): crawled in turn, the second finds the
    first's articles known instead of fetching them again.
    """
    groups: list[tuple[set[str], list[Source]]] = []
    for source in sources:
        hosts = set(discover.source_hosts(source))
        joined = [group for group in groups if group[0] & hosts]
        merged = (
            hosts.union(*(g[0] for g in joined)),
            [s for g in joined for s in g[1]] + [source],
        )
        groups = [group for group in groups if group not in joined] + [merged]
    return [members for _, members in groups]


def _crawl_group(
    group: list[Source],
    path: str,
    tuning: Tuning,
    fetcher: Fetcher,
    crawl_id: int,
    policy: CrawlPolicy,
    finished: Callable[[SourceReport], None],
) -> None:
    """One group of sources in a worker thread, on its own connection, tuned as the crawl's."""
    store = Store.open(path, tuning=tuning)
    try:
        for source in group:
            finished(SourceCrawl(source, store, fetcher, crawl_id, policy).run())
    finally:
        store.close()


def summary_line(report: SourceReport) -> str:
    """One line per source, as cron mails it."""
    retried = f", {report.recovered}/{report.retried} earlier failures recovered"
    files = f", {report.attachments} attachments" if report.attachments else ""
    return (
        f"{report.source}: {report.new_articles} new, {report.updated_articles} updated,"
        f" {report.unchanged_articles} unchanged, {report.duplicates} duplicate URLs{files},"
        f" {report.failures} failed{retried if report.retried else ''}"
        f" ({report.requests} requests, {report.not_modified} not modified)"
    )
