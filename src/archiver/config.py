"""Settings and sources: defaults → `archiver.toml` → command-line flags.

Every setting is declared once in `SETTINGS` with its name, default and help;
the README and `archiver --help` are checked against this list by a test.
A default `archiver.toml` for Ķekava ships inside the package.
"""

from __future__ import annotations

import importlib.resources
import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from archiver.errors import ConfigError
from archiver.models import Source

DEFAULT_USER_AGENT = "archiver/0.1 (municipal news archive; +https://pypi.org/project/archiver/)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Setting:
    """One setting: its name in `[archiver]` of archiver.toml, default and help text."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(name="db", default="archive.db", help="SQLite file of the archive (env ARCHIVER_DB)."),
    Setting(name="user_agent", default=DEFAULT_USER_AGENT, help="User-Agent sent with requests."),
    Setting(name="delay", default=1.0, help="Minimum seconds between requests to one host."),
    Setting(name="timeout", default=30.0, help="Seconds to wait for a response."),
    Setting(name="max_bytes", default=5_000_000, help="Largest response accepted, in bytes."),
    Setting(name="attempts", default=4, help="Tries per URL for transient failures."),
    Setting(name="retry_wait", default=2.0, help="First wait before a retry, doubled each time."),
    Setting(name="max_retry_wait", default=60.0, help="Longest single wait between retries."),
    Setting(name="obey_robots", default=True, help="Obey robots.txt, including Crawl-delay."),
    Setting(
        name="concurrency", default=4, help="Sources crawled at once (one connection per host)."
    ),
    Setting(name="max_pages", default=0, help="Most requests per source in one run (0: no cap)."),
    Setting(name="revisit", default=10, help="Newest known articles re-checked per run for edits."),
    Setting(name="revisit_hours", default=20.0, help="Re-check an article at most this often."),
    Setting(
        name="attachment_max_bytes",
        default=25_000_000,
        help="Largest attached document (PDF, DOCX, ...) fetched, in bytes (0: none fetched).",
    ),
    Setting(
        name="resolve",
        default={},
        help="Host → 127.0.0.1:PORT map; when set, only these hosts are fetched (tests, demo).",
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The values of `SETTINGS` after the config file and flags are applied."""

    db: str = "archive.db"
    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0
    timeout: float = 30.0
    max_bytes: int = 5_000_000
    attempts: int = 4
    retry_wait: float = 2.0
    max_retry_wait: float = 60.0
    obey_robots: bool = True
    concurrency: int = 4
    max_pages: int = 0
    revisit: int = 10
    revisit_hours: float = 20.0
    attachment_max_bytes: int = 25_000_000
    resolve: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """A loaded configuration: settings plus the sources to crawl."""

    settings: Settings
    sources: tuple[Source, ...]
    path: str

    def source(self, name: str) -> Source:
        """The source called `name`; `ConfigError` naming the known ones otherwise."""
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources)
        raise ConfigError(f"no source {name!r} in {self.path} (known: {known})")


_SOURCE_KEYS = {f.name for f in fields(Source)}


def default_config_path() -> Path:
    """The `archiver.toml` shipped with the package (Ķekava's three site generations)."""
    return Path(str(importlib.resources.files("archiver") / "archiver.toml"))


def load_config(path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read a config file (the packaged default when `path` is None) and apply overrides."""
    path = path or default_config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    unknown = set(raw) - {"archiver", "source"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s): {', '.join(sorted(unknown))}")
    values = dict(raw.get("archiver", {}))
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    settings = _settings(values, path)
    sources = tuple(_source(entry, path) for entry in raw.get("source", []))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: source names must be unique: {', '.join(names)}")
    return Config(settings=settings, sources=sources, path=str(path))


def _settings(values: Mapping[str, Any], path: Path) -> Settings:
    declared = {s.name: s for s in SETTINGS}
    unknown = set(values) - set(declared)
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    settings = Settings()
    for name, value in values.items():
        default = declared[name].default
        if name == "resolve":
            value = _resolve_map(value, path)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: setting {name} must be true or false, not {value!r}")
        elif isinstance(default, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{path}: setting {name} must be a number ≥ 0, not {value!r}")
            value = type(default)(value)
        elif not isinstance(value, str):
            raise ConfigError(f"{path}: setting {name} must be a string, not {value!r}")
        settings = replace(settings, **{name: value})
    return settings


def _resolve_map(value: Any, path: Path) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise ConfigError(f'{path}: resolve must be a table of host = "127.0.0.1:PORT"')
    pairs = []
    for host, target in value.items():
        address, _, port = str(target).rpartition(":")
        try:
            loopback = ipaddress.ip_address(address).is_loopback
        except ValueError:
            loopback = False
        if not loopback or not port.isdigit():
            raise ConfigError(f"{path}: resolve {host} must map to a loopback ADDRESS:PORT")
        pairs.append((str(host).lower(), str(target)))
    return tuple(pairs)


def _source(entry: Any, path: Path) -> Source:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{path}: each [[source]] must be a table")
    unknown = set(entry) - _SOURCE_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown source key(s): {', '.join(sorted(unknown))}")
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{path}: a source has no name")
    start_urls = entry.get("start_urls")
    if not isinstance(start_urls, list) or not all(isinstance(u, str) for u in start_urls):
        raise ConfigError(f"{path}: source {name}: start_urls must be a list of URLs")
    for key in ("feeds", "sitemaps"):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
            raise ConfigError(f"{path}: source {name}: {key} must be a list of URLs")
    if not start_urls and not entry.get("feeds") and not entry.get("sitemaps"):
        raise ConfigError(f"{path}: source {name}: give start_urls, feeds or sitemaps")
    aliases = entry.get("host_aliases", {})
    if not isinstance(aliases, Mapping):
        raise ConfigError(f"{path}: source {name}: host_aliases must be a table")
    id_url = entry.get("id_url", "")
    if id_url and (not isinstance(id_url, str) or "{id}" not in id_url):
        raise ConfigError(f"{path}: source {name}: id_url must be a URL with {{id}} in it")
    pattern = str(entry.get("article_pattern", ""))
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"{path}: source {name}: bad article_pattern {pattern!r}: {exc}"
        ) from None
    selector = str(entry.get("article_links", "a[href]"))
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except SelectolaxError as exc:
        raise ConfigError(
            f"{path}: source {name}: bad article_links selector {selector!r}: {exc}"
        ) from None
    try:
        return Source(
            name=name,
            start_urls=tuple(start_urls),
            article_links=str(entry.get("article_links", "a[href]")),
            article_pattern=str(entry.get("article_pattern", "")),
            profile=entry.get("profile"),
            host_aliases=tuple((str(k), str(v)) for k, v in aliases.items()),
            drop_params=tuple(str(p) for p in entry.get("drop_params", ())),
            id_url=str(entry.get("id_url", "")),
            feeds=tuple(entry.get("feeds", ())),
            sitemaps=tuple(entry.get("sitemaps", ())),
            max_listing_pages=int(entry.get("max_listing_pages", 50)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: source {name}: {exc}") from None
