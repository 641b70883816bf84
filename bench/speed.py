"""Time bare selectolax parsing, `archiver.extract` and trafilatura on the same pages.

Run from the repository root after `pip install -e '.[bench]'`:

    python bench/speed.py [--eval-dir DIR] [--rounds N] [--clock process|wall]

All pages of the three dev sets are decoded once up front (with the same
charset rules `extract` uses) so every tool times the same `str` input, and
nothing is read from disk or the network while timing. Each round runs every
tool over all pages, one tool after another, so a change of the machine's
load between rounds reaches all three alike; the fastest round of each tool
counts (on a shared machine, a slower round measures the other work, not
ours). The clock is this process's CPU time by default, which other
processes do not inflate; `--clock wall` times elapsed time instead.
Targets from issue 6: extract at least 10x trafilatura's pages per second,
and at most 3x the cost of the bare parse.
"""

from __future__ import annotations

import argparse
import gc
import logging
import time
from collections.abc import Callable, Sequence

from evalsets import eval_dir, load_all
from selectolax.lexbor import LexborHTMLParser

from archiver import extract
from archiver.charset import decode_body

CLOCKS = {"process": time.process_time, "wall": time.perf_counter}


def seconds(
    tool: Callable[[str], object], pages: Sequence[str], clock: Callable[[], float]
) -> float:
    """The time `tool` takes over all `pages`, by `clock`."""
    gc.collect()
    start = clock()
    for page in pages:
        tool(page)
    return clock() - start


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--eval-dir", help="folder holding aeb-dev, trafilatura-eval-dev, dates-dev"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds (the fastest counts)")
    parser.add_argument(
        "--trafilatura-rounds", type=int, default=2, help="rounds that run trafilatura (slow)"
    )
    parser.add_argument(
        "--clock", choices=sorted(CLOCKS), default="process", help="CPU time or elapsed time"
    )
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    import trafilatura

    sets = load_all(eval_dir(args.eval_dir))
    pages = [decode_body(page.html)[0] for pages in sets.values() for page in pages]
    tools: dict[str, Callable[[str], object]] = {
        "bare LexborHTMLParser(html)": LexborHTMLParser,
        "archiver.extract": extract,
        "trafilatura.extract": trafilatura.extract,
    }
    clock = CLOCKS[args.clock]
    best = dict.fromkeys(tools, float("inf"))
    ratios = []
    for round_ in range(args.rounds):
        times = {}
        for name, tool in tools.items():
            if name.startswith("trafilatura") and round_ >= args.trafilatura_rounds:
                continue
            times[name] = seconds(tool, pages, clock)
            best[name] = min(best[name], times[name])
        ratios.append(times["archiver.extract"] / times["bare LexborHTMLParser(html)"])
    parse, ours, theirs = best.values()
    width = max(map(len, tools))
    print(f"{len(pages)} pages, {args.clock} time, fastest of {args.rounds} rounds")
    print(f"({args.trafilatura_rounds} for trafilatura), single process")
    print(f"{'tool':<{width}}  {'pages/s':>9}  {'ms/page':>8}")
    print("-" * (width + 21))
    for name, taken in best.items():
        print(f"{name:<{width}}  {len(pages) / taken:9.1f}  {1000 * taken / len(pages):8.2f}")
    print()
    print(f"extract speed / trafilatura speed: {theirs / ours:6.2f}x   (target >= 10x)")
    print(f"extract cost / bare parse cost:    {ours / parse:6.2f}x   (target <= 3x)")
    print("  per round: " + ", ".join(f"{ratio:.2f}x" for ratio in ratios))


if __name__ == "__main__":
    main()
