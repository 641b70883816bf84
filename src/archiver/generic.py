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
import html as html_lib
import json
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
# Comment threads may outweigh the article (blogs with forty replies), so the
# strong words give way only to an element holding most of the page.
_STRONG_WRAPPER_SHARE = 0.7
_NEVER_DROPPED = frozenset({"html", "body", "main", "article"})
_ARTICLE_TAGS = frozenset({"main", "article"})
# What an element that holds the article has and a comment thread has not.
_ARTICLE_MARKS = "h1, [itemprop=articleBody]"

# Elements read as paragraphs when scoring containers.
_PARAGRAPHS = "p, pre"
# Pages without <p> (text split by <br> in divs or table cells) are scored by
# the direct text of these instead.
_TEXT_BLOCKS = "div, td, section, article"
_MIN_PARAGRAPH = 25
# Below this much paragraph text, text blocks without <p> are scored too.
_FEW_PARAGRAPHS = 1000
# A candidate named as boilerplate (a modal, an author box) keeps this share
# of its score: its ancestors are not discounted, as the words name wrappers
# of the article too.
_BOILERPLATE_DISCOUNT = 0.3
_MAX_DEPTH = 6
# How much each character of non-paragraph text inside a candidate counts
# against it: a wrapper that adds a sidebar to the article loses to the article.
_OTHER_TEXT_COST = 0.33

_BLOCK_TAGS = frozenset(
    (
        *("address", "article", "blockquote", "center", "dd", "details", "div", "dl", "dt"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"),
        *("ol", "p", "pre", "section", "summary", "table", "tbody", "thead"),
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
_CELL_TAGS = frozenset({"td", "th"})
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_ANY_SPACE = re.compile(r"\s+")
# A body shorter than this gives way to the page's JSON-LD articleBody.
_SHORT_BODY = 200
# Lines shorter than this may repeat (table cells, list numbers).
_MIN_REPEAT = 20
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

# Where pages state their publication date for machines, best first.
_META_DATES = (
    "meta[property='article:published_time']",
    "meta[name='article:published_time']",
    "meta[property='og:article:published_time']",
    "meta[property='og:published_time']",
    "meta[itemprop=datePublished]",
    "meta[name=pubdate]",
    "meta[name=publishdate]",
    "meta[name=publish-date]",
    "meta[name=publish_date]",
    "meta[name=publication_date]",
    "meta[name='parsely-pub-date']",
    "meta[name='sailthru.date']",
    "meta[name='citation_publication_date']",
    "meta[name='citation_date']",
    "meta[name='DC.date.issued' i]",
    "meta[name='DC.date.created' i]",
    "meta[name='dcterms.date' i]",
    "meta[name='dcterms.created' i]",
    "meta[name='DC.date' i]",
    "meta[name=date i]",
    "[itemprop=datePublished]",
    "time[pubdate]",
    "abbr.published[title]",
    "time.published",
    "time.entry-date",
    "[class*=published i][title]",
)
_JSON_LD_DATE = re.compile(r'"(?:datePublished|dateCreated)"\s*:\s*"([^"]+)"')
# Blogs and news sites put the date in the article's URL path:
# /2013/12/09/slug, /news/slug-20200113, /20200113/.
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/?(0[1-9]|1[0-2])/?(0[1-9]|[12]\d|3[01])(?:/|[^\d/]*$)")
_URL_DATE_GLUED = re.compile(r"[-_/]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
# Elements whose name says they hold the date printed with the article, read
# when the page states no date for machines; page headers and footers (where
# Latvian portals print today's date) are gone by then.
_DATE_ELEMENTS = (
    "time",
    "[class*=date i]",
    "[class*=datum i]",
    "[class*=publish i]",
    "[class*=time i]",
    "[class*=meta i]",
    "[class*=author i]",
    "[class*=byline i]",
    "[id*=date i]",
)
_DATE_ELEMENT_TEXT = 120
# A date printed this close to the headline (characters of page text before
# and after it) is the article's dateline: "<h1>...</h1><small>Donnerstag,
# 15.2.2018</small>" on blogs, "Datum: 03.02.2022" on German sites.
_DATELINE_BEFORE = 200
_DATELINE_AFTER = 400


@dataclass(frozen=True, slots=True, kw_only=True)
class GenericArticle:
    """What the generic extractor found; `container` is the chosen element.

    `published` is the date the page states for machines (JSON-LD, meta tags,
    the canonical URL); `printed` the one printed next to the headline or in
    a dateline element, looked for only when there is no `published`.
    """

    title: str
    lines: tuple[str, ...]
    published: dt.date | None
    printed: dt.date | None
    container: LexborNode | None


def extract_generic(tree: LexborHTMLParser) -> GenericArticle:
    """Title, body lines and metadata date of a page, by the generic heuristics.

    Mutates `tree` (boilerplate is removed from it).
    """
    title = page_title(tree)
    published = _metadata_date(tree)
    embedded = _embedded_body(tree)
    body = tree.body
    if body is None:
        return GenericArticle(
            title=title, lines=(), published=published, printed=None, container=None
        )
    _drop_junk(tree, body)
    printed = None if published is not None else _printed_date(body) or _dateline(body)
    _drop_strong_boilerplate(body)
    container = _container(body)
    lines: list[str] = []
    if container is not None:
        _drop_boilerplate(container)
        lines = _lines(container)
    if lines and title and _same_text(lines[0], title):
        lines.pop(0)
    lines = _without_repeats(lines)
    if len(embedded) > sum(map(len, lines)) and sum(map(len, lines)) < _SHORT_BODY:
        lines = [line for line in map(_clean, embedded.split("\n")) if line]
    return GenericArticle(
        title=title,
        lines=tuple(lines),
        published=published,
        printed=printed,
        container=container,
    )


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
    for selector in ("link[rel=canonical]", "meta[property='og:url']"):
        link = tree.css_first(selector)
        if link is not None:
            found = url_date(link.attributes.get("href") or link.attributes.get("content") or "")
            if found is not None:
                return found
    return None


def _embedded_body(tree: LexborHTMLParser) -> str:
    """The articleBody a page states in JSON-LD (pages that draw the text with
    JavaScript ship it only there), or ""."""
    for script in tree.css("script[type='application/ld+json']"):
        text = script.text()
        if "articleBody" not in text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        found = _find_key(data, "articleBody")
        if found:
            return html_lib.unescape(found)
    return ""


def _find_key(data: object, key: str) -> str:
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, str):
            return value
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            found = _find_key(item, key)
            if found:
                return found
    return ""


def url_date(url: str) -> dt.date | None:
    """The date spelled in a URL path (/2013/12/09/..., ...-20200113), if any."""
    match = _URL_DATE.search(url) or _URL_DATE_GLUED.search(url)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _dateline(body: LexborNode) -> dt.date | None:
    """The first date printed next to the headline."""
    headline = body.css_first("h1")
    if headline is None:
        return None
    heading = headline.text().strip()
    text = body.text(separator="\n")
    at = text.find(heading) if heading else -1
    if at < 0:
        return None
    window = text[max(0, at - _DATELINE_BEFORE) : at + len(heading) + _DATELINE_AFTER]
    # Only short lines: a date inside running text is an event, not a dateline.
    for line in window.split("\n"):
        if len(line) <= _DATE_ELEMENT_TEXT:
            found = dates.parse_date(line)
            if found is not None:
                return found
    return None


def _printed_date(body: LexborNode) -> dt.date | None:
    """The first date printed in an element named for dates (bylines, datelines)."""
    for node in body.css(", ".join(_DATE_ELEMENTS)):
        value = node.attributes.get("datetime") or node.attributes.get("title")
        if value:
            found = dates.parse_date(value)
            if found is not None:
                return found
        text = node.text()
        if len(text) <= _DATE_ELEMENT_TEXT:
            found = dates.parse_date(text)
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
    # never article text. An article's own header stays: German and Italian
    # news sites put the lead paragraph there, next to the headline.
    for node in body.css("header, footer"):
        if node.parent is not None and not _inside(node, _ARTICLE_TAGS):
            node.decompose()


def _named_boilerplate(node: LexborNode, pattern: re.Pattern[str]) -> bool:
    attributes = node.attributes
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    return pattern.search(names) is not None


def _inside(node: LexborNode, tags: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _drop_strong_boilerplate(body: LexborNode) -> None:
    whole = len(body.text())
    for node in body.css(_STRONG_SELECTOR):
        if node.parent is None or node.tag in _NEVER_DROPPED:
            continue
        if not _named_boilerplate(node, _STRONG_PATTERN):
            continue
        # A wrapper of the article holds its headline; a comment thread, even
        # one longer than the article, does not.
        if node.css_first(_ARTICLE_MARKS) is not None:
            continue
        if len(node.text()) >= _STRONG_WRAPPER_SHARE * whole:
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
    chars: dict[int, int] = {}
    nodes: dict[int, LexborNode] = {}
    found = _score_paragraphs(body.css(_PARAGRAPHS), chars, nodes, deep=True)
    if found < _FEW_PARAGRAPHS:
        _score_paragraphs(body.css(_TEXT_BLOCKS), chars, nodes, deep=False)
    best: LexborNode | None = None
    best_score = 0.0
    for key in sorted(chars, key=chars.__getitem__, reverse=True):
        paragraphs = chars[key]
        if paragraphs <= best_score:
            break
        node = nodes[key]
        other = max(0, len(node.text()) - paragraphs)
        score = paragraphs - _OTHER_TEXT_COST * other
        if _named_boilerplate(node, _BOILERPLATE_PATTERN):
            score *= _BOILERPLATE_DISCOUNT
        if score > best_score:
            best, best_score = node, score
    return best or body


def _score_paragraphs(
    paragraphs: list[LexborNode],
    chars: dict[int, int],
    nodes: dict[int, LexborNode],
    *,
    deep: bool,
) -> int:
    """Credit each paragraph's own (non-link) text to its nearest ancestors."""
    total = 0
    for paragraph in paragraphs:
        length = len(paragraph.text(deep=deep).strip())
        if length < _MIN_PARAGRAPH:
            continue
        if deep:
            length -= sum(len(a.text()) for a in paragraph.css("a"))
            if length < _MIN_PARAGRAPH:
                continue
        total += length
        # A text block (deep=False) holds its text itself; a <p> is held by
        # its parent.
        ancestor = paragraph.parent if deep else paragraph
        for _ in range(_MAX_DEPTH):
            if ancestor is None or ancestor.tag in ("html", "#document"):
                break
            key = ancestor.mem_id
            if key in chars:
                chars[key] += length
            else:
                chars[key] = length
                nodes[key] = ancestor
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
        elif tag in _CELL_TAGS:
            # A table row is one line, its cells separated by spaces.
            buffer.append(" ")
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
        if len(line) < _MIN_REPEAT:
            kept.append(line)
        elif line not in seen:
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
