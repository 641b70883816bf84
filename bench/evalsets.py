"""Load the three public evaluation sets that `quality.py` and `speed.py` score.

The sets live outside the repository (their pages are third-party), by default
in `../shared/eval/` beside the checkout; `--eval-dir` or `ARCHIVER_EVAL_DIR`
points elsewhere. Each set's ATTRIBUTION.md says where it comes from:

- `aeb-dev`: `html/<id>.html.gz` and `ground-truth.json` (id -> articleBody);
- `trafilatura-eval-dev`: `html/<file>` and `annotations.json` (file -> the
  `with` / `without` snippets, `title`, ...), `expected.json` (file -> date);
- `dates-dev`: `html/<file>` and `expected.json` (file -> `YYYY-MM-DD` or null).

Page URLs are loaded but not handed to the extractors: the date set's README
asks for that (URLs often spell the date), and the other two follow suit so
every tool sees only the HTML.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalPage:
    """One page of an evaluation set and what its annotators wrote about it."""

    set_name: str
    key: str
    html: bytes
    body: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    title: str | None = None
    date: str | None = None
    has_date: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def eval_dir(argument: str | None = None) -> Path:
    """Where the sets are: the argument, else `ARCHIVER_EVAL_DIR`, else `../shared/eval`."""
    chosen = argument or os.environ.get("ARCHIVER_EVAL_DIR")
    return Path(chosen) if chosen else DEFAULT_EVAL_DIR


def _json(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, object] = json.load(handle)
    return loaded


def load_aeb(root: Path) -> list[EvalPage]:
    """aeb-dev: article bodies scored by shingles."""
    base = root / "aeb-dev"
    truth = _json(base / "ground-truth.json")
    pages = []
    for key in sorted(truth):
        record = truth[key]
        assert isinstance(record, dict)
        html = gzip.decompress((base / "html" / f"{key}.html.gz").read_bytes())
        pages.append(EvalPage(set_name="aeb", key=key, html=html, body=record["articleBody"]))
    return pages


def load_trafilatura_eval(root: Path) -> list[EvalPage]:
    """trafilatura-eval-dev: must-contain / must-not-contain snippets, titles, dates."""
    base = root / "trafilatura-eval-dev"
    annotations = _json(base / "annotations.json")
    dates = _json(base / "expected.json")
    pages = []
    for key in sorted(annotations):
        record = annotations[key]
        assert isinstance(record, dict)
        date = dates.get(key)
        pages.append(
            EvalPage(
                set_name="trafilatura",
                key=key,
                html=(base / "html" / key).read_bytes(),
                with_snippets=tuple(record.get("with") or ()),
                without_snippets=tuple(record.get("without") or ()),
                title=record.get("title") or None,
                date=date if isinstance(date, str) else None,
                has_date=key in dates,
            )
        )
    return pages


def load_dates(root: Path) -> list[EvalPage]:
    """dates-dev: publication dates (null where the annotators found none)."""
    base = root / "dates-dev"
    expected = _json(base / "expected.json")
    pages = []
    for key in sorted(expected):
        date = expected[key]
        pages.append(
            EvalPage(
                set_name="dates",
                key=key,
                html=(base / "html" / key).read_bytes(),
                date=date if isinstance(date, str) else None,
                has_date=True,
            )
        )
    return pages


def load_all(root: Path) -> dict[str, list[EvalPage]]:
    """All three sets, by name, in a stable order."""
    missing = [
        name
        for name in ("aeb-dev", "trafilatura-eval-dev", "dates-dev")
        if not (root / name).is_dir()
    ]
    if missing:
        raise SystemExit(f"evaluation sets not found in {root}: {', '.join(missing)}")
    return {
        "aeb": load_aeb(root),
        "trafilatura": load_trafilatura_eval(root),
        "dates": load_dates(root),
    }
