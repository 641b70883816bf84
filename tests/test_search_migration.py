"""Older archives are migrated in place to the current search index: v1 (sqlite-utils FTS
without stems) and v2 (no prefix indexes)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from archiver import search
from archiver.errors import StoreError
from archiver.store import SCHEMA_VERSION, Store
from archiver.store import schema as store_schema


def make_v1_archive(path: Path) -> None:
    """An archive as archiver 0.1 with schema version 1 left it, with one article."""
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    conn.executescript(store_schema.SCHEMA)
    db["articles"].enable_fts(  # type: ignore[union-attr]
        ["title", "body", "department"],
        tokenize="unicode61 remove_diacritics 2",
        create_triggers=True,
    )
    with conn:
        conn.execute(
            "INSERT INTO articles (canonical_url, url, source, title, body, published,"
            " department, links, content_hash, parser_version, first_seen, last_seen)"
            " VALUES ('https://x.lv/a', 'https://x.lv/a', 'old', 'Pašvaldība piedalās projektā',"
            " 'Ķekavas novada pašvaldības pārstāvji.', '2019-10-04', 'Administratīvā pārvalde',"
            " '[]', 'h', '1', 'x', 'x')"
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()


def test_v1_archive_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    make_v1_archive(path)
    store = Store.open(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        triggers = {
            r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        # v2's article index (v1's triggers gone) and v3's attachment index.
        assert triggers == {
            f"{table}_fts_{event}"
            for table in ("articles", "attachments")
            for event in ("insert", "delete", "update")
        }
        # The old article is in the new index: an inflected form without diacritics finds it.
        assert [h.article.title for h in store.search("pasvaldibai projekti")] == [
            "Pašvaldība piedalās projektā"
        ]
        assert store.db.execute("SELECT year FROM articles").fetchone()[0] == "2019"
    finally:
        store.close()


def test_migrated_index_follows_later_edits_and_reopening_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    make_v1_archive(path)
    Store.open(path).close()
    store = Store.open(path)
    try:
        with store.db.conn:
            store.db.execute("UPDATE articles SET title = 'Skolu remonts' WHERE id = 1")
        assert store.search("pasvaldibai projekti") == []
        assert [h.article.id for h in store.search("skolas")] == [1]
        with store.db.conn:
            store.db.execute("DELETE FROM articles WHERE id = 1")
        assert store.search("skolas") == []
        assert store.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 0
    finally:
        store.close()


def test_a_failed_migration_leaves_the_v1_archive_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "archive.db"
    make_v1_archive(path)
    # The last statement fails, after the old index was dropped and the new one built.
    broken = store_schema.FTS_SCHEMA + "INSERT INTO no_such_table VALUES (1);\n"
    monkeypatch.setattr(store_schema, "FTS_SCHEMA", broken)
    with pytest.raises(StoreError, match=r"cannot open archive .*no such table"):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert names == {"articles_ai", "articles_ad", "articles_au"}
    assert conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'pasvaldibas'"
    ).fetchall() == [(1,)]
    conn.close()


V2_FTS = search.FTS_SCHEMA.replace(f", prefix='{search.FTS_PREFIXES}'", "")


def make_v2_archive(path: Path) -> None:
    """An archive as schema version 2 left it: stemmed keys, no prefix indexes, two articles."""
    conn = sqlite3.connect(path)
    conn.create_function("archiver_keys", 1, search.keys)
    conn.executescript(store_schema.SCHEMA + V2_FTS)
    with conn:
        for i, (title, body) in enumerate(
            [
                ("Pašvaldība piedalās projektā", "Ķekavas novada pašvaldības pārstāvji."),
                ("Attīstības programma", "Novada attīstības plāns apspriešanai."),
            ]
        ):
            conn.execute(
                "INSERT INTO articles (canonical_url, url, source, title, body, published,"
                " links, content_hash, parser_version, first_seen, last_seen)"
                " VALUES (?, ?, 'old', ?, ?, '2019-10-04', '[]', 'h', '1', 'x', 'x')",
                [f"https://x.lv/{i}", f"https://x.lv/{i}", title, body],
            )
        conn.execute("PRAGMA user_version = 2")
    conn.close()


def test_v2_archive_gets_prefix_indexes_in_place(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    make_v2_archive(path)
    store = Store.open(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        (sql,) = store.db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
        ).fetchone()
        assert f"prefix='{search.FTS_PREFIXES}'" in sql
        names = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        assert not {n for n in names if n.startswith("articles_fts_v2")}
        assert {"articles_fts_insert", "articles_fts_delete", "articles_fts_update"} <= names
        # The copied rows keep their keys: inflected forms and prefixes find them.
        assert [h.article.title for h in store.search("pasvaldibai")] == [
            "Pašvaldība piedalās projektā"
        ]
        assert [h.article.title for h in store.search("attīst*")] == ["Attīstības programma"]
        with store.db.conn:
            store.db.execute("UPDATE articles SET title = 'Skolu remonts' WHERE id = 1")
        assert [h.article.id for h in store.search("skolas")] == [1]
        assert [h.article.id for h in store.search("sko*")] == [1]
    finally:
        store.close()


def test_a_failed_v2_migration_leaves_the_archive_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "archive.db"
    make_v2_archive(path)
    # The last statement fails, after the old index was renamed and the new one filled.
    failing = search.FTS_COPY + "INSERT INTO no_such_table VALUES (1);\n"
    monkeypatch.setattr(store_schema, "FTS_COPY", failing)
    with pytest.raises(StoreError, match=r"cannot open archive .*no such table"):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    assert "prefix" not in sql
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert names == {"articles_fts_insert", "articles_fts_delete", "articles_fts_update"}
    assert conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'pasvaldib'"
    ).fetchall() == [(1,)]
    conn.close()
