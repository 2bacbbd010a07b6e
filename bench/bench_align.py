"""Benchmark newsextract.grounding.align.align_quote on a 50,000-character article.

Run from the repository root:

    PYTHONPATH=src python bench/bench_align.py [--runs N] [--chars N]

Builds an article by shuffling the seed articles' sentences deterministically (random.Random(seed)),
then times ``align_quote`` for (a) an exact quote, (b) a lightly paraphrased quote and (c) a quote
that is not in the article, each against ``str.find`` of the same quote on the same text in the
same run. Prints the best and median of several runs. The absent case should be well under 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsextract.grounding.align import align  # noqa: E402
from newsextract.text.sentences import split_sentences  # noqa: E402

EXACT = (
    "The latest stake cut plan caused Xpeng ADS to fall overnight in the US, "
    "dropping 3.84 percent to $9.51 by the close of trading."
)
PARAPHRASED = (
    "The latest stake-cut plan caused XPeng ADSs to fall overnight in the U.S., "
    "dropping 3.84 percent to $9.51 at the close of trading."
)
ABSENT = (
    "Tesla's Shanghai-made vehicles drove its Hong Kong-listed suppliers "
    "up 6 percent to a record high on Monday."
)


def build_article(chars: int, seed: int) -> str:
    sentences: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [sp.slice(text) for sp in split_sentences(text)]
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        block = rng.sample(sentences, k=min(5, len(sentences)))
        para = " ".join(block) + "\n\n"
        parts.append(para)
        size += len(para)
    return "".join(parts)[:chars]


def timeit(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--chars", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=20231123)
    args = ap.parse_args()

    text = build_article(args.chars, args.seed)
    print(f"article: {len(text):,} characters, {args.runs} runs each (best / median)")
    print(
        f"{'case':<12} {'method':<11} {'score':>6} {'align best':>12} "
        f"{'align med':>12} {'str.find':>10} {'ratio':>9}"
    )
    worst = 0.0
    for name, quote in (("exact", EXACT), ("paraphrased", PARAPHRASED), ("absent", ABSENT)):
        result = align(quote, text)
        times = timeit(partial(align, quote, text), args.runs)
        ftimes = timeit(partial(text.find, quote), args.runs)
        best, med, fbest = min(times), statistics.median(times), min(ftimes)
        worst = max(worst, max(times))
        method = result.method if result else "none"
        score = f"{result.score:.3f}" if result else "-"
        print(
            f"{name:<12} {method:<11} {score:>6} {best * 1e3:>10.2f}ms {med * 1e3:>10.2f}ms "
            f"{fbest * 1e6:>8.1f}us {best / max(fbest, 1e-9):>8.0f}x"
        )
    print(
        f"slowest single call: {worst * 1e3:.2f} ms ({'OK' if worst < 1.0 else 'TOO SLOW'}: budget 1000 ms)"
    )


if __name__ == "__main__":
    main()
