"""Exports of the archive for other tools: JSON Lines, CSV, Parquet and WARC.

JSONL, CSV and Parquet hold one record per article with the columns of
`COLUMNS` (the data dictionary; Parquet carries it in its schema). WARC holds
the stored raw responses as `response` records with their original headers,
so replay tools such as pywb can open the archive.

Filters: `since` (articles published on or after) and `sources`. A filtered
WARC holds the pages of the matching articles (every version) and the files
they link; an unfiltered one every stored page, listings included, and every
attached file, each once per URL it was fetched from.
"""

from __future__ import annotations

import csv
import datetime as dt
import http
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO, cast

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from archiver import __version__
from archiver.errors import ArchiverError
from archiver.store import Store, unpack

Format = Literal["jsonl", "csv", "parquet", "warc"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "parquet", "warc")
TEXT_FORMATS: tuple[Format, ...] = ("jsonl", "csv")
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    """One column of the article exports: name, Parquet type and meaning."""

    name: str
    type: pa.DataType
    description: str


_LINK = pa.struct([("url", pa.string()), ("text", pa.string()), ("kind", pa.string())])

# The data dictionary of the JSONL, CSV and Parquet exports, in column order.
COLUMNS: tuple[Column, ...] = (
    Column(name="id", type=pa.int64(), description="Article id in the archive (stable)."),
    Column(
        name="canonical_url",
        type=pa.string(),
        description="Canonical URL: the article's identity across URL variants and hosts.",
    ),
    Column(name="url", type=pa.string(), description="URL the article was fetched from."),
    Column(name="source", type=pa.string(), description="Configured source name."),
    Column(name="title", type=pa.string(), description="Headline, NFC-normalised."),
    Column(
        name="published",
        type=pa.date32(),
        description="Publication date as printed on the page (ISO date); empty if none.",
    ),
    Column(
        name="department",
        type=pa.string(),
        description="Signing department or author unit; empty if the page names none.",
    ),
    Column(name="body", type=pa.string(), description="Main text, one paragraph per line."),
    Column(
        name="links",
        type=pa.list_(_LINK),
        description="Links in the body: url, text, kind (page or attachment). JSON text in CSV.",
    ),
    Column(
        name="versions",
        type=pa.int32(),
        description="How many distinct texts the article has had (1 = never edited).",
    ),
    Column(
        name="first_seen",
        type=pa.string(),
        description="When the article was first archived (UTC, ISO 8601).",
    ),
    Column(
        name="last_seen",
        type=pa.string(),
        description="When a crawl last saw the article (UTC, ISO 8601).",
    ),
    Column(
        name="content_hash",
        type=pa.string(),
        description="SHA-256 of title and body: equal hashes, equal text.",
    ),
)


def _type_name(kind: pa.DataType) -> str:
    if pa.types.is_list(kind):
        return "list"
    return {"int64": "int64", "int32": "int32", "date32[day]": "date"}.get(str(kind), "string")


def data_dictionary() -> str:
    """The data dictionary as a plain-text table (printed by `archiver export --dictionary`)."""
    width = max(len(c.name) for c in COLUMNS)
    lines = [f"{'column':{width}}  {'type':6}  meaning"]
    for c in COLUMNS:
        lines.append(f"{c.name:{width}}  {_type_name(c.type):6}  {c.description}")
    return "\n".join(lines)


# --- reading the archive ---------------------------------------------------------


def _where(since: dt.date | None, sources: tuple[str, ...]) -> tuple[str, list[Any]]:
    clauses, args = ["1"], list[Any]()
    if since:
        clauses.append("published >= ?")
        args.append(since.isoformat())
    if sources:
        clauses.append(f"source IN ({', '.join('?' for _ in sources)})")
        args.extend(sources)
    return " AND ".join(clauses), args


def count_articles(store: Store, *, since: dt.date | None, sources: tuple[str, ...]) -> int:
    """How many articles an export with these filters holds."""
    where, args = _where(since, sources)
    return int(store.db.execute(f"SELECT count(*) FROM articles WHERE {where}", args).fetchone()[0])


def iter_records(
    store: Store, *, since: dt.date | None = None, sources: tuple[str, ...] = ()
) -> Iterator[dict[str, Any]]:
    """Article records in id order, with the columns of `COLUMNS` (links as a list)."""
    where, args = _where(since, sources)
    names = ", ".join(c.name for c in COLUMNS)
    cursor = store.db.execute(f"SELECT {names} FROM articles WHERE {where} ORDER BY id", args)
    for row in cursor:
        record = dict(zip((c.name for c in COLUMNS), row, strict=True))
        record["links"] = json.loads(record["links"])
        yield record


# --- writers -----------------------------------------------------------------------


def write_jsonl(records: Iterator[dict[str, Any]], out: TextIO, progress: Progress) -> int:
    """One JSON object per line; returns how many."""
    count = 0
    for count, record in enumerate(records, 1):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        progress(count)
    return count


def write_csv(records: Iterator[dict[str, Any]], out: TextIO, progress: Progress) -> int:
    """CSV with a header row; `links` as JSON text, empty cells for missing values."""
    writer = csv.DictWriter(out, fieldnames=[c.name for c in COLUMNS], lineterminator="\n")
    writer.writeheader()
    count = 0
    for count, record in enumerate(records, 1):
        writer.writerow({**record, "links": json.dumps(record["links"], ensure_ascii=False)})
        progress(count)
    return count


def parquet_schema() -> pa.Schema:
    """The Parquet schema: each field's description in its metadata, the dictionary too."""
    fields = [pa.field(c.name, c.type, metadata={"description": c.description}) for c in COLUMNS]
    dictionary = {c.name: c.description for c in COLUMNS}
    return pa.schema(
        fields,
        metadata={
            "archiver.version": __version__,
            "archiver.data_dictionary": json.dumps(dictionary, ensure_ascii=False),
        },
    )


def write_parquet(
    records: Iterator[dict[str, Any]], out: Path, progress: Progress, *, batch: int = 1000
) -> int:
    """Parquet in row groups of `batch` articles; returns how many."""
    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(str(out), schema) as writer:
        rows: list[dict[str, Any]] = []
        for count, record in enumerate(records, 1):
            published = record["published"]
            rows.append(
                {**record, "published": dt.date.fromisoformat(published) if published else None}
            )
            if len(rows) == batch:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
            progress(count)
        if rows or count == 0:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    return count


# Headers that describe the bytes on the wire, not the stored body: httpx
# stored the body decoded and whole, so a replay must not decode it again.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def _page_ids(store: Store, since: dt.date | None, sources: tuple[str, ...]) -> list[int]:
    if not since and not sources:
        return [int(r[0]) for r in store.db.execute("SELECT id FROM pages ORDER BY id")]
    where, args = _where(since, sources)
    sql = (
        "SELECT DISTINCT page_id FROM article_versions WHERE page_id IS NOT NULL AND article_id IN"
        f" (SELECT id FROM articles WHERE {where})"
        " UNION SELECT page_id FROM articles WHERE page_id IS NOT NULL AND"
        f" id IN (SELECT id FROM articles WHERE {where}) ORDER BY 1"
    )
    return [int(r[0]) for r in store.db.execute(sql, args + args)]


def _attachment_rows(
    store: Store, since: dt.date | None, sources: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """(url, content_type, etag, last_modified, fetched_at, attachment id) of attached files."""
    sql = (
        "SELECT u.url, f.content_type, u.etag, u.last_modified, u.fetched_at, f.id"
        " FROM attachment_urls u JOIN attachments f ON f.id = u.attachment_id"
    )
    args: list[Any] = []
    if since or sources:
        where, args = _where(since, sources)
        sql += (
            " WHERE u.url IN (SELECT l.url FROM article_attachments l WHERE l.article_id IN"
            f" (SELECT id FROM articles WHERE {where}))"
        )
    return store.db.execute(sql + " ORDER BY u.rowid", args).fetchall()


def count_pages(store: Store, *, since: dt.date | None, sources: tuple[str, ...]) -> int:
    """How many response records a WARC export with these filters holds."""
    return len(_page_ids(store, since, sources)) + len(_attachment_rows(store, since, sources))


def write_warc(
    store: Store,
    out: BinaryIO,
    progress: Progress,
    *,
    since: dt.date | None = None,
    sources: tuple[str, ...] = (),
    filename: str = "archive.warc.gz",
) -> int:
    """A gzipped WARC: a warcinfo record, then one response record per stored page."""
    writer = WARCWriter(out, gzip=True)
    writer.write_record(
        writer.create_warcinfo_record(
            filename, {"software": f"archiver/{__version__}", "format": "WARC File Format 1.1"}
        )
    )
    count = 0
    for count, page_id in enumerate(_page_ids(store, since, sources), 1):
        row = store.db.execute(
            "SELECT final_url, status, headers, fetched_at, body, compression FROM pages"
            " WHERE id = ?",
            [page_id],
        ).fetchone()
        final_url, status, headers, fetched_at, stored, compression = row
        body = unpack(stored, compression)
        kept = [(k, v) for k, v in json.loads(headers) if k.lower() not in _WIRE_HEADERS]
        _write_response(writer, final_url, status, kept, fetched_at, body)
        progress(count)
    # Attached files keep only the headers that describe them, not the whole response.
    for url, content_type, etag, last_modified, fetched_at, file_id in _attachment_rows(
        store, since, sources
    ):
        described = (("Content-Type", content_type), ("ETag", etag))
        kept = [(k, v) for k, v in (*described, ("Last-Modified", last_modified)) if v]
        body = store.attachment_body(file_id)
        _write_response(writer, url, 200, kept, fetched_at, body)
        count += 1
        progress(count)
    return count


def _write_response(
    writer: Any,
    url: str,
    status: int,
    headers: list[tuple[str, str]],
    fetched_at: str,
    body: bytes,
) -> None:
    """One `response` record: the status line, `headers` plus the body's length, the body."""
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=StatusAndHeaders(
            f"{status} {reason}",
            [*headers, ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        ),
        warc_headers_dict={"WARC-Date": _warc_date(fetched_at)},
    )
    writer.write_record(record)


def _warc_date(fetched_at: str) -> str:
    when = dt.datetime.fromisoformat(fetched_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def export(
    store: Store,
    fmt: Format,
    *,
    out: TextIO | BinaryIO | Path,
    since: dt.date | None = None,
    sources: tuple[str, ...] = (),
    progress: Progress = lambda n: None,
) -> int:
    """Write the archive in `fmt` to `out` (a text stream, binary stream or path)."""
    if fmt in ("jsonl", "csv"):
        if not isinstance(out, io.TextIOBase):
            raise ArchiverError(f"{fmt} export needs a text stream")
        records = iter_records(store, since=since, sources=sources)
        writer = write_jsonl if fmt == "jsonl" else write_csv
        return writer(records, cast(TextIO, out), progress)
    if fmt == "parquet":
        if not isinstance(out, Path):
            raise ArchiverError("parquet export needs an output file (-o)")
        return write_parquet(iter_records(store, since=since, sources=sources), out, progress)
    if fmt == "warc":
        if isinstance(out, Path):
            with out.open("wb") as stream:
                return write_warc(
                    store, stream, progress, since=since, sources=sources, filename=out.name
                )
        if isinstance(out, io.TextIOBase):
            raise ArchiverError("warc export needs a binary stream")
        return write_warc(store, cast(BinaryIO, out), progress, since=since, sources=sources)
    raise ArchiverError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
