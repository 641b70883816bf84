"""Attached documents: what kind a file is and the text inside it (no I/O).

Municipal articles often carry their substance in an attachment: the
council decision as a PDF, an application form as DOCX or ODT. The crawl
fetches such files and keeps their bytes; this module reads their text so
that search finds the article by what its attachment says.

`read_document` never raises on a bad file: a broken, encrypted or unknown
document gives empty text and an `error` saying why.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from archiver.models import DocumentText

# Bumped whenever the same bytes would give different text, so a reparse
# knows which stored attachments to read again.
READER_VERSION = "1"

# Bounds on the work one hostile file can cause: pages read, characters kept,
# and the uncompressed size of the XML inside a DOCX/ODT (a zip bomb guard).
MAX_PAGES = 500
MAX_CHARS = 2_000_000
MAX_XML_BYTES = 50_000_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_SPACES = re.compile(r"[ \t\u00a0]+")


def document_kind(body: bytes) -> str | None:
    """The kind, "pdf", "docx" or "odt", told by the bytes (not the name or Content-Type)."""
    if body[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if not body.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.read("mimetype").strip() == _ODT_MIMETYPE:
                return "odt"
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        return None
    return None


def read_document(body: bytes) -> DocumentText:
    """The text of a PDF, DOCX or ODT file, paragraphs on their own lines."""
    kind = document_kind(body)
    if kind is None:
        return DocumentText(kind=None, text="", pages=None, error="no text reader for this type")
    try:
        if kind == "pdf":
            return _read_pdf(body)
        xml_name = "word/document.xml" if kind == "docx" else "content.xml"
        xml = _zip_member(body, xml_name)
        paragraphs = _docx_paragraphs(xml) if kind == "docx" else _odt_paragraphs(xml)
        return DocumentText(kind=kind, text=_tidy(paragraphs), pages=None, error=None)
    except _Unreadable as exc:
        return DocumentText(kind=kind, text="", pages=None, error=str(exc))
    except ElementTree.ParseError as exc:
        return DocumentText(kind=kind, text="", pages=None, error=f"broken XML: {exc}")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        return DocumentText(kind=kind, text="", pages=None, error=f"broken {kind} file: {exc}")


class _Unreadable(Exception):
    """A document this module will not read (encrypted, too big inside)."""


def _tidy(paragraphs: Iterator[str]) -> str:
    """NFC text with runs of spaces collapsed, blank paragraphs dropped, capped in length."""
    lines: list[str] = []
    size = 0
    for paragraph in paragraphs:
        line = _SPACES.sub(" ", unicodedata.normalize("NFC", paragraph)).strip()
        if not line:
            continue
        lines.append(line)
        size += len(line) + 1
        if size >= MAX_CHARS:
            break
    return "\n".join(lines)[:MAX_CHARS]


def _read_pdf(body: bytes) -> DocumentText:
    # pypdf is imported here: only crawls that meet a PDF pay its import.
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Unreadable("encrypted PDF")
        texts = []
        count = len(reader.pages)
        for page in reader.pages[:MAX_PAGES]:
            texts.append(page.extract_text() or "")
    except _Unreadable:
        raise
    except (PyPdfError, KeyError, IndexError, TypeError, AttributeError, RecursionError) as exc:
        # pypdf signals damaged files through several exception types.
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    text = _tidy(line for page_text in texts for line in page_text.splitlines())
    # Pages but no characters: images of pages (a scan) without a text layer.
    error = "no text layer (a scanned PDF?)" if count and not text else None
    return DocumentText(kind="pdf", text=text, pages=count, error=error)


def _zip_member(body: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        info = archive.getinfo(name)
        if info.file_size > MAX_XML_BYTES:
            raise _Unreadable(f"{name} expands to {info.file_size} bytes")
        with archive.open(info) as member:
            data = member.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise _Unreadable(f"{name} expands past {MAX_XML_BYTES} bytes")
    return data


def _docx_paragraphs(xml: bytes) -> Iterator[str]:
    """Each `w:p` of a Word document: its runs' text, tabs and line breaks."""
    root = ElementTree.fromstring(xml)
    for paragraph in root.iter(f"{_W}p"):
        parts: list[str] = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        yield from "".join(parts).split("\n")


def _odt_paragraphs(xml: bytes) -> Iterator[str]:
    """Each `text:p` / `text:h` of an OpenDocument text, with its spans and spacing."""
    root = ElementTree.fromstring(xml)
    for element in root.iter():
        if element.tag in (f"{_TEXT}p", f"{_TEXT}h"):
            yield from "".join(_odt_text(element)).split("\n")


def _odt_text(element: ElementTree.Element) -> Iterator[str]:
    """The text of one ODT paragraph; nested paragraphs (in notes) are read on their own."""
    if element.text:
        yield element.text
    for child in element:
        if child.tag == f"{_TEXT}s":
            yield " " * int(child.get(f"{_TEXT}c", "1") or 1)
        elif child.tag == f"{_TEXT}tab":
            yield "\t"
        elif child.tag == f"{_TEXT}line-break":
            yield "\n"
        elif child.tag not in (f"{_TEXT}p", f"{_TEXT}h", f"{_TEXT}note"):
            yield from _odt_text(child)
        if child.tail:
            yield child.tail
