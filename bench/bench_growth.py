"""Benchmark: how the embedded path's time grows with the article, on hostile and real inputs.

Usage::

    .venv/bin/python bench/bench_growth.py                          # 10 KB and 100 KB
    .venv/bin/python bench/bench_growth.py --sizes 10000,100000,1000000
    .venv/bin/python bench/bench_growth.py --patterns news,sale_repeat --runs 1

For each pattern of ``tests/support/hostile_text.py`` (real news repeated, "rose 5% 5% ...", one sale
sentence repeated, runs of roles, right-to-left text and money with no full stop) it runs the whole
embedded path without a model (candidates, questions, rules, grounding, normalisation,
de-duplication; a model call would only be counted) and prints the fastest of ``--runs`` runs per
size in CPU seconds of the process (the path is single-threaded; other load on the machine inflates
wall-clock time, not this), then the growth ratio of each size to the first, beside the ratio of the
sizes: linear code grows like the sizes, quadratic code like their square. ``tests/test_growth.py``
fails on the same ratio at 10x.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.support.hostile_text import PATTERNS, run_embedded  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated sizes in characters")
    ap.add_argument("--patterns", default=",".join(PATTERNS), help="comma-separated pattern names")
    ap.add_argument("--runs", type=int, default=3, help="runs per size; the fastest counts")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    print(
        f"{'pattern':15} " + " ".join(f"{s:>10,}" for s in sizes) + "  growth (size ratio)  requests events"
    )
    for name in args.patterns.split(","):
        times: list[float] = []
        requests = events = 0
        for size in sizes:
            text = PATTERNS[name](size)
            best = float("inf")
            for run in range(args.runs):
                seconds, requests, events = run_embedded(f"{text}\n\nEnd of run {run}.")
                best = min(best, seconds)
            times.append(best)
        growth = "  ".join(
            f"{t / times[0]:.1f}x ({s / sizes[0]:.0f}x)" for s, t in zip(sizes[1:], times[1:], strict=True)
        )
        cells = " ".join(f"{t:9.2f}s" for t in times)
        print(f"{name:15} {cells}  {growth}  {requests} {events}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
