"""Parsing small hand-written pages: text rules, boilerplate, dates, departments, links."""

from __future__ import annotations

import datetime as dt

import pytest

from archiver import extract
from archiver.models import Article, Link
from archiver.parse import parse_html

PARAGRAPH = (
    "Ķekavas novada dome 2021. gada 25. novembra sēdē apstiprināja budžeta grozījumus,"
    " kas paredz papildu finansējumu ceļu remontiem un skolu ēku siltināšanai. "
)


def generic_page(body: str, head: str = "", before: str = "") -> str:
    return (
        f"<html><head><title>Jaunumi | Novads</title>{head}</head><body>"
        '<header class="site-header"><div class="date">Šodien: 25.11.2026.</div>'
        "<nav><a href='/'>Sākums</a><a href='/jaunumi'>Jaunumi</a></nav></header>"
        f"{before}<main><article><h1>Budžeta grozījumi apstiprināti</h1>{body}</article></main>"
        "<footer>© Novada pašvaldība, tālr. 67935800</footer></body></html>"
    )


def test_extract_is_the_public_api_returning_an_article() -> None:
    article = extract(generic_page(f"<p>{PARAGRAPH * 4}</p>"), "https://example.lv/zinas/1")
    assert isinstance(article, Article)
    assert article.title == "Budžeta grozījumi apstiprināti"
    assert article.body == (PARAGRAPH * 4).strip()


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html", "<<<>>>", "\x00\x01\x02", "<html><body></body></html>", "<p>" * 5000],
    ids=["empty", "blank", "unclosed", "brackets", "binary", "no-body", "deep-nesting"],
)
def test_bad_html_never_raises(html: str) -> None:
    result = parse_html(html, "https://example.lv/x")
    assert result.is_article is False
    assert result.warnings


def test_extract_accepts_bytes_in_windows_1257() -> None:
    html = generic_page(f"<p>{PARAGRAPH * 4}</p>").encode("cp1257")
    assert extract(html, "https://example.lv/a").title == "Budžeta grozījumi apstiprināti"


def test_lines_follow_blocks_and_br_with_nbsp_spacers_dropped() -> None:
    body = (
        f"<p>{PARAGRAPH}</p><p>&nbsp;</p><p>Pirmā  rinda<br>otrā\n rinda</p>"
        "<ul><li>viens</li><li>divi</li></ul><h3>Apakšvirsraksts</h3><p>projekta &nbsp;ārvalstu</p>"
    )
    lines = extract(generic_page(body), "https://example.lv/a").body.split("\n")
    assert lines == [
        PARAGRAPH.strip(),
        "Pirmā rinda",
        "otrā rinda",
        "viens",
        "divi",
        "Apakšvirsraksts",
        "projekta \u00a0ārvalstu",
    ]


def test_header_date_is_not_the_publication_date() -> None:
    body = f"<p>{PARAGRAPH * 3}</p><p>Administratīvā pārvalde</p><p>04.10.2019.</p>"
    article = extract(generic_page(body), "https://example.lv/a")
    assert article.published == dt.date(2019, 10, 4)
    assert "04.10.2019." not in article.body


def test_meta_published_time_wins_over_text_dates() -> None:
    head = '<meta property="article:published_time" content="2024-12-16T09:15:00+02:00">'
    article = extract(generic_page(f"<p>{PARAGRAPH * 3}</p>", head=head), "https://example.lv/a")
    assert article.published == dt.date(2024, 12, 16)


def test_signing_office_on_the_last_line_is_the_department() -> None:
    body = f"<p>{PARAGRAPH * 3}</p><p>Attīstības un būvniecības pārvalde</p>"
    article = extract(generic_page(body), "https://example.lv/a")
    assert article.department == "Attīstības un būvniecības pārvalde"
    assert not article.body.endswith("pārvalde")


def test_links_are_absolute_with_attachments_told_apart() -> None:
    body = (
        f"<p>{PARAGRAPH * 3} Vairāk <a href='/docs/lemums.PDF'>šeit</a>,"
        " <a href='zinas/2?x=1&amp;y=2'>ŠEIT</a>, <a href='mailto:dome@kekava.lv'>e-pasts</a>,"
        " <a href='#top'>augšā</a>, <a href='/docs/lemums.PDF'>atkārtots</a>.</p>"
        "<p><a href='javascript:window.print()'>Drukāt</a></p>"
    )
    article = extract(generic_page(body), "https://example.lv/jaunumi/1")
    assert article.links == (
        Link(url="https://example.lv/docs/lemums.PDF", text="šeit", kind="attachment"),
        Link(url="https://example.lv/jaunumi/zinas/2?x=1&y=2", text="ŠEIT", kind="page"),
    )
    assert "Drukāt" not in article.body


def test_cookie_banner_and_share_buttons_stay_out_of_the_body() -> None:
    before = '<div class="cookie-notice">Šī mājaslapa izmanto sīkdatnes. Piekrītu</div>'
    body = f"<p>{PARAGRAPH * 3}</p><div class='share-buttons'><a href='https://fb.com'>Dalīties</a></div>"
    article = extract(generic_page(body, before=before), "https://example.lv/a")
    assert "sīkdatnes" not in article.body and "Dalīties" not in article.body


def test_short_page_without_date_is_not_an_article() -> None:
    result = parse_html(
        generic_page("<ul><li>Saistošie noteikumi Nr. 1</li></ul>"), "https://x.lv/"
    )
    assert not result.is_article
