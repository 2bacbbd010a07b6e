"""extract_many against extract_dataset (Ray Data) at equal concurrency, side by side in one run.

Run from the repository root:

    .venv/bin/python bench/bench_ray.py [--articles 1000] [--delay 0.2] [--levels 8,32] [--actors 2]

The endpoint is tests/support/slow_openai.py in a child process: every chat completion is answered after
exactly ``--delay`` seconds however many are in flight, so the ideal rate at concurrency C is C / delay.
Every article is a distinct short news text whose reply holds one stock move, grounded as in production;
the cache is off, so every article is one request.

For each level C (requests in flight in all):

- ``extract_many``: ``Extractor.extract_many(texts, concurrency=C)`` in this process (threads);
- ``extract_many processes=2``: the same with two worker processes (the strongest single-machine reference);
- ``extract_dataset``: ``--actors`` actors on a local Ray cluster (num_cpus=2, 200 MB object store), each
  with ``in_flight = C / actors``; the time includes building the plan, starting the actors (one Extractor
  each) and collecting every row to the driver, i.e. what a user waits for.

Ray's fixed cost is measured by a run of ``--actors`` articles (startup, no throughput). Each Ray run
also reports when its first rows reached the driver (actors started, first batch done) and its steady
rate after that; Ray's overhead per article is ``1 / steady rate - t_extract_many / articles``: what
each article costs on Ray beyond what it costs in ``extract_many`` at the same concurrency, once the
actors are up (negative when Ray is faster).
A last pair of runs uses a server that answers at once (``--delay 0``) to find the CPU-bound ceiling of
one actor and of one extract_many process: the most a core can push through the client stack.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.support.slow_openai import MOVE_REPLY, MOVE_SENTENCE, SlowOpenAIProcess  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.extraction import Extraction  # noqa: E402

SENTENCE, REPLY = MOVE_SENTENCE, MOVE_REPLY


def texts(n: int, tag: str) -> list[str]:
    return [f"{SENTENCE} Report {tag}-{i} of the day, filed by the markets desk." for i in range(n)]


def run_many(base_url: str, batch: list[str], concurrency: int, processes: int = 1) -> float:
    ex = Extractor(model="bench-model", base_url=base_url, api_key="sk-bench", cache=False)
    ex.extract("Warm-up article: imports and the first connection happen here.")
    t0 = time.perf_counter()
    results = ex.extract_many(batch, concurrency=concurrency, processes=processes, progress=False)
    elapsed = time.perf_counter() - t0
    ex.close()
    ok = sum(isinstance(r, Extraction) and len(r.stock_moves) == 1 for r in results)
    assert ok == len(batch), f"{len(batch) - ok} article(s) failed in extract_many"
    return elapsed


def run_dataset(
    ray: Any, base_url: str, batch: list[str], actors: int, in_flight: int
) -> tuple[float, float, int]:
    """(seconds until every row is at the driver, seconds until the first rows arrived, rows in that
    first arrival)."""
    from newsextract.ray import extract_dataset

    t0 = time.perf_counter()
    ds = ray.data.from_items(
        [{"id": str(i), "text": t} for i, t in enumerate(batch)], override_num_blocks=max(actors * 8, 1)
    )
    out = extract_dataset(
        ds, base_url=base_url, model="bench-model", cache=False, concurrency=actors, in_flight=in_flight
    )
    first, first_rows, rows, ok = 0.0, 0, 0, 0
    for part in out.iter_batches(batch_format="pyarrow", batch_size=None):
        if not first:
            first, first_rows = time.perf_counter() - t0, part.num_rows
        rows += part.num_rows
        ok += sum(
            1
            for r in part.select(["ok", "stock_moves"]).to_pylist()
            if r["ok"] and len(r["stock_moves"]) == 1
        )
    elapsed = time.perf_counter() - t0
    assert rows == len(batch) and ok == len(batch), f"{len(batch) - ok} article(s) failed on Ray"
    return elapsed, first, first_rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--levels", default="8,32")
    ap.add_argument("--actors", type=int, default=2)
    ap.add_argument("--ceiling-articles", type=int, default=600)
    args = ap.parse_args()

    import ray

    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200_000_000, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    levels = [int(x) for x in args.levels.split(",")]
    n = args.articles
    rows = []
    with SlowOpenAIProcess(args.delay, default=REPLY) as srv:
        run_dataset(ray, srv.base_url, texts(args.actors * 2, "warm"), args.actors, 1)  # imports, worker pool
        fixed = run_dataset(ray, srv.base_url, texts(args.actors, "fixed"), args.actors, 1)[0]
        for level in levels:
            in_flight = max(1, level // args.actors)
            t_many = run_many(srv.base_url, texts(n, f"m{level}"), level)
            t_proc = run_many(srv.base_url, texts(n, f"p{level}"), level, processes=2)
            t_ray = run_dataset(ray, srv.base_url, texts(n, f"r{level}"), args.actors, in_flight)
            rows.append((level, in_flight, t_many, t_proc, t_ray))
    with SlowOpenAIProcess(0.0, default=REPLY) as fast:
        m = args.ceiling_articles
        ceiling_many = m / run_many(fast.base_url, texts(m, "cm"), 32)
        t_all, t_first, first_rows = run_dataset(ray, fast.base_url, texts(m, "ca"), 1, 32)
        ceiling_actor = (m - first_rows) / (t_all - t_first)
    ray.shutdown()

    print(
        f"server delay {args.delay * 1000:.0f} ms per request; {n} articles per run; "
        "ideal = concurrency / delay"
    )
    print(
        f"Ray fixed cost (plan, {args.actors} actors started, {args.actors} articles collected): "
        f"{fixed:.2f} s"
    )
    header = (
        f"{'concurrency':>11} {'ideal/s':>8} {'extract_many/s':>15} {'processes=2/s':>14} "
        f"{'dataset end-to-end/s':>21} {'first rows s':>13} {'dataset steady/s':>17} {'overhead ms/art':>16}"
    )
    print(header)
    for level, in_flight, t_many, t_proc, (t_ray, t_first, first_rows) in rows:
        steady = (n - first_rows) / (t_ray - t_first)
        overhead_ms = 1000 * (1 / steady - t_many / n)
        print(
            f"{level:>11} {level / args.delay:>8.1f} {n / t_many:>15.1f} {n / t_proc:>14.1f} "
            f"{n / t_ray:>21.1f} {t_first:>13.2f} {steady:>17.1f} {overhead_ms:>16.2f}"
            f"   ({args.actors} actors x {in_flight} in flight)"
        )
    print(
        f"CPU-bound ceiling (server answers at once, 32 in flight): extract_many one process "
        f"{ceiling_many:.1f} art/s; one Ray actor {ceiling_actor:.1f} art/s (after its first rows)"
    )


if __name__ == "__main__":
    main()
