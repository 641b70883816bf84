"""The archive store on real SQLite files: schema, dedup, versions, search."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import sqlite3
from pathlib import Path

import pytest

from archiver.errors import QueryError, StoreError
from archiver.models import Article, Link, Page
from archiver.store import FOR_CRAWL, FOR_SEARCH, SCHEMA_VERSION, Store

SEEN = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


def page(url: str, body: bytes = b"<html></html>") -> Page:
    return Page(
        url=url,
        final_url=url,
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"), ("ETag", '"e1"')),
        body=body,
        text=body.decode(),
        encoding="utf-8",
        fetched_at=SEEN,
    )


def save(store: Store, article: Article, *keys: str) -> str:
    with store.transaction():
        page_id, _ = store.save_page(
            page(article.url or keys[0], article.body.encode()), crawl_id=None
        )
        outcome = store.save_article(
            article,
            keys=keys,
            source="test",
            page_id=page_id,
            page_sha256="x",
            parser_version="1",
            seen_at=SEEN,
        )
    return outcome.status


SEED = Article(
    url="https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=13828",
    title="Pašvaldība piedalās starptautiskā projektā",
    body="Ķekavas novada pašvaldības pārstāvji viesojās Milānā.",
    published=dt.date(2019, 10, 4),
    department="Administratīvā pārvalde",
    links=(Link(url="https://urbact.eu/x", text="šeit"),),
)


def test_schema_is_versioned_and_in_wal_mode(store: Store) -> None:
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"pages", "articles", "article_versions", "article_urls", "crawls", "warnings"} <= set(
        store.db.table_names()
    )


def pragmas(store: Store) -> tuple[int, ...]:
    return tuple(
        int(store.db.execute(f"PRAGMA {name}").fetchone()[0])
        for name in ("mmap_size", "cache_size", "synchronous")
    )


def test_search_opens_map_the_file_and_crawl_opens_keep_memory_small(tmp_path: Path) -> None:
    # 2 is FULL (an fsync per commit), 1 is NORMAL (WAL synced at checkpoints only).
    crawling = Store.open(tmp_path / "a.db", tuning=FOR_CRAWL)
    assert pragmas(crawling) == (0, -FOR_CRAWL.cache_kib, 1)
    searching = Store.open(tmp_path / "a.db", readonly=True)
    assert pragmas(searching) == (FOR_SEARCH.mmap_bytes, -FOR_SEARCH.cache_kib, 2)
    default = Store.open(tmp_path / "a.db")
    assert pragmas(default) == pragmas(searching)
    for store in (crawling, searching, default):
        store.close()


def test_reopening_an_archive_keeps_its_articles(tmp_path: Path) -> None:
    first = Store.open(tmp_path / "a.db")
    save(first, SEED, "https://kekava.lv/pub?id=150&lid=13828")
    first.close()
    again = Store.open(tmp_path / "a.db")
    assert again.article_count() == 1


def test_database_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "new.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this archiver supports"):
        Store.open(tmp_path / "new.db")


def test_file_that_is_not_sqlite_is_refused_with_its_name(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not a database, just text " * 100)
    with pytest.raises(StoreError, match=r"notes\.db"):
        Store.open(bogus)


def test_same_url_same_text_is_unchanged(store: Store) -> None:
    key = "https://kekava.lv/pub?id=150&lid=13828"
    assert save(store, SEED, key) == "new"
    assert save(store, SEED, key) == "unchanged"
    assert store.article_count() == 1


def test_edited_text_becomes_a_new_version_keeping_the_old(store: Store) -> None:
    key = "https://kekava.lv/pub?id=150&lid=13828"
    save(store, SEED, key)
    edited = Article(
        url=SEED.url,
        title=SEED.title + " (papildināts 14.04.)",
        body=SEED.body + "\nPapildu informācija.",
        published=SEED.published,
    )
    assert save(store, edited, key) == "updated"
    stored = store.get_article(key)
    assert stored is not None and stored.versions == 2 and stored.title.endswith("14.04.)")
    versions = store.versions(stored.id)
    assert [v["body"] for v in versions] == [SEED.body, edited.body]


def test_same_text_under_a_new_url_is_a_duplicate_not_a_new_article(store: Store) -> None:
    save(store, SEED, "https://kekava.lv/pub?id=150&lid=13828")
    assert save(store, SEED, "https://kekava.lv/other-address") == "duplicate"
    assert store.article_count() == 1
    found = store.get_article("https://kekava.lv/other-address")
    assert found is not None and found.canonical_url == "https://kekava.lv/pub?id=150&lid=13828"


def test_stored_text_is_nfc_normalised(store: Store) -> None:
    decomposed = Article(url="https://x.lv/a", title="Pas\u030cvaldi\u0304ba", body="teksts")
    save(store, decomposed, "https://x.lv/a")
    stored = store.get_article("https://x.lv/a")
    assert stored is not None and stored.title == "Pašvaldība"


@pytest.mark.parametrize(
    "query",
    ["pasvaldiba", "Pašvaldība", "PASVALDIBA", "kekavas milana", "pārvalde"],
    ids=["folded", "exact", "upper", "two-words-folded", "department"],
)
def test_search_ignores_diacritics_and_case(store: Store, query: str) -> None:
    save(store, SEED, "https://kekava.lv/pub?id=150&lid=13828")
    hits = store.search(query)
    assert [h.article.title for h in hits] == [SEED.title]


def test_search_snippet_marks_the_match(store: Store) -> None:
    save(store, SEED, "https://kekava.lv/pub?id=150&lid=13828")
    (hit,) = store.search("milana")
    assert "[Milānā]" in hit.snippet


def test_invalid_fts_query_gives_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError, match="not valid FTS5 syntax"):
        store.search('"unbalanced')


def test_stats_count_by_source_department_and_year(store: Store) -> None:
    save(store, SEED, "https://kekava.lv/pub?id=150&lid=13828")
    stats = store.stats()
    assert stats["source"] == [("test", 1)]
    assert stats["department"] == [("Administratīvā pārvalde", 1)]
    assert stats["year"] == [("2019", 1)]


def test_raw_page_is_stored_once_per_distinct_body(store: Store) -> None:
    with store.transaction():
        first, created = store.save_page(page("https://x.lv/a", b"<p>1</p>"), crawl_id=None)
        again, created_again = store.save_page(page("https://x.lv/a", b"<p>1</p>"), crawl_id=None)
    assert first == again
    assert created and not created_again
    assert store.load_page(first).body == b"<p>1</p>"
    assert store.validators("https://x.lv/a") is not None


def test_raw_pages_are_stored_compressed_when_it_pays_and_read_back_whole(
    store: Store,
) -> None:
    html = ("<p>Ķekavas novada pašvaldība informē iedzīvotājus.</p>\n" * 200).encode("utf-8")
    noise = random.Random(1).randbytes(2048)  # like a PDF or an image: does not shrink
    with store.transaction():
        text_id, _ = store.save_page(page("https://x.lv/a", html), crawl_id=None)
        binary = dataclasses.replace(page("https://x.lv/f.pdf"), body=noise, encoding="binary")
        binary_id, _ = store.save_page(binary, crawl_id=None)
    rows = dict(
        (i, (len(body), packed))
        for i, body, packed in store.db.execute("SELECT id, body, compression FROM pages")
    )
    assert rows[text_id][1] == "zlib" and rows[text_id][0] < len(html) / 10
    assert rows[binary_id] == (len(noise), None)
    assert store.load_page(text_id).body == html
    assert store.load_page(text_id).text == html.decode("utf-8")
    assert store.load_page(binary_id).body == noise
    # Ad-hoc SQL (and Datasette) read a page's bytes through archiver_page().
    (raw,) = store.db.execute(
        "SELECT archiver_page(body, compression) FROM pages WHERE id = ?", [text_id]
    ).fetchone()
    assert raw == html


def test_a_page_stored_before_compression_still_loads(store: Store) -> None:
    with store.transaction():
        page_id, _ = store.save_page(page("https://x.lv/old", b"<p>x</p>" * 100), crawl_id=None)
    # As an archive written before schema v3 holds it: raw bytes, no compression noted.
    store.db.execute(
        "UPDATE pages SET body = ?, compression = NULL WHERE id = ?", [b"<p>x</p>" * 100, page_id]
    )
    assert store.load_page(page_id).body == b"<p>x</p>" * 100
