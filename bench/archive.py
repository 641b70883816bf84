"""Build a synthetic archive of N articles through `Store` and time ingest, size and search.

Run from the repository root (`pip install -e .` is enough):

    python bench/archive.py --articles 100000      # a few minutes
    python bench/archive.py --articles 1000000     # the size of issue 8

Articles are generated deterministically from `--seed`: Latvian-looking words
(stems of Latvian letters with Latvian noun, adjective and verb endings, drawn
with Zipf frequencies), one common word (forms of "novads") in half of all
articles, news-length bodies in paragraphs, 42 sources, a few dozen
departments, publication dates over 15 years, about 3% exact or near
duplicates under another URL and 2% edits saved again as new versions.

Both archives go to a temporary folder (`--keep DIR` keeps them) and are never
committed. In the same run and on the same rows it measures:

- ingest: `Store.save_page` + `Store.save_article`, `--batch` articles per
  transaction, against a plain sqlite-utils `insert_all` of the same article
  rows into a table with sqlite-utils' FTS5 triggers (`enable_fts`);
- size on disk of both files (pages, versions and the stemmed index make
  ours bigger);
- search latency, p50 and p95 over a mixed set of queries (rare words, common
  words, prefixes, phrases, filters by source, department and date): our
  `Store.search` (default: bounded ranking, with snippets) and `rank="full"`,
  against the baseline's plain FTS5 query with and without bm25.

Time spent generating text is not counted in either ingest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from archiver.models import Article, Page
from archiver.store import SEARCH_CANDIDATES, Store

# Latvian spelling: syllables of these, ended with real Latvian inflections.
_ONSETS = [
    "b",
    "c",
    "č",
    "d",
    "dz",
    "f",
    "g",
    "ģ",
    "j",
    "k",
    "ķ",
    "l",
    "ļ",
    "m",
    "n",
    "ņ",
    "p",
    "r",
    "s",
    "š",
    "t",
    "v",
    "z",
    "ž",
    "br",
    "dr",
    "gr",
    "kr",
    "pr",
    "tr",
    "st",
    "sk",
    "sp",
    "str",
    "kl",
    "pl",
    "gl",
    "vl",
    "šķ",
]
_VOWELS = ["a", "a", "a", "e", "e", "i", "i", "o", "u", "ā", "ē", "ī", "ū", "ie", "ai", "au", "ei"]
_CODAS = ("", "", "", "", "", "", "", "n", "r", "l", "s", "t", "k", "m", "ņ", "ļ")
# (endings of one paradigm): first the dictionary form.
_PARADIGMS = (
    ("s", "a", "am", "u", "ā", "i", "iem", "us", "os"),  # 1st declension nouns
    ("a", "as", "ai", "u", "ā", "ām", "ās"),  # 4th declension nouns
    ("e", "es", "ei", "i", "ē", "ēm", "ēs"),  # 5th declension nouns
    ("is", "ī", "im", "ī", "ji", "jiem", "jus"),  # 2nd declension nouns
    ("ais", "ā", "ajam", "o", "ajā", "ie", "ajiem", "ās"),  # definite adjectives
    ("t", "u", "a", "am", "ām", "ja", "s", "šana", "šanas", "ot"),  # verbs
)
# The common word of the benchmark: in half of all articles, in some form.
COMMON_FORMS = ("novads", "novada", "novadam", "novadu", "novadā", "novadi", "novados")
COMMON_SHARE = 0.5

MUNICIPALITIES = [
    "aizkraukle",
    "adazi",
    "aluksne",
    "augsdaugava",
    "balvi",
    "bauska",
    "cesis",
    "dienvidkurzeme",
    "dobele",
    "gulbene",
    "jekabpils",
    "jelgava-nov",
    "jelgava",
    "kekava",
    "kraslava",
    "kuldiga",
    "limbazi",
    "livani",
    "ludza",
    "madona",
    "marupe",
    "ogre",
    "olaine",
    "preili",
    "rezekne-nov",
    "rezekne",
    "ropazi",
    "salaspils",
    "saldus",
    "saulkrasti",
    "sigulda",
    "smiltene",
    "talsi",
    "tukums",
    "valka",
    "valmiera",
    "varaklani",
    "ventspils-nov",
    "ventspils",
    "daugavpils",
    "jurmala",
    "liepaja",
]
DEPARTMENTS = (
    "Sabiedrības informēšanas un mārketinga nodaļa",
    "Administratīvā pārvalde",
    "Attīstības un plānošanas nodaļa",
    "Būvvalde",
    "Izglītības pārvalde",
    "Kultūras pārvalde",
    "Sporta nodaļa",
    "Sociālais dienests",
    "Bāriņtiesa",
    "Komunālā pārvalde",
    "Finanšu nodaļa",
    "Juridiskā nodaļa",
    "Pašvaldības policija",
    "Dzimtsarakstu nodaļa",
    "Nekustamā īpašuma nodaļa",
    "Tūrisma informācijas centrs",
    "Vides nodaļa",
    "Projektu vadības nodaļa",
    "Iepirkumu nodaļa",
    "Personāla nodaļa",
    "Kapitālsabiedrību uzraudzības nodaļa",
    "Jaunatnes lietu speciālists",
    "Bibliotēka",
    "Muzejs",
    "Mūzikas un mākslas skola",
    "Pirmsskolas izglītības iestāde",
    "Ceļu un transporta nodaļa",
    "Labiekārtošanas dienests",
    "Civilās aizsardzības komisija",
    "Domes priekšsēdētāja birojs",
)
START = dt.date(2011, 1, 1)
DAYS = 15 * 365


@dataclass(frozen=True, slots=True, kw_only=True)
class Vocabulary:
    """Lemmas as tuples of forms, most frequent first, and Zipf draw weights."""

    lemmas: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]
    cum_weights: tuple[float, ...]


def make_vocabulary(rng: random.Random, size: int) -> Vocabulary:
    """`size` distinct Latvian-looking lemmas; words are drawn Zipf-like by lemma rank."""
    seen: set[str] = set()
    lemmas: list[tuple[str, ...]] = []
    while len(lemmas) < size:
        syllables = rng.choice((1, 1, 2, 2, 2, 3))
        stem = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        paradigm = rng.choice(_PARADIGMS)
        if stem in seen or stem.startswith("novad"):
            continue
        seen.add(stem)
        lemmas.append(tuple(stem + ending for ending in paradigm))
    words: list[str] = []
    cum: list[float] = []
    total = 0.0
    for rank, forms in enumerate(lemmas, start=1):
        for form in forms:
            total += 1.0 / (rank**1.05 * len(forms))
            words.append(form)
            cum.append(total)
    return Vocabulary(lemmas=tuple(lemmas), words=tuple(words), cum_weights=tuple(cum))


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One generated article as a crawl would save it."""

    key: str
    source: str
    article: Article
    page: Page


class Generator:
    """Deterministic stream of articles: same seed and size, same archive."""

    def __init__(self, seed: int, articles: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = make_vocabulary(self.rng, 20000)
        self.articles = articles
        self.recent: list[Item] = []

    def _sentence(self, n: int) -> str:
        drawn = self.rng.choices(self.vocab.words, cum_weights=self.vocab.cum_weights, k=n)
        return drawn[0].capitalize() + " " + " ".join(drawn[1:]) + "."

    def _body(self) -> str:
        paragraphs = []
        common = self.rng.random() < COMMON_SHARE
        for _ in range(self.rng.randint(3, 7)):
            sentences = [
                self._sentence(self.rng.randint(7, 16)) for _ in range(self.rng.randint(2, 5))
            ]
            paragraphs.append(" ".join(sentences))
        if common:
            form = self.rng.choice(COMMON_FORMS)
            i = self.rng.randrange(len(paragraphs))
            paragraphs[i] = paragraphs[i].replace(" ", f" {form} ", 1)
        return "\n".join(paragraphs)

    def _item(self, i: int, source: str, article: Article) -> Item:
        html = f"<html><head><title>{article.title}</title></head><body><h1>{article.title}</h1>"
        html += "".join(f"<p>{p}</p>" for p in article.body.split("\n")) + "</body></html>"
        fetched = dt.datetime(2025, 12, 31, tzinfo=dt.UTC) - dt.timedelta(seconds=i)
        page = Page(
            url=article.url or "",
            final_url=article.url or "",
            status=200,
            headers=(("Content-Type", "text/html; charset=utf-8"),),
            body=html.encode("utf-8"),
            text=html,
            encoding="utf-8",
            fetched_at=fetched,
        )
        return Item(key=article.url or "", source=source, article=article, page=page)

    def items(self) -> Iterator[Item]:
        """Every article to save, in the order a crawl over the years would save them."""
        rng = self.rng
        for i in range(self.articles):
            kind = rng.random()
            if kind < 0.03 and self.recent:
                # Same press release on another municipality's site: mostly verbatim,
                # sometimes with a changed last paragraph (a near duplicate).
                base = rng.choice(self.recent).article
                body = base.body
                if rng.random() < 0.5:
                    body = body.rsplit("\n", 1)[0] + "\n" + self._sentence(12)
                source = rng.choice(MUNICIPALITIES)
                url = f"https://{source}.lv/zinas/{i}"
                article = Article(
                    url=url,
                    title=base.title,
                    body=body,
                    published=base.published,
                    department=base.department,
                )
            elif kind < 0.05 and self.recent:
                # An edit: the same URL again with a corrected paragraph.
                old = rng.choice(self.recent)
                paragraphs = old.article.body.split("\n")
                paragraphs[rng.randrange(len(paragraphs))] += " " + self._sentence(8)
                article = Article(
                    url=old.key,
                    title=old.article.title,
                    body="\n".join(paragraphs),
                    published=old.article.published,
                    department=old.article.department,
                )
                source = old.source
            else:
                source = rng.choice(MUNICIPALITIES)
                day = i * DAYS // self.articles + rng.randint(-20, 20)
                published = START + dt.timedelta(days=min(max(day, 0), DAYS))
                article = Article(
                    url=f"https://{source}.lv/zinas/{i}",
                    title=self._sentence(rng.randint(5, 11))[:-1],
                    body=self._body(),
                    published=published if rng.random() > 0.01 else None,
                    department=rng.choice(DEPARTMENTS) if rng.random() > 0.1 else None,
                )
            item = self._item(i, source, article)
            if len(self.recent) < 2000:
                self.recent.append(item)
            else:
                self.recent[rng.randrange(2000)] = item
            yield item


# --- ingest ----------------------------------------------------------------------


def article_row(item: Item) -> dict[str, object]:
    """The row the baseline stores for an item: the article's own columns."""
    a = item.article
    return {
        "canonical_url": item.key,
        "url": item.key,
        "source": item.source,
        "title": a.title,
        "body": a.body,
        "published": a.published.isoformat() if a.published else None,
        "department": a.department,
        "links": "[]",
        "content_hash": hashlib.sha256((a.title + "\n" + a.body).encode()).hexdigest(),
    }


def save(store: Store, batch: Sequence[Item]) -> None:
    """Save a batch the way a crawl saves one article, all in one transaction."""
    with store.transaction():
        for item in batch:
            page_id, _ = store.save_page(item.page, crawl_id=None)
            store.save_article(
                item.article,
                keys=(item.key,),
                source=item.source,
                page_id=page_id,
                page_sha256=hashlib.sha256(item.page.body).hexdigest(),
                parser_version="bench",
                seen_at=item.page.fetched_at,
            )


def baseline_db(path: Path) -> sqlite_utils.Database:
    """A plain sqlite-utils table with the article columns and FTS5 kept by triggers."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db["articles"].create(
        {
            "id": int,
            "canonical_url": str,
            "url": str,
            "source": str,
            "title": str,
            "body": str,
            "published": str,
            "department": str,
            "links": str,
            "content_hash": str,
        },
        pk="id",
    )
    db["articles"].enable_fts(["title", "body", "department"], create_triggers=True)
    return db


def build(folder: Path, args: argparse.Namespace) -> dict[str, float]:
    """Write both archives; return the seconds each spent writing (generation excluded)."""
    store = Store.open(folder / "archive.db")
    base = baseline_db(folder / "baseline.db")
    ours = theirs = 0.0
    items = Generator(args.seed, args.articles).items()
    done = 0
    while batch := list(itertools.islice(items, args.batch)):
        started = time.perf_counter()
        save(store, batch)
        ours += time.perf_counter() - started
        started = time.perf_counter()
        base["articles"].insert_all((article_row(item) for item in batch), batch_size=500)
        theirs += time.perf_counter() - started
        done += len(batch)
        if done % (args.batch * 20) == 0:
            print(f"  {done:,} articles ({done / ours:,.0f}/s ours)", flush=True)
    store.close()
    base.conn.close()
    return {"ours": ours, "baseline": theirs}


def size_mb(path: Path) -> float:
    """Size of a SQLite file with its WAL, in MB."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


# --- search ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """One benchmark query: our syntax, the baseline's FTS5 syntax, and filters."""

    kind: str
    ours: str
    fts: str
    source: str | None = None
    department: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def queries(seed: int, articles: int) -> list[Query]:
    """The mixed query set: 240 queries in 8 kinds, 30 each, drawn from the same text."""
    gen = Generator(seed, articles)
    rng = random.Random(seed + 1)
    lemmas = gen.vocab.lemmas
    sample = [item.article for item in itertools.islice(gen.items(), 2000)]
    out: list[Query] = []

    def word(lo: int, hi: int) -> str:
        return rng.choice(lemmas[rng.randrange(lo, hi)])

    for _ in range(30):
        w = word(len(lemmas) // 2, len(lemmas))
        out.append(Query(kind="rare word", ours=w, fts=w))
    for i in range(30):
        w = COMMON_FORMS[i % len(COMMON_FORMS)] if i % 2 else word(0, 30)
        out.append(Query(kind="common word", ours=w, fts=w))
    for _ in range(30):
        w = f"{word(0, 30)} {word(200, 2000)}"
        out.append(Query(kind="two words", ours=w, fts=w))
    for _ in range(30):
        w = word(50, 5000)[:4] + "*"
        out.append(Query(kind="prefix", ours=w, fts=w))
    for _ in range(30):
        text = rng.choice(sample).body.split()
        i = rng.randrange(len(text) - 1)
        w = '"' + " ".join(t.strip(".").lower() for t in text[i : i + 2]) + '"'
        out.append(Query(kind="phrase", ours=w, fts=w))
    for i in range(30):
        w = COMMON_FORMS[i % len(COMMON_FORMS)]
        src = rng.choice(MUNICIPALITIES)
        out.append(Query(kind="common + source", ours=w, fts=w, source=src))
    for _ in range(30):
        w = word(100, 3000)
        dep = rng.choice(DEPARTMENTS).split()[0]
        out.append(Query(kind="word + department", ours=w, fts=w, department=dep))
    for i in range(30):
        w = COMMON_FORMS[i % len(COMMON_FORMS)] if i % 2 else word(100, 3000)
        year = 2011 + rng.randrange(15)
        since, until = dt.date(year, 1, 1), dt.date(year, 12, 31)
        out.append(Query(kind="word + year", ours=w, fts=w, since=since, until=until))
    return out


def baseline_search(db: sqlite_utils.Database, q: Query, *, ranked: bool, snippets: bool) -> int:
    """The plain sqlite-utils way: FTS5 MATCH, optionally bm25 `rank`, top 20."""
    where, args = ["articles_fts MATCH ?"], [q.fts]
    if q.source:
        where.append("articles.source = ?")
        args.append(q.source)
    if q.department:
        where.append("articles.department LIKE ?")
        args.append(f"%{q.department}%")
    if q.since and q.until:
        where.append("articles.published BETWEEN ? AND ?")
        args.extend([q.since.isoformat(), q.until.isoformat()])
    snippet = ", snippet(articles_fts, 1, '[', ']', '…', 16)" if snippets else ""
    sql = (
        f"SELECT articles.*{snippet} FROM articles_fts"
        " JOIN articles ON articles.rowid = articles_fts.rowid"
        f" WHERE {' AND '.join(where)}{' ORDER BY articles_fts.rank' if ranked else ''} LIMIT 20"
    )
    return len(db.execute(sql, args).fetchall())


def our_search(store: Store, q: Query, *, full: bool, snippets: bool) -> int:
    """`Store.search` as `archiver search` calls it (top 20)."""
    return len(our_hits(store, q, full=full, snippets=snippets))


def our_hits(store: Store, q: Query, *, full: bool, snippets: bool) -> list[int]:
    """The ids `Store.search` finds, best first."""
    hits = store.search(
        q.ours,
        limit=20,
        sources=(q.source,) if q.source else (),
        department=q.department,
        since=q.since,
        until=q.until,
        candidates=None if full else SEARCH_CANDIDATES,
        snippets=snippets,
    )
    return [hit.article.id for hit in hits]


def latencies(run: Callable[[Query], object], qs: Sequence[Query]) -> list[float]:
    """Milliseconds per query, after one untimed warm-up pass over all of them."""
    for q in qs:
        run(q)
    times = []
    for q in qs:
        started = time.perf_counter()
        run(q)
        times.append(1000 * (time.perf_counter() - started))
    return times


def overlap(a: Sequence[int], b: Sequence[int]) -> float:
    """The share of the results of `b` that `a` found too (1.0 when both are empty)."""
    return len(set(a) & set(b)) / len(b) if b else float(not a)


def p(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- report ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100000, help="articles to generate")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated text")
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: search the archives already there"
    )
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="archiver-bench-"))
    try:
        report(folder, args)
    finally:
        if args.keep is None:
            shutil.rmtree(folder)


def report(folder: Path, args: argparse.Namespace) -> None:
    """Build (unless reusing), measure, and print the table."""
    folder.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    if not args.reuse:
        print(f"building {args.articles:,} articles in {folder} ...", flush=True)
        seconds = build(folder, args)
        print(
            f"ingest: {args.articles / seconds['ours']:,.0f} articles/s through Store,"
            f" {args.articles / seconds['baseline']:,.0f}/s baseline",
            flush=True,
        )
    # A writable open first brings a reused archive's schema (indexes) up to date.
    Store.open(folder / "archive.db").close()
    store = Store.open(folder / "archive.db", readonly=True)
    base = sqlite_utils.Database(folder / "baseline.db")
    qs = queries(args.seed, args.articles)
    print(f"searching: {len(qs)} queries ...", flush=True)

    def ours(*, full: bool, snippets: bool) -> list[float]:
        return latencies(lambda q: our_search(store, q, full=full, snippets=snippets), qs)

    def theirs(*, ranked: bool, snippets: bool) -> list[float]:
        return latencies(lambda q: baseline_search(base, q, ranked=ranked, snippets=snippets), qs)

    default = ours(full=False, snippets=True)
    bm25_snippets = theirs(ranked=True, snippets=True)
    # (measure, ours, baseline): each search row says which baseline query it faces.
    timings = {
        "default search (snippets) vs bm25+snippet()": (default, bm25_snippets),
        "default search (no snippets) vs bm25": (
            ours(full=False, snippets=False),
            theirs(ranked=True, snippets=False),
        ),
        "rank all matches (snippets) vs bm25+snippet()": (
            ours(full=True, snippets=True),
            bm25_snippets,
        ),
        "default search (snippets) vs unranked": (
            default,
            theirs(ranked=False, snippets=False),
        ),
    }
    n = store.article_count()
    rows: list[tuple[str, float, float]] = []
    if seconds:
        rows.append(
            (
                "ingest, articles/s",
                args.articles / seconds["ours"],
                args.articles / seconds["baseline"],
            )
        )
    rows.append(
        ("size on disk, MB", size_mb(folder / "archive.db"), size_mb(folder / "baseline.db"))
    )
    for name, (mine, base_ms) in timings.items():
        for label, q in (("p50", 0.5), ("p95", 0.95)):
            rows.append((f"{name}, {label} ms", p(mine, q), p(base_ms, q)))
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{args.articles:,} generated articles ({n:,} stored), {len(qs)} queries, top 20")
    print(f"| {'measure':<{width}} | {'archiver':>9} | {'baseline':>9} | {'ratio':>6} |")
    print(f"|{'-' * (width + 2)}|{'-' * 10}:|{'-' * 10}:|{'-' * 7}:|")
    for label, mine_v, base_v in rows:
        ratio = mine_v / base_v if base_v else float("nan")
        print(f"| {label:<{width}} | {mine_v:9.1f} | {base_v:9.1f} | {ratio:6.2f} |")
    print()
    # What the bounded ranking gives up: how much of the top 20 of ranking
    # every match it finds too (untimed).
    agree = [
        overlap(
            our_hits(store, q, full=False, snippets=False),
            our_hits(store, q, full=True, snippets=False),
        )
        for q in qs
    ]
    print(
        "by kind of query: p95 ms of archiver default search / baseline bm25+snippet();"
        " share of the top 20 of ranking all matches that the default search finds"
    )
    mine, base_ms = default, bm25_snippets
    for kind in dict.fromkeys(q.kind for q in qs):
        idx = [i for i, q in enumerate(qs) if q.kind == kind]
        ours_k = p([mine[i] for i in idx], 0.95)
        theirs_k = p([base_ms[i] for i in idx], 0.95)
        same = sum(agree[i] for i in idx) / len(idx)
        print(f"  {kind:<20} {ours_k:8.2f} {theirs_k:8.2f} {same:7.0%}")
    print(f"  {'all':<20} {p(mine, 0.95):8.2f} {p(base_ms, 0.95):8.2f} {sum(agree) / len(qs):7.0%}")
    store.close()
    base.conn.close()


if __name__ == "__main__":
    main()
