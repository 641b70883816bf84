"""Browse the archive in Datasette: metadata, Latvian-aware search box, readable articles.

`archiver serve` builds a Datasette over `archive.db` (opened read-only,
bound to 127.0.0.1 by default) with the metadata below. The module is also
a Datasette plugin (entry point `archiver`), so plain `datasette archive.db`
gets the same search, cell rendering and SQL functions once archiver is
installed:

- the search box on `articles` (and on `attachments`, the text of attached
  files) goes through `archiver.search.parse_query`, so "pasvaldibai" finds
  "pašvaldība" there as on the command line;
- `body` shows as paragraphs and `links` as clickable links, attachments
  marked; the `diff` column of the "changed" query shows insertions and
  deletions;
- SQL functions `archiver_keys`, `archiver_fold`, `archiver_match`,
  `archiver_word_diff` and `archiver_page(body, compression)` (a stored raw
  page's bytes, uncompressed) are there for canned and ad-hoc queries.
"""

from __future__ import annotations

import difflib
import json
import re
import socket
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasette import hookimpl  # type: ignore[import-untyped]
from markupsafe import Markup, escape

from archiver.errors import ArchiverError, QueryError
from archiver.search import KEY_COLUMNS, fold, keys, parse_query
from archiver.store.query import DEPARTMENT_NAMES
from archiver.store.records import unpack

TITLE = "Municipal news archive"
DESCRIPTION = (
    "Every article archived from the municipality's news pages, with earlier versions"
    " and the raw responses. Search ignores diacritics and word endings:"
    " “pasvaldibai” finds “pašvaldība”."
)

LATEST_PER_SOURCE = """
SELECT source, published, title, department, url, id
FROM (
    SELECT *, row_number() OVER (
        PARTITION BY source ORDER BY published DESC, id DESC
    ) AS n
    FROM articles
)
WHERE n <= 5
ORDER BY source, published DESC
"""

# The department names that match (`DEPARTMENT_NAMES`), then their articles,
# by the same index.
DEPARTMENT_ARTICLES = (
    DEPARTMENT_NAMES
    + """
SELECT published, title, department, source, url, id
FROM articles
WHERE department IN (
    SELECT name FROM names
    WHERE instr(archiver_fold(name), archiver_fold(:department)) > 0
)
ORDER BY published DESC, id DESC
"""
)

CHANGED_ARTICLES = """
SELECT a.id, a.title, v.version, p.seen_at AS was_seen, v.seen_at AS changed_seen,
    archiver_word_diff(
        p.title || char(10) || p.body, v.title || char(10) || v.body
    ) AS diff
FROM article_versions v
JOIN article_versions p ON p.article_id = v.article_id AND p.version = v.version - 1
JOIN articles a ON a.id = v.article_id
ORDER BY v.seen_at DESC, a.id, v.version
"""


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for an archive served under the name `database`."""
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {
            database: {
                "tables": {
                    "articles": {
                        "description": "One row per article; search ignores diacritics"
                        " and word endings.",
                        "fts_table": "articles_fts",
                        "fts_pk": "id",
                        "facets": ["source", "department", "year"],
                        "sort_desc": "published",
                        "label_column": "title",
                    },
                    "article_versions": {
                        "description": "Every distinct text an article has had.",
                        "label_column": "title",
                    },
                    "pages": {"description": "Raw responses as fetched, with headers."},
                    "attachments": {
                        "description": "Each attached file once (by SHA-256), with its"
                        " text; search reads the text. article_attachments says which"
                        " articles link it.",
                        "fts_table": "attachments_fts",
                        "fts_pk": "id",
                        "facets": ["kind", "content_type"],
                        "label_column": "name",
                    },
                    "http_cache": {"hidden": True},
                },
                "queries": {
                    "latest_per_source": {
                        "title": "Latest articles per source",
                        "description": "The five newest articles of each source.",
                        "sql": LATEST_PER_SOURCE.strip(),
                    },
                    "department_articles": {
                        "title": "Articles of a department",
                        "description": "Department name contains this (diacritics optional).",
                        "sql": DEPARTMENT_ARTICLES.strip(),
                    },
                    "changed_articles": {
                        "title": "Articles that changed",
                        "description": "Each edit with a word-level diff against the"
                        " version before it: [-removed-] {+added+}.",
                        "sql": CHANGED_ARTICLES.strip(),
                    },
                },
            }
        },
    }


# --- SQL functions -------------------------------------------------------------


def word_diff(old: str | None, new: str | None) -> str:
    """A wdiff-style diff by words: `[-removed-]` and `{+added+}` around changes."""
    a = re.findall(r"\S+|\s+", old or "")
    b = re.findall(r"\S+|\s+", new or "")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


def _fold_or_none(text: str | None) -> str | None:
    return fold(text) if text is not None else None


def _match(query: str) -> str:
    return parse_query(query).fts


def _is_archive(conn: sqlite3.Connection) -> bool:
    """Only databases with archiver's v2 search index get the Latvian search box."""
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(articles_fts)")}
    except sqlite3.DatabaseError:
        return False
    return set(KEY_COLUMNS) <= columns


def _archive_escape_fts(query: str) -> str:
    """Datasette's search box calls `escape_fts(q)`; in an archive that is our rewrite.

    A query that cannot be rewritten (e.g. an unclosed quote) is searched as
    one quoted phrase instead of failing the page.
    """
    try:
        return _match(query)
    except QueryError:
        return '"' + query.replace('"', '""') + '"'


@hookimpl(trylast=True)  # type: ignore[untyped-decorator]
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Register archiver's SQL functions; in an archive, make the search box stem words."""
    conn.create_function("archiver_keys", 1, keys, deterministic=True)
    conn.create_function("archiver_fold", 1, _fold_or_none, deterministic=True)
    conn.create_function("archiver_match", 1, _match, deterministic=True)
    conn.create_function("archiver_word_diff", 2, word_diff, deterministic=True)
    conn.create_function("archiver_page", 2, unpack, deterministic=True)
    if _is_archive(conn):
        # trylast: runs after Datasette's own escape_fts and replaces it here only.
        conn.create_function("escape_fts", 1, _archive_escape_fts, deterministic=True)


# --- rendering -------------------------------------------------------------------


def _paragraphs(text: str) -> Markup:
    return Markup("").join(Markup("<p>{}</p>").format(line) for line in text.split("\n") if line)


def _links(raw: str) -> Markup | None:
    try:
        links = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(links, list):
        return None
    items = []
    for link in links:
        mark = Markup(" <em>(attachment)</em>") if link.get("kind") == "attachment" else ""
        items.append(
            Markup('<li><a href="{}">{}</a>{}</li>').format(
                link.get("url", ""), link.get("text") or link.get("url", ""), mark
            )
        )
    return Markup("<ul>{}</ul>").format(Markup("").join(items))


_DIFF = re.compile(r"\[-(?P<removed>.*?)-\]|\{\+(?P<added>.*?)\+\}", re.S)


def _diff_html(text: str) -> Markup:
    out, cursor = Markup(""), 0
    for match in _DIFF.finditer(text):
        out += escape(text[cursor : match.start()])
        if match.group("removed") is not None:
            out += Markup('<del style="background:#fdd">{}</del>').format(match.group("removed"))
        else:
            out += Markup('<ins style="background:#dfd">{}</ins>').format(match.group("added"))
        cursor = match.end()
    out += escape(text[cursor:])
    return Markup('<div style="white-space:pre-wrap">{}</div>').format(out)


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(value: Any, column: str, table: str | None) -> Markup | None:
    """Article bodies as paragraphs, links as links, diffs with insertions and deletions."""
    if not isinstance(value, str):
        return None
    if table in ("articles", "article_versions") and column == "body":
        return _paragraphs(value)
    if table == "articles" and column == "links":
        return _links(value)
    if table is None and column == "diff":
        return _diff_html(value)
    return None


# --- running ---------------------------------------------------------------------


def make_datasette(path: Path, *, immutable: bool = False) -> Any:
    """A Datasette over the archive at `path`, opened read-only, with archiver's metadata.

    `immutable` opens it with `immutable=1` (faster, counts cached) — only for
    an archive no crawl is writing; otherwise it is opened `mode=ro`.
    """
    from datasette.app import Datasette  # type: ignore[import-untyped]
    from datasette.plugins import pm  # type: ignore[import-untyped]

    if not path.is_file():
        raise ArchiverError(f"no archive at {path}")
    plugin = sys.modules[__name__]
    if not pm.is_registered(plugin) and pm.get_plugin("archiver") is None:
        pm.register(plugin, "archiver")
    files = {"immutables": [str(path)]} if immutable else {"files": [str(path)]}
    return Datasette(**files, metadata=metadata(path.stem))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), so the caller knows the port."""
    try:
        sock = socket.create_server((host, port))
    except OSError as exc:
        raise ArchiverError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def serve(
    path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    immutable: bool = False,
    announce: Callable[[str], None],
) -> None:
    """Serve the archive with Datasette until interrupted; `announce` gets the URL."""
    import uvicorn

    datasette = make_datasette(path, immutable=immutable)
    sock = bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    announce(f"http://{bound_host}:{bound_port}/{path.stem}/articles")
    server = uvicorn.Server(uvicorn.Config(datasette.app(), log_level="warning"))
    server.run(sockets=[sock])
