"""Which element of a page holds its article: the generic extractor's container.

The element whose own paragraphs hold the most text is the *base*; the
container is the ancestor of the base that adds the most paragraph text for
the least other text (menus, teasers, link lists). Scoring reads each
paragraph once, with one query for the page's paragraphs and line breaks.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from archiver import boilerplate
from archiver.boilerplate import tag_ids

__all__ = ["BLOCK_TAGS", "find_container"]

# Elements read as paragraphs when scoring containers, and line breaks, whose
# parents are read as paragraphs too.
_PARAGRAPHS = "p, pre, br"
_PARAGRAPH_TAGS = frozenset({"p", "pre"})
# Pages without <p> (text split by <br> in divs or table cells) are scored by
# the direct text of these instead.
_TEXT_BLOCKS = "div, td, section, article"
_MIN_PARAGRAPH = 25
# Below this much paragraph text, text blocks without <p> are scored too.
_FEW_PARAGRAPHS = 1000
# When no element holds this much paragraph text of its own, the text is
# spread one paragraph per box (slideshows, one paragraph per slide, or
# a page-builder row per paragraph): the grandparents of paragraphs, which
# hold the boxes, are candidates too.
_THIN_TEXT = 500
# A candidate named as boilerplate (a modal, an author box) keeps this share
# of its score: its ancestors are not discounted, as the words name wrappers
# of the article too.
_BOILERPLATE_DISCOUNT = 0.3
# How many of the best bases are looked at for comment threads around them.
_MAX_BASES = 4
# A block named for comments or sharing that holds this share of the page's
# paragraphs, or of its text, is the page's wrapper ("entry-content
# no-share", "single comments-open").
_WRAPPER_PARAGRAPHS = 0.7
_WRAPPER_TEXT = 0.7
_MAX_DEPTH = 6
# An ancestor must add at least this much score to the base: a one-line
# credit in the page footer is no part of the article.
_MIN_GAIN = 100
# How much each character of non-paragraph text an ancestor adds to the base
# counts against it: a wrapper that adds a sidebar to the article loses to
# the article.
_OTHER_TEXT_COST = 0.33

# Block elements: a line of text ends at each.
BLOCK_TAGS = frozenset(
    (
        *("address", "article", "blockquote", "center", "dd", "details", "div", "dl", "dt"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"),
        *("ol", "p", "pre", "section", "summary", "table", "tbody", "thead"),
        *("tfoot", "tr", "ul"),
    )
)
# Children that make a text block a holder of paragraphs rather than one.
_HOLDER_TAGS = BLOCK_TAGS | {"br"}
# The tags the scoring loops test, as lexbor tag ids.
_HOLDER_IDS = tag_ids(_HOLDER_TAGS)
_PARAGRAPH_IDS = tag_ids(_PARAGRAPH_TAGS)
(_BR_ID,) = tag_ids(["br"])
(_LINK_ID,) = tag_ids(["a"])
(_HTML_ID,) = tag_ids(["html"])


def find_container(body: LexborNode) -> tuple[LexborNode, LexborNode | None]:
    """The element holding the article, and the base it grew from.

    First the *base*: the element whose own paragraphs (its children) hold
    the most text, so a teaser wall, where every excerpt sits in its own
    box, does not outweigh an article of ordinary paragraphs, and a product
    box or table inside the article does not count against it. Then the
    base grows to the ancestor that adds the most paragraph text for the
    least other text: articles split over sibling blocks (a lead box, then
    the text; one block per section on page builders) are read whole.
    """
    chars: dict[int, int] = {}
    direct: dict[int, int] = {}
    near: dict[int, int] = {}
    nodes: dict[int, LexborNode] = {}
    paragraphs: list[LexborNode] = []
    broken: dict[int, LexborNode] = {}
    for node in body.css(_PARAGRAPHS):
        if node.tag_id != _BR_ID:
            paragraphs.append(node)
        elif (parent := node.parent) is not None and parent.tag_id not in _PARAGRAPH_IDS:
            broken[parent.mem_id] = parent
    found = _score_paragraphs(paragraphs, chars, direct, near, nodes, deep=True)
    if found < _FEW_PARAGRAPHS:
        found += _score_paragraphs(body.css(_TEXT_BLOCKS), chars, direct, near, nodes, deep=False)
    else:
        # Text split by <br> in a <div> on a page whose <p>s are elsewhere
        # (an "about us" box in the footer): the blocks holding <br>s are
        # paragraphs too.
        found += _score_paragraphs(list(broken.values()), chars, direct, near, nodes, deep=False)
    scores = _candidates(direct, nodes)
    if scores and scores[0][0] < _THIN_TEXT:
        scores = sorted(scores + _candidates(near, nodes), key=_by_score)
    # The best base not inside a comment thread or a related-articles list
    # (a reply longer than the post on forums, a teaser wall on blogs).
    # Asked of the few best only: reading every element's name costs more
    # than the rest of the extraction.
    base: LexborNode | None = None
    whole = -1

    def is_wrapper(node: LexborNode) -> bool:
        """Whether `node` holds most of the page's text or paragraphs."""
        nonlocal whole
        if found and chars.get(node.mem_id, 0) >= _WRAPPER_PARAGRAPHS * found:
            return True
        if whole < 0:
            whole = len(body.text())
        return len(node.text()) >= _WRAPPER_TEXT * whole

    for _, key in scores[:_MAX_BASES]:
        candidate = nodes[key]
        # Nor in a block hidden by its class (a closed dialog).
        if not boilerplate.in_strong_boilerplate(
            candidate, is_wrapper
        ) and not boilerplate.in_hidden_block(candidate):
            base = candidate
            break
    if base is None:
        return body, None
    # The length of each ancestor's text is its child's plus that of the
    # child's siblings: the article's own text is read once, not per level.
    length = len(base.text())
    base_other = length - chars[base.mem_id]
    best, best_score = base, float(chars[base.mem_id])
    child, ancestor = base, base.parent
    for _ in range(_MAX_DEPTH):
        if ancestor is None or ancestor.mem_id not in chars:
            break
        length += _siblings_text_length(child)
        held = chars[ancestor.mem_id]
        other = max(0, length - held - base_other)
        score = held - _OTHER_TEXT_COST * other
        if score > best_score + _MIN_GAIN:
            best, best_score = ancestor, score
        child, ancestor = ancestor, ancestor.parent
    return best, base


def _candidates(held: dict[int, int], nodes: dict[int, LexborNode]) -> list[tuple[float, int]]:
    """(score, key) of the elements in `held`, best first; one named as
    boilerplate keeps a share of its paragraph text."""
    scores: list[tuple[float, int]] = []
    for key, own in held.items():
        score = float(own)
        if boilerplate.is_named_boilerplate(nodes[key]):
            score *= _BOILERPLATE_DISCOUNT
        scores.append((score, key))
    scores.sort(key=_by_score)
    return scores


def _by_score(candidate: tuple[float, int]) -> float:
    """Sort key, best first; candidates with the same score keep their
    order (document order, nearest holders first), never that of their
    memory addresses, which changes from run to run."""
    return -candidate[0]


def _siblings_text_length(node: LexborNode) -> int:
    """The length of the text of the nodes beside `node` (text nodes included)."""
    length = 0
    sibling = node.prev
    while sibling is not None:
        length += len(sibling.text())
        sibling = sibling.prev
    sibling = node.next
    while sibling is not None:
        length += len(sibling.text())
        sibling = sibling.next
    return length


def _score_paragraphs(
    paragraphs: list[LexborNode],
    chars: dict[int, int],
    direct: dict[int, int],
    near: dict[int, int],
    nodes: dict[int, LexborNode],
    *,
    deep: bool,
) -> int:
    """Credit each paragraph's own (non-link) text to its nearest ancestors,
    to the nearest one alone in `direct`, and to the next one in `near`."""
    total = 0
    # The ancestors credited from each element, read once: paragraphs share
    # their parents.
    chains: dict[int, list[tuple[int, LexborNode]]] = {}
    for paragraph in paragraphs:
        # A text block (deep=False) holds its own text itself, unless it holds
        # no blocks: then it is a paragraph (blogs that write every paragraph
        # as <div><span>...</span></div>). A paragraph is held by its parent.
        whole = deep or not any(child.tag_id in _HOLDER_IDS for child in paragraph.iter())
        length = len(paragraph.text(deep=whole).strip())
        if length < _MIN_PARAGRAPH:
            continue
        if whole:
            # A walk of the paragraph costs a third of a query for its links.
            for element in paragraph.traverse():
                if element.tag_id == _LINK_ID:
                    length -= len(element.text())
            if length < _MIN_PARAGRAPH:
                continue
        total += length
        holder = paragraph.parent if whole else paragraph
        if holder is None:
            continue
        chain = chains.get(holder.mem_id)
        if chain is None:
            chain = chains[holder.mem_id] = _ancestors(holder)
        for level, (key, ancestor) in enumerate(chain):
            if level == 0:
                direct[key] = direct.get(key, 0) + length
            elif level == 1:
                near[key] = near.get(key, 0) + length
            if key in chars:
                chars[key] += length
            else:
                chars[key] = length
                nodes[key] = ancestor
    return total


def _ancestors(node: LexborNode) -> list[tuple[int, LexborNode]]:
    """`node` and its ancestors below <html>, `_MAX_DEPTH` at most, by `mem_id`."""
    chain: list[tuple[int, LexborNode]] = []
    ancestor: LexborNode | None = node
    while ancestor is not None and len(chain) < _MAX_DEPTH and ancestor.tag_id != _HTML_ID:
        chain.append((ancestor.mem_id, ancestor))
        ancestor = ancestor.parent
    return chain
