"""Exports of a real fixture archive, read back record for record against the database."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.export import COLUMNS
from conftest import FIXTURES
from conftest import run_archiver as archiver
from fixture_archive import build_fixture_archive

ROOT = Path(__file__).resolve().parents[1]
NAMES = [c.name for c in COLUMNS]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_archive(tmp_path_factory.mktemp("export") / "archive.db")


def rows(db: Path, where: str = "1", args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """The articles as the database holds them, straight from SQLite."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    found = [
        dict(r)
        for r in conn.execute(
            f"SELECT {', '.join(NAMES)} FROM articles WHERE {where} ORDER BY id", args
        )
    ]
    conn.close()
    assert found
    return found


def test_jsonl_on_stdout_reads_back_record_for_record(db: Path) -> None:
    result = archiver("export", "--format", "jsonl", "--db", str(db))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    expected = rows(db)
    assert len(records) == len(expected)
    for record, row in zip(records, expected, strict=True):
        assert list(record) == NAMES
        assert record == {**row, "links": json.loads(row["links"])}
    assert f"exported {len(expected)} articles as jsonl to stdout" in result.stderr


def test_csv_file_reads_back_record_for_record(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    result = archiver("export", "-f", "csv", "-o", str(out), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    with out.open(encoding="utf-8", newline="") as stream:
        records = list(csv.DictReader(stream))
    expected = rows(db)
    assert len(records) == len(expected)
    for record, row in zip(records, expected, strict=True):
        assert record == {k: "" if v is None else str(v) for k, v in row.items()}
    # Multi-line bodies survive the quoting.
    assert any("\n" in r["body"] for r in records)


def test_parquet_reads_back_with_its_data_dictionary(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.parquet"
    result = archiver("export", "-f", "parquet", "-o", str(out), "--db", str(db))
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.column_names == NAMES
    for column in COLUMNS:
        field = table.schema.field(column.name)
        assert field.metadata[b"description"].decode() == column.description
    dictionary = json.loads(table.schema.metadata[b"archiver.data_dictionary"])
    assert dictionary == {c.name: c.description for c in COLUMNS}
    expected = rows(db)
    for record, row in zip(table.to_pylist(), expected, strict=True):
        published = record["published"].isoformat() if record["published"] else None
        assert {**record, "published": published} == {**row, "links": json.loads(row["links"])}
    assert table.num_rows == len(expected)


def test_warc_holds_every_stored_response_with_its_headers(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "archive.warc.gz"
    result = archiver("export", "-f", "warc", "-o", str(out), "--db", str(db))
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    # Stored bodies are zlib-compressed unless that would not pay; the WARC has them as sent.
    pages = [
        (url, status, headers, zlib.decompress(body) if packed == "zlib" else body)
        for url, status, headers, body, packed in conn.execute(
            "SELECT final_url, status, headers, body, compression FROM pages ORDER BY id"
        )
    ]
    conn.close()
    with out.open("rb") as stream:
        records = [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.http_headers.get_statuscode() if r.http_headers else None,
                r.http_headers.headers if r.http_headers else None,
                r.content_stream().read(),
            )
            for r in ArchiveIterator(stream)
        ]
    assert records[0][0] == "warcinfo"
    responses = records[1 : len(pages) + 1]
    for (kind, uri, status, headers, body), page in zip(responses, pages, strict=True):
        assert kind == "response"
        assert (uri, int(status), body) == (page[0], page[1], page[3])
        original = [(k, v) for k, v in json.loads(page[2]) if k.lower() != "content-length"]
        assert [h for h in headers if h[0].lower() != "content-length"] == original
        assert ("Content-Length", str(len(body))) in headers
    # Then each attached file, once per URL it came from, with its type and bytes.
    files = {uri: (headers, body) for kind, uri, status, headers, body in records[len(pages) + 1 :]}
    assert len(files) == len(records) - len(pages) - 1 == 7
    plans = files["https://kekava.lv/wp-content/uploads/2024/12/plans.pdf"]
    assert ("Content-Type", "application/pdf") in plans[0]
    assert plans[1] == (FIXTURES / "kekava-wp/uploads/plans.pdf").read_bytes()


def test_filters_since_and_source(db: Path) -> None:
    result = archiver(
        "export", "--since", "2024-01-01", "--source", "kekava", "--db", str(db), "-f", "csv"
    )
    assert result.returncode == 0, result.stderr
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = rows(db, "published >= ? AND source = ?", ("2024-01-01", "kekava"))
    assert [r["id"] for r in records] == [str(r["id"]) for r in expected]
    assert len(records) < len(rows(db))


def test_filtered_warc_holds_the_pages_of_the_matching_articles(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "old.warc.gz"
    result = archiver("export", "-f", "warc", "-o", str(out), "--source", "kekava", "--db", str(db))
    assert result.returncode == 0, result.stderr
    with out.open("rb") as stream:
        uris = {
            r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    conn = sqlite3.connect(db)
    wanted = {
        u
        for (u,) in conn.execute(
            "SELECT p.final_url FROM pages p JOIN articles a ON a.page_id = p.id"
            " WHERE a.source = 'kekava'"
        )
    }
    conn.close()
    attached = {
        "https://kekava.lv/wp-content/uploads/2024/12/plans.pdf",
        "https://kekava.lv/wp-content/uploads/2023/05/busina-marsruts.odt",
    }
    assert uris == wanted | attached and len(wanted) == len(rows(db, "source = 'kekava'"))


@pytest.mark.parametrize(
    "args",
    [("-f", "parquet"), ("-f", "warc"), ("-f", "xml")],
    ids=["parquet-to-stdout", "warc-to-stdout", "unknown-format"],
)
def test_usage_errors_exit_2(db: Path, args: tuple[str, ...]) -> None:
    result = archiver("export", *args, "--db", str(db))
    assert result.returncode == 2
    assert result.stdout == ""


def test_data_dictionary_is_printed_and_documented() -> None:
    result = archiver("export", "--dictionary")
    assert result.returncode == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"{column.name} " in result.stdout
        assert column.description in result.stdout
        assert f"| `{column.name}` |" in readme, column.name
