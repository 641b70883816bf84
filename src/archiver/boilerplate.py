"""What is never article text, as data, and the passes that remove it.

The generic extractor asks two questions of a page before it reads the text:
which elements can never hold article text (scripts, navigation, hidden
blocks: *junk*), and which blocks are named, by their class or id, as page
furniture (comment threads, share bars, sidebars: *boilerplate*). Both are
answered here. CSS substring selectors (`[class*=comment i]`, sixty words
of them, each tried on every element) cost more than the parse itself, so
the names are read differently: one `[class], [id]` query, then one regular
expression, factored by first letters, over each distinct lower-cased name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from selectolax.lexbor import LexborHTMLParser, LexborNode, create_tag

__all__ = [
    "CONTROL_LINE",
    "drop_boilerplate",
    "drop_junk",
    "drop_named",
    "in_hidden_block",
    "in_strong_boilerplate",
    "is_named_boilerplate",
    "tag_ids",
]


def tag_ids(names: Iterable[str]) -> frozenset[int]:
    """The lexbor tag ids of the HTML elements `names`, for the hot loops.

    `node.tag` decodes the element's name into a new string on every call;
    `node.tag_id` is an int, three times cheaper to read, and lexbor numbers
    the standard HTML elements the same in every document. Only standard
    names belong here: lexbor numbers other names per document. "-text"
    names text nodes, as `node.tag` does.
    """
    return frozenset(_text_id() if name == "-text" else create_tag(name).tag_id for name in names)


def _text_id() -> int:
    body = LexborHTMLParser("text").body
    text = body.first_child if body is not None else None
    if text is None or not text.is_text_node:
        raise RuntimeError("lexbor parsed 'text' without a text node")
    return text.tag_id


# Elements that never hold article text, removed before anything is measured.
# Elements that hold no text at all (<input>, <embed>, <video>) are left to
# the line reader, which skips them: each tag here costs a test per element.
JUNK_TAGS = frozenset(
    (
        *("script", "style", "noscript", "template", "svg", "iframe", "button", "select"),
        *("textarea", "label", "nav", "aside", "figure", "figcaption", "picture", "dialog"),
        "menu",
    )
)
# ARIA roles of page chrome: menus, sidebars, the page footer, pop-ups.
JUNK_ROLES = frozenset({"navigation", "complementary", "contentinfo", "dialog", "alert"})
# Utility classes that hide an element (Bootstrap's "d-none", "hidden" and
# "hide", and the same words in other frameworks): a closed dialog or a
# template of the page, which may hold more paragraphs than the article.
# With a class that shows it again at some width ("d-md-block", Tailwind's
# "md:block") the element is visible on some screens. Asked of the
# container's candidates (`in_hidden_block`) and, with the boilerplate names,
# of the blocks in the container (`_named`): three class selectors in the
# junk query cost a twentieth of the extraction.
_HIDDEN_CLASSES = frozenset({"hide", "hidden", "d-none"})
# What `_named` reports for a block hidden by its class.
_HIDDEN = "(hidden)"
# The page's own header and footer (today's date, name days, contacts); an
# article's header or footer, inside <article> or <main>, stays.
_CHROME_TAGS = frozenset({"header", "footer"})
# One query finds the junk and the page chrome. Attribute values are tested
# in Python (`_is_hidden`): value selectors ("[role=dialog]", "[style*=none
# i]") cost lexbor more per element than the rest of the query together.
_JUNK = ", ".join(
    (
        *sorted(JUNK_TAGS),
        *sorted(_CHROME_TAGS),
        *("[hidden]", "[aria-hidden]", "[role]", "[style]"),
    )
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_ARTICLE_TAGS = frozenset({"main", "article"})

# Words that, inside a class or id, name a block that is not article text.
# They count only at the start of a name part ("comment-list", "commentlist",
# "l-sidebar"), never inside a word: "APageRoot" is no "pager".
#
# Comment threads, cookie banners, share bars and related-article lists go
# before the container is chosen: a long comment thread (blog posts with
# forty replies) or a teaser wall (news sites) would win it otherwise.
STRONG_BOILERPLATE_WORDS = (
    *("comment", "disqus", "respond", "reply", "cookie", "consent", "gdpr", "sikdat"),
    *("share", "sharing", "social", "related", "recommend", "newsletter", "outbrain"),
    "taboola",
)
# The rest name wrappers too often ("l-sidebar-fixed l-article-body" on news
# sites, "modal-enabled" on blogs): they go only inside the chosen container.
BOILERPLATE_WORDS = (
    *STRONG_BOILERPLATE_WORDS,
    *("breadcrumb", "sidebar", "widget", "banner", "subscribe", "signup", "promo", "advert"),
    *("sponsor", "pagination", "pager", "navbar", "skip-link", "site-header", "site-footer"),
    *("masthead", "popup", "modal", "byline", "author", "post-meta", "entry-meta"),
    *("article-meta", "tags", "toolbar", "print", "gallery", "slideshow", "carousel"),
    *("lightbox", "caption", "credit", "copyright", "rating", "login", "search"),
    *("trending", "read-more", "readmore", "sr-only", "visually-hidden", "screen-reader"),
    *("most-popular", "top-bar", "topbar"),
    # Latvian portals: name days and weather in the page chrome.
    *("nameday", "vardadien", "weather", "laikapstak"),
)


def _prefix_tree(words: list[str]) -> str:
    """`words` as one alternation factored by first letters ("s(?:hare|idebar)").

    Python's regular expressions try every branch of an alternation at every
    position; factored, a position fails on its first letter. A word that is
    a prefix of another matches alone (a match is a prefix match anyway).
    """
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    branches = []
    for first, rests in sorted(by_first.items()):
        if "" in rests:
            branches.append(re.escape(first))
        elif len(rests) == 1:
            branches.append(re.escape(first + rests[0]))
        else:
            branches.append(f"{re.escape(first)}(?:{_prefix_tree(rests)})")
    return "|".join(branches)


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of `words` at the start of a name part, in lower-cased names."""
    return re.compile(rf"(?<![a-z])(?:{_prefix_tree(sorted(set(words)))})")


_STRONG_PATTERN = _word_pattern(STRONG_BOILERPLATE_WORDS)
_STRONG_WORDS = frozenset(STRONG_BOILERPLATE_WORDS)
_CONSENT_WORDS = frozenset({"cookie", "consent", "gdpr", "sikdat"})
_BOILERPLATE_PATTERN = _word_pattern(BOILERPLATE_WORDS)

# A boilerplate-looking element holding this share of the text around it is
# a wrapper ("page has-sidebar", "comments-open"), not the boilerplate itself.
_WRAPPER_SHARE = 0.5
# Comment threads may outweigh the article (blogs with forty replies), so the
# strong words give way only to an element holding most of the page.
_STRONG_WRAPPER_SHARE = 0.7
_NEVER_DROPPED = frozenset({"html", "body", "main", "article"})
# Junk and chrome tags that wrap whole articles on some sites, kept when
# they hold most of the page's paragraph text.
_WRAPPER_TAGS = frozenset({"aside", "noscript", "header", "footer", "section", "figure"})
# Below this much text (and paragraph text) a block is never a wrapper.
_MIN_WRAPPED = 200
# The share of a page's paragraph text a wrapper holds.
_MOST_PARAGRAPHS = 0.7
# The tag sets `drop_junk` tests each match against, as lexbor tag ids.
_JUNK_IDS = tag_ids(JUNK_TAGS)
_CHROME_IDS = tag_ids(_CHROME_TAGS)
_WRAPPER_IDS = tag_ids(_WRAPPER_TAGS)

# Whole lines that are controls or labels, in the languages the archive meets,
# and photo or source credits ("Quelle: dpa", "Crédits photos : X").
CONTROL_LINE = re.compile(
    r"^(?:advertisement|anzeige|reklāma|reklama|share|share this|share this article"
    r"|read more|lasīt vairāk|vairāk|drukāt|drukājama versija|tulkot|print|email|e-mail"
    r"|tweet|facebook|twitter|linkedin|whatsapp|pinterest|close|caption|back to top"
    r"|continue reading|related|related articles|see also|skatīt arī"
    r"|table of contents|you may also like|more on this topic"
    r"|lesen sie auch|mehr zum thema|siehe auch|weiterlesen|verwandte artikel|verwandte themen"
    r"|ähnliche artikel|schon gelesen|das könnte sie auch interessieren|inhaltsverzeichnis"
    r"|teilen|werbung"
    r"|lea también|lee también|vea también|le puede interesar|te puede interesar"
    r"|noticias relacionadas|publicidad|compartir|leer más"
    r"|lire aussi|à lire aussi|voir aussi|articles similaires|partager|publicité|lire la suite"
    r")\W*$"
    # Photo and source credits: a label and a name or two.
    r"|^\(?(?:quelle|bildquelle|foto|fotos|photo|photos|credit|credits|crédits? photos?|source"
    r"|fuente|foto ?credit|bild|image)\s*:.{0,60}$"
    # The footer blog themes print under every post ("This entry was posted
    # in News. Bookmark the permalink.").
    r"|^(?:this entry was posted|dieser eintrag wurde veröffentlicht)\b.{0,200}$",
    re.I,
)


def drop_junk(body: LexborNode, headings: Sequence[LexborNode] | None = None) -> None:
    """Remove the junk, then the page-level header and footer.

    An article's own header stays: German and Italian news sites put the
    lead paragraph there, next to the headline. So does a sectioning
    element that holds the headline (one of `headings`, the page's <h1>s,
    found here when not given) and most of the page's paragraphs.
    """
    chrome: list[LexborNode] = []
    page = _Paragraphs(body)
    holders: set[int] | None = None
    for node in body.css(_JUNK):
        tag = node.tag_id
        if tag in _WRAPPER_IDS:
            # Only with the headline: a sidebar may hold more paragraphs
            # than an article written as lists.
            if holders is None:
                holders = _holders(body.css("h1") if headings is None else headings)
            if node.mem_id in holders and page.holds_most(node):
                continue
        if node.parent is None:
            # Inside junk removed before it (a third of the matches): gone.
            continue
        if tag in _JUNK_IDS or _is_hidden(node.attributes):
            node.decompose()
        elif tag in _CHROME_IDS:
            chrome.append(node)
    for node in chrome:
        if not _inside(node, _ARTICLE_TAGS):
            node.decompose()


def _holders(headings: Sequence[LexborNode]) -> set[int]:
    """The elements holding one of `headings`."""
    held: set[int] = set()
    for heading in headings:
        parent = heading.parent
        while parent is not None and parent.mem_id not in held:
            held.add(parent.mem_id)
            parent = parent.parent
    return held


class _Paragraphs:
    """The paragraph text of a page, counted once and only when asked.

    A block that holds most of it is the article's wrapper, whatever its tag
    or name says: news portals that put the whole story in an <aside>, old
    sites whose every page sits in a <noscript>, blogs whose article div is
    named "entry share" or "socialicons-sticky" for its share buttons.
    Junk tags need the headline too (`drop_junk`).
    """

    __slots__ = ("_root", "_total")

    def __init__(self, root: LexborNode) -> None:
        self._root = root
        self._total = -1

    def holds_most(self, node: LexborNode) -> bool:
        """Whether `node` holds at least `_MOST_PARAGRAPHS` of the paragraph text."""
        if len(node.text()) < _MIN_WRAPPED:
            return False
        if self._total < 0:
            self._total = paragraph_chars(self._root)
        own = paragraph_chars(node)
        return own >= _MIN_WRAPPED and own >= _MOST_PARAGRAPHS * self._total


def paragraph_chars(node: LexborNode) -> int:
    """The length of the text in the <p> elements under `node`."""
    return sum(len(paragraph.text()) for paragraph in node.css("p"))


def _is_hidden(attributes: dict[str, str | None]) -> bool:
    if "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    if attributes.get("role") in JUNK_ROLES:
        return True
    style = attributes.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


def in_hidden_block(node: LexborNode) -> bool:
    """Whether `node` sits in an element hidden by a utility class."""
    ancestor: LexborNode | None = node
    while ancestor is not None:
        name = ancestor.attributes.get("class")
        if name and _hidden_by_class(name.split()):
            return True
        ancestor = ancestor.parent
    return False


def _hidden_by_class(names: list[str]) -> bool:
    """Whether the class `names` hide an element on every screen."""
    return not _HIDDEN_CLASSES.isdisjoint(names) and not any(
        ":" in name or (name.startswith("d-") and name != "d-none") for name in names
    )


def _inside(node: LexborNode, tags: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _named(root: LexborNode) -> list[tuple[LexborNode, str]]:
    """The elements under `root` whose class or id names boilerplate, each
    with the word found (a strong word when there is one), in document order.

    Class names repeat on a page (every menu item, every teaser), so each
    distinct one is searched once.
    """
    words: dict[str, str] = {}
    found: list[tuple[LexborNode, str]] = []
    for node in root.css("[class], [id]"):
        attributes = node.attributes
        for name in (attributes.get("class"), attributes.get("id")):
            if not name:
                continue
            word = words.get(name)
            if word is None:
                lowered = name.lower()
                # Most names hold no word at all; the strong words are among
                # the others, so they are looked for only in names that hold one.
                match = _BOILERPLATE_PATTERN.search(lowered)
                if match is not None:
                    match = _STRONG_PATTERN.search(lowered) or match
                    word = match.group(0)
                else:
                    word = _HIDDEN if _hidden_by_class(name.split()) else ""
                words[name] = word
            if word:
                found.append((node, word))
                break
    return found


def _has_name(attributes: dict[str, str | None], pattern: re.Pattern[str]) -> bool:
    """Whether `pattern` finds a word in the class or id in `attributes`."""
    for name in (attributes.get("class"), attributes.get("id")):
        if name and pattern.search(name.lower()) is not None:
            return True
    return False


def drop_boilerplate(container: LexborNode, base: LexborNode | None = None) -> None:
    """Remove blocks named as boilerplate inside the chosen container.

    Done after the container is chosen, and never to the container itself,
    because the words also name wrappers of the article: "l-sidebar-fixed
    l-article-body" on news sites, "entry share" on blogs. Comment threads,
    share bars and related lists (`STRONG_BOILERPLATE_WORDS`) go unless they
    hold `base` (the element whose paragraphs chose the container) or the
    headline, whatever their size: a thread may outweigh the article (forty
    replies on a blog, a reply longer than the post on a forum). Without a
    `base`, they stay when they hold most of the container or of its
    paragraphs, and so do the ones inside them: with no base outside the
    thread, the page is the thread (live blogs name each entry "comment").
    The other words go unless the block, or the blocks sharing its word,
    hold half of the container.
    """
    whole = len(container.text())
    top = container.mem_id
    page = _Paragraphs(container)
    holders: set[int] | None = None
    kept = _holders([base]) | {base.mem_id} if base is not None else set()
    named: list[tuple[LexborNode, str, int]] = []
    groups: dict[str, int] = {}
    members: set[int] = set()
    for node, word in _named(container):
        if node.tag in _NEVER_DROPPED or node.mem_id == top:
            continue
        length = len(node.text())
        named.append((node, word, length))
        # Blocks that repeat one word make a group; a block inside another
        # of its group (a widget's inner wrapper) is counted once.
        parent = node.parent
        grandparent = parent.parent if parent is not None else None
        if not any(n is not None and n.mem_id in members for n in (parent, grandparent)):
            groups[word] = groups.get(word, 0) + length
        members.add(node.mem_id)
    weak: list[tuple[LexborNode, str, int]] = []
    removed = False
    wrappers: set[int] = set()
    for node, word, length in named:
        if word == _HIDDEN:
            if node.parent is not None and node.mem_id not in kept:
                node.decompose()
            continue
        if word not in _STRONG_WORDS:
            weak.append((node, word, length))
            continue
        if node.parent is None:
            continue
        if holders is None:
            holders = _holders(container.css("h1"))
        if node.mem_id in holders or node.mem_id in kept:
            continue
        # Without a base, a wrapper is known by its size ("entry share",
        # "socialicons-sticky"), though a consent banner never is one: its
        # paragraphs may be most of a page whose text is elsewhere.
        if base is None and (
            length >= _STRONG_WRAPPER_SHARE * whole
            or (word not in _CONSENT_WORDS and page.holds_most(node))
            or _inside_any(node, wrappers)
        ):
            wrappers.add(node.mem_id)
            continue
        node.decompose()
        removed = True
    # Shares of what is left once comments are gone.
    if removed:
        whole = len(container.text())
    for node, word, length in weak:
        # A block, or a group of blocks named by one word, holding half the
        # container is the article: page builders put each section of the
        # text in a "widget" (Elementor), CSS-in-JS names every paragraph
        # "tagStyle_x1y2", recipes name their steps "print-step".
        if node.parent is None or max(length, groups.get(word, 0)) >= _WRAPPER_SHARE * whole:
            continue
        node.decompose()


def _inside_any(node: LexborNode, ancestors: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id in ancestors:
            return True
        parent = parent.parent
    return False


def drop_named(root: LexborNode) -> None:
    """Remove every block under `root` whose class or id names boilerplate
    (captions, credits, share bars, bylines), whatever its size: for the
    small blocks around a container, where no wrapper of the article is."""
    for node, _ in _named(root):
        if node.mem_id != root.mem_id and node.parent is not None:
            node.decompose()


def in_strong_boilerplate(node: LexborNode, is_wrapper: Callable[[LexborNode], bool]) -> bool:
    """Whether `node` sits in an element named for comments, sharing or
    related articles, other than a wrapper of the page (`is_wrapper`, asked
    only of the named elements) or one that holds the headline."""
    ancestor: LexborNode | None = node
    while ancestor is not None and ancestor.tag not in _NEVER_DROPPED:
        if (
            _has_name(ancestor.attributes, _STRONG_PATTERN)
            and not is_wrapper(ancestor)
            and ancestor.css_first("h1") is None
        ):
            return True
        ancestor = ancestor.parent
    return False


def is_named_boilerplate(node: LexborNode) -> bool:
    """Whether the class or id of `node` names it as boilerplate."""
    return _has_name(node.attributes, _BOILERPLATE_PATTERN)
