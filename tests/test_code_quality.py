"""The house rules that tools can check: ruff (lint + format), mypy --strict, stage imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "archiver"

# Stages never import each other; only `crawl` (the orchestrator) and `cli` combine them.
STAGES = {"attachments", "discover", "fetch", "parse", "store"}


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_finds_nothing() -> None:
    result = tool("ruff", "check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout


def test_code_is_ruff_formatted() -> None:
    result = tool("ruff", "format", "--check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout


def test_mypy_strict_passes_on_the_package() -> None:
    result = tool("mypy", "--strict", "src/archiver")
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_a_stage_does_not_import_another_stage(stage: str) -> None:
    # A stage is a module, or a package (`store/`) whose modules all count.
    files = [PACKAGE / f"{stage}.py"] if (PACKAGE / f"{stage}.py").exists() else []
    files += sorted((PACKAGE / stage).glob("*.py"))
    assert files, f"no module or package named {stage}"
    imported = set()
    nodes = [n for f in files for n in ast.walk(ast.parse(f.read_text(encoding="utf-8")))]
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("archiver"):
            imported.add(node.module.split(".")[1] if "." in node.module else "")
            imported.update(a.name for a in node.names if node.module == "archiver")
    assert not (imported & (STAGES - {stage})), imported
