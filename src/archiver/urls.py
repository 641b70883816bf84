"""URL identity and the small link questions the crawler asks.

Municipal sites publish one article under many URLs (SITE-NOTES, "The same
article under many URLs"): `www.` or not, http or https, `/pub/` or
`/pub/index.php`, parameters reordered, repeated, mis-escaped as `&amp;` or
carrying `utm_*` tracking. `canonicalize` folds those variants into one string,
the key an article is stored under. `absolutize`, `is_attachment`, `host_of`
and `same_site` answer what `discover` and `parse` need to know about a link.

Pure functions over strings: no I/O, no state, nothing configured at import.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "TRACKING_PARAMS",
    "absolutize",
    "canonicalize",
    "clean",
    "host_of",
    "is_attachment",
    "same_site",
]

TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "fbclid",
        "gclid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_ga",
    }
)
"""Query keys added by newsletters, feeds and ad networks; never part of a page's identity."""

ATTACHMENT_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".odt",
        ".ods",
        ".rtf",
        ".zip",
        ".ppt",
        ".pptx",
        ".odp",
    }
)
"""File extensions (lowercase, with the dot) of documents attached to articles."""

_MAX_URL_LENGTH = 4096
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left raw when re-encoding. The query set lacks "&" and "+", which
# would change how the pairs split or decode; a raw "=" can only be in a value.
_PATH_SAFE = "/!$&'()*+,;=:@"
_QUERY_SAFE = "!$'()*,;=:@/?"
_ESCAPE_OR_LITERAL = re.compile(r"%([0-9A-Fa-f]{2})|([^%]+|%)")
# `?amp%3Bpage=3&page=13`: a template wrote `&amp;amp;` or escaped `&amp;`
# once too often, so the key arrives as `amp;page` (raw or percent-encoded).
_MISESCAPED_AMP = re.compile(r"^(?:amp(?:;|%3B))+")
_INDEX_PAGES = frozenset({"index.php", "index.html", "index.htm"})
_NOT_DOCUMENT_SCHEMES = frozenset({"javascript", "mailto", "tel", "data"})
_DEFAULT_PORTS = frozenset({80, 443})


def canonicalize(
    url: str,
    *,
    host_aliases: Mapping[str, str] | None = None,
    drop_params: Iterable[str] = (),
) -> str:
    """The identity key of a URL: all variants of one page give the same string.

    `host_aliases` maps a moved or old host to the current one
    (`{"arhivs.kekava.lv": "kekava.lv"}`); `drop_params` names query keys a
    site adds without changing the page (Ķekava's `gid`). Raises `ValueError`
    for anything that is not an absolute http(s) URL with a host.
    """
    if isinstance(drop_params, str):
        raise TypeError(
            f"drop_params must be a collection of names, not the string {drop_params!r}"
        )
    # Links copied out of HTML source keep `&amp;` (`?id=150&amp;lid=13828`).
    text = url.strip().replace("&amp;", "&")
    if len(text) > _MAX_URL_LENGTH:
        raise ValueError(f"URL longer than {_MAX_URL_LENGTH} characters: {text[:80]!r}...")
    try:
        parts = urlsplit(text)
        port = parts.port if parts.scheme in ("http", "https") else None
    except ValueError as exc:  # bad port or IPv6 literal: urllib's message omits the URL
        raise ValueError(f"not a valid URL ({exc}): {url!r}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = _normalise_host(parts.hostname or "")
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    aliases = {
        _normalise_host(old): _normalise_host(new) for old, new in (host_aliases or {}).items()
    }
    host = aliases.get(host, host)
    if ":" in host:  # an IPv6 literal needs its brackets back
        host = f"[{host}]"
    netloc = host if port is None or port in _DEFAULT_PORTS else f"{host}:{port}"
    query = _canonical_query(parts.query, frozenset(drop_params))
    # https always: every site in the archive serves the same page on both.
    return f"https://{netloc}{_canonical_path(parts.path)}" + (f"?{query}" if query else "")


def clean(url: str) -> str:
    """A URL fit to show and to fetch: the page's own address minus what is noise.

    Unlike `canonicalize` it keeps the scheme, host, path and parameter order
    (so it still works on the live site) and only drops tracking parameters,
    mis-escaped `amp;` prefixes, repeated keys and the fragment:
    `?id=150&lid=13846&utm_source=rss` → `?id=150&lid=13846`.
    """
    parts = urlsplit(url.strip().replace("&amp;", "&"))
    query = _canonical_query(parts.query, frozenset(), sort=False) if parts.query else ""
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def absolutize(href: str, base: str) -> str | None:
    """An href resolved against the page URL, or None when it is not a link to a document.

    None for empty hrefs, in-page anchors (`#top`) and `javascript:`, `mailto:`,
    `tel:` and `data:` links. Otherwise the resolved URL as written, fragment
    included: identity is `canonicalize`'s job.
    """
    # Hrefs in templates carry whitespace and entity-escaped `&amp;` that the
    # HTML parser did not undo (`index.php?id=150&amp;lid=14403`).
    text = href.strip().replace("&amp;", "&")
    if not text or text.startswith("#"):
        return None
    try:
        if urlsplit(text).scheme in _NOT_DOCUMENT_SCHEMES:
            return None
        return urljoin(base, text)
    except ValueError as exc:
        raise ValueError(f"cannot resolve href {href!r} against {base!r}: {exc}") from None


def is_attachment(url: str) -> bool:
    """Whether the URL's last path segment names a document (`/upload/Lemums.PDF?download=1`)."""
    last_segment = urlsplit(url).path.rpartition("/")[2]
    return posixpath.splitext(unquote(last_segment).lower())[1] in ATTACHMENT_EXTENSIONS


def host_of(url: str) -> str:
    """The URL's host, lowercased, without port or leading `www.`; "" when it has none.

    A bare host as written in configuration (`www.kekava.lv`) is accepted too.
    IDN hosts stay as given (`ķekava.lv`), not converted to punycode.
    """
    text = url.strip()
    if "://" not in text and not text.startswith("//"):
        text = "//" + text
    return _normalise_host(urlsplit(text).hostname or "")


def same_site(url: str, hosts: Iterable[str]) -> bool:
    """Whether the URL's host is one of `hosts` (URLs or bare hosts, compared via `host_of`)."""
    host = host_of(url)
    return bool(host) and host in {host_of(h) for h in hosts}


def _normalise_host(host: str) -> str:
    # `kekava.lv.` (fully qualified) and `www.kekava.lv` serve the same site.
    return host.lower().removesuffix(".").removeprefix("www.")


def _requote(text: str, safe: str) -> str:
    """One spelling of percent-encoding: `/aktualas-zi%c5%86as` == `/aktualas-ziņas`.

    Escapes of unreserved characters are decoded, other escapes uppercased,
    and raw characters outside `safe` (non-ASCII, spaces, a lone `%`) encoded.
    """
    out: list[str] = []
    for hex_pair, literal in _ESCAPE_OR_LITERAL.findall(text):
        if hex_pair:
            char = chr(int(hex_pair, 16))
            out.append(char if char in _UNRESERVED else f"%{hex_pair.upper()}")
        else:
            out.append(quote(literal, safe=safe))
    return "".join(out)


def _canonical_path(path: str) -> str:
    segments: list[str] = []
    # Empty segments go (`//pub///x` from sloppy templates), dot segments resolve.
    for segment in _requote(path, _PATH_SAFE).split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    # Joomla routes through the front controller: `marupe.lv/index.php/lv/jaunumi/x`
    # is `marupe.lv/lv/jaunumi/x`.
    last = len(segments) - 1
    segments = [s for i, s in enumerate(segments) if s != "index.php" or i == last]
    # `/pub/`, `/pub/index.php` and `/pub` are one page (Ķekava's old CMS);
    # joining without a final "/" also drops WordPress's trailing slash.
    if segments and segments[-1] in _INDEX_PAGES:
        segments.pop()
    return "/" + "/".join(segments)


def _canonical_query(query: str, drop: frozenset[str], *, sort: bool = True) -> str:
    params: dict[str, str] = {}
    # Only "&" separates: PHP does not split on ";".
    for part in query.split("&"):
        raw_key, _, raw_value = part.partition("=")
        key = _MISESCAPED_AMP.sub("", _requote(raw_key.replace("+", " "), _QUERY_SAFE))
        # An empty key is ignored by PHP, so it cannot select a different page.
        if not key or key in TRACKING_PARAMS or key.startswith("utm_") or key in drop:
            continue
        # Last value wins, as in PHP: `?gid=1&lid=6955&gid=1&lid=6955` is one lid.
        params[key] = _requote(raw_value.replace("+", " "), _QUERY_SAFE)
    items = sorted(params.items()) if sort else list(params.items())
    return "&".join(f"{key}={value}" for key, value in items)
