"""Commands that read the archive: search, show, sources, stats, serve, export, settings."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from archiver import discover
from archiver.cli.base import (
    ConfigOption,
    DbOption,
    JsonOption,
    SinceOption,
    UntilOption,
    app,
    config_for,
    err,
    open_store,
)
from archiver.cli.output import (
    article_json,
    describe_attachment,
    hit_json,
    no_progress,
    print_hits,
    print_hits_csv,
    progress_bar,
)
from archiver.config import SETTINGS
from archiver.errors import ArchiverError

# A free share of the file past which `stats` suggests compacting it.
COMPACT_WORTH = 0.1


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find; diacritics are optional.")],
    db: DbOption = None,
    config_path: ConfigOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most results.")] = 20,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only these sources.")
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", "-d", help="Department name contains this.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
    as_nl: Annotated[bool, typer.Option("--nl", help="One JSON object per line.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
) -> None:
    """Full-text search in any word form; "pasvaldibai" finds "pašvaldība".

    Words match every inflected form, "quoted phrases" the exact words,
    prefix* the beginning of a word; AND, OR, NOT and parentheses combine them.
    Best match first (title words weigh most), newer first on ties.
    """
    if as_json + as_nl + as_csv > 1:
        raise typer.BadParameter("choose one of --json, --nl and --csv")
    config = config_for(config_path, db)
    with open_store(config, readonly=True) as store:
        hits = store.search(
            query,
            limit=limit,
            sources=tuple(source or ()),
            department=department,
            since=since.date() if since else None,
            until=until.date() if until else None,
        )
    if as_json:
        typer.echo(json.dumps([hit_json(h) for h in hits], ensure_ascii=False, indent=2))
    elif as_nl:
        for hit in hits:
            typer.echo(json.dumps(hit_json(hit), ensure_ascii=False))
    elif as_csv:
        print_hits_csv(hits)
    elif not hits:
        err(f"no articles match {query!r}")
    else:
        print_hits(hits)


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="Article id, or any URL of it.")],
    db: DbOption = None,
    config_path: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print one article: its fields, body and links."""
    config = config_for(config_path, db)
    with open_store(config, readonly=True) as store:
        article = store.get_article(ref)
        for source in config.sources if article is None else ():
            try:
                article = store.get_article(discover.canonical_key(ref, source))
            except ValueError:
                break
            if article is not None:
                break
        removal = store.removal(article.id) if article is not None else None
        files = store.attachments_of(article.id) if article is not None else []
    if article is None:
        raise ArchiverError(f"no article {ref!r} in {config.settings.db}")
    if as_json:
        data = {
            **article_json(article),
            "removed_at": removal[0] if removal else None,
            "removed_because": removal[1] if removal else None,
            "attachments": [dataclasses.asdict(f) for f in files],
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(article.title)
    typer.echo(f"Date:       {article.published or '-'}")
    typer.echo(f"Department: {article.department or '-'}")
    typer.echo(f"Source:     {article.source}  (id {article.id}, {article.versions} version(s))")
    typer.echo(f"URL:        {article.url}")
    if removal is not None:
        when, why = removal
        typer.echo(f"Removed:    since {when} ({why}); kept in the archive")
    typer.echo("")
    typer.echo(article.body)
    if article.links:
        typer.echo("\nLinks:")
        for link in article.links:
            mark = " [attachment]" if link.kind == "attachment" else ""
            typer.echo(f"  {link.text or '-'}: {link.url}{mark}")
    if files:
        typer.echo("\nAttachments:")
        for file in files:
            typer.echo(f"  {describe_attachment(file)}")


@app.command()
def sources(
    db: DbOption = None, config_path: ConfigOption = None, as_json: JsonOption = False
) -> None:
    """List the configured sources: how each is found, parsed, and how much is archived."""
    from archiver.sources import PROFILES

    config = config_for(config_path, db)
    archived: dict[str, int] = {}
    if Path(config.settings.db).is_file():
        with open_store(config, readonly=True) as store:
            archived = dict(store.stats()["source"])
    rows: list[dict[str, object]] = []
    for source in config.sources:
        hosts = discover.source_hosts(source)
        # Profiles are chosen per article URL; a source's hosts tell which may apply.
        family = ", ".join(p.name for p in PROFILES if set(p.hosts) & set(hosts)) or "generic"
        ways_in: dict[str, list[str]] = {
            "listing": list(source.start_urls),
            "feed": list(source.feeds),
            "sitemap": list(source.sitemaps),
            "ids": [source.id_url] if source.id_url else [],
        }
        count = archived.get(source.name, 0)
        if as_json:
            rows.append(
                {
                    "name": source.name,
                    "profile": family,
                    **ways_in,
                    "hosts": hosts,
                    "articles": count,
                }
            )
            continue
        typer.echo(f"{source.name}  (profile: {family}; {count} articles)")
        for label, values in [*ways_in.items(), ("hosts", [", ".join(hosts)])]:
            for value in values:
                typer.echo(f"  {label:8} {value}")
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))


@app.command()
def stats(
    db: DbOption = None, config_path: ConfigOption = None, as_json: JsonOption = False
) -> None:
    """Article counts per source, department and year; attached files; removed articles."""
    config = config_for(config_path, db)
    with open_store(config, readonly=True) as store:
        counts = store.stats()
        total = store.article_count()
        files, removed = store.attachment_count(), store.removed_count()
        space = store.space()
    if as_json:
        summary = {
            "articles": total,
            "attached_files": files,
            "removed": removed,
            "file_bytes": space.file_bytes,
            "free_bytes": space.free_bytes,
        }
        typer.echo(json.dumps({**summary, **counts}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"articles: {total} ({removed} gone from the site, kept)")
    typer.echo(f"attached files: {files}")
    free = space.free_bytes / max(space.file_bytes, 1)
    typer.echo(
        f"file: {space.file_bytes / 1e6:,.1f} MB, {space.free_bytes / 1e6:,.1f} MB of it free"
        + (" (`archiver compact` returns it)" if free >= COMPACT_WORTH else "")
    )
    for name, rows in counts.items():
        typer.echo(f"\nby {name}:")
        for key, count in rows:
            typer.echo(f"  {count:6d}  {key}")


@app.command()
def settings() -> None:
    """List every setting with its default and meaning."""
    for setting in SETTINGS:
        typer.echo(f"{setting.name:15} {setting.default!r:40} {setting.help}")


@app.command()
def serve(
    db: DbOption = None,
    config_path: ConfigOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, help="Port (0: any free one).")] = 8001,
    immutable: Annotated[
        bool, typer.Option(help="Open with immutable=1: faster, but only when no crawl runs.")
    ] = False,
) -> None:
    """Browse the archive in Datasette (read-only; Latvian-aware search box)."""
    from archiver import serve as serving

    config = config_for(config_path, db)
    path = Path(config.settings.db)
    if not path.is_file():
        raise ArchiverError(f"no archive at {path}; run `archiver crawl` first")
    with open_store(config):
        pass  # brings an older archive's schema (and search index) up to date
    serving.serve(path, host=host, port=port, immutable=immutable, announce=err)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, csv, parquet or warc.")
    ] = "jsonl",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (jsonl and csv: default stdout)."),
    ] = None,
    since: SinceOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only these sources.")
    ] = None,
    dictionary: Annotated[
        bool, typer.Option("--dictionary", help="Print the columns and their meaning, then exit.")
    ] = False,
    db: DbOption = None,
    config_path: ConfigOption = None,
) -> None:
    """Export articles (jsonl, csv, parquet) or raw responses (warc) for other tools."""
    from archiver import export as exporting

    if dictionary:
        typer.echo(exporting.data_dictionary())
        return
    if fmt not in exporting.FORMATS:
        raise typer.BadParameter(
            f"choose one of {', '.join(exporting.FORMATS)}", param_hint="--format"
        )
    if output is None and fmt not in exporting.TEXT_FORMATS:
        raise typer.BadParameter(f"{fmt} is binary: give a file with -o", param_hint="--output")
    config = config_for(config_path, db)
    sources = tuple(source or ())
    day = since.date() if since else None
    with open_store(config) as store:
        if fmt == "warc":
            total = exporting.count_pages(store, since=day, sources=sources)
        else:
            total = exporting.count_articles(store, since=day, sources=sources)
        progress = progress_bar(total) if sys.stderr.isatty() else no_progress
        if output is None:
            count = exporting.export(
                store, fmt, out=sys.stdout, since=day, sources=sources, progress=progress
            )
        elif fmt in exporting.TEXT_FORMATS:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = exporting.export(
                    store, fmt, out=stream, since=day, sources=sources, progress=progress
                )
        else:
            count = exporting.export(
                store, fmt, out=output, since=day, sources=sources, progress=progress
            )
    if sys.stderr.isatty():
        err("")
    kind = "responses" if fmt == "warc" else "articles"
    err(f"exported {count} {kind} as {fmt} to {output or 'stdout'}")
