"""Attached documents: text reading, fetching once, storing once, search, show, bad files."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter
from typer.testing import CliRunner

from archiver import attachments
from archiver.cli import app
from archiver.fixture_site import Answer, FixtureSite
from archiver.models import Article, Link, Page, Source
from archiver.reparse import reparse
from archiver.store import SCHEMA_VERSION, Store
from archiver.store.attachments import file_name
from conftest import crawl_once, write_fixture_config
from documents import FIXTURE_DOCUMENTS, FIXTURES, docx, odt, pdf

PLANS_URL = "https://kekava.lv/wp-content/uploads/2024/12/plans.pdf"
NOLIKUMS_PATH = "/images/dokumenti/2024/nolikums_atbalsts_jaunajiem_uznemejiem_2024.pdf"
BUDGET_PATH = "/sites/bauska/files/2026-01/budzets_2026_paskaidrojuma_raksts.pdf"
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".odt")


def written_text(lines: list[str]) -> str:
    """What a reader should give back: the lines put in, a tab read as a space."""
    return "\n".join(line.replace("\t", " ") for line in lines)


def only(sources: tuple[Source, ...], *names: str) -> tuple[Source, ...]:
    return tuple(s for s in sources if s.name in names)


# --- reading documents --------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FIXTURE_DOCUMENTS))
def test_each_fixture_document_reads_back_as_the_text_written_into_it(path: str) -> None:
    document = attachments.read_document((FIXTURES / path).read_bytes())
    assert document.error is None
    assert document.kind == Path(path).suffix.lstrip(".")
    assert document.text == written_text(FIXTURE_DOCUMENTS[path])


def test_a_pdf_counts_its_pages_and_keeps_their_order() -> None:
    lines = [f"Rinda {n}: ūdens un siltums" for n in range(1, 121)]
    document = attachments.read_document(pdf(lines, per_page=50))
    assert document.pages == 3
    assert document.text.splitlines() == lines


def test_the_kind_comes_from_the_bytes_not_the_name() -> None:
    assert attachments.document_kind(docx(["a"])) == "docx"
    assert attachments.document_kind(odt(["a"])) == "odt"
    assert attachments.document_kind(b"  %PDF-1.7\n...") == "pdf"
    assert attachments.document_kind(b"<html>not found</html>") is None
    # A zip that is neither (a spreadsheet, a photo archive).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert attachments.document_kind(buffer.getvalue()) is None


def test_an_encrypted_pdf_gives_no_text_and_says_why() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("slepens")
    buffer = io.BytesIO()
    writer.write(buffer)
    document = attachments.read_document(buffer.getvalue())
    assert (document.kind, document.text, document.error) == ("pdf", "", "encrypted PDF")


def test_a_pdf_of_page_images_says_it_has_no_text_layer() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)  # as a scan: a page, no characters
    buffer = io.BytesIO()
    writer.write(buffer)
    document = attachments.read_document(buffer.getvalue())
    assert (document.kind, document.text, document.pages) == ("pdf", "", 1)
    assert document.error == "no text layer (a scanned PDF?)"


@pytest.mark.parametrize(
    "body",
    [
        pdf(["Ķekava"])[:60],  # cut off inside the first object
        b"%PDF-1.4\n" + b"\x00\xff" * 500,
        docx(["Ķekava"])[:80],  # a zip cut short
        docx(["x"]).replace(b"word/document.xml", b"word/documenX.xml"),
        b"PK\x03\x04" + b"\x00" * 100,
    ],
    ids=["truncated-pdf", "garbage-pdf", "truncated-docx", "renamed-member", "bad-zip"],
)
def test_a_broken_file_gives_empty_text_never_an_exception(body: bytes) -> None:
    document = attachments.read_document(body)
    assert document.text == ""
    assert document.error


def test_broken_xml_inside_a_docx_is_reported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")
    document = attachments.read_document(buffer.getvalue())
    assert document.kind == "docx"
    assert document.error is not None and document.error.startswith("broken XML")


def test_a_docx_whose_xml_expands_past_the_cap_is_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(attachments, "MAX_XML_BYTES", 200)
    document = attachments.read_document(docx(["vārds " * 100]))
    assert document.text == ""
    assert document.error is not None and "expands to" in document.error


def test_odt_spacing_elements_become_spaces() -> None:
    document = attachments.read_document(odt(["Virsraksts", "Pirmā  rinda ar  atstarpēm"]))
    # Runs of spaces (text:s) are read, then collapsed like any whitespace.
    assert document.text == "Virsraksts\nPirmā rinda ar atstarpēm"


def test_file_names_come_from_the_url_percent_decoded() -> None:
    assert file_name("https://x.lv/f/l%C4%93mums%20Nr.1.pdf?v=2") == "lēmums Nr.1.pdf"
    assert file_name("https://x.lv/") == "x.lv"


# --- crawling ---------------------------------------------------------------------


def attachment_requests(site: FixtureSite) -> list[str]:
    return [r.path for r in site.requests_to("/") if r.path.endswith(DOCUMENT_SUFFIXES)]


def test_a_crawl_stores_every_linked_document_once_with_its_text(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    report = crawl_once(site, store, only(sources, "kekava-old", "kekava", "bauska", "lubana"))
    assert report.failures == 0
    assert sum(r.attachments for r in report.sources) == len(FIXTURE_DOCUMENTS) + 1
    rows = store.db.execute("SELECT name, kind, text, text_error FROM attachments").fetchall()
    by_name = {name: (kind, text, error) for name, kind, text, error in rows}
    for path, lines in FIXTURE_DOCUMENTS.items():
        kind, text, error = by_name[Path(path).name]
        assert (kind, text, error) == (Path(path).suffix[1:], written_text(lines), None)
    # The old hand-written PDF: text without diacritics, as old exports had.
    old = by_name["saistoso_noteikumu_projekts_2020_3.pdf"]
    assert old[1].startswith("Kekavas novada pasvaldiba - saistoso noteikumu projekts")
    # Every attachment link of every article is tied to its stored file.
    unlinked = store.db.execute(
        "SELECT count(*) FROM article_attachments WHERE attachment_id IS NULL"
    ).fetchone()[0]
    assert unlinked == 0
    assert len(attachment_requests(site)) == len(FIXTURE_DOCUMENTS) + 1


def test_the_next_crawl_fetches_no_stored_document_again(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    chosen = only(sources, "kekava", "lubana")
    crawl_once(site, store, chosen)
    before = len(attachment_requests(site))
    report = crawl_once(site, store, chosen)
    assert len(attachment_requests(site)) == before
    assert sum(r.attachments for r in report.sources) == 0


def test_the_same_file_at_two_urls_is_stored_once_and_linked_to_both_articles(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    # Bauska re-publishes Lubāna's rules file under its own path.
    same = (
        FIXTURES / "joomla/dokumenti/nolikums_atbalsts_jaunajiem_uznemejiem_2024.pdf"
    ).read_bytes()
    site.set(BUDGET_PATH, Answer(body=same, content_type="application/pdf"))
    crawl_once(site, store, only(sources, "bauska", "lubana"))
    rows = store.db.execute(
        "SELECT f.id, count(DISTINCT u.url), count(DISTINCT l.article_id) FROM attachments f"
        " JOIN attachment_urls u ON u.attachment_id = f.id"
        " JOIN article_attachments l ON l.attachment_id = f.id"
        " WHERE f.sha256 = ? GROUP BY f.id",
        [hashlib.sha256(same).hexdigest()],
    ).fetchall()
    assert [(urls, articles) for _, urls, articles in rows] == [(2, 2)]
    assert store.attachment_count() == 2  # the shared PDF and Lubāna's DOCX


def test_a_document_over_the_cap_fails_and_is_fetched_on_a_later_run(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    lubana = only(sources, "lubana")
    first = crawl_once(site, store, lubana, attachment_max_bytes=1100)
    assert first.failures == 1  # the 1,152-byte PDF; the 1,031-byte DOCX fits
    failure = store.db.execute("SELECT kind, message FROM failures").fetchone()
    assert failure[0] == "attachment" and "1100-byte cap" in failure[1]
    assert store.db.execute(
        "SELECT count(*) FROM article_attachments WHERE attachment_id IS NULL"
    ).fetchone() == (1,)
    second = crawl_once(site, store, lubana)
    assert second.failures == 0
    assert (second.sources[0].recovered, second.sources[0].attachments) == (1, 1)
    assert store.db.execute("SELECT count(*) FROM failures").fetchone() == (0,)


def test_a_document_that_is_not_readable_is_kept_with_a_warning(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    site.set(NOLIKUMS_PATH, Answer(body=b"%PDF-1.4\nbroken", content_type="application/pdf"))
    report = crawl_once(site, store, only(sources, "lubana"))
    assert report.failures == 0
    kept = store.db.execute(
        "SELECT body, text, text_error FROM attachments WHERE name LIKE 'nolikums%'"
    ).fetchone()
    assert kept[0] == b"%PDF-1.4\nbroken" and kept[1] == "" and kept[2]
    warned = store.db.execute("SELECT url FROM warnings WHERE kind = 'attachment'").fetchall()
    assert [url for (url,) in warned] == [f"http://lubana.lv{NOLIKUMS_PATH}"]


def test_documents_on_other_hosts_stay_links(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    page = (FIXTURES / "joomla/1288-jaunie-uznemeji-var-pieteikties-grantam.html").read_text()
    elsewhere = page.replace(f'href="{NOLIKUMS_PATH}"', 'href="https://www.madona.lv/nolikums.pdf"')
    assert elsewhere != page
    site.set(
        "/jaunumi/1288-jaunie-uznemeji-var-pieteikties-grantam", Answer(body=elsewhere.encode())
    )
    report = crawl_once(site, store, only(sources, "lubana"))
    assert report.failures == 0
    links = store.db.execute(
        "SELECT url, attachment_id IS NULL FROM article_attachments ORDER BY url"
    ).fetchall()
    assert links == [
        ("http://lubana.lv/images/dokumenti/2024/pieteikuma_veidlapa_2024.docx", 0),
        ("https://www.madona.lv/nolikums.pdf", 1),
    ]


def test_attachment_max_bytes_zero_links_without_fetching(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    crawl_once(site, store, only(sources, "lubana"), attachment_max_bytes=0)
    assert attachment_requests(site) == []
    assert store.db.execute("SELECT count(*) FROM article_attachments").fetchone() == (2,)


# --- search and show ----------------------------------------------------------------


@pytest.fixture
def crawled_archive(site: FixtureSite, tmp_path: Path) -> Path:
    config = write_fixture_config(tmp_path / "archiver.toml", site, tmp_path / "archive.db")
    result = CliRunner().invoke(app, ["crawl", "--config", str(config), "-q"])
    assert result.exit_code == 0, result.output
    return config


def search_json(config: Path, *query: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, ["search", *query, "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    hits: list[dict[str, object]] = json.loads(result.stdout)
    return hits


@pytest.mark.parametrize("query", ["velosipēdistu", "velosipedists", "apgaismojums Daugmales"])
def test_search_finds_an_article_by_words_only_in_its_attachment(
    crawled_archive: Path, query: str
) -> None:
    hits = search_json(crawled_archive, query)
    through_file = [h for h in hits if h["attachment"] == "plans.pdf"]
    assert [h["title"] for h in through_file] == [
        "Apstiprināta Ķekavas novada attīstības programma 2025.–2031. gadam"
    ]
    # Articles that say it themselves come first.
    assert hits.index(through_file[0]) == len(hits) - 1
    assert all(h["attachment"] is None for h in hits[:-1])


def test_attachment_hits_obey_the_search_filters(crawled_archive: Path) -> None:
    assert search_json(crawled_archive, "Daugmales apgaismojums", "--source", "bauska") == []
    late = search_json(crawled_archive, "apgaismojums Daugmales", "--since", "2025-01-01")
    assert late == []


def test_show_lists_the_attachments_with_type_size_and_text(crawled_archive: Path) -> None:
    ref = "https://www.lubana.lv/jaunumi/1288-jaunie-uznemeji-var-pieteikties-grantam"
    result = CliRunner().invoke(app, ["show", ref, "--config", str(crawled_archive)])
    assert result.exit_code == 0, result.output
    listed = result.stdout.split("\nAttachments:\n")[1].splitlines()
    assert listed == [
        "  nolikums_atbalsts_jaunajiem_uznemejiem_2024.pdf (PDF, 1 page, 1 KB, 245 characters"
        " of text): http://lubana.lv" + NOLIKUMS_PATH,
        "  pieteikuma_veidlapa_2024.docx (DOCX, 1 KB, 169 characters of text):"
        " http://lubana.lv/images/dokumenti/2024/pieteikuma_veidlapa_2024.docx",
    ]
    shown = CliRunner().invoke(app, ["show", ref, "--config", str(crawled_archive), "--json"])
    files = json.loads(shown.stdout)["attachments"]
    assert [(f["name"], f["kind"], f["pages"]) for f in files] == [
        ("nolikums_atbalsts_jaunajiem_uznemejiem_2024.pdf", "pdf", 1),
        ("pieteikuma_veidlapa_2024.docx", "docx", None),
    ]


# --- schema ----------------------------------------------------------------------


def test_a_v2_archive_gains_the_attachment_tables_and_index_on_open(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    store = Store.open(path)
    article = Article(
        url="https://x.lv/a",
        title="Lēmums",
        body="Teksts.",
        links=(Link(url="https://x.lv/f/lemums.pdf", text="lēmums", kind="attachment"),),
    )
    with store.transaction():
        page_id, _ = store.save_page(page_of(article.url), crawl_id=None)
        store.save_article(
            article,
            keys=("https://x.lv/a",),
            source="x",
            page_id=page_id,
            page_sha256="0",
            parser_version="2",
            seen_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    store.close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE attachments_fts; DROP TABLE article_attachments;"
        " DROP TABLE attachment_urls; DROP TABLE attachments; PRAGMA user_version = 2;"
    )
    conn.close()
    store = Store.open(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    names = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
    assert {"attachments", "attachments_fts", "attachments_fts_insert"} <= names
    # Links archived before v3 become attachment links for the next crawl to fetch.
    assert store.unfetched_attachments("x", skip_failed_after=5) == ["https://x.lv/f/lemums.pdf"]
    store.close()


def page_of(url: str) -> Page:
    return Page(
        url=url,
        final_url=url,
        status=200,
        headers=(),
        body=b"<html></html>",
        text="<html></html>",
        encoding="utf-8",
        fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def test_reparse_reads_files_of_an_older_reader_again(
    site: FixtureSite, store: Store, sources: tuple[Source, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    crawl_once(site, store, only(sources, "lubana"))
    store.db.execute("UPDATE attachments SET text = '', reader_version = '0'")
    assert reparse(store).attachments == 2
    texts = [t for (t,) in store.db.execute("SELECT text FROM attachments ORDER BY id")]
    assert all(texts) and reparse(store).attachments == 0
    hits = store.search("Pretendenta nosaukums")  # only in the DOCX
    assert [h.attachment for h in hits] == ["pieteikuma_veidlapa_2024.docx"]
