"""The state unified platform of municipal sites (riga.lv, jurmala.lv, bauskasnovads.lv, ...).

Structure as described in SITE-NOTES: articles at `/lv/jaunums/<slug>`,
listing at `/lv/jaunumi` with `?page=N` pages (zero-based: `?page=1` is the
second), RSS at `/lv/rss/articles`. The header prints today's date and name
days; the text field ends, when an editor signs it, with "Informāciju
sagatavoja: <office> <role> <Name>, tālr: …" (riga.lv), which names the
signing office and is not body text.

tukums.lv is listed in SITE-NOTES under this platform and under Joomla; it is
here, because its `/lv/rss/articles` feed is the platform's.
"""

from __future__ import annotations

from archiver.sources.base import OFFICE_WORDS, Profile

# "Informāciju sagatavoja: Bauskas novada Kultūras pārvalde, speciāliste …":
# the office is everything up to the first office word (nominative, so the
# genitive "nodaļas vadītāja" of a role does not end it); a signature naming
# only a person has no office.
SIGNATURE = rf"Informāciju sagatavoja:\s*(?:(?P<department>[^,]*?\b{OFFICE_WORDS})(?=[\s,]|$))?.*"

STATE_PLATFORM = Profile(
    name="state-platform",
    hosts=(
        "riga.lv",
        "jurmala.lv",
        "bauskasnovads.lv",
        "adazunovads.lv",
        "jelgavasnovads.lv",
        "limbazunovads.lv",
        "preili.lv",
        "ropazi.lv",
        "smiltenesnovads.lv",
        "tukums.lv",
    ),
    path_pattern=r"^/lv/jaunums/",
    title=("main h1.page-title",),
    body=("article.node--type-news .field--name-body",),
    # The updated date (`.node__updated`) may come first; only `.node__date` is published.
    date=(
        "article.node--type-news .node__date time[datetime]",
        "article.node--type-news .node__date",
    ),
    signature=SIGNATURE,
    required=("article.node--type-news .field--name-body",),
)
