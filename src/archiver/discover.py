"""Discovery: listing pages, feeds and sitemaps → candidate article URLs.

Pure functions over already fetched bytes. Which links on a listing are
articles is source configuration (a CSS selector and an optional URL
pattern), and the next page is found by `rel=next` or by the pager words
Latvian sites use (Nākamā, Nākošā, Tālāk, », ›). RSS/Atom feeds (the state
platform's `/lv/rss/articles`, WordPress `/feed/`) and XML sitemaps (and
sitemap indexes) give URLs directly; their dates only order the URLs, they
are never stored as publication dates. `canonical_key` and `article_keys`
say which canonical URLs a discovered or fetched page is known by.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
import zlib

import feedparser
from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver import urls
from archiver.models import Capture, Listing, Page, Source

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


# A gzipped sitemap may not expand past this (a zip bomb stays a small error).
MAX_SITEMAP_BYTES = 50_000_000
_SITEMAP_NS = re.compile(r"^\{[^}]*\}")


def feed_links(body: bytes, feed_url: str, source: Source) -> Listing:
    """Article URLs of an RSS or Atom feed, newest first, filtered like listing links."""
    # Always bytes: given a string that looks like a URL, feedparser would fetch it.
    parsed = feedparser.parse(body, response_headers={"content-location": feed_url})
    entries = list(parsed.entries)
    dated = [e for e in entries if e.get("published_parsed") or e.get("updated_parsed")]
    if len(dated) == len(entries):
        entries.sort(
            key=lambda e: tuple(e.get("published_parsed") or e.get("updated_parsed")), reverse=True
        )
    hrefs = [str(e.get("link") or "") for e in entries]
    skipped = (
        ()
        if entries or not parsed.bozo
        else (f"unreadable feed {feed_url}: {parsed.bozo_exception}",)
    )
    return _filter_links(hrefs, feed_url, source, skipped)


def sitemap_links(body: bytes, sitemap_url: str, source: Source) -> Listing:
    """Article URLs of a sitemap (newest `lastmod` first), or the child sitemaps of an index.

    Accepts gzipped sitemaps. Child sitemaps come back in `Listing.sitemaps`.
    """
    try:
        if body[:2] == b"\x1f\x8b":
            body = _gunzip_capped(body)
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, OSError, EOFError, zlib.error, ValueError) as exc:
        return Listing(article_urls=(), skipped=(f"unreadable sitemap {sitemap_url}: {exc}",))
    entries: list[tuple[str, str]] = []
    for item in root:
        loc = lastmod = ""
        for child in item:
            name = _SITEMAP_NS.sub("", child.tag)
            if name == "loc":
                loc = (child.text or "").strip()
            elif name == "lastmod":
                lastmod = (child.text or "").strip()
        if loc:
            entries.append((lastmod, loc))
    entries.sort(key=lambda entry: entry[0], reverse=True)  # ISO dates sort as text
    if _SITEMAP_NS.sub("", root.tag) == "sitemapindex":
        children = [loc for _, loc in entries if urls.same_site(loc, source_hosts(source))]
        return Listing(article_urls=(), sitemaps=tuple(children))
    return _filter_links([loc for _, loc in entries], sitemap_url, source, ())


def _gunzip_capped(body: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(body, MAX_SITEMAP_BYTES + 1)
    if len(out) > MAX_SITEMAP_BYTES:
        raise ValueError(f"expands past {MAX_SITEMAP_BYTES} bytes")
    return out


def _filter_links(hrefs: list[str], base: str, source: Source, skipped: tuple[str, ...]) -> Listing:
    pattern = re.compile(source.article_pattern) if source.article_pattern else None
    hosts = source_hosts(source)
    seen: set[str] = set()
    found: list[str] = []
    problems = list(skipped)
    for href in hrefs:
        try:
            url = urls.absolutize(href, base)
            if url is None or not urls.same_site(url, hosts):
                continue
            if pattern is not None and not pattern.search(url):
                continue
            key = canonical_key(url, source)
        except ValueError as exc:
            problems.append(f"skipped link in {base}: {exc}")
            continue
        if key not in seen:
            seen.add(key)
            found.append(url)
    return Listing(article_urls=tuple(found), skipped=tuple(problems))


WAYBACK_REPLAY = "https://web.archive.org/web"


def cdx_captures(
    body: bytes, source: Source, *, replay: str = WAYBACK_REPLAY
) -> tuple[tuple[Capture, ...], tuple[str, ...]]:
    """The newest good HTML capture of each of the source's pages in a CDX index.

    Reads the Wayback Machine CDX API's plain format (urlkey timestamp
    original mimetype statuscode ...) and its JSON format (a header row,
    then rows). Captures that are not 200 text/html, off-site or unusable
    are left out; the second value says why lines were skipped.
    """
    text = body.decode("utf-8", errors="replace").strip()
    rows: list[list[str]]
    skipped: list[str] = []
    if text.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return (), (f"unreadable CDX JSON: {exc}",)
        header = [str(h) for h in data[0]] if data else []
        rows = [[str(v) for v in row] for row in data[1:]]
        index = {
            name: header.index(name)
            for name in ("timestamp", "original", "mimetype", "statuscode")
            if name in header
        }
        if len(index) < 4:
            return (), ("CDX JSON header lacks timestamp/original/mimetype/statuscode",)
        rows = [
            [
                row[index["timestamp"]],
                row[index["original"]],
                row[index["mimetype"]],
                row[index["statuscode"]],
            ]
            for row in rows
        ]
    else:
        rows = []
        for number, line in enumerate(text.splitlines(), 1):
            fields = line.split()
            if len(fields) < 5:
                skipped.append(f"CDX line {number}: expected 5+ fields, got {len(fields)}")
                continue
            rows.append([fields[1], fields[2], fields[3], fields[4]])
    hosts = source_hosts(source)
    newest: dict[str, Capture] = {}
    for timestamp, original, mimetype, status in rows:
        if status != "200" or not mimetype.startswith("text/html") or not timestamp.isdigit():
            continue
        try:
            if not urls.same_site(original, hosts):
                continue
            key = canonical_key(original, source)
        except ValueError as exc:
            skipped.append(f"CDX capture {original[:80]!r}: {exc}")
            continue
        capture = Capture(
            original=original,
            timestamp=timestamp,
            archive_url=f"{replay}/{timestamp}id_/{original}",
        )
        if key not in newest or timestamp > newest[key].timestamp:
            newest[key] = capture
    ordered = sorted(newest.values(), key=lambda c: c.timestamp, reverse=True)
    return tuple(ordered), tuple(skipped)


def source_hosts(source: Source) -> list[str]:
    """The hosts a source covers (without `www.`): its start URLs' and its aliases'."""
    hosts = {urls.host_of(u) for u in (*source.start_urls, *source.feeds, *source.sitemaps)}
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


def article_keys(page: Page, declared_canonical: str | None, source: Source) -> tuple[str, ...]:
    """The canonical URLs an article is known by, the preferred one first.

    The page's own `<link rel=canonical>` wins when it stays on the site (it
    ties a WordPress `?p=N` to its slug URL); then the URL the page was
    served from, then the URL that was asked for.
    """
    candidates = []
    if declared_canonical and urls.same_site(declared_canonical, source_hosts(source)):
        candidates.append(declared_canonical)
    candidates += [page.final_url, page.url]
    keys: list[str] = []
    for candidate in dict.fromkeys(candidates):  # the same URL is canonicalised once
        try:
            key = canonical_key(candidate, source)
        except ValueError:
            continue
        if key not in keys:
            keys.append(key)
    return tuple(keys)
