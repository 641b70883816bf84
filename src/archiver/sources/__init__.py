"""Site profiles: selector data for site families, read by the one algorithm in `parse`.

A profile names where a site family keeps each field; it holds no code. One
file per site family; `PROFILES` lists them in the order they are tried.
"""

from __future__ import annotations

from archiver.sources.base import Profile
from archiver.sources.joomla import JOOMLA
from archiver.sources.kekava import KEKAVA_OLD_CMS, KEKAVA_WORDPRESS
from archiver.sources.state_platform import STATE_PLATFORM

PROFILES: tuple[Profile, ...] = (KEKAVA_OLD_CMS, KEKAVA_WORDPRESS, STATE_PLATFORM, JOOMLA)

__all__ = ["PROFILES", "Profile", "find_profile"]


def find_profile(url: str | None) -> Profile | None:
    """The first profile matching a URL, or None when the generic extractor should be used."""
    if not url:
        return None
    for profile in PROFILES:
        if profile.matches(url):
            return profile
    return None
