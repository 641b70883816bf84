"""Snippets: the stretch of an article around its matches, each matching word marked.

`snippet` finds the words that may match with one regex over the text; these
tests hold it to the plain definition, word by word: a word is marked when its
folded form is a query form, its key a query key, or its folded form begins
with a query prefix.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from archiver.search import fold, key, parse_query, snippet, words

FIXTURES = Path(__file__).parents[1] / "src" / "archiver" / "fixtures" / "html"


def fixture_texts() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.glob("*/*.expected.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        if "body" in article:  # not a page that is no article
            texts += [article["title"], article["body"], article["department"] or ""]
    return texts


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("novads", "NOVADA dome un Novadā, novadnieki.", "[NOVADA] dome un [Novadā], novadnieki."),
        ("pakstu", "Pakšu skaits", "[Pakšu] skaits"),
        ("новости", "Новости города", "[Новости] города"),
        (
            "attīst*",
            "Attīstības plāns; ATTISTIT un neattīstīts",
            "[Attīstības] plāns; [ATTISTIT] un neattīstīts",
        ),
        (
            '"kustības saraksts"',
            "Mainās kustības saraksts — „Kustības” SARAKSTS.",
            "Mainās [kustības] [saraksts] — „[Kustības]” [SARAKSTS].",
        ),
        ("novads", "Novadā 🙂 novads", "[Novadā] 🙂 [novads]"),
    ],
    ids=["case-and-form", "ks-becomes-kst", "cyrillic", "prefix", "phrase-words", "emoji"],
)
def test_snippet_marks_every_form_in_any_case(query: str, text: str, expected: str) -> None:
    assert snippet(text, parse_query(query)).text == expected


def test_the_stemmer_only_cuts_endings_of_fixture_words() -> None:
    # What the snippet regex relies on: a key, less its last letter, begins
    # the folded word ("pakšu" -> "pakst" adds one letter after its cut).
    for word in {w for text in fixture_texts() for w in words(text)}:
        assert fold(word).startswith(key(word)[:-1]), word


def reference_snippet(text: str, query: str, size: int = 16) -> str:
    """The plain definition: every word checked, the earliest best window."""
    parsed = parse_query(query)
    spans = [m.span() for m in re.finditer(r"[^\W_]+", text)]
    marks = []
    for a, b in spans:
        folded = fold(text[a:b])
        marks.append(
            folded in parsed.forms
            or key(text[a:b]) in parsed.keys
            or any(folded.startswith(p) for p in parsed.prefixes)
        )
    if not spans:
        return text.strip()
    counts = [sum(marks[s : s + size]) for s in range(len(spans))]
    best = max(range(len(spans)), key=lambda s: (counts[s], -s))
    first = next((i for i in range(best, min(best + size, len(spans))) if marks[i]), best)
    start = max(0, min(first - 2, len(spans) - size))
    end = min(len(spans), start + size)
    out = "…" if start > 0 else ""
    cursor = spans[start][0]
    for i in range(start, end):
        a, b = spans[i]
        out += text[cursor:a] + (f"[{text[a:b]}]" if marks[i] else text[a:b])
        cursor = b
    return out + ("…" if end < len(spans) else text[cursor:].rstrip())


QUERIES = [
    "pašvaldība",
    "novada attīstība",
    "iedzivotajiem",
    "attīst*",
    '"saistošie noteikumi"',
    "sporta NOT ziemas",
    "bērni OR skola",
    "Ķekavā",
    "a",
]


@pytest.mark.parametrize("query", QUERIES)
def test_snippets_of_fixture_articles_match_the_word_by_word_definition(query: str) -> None:
    texts = fixture_texts()
    # Each text alone, and then with a character the regex does not know.
    for text in itertools.chain(texts, (t + " 漢字" for t in texts[:10])):
        assert snippet(text, parse_query(query)).text == reference_snippet(text, query)


@pytest.mark.parametrize(
    "text",
    [
        "novads",
        "… — „”",
        "",
        " ".join(["vārds"] * 40) + " novads",
        "novads " + " ".join(["vārds"] * 40),
        " ".join(["vārds"] * 10) + " novads " + " ".join(["vārds"] * 3),
        " ".join(["a" * 300] * 5) + " novads " + "b" * 200 + " novadā",
        " ".join(f"w{i} novads" if i % 7 == 0 else f"w{i}" for i in range(100)),
        "Novadā_novads novads_x (novads)",
    ],
    ids=[
        "one-word",
        "no-words",
        "empty",
        "match-at-the-end",
        "match-at-the-start",
        "window-reaches-the-end",
        "long-words",
        "many-matches",
        "underscores",
    ],
)
def test_snippets_of_made_up_texts_match_the_definition(text: str) -> None:
    assert snippet(text, parse_query("novads")).text == reference_snippet(text, "novads")
