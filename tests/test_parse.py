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
        "projekta ārvalstu",
    ]


def test_generic_body_reads_no_break_and_typographic_spaces_as_plain_spaces() -> None:
    # A search for "10 km" or "Nr. 5" should find what the page typed with
    # a no-break space; site profiles keep them (the fixture goldens do).
    body = (
        f"<p>{PARAGRAPH}</p>"
        "<p>Nr.&nbsp;5: 20,&nbsp; km 10\u202fkm, A\u2009B\u2003C, D\u3000E</p>"
        f"<p>{PARAGRAPH}</p>"
    )
    lines = extract(generic_page(body), "https://example.lv/a").body.split("\n")
    assert lines[1] == "Nr. 5: 20, km 10 km, A B C, D E"


def test_generic_body_reads_every_unicode_space_as_a_plain_space() -> None:
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in " \t\n\r\f\v"]
    words = [f"w{number}" for number in range(len(spaces) + 1)]
    line = words[0] + "".join(space + word for space, word in zip(spaces, words[1:], strict=True))
    body = f"<p>{PARAGRAPH}</p><p>Ā {line}</p><p>{PARAGRAPH}</p>"
    lines = extract(generic_page(body), "https://example.lv/a").body.split("\n")
    assert lines[1] == "Ā " + " ".join(words)


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


# The generic extractor's heuristics, one hand-written page each.

LONG = (
    "The council approved the new budget for road repairs and school insulation after a"
    " long debate, and work on the first streets starts in spring. "
)


def plain_page(article: str, extra: str = "", head: str = "") -> str:
    return (
        f"<html><head><title>Budget approved | Town</title>{head}</head><body>"
        f"<div class='wrap'><h1>Budget approved</h1>{article}</div>{extra}</body></html>"
    )


def test_comment_thread_longer_than_the_article_does_not_win_the_container() -> None:
    comments = "".join(f"<li><p>{LONG} Reply number {i}.</p></li>" for i in range(4))
    html = plain_page(
        f"<div class='text'><p>{LONG * 2}</p></div>",
        extra=(f"<ol class='commentlist'>{comments}</ol>"),
    )
    article = extract(html)
    assert article.body == (LONG * 2).strip()


def test_reply_longer_than_the_post_does_not_win_the_container() -> None:
    # Forums and reddit-like pages: one reply outweighs the short post.
    reply = f"<div class='comment'><div class='comment-body'><p>{LONG * 4}</p></div></div>"
    html = plain_page(
        f"<div class='post'><p>{LONG}</p><p>Short post, second paragraph here.</p></div>",
        extra=f"<div class='comments-area'>{reply}</div>",
    )
    assert extract(html).body == f"{LONG.strip()}\nShort post, second paragraph here."


def test_live_blog_whose_entries_are_named_comments_is_read_whole() -> None:
    # Live blogs and match reports name each entry "comment": when no text
    # of the page stands outside them, the thread is the article.
    entries = [f"Minute {minute}. {LONG * 2}".strip() for minute in range(1, 6)]
    html = plain_page(
        "<div class='live-comments'>"
        + "".join(
            f"<div class='live-comment'><div class='live-comment-time'>{n}'</div>"
            f"<div class='live-comment-body'><p>{entry}</p></div></div>"
            for n, entry in enumerate(entries, start=1)
        )
        + "</div>"
    )
    body = extract(html).body.split("\n")
    assert [line for line in body if line.startswith("Minute")] == entries


def test_boilerplate_word_inside_a_name_part_is_not_boilerplate() -> None:
    # "APageRoot" holds "pager" but is no pager.
    html = plain_page(f"<div class='APageRoot'><p>{LONG * 3}</p></div>")
    assert extract(html).body == (LONG * 3).strip()


def test_wrapper_named_like_a_sidebar_keeps_the_article() -> None:
    html = plain_page(
        f"<div class='l-sidebar-fixed l-article-body'><div class='c-entry'><p>{LONG * 3}</p>"
        "<div class='social-share'><a href='#'>Share on Facebook</a></div></div></div>"
    )
    assert extract(html).body == (LONG * 3).strip()


def test_container_with_the_most_paragraph_text_and_least_link_text_wins() -> None:
    menu = "".join(
        f"<p><a href='/n{i}'>Another news headline number {i}</a></p>" for i in range(30)
    )
    html = plain_page(f"<div class='story'><p>{LONG}</p><p>{LONG}Again.</p></div>", extra=menu)
    assert extract(html).body == f"{LONG}\n{LONG}Again.".replace(" \n", "\n")


def test_article_split_over_sibling_blocks_is_read_whole() -> None:
    # Page builders put each section of the text in its own block.
    blocks = "".join(
        f"<div class='block'><h2>Part {i}</h2><div class='txt'><p>{LONG}Part {i}.</p>"
        f"<p>{LONG}Part {i} again.</p></div></div>"
        for i in range(3)
    )
    html = plain_page(f"<div class='sections'>{blocks}</div>", extra=f"<div><p>{LONG}</p></div>")
    body = extract(html).body
    assert all(f"Part {i}." in body and f"Part {i} again." in body for i in range(3))


def test_product_box_inside_the_article_does_not_lose_it_to_a_teaser() -> None:
    # Review articles whose affiliate product boxes hold far more text than
    # the paragraphs: the article still wins over a short teaser elsewhere.
    products = "".join(
        f"<div class='product'><ul><li>Feature {i} of the jacket, described at length"
        " with its price and rating.</li></ul></div>"
        for i in range(40)
    )
    html = plain_page(
        f"<div class='content'><p>{LONG}</p><p>{LONG}Again.</p>{products}</div>",
        extra=f"<div class='teaser'><div class='excerpt'><p>{LONG[:100]}</p></div></div>",
    )
    body = extract(html).body
    assert body.startswith(LONG.strip()) and "Feature 39" in body


def test_of_two_equal_candidates_the_first_is_the_container_on_every_run() -> None:
    # Ties are broken by document order, never by where the parser put the
    # elements in memory (which changes from run to run).
    menu = "".join(f"<li><a href='/{n}'>Another page of the town site</a></li>" for n in range(60))
    first, second = (f"{name} {LONG * 4}".strip() for name in ("First.", "Other."))
    html = plain_page(
        f"<div class='one'><p>{first}</p></div><ul>{menu}</ul>"
        f"<div class='two'><p>{second}</p></div>"
    )
    assert {extract(html).body for _ in range(5)} == {first}


def test_slides_of_one_paragraph_each_outweigh_a_longer_lone_paragraph() -> None:
    # Slideshow pages: each slide a box of its own with a photo and one
    # paragraph, no box holding more than one; the site's contact box below
    # holds one longer paragraph.
    slides = [f"Slide {number}. {LONG}".strip() for number in range(5)]
    html = plain_page(
        "<div class='slides'>"
        + "".join(f"<section><div class='photo'></div><p>{slide}</p></section>" for slide in slides)
        + "</div>",
        extra=f"<div class='contact'><p>Write to the town hall. {LONG}{LONG[:60]}</p>"
        f"<ul>{'<li><a href=/x>Another page of the town site</a></li>' * 30}</ul></div>",
    )
    assert extract(html).body.split("\n") == slides


def test_text_split_by_br_without_paragraphs_is_found() -> None:
    html = plain_page(f"<div class='txt'>{LONG}<br><br>{LONG}Again.</div><div>Menu</div>")
    assert extract(html).body == f"{LONG}\n{LONG}Again.".replace(" \n", "\n")


def test_text_split_by_br_beats_paragraphs_in_an_about_box() -> None:
    # Sites whose articles are <br>-separated text in a div, while the only
    # <p>s on the page are an "about us" box further down.
    about = "".join(f"<p>About the site, part {i}: {LONG}</p>" for i in range(8))
    text = "<br><br>".join(f"{LONG}Line {i}." for i in range(14))
    html = plain_page(
        f"<div class='content'>{text}</div>", extra=f"<div class='sidebar'>{about}</div>"
    )
    body = extract(html).body
    assert "Line 13." in body and "About the site" not in body


def test_paragraphs_written_as_divs_of_spans_are_paragraphs() -> None:
    # Blog editors that write every paragraph as <div><span>...</span></div>.
    text = "".join(f"<div><span><span>{LONG}Line {i}.</span></span></div>" for i in range(5))
    html = plain_page(
        f"<div class='post'>{text}</div>", extra="<div class='copy'>Made with love by a theme</div>"
    )
    body = extract(html).body
    assert "Line 0." in body and "Line 4." in body and "Made with" not in body


def test_hidden_elements_galleries_and_captions_stay_out() -> None:
    html = plain_page(
        f"<div class='story'><p>{LONG * 2}</p>"
        "<div class='gallery'><span>Image 1 of 9</span></div>"
        "<div style='display: none'>Hidden teaser text that nobody sees on the page</div>"
        "<figure><img src='a.jpg'><figcaption>A long row of unsold cars</figcaption></figure>"
        f"<p>{LONG}</p></div>"
    )
    assert extract(html).body == f"{(LONG * 2).strip()}\n{LONG.strip()}"


def test_a_dialog_hidden_by_its_class_does_not_win_the_container() -> None:
    # A closed "send us a photo" dialog holding more text than the recipe.
    dialog = f"<div class='dialog hide'><p>{LONG * 3}</p></div>"
    html = plain_page(f"<div class='story'><p>{LONG}</p><p>{LONG}Again.</p></div>", extra=dialog)
    assert extract(html).body == f"{LONG.strip()}\n{LONG}Again.".replace(" \n", "\n")


def test_photo_copyright_lines_stay_out() -> None:
    # Photo credits named for the copyright rather than as captions.
    html = plain_page(
        f"<div class='story'><p>{LONG * 2}</p>"
        "<div class='photo'><img src='a.jpg'><p class='image-copyright'>Town press office</p>"
        f"</div><p>{LONG}</p><em class='copyright'>Photo: J. Berzins</em></div>"
    )
    assert extract(html).body == f"{(LONG * 2).strip()}\n{LONG.strip()}"


@pytest.mark.parametrize(
    "credit",
    ["Quelle: Landesregierung", "Foto: J. Bērziņš", "(Photo: AFP)", "Crédits photos : Bestimage"],
)
def test_photo_and_source_credit_lines_are_dropped(credit: str) -> None:
    html = plain_page(f"<div class='story'><p>{LONG * 2}</p><p><em>{credit}</em></p></div>")
    assert extract(html).body == (LONG * 2).strip()


@pytest.mark.parametrize(
    "footer",
    [
        "This entry was posted in News and tagged budget. Bookmark the permalink.",
        "Dieser Eintrag wurde veröffentlicht in Aktuelles von Anna. Permanenter Link.",
    ],
)
def test_blog_themes_post_footer_line_is_dropped(footer: str) -> None:
    html = plain_page(f"<div class='story'><p>{LONG * 2}</p><div>{footer}</div></div>")
    assert extract(html).body == (LONG * 2).strip()


def test_link_lists_and_control_lines_are_dropped() -> None:
    html = plain_page(
        f"<div class='story'><p>{LONG * 2}</p><p>Advertisement</p>"
        "<ul><li><a href='/a'>Read the other story about roads</a></li>"
        "<li><a href='/b'>And one about schools in town</a></li></ul></div>"
    )
    assert extract(html).body == (LONG * 2).strip()


@pytest.mark.parametrize(
    "label",
    [
        *("Lesen Sie auch", "Mehr zum Thema", "Schon gelesen?", "Inhaltsverzeichnis"),
        *("Lea también:", "Le puede interesar", "À lire aussi", "Table of contents"),
    ],
)
def test_teaser_and_contents_labels_in_other_languages_are_control_lines(label: str) -> None:
    html = plain_page(f"<div class='story'><p>{LONG * 2}</p><p>{label}</p><p>{LONG}</p></div>")
    assert extract(html).body == f"{(LONG * 2).strip()}\n{LONG.strip()}"


def test_a_label_ending_the_text_goes_but_a_sentence_ending_with_a_colon_stays() -> None:
    teasers = "".join(
        f"<li><a href='/{n}'>Another story about the town, {n}</a></li>" for n in range(5)
    )
    html = plain_page(
        f"<div class='story'><p>{LONG * 2}</p><p>The council lists the streets it will repair:</p>"
        f"<p>{LONG}</p><p><strong>You may find these interesting:</strong></p>"
        f"<ul>{teasers}</ul></div>"
    )
    assert extract(html).body.split("\n") == [
        (LONG * 2).strip(),
        "The council lists the streets it will repair:",
        LONG.strip(),
    ]
    sentence = "Of the streets named in the plan, the council will repair these ones first:"
    html = plain_page(
        f"<div class='story'><p>{LONG * 2}</p><p>{sentence}</p><ul>{teasers}</ul></div>"
    )
    assert extract(html).body.split("\n") == [(LONG * 2).strip(), sentence]


def test_table_row_is_one_line_and_short_cells_may_repeat() -> None:
    html = plain_page(
        f"<div class='story'><p>{LONG * 2}</p><table>"
        "<tr><td>1</td><td>Kyle</td><td>5</td></tr><tr><td>2</td><td>Martin</td><td>5</td></tr>"
        "</table></div>"
    )
    assert extract(html).body.split("\n")[1:] == ["1 Kyle 5", "2 Martin 5"]


def test_caption_repeated_under_every_photo_is_kept_once() -> None:
    caption = "<p>Festival performance, photo by the theatre press office</p>"
    html = plain_page(f"<div class='story'><p>{LONG * 2}</p>{caption * 3}</div>")
    assert extract(html).body.count("Festival performance") == 1


def test_lead_in_the_articles_own_header_is_kept() -> None:
    html = (
        "<html><body><header><div class='date'>Today: 25.11.2026.</div></header>"
        "<article><header><h1>Budget approved</h1><p class='lead'>The lead paragraph says"
        f" what happened in one sentence.</p></header><p>{LONG * 3}</p></article></body></html>"
    )
    article = extract(html)
    assert article.body.startswith("The lead paragraph")
    assert article.published is None


def test_lead_next_to_the_headline_above_the_container_is_kept() -> None:
    # News sites: the standfirst sits in an intro box beside the headline,
    # the text in a body block below; the photo credit there stays out.
    lead = "Roads and schools get most of the money as the council closes a long budget debate."
    parts = [f"Part {number}. {LONG * 2}".strip() for number in range(4)]
    html = (
        "<html><body><div class='page'><div class='head'><h1>Budget approved</h1>"
        "<span>25.11.2026</span></div><div class='intro'><p>{lead}</p>"
        "<div class='credit'>Photo: the town press office, who took it on the square"
        " outside the council building</div></div>"
        f"<div class='text'>{''.join(f'<p>{part}</p>' for part in parts)}</div></div>"
        "</body></html>"
    ).replace("{lead}", lead)
    assert extract(html).body.split("\n") == [lead, *parts]


def test_lead_in_an_article_header_titled_without_an_h1_is_kept() -> None:
    # News sites that give the article no <h1> (theirs is the logo or the
    # section's name, gone with the page chrome) title it in its own
    # <header> with an <h2>.
    lead = "Roads and schools get most of the money as the council closes a long budget debate."
    parts = [f"Part {number}. {LONG * 2}".strip() for number in range(4)]
    html = (
        "<html><head><title>Budget approved | Town</title></head><body><div class='page'><article>"
        f"<header><h2>Budget approved</h2><p class='subtitle'>{lead}</p></header>"
        "<div class='meta'>25.11.2026</div><div class='body'>"
        f"{''.join(f'<p>{part}</p>' for part in parts)}</div></article></div></body></html>"
    )
    assert extract(html).body.split("\n") == [lead, *parts]


def test_lead_in_its_own_page_builder_row_above_a_deep_container_is_kept() -> None:
    # Page builders: the headline in the article's header, the lead in a row
    # of its own, the text six blocks down in another row.
    lead = "Roads and schools get most of the money as the council closes a long budget debate."
    parts = [f"Part {number}. {LONG * 2}".strip() for number in range(4)]

    def row(inner: str) -> str:
        for name in ("text-inner", "text", "wrapper", "column", "row"):
            inner = f"<div class='{name}'>{inner}</div>"
        return inner

    html = (
        "<html><body><div class='page'><div class='header'><h1>Budget approved</h1>"
        "<span>25.11.2026</span></div>"
        f"{row(f'<p>{lead}</p>')}{row(''.join(f'<p>{part}</p>' for part in parts))}</div>"
        "</body></html>"
    )
    assert extract(html).body.split("\n") == [lead, *parts]


def test_article_split_over_text_modules_of_one_kind_is_read_whole() -> None:
    # CMS "text modules" and page builders: each section of the article in
    # a block of the same class, beside a box of other text that keeps the
    # container from growing to their parent; a short credit block of the
    # same kind stays out.
    first = [f"Part {number}. {LONG * 2}".strip() for number in range(4)]
    second = "The second module tells how the streets were chosen and when all of the work ends."
    facts = "".join(
        f"<li>Fact {number}: a number about the town budget this year</li>" for number in range(12)
    )

    def module(text: str) -> str:
        return f"<div class='module'><div class='inner'><div class='text'>{text}</div></div></div>"

    html = plain_page(
        f"<div class='page'>{module(''.join(f'<p>{part}</p>' for part in first))}"
        f"<ul class='facts'>{facts}</ul>{module(f'<p>{second}</p>')}"
        f"{module('<p>Photo: town press office</p>')}</div>"
    )
    assert extract(html).body.split("\n") == [*first, second]


def test_text_modules_of_one_kind_lose_the_headings_of_their_teaser_lists() -> None:
    first = [f"Part {number}. {LONG * 2}".strip() for number in range(4)]
    second = (
        "The second module tells how the streets were chosen and when all of the work will end."
    )
    facts = "".join(
        f"<li>Fact {number}: a number about the town budget this year</li>" for number in range(12)
    )
    teasers = "".join(
        f"<li><a href='/{n}'>Another story about the town, {n}</a></li>" for n in range(5)
    )

    def module(text: str) -> str:
        return f"<div class='module'><div class='inner'><div class='text'>{text}</div></div></div>"

    html = plain_page(
        f"<div class='page'>{module(''.join(f'<p>{part}</p>' for part in first))}"
        f"<ul class='facts'>{facts}</ul>"
        f"{module(f'<p>{second}</p><h3>Our other stories</h3><ul>{teasers}</ul>')}</div>"
    )
    assert extract(html).body.split("\n") == [*first, second]


def test_text_modules_five_blocks_above_the_container_are_read_too() -> None:
    # Page builders wrap each row of the article in a column, a box and an
    # inner wrapper, so its rows of one kind sit five blocks above the text.
    first = [f"Part {number}. {LONG * 2}".strip() for number in range(4)]
    second = "The second row tells how the streets were chosen and when all of the work will end."
    facts = "".join(
        f"<li>Fact {number}: a number about the town budget this year</li>" for number in range(12)
    )

    def row(text: str) -> str:
        return (
            "<div class='row'><div class='col'><div class='box'><div class='inner'>"
            f"<div class='text'>{text}</div></div></div></div></div>"
        )

    html = plain_page(
        f"<div class='page'>{row(''.join(f'<p>{part}</p>' for part in first))}"
        f"<ul class='facts'>{facts}</ul>{row(f'<p>{second}</p>')}</div>"
    )
    assert extract(html).body.split("\n") == [*first, second]


def test_text_modules_numbered_by_a_page_builder_are_one_kind() -> None:
    # "elementor-element-73c1", "cms-92188": the class of each row carries
    # its generated number; a column class ("col-md-8" beside the sidebar's
    # "col-md-4") is no such number.
    first = [f"Part {number}. {LONG * 2}".strip() for number in range(4)]
    second = "The second row tells how the streets were chosen and when all of the work will end."
    aside = "The sidebar column tells readers about other news of the town and its many events."
    facts = "".join(
        f"<li>Fact {number}: a number about the town budget this year</li>" for number in range(12)
    )
    html = plain_page(
        f"<div class='page'><div class='row cms-92188'><div class='col-md-8'>"
        f"{''.join(f'<p>{part}</p>' for part in first)}</div><div class='col-md-4'>"
        f"<p>{aside}</p></div></div><ul class='facts'>{facts}</ul>"
        f"<div class='row cms-306098'><p>{second}</p></div></div>"
    )
    assert extract(html).body.split("\n") == [*first, second]


def test_headings_of_dropped_teaser_lists_stay_out() -> None:
    # News and blog pages title the teaser lists after the article; once the
    # links are gone their heading, and the teasers' dates, are left alone.
    teasers = "".join(
        f"<div class='item'><a href='/{n}'>Another story about the town budget, part {n}</a>"
        f"</div><div class='when'>0{n}.06.2016</div>"
        for n in range(1, 4)
    )
    html = plain_page(
        f"<div class='story'><p>{LONG * 2}</p><h2>How the money is spent</h2><p>{LONG}</p>"
        "<h3>Our other stories</h3><ul><li><a href='/a'>Read the other story about roads</a>"
        "</li><li><a href='/b'>And one about schools in town</a></li></ul>"
        f"<h3>More from the town hall</h3><p>{LONG.upper()}</p><h3>Read also</h3>{teasers}</div>"
    )
    assert extract(html).body.split("\n") == [
        (LONG * 2).strip(),
        "How the money is spent",
        LONG.strip(),
        "More from the town hall",
        LONG.upper().strip(),
    ]


def test_a_label_over_a_dropped_link_list_goes_like_a_heading() -> None:
    teasers = "".join(
        f"<li><a href='/{n}'>Another story about the town, {n}</a></li>" for n in range(5)
    )
    html = plain_page(
        f"<div class='story'><p>{LONG * 2}</p><p><b>More from the town hall:</b></p>"
        f"<ul>{teasers}</ul><h2>How the money is spent</h2><p>{LONG}</p></div>"
    )
    assert extract(html).body.split("\n") == [
        (LONG * 2).strip(),
        "How the money is spent",
        LONG.strip(),
    ]


def test_article_text_only_in_json_ld_is_used_when_the_page_shows_none() -> None:
    head = (
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",'
        f' "articleBody": "{LONG * 3}"}}]}}</script>'
    )
    assert extract(plain_page("<div id='app'></div>", head=head)).body == (LONG * 3).strip()


@pytest.mark.parametrize(
    ("head", "article", "expected"),
    [
        (
            '<script type="application/ld+json">{"datePublished": "2020-04-07T10:00:00Z"}</script>',
            "",
            dt.date(2020, 4, 7),
        ),
        ('<meta name="DC.date.issued" content="2019-03-02">', "", dt.date(2019, 3, 2)),
        (
            '<link rel="canonical" href="https://blog.example/2013/12/09/antipodes/">',
            "",
            dt.date(2013, 12, 9),
        ),
        (
            '<meta property="og:url" content="https://n.example/w/fire-20200113">',
            "",
            dt.date(2020, 1, 13),
        ),
        ("", "<span class='post-date'>5. März 2021</span>", dt.date(2021, 3, 5)),
        ("", "<small>Donnerstag, 15.2.2018, 19:51</small>", dt.date(2018, 2, 15)),
    ],
    ids=["json-ld", "dublin-core", "canonical-path", "og-url-glued", "date-element", "dateline"],
)
def test_generic_publication_date_sources(head: str, article: str, expected: dt.date) -> None:
    html = plain_page(f"{article}<div class='story'><p>{LONG * 3}</p></div>", head=head)
    assert extract(html).published == expected


def test_event_date_in_running_text_after_the_headline_is_not_a_dateline() -> None:
    html = plain_page(
        f"<div class='story'><p>The fair opens on 4 October 2019. {LONG * 3}</p></div>"
    )
    assert extract(html).published is None


def lang_page(lang: str, head: str, article: str = "") -> str:
    return (
        f"<html lang='{lang}'><head><title>Budget approved | Town</title>{head}</head><body>"
        f"<div class='wrap'><h1>Budget approved</h1>{article}"
        f"<div class='story'><p>{LONG * 3}</p></div></div></body></html>"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("de", dt.date(2021, 11, 5)), ("lv-LV", dt.date(2021, 11, 5)), ("en", dt.date(2021, 11, 4))],
    ids=["german-page-in-cet", "latvian-page-in-eet", "english-page-keeps-utc"],
)
def test_utc_timestamp_is_read_on_the_publishers_day(lang: str, expected: dt.date) -> None:
    head = '<meta property="article:published_time" content="2021-11-04T23:00Z">'
    assert extract(lang_page(lang, head)).published == expected


def test_json_ld_timestamp_with_an_offset_keeps_its_own_day() -> None:
    head = (
        '<script type="application/ld+json">{"datePublished": "2020-06-29T00:16:15+03:00"}</script>'
    )
    assert extract(lang_page("de", head)).published == dt.date(2020, 6, 29)


def test_meta_tags_are_ranked_whatever_their_order() -> None:
    head = (
        '<meta name="DC.date" content="2019-01-01">'
        '<meta property="article:published_time" content="2020-02-02T10:00:00+01:00">'
    )
    assert extract(lang_page("en", head)).published == dt.date(2020, 2, 2)


def test_open_graph_date_counts_only_as_a_property() -> None:
    head = '<meta name="og:article:published_time" content="2022-01-15">'
    assert extract(lang_page("en", head)).published is None


def test_video_pages_give_their_upload_date() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "VideoObject",'
        ' "uploadDate": "2020-04-04T20:57:00.000+02:00"}</script>'
    )
    assert extract(lang_page("de", head)).published == dt.date(2020, 4, 4)


def test_date_in_the_articles_aside_meta_box_is_read() -> None:
    html = (
        "<html><body><main><article><h1>Budget approved</h1>"
        "<aside class='meta'><p><time datetime='2022-01-21'>21.01.2022 - 13:30</time></p></aside>"
        f"<div class='story'><p>{LONG * 3}</p></div></article></main>"
        "<aside><span class='date'>01.01.2030</span></aside></body></html>"
    )
    assert extract(html).published == dt.date(2022, 1, 21)


def test_dateline_follows_the_article_headline_not_a_logo_heading() -> None:
    html = (
        "<html><body><div class='top'><h1>Town Council</h1></div>"
        f"{'<p>Menu entry of the site, a long line about nothing at all in particular.</p>' * 4}"
        "<article><h1>Budget approved</h1><div>Datum: 26. Januar 2022</div>"
        f"<div class='story'><p>{LONG * 3}</p></div></article></body></html>"
    )
    assert extract(html).published == dt.date(2022, 1, 26)


def test_date_printed_inside_the_headline_is_its_dateline() -> None:
    html = plain_page(f"<div class='story'><p>{LONG * 3}</p></div>").replace(
        "<h1>Budget approved</h1>",
        "<h1>Budget approved<br><small><span class='icon'></span>&nbsp; 02.02.2022</small></h1>",
    )
    assert extract(html).published == dt.date(2022, 2, 2)


def test_labelled_publication_date_is_read_anywhere_on_the_page() -> None:
    html = plain_page(
        f"<div class='story'><p>{LONG * 3}</p></div>",
        extra="<div style='text-align:right'>Letzte Änderung: 31.10.2023<br>"
        "Erschienen am: 01.11.2023</div>",
    )
    assert extract(html).published == dt.date(2023, 11, 1)


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("Karlsruhe, (12.11.2021). The council", dt.date(2021, 11, 12)),
        ("RĪGA, 2021. gada 4. oktobrī — The council", dt.date(2021, 10, 4)),
        ("Am 8. November 2021 findet der Fachtag statt, and the council", None),
    ],
    ids=["place-comma-bracket", "place-dash-latvian", "event-date-is-no-dateline"],
)
def test_lead_paragraph_dateline(lead: str, expected: dt.date | None) -> None:
    html = plain_page(f"<div class='story'><p>{lead} {LONG * 3}</p></div>")
    assert extract(html).published == expected


def test_a_line_that_is_only_a_date_is_the_last_resort() -> None:
    html = plain_page(
        f"<div class='story'><p>{LONG * 8}</p></div>", extra="<div><h5>23.01.2019</h5></div>"
    )
    assert extract(html).published == dt.date(2019, 1, 23)


_LABELLED_END = (
    f"<div class='story'><p>{LONG * 8}</p>"
    "<p>Video verfügbar bis:</p><p>14.10.2020 ∙ 14:00 Uhr</p></div>"
)
_MENU = "<p>Menu entry of the site, a long line about nothing at all in particular.</p>" * 4
_LINKS = "<p><a href='/'>Menu entry of the site, a long line about nothing at all.</a></p>" * 4


@pytest.mark.parametrize(
    "html",
    [
        plain_page(f"<div class='when'>16.10.2019</div>{_LABELLED_END}"),
        f"<html><body><div class='top'><span>16.10.2019</span></div>{_MENU}"
        f"<div class='wrap'><h1>Budget approved</h1>{_LABELLED_END}</div></body></html>",
        f"<html><body><div class='top'><span>16.10.2019</span></div>{_LINKS}"
        f"<div class='wrap'><h1>Budget approved</h1>{_LABELLED_END}</div></body></html>",
    ],
    ids=["dateline", "lone-date", "short-article"],
)
def test_a_date_under_a_label_ending_the_text_is_not_the_articles(html: str) -> None:
    # Video pages end with "available until:" and a date a year ahead: it
    # is neither the signature's date nor the date of the text.
    article = extract(html)
    assert article.published == dt.date(2019, 10, 16)
    assert article.body.endswith("Video verfügbar bis:\n14.10.2020 ∙ 14:00 Uhr")


def test_a_date_inside_a_sentence_is_not_a_lone_date() -> None:
    html = plain_page(
        f"<div class='story'><p>{LONG * 8}</p></div>",
        extra="<div>The next meeting of the town council takes place on 23.01.2019"
        " in the hall.</div>",
    )
    assert extract(html).published is None


def test_the_articles_own_signature_date_beats_a_lone_date_elsewhere() -> None:
    html = plain_page(
        f"<div class='story'><p>{LONG * 3}</p><p>04.10.2019.</p></div>",
        extra="<div class='events'><div>05.12.2019</div></div>",
    )
    assert extract(html).published == dt.date(2019, 10, 4)


def test_indented_date_line_is_a_lone_date() -> None:
    # Chinese portals print the date alone on a line of their source, indented.
    html = plain_page(
        f"<div class='story'><p>{LONG * 8}</p></div>",
        extra=f"<div class='src'>Site channel (\n{' ' * 24}2012-06-04 09:20:26\n)</div>",
    )
    assert extract(html).published == dt.date(2012, 6, 4)


def test_last_changed_date_is_the_last_resort() -> None:
    # Offices and wikis state only when a page was last changed.
    html = plain_page(
        f"<div class='story'><p>{LONG * 3}</p></div>",
        extra="<div>Ihr Pfad: Startseite [Stand: 09.10.2017, 01:40 Uhr]</div>",
    )
    assert extract(html).published == dt.date(2017, 10, 9)


def test_published_label_beats_a_last_changed_label() -> None:
    html = plain_page(
        f"<div class='story'><p>{LONG * 3}</p></div>",
        extra="<div>Aktualisiert: 31.10.2023</div><div>Publiziert: 01.11.2023</div>",
    )
    assert extract(html).published == dt.date(2023, 11, 1)


def test_label_alone_on_its_line_labels_the_next_line() -> None:
    # German press pages print "Datum:" and the date in two table cells.
    html = plain_page(
        f"<div class='story'><p>{LONG * 3}</p></div>",
        extra="<div>01.01.2019</div>"
        "<table><tr><td>Datum:</td></tr><tr><td>18.10.2021</td></tr></table>",
    )
    assert extract(html).published == dt.date(2021, 10, 18)


def test_dateline_beats_a_date_element_further_down() -> None:
    # Comment and teaser dates sit in elements named for dates too.
    html = plain_page(
        f"<small>03.02.2022</small><div class='story'><p>{LONG * 8}</p></div>",
        extra="<div class='comments'><span class='date'>04.02.2022</span></div>",
    )
    assert extract(html).published == dt.date(2022, 2, 3)


def test_date_element_text_nodes_are_read_apart() -> None:
    # "<span>28.09.19</span><span>12:00</span>" is no 28.09.1912.
    html = plain_page(
        f"<div class='story'><p>{LONG * 3}</p></div>"
        "<div class='post-date'><span>28.09.19</span><span>12:00</span></div>"
    )
    assert extract(html).published == dt.date(2019, 9, 28)


def test_url_day_beats_a_utc_timestamp_a_day_later() -> None:
    # American sites stamp an evening story in UTC, already the next day.
    head = (
        '<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">'
        '<link rel="canonical" href="https://news.example/2020/02/24/story/">'
    )
    assert extract(lang_page("en", head)).published == dt.date(2020, 2, 24)


def test_url_day_does_not_beat_a_timestamp_with_its_own_offset() -> None:
    head = (
        '<meta property="article:published_time" content="2020-02-19T18:37:32+01:00">'
        '<link rel="canonical" href="https://news.example/2020/02/18/story/">'
    )
    assert extract(lang_page("es", head)).published == dt.date(2020, 2, 19)


def test_json_ld_published_beats_created() -> None:
    # News systems create a story days before they publish it.
    head = (
        '<script type="application/ld+json">{"dateCreated": "2020-01-17T15:11:01+08:00",'
        ' "datePublished": "2020-01-20T10:00:08+08:00"}</script>'
    )
    assert extract(lang_page("en", head)).published == dt.date(2020, 1, 20)
