"""The state unified platform and Joomla: listing discovery, profiles, a crawl of both."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

from archiver import discover
from archiver.fixture_site import FixtureSite
from archiver.models import Page, Source
from archiver.parse import parse_html
from archiver.sources import find_profile
from archiver.sources.state_platform import SIGNATURE
from archiver.store import Store
from conftest import FIXTURES, crawl_once, expected_pages

BAUSKA = "https://www.bauskasnovads.lv"
LUBANA = "https://www.lubana.lv"


def listing_page(url: str, folder: str, name: str) -> Page:
    body = (FIXTURES / folder / name).read_bytes()
    return Page(
        url=url,
        final_url=url,
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=body,
        text=body.decode("utf-8"),
        encoding="utf-8",
        fetched_at=dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC),
    )


def shipped(sources: tuple[Source, ...], name: str) -> Source:
    return next(s for s in sources if s.name == name)


@pytest.mark.parametrize(
    ("url", "name", "articles", "next_url"),
    [
        (
            f"{BAUSKA}/lv/jaunumi",
            "jaunumi-1.html",
            [
                f"{BAUSKA}/lv/jaunums/sakas-pieteiksanas-skolenu-vasaras-nodarbinatibai",
                "https://bauskasnovads.lv/lv/jaunums/memeles-krastmalas-labiekartosana-sakta"
                "?utm_source=facebook&utm_medium=social",
                f"{BAUSKA}/lv/jaunums/bauskas-pils-muzeja-atklata-izstade-par-hercoga-laiku",
            ],
            f"{BAUSKA}/lv/jaunumi?page=1",
        ),
        (
            f"{BAUSKA}/lv/jaunumi?page=1",
            "jaunumi-2.html",
            [
                f"{BAUSKA}/lv/jaunums/apstiprinats-bauskas-novada-budzets-2026-gadam",
                f"{BAUSKA}/lv/jaunums/iecava-atverta-publiska-slidotava",
            ],
            f"{BAUSKA}/lv/jaunumi?page=2",
        ),
        (
            f"{BAUSKA}/lv/jaunumi?page=2",
            "jaunumi-3.html",
            [f"{BAUSKA}/lv/jaunums/rundales-pagasta-biblioteka-parcelas-uz-jaunam-telpam"],
            None,
        ),
    ],
    ids=["first", "page-1-is-the-second", "last"],
)
def test_state_platform_listing_pages_by_zero_based_page_parameter(
    sources: tuple[Source, ...], url: str, name: str, articles: list[str], next_url: str | None
) -> None:
    listing = discover.listing_links(
        listing_page(url, "state-platform", name), shipped(sources, "bauska")
    )
    assert list(listing.article_urls) == articles
    assert listing.next_url == next_url


@pytest.mark.parametrize(
    ("url", "name", "articles", "next_url"),
    [
        (
            f"{LUBANA}/jaunumi",
            "jaunumi-start-0.html",
            [
                f"{LUBANA}/jaunumi/1301-aicina-pieteikties-lubana-ezera-krastu-talkai",
                f"{LUBANA}/jaunumi/1296-lubanas-pilsetas-svetku-programma",
            ],
            f"{LUBANA}/jaunumi?start=10",
        ),
        (
            f"{LUBANA}/jaunumi?start=10",
            "jaunumi-start-10.html",
            [
                "http://lubana.lv/jaunumi/1288-jaunie-uznemeji-var-pieteikties-grantam",
                f"{LUBANA}/jaunumi/1279-parbuvets-ezera-ielas-posms-lubana",
            ],
            f"{LUBANA}/jaunumi?start=20",
        ),
        (
            f"{LUBANA}/jaunumi?start=20",
            "jaunumi-start-20.html",
            [
                f"{LUBANA}/jaunumi/1272-socialais-dienests-svetku-dienas",
                f"{LUBANA}/index.php?option=com_content&view=article"
                "&id=1266:lubanas-novadpetniecibas-ekspozicija-izstade-par-meiraniem"
                "&catid=8&Itemid=101",
            ],
            None,
        ),
    ],
    ids=["start-0", "start-10", "start-20-last"],
)
def test_joomla_listing_pages_follow_start_by_the_pager_word(
    sources: tuple[Source, ...], url: str, name: str, articles: list[str], next_url: str | None
) -> None:
    listing = discover.listing_links(listing_page(url, "joomla", name), shipped(sources, "lubana"))
    assert list(listing.article_urls) == articles
    assert listing.next_url == next_url


PAGER = """<html><body><div class="blog"><div itemprop="blogPost"><h2>
<a href="/jaunumi/1-a">A</a></h2></div></div><div class="pagination">{links}</div></body></html>"""


@pytest.mark.parametrize(
    ("links", "next_url"),
    [
        ('<a href="/jaunumi?start=0">Iepriekšējā</a> <a href="/jaunumi?start=20">Nākamā</a>', 20),
        ('<a href="/jaunumi?start=0">Atpakaļ</a> <a href="/jaunumi?start=20">Nākošā</a>', 20),
        ('<a href="/jaunumi?start=0">« Sākums</a> <a href="/jaunumi?start=20">Tālāk »</a>', 20),
        ('<a href="/jaunumi?start=0">‹</a> <a href="/jaunumi?start=20">›</a>', 20),
        ('<a href="/jaunumi?start=0">«</a> <a href="/jaunumi?start=20">»</a>', 20),
        ('<a href="/jaunumi?start=0">‹ Iepriekšējā</a>', None),
        ('<a href="/jaunumi?start=0">Sākums</a> <a href="/jaunumi?start=0">1</a>', None),
    ],
    ids=["nakama", "nakosa", "talak", "single-angle", "double-angle", "only-back", "numbers"],
)
def test_pager_words_find_the_next_start_page_and_never_the_previous(
    sources: tuple[Source, ...], links: str, next_url: int | None
) -> None:
    html = PAGER.format(links=links).encode()
    url = f"{LUBANA}/jaunumi?start=10"
    page = listing_page(url, "joomla", "jaunumi-start-0.html")
    page = dataclasses.replace(page, body=html, text=html.decode())
    listing = discover.listing_links(page, shipped(sources, "lubana"))
    assert listing.next_url == (None if next_url is None else f"{LUBANA}/jaunumi?start={next_url}")


@pytest.mark.parametrize(
    ("url", "profile"),
    [
        ("https://www.riga.lv/lv/jaunums/rigas-svetki", "state-platform"),
        ("https://jurmala.lv/lv/jaunums/pludmales-sezona", "state-platform"),
        ("https://www.tukums.lv/lv/jaunums/tukuma-pils", "state-platform"),
        ("https://www.smiltenesnovads.lv/lv/jaunums/x", "state-platform"),
        ("https://www.bauskasnovads.lv/lv/jaunumi?page=1", None),  # a listing: generic
        ("https://www.lubana.lv/jaunumi/1301-aicina", "joomla"),
        ("https://lubana.lv/index.php?option=com_content&view=article&id=1266", "joomla"),
        ("https://www.kekava.lv/pub/index.php?id=150&lid=13828", "kekava-old-cms"),
    ],
)
def test_profiles_match_the_real_hosts_of_their_family(url: str, profile: str | None) -> None:
    found = find_profile(url)
    assert (found.name if found else None) == profile


@pytest.mark.parametrize(
    ("line", "department"),
    [
        (
            "Informāciju sagatavoja: Rīgas valstspilsētas pašvaldības Kultūras pārvalde"
            " sabiedrisko attiecību speciāliste Anna Bērziņa, tālr: 67105800",
            "Rīgas valstspilsētas pašvaldības Kultūras pārvalde",
        ),
        (
            "Informāciju sagatavoja: Jūrmalas valstspilsētas administrācijas Sabiedrisko"
            " attiecību nodaļa, vecākā referente Ilze Priede, tālr: 67093816",
            "Jūrmalas valstspilsētas administrācijas Sabiedrisko attiecību nodaļa",
        ),
        (
            "Informāciju sagatavoja: Preiļu novada Izglītības pārvalde",
            "Preiļu novada Izglītības pārvalde",
        ),
        # A role in the genitive ("nodaļas vadītāja") is not an office.
        ("Informāciju sagatavoja: nodaļas vadītāja Ieva Zariņa, tālr: 64107251", None),
        ("Informāciju sagatavoja: Daiga Liepa, tālr: 63960517", None),
    ],
    ids=["riga-no-comma", "comma", "office-only", "genitive-role", "person-only"],
)
def test_signature_names_the_office_or_nothing(line: str, department: str | None) -> None:
    found = re.fullmatch(SIGNATURE, line)
    assert found is not None
    assert found.group("department") == department


def test_signature_line_leaves_the_body_of_every_platform_page() -> None:
    for path in expected_pages():
        if path.parent.name != "state-platform":
            continue
        expected = json.loads(path.read_text(encoding="utf-8"))
        html = path.with_name(path.name.replace(".expected.json", ".html")).read_text("utf-8")
        article = parse_html(html, expected["url"]).article
        assert "Informāciju sagatavoja" not in article.body, path.name
        assert "Šī mājaslapa izmanto" not in article.body and "25.11.2026" not in article.body


def test_crawl_of_both_families_archives_their_fixture_articles_once(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    families = (shipped(sources, "bauska"), shipped(sources, "lubana"))
    report = crawl_once(site, store, families)
    assert report.failures == 0
    wanted = {
        str(json.loads(p.read_text(encoding="utf-8"))["canonical_url"])
        for p in expected_pages()
        if p.parent.name in ("state-platform", "joomla")
    }
    assert {a.canonical_url for a in store.iter_articles()} == wanted
    assert [r.listing_pages for r in report.sources] == [3, 3]
    listings = {r.path for r in site.log if "jaunumi" in r.path and "/jaunumi/" not in r.path}
    assert listings == {
        "/lv/jaunumi",
        "/lv/jaunumi?page=1",
        "/lv/jaunumi?page=2",
        "/jaunumi",
        "/jaunumi?start=10",
        "/jaunumi?start=20",
    }


def test_the_platform_feed_finds_an_article_its_listing_no_longer_shows(
    site: FixtureSite, store: Store, sources: tuple[Source, ...]
) -> None:
    bauska = shipped(sources, "bauska")
    assert bauska.feeds == (f"{BAUSKA}/lv/rss/articles",)
    newest = "/lv/jaunums/sakas-pieteiksanas-skolenu-vasaras-nodarbinatibai"
    page = site.table.find("/lv/jaunumi", "www.bauskasnovads.lv")
    assert page is not None and newest.encode() in page.body
    # A listing that has lost its newest teaser (a cache, an editor's slip).
    teasers = re.sub(
        rb'<h3 class="news-teaser__title"><a href="' + re.escape(newest.encode()) + rb'">.*?</h3>',
        b"",
        page.body.replace(f'href="{newest}"'.encode(), b'href="#"'),
        flags=re.S,
    )
    site.set("/lv/jaunumi", dataclasses.replace(page, body=teasers))
    report = crawl_once(site, store, (bauska,))
    assert report.failures == 0
    assert store.get_article(f"https://bauskasnovads.lv{newest}") is not None
    assert [r.path for r in site.log if r.path == "/lv/rss/articles"] == ["/lv/rss/articles"]
