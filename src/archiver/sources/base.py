"""The `Profile` type: where one site family keeps each field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver import urls

# The last word of a municipal office's name (SITE-NOTES: pārvalde, nodaļa,
# daļa, dienests, ...), for profiles' `signature` and `department_pattern`.
OFFICE_WORDS = (
    r"(?:pārvalde|nodaļa|daļa|dienests|departaments|birojs|būvvalde|bāriņtiesa"
    r"|dome|centrs|komisija|aģentūra)"
)


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
    # A regex the department text must match in full, or there is no
    # department (Joomla's "Autors:" names an office or a person); its
    # `department` group, when it has one, is the department.
    department_pattern: str = ""
    # A regex for a signature line ending the body ("Informāciju sagatavoja:
    # <office> <role> <Name>, tālr: …", riga.lv): a last line matching it in
    # full leaves the body, and its `department` group, when it matched, is
    # the department.
    signature: str = ""
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
