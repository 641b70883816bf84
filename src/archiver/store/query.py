"""Reading the archive as a whole: full-text search and counts."""

from __future__ import annotations

import datetime as dt
import sqlite3

from archiver.errors import QueryError
from archiver.search import ParsedQuery, Snippet, fold, parse_query, snippet
from archiver.store.base import StoreBase
from archiver.store.records import SearchHit, StoredArticle

# How many matches, newest archived first, `Store.search` ranks by default.
# Ranking every match of a word found in half of a million articles takes
# seconds; this many keep the default search of bench/archive.py near its
# 50 ms target even when a filter makes it walk 40x as many matches.
SEARCH_CANDIDATES = 300


def _best_snippet(article: StoredArticle, parsed: ParsedQuery, seen: dict[str, bool]) -> Snippet:
    """The field with most matches; the body on a tie, for context."""
    candidates = [
        snippet(article.body, parsed, seen=seen),
        snippet(article.title, parsed, seen=seen),
    ]
    if article.department:
        candidates.append(snippet(article.department, parsed, seen=seen))
    return max(candidates, key=lambda c: len(c.marks))


class Query(StoreBase):
    """Search and statistics over the `articles` table and its FTS index."""

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        sources: tuple[str, ...] = (),
        department: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        candidates: int | None = SEARCH_CANDIDATES,
        snippets: bool = True,
    ) -> list[SearchHit]:
        """Full-text search in any inflected form, diacritics optional; best match first.

        `query` is rewritten by `archiver.search.parse_query` (words match any
        form, "quoted phrases" the exact words). Filters: `sources` (any of),
        `department` (a part of its name, diacritics optional), `since` and
        `until` (publication dates, inclusive; undated articles drop out).

        Only the `candidates` most recently archived matches (after filters)
        are ranked, or all of them with `candidates=None`: ranking a word found
        in half a million articles would otherwise take seconds.
        `snippets=False` leaves `SearchHit.snippet` empty. Raises `QueryError`
        for a query FTS5 rejects.
        """
        parsed = parse_query(query)
        where, args = self._search_filters(sources, department, since, until)
        conditions = " AND ".join(where)
        # Filters and the tie-break read short columns of every candidate: from
        # this covering index, not from rows that hold whole bodies, ~5x faster.
        hint = (
            " INDEXED BY articles_search_filters"
            if self._has_index("articles_search_filters")
            else ""
        )
        join = f" JOIN articles{hint} ON articles.id = articles_fts.rowid"
        lowest = 0
        try:
            if candidates is not None:
                # FTS5 walks the matches by rowid, newest archived first, and
                # stops after `candidates` of them: the oldest one bounds the
                # ranking below. The join is needed only to apply filters.
                found = self.db.execute(
                    f"SELECT articles_fts.rowid FROM articles_fts{join if args else ''}"
                    f" WHERE articles_fts MATCH ? AND {conditions}"
                    " ORDER BY articles_fts.rowid DESC LIMIT ?",
                    [parsed.fts, *args, candidates],
                ).fetchall()
                lowest = found[-1][0] if len(found) == candidates else 0
            # bm25 with the title weighted over department and body, in both the
            # text and the key columns: a word in the headline says most about
            # what an article is about. Scores are rounded so that near-equal
            # ones count as ties, which the newer article wins.
            ranked = self.db.execute(
                "SELECT articles.id, bm25(articles_fts, 10.0, 1.0, 2.0, 10.0, 1.0, 2.0) AS score"
                f" FROM articles_fts{join} WHERE articles_fts MATCH ?"
                f" AND articles_fts.rowid >= ? AND {conditions}"
                " ORDER BY round(score, 6), articles.published DESC, articles.id DESC LIMIT ?",
                [parsed.fts, lowest, *args, limit],
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"search query {query!r} is not valid FTS5 syntax: {exc}") from exc
        found_ids = [article_id for article_id, _ in ranked]
        rows = self.db.execute(
            f"SELECT * FROM articles WHERE id IN ({', '.join('?' for _ in found_ids)})", found_ids
        ).fetchall()
        articles = {article.id: article for article in map(self._stored, rows)}
        hits = []
        seen: dict[str, bool] = {}
        for article_id, score in ranked:
            article = articles[article_id]
            best = _best_snippet(article, parsed, seen) if snippets else Snippet(text="", marks=())
            hits.append(
                SearchHit(article=article, snippet=best.text, marks=best.marks, rank=float(score))
            )
        if len(hits) < limit:
            where, args = self._search_filters(sources, department, since, until, band=False)
            own = {hit.article.id for hit in hits}
            hits += self._attachment_hits(parsed, where, args, limit - len(hits), own, snippets)
        return hits

    def _attachment_hits(
        self,
        parsed: ParsedQuery,
        where: list[str],
        args: list[object],
        limit: int,
        found: set[int],
        snippets: bool,
    ) -> list[SearchHit]:
        """Articles not `found` by their own text whose attachments match, best file first.

        They come after the articles that say it themselves: a hit in a
        200-page budget PDF says less about the article than its own words.
        Like article search, only the newest `SEARCH_CANDIDATES` matching files
        are ranked.
        """
        try:
            rows = self.db.execute(
                "WITH files AS (SELECT rowid, bm25(attachments_fts, 10.0, 1.0, 0.0, 10.0, 1.0, 0.0)"
                " AS score FROM attachments_fts WHERE attachments_fts MATCH ?"
                " ORDER BY rowid DESC LIMIT ?)"
                " SELECT l.article_id, files.rowid, files.score FROM files"
                " JOIN article_attachments l ON l.attachment_id = files.rowid"
                f" JOIN articles ON articles.id = l.article_id WHERE {' AND '.join(where)}"
                " ORDER BY round(files.score, 6), articles.published DESC, articles.id DESC",
                [parsed.fts, SEARCH_CANDIDATES, *args],
            ).fetchall()
        except sqlite3.OperationalError:
            return []  # an archive opened read-only before its v3 upgrade has no such index
        best: dict[int, tuple[int, float]] = {}
        for article_id, file_id, score in rows:
            if article_id not in found and article_id not in best:
                best[article_id] = (file_id, float(score))
            if len(best) == limit:
                break
        hits = []
        seen: dict[str, bool] = {}
        for article_id, (file_id, score) in best.items():
            name, text = self.db.execute(
                "SELECT name, text FROM attachments WHERE id = ?", [file_id]
            ).fetchone()
            article = self._stored(
                self.db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
            )
            best_snippet = (
                snippet(text, parsed, seen=seen) if snippets else Snippet(text="", marks=())
            )
            hits.append(
                SearchHit(
                    article=article,
                    snippet=best_snippet.text,
                    marks=best_snippet.marks,
                    rank=score,
                    attachment=name,
                )
            )
        return hits

    def _has_index(self, name: str) -> bool:
        """Whether this archive has index `name` (a read-only open of an archive
        last written by an older archiver may lack a newer index)."""
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [name]
        ).fetchone()
        return row is not None

    def _search_filters(
        self,
        sources: tuple[str, ...],
        department: str | None,
        since: dt.date | None,
        until: dt.date | None,
        *,
        band: bool = True,
    ) -> tuple[list[str], list[object]]:
        """SQL conditions on `articles` (and, with `band`, on `articles_fts` rowids)
        for the search filters."""
        where: list[str] = ["1"]
        args: list[object] = []
        if sources:
            where.append(f"articles.source IN ({', '.join('?' for _ in sources)})")
            args.extend(sources)
        if department:
            where.append("instr(archiver_fold(articles.department), ?) > 0")
            args.append(fold(department))
        if since or until:
            low, high = (since or dt.date.min).isoformat(), (until or dt.date.max).isoformat()
            where.append("articles.published BETWEEN ? AND ?")
            args.extend([low, high])
            if not band:
                return where, args
            # A nightly crawl archives articles in date order, so the ids of a
            # date range mostly form a narrow band: telling FTS5 the band lets
            # it skip the matches outside it instead of reading each one's
            # row. Always correct; only as fast as the band is narrow (a
            # backfill archives a listing newest first and widens it).
            ids = self.db.execute(
                "SELECT min(id), max(id) FROM articles WHERE published BETWEEN ? AND ?",
                [low, high],
            ).fetchone()
            where.append("articles_fts.rowid BETWEEN ? AND ?")
            args.extend([ids[0] or 0, ids[1] or 0])
        return where, args

    def stats(self) -> dict[str, list[tuple[str, int]]]:
        """Article counts per source, department and publication year."""
        queries = {
            "source": "SELECT source, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1",
            "department": "SELECT coalesce(department, '(none)'), count(*) FROM articles"
            " GROUP BY 1 ORDER BY 2 DESC, 1",
            "year": "SELECT coalesce(substr(published, 1, 4), '(none)'), count(*) FROM articles"
            " GROUP BY 1 ORDER BY 1 DESC",
        }
        return {
            name: [(str(k), int(v)) for k, v in self.db.execute(sql).fetchall()]
            for name, sql in queries.items()
        }
