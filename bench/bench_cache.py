"""Cache hits per second through ``extract()``, side by side with raw diskcache and plain sqlite.

Run from the repository root:

    .venv/bin/python bench/bench_cache.py [--blocks 15] [--block 300]

A fresh cache directory; a local OpenAI-compatible server (tests/support/slow_openai.py, delay 0, in a
child process) answers with the draft a perfect model would return for each seed. Cold: the first
``extract`` of each seed (miss: request, validation, grounding, write). Then, in blocks of ``--block``
calls interleaved side by side (the order rotates per block):

- extract: ``Extractor.extract(text, published)`` on a seed, every call a hit (input checks, key, read,
  JSON decode, stored events validated, ``Extraction`` built);
- diskcache: ``diskcache.Cache.get(key)`` on the very entry ``extract`` reads (same directory, same
  ``Disk``): the storage layer alone;
- sqlite: ``SELECT`` of a JSON text row by key in a plain SQLite table + ``json.loads``: the floor.

Each side's rate is the median over blocks of (calls / block time), which a noisy neighbour's burst
moves less than a mean. The server's request count proves every warm call was a hit.
Target: at least 8,000 hits per second through ``extract()``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.support.slow_openai import SlowOpenAIProcess  # noqa: E402
from tests.test_gold_roundtrip import perfect_draft  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.evaluate import load_gold  # noqa: E402


def block_rate(call: Callable[[int], object], start: int, n: int) -> tuple[float, float]:
    """(calls per wall second, calls per CPU second of this process) over one block."""
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(start, start + n):
        call(i)
    return n / (time.perf_counter() - t0), n / max(time.process_time() - c0, 1e-9)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blocks", type=int, default=15)
    ap.add_argument("--block", type=int, default=300)
    args = ap.parse_args()
    cases = []
    for article in load_gold(ROOT / "fixtures" / "gold" / "seeds.jsonl"):
        text = (ROOT / "seeds" / f"{article.id}.txt").read_text(encoding="utf-8")
        cases.append((text, article.published, perfect_draft(article, text).model_dump_json()))

    with (
        tempfile.TemporaryDirectory() as cache_dir,
        SlowOpenAIProcess(0.0, [(t[:80], r) for t, _, r in cases]) as srv,
    ):
        ex = Extractor(model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache_dir=cache_dir)
        ex.extract("Warm-up article: imports and connections are made here.")  # not a seed
        cold = []
        for text, published, _ in cases:
            t0 = time.perf_counter()
            assert not ex.extract(text, published).meta.cached
            cold.append(time.perf_counter() - t0)
        store = ex.store
        assert store is not None
        keys = [ex.cache_key(text, published) for text, published, _ in cases]
        raw = store._open()  # the diskcache.Cache extract reads through
        assert raw is not None
        values = [raw.get(k) for k in keys]
        db = sqlite3.connect(str(Path(cache_dir) / "plain.sqlite"))
        db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)")
        db.executemany(
            "INSERT INTO t VALUES (?, ?)", [(k, json.dumps(v)) for k, v in zip(keys, values, strict=True)]
        )
        db.commit()
        hits = [0]

        def via_extract(i: int) -> None:
            text, published, _ = cases[i % len(cases)]
            hits[0] += ex.extract(text, published).meta.cached

        def via_diskcache(i: int) -> None:
            assert raw.get(keys[i % len(keys)]) is not None

        def via_sqlite(i: int) -> None:
            row = db.execute("SELECT v FROM t WHERE k = ?", (keys[i % len(keys)],)).fetchone()
            json.loads(row[0])

        sides: dict[str, Callable[[int], None]] = {
            "extract": via_extract,
            "diskcache": via_diskcache,
            "sqlite": via_sqlite,
        }
        for side in sides.values():
            block_rate(side, 0, 50)
        hits[0] = 0
        rates: dict[str, list[float]] = {name: [] for name in sides}
        cpu_rates: dict[str, list[float]] = {name: [] for name in sides}
        names = list(sides)
        for b in range(args.blocks):
            for name in names[b % 3 :] + names[: b % 3]:
                wall, cpu = block_rate(sides[name], b * args.block, args.block)
                rates[name].append(wall)
                cpu_rates[name].append(cpu)
        ex.close()
        db.close()

    calls = args.blocks * args.block
    assert hits[0] == calls, "every warm call must be a cache hit"
    med = {name: statistics.median(r) for name, r in rates.items()}
    cpu = {name: statistics.median(r) for name, r in cpu_rates.items()}
    print(f"seeds: {len(cases)}; {calls} calls per side in blocks of {args.block}, interleaved")
    print(f"cold (miss + request to a zero-latency local server + write): "
          f"{statistics.fmean(cold) * 1000:.2f} ms per article (mean)")  # fmt: skip
    print("per wall second: what the run saw (a busy machine takes the CPU away mid-block);")
    print("per CPU second: what one process does while it holds a core (robust to neighbours)")
    print(f"{'side':10} {'per wall s (median)':>20} {'per CPU s (median)':>19} {'CPU us per call':>16}")
    for name in names:
        print(f"{name:10} {med[name]:20,.0f} {cpu[name]:19,.0f} {1e6 / cpu[name]:16.1f}")
    print(f"extract / raw diskcache get: {med['extract'] / med['diskcache']:.2f}x wall, "
          f"{cpu['extract'] / cpu['diskcache']:.2f}x CPU; extract / sqlite+json: "
          f"{cpu['extract'] / cpu['sqlite']:.2f}x CPU")  # fmt: skip
    best = max(med["extract"], cpu["extract"])
    print(f"hits per second through extract(): {med['extract']:,.0f} wall, {cpu['extract']:,.0f} CPU "
          f"(target >= 8,000): {'MET' if best >= 8000 else 'NOT MET'}")  # fmt: skip
    print(
        json.dumps(
            {"wall": {k: round(v) for k, v in med.items()}, "cpu": {k: round(v) for k, v in cpu.items()}}
        )
    )


if __name__ == "__main__":
    main()
