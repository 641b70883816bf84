"""Where a page no site profile knows states its publication date.

Pages state it for machines (JSON-LD, meta tags, the canonical URL), print it
next to the headline, or sign the text with it. `dates` reads date strings;
this module knows where on a page to look for them, best source first, and
which dates to leave alone: a page header's "today", an event in the text.
"""

from __future__ import annotations

import datetime as dt
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver import dates

__all__ = [
    "Attributes",
    "article_date",
    "dateline",
    "labelled_date",
    "lead_dateline",
    "metadata_date",
    "printed_date",
    "text_date",
    "updated_date",
    "url_date",
]

# Meta tags that state the publication date, best first (names folded to
# lower case; `property`, `name` and `itemprop` are all read).
_META_DATE_NAMES = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "citation_publication_date",
    "citation_date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.created",
    "dc.date",
    "date",
)
_META_DATE_RANK = {name: rank for rank, name in enumerate(_META_DATE_NAMES)}
# Elements in the page that state it, when no meta tag does; `_element_rank`
# orders them, best first.
_ELEMENT_DATES = ", ".join(
    (
        "[itemprop=datePublished]",
        "time[pubdate]",
        "abbr.published[title]",
        "time.published",
        "time.entry-date",
        # [title] first: it rules out most elements before the substring test.
        "[title][class*=published i]",
    )
)
# datePublished before dateCreated: news systems create a story days before
# they publish it.
_JSON_LD_DATES = (
    re.compile(r'"datePublished"\s*:\s*"([^"]+)"'),
    re.compile(r'"dateCreated"\s*:\s*"([^"]+)"'),
)
_JSON_LD_UPLOAD = re.compile(r'"uploadDate"\s*:\s*"([^"]+)"')
# Blogs and news sites put the date in the article's URL path:
# /2013/12/09/slug, /news/slug-20200113, /20200113/.
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/?(0[1-9]|1[0-2])/?(0[1-9]|[12]\d|3[01])(?:/|[^\d/]*$)")
_URL_DATE_GLUED = re.compile(r"[-_/]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
# Elements whose name says they hold the date printed with the article, read
# when the page states no date for machines; page headers and footers (where
# Latvian portals print today's date) are gone by then.
_DATE_ELEMENTS = ", ".join(
    (
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
)
_DATE_ELEMENT_TEXT = 120
# A date printed this close to the headline (characters of page text before
# and after it) is the article's dateline: "<h1>...</h1><small>Donnerstag,
# 15.2.2018</small>" on blogs, "Datum: 03.02.2022" on German sites.
_DATELINE_BEFORE = 200
_DATELINE_AFTER = 400
_ANY_SPACE = re.compile(r"\s+")
# Words that label a publication date, in the languages the archive meets;
# "last changed" labels are left out, a page's changes are not its date.
_PUBLISHED_LABEL = re.compile(
    r"\b(?:publicēts|publicēšanas datums|veröffentlicht|erschienen|publiziert|published"
    r"|posted|publicado|pubblicato|publié|opublikowano|gepubliceerd|опубликовано|datum)\b",
    re.I,
)
# Words that label the date a page was last changed: the last resort of a
# page that states no other date (wikis' "last edited", German offices'
# "Stand:", "Aktualisiert:").
_UPDATED_LABEL = re.compile(
    r"\b(?:last edited|last updated|last modified|updated|aktualisiert|stand|geändert"
    r"|letzte änderung|mis à jour|modifié le|actualizado|aggiornato)\b",
    re.I,
)
# A lead paragraph's dateline: a place name, then a comma, bracket or dash,
# then the date, within the paragraph's first characters.
_LEAD_DATELINE = 60
_LEAD_PLACE = 40
_PLACE = re.compile(r"[^\W\d_][^\d.!?:;]*[,(–—-]\s*\(?")


Attributes = dict[str, str | None]


def metadata_date(
    tree: LexborHTMLParser,
    *,
    json_ld: tuple[str, ...],
    metas: tuple[Attributes, ...],
    canonical: str,
    zone: dt.tzinfo | None = None,
) -> dt.date | None:
    """The publication date the page states for machines, or None.

    `json_ld` holds the texts of the page's JSON-LD scripts, `metas` the
    attributes of its meta tags, `canonical` its canonical link: the caller
    reads them in one query, as every query walks the whole page. A UTC
    timestamp is read on its day in `zone`, the publisher's (`dates.local_day`).
    """
    in_url = url_date(canonical)
    if in_url is None:
        for attributes in metas:
            if attributes.get("property") == "og:url":
                in_url = url_date(attributes.get("content") or "")
                break
    stated = _json_ld_date(json_ld, zone) or _meta_date(metas, zone)
    if stated is not None:
        # The day in the URL is the publisher's own; a UTC timestamp of a
        # page published in the evening west of Greenwich (American news
        # sites) is a day later.
        day, value = stated
        if in_url is not None and abs((day - in_url).days) == 1 and _in_utc(value):
            return in_url
        return day
    found = _upload_date(json_ld, zone) or _element_date(tree, zone)
    return found or in_url


def _json_ld_date(json_ld: tuple[str, ...], zone: dt.tzinfo | None) -> tuple[dt.date, str] | None:
    """The first publication date in the JSON-LD, and the value it was read from."""
    for pattern in _JSON_LD_DATES:
        for script in json_ld:
            match = pattern.search(script)
            if match:
                day = dates.local_day(match.group(1), zone)
                if day is not None:
                    return day, match.group(1)
    return None


def _in_utc(value: str) -> bool:
    """Whether `value` is a timestamp stated in UTC."""
    moment = dates.parse_timestamp(value)
    return moment is not None and moment.utcoffset() == dt.timedelta(0)


def _upload_date(json_ld: tuple[str, ...], zone: dt.tzinfo | None) -> dt.date | None:
    """The upload date of a page whose article is a video (JSON-LD VideoObject)."""
    for script in json_ld:
        match = _JSON_LD_UPLOAD.search(script)
        if match:
            return dates.local_day(match.group(1), zone)
    return None


def _meta_date(metas: tuple[Attributes, ...], zone: dt.tzinfo | None) -> tuple[dt.date, str] | None:
    """The date of the best-ranked meta tag naming a publication date, and
    the value it was read from."""
    best: tuple[int, dt.date, str] | None = None
    for attributes in metas:
        name = attributes.get("property") or attributes.get("itemprop")
        if not name:
            # Open Graph names count only as properties, as Open Graph writes them.
            name = attributes.get("name")
            name = None if name is None or name.lower().startswith("og:") else name
        rank = _META_DATE_RANK.get(name.lower()) if name else None
        if rank is None or (best is not None and rank >= best[0]):
            continue
        value = attributes.get("content") or ""
        found = dates.local_day(value, zone)
        if found is not None:
            best = (rank, found, value)
    return best[1:] if best is not None else None


def _element_date(tree: LexborHTMLParser, zone: dt.tzinfo | None) -> dt.date | None:
    """The date of the best-ranked element stating a publication date."""
    best: tuple[int, dt.date] | None = None
    for node in tree.css(_ELEMENT_DATES):
        rank = _element_rank(node)
        if best is not None and rank >= best[0]:
            continue
        found = node_date(node, zone)
        if found is not None:
            best = (rank, found)
    return best[1] if best is not None else None


def _element_rank(node: LexborNode) -> int:
    attributes = node.attributes
    if attributes.get("itemprop") == "datePublished":
        return 0
    classes = (attributes.get("class") or "").split()
    if node.tag == "time":
        if "pubdate" in attributes:
            return 1
        if "published" in classes:
            return 3
        if "entry-date" in classes:
            return 4
    elif node.tag == "abbr" and "published" in classes and "title" in attributes:
        return 2
    return 5


def url_date(url: str) -> dt.date | None:
    """The date spelled in a URL path (/2013/12/09/..., ...-20200113), if any."""
    match = _URL_DATE.search(url) or _URL_DATE_GLUED.search(url)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def article_date(headline: LexborNode) -> dt.date | None:
    """The first date printed in a date element of the <article> holding `headline`."""
    parent = headline.parent
    while parent is not None and parent.tag != "article":
        parent = parent.parent
    return printed_date(parent) if parent is not None else None


def labelled_date(text: str, label: re.Pattern[str] = _PUBLISHED_LABEL) -> dt.date | None:
    """The first date a short line of `text` (a page's, one line per text
    node) labels as the publication date: "Erschienen am: 01.11.2023",
    "Publicēts: 04.10.2019.", "Published on ...".
    """
    lines = [line for line in text.split("\n") if line.strip()]
    for at, line in enumerate(lines):
        if len(line) > _DATE_ELEMENT_TEXT:
            continue
        found_label = label.search(line)
        if found_label is None:
            continue
        rest = line[found_label.end() :]
        found = dates.parse_date(rest)
        # A label alone on its line labels the next one: German press pages
        # print "Datum:" and the date in two cells.
        if found is None and not rest.strip(" :\xa0\t") and at + 1 < len(lines):
            following = lines[at + 1]
            found = dates.parse_date(following) if len(following) <= _DATE_ELEMENT_TEXT else None
        if found is not None:
            return found
    return None


def updated_date(text: str) -> dt.date | None:
    """The first date a short line of `text` labels as the last change:
    "Stand: 09.10.2017", "(last edited 2019-11-10 13:28:18 by ...)"."""
    return labelled_date(text, _UPDATED_LABEL)


def lone_date(text: str) -> dt.date | None:
    """The first line of `text` (a page's) that is a date and little else."""
    for raw in text.split("\n"):
        # Stripped first: source indentation is no part of the line.
        line = raw.strip()
        if len(line) > 40:
            continue
        matches = dates.find_dates(line)
        if matches and len(line) - (matches[0].end - matches[0].start) <= 12:
            return matches[0].date
    return None


def dateline(body: LexborNode, headline: LexborNode | None, text: str) -> dt.date | None:
    """The first date printed next to the headline (`headline`, when it is
    still on the page, else the first <h1>) in `text`, the text of `body`
    one line per text node."""
    at = -1
    for node in (headline, body.css_first("h1")):
        # The heading's text nodes, joined as the page's are, so a heading of
        # several nodes ("Title<br><small>02.02.2022</small>") is found too.
        heading = node.text(separator="\n").strip() if node is not None else ""
        at = text.find(heading) if heading else -1
        if at >= 0:
            break
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


def printed_date(body: LexborNode) -> dt.date | None:
    """The first date printed in an element named for dates (bylines, datelines)."""
    for node in body.css(_DATE_ELEMENTS):
        value = node.attributes.get("datetime") or node.attributes.get("title")
        if value:
            found = dates.parse_date(value)
            if found is not None:
                return found
        # Its text nodes apart: "<span>28.09.19</span><span>12:00</span>" is
        # no 28.09.1912.
        text = node.text(separator=" ")
        if len(text) <= _DATE_ELEMENT_TEXT:
            found = dates.parse_date(text)
            if found is not None:
                return found
    return None


def node_date(node: LexborNode, zone: dt.tzinfo | None = None) -> dt.date | None:
    """The date an element states: its `datetime` or `content` (a UTC
    timestamp read on its day in `zone`), else its text."""
    for attribute in ("datetime", "content"):
        value = node.attributes.get(attribute)
        if value:
            found = dates.local_day(value, zone)
            if found is not None:
                return found
    return dates.parse_date(_ANY_SPACE.sub(" ", node.text(separator=" ")).strip())


def text_date(lines: tuple[str, ...] | list[str]) -> dt.date | None:
    """The date in the article's own lines: last short date line, else first date.

    A date line under a label ("Video verfügbar bis:") is what the label
    says, not the article's date (publication labels are read before, by
    `labelled_date`).
    """

    def labelled(at: int) -> bool:
        return at > 0 and lines[at - 1].endswith(":")

    for at in range(len(lines) - 1, max(-1, len(lines) - 5), -1):
        line = lines[at]
        if len(line) <= 60 and not labelled(at):
            found = dates.parse_date(line)
            if found is not None:
                return found
    for at, line in enumerate(lines[:3]):
        found = dates.parse_date(line) if len(line) <= 80 and not labelled(at) else None
        if found is not None:
            return found
    for line in lines[:2]:
        found = lead_dateline(line)
        if found is not None:
            return found
    return None


def lead_dateline(line: str) -> dt.date | None:
    """The date a lead paragraph opens with, news-agency style: "Karlsruhe,
    (12.11.2021). Traditionell ...", "RĪGA, 2021. gada 4. oktobrī — ...".

    Only a date after nothing but a place name and a comma, a bracket or a
    dash counts: "Am 8. November findet ..." names an event.
    """
    matches = dates.find_dates(line[:_LEAD_DATELINE])
    if not matches:
        return None
    prefix = line[: matches[0].start].strip()
    if prefix and (len(prefix) > _LEAD_PLACE or not _PLACE.fullmatch(prefix)):
        return None
    return matches[0].date
