"""Ķekava municipality: the old CMS (www. and arhivs. hosts) and the WordPress site.

Structure as described in the seed's SITE-NOTES: the old CMS prints the
signing office and the date under the text, above "Drukāt"; WordPress signs
on the last paragraph of the entry content.
"""

from __future__ import annotations

from archiver.sources.base import Profile

KEKAVA_OLD_CMS = Profile(
    name="kekava-old-cms",
    hosts=("kekava.lv", "arhivs.kekava.lv"),
    path_pattern=r"^/pub/",
    title=("#content h1.news-title", "#content h1"),
    body=("#content .news-text",),
    date=("#content .news-date",),
    department=("#content .news-author",),
    # Non-news pages (id=690, bylaws) share the template but have no news footer.
    required=("#content .news-footer",),
)

KEKAVA_WORDPRESS = Profile(
    name="kekava-wordpress",
    hosts=("kekava.lv",),
    title=("article h1.entry-title", "article h1", "h1"),
    body=("article .entry-content",),
    drop=(".share-buttons", ".sharedaddy", ".related-posts", "script", "style"),
    date=("article .entry-meta time[datetime]", "article .entry-meta", "article .posted-on"),
    department_in_last_line=True,
    required=("article .entry-content",),
)
