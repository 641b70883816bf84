"""Joomla municipal sites (lubana.lv): the `com_content` article view.

Structure as described in SITE-NOTES: a blog listing paged with `?start=N`
(steps of the page size, 10), articles at `/<menu>/<id>-<alias>` or, unrouted,
`/index.php?option=com_content&view=article&id=N:<alias>`. The article sits
in `<div class="item-page">`, its text in `itemprop="articleBody"`; the info
block prints "Autors:", "Publicēts:" and sometimes "Atjaunots:" in any order.

tukums.lv, listed in SITE-NOTES under Joomla too, is matched by the state
platform profile (`sources/state_platform.py`).
"""

from __future__ import annotations

from archiver.sources.base import OFFICE_WORDS, Profile

JOOMLA = Profile(
    name="joomla",
    hosts=("lubana.lv",),
    # The site name is the page's first heading; the article's is `headline`.
    title=(".item-page [itemprop=headline]", ".item-page .page-header h2"),
    body=(".item-page [itemprop=articleBody]",),
    # Joomla's e-mail cloaking: "Šī e-pasta adrese tiek aizsargāta …" in a span.
    drop=("span[id^=cloak]",),
    date=(
        ".item-page dd.published time[datetime]",
        ".item-page dd.published",
        ".item-page dd.create",
    ),
    # "Autors:" is the office when editors sign as one, else a person or "Super User".
    department=(".item-page dd.createdby [itemprop=name]",),
    department_pattern=rf"(?P<department>.+\b{OFFICE_WORDS})",
    required=(".item-page [itemprop=articleBody]",),
)
