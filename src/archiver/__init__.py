"""archiver: a permanent, searchable archive of municipal news in one SQLite file.

Pipeline, one module per stage: `discover` (listings → URLs), `fetch`
(HTTP → `Page`), `parse` (`Page` → `ParseResult`), `store` (SQLite),
`crawl` (the orchestrator), `cli` (the `archiver` command).

Public API: `extract(html, url) -> Article`.
"""

from archiver.models import Article, Link
from archiver.parse import extract

__all__ = ["Article", "Link", "extract"]
__version__ = "0.1.0"
