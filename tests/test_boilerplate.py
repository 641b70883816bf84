"""Junk and boilerplate removal, on small hand-written pages."""

from __future__ import annotations

import re

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver import boilerplate
from archiver.boilerplate import BOILERPLATE_WORDS

TEXT = "The council approved the new budget for road repairs and school insulation. "


def body_of(html: str) -> LexborNode:
    body = LexborHTMLParser(f"<html><body>{html}</body></html>").body
    assert body is not None
    return body


NAMES = [
    "comment-list",
    "commentlist",
    "l-sidebar",
    "APageRoot",
    "c-entry",
    "SHARE-bar",
    "post_sharing",
    "entry-content-read-more",
    "topbar",
    "laptop",
    "x skip-link",
    "most-popular-box",
    "readmore",
    "reader",
    "",
]


@pytest.mark.parametrize("name", NAMES, ids=[name or "empty" for name in NAMES])
def test_factored_pattern_finds_exactly_what_the_plain_word_list_finds(name: str) -> None:
    plain = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, BOILERPLATE_WORDS)) + ")", re.I)
    node = body_of(f"<div class='{name}'>x</div>").css_first("div")
    assert node is not None
    assert boilerplate.is_named_boilerplate(node) == (plain.search(name) is not None)


@pytest.mark.parametrize(
    "attributes",
    [
        "style='display:none'",
        "style='DISPLAY: None;'",
        "style='color: red; visibility:hidden'",
        "hidden",
        "aria-hidden='true'",
        "role='navigation'",
        "role='complementary'",
    ],
    ids=[
        "display-none",
        "display-none-spaced",
        "visibility-hidden",
        "hidden",
        "aria",
        "nav",
        "side",
    ],
)
def test_hidden_and_chrome_roles_are_junk(attributes: str) -> None:
    body = body_of(f"<p>{TEXT}</p><div {attributes}>Hidden teaser text</div>")
    boilerplate.drop_junk(body)
    assert "Hidden teaser" not in body.text()


def test_visible_styles_and_other_roles_stay() -> None:
    body = body_of(f"<div style='display: block' role='main'><p>{TEXT}</p></div>")
    boilerplate.drop_junk(body)
    assert TEXT.strip() in body.text()


@pytest.mark.parametrize(
    ("name", "hidden"),
    [
        ("modal hide", True),
        ("hidden", True),
        ("box d-none", True),
        ("d-none d-md-block", False),
        ("hidden md:block", False),
        ("hidden-xs", False),
        ("hide-on-print", False),
    ],
)
def test_utility_classes_hide_a_block_unless_another_shows_it_at_some_width(
    name: str, hidden: bool
) -> None:
    body = body_of(f"<div class='{name}'><div><p>{TEXT}</p></div></div>")
    paragraph = body.css_first("p")
    assert paragraph is not None
    assert boilerplate.in_hidden_block(paragraph) is hidden


def test_page_header_goes_but_the_articles_own_header_stays() -> None:
    body = body_of(
        "<header>Today: 25.11.2026.</header>"
        f"<article><header><p>The lead.</p></header><p>{TEXT}</p></article>"
    )
    boilerplate.drop_junk(body)
    assert "Today" not in body.text() and "The lead." in body.text()


def test_strong_boilerplate_goes_unless_it_holds_the_headline_or_most_of_the_page() -> None:
    body = body_of(
        f"<div class='comments-open'><h1>Title</h1><p>{TEXT * 3}</p>"
        "<div class='share-bar'><a href='#'>Share on Facebook</a></div>"
        f"<ol class='commentlist'><li>{TEXT}</li></ol></div>"
    )
    boilerplate.drop_boilerplate(body)
    text = body.text()
    assert "Title" in text and "Share on" not in text and text.count(TEXT.strip()) == 3


def test_named_wrapper_holding_half_the_container_keeps_the_article() -> None:
    container = body_of(
        "<div id='c'><div class='byline'>By a reporter of the town paper</div>"
        f"<div class='entry-content entry-content-read-more'><p>{TEXT}</p>"
        "<div class='wp-caption-text'>A photo caption</div></div></div>"
    ).css_first("#c")
    assert container is not None
    boilerplate.drop_boilerplate(container)
    text = container.text()
    assert TEXT.strip() in text
    assert "reporter" not in text and "caption" not in text


def test_aside_holding_the_headline_and_most_paragraphs_is_a_wrapper() -> None:
    # News portals that put the whole story in an <aside> inside <main>.
    body = body_of(
        "<main><aside class='pa'><section><h1>Title</h1>"
        f"<p>{TEXT * 3}</p><p>{TEXT * 2}</p></section></aside>"
        f"<aside class='service'><p>{TEXT}</p></aside></main>"
    )
    boilerplate.drop_junk(body)
    assert body.text().count(TEXT.strip()) == 5


def test_sidebar_with_most_paragraphs_but_no_headline_is_still_junk() -> None:
    # Articles written as lists leave a sidebar with the most <p> text.
    body = body_of(
        f"<h1>Title</h1><ul><li>{TEXT}</li><li>{TEXT}</li></ul>"
        f"<aside class='sidebar'><p>{TEXT * 4}</p></aside>"
    )
    boilerplate.drop_junk(body)
    assert body.text().count(TEXT.strip()) == 2


def test_noscript_wrapping_the_whole_page_is_kept() -> None:
    # Old sites that serve every page inside <noscript> for a script-drawn menu.
    body = body_of(f"<noscript><div><h1>Title</h1><p>{TEXT * 4}</p></div></noscript>")
    boilerplate.drop_junk(body)
    assert TEXT.strip() in body.text()


def test_article_div_named_for_its_share_buttons_is_a_wrapper() -> None:
    # Blog themes name the article "entry share" or "socialicons-sticky".
    body = body_of(
        f"<div class='head'><h1>Title</h1><div class='menu'>{TEXT * 4}</div></div>"
        f"<div class='entry share'><p>{TEXT * 3}</p><p>{TEXT * 2}</p></div>"
        "<div class='share-bar'><a href='#'>Share on Facebook</a></div>"
    )
    boilerplate.drop_boilerplate(body)
    text = body.text()
    assert text.count(TEXT.strip()) == 9 and "Share on" not in text


def test_cookie_banner_is_dropped_even_when_it_holds_most_paragraphs() -> None:
    body = body_of(
        f"<div class='text'>{TEXT * 3}</div><div class='cookie-notice'><p>{TEXT * 2}</p></div>"
    )
    boilerplate.drop_boilerplate(body)
    assert body.text().count(TEXT.strip()) == 3


@pytest.mark.parametrize(
    "block",
    [
        "<div class='builder-widget-container'><p>{text}</p></div>",
        "<p class='tagStyle_x1'>{text}</p>",
    ],
    ids=["page-builder-widgets", "css-in-js-paragraphs"],
)
def test_blocks_sharing_a_boilerplate_word_that_hold_most_of_the_text_stay(block: str) -> None:
    # Page builders wrap each section of the text in a "widget"; CSS-in-JS
    # sites give every paragraph one generated class such as "tagStyle_x1".
    sections = "".join(block.format(text=f"{TEXT} Section {i}.") for i in range(3))
    container = body_of(
        f"<div id='c'>{sections}<div class='author-box'>About the reporter</div></div>"
    ).css_first("#c")
    assert container is not None
    boilerplate.drop_boilerplate(container)
    text = container.text()
    assert all(f"Section {i}." in text for i in range(3)) and "reporter" not in text


def test_tag_ids_pick_the_same_nodes_as_tag_names() -> None:
    """The hot loops compare lexbor tag ids: they must find what the names find,
    on a page of every kind of node (custom elements and SVG included)."""
    names = ["p", "div", "br", "a", "td", "svg", "script", "h1", "-text"]
    ids = boilerplate.tag_ids(names)
    page = (
        "<html><body><div><p>One <a href='/x'>two</a><br>three</p><my-widget><p>x</p>"
        "</my-widget><svg><title>t</title><a>y</a></svg><table><tr><td>c</td></tr>"
        "</table><!-- note --><h1>H</h1><script>z</script></div></body></html>"
    )
    root = LexborHTMLParser(page).root
    assert root is not None
    for node in root.traverse(include_text=True):
        assert (node.tag_id in ids) == (node.tag in names), node.tag
