"""Reading the archive as a whole: full-text search and counts."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from archiver.errors import QueryError
from archiver.search import FTS_PREFIXES, ParsedQuery, Phrase, Snippet, fold, parse_query, snippet
from archiver.store.base import StoreBase
from archiver.store.records import SearchHit, StoredArticle

# How many matches, newest archived first, `Store.search` ranks by default.
# Ranking every match of a word found in half of a million articles takes
# seconds; this many keep the default search of bench/archive.py near its
# 50 ms target even when a filter makes it walk 40x as many matches.
SEARCH_CANDIDATES = 300

# bm25 counts the articles that hold each phrase of a query by reading the
# phrase's whole list of matches, ~65 ns an article: 30 ms for a word in half
# of a million articles, whatever the candidates. A phrase found in more than
# this share of the archive, and in more than `RANK_COMMON_MIN` articles, is
# left out of the ranking of the default search. Its weight (bm25's idf) is
# small there anyway: log(9) ~ 2.2 at a tenth, against ~7 for a word in one
# article in a thousand, and nothing at a half. Words in a row ("quoted")
# are counted by walking the list of each: one common word leaves them out.
RANK_COMMON_SHARE = 0.1
RANK_COMMON_MIN = 20_000
# The share is estimated from the newest this many articles: bounded work for
# any phrase, unlike counting its matches.
RANK_PROBE = 2_000

# `names`: the archive's department names, least first, each found with one
# seek in `articles_department` (the next name greater than the last): a few
# hundred, however many articles hold them. Search and Datasette's
# "Articles of a department" query start from it.
DEPARTMENT_NAMES = """
WITH RECURSIVE names(name) AS (
    SELECT min(department) FROM articles
    UNION ALL
    SELECT (SELECT min(department) FROM articles WHERE department > name)
    FROM names WHERE name IS NOT NULL
)"""

# Prefix lengths the index has lists of (`search.FTS_PREFIXES`).
_PREFIX_LENGTHS = frozenset(int(n) for n in FTS_PREFIXES.split())

# bm25 weights of the columns of `articles_fts`: title over department and
# body, in both the text and the key columns. A word in the headline says
# most about what an article is about.
_BM25 = "bm25(articles_fts, 10.0, 1.0, 2.0, 10.0, 1.0, 2.0)"


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
        in half a million articles would otherwise take seconds. The bounded
        ranking also leaves out each word, or quoted phrase with a word, found
        in more than a tenth of a large archive (`RANK_COMMON_SHARE`); with
        `candidates=None` every phrase counts.
        `snippets=False` leaves `SearchHit.snippet` empty. Raises `QueryError`
        for a query FTS5 rejects.
        """
        parsed = parse_query(query)
        try:
            if candidates is None:
                ranked = self._rank_all(parsed, limit, sources, department, since, until)
            else:
                ranked = self._rank_newest(
                    parsed, limit, candidates, sources, department, since, until
                )
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
        # A file's text can run to megabytes: read it only to cut a snippet from.
        text_column = "text" if snippets else "''"
        for article_id, (file_id, score) in best.items():
            name, text = self.db.execute(
                f"SELECT name, {text_column} FROM attachments WHERE id = ?", [file_id]
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

    def _join(self) -> str:
        """The join of candidate rows to the short columns the filters read.

        From this covering index, not from rows that hold whole bodies, ~5x faster.
        """
        hint = (
            " INDEXED BY articles_search_filters"
            if self._has_index("articles_search_filters")
            else ""
        )
        return f" JOIN articles{hint} ON articles.id = articles_fts.rowid"

    def _rank_all(
        self,
        parsed: ParsedQuery,
        limit: int,
        sources: tuple[str, ...],
        department: str | None,
        since: dt.date | None,
        until: dt.date | None,
    ) -> list[tuple[int, float]]:
        """bm25 over every match; scores are rounded so that near-equal ones
        count as ties, which the newer article wins."""
        where, args = self._search_filters(sources, department, since, until)
        rows = self.db.execute(
            f"SELECT articles.id, {_BM25} AS score FROM articles_fts{self._join()}"
            f" WHERE articles_fts MATCH ? AND {' AND '.join(where)}"
            " ORDER BY round(score, 6), articles.published DESC, articles.id DESC LIMIT ?",
            [parsed.fts, *args, limit],
        ).fetchall()
        return [(int(article_id), float(score)) for article_id, score in rows]

    def _rank_newest(
        self,
        parsed: ParsedQuery,
        limit: int,
        candidates: int,
        sources: tuple[str, ...],
        department: str | None,
        since: dt.date | None,
        until: dt.date | None,
    ) -> list[tuple[int, float]]:
        """bm25 over the `candidates` newest matches, ordered as `_rank_all` orders."""
        where, args = self._search_filters(sources, department, since, until)
        conditions = " AND ".join(where)
        # FTS5 walks the matches by rowid, newest archived first, and stops
        # after `candidates` of them that pass the filters.
        found = self.db.execute(
            f"SELECT articles.id, articles.published FROM articles_fts{self._join()}"
            f" WHERE articles_fts MATCH ? AND {conditions}"
            " ORDER BY articles_fts.rowid DESC LIMIT ?",
            [parsed.fts, *args, candidates],
        ).fetchall()
        if not found:
            return []
        scores: dict[int, float] = {}
        phrases = self._rare_phrases(parsed)
        if phrases:
            # Only the phrases bm25 can weigh cheaply, over the band of ids the
            # candidates span; only candidates get a score computed (`+` keeps
            # the list a filter, not ids to look up one by one: FTS5 would
            # count each phrase's matches again for each). A candidate with
            # none of these phrases scores 0.
            rows = self.db.execute(
                f"SELECT articles_fts.rowid, {_BM25} FROM articles_fts"
                " WHERE articles_fts MATCH ? AND articles_fts.rowid BETWEEN ? AND ?"
                " AND +articles_fts.rowid IN (SELECT value FROM json_each(?))",
                [
                    " OR ".join(phrases),
                    found[-1][0],
                    found[0][0],
                    json.dumps([article_id for article_id, _ in found]),
                ],
            ).fetchall()
            scores = {int(article_id): float(score) for article_id, score in rows}
        # Best score first, then the newest publication (undated last), then
        # the newest archived: `_rank_all`'s ORDER BY, reversed.
        ranked = sorted(
            ((int(article_id), published or "") for article_id, published in found),
            key=lambda row: (-round(scores.get(row[0], 0.0), 6), row[1], row[0]),
            reverse=True,
        )
        return [(article_id, scores.get(article_id, 0.0)) for article_id, _ in ranked[:limit]]

    def _rare_phrases(self, parsed: ParsedQuery) -> list[str]:
        """The phrases of `parsed` that count in the default ranking (see
        `RANK_COMMON_SHARE`), as FTS5 expressions."""
        newest = self.db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
        if newest <= RANK_COMMON_MIN:
            return [phrase.fts for phrase in parsed.phrases]
        window = min(RANK_PROBE, newest)
        kept = []
        for phrase in parsed.phrases:
            # bm25 counts a phrase's matches by walking the lists of its words:
            # the most common one's share is what costs. A prefix longer than
            # the prefix indexes has no cheap share: it counts, as before.
            *first, last = phrase.tokens
            probes = [Phrase(columns=phrase.columns, tokens=(token,)) for token in first]
            if not phrase.prefix or len(last) in _PREFIX_LENGTHS:
                probes.append(Phrase(columns=phrase.columns, tokens=(last,), prefix=phrase.prefix))
            if probes:
                share = max(self._recent_share(probe, newest, window) for probe in probes)
                if share > RANK_COMMON_SHARE and share * newest > RANK_COMMON_MIN:
                    continue
            kept.append(phrase.fts)
        return kept

    def _recent_share(self, phrase: Phrase, newest: int, window: int) -> float:
        """The share of the newest `window` articles that hold `phrase`."""
        hits = self.db.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ? AND rowid > ?",
            [phrase.fts, newest - window],
        ).fetchone()[0]
        return float(hits) / window

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
            names = self._departments_matching(fold(department))
            if names is None:
                where.append("instr(archiver_fold(articles.department), ?) > 0")
                args.append(fold(department))
            else:
                # The names compared in SQLite's own code, not folded per match in Python.
                where.append(f"articles.department IN ({', '.join('?' for _ in names) or 'NULL'})")
                args.extend(names)
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

    def _departments_matching(self, needle: str) -> list[str] | None:
        """The archive's department names that hold `needle` once folded, or
        None when this archive has no index to list them by (a read-only open
        of an archive no newer archiver has written).

        The names come from `DEPARTMENT_NAMES`, not from reading a million rows.
        """
        if not self._has_index("articles_department"):
            return None
        rows = self.db.execute(
            DEPARTMENT_NAMES + " SELECT name FROM names WHERE name IS NOT NULL"
        ).fetchall()
        return [name for (name,) in rows if needle in fold(name)]

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
