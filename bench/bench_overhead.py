"""Per-article overhead of newsextract over a bare instructor call, same schema, same local server.

Run from the repository root:

    .venv/bin/python bench/bench_overhead.py [--n 300] [--warmup 30]

A minimal OpenAI-compatible server (tests/support/slow_openai.py, delay 0) answers at once, in a child
process (so its CPU does not share this process's GIL), with the draft a perfect model would return for
each seed article (tests/test_gold_roundtrip.perfect_draft). Per article, interleaved (the order alternates):

- newsextract: ``Extractor(..., cache=False).extract(text, published)`` - input checks, prompt, request
  through the retrying transport, instructor validation with grounding re-ask checks, post-processing
  (alignment, value checks, normalisation, de-duplication) and the ``Extraction``;
- bare: ``instructor.from_openai(openai.OpenAI(base_url=..., max_retries=0), mode=TOOLS)
  .chat.completions.create(response_model=ArticleDraft, messages=<the same messages>)``.

Prints per-article ms (mean and median) for both, the difference (target < 2 ms) and the ratio
(target < 1.10).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import instructor  # noqa: E402
import openai  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402
from tests.support.slow_openai import SlowOpenAIProcess  # noqa: E402
from tests.test_gold_roundtrip import perfect_draft  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.core.drafts import (  # noqa: E402
    ArticleDraft,
    ExecutiveChangeDraft,
    ShareSaleDraft,
    StockMoveDraft,
)


class PlainArticleDraft(BaseModel):
    """The same schema as ArticleDraft, as a user would write it for a bare instructor call: plain pydantic,
    without newsextract's once-per-process JSON schema cache."""

    share_sales: list[ShareSaleDraft] = Field(default_factory=list)
    executive_changes: list[ExecutiveChangeDraft] = Field(default_factory=list)
    stock_moves: list[StockMoveDraft] = Field(default_factory=list)

    def items(self) -> list[object]:
        return [*self.share_sales, *self.executive_changes, *self.stock_moves]


from newsextract.evaluate import load_gold  # noqa: E402
from newsextract.strategies.base import StrategyInput  # noqa: E402


def seed_cases() -> list[tuple[str, str | None, str]]:
    """(text, published, reply JSON) for each seed article."""
    cases = []
    for article in load_gold(ROOT / "fixtures" / "gold" / "seeds.jsonl"):
        text = (ROOT / "seeds" / f"{article.id}.txt").read_text(encoding="utf-8")
        reply = perfect_draft(article, text).model_dump_json()
        cases.append((text, article.published.isoformat() if article.published else None, reply))
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300, help="articles per side (default 300)")
    ap.add_argument("--warmup", type=int, default=30)
    args = ap.parse_args()

    cases = seed_cases()
    with SlowOpenAIProcess(0.0, [(t[:80], reply) for t, _, reply in cases]) as server:
        ex = Extractor(model="bench-model", base_url=server.base_url, api_key="sk-bench", cache=False)
        bare = instructor.from_openai(
            openai.OpenAI(base_url=server.base_url, api_key="sk-bench", max_retries=0),
            mode=instructor.Mode.TOOLS,
        )

        def messages(text: str, published: str | None) -> list[dict[str, str]]:
            import datetime as dt

            pub = dt.date.fromisoformat(published) if published else None
            item = StrategyInput(text=text, published=pub, grounding="strict", max_retries=2, max_tokens=2048)
            return list(ex.strategy.messages(text, item))  # type: ignore[attr-defined]

        rendered = [messages(t, p) for t, p, _ in cases]
        events_seen = [0, 0]

        def run_ne(i: int) -> float:
            text, published, _reply = cases[i % len(cases)]
            t0 = time.perf_counter()
            result = ex.extract(text, published)
            dt_ = time.perf_counter() - t0
            events_seen[0] += len(result.events)
            return dt_

        def run_bare(i: int) -> float:
            _text, _published, _reply = cases[i % len(cases)]
            t0 = time.perf_counter()
            draft = bare.chat.completions.create(
                model="bench-model",
                messages=rendered[i % len(cases)],  # type: ignore[arg-type]
                response_model=PlainArticleDraft,
                max_retries=0,
                temperature=0.0,
                max_tokens=2048,
            )
            dt_ = time.perf_counter() - t0
            events_seen[1] += len(draft.items())
            return dt_

        for i in range(args.warmup):
            run_ne(i)
            run_bare(i)
        ne: list[float] = []
        raw: list[float] = []
        for i in range(args.n):
            if i % 2:
                ne.append(run_ne(i))
                raw.append(run_bare(i))
            else:
                raw.append(run_bare(i))
                ne.append(run_ne(i))
        ex.close()

    # where the difference goes: the pure grounding work, timed alone on the same drafts
    from newsextract.grounding.reask import draft_problems
    from newsextract.pipeline.postprocess import postprocess

    pure: list[float] = []
    for i in range(args.n):
        text, published, reply = cases[i % len(cases)]
        draft = ArticleDraft.model_validate_json(reply)
        import datetime as dt

        pub = dt.date.fromisoformat(published) if published else None
        t0 = time.perf_counter()
        draft_problems(draft, text)  # the validation-time check (re-ask trigger)
        postprocess(draft, text, pub, "strict")  # grounding, normalisation, de-duplication
        pure.append(time.perf_counter() - t0)

    ms = 1000.0
    ne_mean, raw_mean = statistics.fmean(ne) * ms, statistics.fmean(raw) * ms
    ne_med, raw_med = statistics.median(ne) * ms, statistics.median(raw) * ms
    print(f"articles per side: {args.n} (3 seed articles in turn, {len(cases)} distinct), interleaved")
    print(
        f"events per article: newsextract {events_seen[0] / (args.n + args.warmup):.2f}, "
        f"bare {events_seen[1] / (args.n + args.warmup):.2f} (drafts, ungrounded)"
    )
    print(f"{'':12} {'mean ms':>9} {'median ms':>10}")
    print(f"{'newsextract':12} {ne_mean:9.3f} {ne_med:10.3f}")
    print(f"{'bare':12} {raw_mean:9.3f} {raw_med:10.3f}")
    print(f"of which grounding checks + post-processing alone: {statistics.median(pure) * ms:.3f} ms median")
    diff_mean, diff_med = ne_mean - raw_mean, ne_med - raw_med
    ratio_mean, ratio_med = ne_mean / raw_mean, ne_med / raw_med
    print(
        f"difference: {diff_mean:.3f} ms mean, {diff_med:.3f} ms median (target < 2 ms): "
        f"{'MET' if diff_med < 2 else 'NOT MET'}"
    )
    print(
        f"ratio: {ratio_mean:.3f} mean, {ratio_med:.3f} median (target < 1.10): "
        f"{'MET' if ratio_med < 1.10 else 'NOT MET'}"
    )
    print(
        json.dumps(
            {
                "ne_ms": round(ne_med, 3),
                "bare_ms": round(raw_med, 3),
                "diff_ms": round(diff_med, 3),
                "ratio": round(ratio_med, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
