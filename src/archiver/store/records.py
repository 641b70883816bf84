"""Plain values the archive hands out and takes in, and how an article's text is keyed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from archiver.errors import StoreError
from archiver.models import Article, Link, Page

SaveStatus = Literal["new", "updated", "unchanged", "duplicate"]


def nfc(text: str) -> str:
    """Text as stored: NFC-normalised, so FTS folds every diacritic the same way."""
    return unicodedata.normalize("NFC", text)


def content_hash(article: Article) -> str:
    """The identity of an article's text: same title and body, same article."""
    return hashlib.sha256(nfc(article.title + "\n" + article.body).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class Tuning:
    """How one connection trades memory and durability for speed, sized for its job."""

    mmap_bytes: int
    cache_kib: int
    # SQLite's `PRAGMA synchronous`: "FULL" fsyncs the WAL at every commit.
    synchronous: Literal["FULL", "NORMAL"] = "FULL"


# Search reads scattered pages of a file that can pass 10 GB: memory-mapped
# reads and a 64 MB page cache halve its time (bench/archive.py). The mapped
# pages count as the process's resident memory, so it grows with the archive.
FOR_SEARCH = Tuning(mmap_bytes=1 << 30, cache_kib=65_536)

# A crawl writes an article per unit of work and reads little: a few index
# pages per URL. No mmap and an 8 MB cache keep its memory flat however big
# the archive (and per thread of a concurrent crawl). `synchronous=NORMAL`
# drops the fsync of each commit: in WAL mode the archive stays consistent
# even so, and only a power cut (not a killed process) can lose the last
# commits, leaving the archive as a crawl killed a little earlier would; the
# next run resumes from there (tests/test_chaos.py kills crawls at random).
FOR_CRAWL = Tuning(mmap_bytes=0, cache_kib=8_192, synchronous="NORMAL")


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupCommit:
    """When `Store.grouped_commits` commits: every `max_units` units, after `max_seconds`,
    or after a unit that came `max_gap` seconds or more after the one before."""

    max_units: int = 200
    max_seconds: float = 0.5
    max_gap: float = 0.05
    clock: Callable[[], float] = time.monotonic


@dataclass(frozen=True, slots=True, kw_only=True)
class SaveOutcome:
    """What saving one parsed article did."""

    status: SaveStatus
    article_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredArticle:
    """An article as read back from the archive."""

    id: int
    canonical_url: str
    url: str
    source: str
    title: str
    body: str
    published: dt.date | None
    department: str | None
    links: tuple[Link, ...]
    versions: int
    page_id: int | None
    parser_version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """One search result with a snippet whose matches are marked by `[` and `]`.

    `marks` are the offsets of those `[match]`es in `snippet`; `rank` is
    FTS5's bm25 score (lower is better). `attachment` names the attached file
    the match is in when the article was found through one (the snippet is
    then from that file's text).
    """

    article: StoredArticle
    snippet: str
    marks: tuple[tuple[int, int], ...]
    rank: float
    attachment: str | None = None


PARSED_FIELDS = ("title", "body", "published", "department", "links")


def parsed_fields(article: Article) -> tuple[Any, ...]:
    """An article's `PARSED_FIELDS` in their stored form (NFC text, ISO date, links as JSON)."""
    return (
        nfc(article.title),
        nfc(article.body),
        article.published.isoformat() if article.published else None,
        nfc(article.department) if article.department else None,
        json.dumps(
            [{"url": ln.url, "text": nfc(ln.text), "kind": ln.kind} for ln in article.links],
            ensure_ascii=False,
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReparseInput:
    """An article as stored (`fields` in `PARSED_FIELDS` order) with its raw page, for `reparse`.

    The page stays an undecoded row until `page()`, so the work of decoding
    it falls to whichever process parses it.
    """

    article_id: int
    url: str
    fields: tuple[Any, ...]
    raw_page: tuple[Any, ...] | None

    def page(self) -> Page | None:
        """The raw page the article was parsed from, or None when none is stored."""
        return None if self.raw_page is None else page_from_row(self.raw_page)


# Raw pages are stored zlib-compressed (HTML shrinks to a fifth or less); a
# body that would not shrink by a tenth (a PDF, an image) is stored as it is.
# `pages.compression` says which: "zlib", or NULL for bytes as received.
_COMPRESS_FROM = 256


def pack(body: bytes) -> tuple[bytes, str | None]:
    """The bytes to store for a response body, and how they are compressed."""
    if len(body) < _COMPRESS_FROM:
        return body, None
    packed = zlib.compress(body, 6)
    return (packed, "zlib") if len(packed) < 0.9 * len(body) else (body, None)


def unpack(stored: bytes, compression: str | None) -> bytes:
    """The response body as received, from what `pack` stored."""
    if compression is None:
        return bytes(stored)
    if compression == "zlib":
        return zlib.decompress(stored)
    raise StoreError(f"stored page compressed with unknown method {compression!r}")


def page_from_row(row: Sequence[Any]) -> Page:
    """A `Page` from (url, final_url, status, headers, redirects, encoding, fetched_at, body,
    compression)."""
    body = unpack(row[7], row[8])
    # Decode with the codec chosen when the page was fetched, so a
    # reparse sees exactly the text the crawl saw.
    encoding = row[5]
    text = "" if encoding in ("", "binary") else body.decode(encoding, errors="replace")
    return Page(
        url=row[0],
        final_url=row[1],
        status=row[2],
        headers=tuple((k, v) for k, v in json.loads(row[3])),
        body=body,
        text=text,
        encoding=encoding,
        fetched_at=dt.datetime.fromisoformat(row[6]),
        redirects=tuple(json.loads(row[4])),
    )


def now() -> str:
    """The current UTC time as stored in the archive's timestamp columns."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredAttachment:
    """A document an article links to, as `archiver show` lists it.

    `attachment_id` is None while the file has not been fetched (failed,
    off-site, too big, or not tried yet); the other file fields are then None.
    """

    url: str
    link_text: str
    attachment_id: int | None
    name: str | None = None
    size: int | None = None
    kind: str | None = None
    content_type: str | None = None
    pages: int | None = None
    chars: int | None = None
    text_error: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Space:
    """Bytes of the archive file (with its write-ahead log), and how many of
    them are free pages that only compacting returns to the disk."""

    file_bytes: int
    free_bytes: int


@dataclass(frozen=True)
class CompactReport:
    before: Space
    after: Space
    seconds: float
