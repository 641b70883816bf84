"""The generic extractor: title, main text and date of a page no site profile knows.

Most municipal sites never get a profile, so this decides what the archive
holds for them. It works in four passes over one selectolax tree, each cheap
enough that the whole costs a small multiple of parsing the page:

1. read the metadata (title, publication date) while the page is whole;
2. drop what is never article text: scripts, navigation, hidden elements and
   blocks whose class or id names boilerplate (`_BOILERPLATE_WORDS`);
3. pick the container: the element whose paragraph text is largest once the
   other text inside it (menus, link lists, teasers) is charged against it;
4. read its text one line per block, dropping link lists and control lines.

No I/O and no module state: every function takes the tree it works on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver import dates

__all__ = ["GenericArticle", "extract_generic", "page_title"]

# Elements that never hold article text, removed before anything is measured.
_JUNK = ", ".join(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
        "button",
        "select",
        "input",
        "textarea",
        "label",
        "nav",
        "aside",
        "figure",
        "figcaption",
        "picture",
        "video",
        "audio",
        "map",
        "dialog",
        "menu",
        "[hidden]",
        "[aria-hidden=true]",
        "[role=navigation]",
        "[role=complementary]",
        "[role=contentinfo]",
        "[role=dialog]",
        "[role=alert]",
        "[style*='display:none' i]",
        "[style*='display: none' i]",
        "[style*='visibility:hidden' i]",
    ]
)

# Words that, inside a class or id, name a block that is not article text.
# They count only at the start of a name part ("comment-list", "commentlist",
# "l-sidebar"), never inside a word: "APageRoot" is no "pager".
#
# Comment threads, cookie banners, share bars and related-article lists go
# before the container is chosen: a long comment thread (blog posts with
# forty replies) or a teaser wall (news sites) would win it otherwise.
_STRONG_BOILERPLATE_WORDS = (
    "comment",
    "disqus",
    "respond",
    "reply",
    "cookie",
    "consent",
    "gdpr",
    "sikdat",
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "newsletter",
    "outbrain",
    "taboola",
)
# The rest name wrappers too often ("l-sidebar-fixed l-article-body" on news
# sites, "modal-enabled" on blogs): they go only inside the chosen container.
_BOILERPLATE_WORDS = (
    *_STRONG_BOILERPLATE_WORDS,
    "breadcrumb",
    "sidebar",
    "widget",
    "banner",
    "subscribe",
    "signup",
    "promo",
    "advert",
    "sponsor",
    "pagination",
    "pager",
    "navbar",
    "skip-link",
    "site-header",
    "site-footer",
    "masthead",
    "popup",
    "modal",
    "byline",
    "author",
    "post-meta",
    "entry-meta",
    "article-meta",
    "tags",
    "toolbar",
    "print",
    "gallery",
    "slideshow",
    "carousel",
    "lightbox",
    "caption",
    "credit",
    "rating",
    "login",
    "search",
    "most-popular",
    "trending",
    "read-more",
    "readmore",
    "sr-only",
    "visually-hidden",
    "screen-reader",
    "top-bar",
    "topbar",
    # Latvian portals: name days and weather in the page chrome.
    "nameday",
    "vardadien",
    "weather",
    "laikapstak",
)


def _word_selector(words: tuple[str, ...]) -> str:
    return ", ".join(f"[class*={w} i], [id*={w} i]" for w in words)


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, words)) + ")", re.I)


_STRONG_SELECTOR = _word_selector(_STRONG_BOILERPLATE_WORDS)
_STRONG_PATTERN = _word_pattern(_STRONG_BOILERPLATE_WORDS)
_BOILERPLATE_SELECTOR = _word_selector(_BOILERPLATE_WORDS)
_BOILERPLATE_PATTERN = _word_pattern(_BOILERPLATE_WORDS)
# A boilerplate-looking element holding this share of the text around it is
# a wrapper ("page has-sidebar", "comments-open"), not the boilerplate itself.
_WRAPPER_SHARE = 0.5
_NEVER_DROPPED = frozenset({"html", "body", "main", "article"})
# What an element that holds the article has and a comment thread has not.
_ARTICLE_MARKS = "h1, [itemprop=articleBody]"

# Elements read as paragraphs when scoring containers.
_PARAGRAPHS = "p, pre"
# Pages without <p> (text split by <br> in divs or table cells) are scored by
# the direct text of these instead.
_TEXT_BLOCKS = "div, td, section, article, font, span"
_MIN_PARAGRAPH = 25
_MAX_DEPTH = 6
# How much each character of non-paragraph text inside a candidate counts
# against it: a wrapper that adds a sidebar to the article loses to the article.
_OTHER_TEXT_COST = 0.33

_BLOCK_TAGS = frozenset(
    (
        *("address", "article", "blockquote", "center", "dd", "details", "div", "dl", "dt"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"),
        *("ol", "p", "pre", "section", "summary", "table", "tbody", "td", "th", "thead"),
        *("tfoot", "tr", "ul"),
    )
)
_SKIP_TAGS = frozenset(
    (
        *("script", "style", "noscript", "template", "iframe", "svg", "button", "select"),
        *("input", "textarea", "img", "video", "audio", "object", "embed", "canvas", "map"),
        *("head", "title", "meta", "link"),
    )
)
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_ANY_SPACE = re.compile(r"\s+")
# A block whose text is at least this share link text is a link list
# (related articles, tag clouds, "more from this section").
_LINK_LIST_SHARE = 0.7

# Whole lines that are controls or labels, in the languages the archive meets.
_CONTROL_LINE = re.compile(
    r"^(?:advertisement|anzeige|reklāma|reklama|share|share this|share this article"
    r"|read more|lasīt vairāk|vairāk|drukāt|drukājama versija|tulkot|print|email|e-mail"
    r"|tweet|facebook|twitter|linkedin|whatsapp|pinterest|close|caption|back to top"
    r"|continue reading|related|related articles|see also|skatīt arī)\W*$",
    re.I,
)

_META_TITLES = (
    "meta[property='og:title']",
    "meta[name='twitter:title']",
)
_TITLE_SEPARATOR = re.compile(r"\s+[|–—:·•»-]\s+")

_META_DATES = (
    "meta[property='article:published_time']",
    "meta[name='article:published_time']",
    "meta[property='og:published_time']",
    "meta[itemprop=datePublished]",
    "meta[name=pubdate]",
    "meta[name=publishdate]",
    "meta[name=publish-date]",
    "meta[name='parsely-pub-date']",
    "meta[name='sailthru.date']",
    "meta[name=date]",
    "meta[name='DC.date.issued']",
    "meta[name='dc.date']",
    "meta[name='DC.date']",
    "[itemprop=datePublished]",
    "time[pubdate]",
    "time.published",
    "time.entry-date",
    "time[datetime]",
)
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


@dataclass(frozen=True, slots=True, kw_only=True)
class GenericArticle:
    """What the generic extractor found; `container` is the chosen element."""

    title: str
    lines: tuple[str, ...]
    published: dt.date | None
    container: LexborNode | None


def extract_generic(tree: LexborHTMLParser) -> GenericArticle:
    """Title, body lines and metadata date of a page, by the generic heuristics.

    Mutates `tree` (boilerplate is removed from it).
    """
    title = page_title(tree)
    published = _metadata_date(tree)
    body = tree.body
    if body is None:
        return GenericArticle(title=title, lines=(), published=published, container=None)
    _drop_junk(tree, body)
    _drop_strong_boilerplate(body)
    container = _container(body)
    lines: list[str] = []
    if container is not None:
        _drop_boilerplate(container)
        lines = _lines(container)
    if lines and title and _same_text(lines[0], title):
        lines.pop(0)
    lines = _without_repeats(lines)
    return GenericArticle(title=title, lines=tuple(lines), published=published, container=container)


def page_title(tree: LexborHTMLParser) -> str:
    """The headline: the page's <h1> when there is one, else og:title, else <title>."""
    for selector in ("article h1", "main h1", "h1"):
        node = tree.css_first(selector)
        if node is not None:
            text = _clean(node.text())
            if text:
                return text
    for selector in _META_TITLES:
        node = tree.css_first(selector)
        if node is not None:
            text = _clean(node.attributes.get("content") or "")
            if text:
                return text
    node = tree.css_first("title")
    if node is not None:
        text = _clean(node.text())
        return _TITLE_SEPARATOR.split(text)[0] if text else ""
    return ""


def _clean(text: str) -> str:
    return _ANY_SPACE.sub(" ", text).strip()


def _same_text(a: str, b: str) -> bool:
    return _clean(a).casefold() == _clean(b).casefold()


def _metadata_date(tree: LexborHTMLParser) -> dt.date | None:
    for script in tree.css("script[type='application/ld+json']"):
        match = _JSON_LD_DATE.search(script.text())
        if match:
            found = dates.parse_date(match.group(1))
            if found is not None:
                return found
    for selector in _META_DATES:
        for node in tree.css(selector):
            found = _node_date(node)
            if found is not None:
                return found
    return None


def _node_date(node: LexborNode) -> dt.date | None:
    for attribute in ("datetime", "content"):
        value = node.attributes.get(attribute)
        if value:
            found = dates.parse_date(value)
            if found is not None:
                return found
    return dates.parse_date(_clean(node.text()))


def _drop_junk(tree: LexborHTMLParser, body: LexborNode) -> None:
    for node in tree.css(_JUNK):
        if node.parent is not None:
            node.decompose()
    # Page-level header and footer (today's date, name days, contacts) are
    # never article text; the article's own header went with the title.
    for node in body.css("header, footer"):
        if node.parent is not None:
            node.decompose()


def _named_boilerplate(node: LexborNode, pattern: re.Pattern[str]) -> bool:
    attributes = node.attributes
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    return pattern.search(names) is not None


def _drop_strong_boilerplate(body: LexborNode) -> None:
    whole = len(body.text())
    for node in body.css(_STRONG_SELECTOR):
        if node.parent is None or node.tag in _NEVER_DROPPED:
            continue
        if not _named_boilerplate(node, _STRONG_PATTERN):
            continue
        if node.css_first(_ARTICLE_MARKS) is not None:
            continue
        if len(node.text()) >= _WRAPPER_SHARE * whole:
            continue
        node.decompose()


def _drop_boilerplate(container: LexborNode) -> None:
    """Remove blocks named as boilerplate inside the chosen container.

    Done after the container is chosen, and never to the container itself,
    because the words also name wrappers of the article: "l-sidebar-fixed
    l-article-body" on news sites, "entry-content-read-more" on blogs.
    """
    whole = len(container.text())
    for node in container.css(_BOILERPLATE_SELECTOR):
        if node.parent is None or node.tag in _NEVER_DROPPED:
            continue
        if not _named_boilerplate(node, _BOILERPLATE_PATTERN):
            continue
        if len(node.text()) >= _WRAPPER_SHARE * whole:
            continue
        node.decompose()


def _container(body: LexborNode) -> LexborNode | None:
    """The element holding the article: most paragraph text, least other text."""
    paragraph_text: dict[int, list[object]] = {}
    found = _score_paragraphs(body.css(_PARAGRAPHS), paragraph_text, deep=True)
    if found < 3 * _MIN_PARAGRAPH * 4:
        _score_paragraphs(body.css(_TEXT_BLOCKS), paragraph_text, deep=False)
    if not paragraph_text:
        return body
    best: LexborNode | None = None
    best_score = 0.0
    for chars, node in sorted(
        ((entry[0], entry[1]) for entry in paragraph_text.values()),
        key=lambda item: -int(item[0]),  # type: ignore[call-overload]
    ):
        assert isinstance(chars, int) and isinstance(node, LexborNode)
        if chars <= best_score:
            break
        other = len(node.text()) - chars
        score = chars - _OTHER_TEXT_COST * max(0, other)
        if score > best_score:
            best, best_score = node, score
    return best or body


def _score_paragraphs(
    nodes: list[LexborNode], scores: dict[int, list[object]], *, deep: bool
) -> int:
    total = 0
    for node in nodes:
        text = node.text(deep=deep)
        length = len(text.strip())
        if length < _MIN_PARAGRAPH:
            continue
        if deep:
            links = sum(len(a.text()) for a in node.css("a"))
            length -= links
            if length < _MIN_PARAGRAPH:
                continue
        total += length
        ancestor = node if not deep else node.parent
        for _ in range(_MAX_DEPTH):
            if ancestor is None or ancestor.tag in ("html", "#document"):
                break
            entry = scores.get(ancestor.mem_id)
            if entry is None:
                scores[ancestor.mem_id] = [length, ancestor]
            else:
                entry[0] = int(entry[0]) + length  # type: ignore[call-overload]
            ancestor = ancestor.parent
    return total


def _lines(container: LexborNode) -> list[str]:
    """The text of `container`, one line per block, link lists and controls dropped."""
    lines: list[str] = []
    buffer: list[str] = []
    link_chars = 0
    link_depth = 0

    def flush() -> None:
        nonlocal link_chars
        line = _ASCII_SPACE.sub(" ", "".join(buffer)).strip()
        buffer.clear()
        links, link_chars = link_chars, 0
        if not line or _CONTROL_LINE.match(line):
            return
        if links >= _LINK_LIST_SHARE * len(line):
            return
        lines.append(line)

    stack: list[tuple[LexborNode, bool]] = [(container, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag or ""
        if leaving:
            if tag == "a":
                link_depth -= 1
            else:
                flush()
            continue
        if tag == "-text":
            text = node.text_content or ""
            buffer.append(text)
            if link_depth:
                link_chars += len(text.strip())
            continue
        if tag.startswith(("-", "_")) or tag in _SKIP_TAGS:
            continue
        if tag == "br":
            flush()
            continue
        if tag in _BLOCK_TAGS:
            flush()
            stack.append((node, True))
        elif tag == "a":
            link_depth += 1
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    flush()
    return lines


def _without_repeats(lines: list[str]) -> list[str]:
    """Lines with repeats dropped: a caption or credit printed once per photo
    (galleries, photo essays) is furniture, and a line seen before adds nothing."""
    seen: set[str] = set()
    kept: list[str] = []
    for line in lines:
        if line not in seen:
            seen.add(line)
            kept.append(line)
    return kept


def text_date(lines: tuple[str, ...] | list[str]) -> dt.date | None:
    """The date in the article's own lines: last short date line, else first date."""
    for line in reversed(lines[-4:]):
        if len(line) <= 60:
            found = dates.parse_date(line)
            if found is not None:
                return found
    for line in lines[:3]:
        found = dates.parse_date(line) if len(line) <= 80 else None
        if found is not None:
            return found
    return None
