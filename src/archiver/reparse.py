"""`reparse`: rebuild articles from the stored raw pages, with no network.

Parsing is pure CPU, so it can spread over worker processes; only this
process reads and writes the archive, and only what changed is written.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from archiver import attachments, parse
from archiver.models import Article
from archiver.store import ReparseInput, Store, parsed_fields

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    """Drop progress lines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReparseReport:
    """What `reparse` did: articles looked at and articles whose fields changed,
    and attached files whose text a newer reader changed."""

    articles: int
    changed: int
    failed: int
    attachments: int = 0


# Articles per batch of `reparse`: one query to read, one message to a worker
# and back, one transaction to write what changed.
REPARSE_BATCH = 250


def reparse(store: Store, *, workers: int = 1, log: Log = _quiet) -> ReparseReport:
    """Re-run the parser over each article's stored raw page; no network involved.

    Pages are read in batches; with `workers` > 1 that many worker processes
    parse them (parsing is pure CPU, so it spreads over cores) and compare
    the result with the stored fields, while this process alone reads and
    writes the archive. Only articles whose fields changed are written, each
    batch's in one transaction. Attached files whose text an older
    `attachments.READER_VERSION` read are read again from their stored bytes.
    """
    seen = changed = failed = 0
    for count, results in _parsed_batches(store, workers):
        seen += count
        if not results:
            continue
        with store.transaction():
            for article_id, outcome in results:
                if isinstance(outcome, str):
                    failed += 1
                    if outcome:
                        log(outcome)
                elif store.replace_parsed_fields(article_id, outcome, parse.PARSER_VERSION):
                    changed += 1
    reread = 0
    for attachment_id in store.stale_attachments(attachments.READER_VERSION):
        document = attachments.read_document(store.attachment_body(attachment_id))
        version = attachments.READER_VERSION
        reread += store.replace_attachment_text(attachment_id, document, version)
    return ReparseReport(articles=seen, changed=changed, failed=failed, attachments=reread)


# What parsing one batch gives: how many articles it held, and for those whose
# fields changed the new article, for those that failed why (an empty reason:
# no stored page, nothing worth a log line).
_Reparsed = tuple[int, list[tuple[int, Article | str]]]


def _parsed_batches(store: Store, workers: int) -> Iterator[_Reparsed]:
    """Parse every article's page, batch by batch, here or in `workers` processes.

    At most two batches per worker are in flight, so memory stays flat
    however big the archive is.
    """
    batches = _reparse_inputs(store)
    if workers <= 1:
        yield from map(_reparse_batch, batches)
        return
    # "spawn": a fresh interpreter, not a fork of one holding SQLite connections and threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[_Reparsed]] = deque()
        for batch in batches:
            pending.append(pool.submit(_reparse_batch, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _reparse_inputs(store: Store) -> Iterator[list[ReparseInput]]:
    last = 0
    while batch := store.reparse_batch(after_id=last, limit=REPARSE_BATCH):
        last = batch[-1].article_id
        yield batch


def _reparse_batch(batch: list[ReparseInput]) -> _Reparsed:
    """Parse one batch of stored pages and keep what changed (in a worker process, if any)."""
    results: list[tuple[int, Article | str]] = []
    for stored in batch:
        page = stored.page()
        if page is None:
            results.append((stored.article_id, ""))
            continue
        result = parse.parse_page(page)
        if not result.is_article:
            reason = (
                f"{page.final_url} (article {stored.article_id}) no longer parses as an article"
            )
            results.append((stored.article_id, reason))
        elif parsed_fields(result.article) != stored.fields:
            results.append((stored.article_id, dataclasses.replace(result.article, url=stored.url)))
    return len(batch), results
