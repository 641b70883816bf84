"""Discovery: listing pages → candidate article URLs and the next listing page.

Pure functions over an already fetched page: which links on a listing are
articles is source configuration (a CSS selector and an optional URL
pattern), and the next page is found by `rel=next` or by the pager words
Latvian sites use (Nākamā, Nākošā, Tālāk, », ›).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver import urls
from archiver.models import Listing, Page, Source

# Pager link texts meaning "next page" on Latvian (and English) sites.
_NEXT_WORDS = re.compile(
    r"^(nākamā|nākošā|nakama|nakosa|tālāk|talak|next|older)\b|^[»›]|[»›]$", re.I
)
_PREVIOUS_WORDS = re.compile(r"iepriekšējā|atpakaļ|previous|newer|[«‹]", re.I)


def listing_links(page: Page, source: Source) -> Listing:
    """Article URLs on a listing page in page order (newest first on news sites), deduplicated.

    Links are made absolute against the page's final URL; only links on the
    source's hosts that match its `article_pattern` (when set) are kept.
    """
    tree = LexborHTMLParser(page.text)
    base = _base_url(tree, page.final_url)
    pattern = re.compile(source.article_pattern) if source.article_pattern else None
    hosts = source_hosts(source)
    seen: set[str] = set()
    found: list[str] = []
    skipped: list[str] = []
    for node in tree.css(source.article_links):
        try:
            url = _href(node, base)
            if url is None or not urls.same_site(url, hosts):
                continue
            if pattern is not None and not pattern.search(url):
                continue
            key = canonical_key(url, source)
        except ValueError as exc:  # hostile or broken hrefs: 10,000 characters, bad ports
            skipped.append(f"skipped link on {page.final_url}: {exc}")
            continue
        if key not in seen:
            seen.add(key)
            found.append(url)
    return Listing(
        article_urls=tuple(found),
        next_url=_next_page(tree, base, hosts),
        skipped=tuple(skipped),
    )


def source_hosts(source: Source) -> list[str]:
    """The hosts a source covers (without `www.`): its start URLs' and its aliases'."""
    hosts = {urls.host_of(u) for u in source.start_urls}
    hosts |= {urls.host_of(h) for pair in source.host_aliases for h in pair}
    return sorted(hosts)


def canonical_key(url: str, source: Source) -> str:
    """The canonical URL of `url` under the source's host aliases and dropped parameters."""
    return urls.canonicalize(
        url, host_aliases=dict(source.host_aliases), drop_params=source.drop_params
    )


def _base_url(tree: LexborHTMLParser, page_url: str) -> str:
    base = tree.css_first("base[href]")
    if base is not None:
        resolved = urls.absolutize(base.attributes.get("href") or "", page_url)
        if resolved:
            return resolved
    return page_url


def _href(node: LexborNode, base: str) -> str | None:
    href = node.attributes.get("href")
    if not href:
        return None
    return urls.absolutize(href, base)


def _next_page(tree: LexborHTMLParser, base: str, hosts: list[str]) -> str | None:
    candidates = tree.css("link[rel=next], a[rel=next], a.next")
    candidates += [
        a
        for a in tree.css("a[href]")
        if _NEXT_WORDS.search(a.text(strip=True)) and not _PREVIOUS_WORDS.search(a.text())
    ]
    for node in candidates:
        try:
            url = _href(node, base)
            if url is not None and urls.same_site(url, hosts):
                return url
        except ValueError:
            continue  # a broken pager link: try the next candidate
    return None
