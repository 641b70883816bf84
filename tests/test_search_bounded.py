"""Bounded ranking: `Store.search` ranks only the newest archived matches by default.

Built by hand so each article's archive order (its id), date and text are known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.models import Article, Page
from archiver.store import SEARCH_CANDIDATES, Store
from archiver.store import query as store_query

SEEN = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)

# Archived in this order (ids 1..6): (title, body, published, source).
ARTICLES = [
    ("Novads un novada ceļi", "Novads remontē ceļus novadā.", dt.date(2020, 1, 1), "a"),
    ("Skola", "Skolā mācās bērni no novada.", dt.date(2024, 5, 1), "b"),
    ("Parks", "Parkā stāda kokus.", dt.date(2015, 3, 1), "a"),
    ("Bibliotēka", "Bibliotēka novadā ir atvērta.", dt.date(2016, 7, 1), "b"),
    ("Sports", "Novada sporta svētki.", dt.date(2023, 2, 1), "a"),
    ("Tirgus", "Tirgū pārdod medu.", None, "a"),
]


def add(store: Store, i: int, title: str, body: str, published: dt.date | None, src: str) -> None:
    url = f"https://x.lv/{i}"
    with store.transaction():
        page_id, _ = store.save_page(
            Page(
                url=url,
                final_url=url,
                status=200,
                headers=(),
                body=body.encode(),
                text=body,
                encoding="utf-8",
                fetched_at=SEEN,
            ),
            crawl_id=None,
        )
        store.save_article(
            Article(url=url, title=title, body=body, published=published),
            keys=(url,),
            source=src,
            page_id=page_id,
            page_sha256="x",
            parser_version="1",
            seen_at=SEEN,
        )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "bounded.db")
    for i, row in enumerate(ARTICLES):
        add(store, i, *row)
    yield store
    store.close()


def titles(hits: list[object]) -> list[str]:
    return [h.article.title for h in hits]  # type: ignore[attr-defined]


def test_the_default_bound_ranks_every_match_of_a_small_archive(store: Store) -> None:
    assert len(ARTICLES) < SEARCH_CANDIDATES
    assert titles(store.search("novads")) == titles(store.search("novads", candidates=None))


def test_filtered_search_reads_the_covering_index(store: Store) -> None:
    plans = []
    store.db.conn.set_trace_callback(plans.append)
    store.search("novads", sources=("a",))
    store.db.conn.set_trace_callback(None)
    assert any("INDEXED BY articles_search_filters" in sql for sql in plans)
    assert titles(store.search("novads", sources=("a",))) == ["Novads un novada ceļi", "Sports"]


def test_all_matches_are_ranked_when_they_fit_in_the_candidates(store: Store) -> None:
    bounded = store.search("novads", candidates=10)
    assert titles(bounded) == titles(store.search("novads", candidates=None))
    assert titles(bounded)[0] == "Novads un novada ceļi"  # title match, archived first


def test_only_the_newest_archived_matches_are_ranked(store: Store) -> None:
    # Matches of "novads", newest archived first: Sports, Bibliotēka, Skola, Novads...
    hits = store.search("novads", candidates=2)
    assert set(titles(hits)) == {"Sports", "Bibliotēka"}
    assert titles(store.search("novads", candidates=None))[0] == "Novads un novada ceļi"


def test_filters_choose_the_candidates_before_the_bound(store: Store) -> None:
    hits = store.search("novads", candidates=1, sources=("b",))
    assert titles(hits) == ["Bibliotēka"]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (dt.date(2020, 1, 1), dt.date(2020, 12, 31), ["Novads un novada ceļi"]),
        (dt.date(2016, 1, 1), None, ["Sports", "Skola", "Bibliotēka", "Novads un novada ceļi"]),
        (None, dt.date(2019, 12, 31), ["Bibliotēka"]),
        (dt.date(2030, 1, 1), None, []),
    ],
    ids=["one-year", "since-only", "until-only", "no-article-in-range"],
)
def test_date_filters_find_articles_archived_out_of_date_order(
    store: Store, since: dt.date | None, until: dt.date | None, expected: list[str]
) -> None:
    hits = store.search("novads OR bibliotēka", since=since, until=until, candidates=1000)
    assert sorted(titles(hits)) == sorted(expected)


def test_without_snippets_hits_carry_no_snippet(store: Store) -> None:
    hits = store.search("parks", snippets=False)
    assert titles(hits) == ["Parks"]
    assert hits[0].snippet == "" and hits[0].marks == ()


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rank as in a large archive: a phrase in more than half of it is common."""
    monkeypatch.setattr(store_query, "RANK_COMMON_MIN", 0)
    monkeypatch.setattr(store_query, "RANK_COMMON_SHARE", 0.5)


@pytest.mark.usefixtures("large")
def test_a_phrase_in_most_articles_does_not_count_in_the_ranking(store: Store) -> None:
    # The key "novad" is in four of six articles; "novads" as written only in
    # the first, which ranks first. The rest share only the common key, so
    # they are unscored and ordered newest published first.
    hits = store.search("novads")
    assert titles(hits) == ["Novads un novada ceļi", "Skola", "Sports", "Bibliotēka"]
    assert hits[0].rank < 0 and [h.rank for h in hits[1:]] == [0.0, 0.0, 0.0]
    # Ranking all matches still weighs every phrase.
    assert titles(store.search("novads", candidates=None))[0] == "Novads un novada ceļi"


@pytest.mark.usefixtures("large")
def test_a_query_of_common_phrases_only_lists_the_newest_first(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_query, "RANK_COMMON_SHARE", 0.1)
    hits = store.search("novads")
    assert titles(hits) == ["Skola", "Sports", "Novads un novada ceļi", "Bibliotēka"]
    assert {h.rank for h in hits} == {0.0}


@pytest.mark.usefixtures("large")
def test_a_quoted_phrase_with_a_common_word_does_not_count(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "novada" as written is in three articles of six: counting the matches of
    # a phrase with it walks its list, so the phrase is not weighed.
    monkeypatch.setattr(store_query, "RANK_COMMON_SHARE", 0.3)
    hits = store.search('"novada sporta" OR parks')
    assert titles(hits) == ["Parks", "Sports"]
    assert hits[0].rank < 0 and hits[1].rank == 0.0
    assert store.search('"novada sporta" OR parks', candidates=None)[1].rank < 0
