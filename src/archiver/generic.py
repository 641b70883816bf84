"""The generic extractor: title, main text and date of a page no site profile knows.

Most municipal sites never get a profile, so this decides what the archive
holds for them. It works in four passes over one selectolax tree, each cheap
enough that the whole costs a small multiple of parsing the page:

1. read the metadata (title, publication date) while the page is whole;
2. drop what is never article text: scripts, navigation, hidden elements
   and the page's own header and footer (`boilerplate`);
3. pick the container: the element whose own paragraphs hold the most text,
   outside comment threads and related lists, grown to the ancestor that
   adds more paragraph text than other text (`container`), then drop the
   blocks inside it whose class or id names boilerplate, and read the lead
   printed between the headline and the container, when they are near;
4. read its text one line per block, dropping link lists and control lines
   (`textlines`).

No I/O and no module state: every function takes the tree it works on.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver import boilerplate, datefind, dates
from archiver.container import find_container
from archiver.textlines import SENTENCE, is_label, read_lines, without_repeats

__all__ = ["GenericArticle", "extract_generic", "page_title"]

# A body shorter than this gives way to the page's JSON-LD articleBody.
_SHORT_BODY = 200

_META_TITLES = (("og:title", "property"), ("twitter:title", "name"))
_HEAD_PARTS = "h1, title, meta[content], script[type='application/ld+json'], link[rel=canonical]"
_TITLE_SEPARATOR = re.compile(r"\s+[|–—:·•»-]\s+")
(_ARTICLE_ID,) = boilerplate.tag_ids(["article"])
(_MAIN_ID,) = boilerplate.tag_ids(["main"])


@dataclass(frozen=True, slots=True, kw_only=True)
class GenericArticle:
    """What the generic extractor found; `container` is the chosen element.

    `published` is the date the page states for machines (JSON-LD, meta tags,
    the canonical URL); `printed` the one printed next to the headline or in
    a dateline element, looked for only when there is no `published`; `lone`
    the first line of the page that is a date and little else, the last
    resort when neither is found.
    """

    title: str
    lines: tuple[str, ...]
    published: dt.date | None
    printed: dt.date | None
    lone: dt.date | None
    container: LexborNode | None


def extract_generic(tree: LexborHTMLParser) -> GenericArticle:
    """Title, body lines and metadata date of a page, by the generic heuristics.

    Mutates `tree` (boilerplate is removed from it).
    """
    head = _read_head(tree)
    headline = _headline(head)
    title = _title(head, headline)
    root = tree.root
    language = (root.attributes.get("lang") or "") if root is not None else ""
    published = datefind.metadata_date(
        tree,
        json_ld=head.json_ld,
        metas=head.metas,
        canonical=head.canonical,
        zone=dates.zone_of_language(language),
    )
    embedded = _embedded_body(head.json_ld)
    body = tree.body
    if body is None:
        return GenericArticle(
            title=title, lines=(), published=published, printed=None, lone=None, container=None
        )
    # Dates printed with the article, read only when the page states none for
    # machines: first in the <article> holding the headline, whose meta box
    # may be an <aside>, then, once the page chrome (and its "today") is gone,
    # next to the headline, after a "published" label and in elements named
    # for dates (comment and teaser dates are such elements too, so they
    # come last). The last resort: a "last changed" label, a lone date line.
    printed = None
    if published is None and headline is not None:
        printed = datefind.article_date(headline)
    boilerplate.drop_junk(body, head.headings)
    lone = None
    if published is None and printed is None:
        # The page's text, read once for the four searches that need it.
        text = body.text(separator="\n")
        printed = (
            datefind.dateline(body, headline, text)
            or datefind.labelled_date(text)
            or datefind.printed_date(body)
        )
        if printed is None:
            lone = datefind.updated_date(text) or datefind.lone_date(text)
    container, base = find_container(body)
    lines: list[str] = []
    if container is not None:
        lead = _lead(container)
        before, after = _same_kind(container)
        boilerplate.drop_boilerplate(container, base)
        lines = lead + _read(before) + read_lines(container, tidy=True) + _read(after)
        lines = _plain_spaces(lines)
    if lines and title and _same_text(lines[0], title):
        lines.pop(0)
    lines = without_repeats(lines)
    # A short label ending the text ("Das könnte Sie auch interessieren:")
    # stood over what was dropped: a teaser list, a form, an embed. A
    # sentence ending with a colon may introduce a list of the article.
    while len(lines) > 1 and is_label(lines[-1]):
        lines.pop()
    if len(embedded) > sum(map(len, lines)) and sum(map(len, lines)) < _SHORT_BODY:
        lines = [line for line in map(_clean, embedded.split("\n")) if line]
    return GenericArticle(
        title=title,
        lines=tuple(lines),
        published=published,
        printed=printed,
        lone=lone,
        container=container,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Head:
    """What the title and the date are read from, found in one query."""

    headings: tuple[LexborNode, ...]
    title: str
    metas: tuple[datefind.Attributes, ...]
    json_ld: tuple[str, ...]
    canonical: str


def _read_head(tree: LexborHTMLParser) -> _Head:
    headings: list[LexborNode] = []
    title = ""
    metas: list[datefind.Attributes] = []
    json_ld: list[str] = []
    canonical = ""
    for node in tree.css(_HEAD_PARTS):
        tag = node.tag
        if tag == "h1":
            headings.append(node)
        elif tag == "meta":
            metas.append(node.attributes)
        elif tag == "script":
            json_ld.append(node.text())
        elif tag == "title":
            title = title or node.text()
        elif not canonical:
            canonical = node.attributes.get("href") or ""
    return _Head(
        headings=tuple(headings),
        title=title,
        metas=tuple(metas),
        json_ld=tuple(json_ld),
        canonical=canonical,
    )


def page_title(tree: LexborHTMLParser) -> str:
    """The headline: the page's <h1> when there is one, else og:title, else <title>."""
    head = _read_head(tree)
    return _title(head, _headline(head))


def _title(head: _Head, headline: LexborNode | None) -> str:
    if headline is not None:
        return _clean(headline.text())
    for name, key in _META_TITLES:
        for attributes in head.metas:
            if attributes.get(key) == name:
                text = _clean(attributes.get("content") or "")
                if text:
                    return text
                break
    text = _clean(head.title)
    return _TITLE_SEPARATOR.split(text)[0] if text else ""


def _headline(head: _Head) -> LexborNode | None:
    """The <h1> of the article: the first inside <article>, else inside <main>,
    else anywhere; an empty first one (a logo heading) gives way to none."""
    headings = [(node, _ancestor_tags(node)) for node in head.headings]
    for tag in (_ARTICLE_ID, _MAIN_ID, None):
        node = next((node for node, tags in headings if tag is None or tag in tags), None)
        if node is not None and _clean(node.text()):
            return node
    return None


def _ancestor_tags(node: LexborNode) -> frozenset[int]:
    """The tag ids of the ancestors of `node`."""
    tags = set()
    parent = node.parent
    while parent is not None:
        tags.add(parent.tag_id)
        parent = parent.parent
    return frozenset(tags)


def _clean(text: str) -> str:
    # The same as collapsing each run of \s to a space and stripping, cheaper.
    return " ".join(text.split())


# Spaces other than ASCII ones: no-break (U+00A0), narrow no-break (U+202F),
# the typographic spaces (U+2000-U+200A), medium mathematical (U+205F),
# ideographic (U+3000), Ogham (U+1680). Generic bodies read them as plain
# spaces, which is what a reader searching the text types; site profiles
# keep them (`parse.text_lines`, the hand-checked fixture goldens).
_UNICODE_SPACES = (
    "\u00a0\u202f\u2009\u2002\u2003\u2000\u2001\u2004\u2005\u2006\u2007\u2008\u200a"
    "\u205f\u3000\u1680"
)


def _plain_spaces(lines: list[str]) -> list[str]:
    """`lines` with runs of any whitespace as one plain space. The whole text
    is searched for the spaces once (a search per line costs a tenth of the
    extraction), and only a text holding one is rewritten."""
    text = "\n".join(lines)
    if text.isascii() or not any(space in text for space in _UNICODE_SPACES):
        return lines
    return [line if line.isascii() else _clean(line) for line in lines]


def _same_text(a: str, b: str) -> bool:
    return _clean(a).casefold() == _clean(b).casefold()


def _embedded_body(json_ld: tuple[str, ...]) -> str:
    """The articleBody a page states in JSON-LD (pages that draw the text with
    JavaScript ship it only there), or ""."""
    for text in json_ld:
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


# How far above the container a headline may sit for the text between them
# to be the article's lead, and how long a line of it must be (bylines,
# datelines and "reading time" lines are shorter). Page builders nest the
# text six or seven blocks below the article's header (a row, a column, a
# wrapper, a text widget, its inner wrapper), and put a lead or a first
# section of the text in a row of its own between them.
_LEAD_DEPTH = 7
_MIN_LEAD = SENTENCE


def _lead(container: LexborNode) -> list[str]:
    """The long lines between the page's <h1> (`_headline_in`) and
    `container`, when the <h1> is near it: news sites print the lead (a
    "standfirst", an intro box, a subtitle <h2>) next to the headline in the
    article's header, and the container starts below it. Only what comes
    before the container, in its few nearest ancestors, is read.
    """
    zone: list[LexborNode] = []
    node = container
    for _ in range(_LEAD_DEPTH):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html"):
            return []
        before: list[LexborNode] = []
        sibling = node.prev
        while sibling is not None:
            headline = _headline_in(sibling)
            if headline is not None:
                heading = read_lines(headline)
                lines: list[str] = []
                for block in (sibling, *reversed(before), *zone):
                    if not boilerplate.is_named_boilerplate(block):
                        boilerplate.drop_named(block)
                        lines += read_lines(block)
                if heading and heading[-1] in lines:
                    lines = lines[lines.index(heading[-1]) + 1 :]
                return [line for line in lines if len(line) >= _MIN_LEAD]
            if sibling.tag != "-text":
                before.append(sibling)
            sibling = sibling.prev
        zone = list(reversed(before)) + zone
        node = parent
    return []


def _headline_in(node: LexborNode) -> LexborNode | None:
    """The headline `node` is or holds: an <h1>, or in an article's own
    <header> (the page's is gone by now) its first heading of any rank."""
    tag = node.tag
    if tag == "h1":
        return node
    if tag == "-text":
        return None
    found = node.css_first("h1")
    if found is None and tag == "header":
        found = node.css_first("h2, h3")
    return found


# How far above the container its blocks of the same kind are looked for:
# page builders wrap each row of an article in a column, a box and an inner
# wrapper or two.
_KIN_DEPTH = 5


def _same_kind(container: LexborNode) -> tuple[list[LexborNode], list[LexborNode]]:
    """The blocks before and after `container` (or one of its nearest
    ancestors) that share its tag and class (`_kind`): page builders and CMS "text
    modules" put each section of an article in a block of its own, deep
    enough that the container's growth does not reach them, and forums and
    Q&A pages print each post so."""
    node = container
    for _ in range(_KIN_DEPTH):
        parent = node.parent
        if parent is None or node.tag in ("body", "html"):
            break
        kind = _kind(node.attributes.get("class"))
        if kind:
            before: list[LexborNode] = []
            after: list[LexborNode] = []
            seen = False
            for child in parent.iter():
                if child.mem_id == node.mem_id:
                    seen = True
                elif child.tag == node.tag and _kind(child.attributes.get("class")) == kind:
                    (after if seen else before).append(child)
            if before or after:
                return before, after
        node = parent
    return [], []


# The generated part of a class name: page builders and CMSs number their
# blocks ("elementor-element-73c1", "cms-92188"). Runs of three or more hex
# digits only, so that "col-md-8" and "col-md-4" stay two kinds.
_GENERATED = re.compile(r"(?=[0-9a-f]*[0-9])[0-9a-f]{3,}")


def _kind(name: str | None) -> str:
    """A block's kind: its class with the generated numbers left out, so the
    rows of one page builder share it."""
    return _GENERATED.sub("#", name) if name else ""


def _read(blocks: list[LexborNode]) -> list[str]:
    """The lines of `blocks`, each without its named boilerplate and the
    headings of its dropped teaser lists, from the blocks that hold a
    sentence: a block of the same kind holding only short lines is a meta
    box or a photo credit."""
    lines: list[str] = []
    for block in blocks:
        boilerplate.drop_boilerplate(block)
        found = read_lines(block, tidy=True)
        if any(len(line) >= _MIN_LEAD for line in found):
            lines += found
    return lines
