"""Batch throughput against a local OpenAI-compatible server that answers every request after 200 ms.

Run from the repository root:

    .venv/bin/python bench/bench_concurrency.py [--articles 1000] [--c1-articles 25] [--delay 0.2]
        [--processes 2]

``Extractor(cache=False).extract_many(texts, concurrency=N)`` (``batch.run_batch``) for N = 1, 8, 32, 128.
With ``--processes P`` (P > 1) every level above 1 runs a second time with ``processes=P`` (worker
processes, each with its share of the threads) and both rows are printed side by side. A tiny batch with
``processes=P`` runs first as the warm-up (it starts multiprocessing's forkserver and its imports; that
cold start is printed separately); each timed row includes starting its own pool from the warm forkserver.
The server (tests/support/slow_openai.py) is asyncio in a child process: every request waits exactly
``--delay`` seconds however many are in flight, so the ideal is N / delay articles per second.
Concurrency 1 would take 1,000 x 0.2 s = 200 s: it runs ``--c1-articles`` articles and the time for
1,000 is extrapolated (and labelled so). Each article is a distinct short news text with one stock move
in its reply, grounded as in production. Target: at least 90% of the ideal at concurrency 32.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.support.slow_openai import SlowOpenAIProcess  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.core.schemas import Extraction  # noqa: E402

SENTENCE = "Xpeng shares fell 3.84 percent to $9.51 on Tuesday."
REPLY = json.dumps(
    {
        "share_sales": [],
        "executive_changes": [],
        "stock_moves": [
            {
                "quote": SENTENCE,
                "company": "Xpeng",
                "direction": "down",
                "change_pct": "3.84 percent",
                "price": "$9.51",
            }
        ],
    }
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--c1-articles", type=int, default=25)
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--levels", default="1,8,32,128")
    ap.add_argument(
        "--processes", type=int, default=1, help="also run each level > 1 with this many processes"
    )
    args = ap.parse_args()
    texts = [
        f"{SENTENCE} Report number {i} of the day, filed by the markets desk." for i in range(args.articles)
    ]
    levels = [int(x) for x in args.levels.split(",")]
    runs = [(level, 1) for level in levels]
    if args.processes > 1:
        runs += [(level, args.processes) for level in levels if level > 1]
    rows = []
    cold_start = None
    with SlowOpenAIProcess(args.delay, default=REPLY) as srv:
        for level, procs in runs:
            ex = Extractor(model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache=False)
            ex.extract("Warm-up article: imports and the first connection happen here.")
            if procs > 1 and cold_start is None:
                t0 = time.perf_counter()
                ex.extract_many(texts[: 2 * procs], concurrency=2 * procs, processes=procs)
                cold_start = time.perf_counter() - t0
            batch = texts[: args.c1_articles] if level == 1 else texts
            t0 = time.perf_counter()
            results = ex.extract_many(batch, concurrency=level, processes=procs)
            elapsed = time.perf_counter() - t0
            ex.close()
            ok = sum(isinstance(r, Extraction) and len(r.stock_moves) == 1 for r in results)
            assert ok == len(batch), f"{len(batch) - ok} article(s) failed at concurrency {level} x {procs}"
            rate = len(batch) / elapsed
            ideal = level / args.delay
            rows.append((level, procs, len(batch), elapsed, rate, ideal))
    print(f"server delay {args.delay * 1000:.0f} ms per request; ideal = concurrency / delay")
    if cold_start is not None:
        print(f"warm-up batch with processes={args.processes} (cold forkserver start): {cold_start:.2f} s")
    print(f"{'concurrency':>11} {'processes':>9} {'articles':>9} {'seconds':>8} {'art/s':>8} {'ideal/s':>8} "
          f"{'% ideal':>8} {'s per 1,000':>12}")  # fmt: skip
    for level, procs, n, elapsed, rate, ideal in rows:
        per_1000 = 1000 / rate
        note = " (extrapolated)" if n < 1000 else ""
        print(f"{level:>11} {procs:>9} {n:>9} {elapsed:>8.2f} {rate:>8.1f} {ideal:>8.1f} "
              f"{100 * rate / ideal:>7.1f}% {per_1000:>12.1f}{note}")  # fmt: skip
    for level, procs, _n, _elapsed, rate, ideal in rows:
        if level == 32:
            pct = 100 * rate / ideal
            print(f"target >= 90% of ideal at concurrency 32, processes={procs}: {pct:.1f}% "
                  f"{'MET' if pct >= 90 else 'NOT MET'}")  # fmt: skip


if __name__ == "__main__":
    main()
