"""Memory over an endless stream: 100,000 articles through ``Extractor.iter_many`` in constant memory.

Run from the repository root:

    .venv/bin/python bench/bench_memory.py [--articles 100000] [--concurrency 32] [--every 10000] [--async]

Inputs come from a generator (never a list), as they would from a huge JSONL file; each is a distinct
short news text, and the local server (tests/support/slow_openai.py, delay 0, in a child process)
answers every request with one stock move, grounded as in production. The cache is off (it lives on
disk; this measures the process). Every ``--every`` articles the bench prints this process's resident
memory (``VmRSS``; tracemalloc is not used, it would slow the run several-fold).

Checks: every id comes back exactly once with its stock move (nothing lost), and the resident memory
after the warm-up (the first ``--every`` articles: imports, connection pool, bounded memos filling)
grows by less than 20 MB to the end. For comparison, holding the 100,000 ``Extraction`` objects
alone would take several hundred MB.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.support.slow_openai import MOVE_REPLY, MOVE_SENTENCE, SlowOpenAIProcess  # noqa: E402

from newsextract import Completed, Extraction, Extractor  # noqa: E402

SENTENCE, REPLY = MOVE_SENTENCE, MOVE_REPLY


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def records(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {"id": f"a{i}", "text": f"{SENTENCE} Report number {i} of the day, filed by the markets desk."}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--every", type=int, default=10_000)
    ap.add_argument("--async", dest="use_async", action="store_true", help="aiter_many instead of iter_many")
    args = ap.parse_args()
    n = args.articles
    seen = bytearray(n)  # one byte per id: the check itself must not grow with anything but n
    ok = 0
    rows: list[tuple[int, float, float]] = []
    started = time.perf_counter()

    def record(done: Completed) -> None:
        nonlocal ok
        index = int(done.id[1:])
        seen[index] += 1
        outcome = done.outcome
        ok += isinstance(outcome, Extraction) and len(outcome.stock_moves) == 1

    sum_done = [0]

    def tick() -> None:
        sum_done[0] += 1
        if sum_done[0] % args.every == 0:
            rows.append((sum_done[0], rss_mb(), time.perf_counter() - started))
            print(f"{rows[-1][0]:>9,} articles  RSS {rows[-1][1]:8.1f} MB  {rows[-1][2]:7.1f} s", flush=True)

    with SlowOpenAIProcess(0.0, default=REPLY) as srv:
        ex = Extractor(model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache=False)
        print(f"start: RSS {rss_mb():.1f} MB; {n:,} articles, {args.concurrency} in flight, "
              f"{'aiter_many' if args.use_async else 'iter_many'}", flush=True)  # fmt: skip
        if args.use_async:

            async def go() -> None:
                async for done in ex.aiter_many(records(n), concurrency=args.concurrency):
                    record(done)
                    tick()

            asyncio.run(go())
        else:
            for done in ex.iter_many(records(n), concurrency=args.concurrency):
                record(done)
                tick()
        ex.close()

    elapsed = time.perf_counter() - started
    lost = sum(1 for b in seen if b != 1)
    print(f"{n:,} articles in {elapsed:.1f} s ({n / elapsed:.0f}/s); each id exactly once: "
          f"{'yes' if lost == 0 else f'NO ({lost} wrong)'}; with its stock move: {ok:,}")  # fmt: skip
    if len(rows) >= 2:
        base, end = rows[0][1], rows[-1][1]
        growth = end - base
        per_1000 = growth / ((rows[-1][0] - rows[0][0]) / 1000)
        print(f"RSS after {rows[0][0]:,}: {base:.1f} MB; at the end: {end:.1f} MB; growth {growth:+.1f} MB "
              f"({per_1000:+.3f} MB per 1,000 articles); peak {max(r[1] for r in rows):.1f} MB")  # fmt: skip
        verdict = "MET" if growth < 20 and lost == 0 and ok == n else "NOT MET"
        print(f"flat memory (< 20 MB growth after warm-up) and nothing lost: {verdict}")


if __name__ == "__main__":
    main()
