"""Reading an element's text as lines: one line per block, link lists,
control lines and the headings of dropped teaser lists left out.

The generic extractor's last step, run over the chosen container (and the
lead and blocks beside it). One `traverse()` per element read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborNode

from archiver import boilerplate
from archiver.boilerplate import tag_ids
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
# The same sets as lexbor tag ids, which the line reader compares instead.
_BLOCK_IDS = tag_ids(_BLOCK_TAGS)
_BREAK_IDS = tag_ids((*_BLOCK_TAGS, "br"))
_SKIP_IDS = tag_ids(_SKIP_TAGS)
_CELL_IDS = tag_ids(_CELL_TAGS)
_HEADING_IDS = tag_ids(_HEADING_TAGS)
(_LINK_ID,) = tag_ids(["a"])
(_TEXT_ID,) = tag_ids(["-text"])
# Spaces other than ASCII ones: no-break (U+00A0), narrow no-break (U+202F),
# the typographic spaces (U+2000-U+200A), ideographic (U+3000). Generic
# bodies read them as plain spaces, which is what a reader searching the
# text types; site profiles keep them (`parse.text_lines`). Every character
# `\s` takes but `[ \t\n\r\f\v]`, listed: searched about twice as fast as
# the negated class `[^\S \t\n\r\f\v]`.
_UNICODE_SPACE = re.compile(r"[\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
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


def read_lines(container: LexborNode, *, tidy: bool = False) -> list[str]:
    """The text of `container`, one line per block, link lists and controls dropped.

    One walk in document order: a line ends at a block element or <br>,
    and where the text moves to another block (the rest of a <div> after a
    <p> inside it).
    """
    lines: list[str] = []
    buffer: list[str] = []
    link_chars = 0
    top = container.mem_id
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
            # `line` is stripped: the same as replacing each run of `\s` by a space.
            line = " ".join(line.split())
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
    tag = container.tag_id
    if tag == _TEXT_ID:
        buffer.append(container.text_content or "")
    elif tag in _BREAK_IDS:
        if tag in _HEADING_IDS:
            headings.add(top)
    elif tag in _CELL_IDS:
        buffer.append(" ")
    # A walk over each element's children, which hands every text node the
    # place of its parent: its block (one line per block), whether it is in
    # a link, whether it is skipped.
    stack: list[tuple[Iterator[LexborNode], int, bool, bool]] = [
        (container.iter(include_text=True), top, False, False)
    ]
    while stack:
        children, block, in_link, skipped = stack[-1]
        for node in children:
            tag = node.tag_id
            if tag == _TEXT_ID:
                if skipped:
                    continue
                if block != current:
                    flush()
                    current = block
                text = node.text_content or ""
                buffer.append(text)
                if in_link:
                    link_chars += len(text.strip())
                continue
            if tag in _BREAK_IDS:
                flush()
                if tag in _HEADING_IDS:
                    headings.add(node.mem_id)
                if tag in _BLOCK_IDS:
                    stack.append((node.iter(include_text=True), node.mem_id, in_link, skipped))
                    break
            elif tag in _CELL_IDS:
                # A table row is one line, its cells separated by spaces.
                buffer.append(" ")
            stack.append(
                (
                    node.iter(include_text=True),
                    block,
                    in_link or tag == _LINK_ID,
                    skipped or tag in _SKIP_IDS,
                )
            )
            break
        else:
            stack.pop()
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
    of teasers after the article. At the end of the text, what is left under such a heading goes
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
    """Whether `line` has whitespace other than single ASCII spaces
    (substring tests are much cheaper than the substitution they avoid)."""
    return (
        "  " in line
        or "\n" in line
        or "\t" in line
        or "\r" in line
        or "\f" in line
        or ("\v" in line)
        or (not line.isascii() and _UNICODE_SPACE.search(line) is not None)
    )


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
