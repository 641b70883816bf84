"""The `Profile` type: where one site family keeps each field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver import urls


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """Where one site family keeps each field of an article (CSS selectors, tried in order)."""

    name: str
    hosts: tuple[str, ...]
    path_pattern: str = ""
    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    department: tuple[str, ...] = ()
    department_in_last_line: bool = False
    required: tuple[str, ...] = ()

    def matches(self, url: str) -> bool:
        """True when `url` is on this family's hosts and path."""
        try:
            host = urls.host_of(url)
        except ValueError:
            return False
        if host not in self.hosts:
            return False
        if not self.path_pattern:
            return True
        path = url.split(host, 1)[-1]
        return re.search(self.path_pattern, path) is not None
