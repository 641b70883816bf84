"""Parsing: an HTML page → the article fields, with no I/O.

One algorithm reads a site profile (selector data from `sources/`) when the
URL has one, and falls back to a generic extractor otherwise. Body text is
one line per block element; boilerplate (print links, share buttons, cookie
banners, header dates) never reaches it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver import datefind, dates, generic, urls
from archiver.charset import decode_body
from archiver.models import Article, Link, Page, ParseResult
from archiver.sources import Profile, find_profile

# Bump when a change to parsing changes what pages give; `reparse` records it.
PARSER_VERSION = "5"

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tfoot",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "button",
        "select",
        "input",
        "textarea",
        "img",
        "video",
        "audio",
        "object",
        "embed",
        "canvas",
        "map",
        "head",
        "title",
        "meta",
        "link",
    ]
)
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_ANY_SPACE = re.compile(r"\s+")

# Print links and other controls that sit inside article containers.
_CONTROL_TEXTS = frozenset({"drukāt", "drukājama versija", "lasīt vairāk", "vairāk", "tulkot"})

# A signing office: a short line ending in a word that names a municipal
# office (SITE-NOTES: pārvalde, nodaļa, daļa, dienests, ...).
_OFFICE = re.compile(
    r"^[A-ZĀČĒĢĪĶĻŅŠŪŽ][^.!?:;]{2,90}\b(pārvalde|nodaļa|daļa|dienests|departaments|birojs"
    r"|būvvalde|bāriņtiesa|dome|centrs|komisija|aģentūra)$"
)


def extract(html: str | bytes, url: str | None = None) -> Article:
    """The article in an HTML page: title, body, date, department, links.

    Public API. Uses the site profile for `url` when there is one, the generic
    extractor otherwise. Never raises on bad HTML: an empty `Article` comes
    back instead.
    """
    if isinstance(html, bytes):
        html = decode_body(html)[0]
    return parse_html(html, url).article


def parse_page(page: Page) -> ParseResult:
    """Parse a fetched page (at its final URL, after redirects), dated no later than its fetch."""
    return parse_html(page.text, page.final_url, today=page.fetched_at.date())


def parse_html(html: str, url: str | None, *, today: dt.date | None = None) -> ParseResult:
    """Parse HTML into a `ParseResult`, recording why a page is not an article.

    A publication date before 1990, or (when `today` is known) after it, is
    a misread (a phone number, a deadline, a typo): it is dropped with a warning.
    """
    if not html.strip():
        return ParseResult(
            article=Article(url=url), is_article=False, profile="none", warnings=("empty page",)
        )
    tree = LexborHTMLParser(html)
    profile = find_profile(url)
    if profile is not None:
        result = _parse_with_profile(tree, url, profile)
    else:
        result = _parse_generic(tree, url)
    published = result.article.published
    if published is not None and not dates.is_plausible(
        published, today=today or dt.date(9000, 1, 1)
    ):
        return dataclasses.replace(
            result,
            article=dataclasses.replace(result.article, published=None),
            warnings=(*result.warnings, f"implausible publication date {published.isoformat()}"),
        )
    return result


def _parse_with_profile(tree: LexborHTMLParser, url: str | None, profile: Profile) -> ParseResult:
    warnings: list[str] = []
    is_article = not profile.required or any(tree.css_first(s) for s in profile.required)
    title = _first_text(tree, profile.title)
    container = _first_node(tree, profile.body)
    lines: list[str] = []
    links: tuple[Link, ...] = ()
    if container is not None:
        for selector in profile.drop:
            for node in container.css(selector):
                node.decompose()
        lines = text_lines(container)
        links = body_links(container, _base_url(tree, url))
    department = _first_text(tree, profile.department) or None
    if department is not None and profile.department_pattern:
        department = _department_in(re.fullmatch(profile.department_pattern, department))
    if profile.department_in_last_line and lines and _OFFICE.match(lines[-1]):
        department = lines.pop()
    signed = re.fullmatch(profile.signature, lines[-1]) if profile.signature and lines else None
    if signed is not None:
        lines.pop()
        department = department or _department_in(signed)
    published = _profile_date(tree, profile.date)
    if not is_article:
        warnings.append(f"not an article: no {' or '.join(profile.required)} on the page")
    if is_article and published is None:
        warnings.append("no publication date found")
    if is_article and not lines:
        warnings.append("empty article body")
    article = Article(
        url=url,
        title=title,
        body="\n".join(lines),
        published=published,
        department=department,
        links=links,
        canonical_url=_canonical_link(tree, url),
    )
    return ParseResult(
        article=article, is_article=is_article, profile=profile.name, warnings=tuple(warnings)
    )


def _department_in(found: re.Match[str] | None) -> str | None:
    """The `department` group of a profile pattern's match (the whole match without one)."""
    if found is None:
        return None
    text = found.groupdict().get("department", found.group(0)) or ""
    return _ANY_SPACE.sub(" ", text).strip() or None


def _parse_generic(tree: LexborHTMLParser, url: str | None) -> ParseResult:
    base = _base_url(tree, url)
    canonical = _canonical_link(tree, url)
    found = generic.extract_generic(tree)
    lines = list(found.lines)
    department, signed = _signature(lines)
    published = (
        found.published or signed or found.printed or datefind.text_date(found.lines) or found.lone
    )
    container = found.container
    links = body_links(container, base) if container is not None else ()
    body = "\n".join(lines)
    title = found.title
    is_article = bool(title) and (len(body) >= 400 or (published is not None and len(body) >= 80))
    warnings = () if is_article else ("too little text for an article",)
    article = Article(
        url=url,
        title=title,
        body=body,
        published=published,
        department=department,
        links=links,
        canonical_url=canonical,
    )
    return ParseResult(article=article, is_article=is_article, profile="generic", warnings=warnings)


def text_lines(container: LexborNode) -> list[str]:
    """The visible text under `container`, one line per block element or `<br>`.

    Runs of ASCII whitespace collapse to one space; no-break spaces inside a
    line are kept (the source typed them), lines are stripped and empty ones
    (`<p>&nbsp;</p>` spacers) dropped, as are print and "read more" controls.
    """
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = _ASCII_SPACE.sub(" ", "".join(buffer)).strip()
        buffer.clear()
        if line and line.lower() not in _CONTROL_TEXTS:
            lines.append(line)

    stack: list[tuple[LexborNode, bool]] = [(container, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            flush()
            continue
        tag = node.tag or ""
        if tag == "-text":
            buffer.append(node.text_content or "")
            continue
        if tag.startswith(("-", "_")) or tag in _SKIP_TAGS:
            continue
        if tag == "br":
            flush()
            continue
        if tag in _BLOCK_TAGS:
            flush()
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    flush()
    return lines


def body_links(container: LexborNode, base: str | None) -> tuple[Link, ...]:
    """Links inside the body, absolute, first occurrence of each URL, attachments marked."""
    found: dict[str, Link] = {}
    for node in container.css("a[href]"):
        href = node.attributes.get("href") or ""
        url = urls.absolutize(href, base) if base else (href if "://" in href else None)
        if url is None or url in found:
            continue
        text = " ".join(node.text().split())
        if text.lower() in _CONTROL_TEXTS:
            continue
        found[url] = Link(
            url=url, text=text, kind="attachment" if urls.is_attachment(url) else "page"
        )
    return tuple(found.values())


def _first_node(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> LexborNode | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            return node
    return None


def _first_text(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            text = _ANY_SPACE.sub(" ", node.text()).strip()
            if text:
                return text
    return ""


def _profile_date(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> dt.date | None:
    for selector in selectors:
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
    return dates.parse_date(_ANY_SPACE.sub(" ", node.text()).strip())


def _signature(lines: list[str]) -> tuple[str | None, dt.date | None]:
    """Pop a signature block (office and/or date lines) off the end of `lines`.

    The Ķekava old CMS and many others sign "Administratīvā pārvalde" then
    "04.10.2019." under the text; WordPress sites sign on the last line.
    """
    department: str | None = None
    published: dt.date | None = None
    for _ in range(3):
        if not lines:
            break
        last = lines[-1]
        found = dates.parse_date(last) if len(last) <= 40 else None
        # A date under a label ("Video verfügbar bis:") is what the label
        # says; a publication label is read before (`datefind.labelled_date`).
        labelled = len(lines) > 1 and lines[-2].endswith(":")
        if (
            found is not None
            and published is None
            and not labelled
            and len(re.sub(r"[\d.\s/:,\[\]-]", "", last)) < 20
        ):
            published = found
        elif department is None and _OFFICE.match(last):
            department = last
        else:
            break
        lines.pop()
    return department, published


def _base_url(tree: LexborHTMLParser, url: str | None) -> str | None:
    if not url:
        return url
    base = tree.css_first("base[href]")
    if base is not None:
        resolved = urls.absolutize(base.attributes.get("href") or "", url)
        if resolved:
            return resolved
    return url


def _canonical_link(tree: LexborHTMLParser, url: str | None) -> str | None:
    if not url:
        return None
    node = tree.css_first("link[rel=canonical]")
    if node is None:
        return None
    return urls.absolutize(node.attributes.get("href") or "", url)


def article_json(article: Article) -> dict[str, object]:
    """An article as the plain JSON shape used by `--json` output and the fixtures."""
    return {
        "url": article.url,
        "title": article.title,
        "body": article.body,
        "published": article.published.isoformat() if article.published else None,
        "department": article.department,
        "links": [{"url": ln.url, "text": ln.text, "kind": ln.kind} for ln in article.links],
    }
