"""Small PDF, DOCX and ODT files written from plain text, for attachment tests and fixtures.

The attached documents of the fixture site are made here, from the texts in
`FIXTURE_DOCUMENTS` (run `python tests/documents.py` to write them again), so a
test can compare what `archiver.attachments` reads with the text that was put
in. Each writer makes the smallest file its format allows, by hand:

- PDF: one page per 50 lines, Helvetica with a `/Differences` encoding that
  names the Latvian letters' glyphs (`amacron`, `scaron`, ...), the way older
  office software exported Latvian text;
- DOCX: `word/document.xml` with one `w:p` per paragraph (a tab becomes `w:tab`);
- ODT: `content.xml` with `text:h` for the first line and `text:p` for the
  rest, runs of spaces as `text:s`, the middle word of each paragraph in a span.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).resolve().parents[1] / "src" / "archiver" / "fixtures" / "html"

# Glyph names of the Latvian letters; WinAnsi has the rest (dashes, quotes).
_GLYPHS = {
    "ā": "amacron", "ē": "emacron", "ī": "imacron", "ū": "umacron", "š": "scaron",
    "ž": "zcaron", "č": "ccaron", "ģ": "gcommaaccent", "ķ": "kcommaaccent",
    "ļ": "lcommaaccent", "ņ": "ncommaaccent", "Ā": "Amacron", "Ē": "Emacron",
    "Ī": "Imacron", "Ū": "Umacron", "Š": "Scaron", "Ž": "Zcaron", "Č": "Ccaron",
    "Ģ": "Gcommaaccent", "Ķ": "Kcommaaccent", "Ļ": "Lcommaaccent", "Ņ": "Ncommaaccent",
}  # fmt: skip
_CODES = {char: 0xA1 + i for i, char in enumerate(_GLYPHS)}


def _pdf_string(line: str) -> bytes:
    out = bytearray()
    for char in line:
        if char in _CODES:
            out.append(_CODES[char])
        elif char in "()\\":
            out += b"\\" + char.encode("ascii")
        else:
            out += char.encode("cp1252")
    return b"(" + bytes(out) + b")"


def pdf(lines: list[str], *, per_page: int = 50) -> bytes:
    """A PDF showing `lines`, one text line each."""
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    differences = " ".join(f"/{name}" for name in _GLYPHS.values())
    font = (
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding"
        f" /BaseEncoding /WinAnsiEncoding /Differences [{0xA1} {differences}] >> >>"
    ).encode()
    first_page = 4
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        font,
    ]
    for i, page_lines in enumerate(pages):
        stream = b"BT /F1 11 Tf 56 780 Td 14 TL\n"
        stream += b"".join(_pdf_string(line) + b" '\n" for line in page_lines) + b"ET\n"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
            % (first_page + 2 * i + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _zip(members: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members:
            # ODF wants `mimetype` first and stored uncompressed.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(paragraphs: list[str]) -> bytes:
    """A Word document with one paragraph per item; tabs become `w:tab`."""

    def paragraph(text: str) -> str:
        runs = "<w:tab/>".join(
            f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in text.split("\t")
        )
        return f"<w:p><w:r>{runs}</w:r></w:p>"

    body = "".join(paragraph(p) for p in paragraphs)
    return _zip(
        [
            (
                "[Content_Types].xml",
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                '.org/package/2006/content-types"><Default Extension="rels" ContentType="applicat'
                'ion/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Con'
                'tentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
                '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xm'
                'l"/></Types>',
            ),
            (
                "_rels/.rels",
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openx'
                'mlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://s'
                "chemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
                '" Target="word/document.xml"/></Relationships>',
            ),
            (
                "word/document.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}">'
                f"<w:body>{body}</w:body></w:document>",
            ),
        ]
    )


def odt(paragraphs: list[str]) -> bytes:
    """An OpenDocument text: the first item a heading, the others paragraphs."""

    def inline(text: str) -> str:
        words = text.split(" ")
        middle = len(words) // 2
        if len(words) > 2:
            words[middle] = f'<text:span text:style-name="T1">{escape(words[middle])}</text:span>'
        parts = [w if w.startswith("<text:span") else escape(w) for w in words]
        # Runs of spaces: ODF keeps one space and counts the rest in text:s.
        return " ".join(parts).replace("  ", ' <text:s text:c="1"/>')

    items = []
    for i, text in enumerate(paragraphs):
        tag = "text:h" if i == 0 else "text:p"
        items.append(f"<{tag}>{inline(text)}</{tag}>")
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            (
                "META-INF/manifest.xml",
                '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oas'
                'is:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-'
                'path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifes'
                't:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>",
            ),
            (
                "content.xml",
                '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn'
                ':oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:op'
                'endocument:xmlns:text:1.0"><office:body><office:text>'
                + "".join(items)
                + "</office:text></office:body></office:document-content>",
            ),
        ]
    )


# The attached documents of the fixture site: path under fixtures/html → text.
FIXTURE_DOCUMENTS: dict[str, list[str]] = {
    "kekava-old/upload/nometnes_pieteikums_2020.docx": [
        "Pieteikuma veidlapa pašvaldības līdzfinansētajai vasaras nometnei 2020. gadā",
        "Bērna vārds, uzvārds:",
        "Dzimšanas datums:",
        "Izvēlētā nometne un maiņa:",
        "Vecāka tālrunis un e-pasts:",
        "Apliecinu, ka bērns ir vesels un drīkst piedalīties nometnes nodarbībās.",
        "Datums:\tParaksts:",
    ],
    "kekava-wp/uploads/plans.pdf": [
        "Ķekavas novada attīstības programma 2025.–2031. gadam",
        "Investīciju plāns",
        "Gājēju un velosipēdistu celiņš Rīgas ielā, Ķekavā – 2026",
        "Baložu pamatskolas sporta zāles būvniecība – 2027",
        "Daugmales pagasta ielu apgaismojums – 2028",
    ],
    "kekava-wp/uploads/busina-marsruts.odt": [
        "Grāmatu busiņa maršruts",
        "Katlakalns: otrdienās no 10.00 līdz 12.00, pie veikala",
        "Dzērumi: otrdienās no 13.00 līdz 14.30, pie autobusa pieturas",
        "Plakanciems: ceturtdienās no 10.00 līdz 12.00, pie tautas nama",
    ],
    "joomla/dokumenti/nolikums_atbalsts_jaunajiem_uznemejiem_2024.pdf": [
        "Konkursa “Atbalsts jaunajiem uzņēmējiem 2024” nolikums",
        "1. Granta apmērs: līdz 3000 eiro vienam projektam.",
        "2. Pretendenti: fiziskas personas un komersanti, kas reģistrēti ne agrāk kā 2022. gadā.",
        "3. Pieteikumus iesniedz līdz 2024. gada 15. martam.",
    ],
    "joomla/dokumenti/pieteikuma_veidlapa_2024.docx": [
        "Pieteikuma veidlapa konkursam “Atbalsts jaunajiem uzņēmējiem 2024”",
        "Pretendenta nosaukums vai vārds, uzvārds",
        "Komercdarbības idejas apraksts",
        "Pieprasītā granta summa (eiro)",
    ],
    "state-platform/files/budzets_2026_paskaidrojuma_raksts.pdf": [
        "Bauskas novada pašvaldības 2026. gada budžeta paskaidrojuma raksts",
        "Pamatbudžeta ieņēmumi: 78,6 milj. eiro",
        "Pamatbudžeta izdevumi: 84,1 milj. eiro",
        "Lielākā izdevumu daļa paredzēta izglītībai un ceļu uzturēšanai.",
    ],
}

WRITERS = {".pdf": pdf, ".docx": docx, ".odt": odt}


def document(path: str) -> bytes:
    """The bytes of one fixture document, made from its text."""
    return WRITERS[Path(path).suffix](FIXTURE_DOCUMENTS[path])


def main() -> None:
    """Write every fixture document under fixtures/html/."""
    for path in FIXTURE_DOCUMENTS:
        target = FIXTURES / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document(path))
        sys.stdout.write(f"wrote {target.relative_to(FIXTURES)}\n")


if __name__ == "__main__":
    main()
