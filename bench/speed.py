"""Time bare selectolax parsing, `archiver.extract` and trafilatura on the same pages.

Run from the repository root after `pip install -e '.[bench]'`:

    python bench/speed.py [--eval-dir DIR] [--repeat N]

All pages of the three dev sets are decoded once up front (with the same
charset rules `extract` uses) so every tool times the same `str` input, and
nothing is read from disk or the network while timing. Each tool runs over
all pages `--repeat` times in one process; the median run counts. Targets
from issue 6: extract at least 10x trafilatura's pages per second, and at
most 3x the cost of the bare parse.
"""

from __future__ import annotations

import argparse
import gc
import logging
import statistics
import time
from collections.abc import Callable, Sequence

from evalsets import eval_dir, load_all
from selectolax.lexbor import LexborHTMLParser

from archiver import extract
from archiver.charset import decode_body


def median_seconds(tool: Callable[[str], object], pages: Sequence[str], repeat: int) -> float:
    """The median, over `repeat` runs, of the time `tool` takes over all `pages`."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for page in pages:
            tool(page)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--eval-dir", help="folder holding aeb-dev, trafilatura-eval-dev, dates-dev"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per tool (median counts)")
    parser.add_argument(
        "--trafilatura-repeat", type=int, default=3, help="runs for trafilatura (slow)"
    )
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    import trafilatura

    sets = load_all(eval_dir(args.eval_dir))
    pages = [decode_body(page.html)[0] for pages in sets.values() for page in pages]
    timings = {
        "bare LexborHTMLParser(html)": median_seconds(LexborHTMLParser, pages, args.repeat),
        "archiver.extract": median_seconds(extract, pages, args.repeat),
        "trafilatura.extract": median_seconds(trafilatura.extract, pages, args.trafilatura_repeat),
    }
    parse, ours, theirs = timings.values()
    width = max(map(len, timings))
    print(f"{len(pages)} pages, median of {args.repeat} runs ({args.trafilatura_repeat} for")
    print("trafilatura), single process")
    print(f"{'tool':<{width}}  {'pages/s':>9}  {'ms/page':>8}")
    print("-" * (width + 21))
    for name, seconds in timings.items():
        print(f"{name:<{width}}  {len(pages) / seconds:9.1f}  {1000 * seconds / len(pages):8.2f}")
    print()
    print(f"extract speed / trafilatura speed: {theirs / ours:6.2f}x   (target >= 10x)")
    print(f"extract cost / bare parse cost:    {ours / parse:6.2f}x   (target <= 3x)")


if __name__ == "__main__":
    main()
