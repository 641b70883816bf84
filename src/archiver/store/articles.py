"""Raw pages and articles: saving, deduplicating, versioning and reading them back."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from archiver.errors import StoreError
from archiver.models import Article, Page, Validators
from archiver.store.base import StoreBase
from archiver.store.records import (
    PARSED_FIELDS,
    ReparseInput,
    SaveOutcome,
    SaveStatus,
    StoredArticle,
    content_hash,
    pack,
    page_from_row,
    parsed_fields,
)


class Articles(StoreBase):
    """The `pages`, `http_cache`, `articles`, `article_urls` and `article_versions` tables."""

    # --- raw pages -------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        """The ETag / Last-Modified remembered for `url`, for a conditional GET."""
        row = self.db.execute(
            "SELECT etag, last_modified FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        if row is None:
            return None
        return Validators(etag=row[0], last_modified=row[1])

    def cached_page_id(self, url: str) -> int | None:
        """The stored page that `url` last answered with."""
        row = self.db.execute("SELECT page_id FROM http_cache WHERE url = ?", [url]).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def save_page(self, page: Page, *, crawl_id: int | None) -> tuple[int, bool]:
        """Store a raw response unless the same bytes are already stored for its URL.

        Returns the page id and whether a new row was written. Commits with
        the caller's transaction when inside one.
        """
        sha = hashlib.sha256(page.body).hexdigest()
        row = self.db.execute(
            "SELECT id FROM pages WHERE url = ? AND sha256 = ? ORDER BY id DESC LIMIT 1",
            [page.url, sha],
        ).fetchone()
        created = row is None
        if row is None:
            stored, compression = pack(page.body)
            cursor = self.db.execute(
                "INSERT INTO pages (url, final_url, status, headers, redirects, encoding,"
                " sha256, fetched_at, crawl_id, body, compression)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    page.url,
                    page.final_url,
                    page.status,
                    json.dumps(page.headers, ensure_ascii=False),
                    json.dumps(page.redirects),
                    page.encoding,
                    sha,
                    page.fetched_at.isoformat(timespec="seconds"),
                    crawl_id,
                    stored,
                    compression,
                ],
            )
            page_id = int(cursor.lastrowid or 0)
        else:
            page_id = int(row[0])
        self.db.execute(
            "INSERT INTO http_cache (url, etag, last_modified, page_id) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified, page_id = excluded.page_id",
            [page.url, page.header("ETag"), page.header("Last-Modified"), page_id],
        )
        return page_id, created

    def load_page(self, page_id: int) -> Page:
        """Read a stored raw response back as a `Page`."""
        row = self.db.execute(
            "SELECT url, final_url, status, headers, redirects, encoding, fetched_at, body,"
            " compression FROM pages WHERE id = ?",
            [page_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"no stored page with id {page_id}")
        return page_from_row(row)

    def reparse_batch(self, *, after_id: int, limit: int) -> list[ReparseInput]:
        """Up to `limit` articles with ids above `after_id`, in id order, for `reparse`.

        One query reads them with their raw pages, so a reparse of a big
        archive costs little beyond the parsing itself.
        """
        rows = self.db.execute(
            "SELECT a.id, a.url, a.title, a.body, a.published, a.department, a.links,"
            " p.url, p.final_url, p.status, p.headers, p.redirects, p.encoding, p.fetched_at,"
            " p.body, p.compression FROM articles a LEFT JOIN pages p ON p.id = a.page_id"
            " WHERE a.id > ? ORDER BY a.id LIMIT ?",
            [after_id, limit],
        ).fetchall()
        return [
            ReparseInput(
                article_id=row[0],
                url=row[1],
                fields=tuple(row[2:7]),
                raw_page=None if row[7] is None else tuple(row[7:]),
            )
            for row in rows
        ]

    # --- articles ----------------------------------------------------------------

    def find_article_id(self, urls: tuple[str, ...]) -> int | None:
        """The article any of these canonical URLs already belongs to."""
        for url in urls:
            row = self.db.execute(
                "SELECT article_id FROM article_urls WHERE url = ?", [url]
            ).fetchone()
            if row is not None:
                return int(row[0])
        return None

    def save_article(
        self,
        article: Article,
        *,
        keys: tuple[str, ...],
        source: str,
        page_id: int,
        page_sha256: str,
        parser_version: str,
        seen_at: dt.datetime,
    ) -> SaveOutcome:
        """Save a parsed article under its canonical URL keys (the first is preferred).

        A known URL with the same text is `unchanged`; with new text it gets a
        new version (`updated`), the old text kept in `article_versions`. An
        unknown URL whose text is already archived is a `duplicate`: the URL is
        added to that article. Runs inside the caller's transaction.
        """
        if not keys:
            raise StoreError("an article needs at least one canonical URL")
        chash = content_hash(article)
        seen = seen_at.isoformat(timespec="seconds")
        article_id = self.find_article_id(keys)
        status: SaveStatus
        if article_id is None:
            row = self.db.execute(
                "SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1", [chash]
            ).fetchone()
            if row is not None:
                article_id, status = int(row[0]), "duplicate"
                self.db.execute(
                    "UPDATE articles SET last_seen = ? WHERE id = ?", [seen, article_id]
                )
            else:
                article_id = self._insert_article(
                    article, keys[0], source, chash, page_id, page_sha256, parser_version, seen
                )
                status = "new"
        else:
            current = self.db.execute(
                "SELECT content_hash, versions FROM articles WHERE id = ?", [article_id]
            ).fetchone()
            if current[0] == chash:
                status = "unchanged"
                self.db.execute(
                    "UPDATE articles SET last_seen = ? WHERE id = ?", [seen, article_id]
                )
            else:
                status = "updated"
                self._update_article(
                    article_id, article, chash, page_id, page_sha256, parser_version, seen
                )
                self._add_version(article_id, current[1] + 1, article, chash, page_id, seen)
        for key in keys:
            self.db.execute(
                "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
                [key, article_id],
            )
        return SaveOutcome(status=status, article_id=article_id)

    def _fields(self, article: Article) -> dict[str, Any]:
        return dict(zip(PARSED_FIELDS, parsed_fields(article), strict=True))

    def _insert_article(
        self,
        article: Article,
        canonical_url: str,
        source: str,
        chash: str,
        page_id: int,
        page_sha256: str,
        parser_version: str,
        seen: str,
    ) -> int:
        row = {
            "canonical_url": canonical_url,
            "url": article.url or canonical_url,
            "source": source,
            **self._fields(article),
            "content_hash": chash,
            "page_id": page_id,
            "page_sha256": page_sha256,
            "parser_version": parser_version,
            "first_seen": seen,
            "last_seen": seen,
            "versions": 1,
        }
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.execute(
            f"INSERT INTO articles ({columns}) VALUES ({marks})", list(row.values())
        )
        article_id = int(cursor.lastrowid or 0)
        self._add_version(article_id, 1, article, chash, page_id, seen)
        return article_id

    def _update_article(
        self,
        article_id: int,
        article: Article,
        chash: str,
        page_id: int,
        page_sha256: str,
        parser_version: str,
        seen: str,
    ) -> None:
        fields = {
            **self._fields(article),
            "content_hash": chash,
            "page_id": page_id,
            "page_sha256": page_sha256,
            "parser_version": parser_version,
            "last_seen": seen,
        }
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(
            f"UPDATE articles SET {assignments}, versions = versions + 1 WHERE id = ?",
            [*fields.values(), article_id],
        )

    def _add_version(
        self, article_id: int, version: int, article: Article, chash: str, page_id: int, seen: str
    ) -> None:
        fields = self._fields(article)
        self.db.execute(
            "INSERT INTO article_versions (article_id, version, title, body, published,"
            " department, content_hash, page_id, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                article_id,
                version,
                fields["title"],
                fields["body"],
                fields["published"],
                fields["department"],
                chash,
                page_id,
                seen,
            ],
        )

    def replace_parsed_fields(self, article_id: int, article: Article, parser_version: str) -> bool:
        """Overwrite an article's parsed fields (after `reparse`); True if anything changed.

        Nothing is written when the fields are the same, whatever parser
        version made them: `parser_version` names the version that last
        changed them. The current version row is updated too: a parser fix is
        not an edit by the site, so it does not make a new version.
        """
        new = parsed_fields(article)
        current = self.db.execute(
            "SELECT title, body, published, department, links FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        if tuple(current) == new:
            return False
        chash = content_hash(article)
        with self.transaction():
            self.db.execute(
                "UPDATE articles SET title = ?, body = ?, published = ?, department = ?,"
                " links = ?, content_hash = ?, parser_version = ? WHERE id = ?",
                [*new, chash, parser_version, article_id],
            )
            self.db.execute(
                "UPDATE article_versions SET title = ?, body = ?, published = ?, department = ?,"
                " content_hash = ? WHERE article_id = ? AND version ="
                " (SELECT versions FROM articles WHERE id = ?)",
                [*new[:4], chash, article_id, article_id],
            )
        return True

    def article_count(self) -> int:
        """How many articles the archive holds."""
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def get_article(self, ref: str) -> StoredArticle | None:
        """An article by id, canonical URL, or any URL variant (canonicalised by the caller)."""
        args: list[object]
        if ref.isdigit():
            where, args = "id = ?", [int(ref)]
        else:
            where = "id = (SELECT article_id FROM article_urls WHERE url = ?) OR url = ?"
            args = [ref, ref]
        row = self.db.execute(f"SELECT * FROM articles WHERE {where}", args).fetchone()
        return self._stored(row) if row else None

    def iter_articles(self) -> Iterator[StoredArticle]:
        """Every article, oldest id first."""
        for row in self.db.execute("SELECT * FROM articles ORDER BY id"):
            yield self._stored(row)

    def versions(self, article_id: int) -> list[dict[str, Any]]:
        """All versions of an article, oldest first."""
        cursor = self.db.execute(
            "SELECT version, title, body, seen_at FROM article_versions"
            " WHERE article_id = ? ORDER BY version",
            [article_id],
        )
        return [dict(zip(("version", "title", "body", "seen_at"), r, strict=True)) for r in cursor]
