"""Benchmark: post-processing a caller's kind against the built-ins, and how both grow with the article.

Usage::

    .venv/bin/python bench/bench_kinds.py                       # 10 KB and 100 KB
    .venv/bin/python bench/bench_kinds.py --sizes 10000,100000,1000000 --runs 5

One article (the dividend and layoff articles of ``tests/test_kinds.py`` around filler news sentences)
is post-processed twice per size, side by side in one run: a reply of the caller's kinds (two dividend
mentions that merge, one layoff: every role checked by meaning) through ``pipeline.by_kind``, and a reply
of the built-ins (a share sale on the same article) through ``pipeline.postprocess``, the strongest
reference: the established path. It prints the fastest of ``--runs`` runs in CPU seconds of the process,
the user-kind / built-in ratio, and each path's growth ratio to the first size beside the size ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.test_kinds import (  # noqa: E402
    ARTICLE,
    LAYOFF_ARTICLE,
    LAYOFF_QUOTE,
    REPLY,
    S1,
    S4,
    Dividend,
    Layoff,
)

from newsextract.grounding import checks, verdict  # noqa: E402
from newsextract.grounding.reask import reply_model  # noqa: E402
from newsextract.kinds.drafts import ArticleDraft  # noqa: E402
from newsextract.kinds.kindset import resolve_kinds  # noqa: E402
from newsextract.pipeline.by_kind import postprocess_kinds  # noqa: E402
from newsextract.pipeline.postprocess import postprocess  # noqa: E402

PUBLISHED = dt.date(2024, 3, 4)


def article(size: int) -> str:
    parts: list[str] = []
    i = 0
    while sum(map(len, parts)) < size:
        parts.append(f"Company{i} Ltd reported steady trading in quarter {i % 4 + 1}. ")
        i += 1
    return ARTICLE + "\n\n" + "".join(parts) + "\n\n" + LAYOFF_ARTICLE


def fastest(fn: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        checks.normalize_for_search.cache_clear()  # each run folds the article again, as a new one would
        verdict._memo.clear()  # and the built-ins' verdicts are judged again, not recalled
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    kinds = resolve_kinds([Dividend, Layoff])
    assert kinds is not None
    reply = reply_model(kinds).model_validate(
        {
            "dividends": [
                {"quote": S1, "company": "Harrowgate Foods Plc", "per_share": "$0.25", "payable": "April 15"},
                {"quote": S4, "company": "Harrowgate", "per_share": "$0.25"},
            ],
            "layoffs": [
                {"quote": LAYOFF_QUOTE, "company": "Northwind Holdings", "jobs": "1,200", "share": "8%",
                 "unit": "logistics unit", "announced_by": "Lopez", "title": "CEO"}
            ],
        }
    )  # fmt: skip
    builtin = ArticleDraft.model_validate({"share_sales": REPLY["share_sales"]})
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'size':>9} {'user kinds s':>13} {'built-ins s':>12} {'ratio':>6} {'user growth':>12} "
          f"{'built-in growth':>16} {'size ratio':>11}")  # fmt: skip
    first: tuple[float, float, int] | None = None
    for size in sizes:
        text = article(size)
        user = fastest(lambda t=text: postprocess_kinds(reply, t, PUBLISHED, kinds), args.runs)
        base = fastest(lambda t=text: postprocess(builtin, t, PUBLISHED), args.runs)
        events, _ = postprocess_kinds(reply, text, PUBLISHED, kinds)
        assert len(events) == 2, events  # the dividend mentions merged, the layoff kept
        first = first or (user, base, len(text))
        print(
            f"{len(text):>9} {user:>13.4f} {base:>12.4f} {user / base:>6.2f} {user / first[0]:>12.1f} "
            f"{base / first[1]:>16.1f} {len(text) / first[2]:>11.1f}"
        )


if __name__ == "__main__":
    main()
