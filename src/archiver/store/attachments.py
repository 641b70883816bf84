"""Attached documents: each file stored once by its bytes, linked to every article that names it.

`article_attachments` records each attachment link an article has, whether
or not the file has been fetched; a NULL `attachment_id` is the to-do list of
the next crawl. `attachment_urls` says which stored file a URL served, and
`attachments` holds each distinct file (by SHA-256) with its text, which
`attachments_fts` indexes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import urllib.parse

from archiver.models import DocumentText, Link
from archiver.store.base import StoreBase
from archiver.store.records import StoredAttachment


def file_name(url: str) -> str:
    """The file name a URL ends in, percent-decoded (`lēmums.pdf`), or the host when none."""
    parts = urllib.parse.urlsplit(url)
    name = posixpath.basename(urllib.parse.unquote(parts.path))
    return name or parts.hostname or url


class Attachments(StoreBase):
    """The `attachments`, `attachment_urls` and `article_attachments` tables."""

    def link_attachments(self, article_id: int, links: tuple[Link, ...]) -> None:
        """Record the article's attachment links, tied to files already stored for their URLs.

        Runs inside the caller's transaction (the article's own).
        """
        for link in links:
            if link.kind != "attachment":
                continue
            self.db.execute(
                "INSERT INTO article_attachments (article_id, url, link_text, attachment_id)"
                " VALUES (?, ?, ?, (SELECT attachment_id FROM attachment_urls WHERE url = ?))"
                " ON CONFLICT(article_id, url) DO UPDATE SET link_text = excluded.link_text",
                [article_id, link.url, link.text, link.url],
            )

    def unfetched_attachments(self, source: str, *, skip_failed_after: int) -> list[str]:
        """Attachment URLs of this source's articles with no file stored yet, oldest link first.

        URLs that failed `skip_failed_after` times or more are left out.
        """
        cursor = self.db.execute(
            "SELECT l.url FROM article_attachments l JOIN articles a ON a.id = l.article_id"
            " LEFT JOIN failures f ON f.url = l.url"
            " WHERE a.source = ? AND l.attachment_id IS NULL"
            " AND (f.attempts IS NULL OR f.attempts < ?)"
            " GROUP BY l.url ORDER BY min(l.rowid)",
            [source, skip_failed_after],
        )
        return [str(url) for (url,) in cursor]

    def save_attachment(
        self,
        url: str,
        body: bytes,
        document: DocumentText,
        *,
        content_type: str | None,
        etag: str | None,
        last_modified: str | None,
        fetched_at: dt.datetime,
        reader_version: str,
    ) -> tuple[int, bool]:
        """Store a fetched file once (by its SHA-256) and tie it to `url` and the articles
        linking `url`. Returns the attachment id and whether the file was new."""
        sha = hashlib.sha256(body).hexdigest()
        at = fetched_at.isoformat(timespec="seconds")
        with self.transaction():
            row = self.db.execute("SELECT id FROM attachments WHERE sha256 = ?", [sha]).fetchone()
            created = row is None
            if row is None:
                cursor = self.db.execute(
                    "INSERT INTO attachments (sha256, name, content_type, size, kind, text,"
                    " text_error, pages, reader_version, first_url, fetched_at, body)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        sha,
                        file_name(url),
                        content_type,
                        len(body),
                        document.kind,
                        document.text,
                        document.error,
                        document.pages,
                        reader_version,
                        url,
                        at,
                        body,
                    ],
                )
                attachment_id = int(cursor.lastrowid or 0)
            else:
                attachment_id = int(row[0])
            self.db.execute(
                "INSERT INTO attachment_urls (url, attachment_id, etag, last_modified, fetched_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
                " attachment_id = excluded.attachment_id, etag = excluded.etag,"
                " last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                [url, attachment_id, etag, last_modified, at],
            )
            self.db.execute(
                "UPDATE article_attachments SET attachment_id = ? WHERE url = ?",
                [attachment_id, url],
            )
        return attachment_id, created

    def attachments_of(self, article_id: int) -> list[StoredAttachment]:
        """The attachment links of an article, in link order, with what is stored for each."""
        cursor = self.db.execute(
            "SELECT l.url, l.link_text, l.attachment_id, f.name, f.size, f.kind, f.content_type,"
            " f.pages, length(f.text), f.text_error, f.sha256 FROM article_attachments l"
            " LEFT JOIN attachments f ON f.id = l.attachment_id"
            " WHERE l.article_id = ? ORDER BY l.rowid",
            [article_id],
        )
        return [
            StoredAttachment(
                url=row[0],
                link_text=row[1],
                attachment_id=row[2],
                name=row[3],
                size=row[4],
                kind=row[5],
                content_type=row[6],
                pages=row[7],
                chars=row[8],
                text_error=row[9],
                sha256=row[10],
            )
            for row in cursor
        ]

    def stale_attachments(self, reader_version: str) -> list[int]:
        """Ids of stored files whose text an older reader made."""
        cursor = self.db.execute(
            "SELECT id FROM attachments WHERE reader_version != ? ORDER BY id", [reader_version]
        )
        return [int(i) for (i,) in cursor]

    def attachment_body(self, attachment_id: int) -> bytes:
        """The stored bytes of one file."""
        row = self.db.execute("SELECT body FROM attachments WHERE id = ?", [attachment_id])
        return bytes(row.fetchone()[0])

    def replace_attachment_text(
        self, attachment_id: int, document: DocumentText, reader_version: str
    ) -> bool:
        """Store a file's text as a newer reader read it; True if the text changed."""
        with self.transaction():
            before = self.db.execute(
                "SELECT text FROM attachments WHERE id = ?", [attachment_id]
            ).fetchone()[0]
            self.db.execute(
                "UPDATE attachments SET kind = ?, text = ?, text_error = ?, pages = ?,"
                " reader_version = ? WHERE id = ?",
                [
                    document.kind,
                    document.text,
                    document.error,
                    document.pages,
                    reader_version,
                    attachment_id,
                ],
            )
        return bool(before != document.text)

    def attachment_count(self) -> int:
        """How many distinct files the archive holds."""
        return int(self.db.execute("SELECT count(*) FROM attachments").fetchone()[0])
