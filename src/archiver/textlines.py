"""Reading an element's text as lines: one line per block, link lists,
control lines and the headings of dropped teaser lists left out.

The generic extractor's last step, run over the chosen container (and the
lead and blocks beside it). One `traverse()` per element read.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from archiver import boilerplate
from archiver.container import BLOCK_TAGS as _BLOCK_TAGS

__all__ = ["SENTENCE", "is_label", "read_lines", "without_repeats"]

_SKIP_TAGS = frozenset(
    (
        *("script", "style", "noscript", "template", "iframe", "svg", "button", "select"),
        *("input", "textarea", "img", "video", "audio", "object", "embed", "canvas", "map"),
        *("head", "title", "meta", "link"),
    )
)
_CELL_TAGS = frozenset({"td", "th"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
# Lines shorter than this may repeat (table cells, list numbers).
_MIN_REPEAT = 20
# A block whose text is at least this share link text is a link list
# (related articles, tag clouds, "more from this section").
_LINK_LIST_SHARE = 0.7
# A line this long is a sentence: bylines, datelines, credits and the dates
# and counters of teasers are shorter.
SENTENCE = 80
# A line shorter than this ending with a colon is a label ("Kontakt:",
# "Read more on this:"), which heads what follows as a heading does.
_MAX_LABEL = 45


# Where a text node sits, by the element holding it: the block it belongs to
# (one line per block), whether it is inside a link, whether it is skipped.
_Place = tuple[int, bool, bool]


def read_lines(container: LexborNode, *, tidy: bool = False) -> list[str]:
    """The text of `container`, one line per block, link lists and controls dropped.

    One `traverse()` in document order: a line ends at a block element or
    <br>, and where the text moves to another block (the rest of a <div>
    after a <p> inside it). The place of each element is looked up once.
    """
    lines: list[str] = []
    buffer: list[str] = []
    link_chars = 0
    top = container.mem_id
    places: dict[int, _Place] = {top: (top, False, False)}
    # Which lines are headings, and which are followed by a dropped link list.
    headings: set[int] = set()
    titled: list[bool] = []
    listed: list[bool] = []

    def flush() -> None:
        nonlocal link_chars
        if not buffer:
            return
        line = "".join(buffer).strip()
        buffer.clear()
        links, link_chars = link_chars, 0
        if not line:
            return
        if _needs_collapse(line):
            line = _ASCII_SPACE.sub(" ", line)
        if boilerplate.CONTROL_LINE.match(line):
            return
        if links >= _LINK_LIST_SHARE * len(line):
            if listed:
                listed[-1] = True
            return
        lines.append(line)
        titled.append(current in headings or is_label(line))
        listed.append(False)

    current = top
    for node in container.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            parent = node.parent
            if parent is None:
                continue
            block, in_link, skipped = places.get(parent.mem_id) or _place(parent, places, top)
            if skipped:
                continue
            if block != current:
                flush()
                current = block
            text = node.text_content or ""
            buffer.append(text)
            if in_link:
                link_chars += len(text.strip())
        elif tag in _BLOCK_TAGS or tag == "br":
            flush()
            if tag in _HEADING_TAGS:
                headings.add(node.mem_id)
        elif tag in _CELL_TAGS:
            # A table row is one line, its cells separated by spaces.
            buffer.append(" ")
    flush()
    if tidy and any(titled):
        return _without_list_headings(lines, titled, listed)
    return lines


def is_label(line: str) -> bool:
    """Whether `line` is a label: short, ending with a colon."""
    return line.endswith(":") and len(line) < _MAX_LABEL


def _without_list_headings(lines: list[str], titled: list[bool], listed: list[bool]) -> list[str]:
    """`lines` without the headings (and labels, `is_label`) of dropped link
    lists ("Related topics", "Read also:"): news and blog pages print lists
    of teasers after the article. At the end of the text, what is left under
    such a heading goes
    too when no line of it is a sentence (the teasers' dates and counters),
    and so does a heading with nothing under it."""
    kept: list[str] = []
    section: list[str] = []
    dropped = False
    marks = zip(reversed(titled), reversed(listed), strict=True)
    for line, (heading, after) in zip(reversed(lines), marks, strict=True):
        section.append(line)
        dropped = dropped or after
        if not heading:
            continue
        body = section[:-1]
        # A heading straight over a dropped list, or one ending the text
        # over a dropped list or nothing, with no sentence under it.
        over_list = dropped and not body
        trailing = not kept and not any(len(text) >= SENTENCE for text in body)
        if not (over_list or (trailing and (dropped or not body))):
            kept += section
        section, dropped = [], False
    kept += section
    kept.reverse()
    return kept


def _needs_collapse(line: str) -> bool:
    """Whether `line` has a run of ASCII whitespace other than one space
    (substring tests are much cheaper than the substitution they avoid)."""
    return (
        "  " in line
        or "\n" in line
        or "\t" in line
        or "\r" in line
        or "\f" in line
        or ("\v" in line)
    )


def _place(element: LexborNode, places: dict[int, _Place], top: int) -> _Place:
    """The place of `element`, from the nearest ancestor already placed."""
    chain: list[LexborNode] = []
    node: LexborNode | None = element
    place: _Place = (top, False, False)
    while node is not None:
        known = places.get(node.mem_id)
        if known is not None:
            place = known
            break
        chain.append(node)
        node = node.parent
    for ancestor in reversed(chain):
        tag = ancestor.tag or ""
        block, in_link, skipped = place
        place = (
            ancestor.mem_id if tag in _BLOCK_TAGS else block,
            in_link or tag == "a",
            skipped or tag in _SKIP_TAGS,
        )
        places[ancestor.mem_id] = place
    return place


def without_repeats(lines: list[str]) -> list[str]:
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
