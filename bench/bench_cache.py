"""Cache hits per second on the seed articles, and the cold/warm ratio.

Run from the repository root:

    .venv/bin/python bench/bench_cache.py [--seconds 3]

A fresh cache directory; a local OpenAI-compatible server (tests/support/slow_openai.py, delay 0, in a
child process) answers with the draft a perfect model would return for each seed. Cold: the first
``extract`` of each seed (cache miss: request, validation, grounding, write). Warm: ``extract`` of the
same seeds again and again for ``--seconds`` (every call a hit: key, read, JSON -> draft, post-processing,
``Extraction``). The server's request count proves every warm call was a hit.
Target: more than 2,000 hits per second. A hit re-runs grounding and post-processing on the stored
draft (so fixes there apply to cached answers); the cache layer alone (key + read + decode) is timed
separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.support.slow_openai import SlowOpenAIProcess  # noqa: E402
from tests.test_gold_roundtrip import perfect_draft  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.evaluate import load_gold  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0)
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
            result = ex.extract(text, published)
            cold.append(time.perf_counter() - t0)
            assert not result.meta.cached
        warm = []
        hits = 0
        events = 0
        deadline = time.perf_counter() + args.seconds
        started = time.perf_counter()
        while time.perf_counter() < deadline:
            for text, published, _ in cases:
                t0 = time.perf_counter()
                result = ex.extract(text, published)
                warm.append(time.perf_counter() - t0)
                hits += result.meta.cached
                events += len(result.events)
        elapsed = time.perf_counter() - started
        # the cache layer alone: key + read + JSON decode, without re-running post-processing
        store = ex.store
        assert store is not None
        layer = 0
        deadline = time.perf_counter() + args.seconds / 2
        t_layer = time.perf_counter()
        while time.perf_counter() < deadline:
            for text, published, _ in cases:
                assert store.get(ex.cache_key(text, published)) is not None
                layer += 1
        layer_rate = layer / (time.perf_counter() - t_layer)
        ex.close()
    calls = len(warm)
    assert hits == calls, "every warm call must be a cache hit"
    rate = calls / elapsed
    cold_ms = statistics.fmean(cold) * 1000
    warm_ms = statistics.median(warm) * 1000
    print(f"seeds: {len(cases)}, events per hit: {events / calls:.2f}")
    print(
        f"cold (miss + request to a zero-latency local server + write): {cold_ms:.2f} ms per article (mean)"
    )
    print(f"warm (hit): {warm_ms:.3f} ms per article (median), {calls} hits in {elapsed:.2f} s")
    print(f"hits per second: {rate:,.0f} (target > 2,000): {'MET' if rate > 2000 else 'NOT MET'}")
    print(f"cache layer alone (key + read + JSON decode, no post-processing): {layer_rate:,.0f} per second")
    print(f"cold/warm ratio: {cold_ms / warm_ms:.1f}x (cold: zero-latency server; a real model adds seconds)")


if __name__ == "__main__":
    main()
