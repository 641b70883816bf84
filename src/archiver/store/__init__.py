"""The archive: one SQLite file holding raw pages, articles, their versions and crawls.

Tables, named for what they hold:

- `pages`: every distinct raw response (body bytes, headers), so `reparse`
  needs no network; `http_cache` keeps each URL's validators for conditional GET.
- `articles`: one row per article, keyed by canonical URL, with provenance
  (the page it came from, its content hash, the parser version).
- `article_urls`: every URL variant seen for an article (the dedup index).
- `article_versions`: every distinct text an article has had, oldest first.
- `crawls`, `warnings`: what each run did and what went wrong.
- `articles_fts`: FTS5 over title, body and department, diacritics folded,
  plus the same text as Latvian stems (`archiver.search`); kept in step by
  triggers. Schema v2 added it (and `articles.year`); v1 archives are
  migrated in place on open.

`Store.open` (in `core`) checks the schema version and creates what is missing on every
open; WAL is on so Datasette can read while a crawl writes.

The parts, one module each: `schema` (tables, migrations), `records` (the
plain values handed in and out), `articles` (pages, articles, versions),
`attachments` (attached files and their text),
`crawlstate` (what a crawl leaves for the next run), `query` (search, stats),
`maintenance` (free space, compacting), and `core`, where `Store` joins them and opens the file.
"""

from archiver.store.core import Store
from archiver.store.query import SEARCH_CANDIDATES
from archiver.store.records import (
    FOR_CRAWL,
    FOR_SEARCH,
    PARSED_FIELDS,
    CompactReport,
    GroupCommit,
    ReparseInput,
    SaveOutcome,
    SearchHit,
    Space,
    StoredArticle,
    StoredAttachment,
    Tuning,
    content_hash,
    nfc,
    parsed_fields,
    unpack,
)
from archiver.store.schema import SCHEMA_VERSION

__all__ = [
    "FOR_CRAWL",
    "FOR_SEARCH",
    "PARSED_FIELDS",
    "SCHEMA_VERSION",
    "SEARCH_CANDIDATES",
    "CompactReport",
    "GroupCommit",
    "ReparseInput",
    "SaveOutcome",
    "SearchHit",
    "Space",
    "Store",
    "StoredArticle",
    "StoredAttachment",
    "Tuning",
    "content_hash",
    "nfc",
    "parsed_fields",
    "unpack",
]
