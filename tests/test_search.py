"""Latvian-aware search over a real crawl of the fixture site: forms, folding, filters, output.

The query table was written by reading the fixture pages: each query lists
articles that contain some form of its words (must) and articles that
contain none (must not).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.cli.output import highlighted
from archiver.errors import QueryError
from archiver.search import key, parse_query
from archiver.store import SearchHit, Store
from conftest import run_archiver as archiver
from fixture_archive import SEED_TITLE, build_fixture_archive

# Short names of the fixture articles -> a part of their canonical URL.
ARTICLES = {
    "seed": "lid=13828",
    "lapas": "lid=13846",
    "sporta-zale": "lid=13979",
    "pagalmi": "lid=14071",
    "autobusi-2020": "lid=14156",
    "sabiedriska-kartiba": "lid=14248",
    "arkarteja": "lid=14403",
    "nometnes": "lid=14561",
    "rigas-iela": "lid=14790",
    "audzugimenes": "lid=15012",
    "apkure": "lid=15329",
    "buvvalde": "lid=15471",
    "iniciativas": "lid=15702",
    "baldone": "lid=15958",
    "odukalna": "lid=16176",
    "pirmsskola-2021": "lid=16619",
    "atkritumi": "lid=16702",
    "nodoklis": "lid=16908",
    "ziemas-sports": "lid=16931",
    "programma": "attistibas-programma",
    "daugavas-iela": "daugavas-ielas-parbuve",
    "parks": "parka-atjaunosana",
    "korpuss": "jaunu-skolas-korpusu",
    "pirmsskola-2027": "pirmsskolas-izglitibas-iestades-2027",
    "autobusi-2024": "mainas-autobusu-kustibas-saraksts",
    "veloceli": "velosipedu-celu-tikls",
}

# (query, must return, must not return)
QUERIES: list[tuple[str, list[str], list[str]]] = [
    (
        "pasvaldiba",
        ["seed", "lapas", "pagalmi", "arkarteja"],
        ["ziemas-sports", "odukalna", "buvvalde"],
    ),
    ("pašvaldības", ["seed", "lapas", "pagalmi", "nometnes"], ["ziemas-sports", "odukalna"]),
    ("pasvaldibai", ["seed", "arkarteja", "lapas"], ["odukalna"]),
    ("pašvaldību", ["seed", "pagalmi", "rigas-iela"], ["ziemas-sports"]),
    ("autobuss", ["autobusi-2020", "autobusi-2024", "rigas-iela"], ["ziemas-sports", "veloceli"]),
    ("autobusiem", ["autobusi-2020", "autobusi-2024", "rigas-iela"], ["ziemas-sports"]),
    ("skola", ["korpuss", "nometnes", "daugavas-iela"], ["sporta-zale", "iniciativas"]),
    (
        "ielā",
        ["rigas-iela", "odukalna", "daugavas-iela", "sabiedriska-kartiba", "baldone", "apkure"],
        ["ziemas-sports", "nodoklis"],
    ),
    (
        "saistošie noteikumi",
        ["pagalmi", "sabiedriska-kartiba", "pirmsskola-2021", "pirmsskola-2027"],
        ["rigas-iela", "ziemas-sports"],
    ),
    (
        '"saistošie noteikumi"',
        ["pirmsskola-2027"],
        ["pagalmi", "sabiedriska-kartiba", "pirmsskola-2021"],
    ),
    ("sēde", ["pagalmi", "pirmsskola-2021", "programma", "baldone"], ["rigas-iela", "seed"]),
    ("domes sēdē", ["pagalmi", "baldone", "pirmsskola-2021", "programma"], ["seed"]),
    (
        "bērni",
        ["nometnes", "audzugimenes", "pirmsskola-2021", "ziemas-sports", "pagalmi"],
        ["rigas-iela", "nodoklis"],
    ),
    ("audžuģimene", ["audzugimenes"], ["seed", "apkure"]),
    ("audzugimenes", ["audzugimenes"], ["seed"]),
    ("bāriņtiesas", ["audzugimenes", "arkarteja"], ["seed"]),
    ("atkritumi", ["atkritumi", "lapas"], ["nometnes", "parks"]),
    ("atkritumu izvešana", ["atkritumi"], ["lapas"]),
    ("nodoklis", ["nodoklis", "sporta-zale"], ["apkure"]),
    ("nodokla maksasana", ["nodoklis"], ["sporta-zale"]),
    ("sporta zale", ["sporta-zale", "arkarteja"], ["ziemas-sports", "nometnes"]),
    ("ziemas sporta svētki", ["ziemas-sports"], ["sporta-zale", "atkritumi"]),
    ("velosipēds", ["veloceli"], ["rigas-iela"]),
    ("veloceliņi", ["veloceli"], ["parks"]),
    (
        "Baldone",
        ["autobusi-2020", "baldone", "ziemas-sports", "autobusi-2024", "veloceli", "programma"],
        ["lapas", "rigas-iela"],
    ),
    (
        "Baložos",
        ["lapas", "korpuss", "programma", "autobusi-2024", "veloceli", "baldone", "nometnes"],
        ["rigas-iela", "odukalna"],
    ),
    (
        "pirmsskolas izglitibas iestades",
        ["pirmsskola-2021", "pirmsskola-2027", "arkarteja"],
        ["nometnes"],
    ),
    ("jaunais korpuss", ["korpuss"], ["pirmsskola-2021"]),
    (
        "iedzīvotāji",
        ["seed", "lapas", "iniciativas", "programma", "parks", "sporta-zale", "baldone"],
        ["odukalna", "nodoklis"],
    ),
    ("iedzivotajiem", ["seed", "sporta-zale"], ["odukalna"]),
    ("mainās kustības saraksts", ["autobusi-2020", "autobusi-2024"], ["atkritumi"]),
    ('"kustības saraksts"', ["autobusi-2020", "autobusi-2024"], ["iniciativas"]),
    ("apvedceļš", ["odukalna"], ["rigas-iela"]),
    ("atbalsts", ["audzugimenes", "apkure", "iniciativas", "seed"], ["rigas-iela"]),
    ("attīst*", ["seed", "programma", "korpuss", "sporta-zale", "pagalmi"], ["ziemas-sports"]),
    (
        "sporta OR kultūras",
        ["sporta-zale", "nometnes", "ziemas-sports", "sabiedriska-kartiba", "arkarteja"],
        ["rigas-iela"],
    ),
    ("sporta NOT ziemas", ["sporta-zale", "nometnes"], ["ziemas-sports"]),
    ("Rīgas iela", ["rigas-iela", "odukalna", "baldone", "daugavas-iela"], ["ziemas-sports"]),
    ("nometne", ["nometnes"], ["rigas-iela"]),
    ("parks", ["parks"], ["rigas-iela", "odukalna"]),
    ("budžets", ["iniciativas", "sporta-zale"], ["parks"]),
    ("Daugavas", ["daugavas-iela", "odukalna", "iniciativas"], ["parks"]),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.open(build_fixture_archive(tmp_path_factory.mktemp("search") / "archive.db"))
    yield store
    store.close()


def names(hits: list[SearchHit]) -> set[str]:
    found = set()
    for hit in hits:
        for name, part in ARTICLES.items():
            if part in hit.article.canonical_url:
                found.add(name)
    return found


def test_every_article_name_in_the_table_is_a_fixture_article(archive: Store) -> None:
    urls = [a.canonical_url for a in archive.iter_articles()]
    for name, part in ARTICLES.items():
        assert sum(part in url for url in urls) == 1, name


@pytest.mark.parametrize(("query", "must", "must_not"), QUERIES, ids=[q for q, _, _ in QUERIES])
def test_query_table(archive: Store, query: str, must: list[str], must_not: list[str]) -> None:
    found = names(archive.search(query, limit=100))
    assert set(must) <= found, f"missing {sorted(set(must) - found)}"
    assert not (set(must_not) & found), f"unwanted {sorted(set(must_not) & found)}"


def without_stemming(query: str) -> str:
    """The same query with every bare word quoted: exact (folded) forms only."""
    return " ".join(
        part
        if part.startswith('"') or part.endswith("*") or part in ("AND", "OR", "NOT")
        else f'"{part}"'
        for part in re.findall(r'"[^"]*"|\S+', query)
    )


def recall(archive: Store, rewrite: bool) -> float:
    wanted = found = 0
    for query, must, _ in QUERIES:
        hits = names(archive.search(without_stemming(query) if rewrite else query, limit=100))
        wanted += len(must)
        found += len(set(must) & hits)
    return found / wanted


def test_stemming_raises_recall_on_the_query_table(archive: Store) -> None:
    stemmed, exact = recall(archive, rewrite=False), recall(archive, rewrite=True)
    print(f"query table recall: stemmed {stemmed:.1%}, exact forms only {exact:.1%}")
    assert stemmed == 1.0
    assert exact < 0.8


@pytest.mark.parametrize(
    "form", ["pašvaldība", "pašvaldības", "pasvaldibai", "pašvaldību", "PAŠVALDĪBĀM"]
)
def test_forms_of_one_word_share_a_key(form: str) -> None:
    assert key(form) == key("pašvaldība") == "pasvaldib"


def test_title_matches_rank_first(archive: Store) -> None:
    hits = archive.search("pasvaldiba piedalas")
    assert hits[0].article.title == SEED_TITLE


def test_ties_go_to_the_newer_article(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "ties.db")
    # Same length, same matches: equal bm25. The older one is saved last, so
    # only the date can put the newer one first.
    for letter, year in (("A", 2024), ("B", 2019)):
        store.db.execute(
            "INSERT INTO articles (canonical_url, url, source, title, body, published, links,"
            " content_hash, parser_version, first_seen, last_seen)"
            " VALUES (?, ?, 's', ?, 'Teksts par pašvaldību.', ?, '[]', ?, '1', 'x', 'x')",
            [
                f"https://x.lv/{letter}",
                f"https://x.lv/{letter}",
                f"Ziņa {letter}",
                f"{year}-01-01",
                letter,
            ],
        )
    hits = store.search("pasvaldiba")
    store.close()
    assert [h.article.title for h in hits] == ["Ziņa A", "Ziņa B"]
    assert hits[0].rank == hits[1].rank


def test_snippet_marks_inflected_forms_of_the_query(archive: Store) -> None:
    (hit,) = archive.search("ikmenesa atlidziba")
    assert "saņem [ikmēneša] [atlīdzību]" in hit.snippet
    for start, end in hit.marks:
        assert hit.snippet[start] == "[" and hit.snippet[end - 1] == "]"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"sources": ("kekava",)}, {"programma", "daugavas-iela", "parks", "autobusi-2024"}),
        ({"department": "komunalas"}, {"lapas", "atkritumi"}),
        ({"since": dt.date(2024, 1, 1), "until": dt.date(2024, 12, 31)}, {"programma"}),
    ],
    ids=["source", "department-folded", "date-range"],
)
def test_filters_narrow_the_results(
    archive: Store, filters: dict[str, object], expected: set[str]
) -> None:
    query = "novada OR Ķekavā OR atkritumi"
    found = names(archive.search(query, limit=100, **filters))  # type: ignore[arg-type]
    assert expected <= found
    everything = names(archive.search(query, limit=100))
    assert found < everything


@pytest.mark.parametrize("part", ["komunalas", "KOMUNĀLĀS", "saimniecība", "nav-tādas"])
def test_department_filter_is_the_same_without_the_names_index(
    archive: Store, tmp_path: Path, part: str
) -> None:
    """The filter lists the matching names by `articles_department`; a read-only
    open of an archive without that index folds each match's name instead."""
    query = "novada OR Ķekavā OR atkritumi"
    with_index = archive.search(query, limit=100, department=part)
    copy = tmp_path / "copy.db"
    archive.db.conn.execute("VACUUM INTO ?", [str(copy)])
    plain = Store.open(copy)
    plain.db.execute("DROP INDEX articles_department")
    plain.close()
    readonly = Store.open(copy, readonly=True)
    without = readonly.search(query, limit=100, department=part)
    readonly.close()
    assert [h.article.id for h in with_index] == [h.article.id for h in without]
    departments = {h.article.department for h in with_index}
    if part == "nav-tādas":
        assert with_index == []
    else:
        assert departments and all("komunāl" in (d or "").lower() for d in departments)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unbalanced', "a quote is not closed"),
        ("AND", "not valid FTS5 syntax"),
        ("( pasvaldiba", "not valid FTS5 syntax"),
        ("!!!", "has no words"),
    ],
    ids=["quote", "lone-operator", "parenthesis", "no-words"],
)
def test_bad_queries_raise_a_query_error(archive: Store, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        archive.search(query)


def test_ranking_weighs_the_phrases_outside_a_not() -> None:
    parsed = parse_query('pasvaldiba NOT (sports OR "ziemas svetki") skola*')
    assert tuple(phrase.fts for phrase in parsed.phrases) == (
        '{title_keys body_keys department_keys} : "pasvaldib"',
        '{title body department} : "pasvaldiba"',
        '{title body department} : "skola" *',
    )


def test_exact_phrase_keeps_its_words_together() -> None:
    parsed = parse_query('"saistošie noteikumi" projekts')
    assert '{title body department} : "saistosie noteikumi"' in parsed.fts


def test_highlight_on_a_terminal_uses_the_marks_not_every_bracket() -> None:
    hit = SearchHit(
        article=None,  # type: ignore[arg-type]
        snippet="datums [01.03.2021.] un [Būvvalde]",
        marks=((24, 34),),
        rank=0.0,
    )
    assert highlighted(hit) == "datums [01.03.2021.] un \x1b[1;33mBūvvalde\x1b[0m"


# --- the command ------------------------------------------------------------


@pytest.fixture(scope="module")
def db(archive: Store) -> Path:
    return Path(archive.db.conn.execute("PRAGMA database_list").fetchone()[2])


def test_search_command_json_nl_and_csv_agree(db: Path) -> None:
    base = ("search", "pasvaldibai", "--db", str(db), "--source", "kekava-old", "-n", "5")
    as_json = json.loads(archiver(*base, "--json").stdout)
    as_nl = [json.loads(line) for line in archiver(*base, "--nl").stdout.splitlines()]
    as_csv = list(csv.DictReader(io.StringIO(archiver(*base, "--csv").stdout)))
    assert len(as_json) == 5 and as_json == as_nl
    assert [r["title"] for r in as_csv] == [h["title"] for h in as_json]
    assert [r["id"] for r in as_csv] == [str(h["id"]) for h in as_json]
    assert {h["source"] for h in as_json} == {"kekava-old"}


def test_search_command_filters_by_date(db: Path) -> None:
    result = archiver(
        "search",
        "Baldone",
        "--db",
        str(db),
        "--since",
        "2024-01-01",
        "--until",
        "2024-12-31",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert {h["published"][:4] for h in json.loads(result.stdout)} == {"2024"}


def test_search_command_bad_query_is_one_line_exit_1(db: Path) -> None:
    result = archiver("search", "pasvaldiba AND", "--db", str(db))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("archiver: error: search query")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [("--json", "--csv"), ("--since", "last year")],
    ids=["two-formats", "bad-date"],
)
def test_search_command_usage_errors_exit_2(db: Path, args: tuple[str, ...]) -> None:
    result = archiver("search", "x", "--db", str(db), *args)
    assert result.returncode == 2, result.stderr
