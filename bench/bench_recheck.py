"""What re-checking a cache hit costs: hits per second with and without ``recheck_events``, side by side.

Run from the repository root:

    .venv/bin/python bench/bench_recheck.py [--seconds 3]

Same set-up as ``bench_cache.py`` (a fresh cache, a zero-latency local server answering each seed with
the draft a perfect model would return). Each seed is extracted once (a miss), then extracted again and
again (hits), alternating rounds of the normal hit path and of a hit path whose re-check is replaced by
a pass-through, in the same process. Prints both rates, the ratio, and the re-check's own time per hit
(``recheck_events`` on the stored events of each seed).
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

import newsextract.engine.cached as cached  # noqa: E402
from newsextract import Extractor  # noqa: E402
from newsextract.evaluate import load_gold  # noqa: E402
from newsextract.grounding.recheck import recheck_events  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    cases = []
    for article in load_gold(ROOT / "fixtures" / "gold" / "seeds.jsonl"):
        text = (ROOT / "seeds" / f"{article.id}.txt").read_text(encoding="utf-8")
        cases.append((text, article.published, perfect_draft(article, text).model_dump_json()))
    checked = cached.rechecked
    unchecked = lambda processed, text, grounding: processed  # noqa: E731 - the reference hit path

    with (
        tempfile.TemporaryDirectory() as cache_dir,
        SlowOpenAIProcess(0.0, [(t[:80], r) for t, _, r in cases]) as srv,
    ):
        ex = Extractor(model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache_dir=cache_dir)
        results = [ex.extract(text, published) for text, published, _ in cases]  # the misses
        rates: dict[str, list[float]] = {"with re-check": [], "without": []}
        rounds = 6
        for r in range(rounds):
            for name, fn in (("with re-check", checked), ("without", unchecked))[:: 1 if r % 2 else -1]:
                cached.rechecked = fn  # type: ignore[assignment]
                hits = 0
                started = time.perf_counter()
                deadline = started + args.seconds / rounds
                while time.perf_counter() < deadline:
                    for text, published, _ in cases:
                        hits += ex.extract(text, published).meta.cached
                rates[name].append(hits / (time.perf_counter() - started))
        cached.rechecked = checked
        own = []
        for (text, _, _), result in zip(cases, results, strict=True):
            t0 = time.perf_counter()
            for _ in range(50):
                assert not recheck_events(result.events, text, "strict").problems
            own.append((time.perf_counter() - t0) / 50)
        ex.close()
    with_rate, without_rate = (statistics.median(rates[k]) for k in ("with re-check", "without"))
    events = sum(len(r.events) for r in results) / len(results)
    print(f"seeds: {len(cases)}, events per hit: {events:.2f}")
    print(f"hits per second with the re-check: {with_rate:,.0f}; without: {without_rate:,.0f}")
    print(f"ratio (with / without): {with_rate / without_rate:.2f}")
    print(f"recheck_events alone: {statistics.fmean(own) * 1000:.3f} ms per hit (mean over the seeds)")


if __name__ == "__main__":
    main()
