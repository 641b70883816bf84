"""Score `archiver.extract` against trafilatura and htmldate on the public dev sets.

Run from the repository root after `pip install -e '.[bench]'`:

    python bench/quality.py [--eval-dir DIR] [--only-ours] [--worst N]

Every tool gets the raw page bytes and no URL, and nothing touches the
network. One table comes out (see bench/README.md for what each row means):

- aeb-dev: body F1 / precision / recall and empty outputs, scored exactly as
  the article-extraction-benchmark's `evaluate.py` does. Tokens are the
  matches of the regular expression `\\w+` (Python `re`, Unicode, case kept);
  shingles are the runs of 4 consecutive tokens (a text of fewer than 4
  tokens is one shingle of all of them); per page, true positives, false
  positives and false negatives are counted over the multisets of shingles
  and divided by their sum, so every page weighs the same. Precision is the
  mean over pages that predicted something, recall the mean over pages with
  a non-empty truth, and F1 the harmonic mean of those two means.
- trafilatura-eval-dev: each `with` snippet found in the body is a true
  positive (else a false negative), each `without` snippet found a false
  positive (else a true negative), pooled over all pages as trafilatura's
  `tests/comparison.py` does; F1 = 2tp / (2tp + fp + fn). Titles are
  compared after unescaping entities, collapsing whitespace and case-folding.
- dates-dev: exact-day accuracy; a page annotated "no date" is right only
  when no date comes back.

References: `trafilatura.extract` with default settings for bodies,
`trafilatura.extract_metadata` (not timed) for titles, and
`htmldate.find_date(..., extensive_search=True)` for dates.
"""

from __future__ import annotations

import argparse
import html as html_lib
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evalsets import EvalPage, eval_dir, load_all

from archiver import extract

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Output:
    """What one tool gave for one page, and how long it took."""

    body: str
    title: str
    date: str | None
    seconds: float


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of `size`-token shingles of `text` (aeb tokenisation)."""
    tokens = _TOKEN.findall(text)
    return Counter(
        tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens
    )


def shingle_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page, as aeb's `string_shingle_matching`."""
    true_shingles, pred_shingles = shingles(truth), shingles(predicted)
    tp = fp = fn = 0.0
    for key in true_shingles.keys() | pred_shingles.keys():
        t, p = true_shingles.get(key, 0), pred_shingles.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def aeb_scores(counts: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(F1, precision, recall) over pages, as aeb's `metrics_from_tp_fp_fns`."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def snippet_counts(page: EvalPage, body: str) -> tuple[int, int, int, int]:
    """(tp, fn, fp, tn) of one page's snippets, as trafilatura's `evaluate_result`."""
    tp = sum(1 for s in page.with_snippets if s in body)
    fp = sum(1 for s in page.without_snippets if s in body)
    return tp, len(page.with_snippets) - tp, fp, len(page.without_snippets) - fp


def same_title(expected: str, found: str) -> bool:
    """Titles equal after unescaping, collapsing whitespace and case-folding."""

    def norm(text: str) -> str:
        return _SPACE.sub(" ", html_lib.unescape(text)).strip().casefold()

    return norm(expected) == norm(found)


def run_ours(page: EvalPage) -> Output:
    start = time.perf_counter()
    article = extract(page.html)
    seconds = time.perf_counter() - start
    date = article.published.isoformat() if article.published else None
    return Output(body=article.body, title=article.title, date=date, seconds=seconds)


def run_trafilatura(page: EvalPage) -> Output:
    import trafilatura

    start = time.perf_counter()
    body = trafilatura.extract(page.html) or ""
    seconds = time.perf_counter() - start
    title = ""
    if page.title is not None:
        metadata = trafilatura.extract_metadata(page.html)
        title = (metadata.title or "") if metadata is not None else ""
    return Output(body=body, title=title, date=None, seconds=seconds)


def run_htmldate(page: EvalPage) -> Output:
    from htmldate import find_date

    start = time.perf_counter()
    found = find_date(page.html, extensive_search=True)
    seconds = time.perf_counter() - start
    return Output(body="", title="", date=found, seconds=seconds)


@dataclass
class Scores:
    """Every number of one tool's column."""

    aeb: tuple[float, float, float] = (0.0, 0.0, 0.0)
    aeb_empty: int = 0
    snippets: tuple[int, int, int, int] = (0, 0, 0, 0)
    titles: tuple[int, int] = (0, 0)
    dates: tuple[int, int] = (0, 0)
    traf_dates: tuple[int, int] = (0, 0)
    body_pages: int = 0
    body_seconds: float = 0.0
    date_pages: int = 0
    date_seconds: float = 0.0


def score(
    sets: dict[str, list[EvalPage]],
    body_tool: Callable[[EvalPage], Output] | None,
    date_tool: Callable[[EvalPage], Output] | None,
    worst: int = 0,
) -> Scores:
    """Run the tools over the sets and total their scores."""
    scores = Scores()
    if body_tool is not None:
        counts, per_page = [], []
        for page in sets["aeb"]:
            out = body_tool(page)
            scores.body_pages += 1
            scores.body_seconds += out.seconds
            counts.append(shingle_counts(page.body or "", out.body))
            scores.aeb_empty += not out.body.strip()
            per_page.append((aeb_scores([counts[-1]])[0], page.key))
        scores.aeb = aeb_scores(counts)
        tp = fn = fp = tn = 0
        titled = right_titles = 0
        misses = []
        for page in sets["trafilatura"]:
            out = body_tool(page)
            scores.body_pages += 1
            scores.body_seconds += out.seconds
            p_tp, p_fn, p_fp, p_tn = snippet_counts(page, out.body)
            tp, fn, fp, tn = tp + p_tp, fn + p_fn, fp + p_fp, tn + p_tn
            if p_fn or p_fp:
                misses.append((p_fn, p_fp, page.key))
            if page.title is not None:
                titled += 1
                right_titles += same_title(page.title, out.title)
        scores.snippets = (tp, fn, fp, tn)
        scores.titles = (right_titles, titled)
        for page in sets["dates"]:
            scores.body_pages += 1
            scores.body_seconds += body_tool(page).seconds
        if worst:
            print("worst aeb pages (F1, id):")
            for f1, key in sorted(per_page)[:worst]:
                print(f"  {f1:.3f} {key}")
            print("snippet misses (missing with, found without, file):")
            for p_fn, p_fp, key in sorted(misses, reverse=True)[:worst]:
                print(f"  {p_fn} {p_fp} {key}")
    if date_tool is not None:
        right = 0
        wrong = []
        for page in sets["dates"]:
            out = date_tool(page)
            scores.date_pages += 1
            scores.date_seconds += out.seconds
            right += out.date == page.date
            if out.date != page.date:
                wrong.append((page.key, page.date, out.date))
        scores.dates = (right, len(sets["dates"]))
        traf_right = traf_total = 0
        for page in sets["trafilatura"]:
            if page.has_date:
                traf_total += 1
                traf_right += date_tool(page).date == page.date
        scores.traf_dates = (traf_right, traf_total)
        if worst:
            print("wrong dates (file, expected, found):")
            for key, expected, found in wrong[: worst * 3]:
                print(f"  {key} {expected} {found}")
    return scores


def _f(value: float) -> str:
    return f"{value:.3f}"


def table(ours: Scores, theirs: Scores | None, sizes: dict[str, int]) -> str:
    """The one results table: a row per metric, ours, the reference, the ratio."""

    def snippet_numbers(s: Scores) -> tuple[float, float, float, float, float]:
        tp, fn, fp, tn = s.snippets
        with_rate = tp / (tp + fn) if tp + fn else 0.0
        without_rate = tn / (tn + fp) if tn + fp else 0.0
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = with_rate
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        return f1, precision, recall, with_rate, without_rate

    def rows(s: Scores) -> list[tuple[str, float, bool]]:
        f1, precision, recall = s.aeb
        s_f1, s_p, s_r, s_with, s_without = snippet_numbers(s)
        right_titles, titled = s.titles
        right_dates, dated = s.dates
        traf_right, traf_dated = s.traf_dates
        body_speed = s.body_pages / s.body_seconds if s.body_seconds else 0.0
        date_speed = s.date_pages / s.date_seconds if s.date_seconds else 0.0
        titles = right_titles / titled if titled else 0.0
        traf_dates = traf_right / traf_dated if traf_dated else 0.0
        date_accuracy = right_dates / dated if dated else 0.0
        return [
            (f"aeb-dev ({sizes['aeb']} pages): body F1", f1, False),
            ("  precision", precision, False),
            ("  recall", recall, False),
            ("  empty outputs", s.aeb_empty, True),
            (f"trafilatura-eval-dev ({sizes['trafilatura']} pages): snippet F1", s_f1, False),
            ("  precision", s_p, False),
            ("  recall", s_r, False),
            ("  'with' snippets found", s_with, False),
            ("  'without' snippets kept out", s_without, False),
            (f"  title accuracy ({titled} titled)", titles, False),
            (f"  date accuracy ({traf_dated} dated)", traf_dates, False),
            (f"dates-dev ({sizes['dates']} pages): exact-day accuracy", date_accuracy, False),
            ("body extraction, pages/s (all sets)", body_speed, True),
            ("date extraction, pages/s (dates-dev)", date_speed, True),
        ]  # fmt: skip

    mine = rows(ours)
    reference = rows(theirs) if theirs is not None else None
    width = max(len(name) for name, _, _ in mine)
    lines = [
        f"{'metric':<{width}}  {'ours':>9}  {'reference':>9}  {'ours/ref':>8}",
        "-" * (width + 34),
    ]
    for index, (name, value, plain) in enumerate(mine):
        shown = f"{value:9.1f}" if plain and value != int(value) else f"{value:9}"
        if not plain:
            shown = f"{_f(value):>9}"
        ref_text = ratio_text = "-"
        if reference is not None:
            ref_value = reference[index][1]
            ref_text = (
                f"{ref_value:.1f}" if plain and ref_value != int(ref_value) else str(ref_value)
            )
            if not plain:
                ref_text = _f(ref_value)
            ratio_text = f"{value / ref_value:.2f}" if ref_value else "-"
        lines.append(f"{name:<{width}}  {shown}  {ref_text:>9}  {ratio_text:>8}")
    lines.append("")
    lines.append(
        "reference: trafilatura.extract (default settings) for bodies and titles,"
        " htmldate.find_date(extensive_search=True) for dates"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--eval-dir", help="folder holding aeb-dev, trafilatura-eval-dev, dates-dev"
    )
    parser.add_argument("--only-ours", action="store_true", help="skip the reference tools")
    parser.add_argument("--worst", type=int, default=0, help="also list our N worst pages per set")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # trafilatura and htmldate log per page
    sets = load_all(eval_dir(args.eval_dir))
    sizes = {name: len(pages) for name, pages in sets.items()}
    ours = score(sets, run_ours, run_ours, worst=args.worst)
    theirs = None if args.only_ours else score(sets, run_trafilatura, run_htmldate)
    print(table(ours, theirs, sizes))


if __name__ == "__main__":
    main()
