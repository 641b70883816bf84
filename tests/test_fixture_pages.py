"""Every hand-checked fixture page parses to exactly its `<name>.expected.json`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from archiver.charset import decode_body
from archiver.parse import parse_html
from conftest import FIXTURES, expected_pages

SEED_TEXT = Path(__file__).parent / "data" / "kekava-2019-10-04.txt"


def load(expected_path: Path) -> tuple[dict[str, object], str]:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    html_path = expected_path.with_name(expected_path.name.replace(".expected.json", ".html"))
    return expected, decode_body(html_path.read_bytes(), "text/html")[0]


@pytest.mark.parametrize("expected_path", expected_pages(), ids=lambda p: p.stem.split(".")[0])
def test_fixture_article_fields_equal_expected_json(expected_path: Path) -> None:
    expected, html = load(expected_path)
    result = parse_html(html, str(expected["url"]))
    article = result.article
    assert result.is_article
    assert article.title == expected["title"]
    assert article.body == expected["body"]
    published = expected["published"]
    assert article.published == (dt.date.fromisoformat(str(published)) if published else None)
    assert article.department == expected["department"]
    links = [{"url": ln.url, "text": ln.text, "kind": ln.kind} for ln in article.links]
    assert links == expected["links"]


def test_there_are_enough_fixture_articles_per_site_family_and_generation() -> None:
    pages = expected_pages()
    assert len([p for p in pages if p.parent.name == "kekava-old"]) >= 15
    assert len([p for p in pages if p.parent.name == "kekava-wp"]) >= 5
    assert len([p for p in pages if p.parent.name == "state-platform"]) >= 5
    assert len([p for p in pages if p.parent.name == "joomla"]) >= 5


def test_non_article_page_is_not_an_article() -> None:
    html = (FIXTURES / "kekava-old" / "id-690.html").read_text(encoding="utf-8")
    result = parse_html(html, "https://www.kekava.lv/pub/index.php?id=690")
    assert not result.is_article


def test_seed_article_text_is_exactly_the_seed() -> None:
    """The seed page's visible text, paragraph by paragraph, as the seed file has it."""
    lines = SEED_TEXT.read_text(encoding="utf-8").split("\n")
    title, rest = lines[0], lines[1:]
    signature = rest.index("Administratīvā pārvalde")
    paragraphs = [line for line in rest[:signature] if line.strip()]
    html = (FIXTURES / "kekava-old" / "lid-13828.html").read_text(encoding="utf-8")
    article = parse_html(html, "https://www.kekava.lv/pub/index.php?id=150&gid=1&lid=13828").article
    assert article.title == title
    assert article.body.split("\n") == paragraphs
    assert article.department == "Administratīvā pārvalde"
    assert article.published == dt.date(2019, 10, 4)
    assert rest[signature + 1] == "04.10.2019."


def test_windows_1257_page_is_stored_in_that_encoding() -> None:
    raw = (FIXTURES / "kekava-old" / "lid-13979.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text, codec = decode_body(raw, "text/html")
    assert codec == "windows-1257" and "Ķekava" in text
