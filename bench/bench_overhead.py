"""Client CPU per article: newsextract against the bare ``openai`` client sending the same request body.

Run from the repository root:

    .venv/bin/python bench/bench_overhead.py [--blocks 12] [--block 50]

A minimal OpenAI-compatible server (tests/support/slow_openai.py, delay 0) answers at once, in a child
process (its CPU is not counted: ``time.process_time`` measures this process only), with the draft a
perfect model would return for each seed article (tests/test_gold_roundtrip.perfect_draft). Sides, each
timed in blocks of ``--block`` sequential calls, the blocks interleaved (A B C D, then B C D A, ...):

- newsextract: ``Extractor(..., cache=False).extract(text, published)``: input checks, prompt, request
  through the retrying transport, validation with grounding, post-processing, the ``Extraction``;
- openai: ``openai.OpenAI(...).chat.completions.create(**body)`` with the exact body newsextract sends
  (``backend.request_body``): the strongest reference a user of the client library would write;
- httpx: ``httpx2.Client.post(url, json=body)`` + ``json.loads``: the physical floor of one round trip;
- instructor: ``instructor.from_openai(...).chat.completions.create(response_model=ArticleDraft, ...)``,
  for reference only (slower than the openai client it wraps).

Prints the median CPU ms per article for each side and the ratios. Target: newsextract at most 1.5x openai.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import httpx2  # noqa: E402
import instructor  # noqa: E402
import openai  # noqa: E402
from tests.support.slow_openai import SlowOpenAIProcess  # noqa: E402
from tests.test_gold_roundtrip import perfect_draft  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.evaluate import load_gold  # noqa: E402
from newsextract.grounding.reask import GroundedArticleDraft  # noqa: E402
from newsextract.kinds.drafts import ArticleDraft  # noqa: E402
from newsextract.strategies.base import StrategyInput  # noqa: E402


def seed_cases() -> list[tuple[str, dt.date | None, str]]:
    """(text, published, reply JSON) for each seed article."""
    cases = []
    for article in load_gold(ROOT / "fixtures" / "gold" / "seeds.jsonl"):
        text = (ROOT / "seeds" / f"{article.id}.txt").read_text(encoding="utf-8")
        cases.append((text, article.published, perfect_draft(article, text).model_dump_json()))
    return cases


def cpu_ms_per_call(call: Callable[[int], object], start: int, n: int) -> float:
    t0 = time.process_time()
    for i in range(start, start + n):
        call(i)
    return (time.process_time() - t0) * 1000 / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blocks", type=int, default=12, help="timed blocks per side (default 12)")
    ap.add_argument("--block", type=int, default=50, help="calls per block (default 50)")
    args = ap.parse_args()

    cases = seed_cases()
    with SlowOpenAIProcess(0.0, [(t[:80], reply) for t, _, reply in cases]) as server:
        ex = Extractor(model="bench-model", base_url=server.base_url, api_key="sk-bench", cache=False)
        backend = ex.backend
        bodies = []
        for text, published, _ in cases:
            item = StrategyInput(text=text, published=published)
            messages = ex.strategy.messages(text, item)  # type: ignore[attr-defined]
            bodies.append(backend.request_body(messages, GroundedArticleDraft))  # type: ignore[attr-defined]
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-bench", max_retries=0)
        http = httpx2.Client()
        url = server.base_url + "/chat/completions"
        headers = {"Authorization": "Bearer sk-bench"}
        bare_instructor = instructor.from_openai(
            openai.OpenAI(base_url=server.base_url, api_key="sk-bench", max_retries=0),
            mode=instructor.Mode.TOOLS,
        )
        events = {"newsextract": 0, "openai": 0}

        def run_ne(i: int) -> None:
            text, published, _ = cases[i % len(cases)]
            events["newsextract"] += len(ex.extract(text, published).events)

        def run_openai(i: int) -> None:
            completion = client.chat.completions.create(**bodies[i % len(cases)])
            events["openai"] += bool(completion.choices[0].message.tool_calls)

        def run_httpx(i: int) -> None:
            json.loads(http.post(url, json=bodies[i % len(cases)], headers=headers).content)

        def run_instructor(i: int) -> None:
            body = bodies[i % len(cases)]
            bare_instructor.chat.completions.create(
                model=body["model"],
                messages=body["messages"],
                response_model=ArticleDraft,
                max_retries=0,
                temperature=0.0,
                max_tokens=body["max_tokens"],
            )

        sides: dict[str, Callable[[int], None]] = {
            "newsextract": run_ne,
            "openai": run_openai,
            "httpx": run_httpx,
            "instructor": run_instructor,
        }
        for side in sides.values():  # warm-up: imports, connections, schema caches
            cpu_ms_per_call(side, 0, 20)
        timings: dict[str, list[float]] = {name: [] for name in sides}
        names = list(sides)
        for b in range(args.blocks):
            order = names[b % len(names) :] + names[: b % len(names)]
            for name in order:
                timings[name].append(cpu_ms_per_call(sides[name], b * args.block, args.block))
        ex.close()
        http.close()

    med = {name: statistics.median(values) for name, values in timings.items()}
    per_side = args.blocks * args.block
    print(f"{per_side} articles per side (3 seed articles in turn), blocks of {args.block} interleaved")
    print(f"events per article from newsextract: {events['newsextract'] / (per_side + 20):.2f}")
    print(f"{'side':12} {'CPU ms/article (median of blocks)':>34} {'min':>7} {'max':>7}")
    for name in names:
        print(f"{name:12} {med[name]:34.3f} {min(timings[name]):7.3f} {max(timings[name]):7.3f}")
    ratio = med["newsextract"] / med["openai"]
    verdict = "MET" if ratio <= 1.5 else "NOT MET"
    print(f"newsextract / openai: {ratio:.2f}x (target <= 1.5x): {verdict}")
    print(f"newsextract / httpx: {med['newsextract'] / med['httpx']:.2f}x; openai / httpx: "
          f"{med['openai'] / med['httpx']:.2f}x; "
          f"instructor / openai: {med['instructor'] / med['openai']:.2f}x")  # fmt: skip
    print(json.dumps({k: round(v, 3) for k, v in med.items()} | {"ratio_openai": round(ratio, 3)}))


if __name__ == "__main__":
    main()
