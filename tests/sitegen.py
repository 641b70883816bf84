"""Generated old-CMS sites of any size, for chaos, kill and health tests.

Pages follow the Ķekava old-CMS template (so the site profile parses them);
the text is generated deterministically from the article number. Every
`ATTACH_EVERY`th article links a PDF of its own (`/upload/lemums-<lid>.pdf`),
so crawls of these sites fetch and store attachments too.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from documents import pdf

WORDS = [
    "pašvaldība",
    "dome",
    "novads",
    "iedzīvotāji",
    "projekts",
    "būvniecība",
    "ceļš",
    "iela",
    "skola",
    "bērnudārzs",
    "finansējums",
    "konkurss",
    "pieteikums",
    "sēde",
    "lēmums",
    "atbalsts",
    "vide",
    "satiksme",
    "autobuss",
    "atkritumi",
    "apsaimniekošana",
    "kultūra",
    "sports",
    "bibliotēka",
    "parks",
    "apgaismojums",
    "remonts",
    "ūdenssaimniecība",
    "kanalizācija",
    "siltināšana",
    "labiekārtošana",
    "iepirkums",
    "līgums",
]
DEPARTMENTS = (
    "Administratīvā pārvalde",
    "Attīstības un būvniecības pārvalde",
    "Izglītības, kultūras un sporta pārvalde",
    "Sabiedrības informēšanas un mārketinga nodaļa",
)
FIRST_LID = 100_000
PER_PAGE = 20
ATTACH_EVERY = 10


def has_attachment(lid: int) -> bool:
    return lid % ATTACH_EVERY == 0


def attachment_lines(lid: int) -> list[str]:
    """The text of article `lid`'s PDF."""
    return [f"Lēmums Nr. {lid}", f"Par ziņu {lid}: dome nolēma atbalstīt projektu."]


def article_html(lid: int, *, dated: bool = True) -> str:
    """One old-CMS article page for `lid`, the same text every time."""
    rng = random.Random(lid)
    title = f"Ziņa {lid}: " + " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))).capitalize() + "."
        for _ in range(rng.randint(2, 5))
    ]
    published = dt.date(2010, 1, 1) + dt.timedelta(days=(lid - FIRST_LID) * 3)
    date_div = f'<div class="news-date">{published:%d.%m.%Y}.</div>' if dated else ""
    body = "\n".join(f"<p>{p}</p>\n<p>&nbsp;</p>" for p in paragraphs)
    attached = (
        f'\n  <p>Lēmums: <a href="/upload/lemums-{lid}.pdf">lemums-{lid}.pdf</a></p>'
        if has_attachment(lid)
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="lv"><head><meta charset="utf-8">
<title>Ķekavas novada pašvaldība - {title}</title></head>
<body>
<div id="header"><div class="today">Šodien: 25.11.2026. | Vārda dienas: Kate, Katrīna</div></div>
<div id="content">
  <h1 class="news-title">{title}</h1>
  <div class="news-text">
{body}
  <p>Vairāk <a href="index.php?id=150&amp;lid={lid - 1}">šeit</a>.</p>{attached}
  </div>
  <div class="news-footer">
    <div class="news-author">{DEPARTMENTS[lid % len(DEPARTMENTS)]}</div>
    {date_div}
    <a class="print" href="index.php?id=150&amp;lid={lid}&amp;print=1">Drukāt</a>
  </div>
</div>
</body></html>
"""


def listing_html(lids: list[int], page: int, last_page: int) -> str:
    """One page of the "ZIŅAS" listing, newest first, with a pager."""
    items = "\n".join(
        f'<div class="news-item"><h2><a href="index.php?id=150&amp;gid=1&amp;lid={lid}">'
        f"Ziņa {lid}</a></h2></div>"
        for lid in lids
    )
    pager = (
        f'<div class="pager"><a href="index.php?id=150&amp;page={page + 1}">Nākamā »</a></div>'
        if page < last_page
        else ""
    )
    return f'<html><body><div id="content"><h1>ZIŅAS</h1>\n{items}\n{pager}</div></body></html>\n'


def write_site(root: Path, articles: int, *, undated_from: int | None = None) -> list[int]:
    """Write a site of `articles` articles under `root`; returns their lids, newest first.

    Articles numbered `undated_from` and up carry no date (a "redesigned" site).
    """
    root.mkdir(parents=True, exist_ok=True)
    lids = list(range(FIRST_LID + articles - 1, FIRST_LID - 1, -1))
    pages = [lids[i : i + PER_PAGE] for i in range(0, len(lids), PER_PAGE)]
    routes = [
        'hosts = ["www.kekava.lv", "kekava.lv", "arhivs.kekava.lv"]',
        'ignore_params = ["gid", "utm_source", "print"]',
        '[[route]]\npath = "/robots.txt"\nfile = "robots.txt"\ncontent_type = "text/plain"',
        '[[route]]\npath = "/pub/index.php"\nfile = "news-1.html"',
    ]
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /pub/admin/\n", encoding="utf-8")
    for number, page_lids in enumerate(pages, 1):
        (root / f"news-{number}.html").write_text(
            listing_html(page_lids, number, len(pages)), encoding="utf-8"
        )
        routes.append(
            f'[[route]]\npath = "/pub/index.php?id=150&page={number}"\nfile = "news-{number}.html"'
        )
    for lid in lids:
        dated = undated_from is None or lid < undated_from
        (root / f"lid-{lid}.html").write_text(article_html(lid, dated=dated), encoding="utf-8")
        routes.append(
            f'[[route]]\npath = "/pub/index.php?id=150&lid={lid}"\nfile = "lid-{lid}.html"'
        )
        if has_attachment(lid):
            (root / f"lemums-{lid}.pdf").write_bytes(pdf(attachment_lines(lid)))
            routes.append(
                f'[[route]]\npath = "/upload/lemums-{lid}.pdf"\nfile = "lemums-{lid}.pdf"\n'
                'content_type = "application/pdf"'
            )
    (root / "site.toml").write_text("\n\n".join(routes) + "\n", encoding="utf-8")
    return lids
