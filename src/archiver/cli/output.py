"""How results look: search hits as text, JSON and CSV, articles and attachments, progress."""

from __future__ import annotations

import csv
import sys
from typing import Any

import typer

from archiver.models import CrawlReport
from archiver.store import SearchHit, StoredArticle, StoredAttachment


def report_json(report: CrawlReport) -> dict[str, Any]:
    return {
        "crawl_id": report.crawl_id,
        "seconds": round(report.seconds, 3),
        "failures": report.failures,
        "sources": [
            {name: getattr(s, name) for name in s.__dataclass_fields__} for s in report.sources
        ],
    }


def noop(message: str) -> None:
    """Swallow progress lines (-q)."""


def hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        **article_json(hit.article),
        "snippet": hit.snippet,
        "rank": hit.rank,
        "attachment": hit.attachment,
    }


SEARCH_CSV_COLUMNS = (
    "id",
    "published",
    "source",
    "department",
    "title",
    "url",
    "snippet",
    "rank",
    "attachment",
)


def print_hits_csv(hits: list[SearchHit]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(SEARCH_CSV_COLUMNS)
    for hit in hits:
        a = hit.article
        published = a.published.isoformat() if a.published else ""
        row = (a.id, published, a.source, a.department or "", a.title, a.url, hit.snippet)
        writer.writerow((*row, hit.rank, hit.attachment or ""))


def highlighted(hit: SearchHit) -> str:
    """The snippet with its marked matches in bold yellow instead of brackets."""
    text, out, cursor = hit.snippet, "", 0
    for start, end in hit.marks:
        out += text[cursor:start] + "\x1b[1;33m" + text[start + 1 : end - 1] + "\x1b[0m"
        cursor = end
    return out + text[cursor:]


def print_hits(hits: list[SearchHit]) -> None:
    tty = sys.stdout.isatty()
    for number, hit in enumerate(hits, 1):
        a = hit.article
        snippet = (highlighted(hit) if tty else hit.snippet).replace("\n", " ")
        if hit.attachment is not None:
            snippet = f"(attachment {hit.attachment}) {snippet}"
        meta = " · ".join(
            x for x in (str(a.published or "no date"), a.department or "", a.source) if x
        )
        typer.echo(f"{number}. {a.title}\n   {meta}\n   {a.url}\n   {snippet}")


def article_json(a: StoredArticle) -> dict[str, Any]:
    return {
        "id": a.id,
        "url": a.url,
        "canonical_url": a.canonical_url,
        "source": a.source,
        "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "department": a.department,
        "body": a.body,
        "links": [{"url": ln.url, "text": ln.text, "kind": ln.kind} for ln in a.links],
        "versions": a.versions,
    }


def describe_attachment(file: StoredAttachment) -> str:
    """One line: name, kind, size and how much text it gave, or why it is not stored."""
    if file.attachment_id is None:
        return f"{file.url}  (not fetched: see `failures`, or on another host)"
    kind = (file.kind or "unknown type").upper()
    pages = f", {file.pages} page{'s' if file.pages > 1 else ''}" if file.pages else ""
    size = f"{(file.size or 0) / 1024:,.0f} KB"
    text = (
        f"{file.chars:,} characters of text"
        if file.chars
        else f"no text ({file.text_error or 'none in the file'})"
    )
    return f"{file.name} ({kind}{pages}, {size}, {text}): {file.url}"


def no_progress(done: int) -> None:
    """No progress display (stderr is not a terminal)."""


def progress_bar(total: int) -> Any:
    def show(done: int) -> None:
        if done == total or done % 50 == 0:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()

    return show
