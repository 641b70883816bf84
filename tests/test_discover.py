"""Discovery over bytes: RSS/Atom feeds and (gzipped) sitemaps and sitemap indexes."""

from __future__ import annotations

import gzip

from archiver import discover
from archiver.models import Source

WP = Source(
    name="kekava",
    start_urls=("https://kekava.lv/jaunumi/",),
    article_pattern=r"kekava\.lv/(aktualitates|izglitiba|satiksme)/",
)
PLATFORM = Source(name="bauska", start_urls=(), feeds=("https://bauskasnovads.lv/lv/rss/articles",))

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Ķekavas novads</title><link>https://kekava.lv</link>
<item><title>Vecāks raksts</title><link>https://kekava.lv/satiksme/vecaks/</link>
  <pubDate>Mon, 04 Nov 2024 08:00:00 +0200</pubDate></item>
<item><title>Jaunākais raksts</title><link>https://kekava.lv/aktualitates/jaunakais/?utm_source=rss</link>
  <pubDate>Mon, 16 Dec 2024 09:15:00 +0200</pubDate></item>
<item><title>Kategorija</title><link>https://kekava.lv/category/zinas/</link>
  <pubDate>Sun, 15 Dec 2024 09:15:00 +0200</pubDate></item>
<item><title>Citur</title><link>https://example.com/aktualitates/x/</link>
  <pubDate>Sat, 14 Dec 2024 09:15:00 +0200</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Bauskas novads</title>
<entry><title>Pirmais</title><link href="/lv/jaunums/pirmais"/>
  <updated>2025-05-01T10:00:00+03:00</updated></entry>
<entry><title>Otrais</title><link href="https://www.bauskasnovads.lv/lv/jaunums/otrais"/>
  <updated>2025-05-02T10:00:00+03:00</updated></entry>
</feed>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://kekava.lv/satiksme/vecaks/</loc><lastmod>2024-11-04</lastmod></url>
<url><loc>https://kekava.lv/aktualitates/jaunakais/</loc><lastmod>2024-12-16T09:15:00+02:00</lastmod></url>
<url><loc>https://kekava.lv/kontakti/</loc><lastmod>2025-01-01</lastmod></url>
</urlset>"""

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://kekava.lv/wp-sitemap-posts-post-1.xml</loc></sitemap>
<sitemap><loc>https://kekava.lv/wp-sitemap-posts-page-1.xml</loc></sitemap>
<sitemap><loc>https://evil.example.com/sitemap.xml</loc></sitemap>
</sitemapindex>"""


def test_rss_feed_gives_site_articles_newest_first() -> None:
    found = discover.feed_links(RSS.encode(), "https://kekava.lv/feed/", WP)
    assert found.article_urls == (
        "https://kekava.lv/aktualitates/jaunakais/?utm_source=rss",
        "https://kekava.lv/satiksme/vecaks/",
    )
    assert found.skipped == ()


def test_atom_feed_links_are_made_absolute() -> None:
    found = discover.feed_links(
        ATOM.encode(), "https://www.bauskasnovads.lv/lv/rss/articles", PLATFORM
    )
    assert found.article_urls == (
        "https://www.bauskasnovads.lv/lv/jaunums/otrais",
        "https://www.bauskasnovads.lv/lv/jaunums/pirmais",
    )


def test_garbage_feed_is_reported_not_raised() -> None:
    found = discover.feed_links(b"<html><body>not a feed", "https://kekava.lv/feed/", WP)
    assert found.article_urls == ()


def test_sitemap_urls_come_newest_first_and_filtered_by_pattern() -> None:
    found = discover.sitemap_links(URLSET.encode(), "https://kekava.lv/wp-sitemap.xml", WP)
    assert found.article_urls == (
        "https://kekava.lv/aktualitates/jaunakais/",
        "https://kekava.lv/satiksme/vecaks/",
    )


def test_gzipped_sitemap_is_read() -> None:
    found = discover.sitemap_links(gzip.compress(URLSET.encode()), "https://kekava.lv/s.xml.gz", WP)
    assert len(found.article_urls) == 2


def test_sitemap_index_gives_same_site_children() -> None:
    found = discover.sitemap_links(INDEX.encode(), "https://kekava.lv/wp-sitemap.xml", WP)
    assert found.article_urls == ()
    assert found.sitemaps == (
        "https://kekava.lv/wp-sitemap-posts-post-1.xml",
        "https://kekava.lv/wp-sitemap-posts-page-1.xml",
    )


def test_broken_or_bomb_sitemaps_give_a_reason_not_an_exception() -> None:
    broken = discover.sitemap_links(b"<urlset><url><loc>x", "https://kekava.lv/s.xml", WP)
    assert broken.article_urls == () and "unreadable sitemap" in broken.skipped[0]
    bomb = gzip.compress(b"<urlset>" + b" " * (discover.MAX_SITEMAP_BYTES + 10) + b"</urlset>")
    exploded = discover.sitemap_links(bomb, "https://kekava.lv/s.xml.gz", WP)
    assert "expands past" in exploded.skipped[0]
