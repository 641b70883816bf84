"""The README stays truthful: commands, settings, exit codes and the CI command."""

from __future__ import annotations

import re
from pathlib import Path

from archiver.cli import EXIT_ERROR, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, app
from archiver.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", README, re.S)


def test_readme_opens_with_the_demo_and_the_test_commands() -> None:
    demo, tests = code_blocks()[:2]
    assert demo.endswith("archiver demo")
    assert tests.endswith("pytest")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert code_blocks()[1] in ci.splitlines()


def test_every_command_is_documented() -> None:
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    assert names == {
        "crawl",
        "demo",
        "search",
        "show",
        "stats",
        "reparse",
        "settings",
        "serve",
        "export",
        "backfill",
        "sources",
        "compact",
    }
    for name in names:
        assert f"`archiver {name}" in README, name


def test_every_setting_is_documented() -> None:
    for setting in SETTINGS:
        assert f"| `{setting.name}` |" in README, setting.name


def test_every_exit_code_is_documented() -> None:
    for code in (EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL, EXIT_LOCKED):
        assert f"| {code} |" in README
