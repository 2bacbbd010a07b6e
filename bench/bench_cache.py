"""Cache hits per second through ``extract()``, side by side with raw diskcache and plain sqlite.

Run from the repository root:

    .venv/bin/python bench/bench_cache.py [--blocks 15] [--block 300] [--articles 600]

A fresh cache directory; a local OpenAI-compatible server (tests/support/slow_openai.py, delay 0, in a
child process) answers with the draft a perfect model would return for each seed. Cold: the first
``extract`` of each seed (miss: request, validation, grounding, write). Then, in blocks of ``--block``
calls interleaved side by side (the order rotates per block):

- extract: ``Extractor.extract(text, published)`` on a seed, every call a hit (input checks, key, read,
  JSON decode, stored events validated and re-checked against the text, ``Extraction`` built). The three
  seeds repeat, so the per-text memos of the re-check (sentence index, normalised text, parsed
  quantities) are warm: this is a notebook re-running the same few articles;
- extract fresh: the same over ``--articles`` distinct articles (the seeds with a unique closing line,
  ``bench/fresh_text.py``, each extracted once cold first), with every per-text memo emptied before each
  call (untimed): a back catalogue read again, each article once;
- diskcache: ``diskcache.Cache.get(key)`` on the very entry ``extract`` reads (same directory, same
  ``Disk``): the storage layer alone;
- sqlite: ``SELECT`` of a JSON text row by key in a plain SQLite table + ``json.loads``: the floor.

Each call is timed on its own (wall and CPU of this process). Each side's rate is the median over blocks
of (calls / time in the calls), which a noisy neighbour's burst moves less than a mean. Every warm call
is checked to be a hit (``meta.cached``).
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

from bench.fresh_text import clear_text_memos, fresh_text, text_memos  # noqa: E402
from tests.support.slow_openai import SlowOpenAIProcess  # noqa: E402
from tests.test_gold_roundtrip import perfect_draft  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.evaluate import load_gold  # noqa: E402


def block_rate(
    call: Callable[[int], object], start: int, n: int, prepare: Callable[[int], None]
) -> tuple[float, float]:
    """(calls per wall second, calls per CPU second of this process) over one block, counting the time
    inside the calls only: ``prepare(i)`` runs untimed before each."""
    wall = cpu = 0.0
    for i in range(start, start + n):
        prepare(i)
        t0, c0 = time.perf_counter(), time.process_time()
        call(i)
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
    return n / wall, n / max(cpu, 1e-9)


def _nothing(i: int) -> None:
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blocks", type=int, default=15)
    ap.add_argument("--block", type=int, default=300)
    ap.add_argument("--articles", type=int, default=600, help="distinct articles of the fresh side")
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
        fresh = [
            (fresh_text(cases[i % len(cases)][0], i), cases[i % len(cases)][1]) for i in range(args.articles)
        ]
        for text, published in fresh:
            assert not ex.extract(text, published).meta.cached
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
        hits = [0, 0]

        def via_extract(i: int) -> None:
            text, published, _ = cases[i % len(cases)]
            hits[0] += ex.extract(text, published).meta.cached

        def via_extract_fresh(i: int) -> None:
            text, published = fresh[i % len(fresh)]
            hits[1] += ex.extract(text, published).meta.cached

        memos: list[object] = []

        def clear(i: int) -> None:
            clear_text_memos(memos)

        def via_diskcache(i: int) -> None:
            assert raw.get(keys[i % len(keys)]) is not None

        def via_sqlite(i: int) -> None:
            row = db.execute("SELECT v FROM t WHERE k = ?", (keys[i % len(keys)],)).fetchone()
            json.loads(row[0])

        sides: dict[str, tuple[Callable[[int], None], Callable[[int], None]]] = {
            "extract": (via_extract, _nothing),
            "extract fresh": (via_extract_fresh, clear),
            "diskcache": (via_diskcache, _nothing),
            "sqlite": (via_sqlite, _nothing),
        }
        for call, _ in sides.values():
            block_rate(call, 0, 50, _nothing)
        memos += text_memos()
        hits[:] = [0, 0]
        rates: dict[str, list[float]] = {name: [] for name in sides}
        cpu_rates: dict[str, list[float]] = {name: [] for name in sides}
        names = list(sides)
        for b in range(args.blocks):
            for name in names[b % len(names) :] + names[: b % len(names)]:
                call, prepare = sides[name]
                wall, cpu = block_rate(call, b * args.block, args.block, prepare)
                rates[name].append(wall)
                cpu_rates[name].append(cpu)
        ex.close()
        db.close()

    calls = args.blocks * args.block
    assert hits == [calls, calls], "every warm call must be a cache hit"
    med = {name: statistics.median(r) for name, r in rates.items()}
    cpu = {name: statistics.median(r) for name, r in cpu_rates.items()}
    print(f"seeds: {len(cases)}, fresh articles: {len(fresh)}; {calls} calls per side in blocks of "
          f"{args.block}, interleaved; {len(memos)} memos emptied before each fresh call")  # fmt: skip
    print(f"cold (miss + request to a zero-latency local server + write): "
          f"{statistics.fmean(cold) * 1000:.2f} ms per article (mean)")  # fmt: skip
    print("per wall second: what the run saw (a busy machine takes the CPU away mid-block);")
    print("per CPU second: what one process does while it holds a core (robust to neighbours)")
    print(f"{'side':14} {'per wall s (median)':>20} {'per CPU s (median)':>19} {'CPU us per call':>16}")
    for name in names:
        print(f"{name:14} {med[name]:20,.0f} {cpu[name]:19,.0f} {1e6 / cpu[name]:16.1f}")
    print(f"extract / raw diskcache get: {med['extract'] / med['diskcache']:.2f}x wall, "
          f"{cpu['extract'] / cpu['diskcache']:.2f}x CPU; extract / sqlite+json: "
          f"{cpu['extract'] / cpu['sqlite']:.2f}x CPU")  # fmt: skip
    for name in ("extract", "extract fresh"):
        best = max(med[name], cpu[name])
        print(f"hits per second through {name}(): {med[name]:,.0f} wall, {cpu[name]:,.0f} CPU "
              f"(target >= 8,000): {'MET' if best >= 8000 else 'NOT MET'}")  # fmt: skip
    print(
        json.dumps(
            {"wall": {k: round(v) for k, v in med.items()}, "cpu": {k: round(v) for k, v in cpu.items()}}
        )
    )


if __name__ == "__main__":
    main()
