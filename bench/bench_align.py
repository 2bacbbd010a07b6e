"""Benchmark newsextract.grounding.align.align_quote on a 50,000-character article.

Run from the repository root:

    PYTHONPATH=src python bench/bench_align.py [--runs N] [--chars N]

Builds an article by shuffling the seed articles' sentences deterministically (random.Random(seed)),
then times ``align_quote`` for (a) an exact quote, (b) a lightly paraphrased quote and (c) a quote
that is not in the article, each against ``str.find`` of the same quote on the same text in the
same run. Prints the best and median of several runs. The absent case should be well under 1 s.

With ``rapidfuzz`` installed (a dev dependency), it also compares the library's alignment with
``rapidfuzz.fuzz.partial_ratio_alignment`` side by side: the same three timings, and how many of the
gold quotes of the seeds and held-out sets, misquoted the ways models misquote (a clause, a dropped
word, straight quotes, collapsed whitespace, an ellipsis, two sentences), each aligns to the right place.
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
sys.path.insert(0, str(ROOT))

from newsextract.grounding.align import THRESHOLD, align, normalize_for_match  # noqa: E402
from newsextract.grounding.context import locate  # noqa: E402
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
    compare_rapidfuzz(text, args.runs)


def compare_rapidfuzz(text: str, runs: int) -> None:
    """The library's alignment next to rapidfuzz's partial_ratio_alignment: speed and correctness."""
    try:
        from rapidfuzz import fuzz
    except ImportError:
        print("rapidfuzz not installed: comparison skipped")
        return
    from tests.support.gold_model import QUOTE_FORMS, load_cases, misquote

    def rf_span(quote: str, article: str) -> tuple[int, int] | None:
        q = quote.strip()
        i = article.find(q)
        if i >= 0:
            return i, i + len(q)
        hit = fuzz.partial_ratio_alignment(
            normalize_for_match(" ".join(q.split())),
            normalize_for_match(article),
            score_cutoff=THRESHOLD * 100,
        )
        return None if hit is None else (hit.dest_start, hit.dest_end)

    methods: dict[str, Callable[[str, str], tuple[int, int] | None]] = {
        "newsextract": lambda q, t: locate(q, t),
        "rapidfuzz": rf_span,
    }
    print(f"\n{'method':<12} {'exact':>9} {'paraphr.':>9} {'absent':>9}   misquoted gold quotes aligned")
    cases = load_cases()
    for name, fn in methods.items():
        cells = []
        for quote in (EXACT, PARAPHRASED, ABSENT):
            cells.append(min(timeit(partial(fn, quote, text), runs)) * 1e3)
        ok = total = 0
        for case in cases:
            for ev in case.events:
                for form in QUOTE_FORMS:
                    span = fn(misquote(ev.quote, case.text, ev.start, ev.end, form), case.text)
                    total += 1
                    ok += span is not None and span[0] < ev.end and span[1] > ev.start
        print(f"{name:<12} {cells[0]:>7.2f}ms {cells[1]:>7.2f}ms {cells[2]:>7.2f}ms   {ok}/{total}")


if __name__ == "__main__":
    main()
