"""Generated old-CMS news sites for the benchmarks: article pages, listings, route tables.

Pages follow the template of Ķekava's old CMS (`/pub/index.php?id=150&lid=N`:
`h1.news-title`, `.news-text`, a `.news-footer` with the signing office and
the date), so on the Ķekava hosts the site profile parses them, and on any
other host the generic extractor does. Everything is a pure function of the
host and the article number: the same arguments give the same bytes, so
nothing generated is committed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

# Words of municipal news, for titles and paragraphs.
VOCABULARY = [
    "pašvaldība",
    "novads",
    "dome",
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
    "pagasts",
    "pārvalde",
    "saraksts",
    "pasākums",
    "svētki",
    "jaunieši",
    "seniori",
    "nodoklis",
    "budžets",
    "deputāti",
    "komiteja",
]
OFFICES = (
    "Administratīvā pārvalde",
    "Attīstības un būvniecības pārvalde",
    "Izglītības, kultūras un sporta pārvalde",
    "Sabiedrības informēšanas un mārketinga nodaļa",
    "Komunālā pārvalde",
)
FIRST_LID = 100_000
PER_LISTING = 20
ARTICLE_PATH = "/pub/index.php?id=150&lid={lid}"
LISTING_PATH = "/pub/index.php?id=150&page={page}"


def article_url(host: str, lid: int) -> str:
    """The URL of article `lid` on `host`."""
    return f"https://{host}" + ARTICLE_PATH.format(lid=lid)


def lids(articles: int) -> list[int]:
    """Article numbers of a site with `articles` articles, newest first."""
    return list(range(FIRST_LID + articles - 1, FIRST_LID - 1, -1))


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words)).capitalize()


def article_html(host: str, lid: int) -> str:
    """One article page: a title, 2-6 paragraphs, a link, the office and the date."""
    rng = random.Random(f"{host}/{lid}")
    title = f"{_sentence(rng, rng.randint(4, 9))} ({lid})"
    paragraphs = "\n".join(
        f"    <p>{_sentence(rng, rng.randint(25, 70))}.</p>" for _ in range(rng.randint(2, 6))
    )
    published = dt.date(2009, 1, 1) + dt.timedelta(days=(lid - FIRST_LID) // 3)
    office = OFFICES[rng.randrange(len(OFFICES))]
    return f"""<!DOCTYPE html>
<html lang="lv"><head><meta charset="utf-8">
<title>Novada pašvaldība - {title}</title></head>
<body>
<div id="header"><div class="today">Šodien: 25.11.2026. | Vārda dienas: Kate</div>
  <ul class="menu"><li><a href="/pub/">Sākums</a></li>
  <li><a href="/pub/index.php?id=150">Ziņas</a></li>
  <li><a href="/pub/index.php?id=690">Saistošie noteikumi</a></li></ul></div>
<div id="content">
  <h1 class="news-title">{title}</h1>
  <div class="news-text">
{paragraphs}
    <p>Vairāk <a href="index.php?id=150&amp;lid={lid - 1}">iepriekšējā ziņā</a>.</p>
  </div>
  <div class="news-footer">
    <div class="news-author">{office}</div>
    <div class="news-date">{published:%d.%m.%Y}.</div>
    <a class="print" href="index.php?id=150&amp;lid={lid}&amp;print=1">Drukāt</a>
  </div>
</div>
<div id="footer">© Novada pašvaldība</div>
</body></html>
"""


def listing_html(page_lids: Sequence[int], page: int, last_page: int) -> str:
    """Listing page `page` of "ZIŅAS": links to `page_lids`, newest first, and a pager."""
    items = "\n".join(
        f'<div class="news-item"><h2><a href="index.php?id=150&amp;lid={lid}">'
        f"Ziņa {lid}</a></h2></div>"
        for lid in page_lids
    )
    pager = (
        f'<div class="pager"><a href="index.php?id=150&amp;page={page + 1}">Nākamā »</a></div>'
        if page < last_page
        else ""
    )
    return f'<html><body><div id="content"><h1>ZIŅAS</h1>\n{items}\n{pager}</div></body></html>\n'


def listing_pages(articles: int) -> list[list[int]]:
    """The lids on each listing page, page 1 first."""
    numbers = lids(articles)
    return [numbers[i : i + PER_LISTING] for i in range(0, len(numbers), PER_LISTING)]


def write_site(root: Path, hosts: Sequence[str], articles: int) -> None:
    """Write a fixture site (`site.toml` and files) of `articles` articles on each host.

    Each host gets its own route set (`hosts = [...]` on every route) and its
    own texts.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /pub/admin/\n", encoding="utf-8")
    lines = [
        "hosts = [" + ", ".join(f'"{host}"' for host in hosts) + "]",
        'ignore_params = ["gid", "print"]',
        '[[route]]\npath = "/robots.txt"\nfile = "robots.txt"\ncontent_type = "text/plain"',
    ]
    pages = listing_pages(articles)
    for number, host in enumerate(hosts):
        folder = root / f"h{number}"
        folder.mkdir(exist_ok=True)
        only = f'hosts = ["{host}"]'
        lines.append(f'[[route]]\npath = "/pub/index.php"\nfile = "h{number}/news-1.html"\n{only}')
        for page, page_lids in enumerate(pages, 1):
            name = f"h{number}/news-{page}.html"
            (root / name).write_text(listing_html(page_lids, page, len(pages)), encoding="utf-8")
            path = LISTING_PATH.format(page=page)
            lines.append(f'[[route]]\npath = "{path}"\nfile = "{name}"\n{only}')
        for lid in lids(articles):
            name = f"h{number}/lid-{lid}.html"
            (root / name).write_text(article_html(host, lid), encoding="utf-8")
            path = ARTICLE_PATH.format(lid=lid)
            lines.append(f'[[route]]\npath = "{path}"\nfile = "{name}"\n{only}')
    (root / "site.toml").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def crawl_urls(host: str, articles: int) -> list[str]:
    """What a full crawl of `host` fetches, in its order: robots.txt, then each listing page
    followed by its articles."""
    found = [f"https://{host}/robots.txt"]
    for page, page_lids in enumerate(listing_pages(articles), 1):
        found.append(f"https://{host}" + ("/pub/" if page == 1 else LISTING_PATH.format(page=page)))
        found += [article_url(host, lid) for lid in page_lids]
    return found


def old_cms_articles(count: int, *, hosts: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(URL, HTML) of `count` articles spread round-robin over `hosts`."""
    for index in range(count):
        host = hosts[index % len(hosts)]
        lid = FIRST_LID + index // len(hosts)
        yield article_url(host, lid), article_html(host, lid)
