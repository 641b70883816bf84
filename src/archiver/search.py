"""Latvian-aware search terms: diacritic folding, light stemming, query rewriting, snippets.

Readers type without diacritics and in any grammatical form, so the FTS
index holds every text twice: as written (FTS5 `unicode61 remove_diacritics 2`
folds ā→a, š→s, ...) and as *keys*, each word stemmed by the light Latvian
stemmer (PyPI `latvianstemmer`, a port of Lucene's) and then folded, so
"pašvaldības", "pasvaldibai" and "pašvaldību" all become `pasvaldib`.
`bench/stemming.py` measured this order (stem, then fold) against folding
first and against `simplemma`; it conflates the most inflected forms.

The index and the query go through the same `key()`. A query word matches its
key in the stem columns or its folded form in the text columns; a "quoted
phrase" and a `prefix*` match the text columns only, so quotes still mean
"these exact words".
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import LatvianStemmer  # type: ignore[import-untyped]

from archiver.errors import QueryError

# Columns of `articles_fts`: the text as written, then its keys.
TEXT_COLUMNS = ("title", "body", "department")
KEY_COLUMNS = ("title_keys", "body_keys", "department_keys")

# The index (archive schema v3): `articles_fts` holds the text as written and
# its keys. Triggers keep it in step with `articles` through the SQL function
# `archiver_keys()`, which `Store.ensure_schema` registers on its connection;
# `FTS_SCHEMA`'s last statement fills it from the articles already stored.
FTS_TOKENIZER = "unicode61 remove_diacritics 2"
# Prefix indexes: a `prefix*` query of 3 to 5 letters reads one list instead
# of merging the lists of every word that begins so: bench/archive.py's
# prefix searches at 1M articles took 124 ms at the 95th percentile before,
# 14 ms with them. They triple the index (+21% of the archive at 1M,
# bench/README.md); a longer prefix still merges, but is begun by fewer words.
FTS_PREFIXES = "3 4 5"
_FTS_COLUMNS = ", ".join((*TEXT_COLUMNS, *KEY_COLUMNS))
_FTS_VALUES = (
    "{0}.id, {0}.title, {0}.body, {0}.department,"
    " archiver_keys({0}.title), archiver_keys({0}.body), archiver_keys({0}.department)"
)
FTS_TABLE = f"""
CREATE VIRTUAL TABLE articles_fts USING fts5(
    {_FTS_COLUMNS}, tokenize='{FTS_TOKENIZER}', prefix='{FTS_PREFIXES}'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, {_FTS_COLUMNS}) VALUES ({_FTS_VALUES.format("new")});
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body, department ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
    INSERT INTO articles_fts (rowid, {_FTS_COLUMNS}) VALUES ({_FTS_VALUES.format("new")});
END;
"""
FTS_FILL = f"""
INSERT INTO articles_fts (rowid, {_FTS_COLUMNS}) SELECT {_FTS_VALUES.format("articles")}
    FROM articles;
"""
FTS_SCHEMA = FTS_TABLE + FTS_FILL
# What a v2 index's rows are copied with into the v3 table: their keys are
# already there, so no word is stemmed again.
FTS_COPY = f"""
INSERT INTO articles_fts (rowid, {_FTS_COLUMNS}) SELECT rowid, {_FTS_COLUMNS}
    FROM articles_fts_v2;
"""

# Attachments are searched through their own index (schema v3) with the same
# columns, so one rewritten query serves both: `title` holds the file name,
# `body` the document's text, `department` stays empty.
_ATTACHMENT_VALUES = (
    "new.id, new.name, new.text, NULL, archiver_keys(new.name), archiver_keys(new.text), NULL"
)
ATTACHMENT_FTS_SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS attachments_fts USING fts5(
    {_FTS_COLUMNS}, tokenize='{FTS_TOKENIZER}', prefix='{FTS_PREFIXES}'
);
CREATE TRIGGER IF NOT EXISTS attachments_fts_insert AFTER INSERT ON attachments BEGIN
    INSERT INTO attachments_fts (rowid, {_FTS_COLUMNS}) VALUES ({_ATTACHMENT_VALUES});
END;
CREATE TRIGGER IF NOT EXISTS attachments_fts_delete AFTER DELETE ON attachments BEGIN
    DELETE FROM attachments_fts WHERE rowid = old.id;
END;
CREATE TRIGGER IF NOT EXISTS attachments_fts_update AFTER UPDATE OF name, text ON attachments
BEGIN
    DELETE FROM attachments_fts WHERE rowid = old.id;
    INSERT INTO attachments_fts (rowid, {_FTS_COLUMNS}) VALUES ({_ATTACHMENT_VALUES});
END;
"""

# A word as FTS5 `unicode61` sees one: letters and digits (`_` separates).
_WORD = re.compile(r"[^\W_]+")
# Query lexemes: a quoted phrase, an unterminated quote, a parenthesis, a chunk.
_LEXEME = re.compile(r'"(?P<phrase>[^"]*)"|(?P<open>")|(?P<paren>[()])|(?P<chunk>[^\s()"]+)')
_OPERATORS = frozenset({"AND", "OR", "NOT"})


# Cached like `key`: snippets fold every word they show, and the department
# filter folds the same few department names for every candidate row.
@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case `text` and drop its diacritics, the way the FTS tokenizer does."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not _combining(c)))


def _combining(char: str) -> bool:
    return unicodedata.combining(char) != 0


def words(text: str) -> list[str]:
    """The words of `text` (NFC), as the FTS tokenizer splits them."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


# Stemming is pure and costs ~25 µs a word, and news reuse a small vocabulary
# (Zipf): remembering recent words makes indexing ~20x faster
# (bench/archive.py). A bounded cache of a pure function, not shared state.
@functools.lru_cache(maxsize=1 << 18)
def key(word: str) -> str:
    """The index key of one word: stemmed with its diacritics (the stemmer's
    suffix rules need them: "-ājam" is a noun ending, "-ajam" an adjective
    one), then folded so a query typed without diacritics meets it."""
    return fold(str(LatvianStemmer.stem(unicodedata.normalize("NFC", word).lower())))


def keys(text: str | None) -> str:
    """`text` as a space-separated string of keys, for the stem columns of the index."""
    return " ".join(key(w) for w in words(text or ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class Phrase:
    """One phrase of a rewritten query: tokens in a row, in some columns."""

    columns: str
    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def fts(self) -> str:
        """The phrase as an FTS5 expression of its own."""
        # FTS5 strings double their quotes; our tokens never hold one, but be safe.
        quoted = '"' + " ".join(t.replace('"', '""') for t in self.tokens) + '"'
        return f"{self.columns} : {quoted}{' *' if self.prefix else ''}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedQuery:
    """A user query rewritten for FTS5 plus what its snippets should mark."""

    fts: str
    keys: frozenset[str]
    forms: frozenset[str]
    prefixes: tuple[str, ...]
    # Each phrase of `fts` that a matching article can contain (not under a
    # NOT): what ranking weighs.
    phrases: tuple[Phrase, ...] = ()


def _columns(names: tuple[str, ...]) -> str:
    return "{" + " ".join(names) + "}"


def _lexemes(query: str) -> Iterator[re.Match[str]]:
    for match in _LEXEME.finditer(query):
        if match.group("open") is not None:
            raise QueryError(
                f"search query {query!r} is not valid FTS5 syntax: a quote is not closed"
            )
        yield match


def parse_query(query: str) -> ParsedQuery:
    """Rewrite a user query into an FTS5 expression over `articles_fts`.

    Words match any inflected form; `"quoted phrases"` and `prefix*` match the
    words as written (diacritics still optional); AND, OR, NOT and parentheses
    are FTS5's. Raises `QueryError` for a query that cannot be rewritten.
    """
    parts: list[str] = []
    query_keys: set[str] = set()
    forms: set[str] = set()
    prefixes: list[str] = []
    phrases: list[Phrase] = []
    # Whether the operand at hand is under a NOT: per parenthesis level, and
    # for the one operand right after a NOT.
    negated, after_not = [False], False

    def operand(*found: Phrase) -> None:
        nonlocal after_not
        if not (negated[-1] or after_not):
            phrases.extend(found)
        after_not = False

    text_cols, key_cols = _columns(TEXT_COLUMNS), _columns(KEY_COLUMNS)
    for match in _lexemes(query):
        phrase, paren, chunk = match.group("phrase", "paren", "chunk")
        if paren is not None:
            parts.append(paren)
            if paren == "(":
                negated.append(negated[-1] or after_not)
                after_not = False
            elif len(negated) > 1:
                negated.pop()
        elif phrase is not None:
            tokens = [fold(w) for w in words(phrase)]
            if tokens:
                exact = Phrase(columns=text_cols, tokens=tuple(tokens))
                parts.append(exact.fts)
                forms.update(tokens)
                operand(exact)
        elif chunk in _OPERATORS:
            parts.append(chunk)
            after_not = chunk == "NOT"
        elif chunk.endswith("*"):
            tokens = [fold(w) for w in words(chunk)]
            if tokens:
                begun = Phrase(columns=text_cols, tokens=tuple(tokens), prefix=True)
                parts.append(begun.fts)
                prefixes.append(tokens[-1])
                forms.update(tokens[:-1])
                operand(begun)
        else:
            tokens = words(chunk)
            if not tokens:
                continue  # punctuation only: nothing to look for
            stems = [key(w) for w in tokens]
            folded = [fold(w) for w in tokens]
            # The folded form too: stemming a word typed without diacritics
            # can cut it differently ("iedzivotajam" loses "-ajam").
            by_key = Phrase(columns=key_cols, tokens=tuple(stems))
            as_written = Phrase(columns=text_cols, tokens=tuple(folded))
            parts.append(f"({by_key.fts} OR {as_written.fts})")
            query_keys.update(stems)
            forms.update(folded)
            operand(by_key, as_written)
    parts = _explicit_and(parts)
    if not parts:
        raise QueryError(f"search query {query!r} has no words to look for")
    return ParsedQuery(
        fts=" ".join(parts),
        keys=frozenset(query_keys),
        forms=frozenset(forms),
        prefixes=tuple(prefixes),
        phrases=tuple(phrases),
    )


def _explicit_and(parts: list[str]) -> list[str]:
    """Insert AND between adjacent operands: FTS5 allows the implicit AND only
    between bare phrases, not before a parenthesis or a column filter."""
    out: list[str] = []
    for part in parts:
        starts_operand = part not in _OPERATORS and part != ")"
        ends_operand = bool(out) and out[-1] not in _OPERATORS and out[-1] != "("
        if starts_operand and ends_operand:
            out.append("AND")
        out.append(part)
    return out


def _marked(word: str, parsed: ParsedQuery) -> bool:
    folded = fold(word)
    return (
        folded in parsed.forms
        or key(word) in parsed.keys
        or (bool(parsed.prefixes) and folded.startswith(parsed.prefixes))
    )


# Snippets look for the words that may match with one regex over the text
# instead of calling `fold` and `key` on each of its words: a search shows
# twenty bodies of ~200 words, and word by word took ~7 ms of CPU per search
# against ~2 ms (bench/archive.py's queries, 100k articles). Latin and
# Cyrillic letters, and the punctuation of news text, are what it knows; a
# text with any other character is checked word by word.
_FOLD_RANGES = (range(0x250), range(0x400, 0x530), range(0x2000, 0x2070), range(0x20A0, 0x20C1))


@functools.cache
def _fold_table() -> dict[str, str]:
    """Characters that fold to one character, the same alone as within a word."""
    table = {}
    for code in itertools.chain(*_FOLD_RANGES):
        char = chr(code)
        folded = fold(char)
        if (
            len(folded) == 1
            and not unicodedata.combining(folded)
            and char.isalnum() == folded.isalnum()
        ):
            table[char] = folded
    return table


@functools.cache
def _unfolded() -> dict[str, str]:
    """Each folded character of `_fold_table` as a regex class of what folds to it."""
    forms: dict[str, set[str]] = {}
    for char, folded in _fold_table().items():
        forms.setdefault(folded, {folded}).add(char)
    return {f: "[" + "".join(map(re.escape, sorted(chars))) + "]" for f, chars in forms.items()}


@functools.lru_cache(maxsize=64)
def _maybe_marked(parsed: ParsedQuery) -> re.Pattern[str]:
    """Where a word that may match `parsed` can begin, in a text of characters
    `_fold_table` knows: a query form, a prefix, or a key less its last letter
    (the light stemmer only cuts endings, and its one addition, `kš` -> `kst`,
    adds a letter after a cut), in any case and with any diacritics."""
    heads = {k[:-1] for k in parsed.keys} | parsed.forms | set(parsed.prefixes)
    unfolded = _unfolded()
    alternatives = [
        "".join(unfolded.get(c, re.escape(c)) for c in head)
        for head in sorted(heads, key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives))


def _marks(text: str, parsed: ParsedQuery, seen: dict[str, bool]) -> set[int]:
    """The start offsets of the words of `text` that match `parsed`."""
    spans: Iterator[tuple[int, int]]
    if set(text) <= _fold_table().keys():
        spans = (
            found.span()
            for m in _maybe_marked(parsed).finditer(text)
            if m.start() == 0 or not text[m.start() - 1].isalnum()
            if (found := _WORD.match(text, m.start()))
        )
    else:  # a character the regex does not know: check every word
        spans = (m.span() for m in _WORD.finditer(text))
    marked = set()
    for a, b in spans:
        word = text[a:b]
        mark = seen.get(word)
        if mark is None:
            mark = seen[word] = _marked(word, parsed)
        if mark:
            marked.add(a)
    return marked


@dataclass(frozen=True, slots=True, kw_only=True)
class Snippet:
    """A stretch of text with its matching words marked `[...]`.

    `marks` are the (start, end) offsets of each `[word]` in `text`, so a
    terminal can highlight them without mistaking a bracket of the article
    itself for a mark.
    """

    text: str
    marks: tuple[tuple[int, int], ...]


def snippet(
    text: str, parsed: ParsedQuery, *, size: int = 16, seen: dict[str, bool] | None = None
) -> Snippet:
    """The `size`-word stretch of `text` with most matches, each marked `[...]`.

    `len(result.marks)` tells a caller how many words matched, to choose
    between title, body and department. Cut ends are shown as `…`. `seen`
    remembers which words matched across the snippets of one search, where
    the same words recur.
    """
    seen = {} if seen is None else seen
    starts = _marks(text, parsed, seen)
    marks = sorted(starts)
    # The word number of each match and the number of words, counted between
    # matches by the regex engine: a Python object per word of a body was
    # ~40% of a snippet's time (cProfile).
    numbers, count, cursor = [], 0, 0
    for a in marks:
        count += _count_words(text, cursor, a)
        numbers.append(count)
        count += 1
        cursor = _WORD.match(text, a).end()  # type: ignore[union-attr]
    total = count + _count_words(text, cursor, len(text))
    if not total:
        return Snippet(text=text.strip(), marks=())
    # The window with most matches, the earliest on a tie, starts at a match.
    best, first, at = 0, 0, 0
    for j, i in enumerate(numbers):
        matches = bisect.bisect_left(numbers, i + size, j) - j
        if matches > best:
            best, first, at = matches, i, marks[j]
    # Start a couple of words before the first match so it has context.
    start = max(0, min(first - 2, total - size))
    end = min(total, start + size)
    spans = _words_before(text, at, first - start)
    spans += [m.span() for m in itertools.islice(_WORD.finditer(text, at), end - first)]
    out = "…" if start > 0 else ""
    found: list[tuple[int, int]] = []
    cursor = spans[0][0]
    for a, b in spans:
        out += text[cursor:a]
        if a in starts:
            found.append((len(out), len(out) + b - a + 2))
            out += f"[{text[a:b]}]"
        else:
            out += text[a:b]
        cursor = b
    out += "…" if end < total else text[cursor:].rstrip()
    return Snippet(text=out, marks=tuple(found))


def _count_words(text: str, start: int, end: int) -> int:
    """The words in `text[start:end]`, which neither starts nor ends inside one."""
    return _WORD.subn("", text[start:end])[1]


def _words_before(text: str, at: int, n: int) -> list[tuple[int, int]]:
    """The spans of the `n` words before offset `at`, which begins a word."""
    if n <= 0:
        return []
    reach = 128
    while True:
        low = max(0, at - reach)
        spans = [m.span() for m in _WORD.finditer(text, low, at)]
        if low > 0 and spans and spans[0][0] == low and text[low - 1].isalnum():
            spans = spans[1:]  # the end of a word cut by `low`
        if len(spans) >= n or low == 0:
            return spans[-n:]
        reach *= 4
