"""Batch throughput at N in flight against a fixed-latency endpoint, against bare ``AsyncOpenAI``.

Run from the repository root:

    .venv/bin/python bench/bench_concurrency.py [--articles 1280] [--concurrency 64] [--delay 0.1]
        [--rounds 3] [--processes 0]

The server (tests/support/slow_openai.py) is asyncio in a child process: every request waits exactly
``--delay`` seconds however many are in flight, so the ideal is concurrency / delay articles per second.
Each article is a distinct short news text; the reply holds one stock move, grounded as in production.
Sides, in turn, ``--rounds`` times (medians reported):

- openai: bare ``openai.AsyncOpenAI`` with an ``asyncio.Semaphore(concurrency)``, sending the exact
  request bodies newsextract sends (``backend.request_body``) and parsing each reply to a ChatCompletion
  (the reference the target names);
- openai threads: the bare sync ``openai.OpenAI`` client on ``concurrency`` threads, same bodies (often
  the stronger reference on this machine);
- aextract_many: ``Extractor(cache=False).aextract_many(texts, concurrency=N)`` (asyncio);
- extract_many: ``Extractor(cache=False).extract_many(texts, concurrency=N)`` (threads);
- with ``--processes P``: ``extract_many(..., processes=P)`` too.

For each run it prints articles/s, the share of the ideal, this process's CPU per article (all threads)
and the server process's CPU per article (so a figure is the client's, not the server's).
Target: extract_many and aextract_many at least 0.85x openai's articles/s at 64 in flight, 100 ms; the
ratio against the stronger of the two bare clients is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import openai  # noqa: E402
from tests.support.slow_openai import MOVE_REPLY, MOVE_SENTENCE, SlowOpenAIProcess  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.extraction import Extraction  # noqa: E402
from newsextract.grounding.reask import GroundedArticleDraft  # noqa: E402
from newsextract.strategies.base import StrategyInput  # noqa: E402

SENTENCE, REPLY = MOVE_SENTENCE, MOVE_REPLY


def texts(n: int) -> list[str]:
    return [f"{SENTENCE} Report number {i} of the day, filed by the markets desk." for i in range(n)]


def measure(srv: SlowOpenAIProcess, run: Callable[[], int], n: int) -> dict[str, float]:
    server0, cpu0, t0 = srv.cpu_seconds(), time.process_time(), time.perf_counter()
    ok = run()
    elapsed = time.perf_counter() - t0
    cpu, server = time.process_time() - cpu0, srv.cpu_seconds() - server0
    assert ok == n, f"{n - ok} of {n} article(s) failed"
    return {"rate": n / elapsed, "cpu_ms": cpu * 1000 / n, "server_ms": server * 1000 / n, "seconds": elapsed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1280)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--delay", type=float, default=0.1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--processes", type=int, default=0, help="also run extract_many with this many processes")
    args = ap.parse_args()
    n, c = args.articles, args.concurrency
    batch = texts(n)
    results: dict[str, list[dict[str, float]]] = {}

    with SlowOpenAIProcess(args.delay, default=REPLY) as srv:
        probe = Extractor(model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache=False)
        bodies = [
            probe.backend.request_body(  # type: ignore[attr-defined]
                probe.strategy.messages(t, StrategyInput(text=t, published=None)),  # type: ignore[attr-defined]
                GroundedArticleDraft,
            )
            for t in batch
        ]
        probe.close()

        def bare() -> int:
            async def go() -> int:
                client = openai.AsyncOpenAI(base_url=srv.base_url, api_key="sk-bench", max_retries=0)
                limit = asyncio.Semaphore(c)

                async def one(body: dict[str, Any]) -> bool:
                    async with limit:
                        completion = await client.chat.completions.create(**body)
                        return bool(completion.choices[0].message.tool_calls)

                done = await asyncio.gather(*(one(b) for b in bodies))
                await client.close()
                return sum(done)

            return asyncio.run(go())

        def bare_threads() -> int:
            client = openai.OpenAI(base_url=srv.base_url, api_key="sk-bench", max_retries=0)

            def one(body: dict[str, Any]) -> bool:
                completion = client.chat.completions.create(**body)
                return bool(completion.choices[0].message.tool_calls)

            with ThreadPoolExecutor(max_workers=c) as pool:
                done = sum(pool.map(one, bodies))
            client.close()
            return done

        def fresh() -> Extractor:
            ex = Extractor(model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache=False)
            ex.extract("Warm-up article: imports and the first connection happen here.")
            return ex

        def count(outcomes: list[Any]) -> int:
            return sum(isinstance(r, Extraction) and len(r.stock_moves) == 1 for r in outcomes)

        def threads() -> int:
            ex = fresh()
            try:
                return count(ex.extract_many(batch, concurrency=c, progress=False))
            finally:
                ex.close()

        def asyncio_batch() -> int:
            ex = fresh()
            try:
                return count(asyncio.run(ex.aextract_many(batch, concurrency=c, progress=False)))
            finally:
                ex.close()

        def processes() -> int:
            ex = fresh()
            try:
                return count(ex.extract_many(batch, concurrency=c, progress=False, processes=args.processes))
            finally:
                ex.close()

        sides: dict[str, Callable[[], int]] = {
            "openai": bare,
            "openai threads": bare_threads,
            "aextract_many": asyncio_batch,
            "extract_many": threads,
        }
        if args.processes > 1:
            sides[f"extract_many(processes={args.processes})"] = processes
            processes_warm = Extractor(
                model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache=False
            )
            processes_warm.extract_many(batch[:8], concurrency=8, processes=args.processes, progress=False)
            processes_warm.close()
        for _ in range(args.rounds):
            for name, run in sides.items():
                results.setdefault(name, []).append(measure(srv, run, n))

    ideal = c / args.delay
    bare_rate = statistics.median(r["rate"] for r in results["openai"])
    print(f"{n} articles, {c} in flight, server delay {args.delay * 1000:.0f} ms (ideal {ideal:.0f}/s), "
          f"median of {args.rounds} rounds")  # fmt: skip
    print(f"{'side':32} {'art/s':>8} {'% ideal':>8} {'x openai':>9} {'client CPU ms/art':>18} "
          f"{'server CPU ms/art':>18}")  # fmt: skip
    summary: dict[str, float] = {}
    for name, runs in results.items():
        rate = statistics.median(r["rate"] for r in runs)
        cpu = statistics.median(r["cpu_ms"] for r in runs)
        server = statistics.median(r["server_ms"] for r in runs)
        summary[name] = round(rate / bare_rate, 3)
        share = 100 * rate / ideal
        print(f"{name:32} {rate:8.1f} {share:7.1f}% {rate / bare_rate:9.2f} {cpu:18.2f} {server:18.2f}")
    strongest = max(("openai", "openai threads"), key=lambda k: summary[k])
    for name in ("aextract_many", "extract_many"):
        verdict = "MET" if summary[name] >= 0.85 else "NOT MET"
        versus = summary[name] / summary[strongest]
        print(f"target >= 0.85x openai, {name}: {summary[name]:.2f}x {verdict}; "
              f"against the strongest bare client ({strongest}): {versus:.2f}x")  # fmt: skip
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
