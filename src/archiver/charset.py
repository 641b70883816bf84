"""Turning response bytes into text: declared charset first, windows-1257 as the fallback.

Shared by `fetch` (live responses) and `parse` (`extract` given bytes).
"""

from __future__ import annotations

import re

# Legacy Baltic pages that declare nothing and are not valid UTF-8 are
# nearly always windows-1257 (the notes' mojibake fingerprints show it).
FALLBACK_ENCODING = "cp1257"

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset(body: bytes, content_type: str) -> str | None:
    """The charset named by the Content-Type header, else by a <meta> in the first 4 KB."""
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    if match:
        return match.group(1).lower()
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        return meta.group(1).decode("ascii").lower()
    return None


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode a response body, returning the text and the codec used.

    The declared charset wins; undeclared or mis-declared UTF-8 that fails to
    decode falls back to windows-1257, never to latin-1.
    """
    charset = declared_charset(body, content_type)
    if charset and charset.replace("-", "").replace("_", "") not in ("utf8", "usascii", "ascii"):
        try:
            return body.decode(charset, errors="replace"), charset
        except LookupError:
            pass  # an unknown codec name: sniff as if nothing were declared
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode(FALLBACK_ENCODING, errors="replace"), FALLBACK_ENCODING
