"""Client CPU per article: newsextract against the bare ``openai`` client sending the same request body.

Run from the repository root:

    .venv/bin/python bench/bench_overhead.py [--blocks 12] [--block 50] [--repeated-only | --fresh-only]

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

Two ways to feed the articles, both measured in one run (interleaved with the rest):

- repeated: the three seed articles in turn. newsextract's per-text memos (sentence and word indexes,
  verdicts, parsed quantities) stay warm, so this measures the request path and post-processing, and
  flatters a day of new articles;
- fresh: every call a text never seen before (the seed with a unique closing line,
  ``bench/fresh_text.py``) and every per-text memo emptied before it (outside the timed call), so
  grounding reads a new article each time. openai and httpx send the same fresh bodies.

Each call is timed on its own (``time.process_time`` around the call only). Prints the median CPU ms per
article for each side and the ratios. Target: newsextract at most 1.5x openai, on fresh articles.
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
from bench.fresh_text import clear_text_memos, fresh_text, text_memos  # noqa: E402
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


def cpu_ms_per_call(call: Callable[[int], object], start: int, n: int, prepare: Prepare) -> float:
    """Mean CPU ms of ``call(i)`` over ``n`` calls; ``prepare(i)`` runs untimed before each call."""
    spent = 0.0
    for i in range(start, start + n):
        prepare(i)
        t0 = time.process_time()
        call(i)
        spent += time.process_time() - t0
    return spent * 1000 / n


Prepare = Callable[[int], None]


def _nothing(i: int) -> None:
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blocks", type=int, default=12, help="timed blocks per side (default 12)")
    ap.add_argument("--block", type=int, default=50, help="calls per block (default 50)")
    only = ap.add_mutually_exclusive_group()
    only.add_argument("--repeated-only", action="store_true", help="only the three seeds in turn")
    only.add_argument("--fresh-only", action="store_true", help="only never-seen articles")
    args = ap.parse_args()

    cases = seed_cases()
    calls = args.blocks * args.block + 20  # + the warm-up
    fresh = [fresh_text(cases[i % len(cases)][0], i) for i in range(calls)]
    with SlowOpenAIProcess(0.0, [(t[:80], reply) for t, _, reply in cases]) as server:
        ex = Extractor(model="bench-model", base_url=server.base_url, api_key="sk-bench", cache=False)
        backend = ex.backend

        def body_of(text: str, published: dt.date | None) -> dict[str, object]:
            item = StrategyInput(text=text, published=published)
            messages = ex.strategy.messages(text, item)  # type: ignore[attr-defined]
            return backend.request_body(messages, GroundedArticleDraft)  # type: ignore[attr-defined,no-any-return]

        bodies = [body_of(text, published) for text, published, _ in cases]
        fresh_bodies = [body_of(t, cases[i % len(cases)][1]) for i, t in enumerate(fresh)]
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-bench", max_retries=0)
        http = httpx2.Client()
        url = server.base_url + "/chat/completions"
        headers = {"Authorization": "Bearer sk-bench"}
        bare_instructor = instructor.from_openai(
            openai.OpenAI(base_url=server.base_url, api_key="sk-bench", max_retries=0),
            mode=instructor.Mode.TOOLS,
        )
        events = {"repeated": 0, "fresh": 0}

        def run_ne(i: int) -> None:
            text, published, _ = cases[i % len(cases)]
            events["repeated"] += len(ex.extract(text, published).events)

        def run_ne_fresh(i: int) -> None:
            events["fresh"] += len(ex.extract(fresh[i], cases[i % len(cases)][1]).events)

        def run_openai(i: int) -> None:
            client.chat.completions.create(**bodies[i % len(cases)])  # type: ignore[call-overload]

        def run_openai_fresh(i: int) -> None:
            client.chat.completions.create(**fresh_bodies[i])  # type: ignore[call-overload]

        def run_httpx(i: int) -> None:
            json.loads(http.post(url, json=bodies[i % len(cases)], headers=headers).content)

        def run_httpx_fresh(i: int) -> None:
            json.loads(http.post(url, json=fresh_bodies[i], headers=headers).content)

        def run_instructor(i: int) -> None:
            body = bodies[i % len(cases)]
            bare_instructor.chat.completions.create(
                model=body["model"],  # type: ignore[arg-type]
                messages=body["messages"],  # type: ignore[arg-type]
                response_model=ArticleDraft,
                max_retries=0,
                temperature=0.0,
                max_tokens=body["max_tokens"],  # type: ignore[arg-type]
            )

        memos: list[object] = []

        def clear(i: int) -> None:
            clear_text_memos(memos)

        sides: dict[str, tuple[Callable[[int], None], Prepare]] = {}
        if not args.fresh_only:
            sides |= {
                "newsextract": (run_ne, _nothing),
                "openai": (run_openai, _nothing),
                "httpx": (run_httpx, _nothing),
                "instructor": (run_instructor, _nothing),
            }
        if not args.repeated_only:
            sides |= {
                "newsextract fresh": (run_ne_fresh, clear),
                "openai fresh": (run_openai_fresh, _nothing),
                "httpx fresh": (run_httpx_fresh, _nothing),
            }
        for call, _ in sides.values():  # warm-up: imports, connections, schema caches
            cpu_ms_per_call(call, 0, 20, _nothing)
        memos += text_memos()  # every module newsextract imports is loaded by now
        timings: dict[str, list[float]] = {name: [] for name in sides}
        names = list(sides)
        for b in range(args.blocks):
            order = names[b % len(names) :] + names[: b % len(names)]
            for name in order:
                call, prepare = sides[name]
                timings[name].append(cpu_ms_per_call(call, 20 + b * args.block, args.block, prepare))
        ex.close()
        http.close()

    med = {name: statistics.median(values) for name, values in timings.items()}
    per_side = args.blocks * args.block
    print(f"{per_side} articles per side, blocks of {args.block} interleaved; {len(memos)} per-text memos "
          "emptied before each fresh article")  # fmt: skip
    for mode, n in events.items():
        if n:
            print(f"events per article from newsextract, {mode}: {n / (per_side + 20):.2f}")
    print(f"{'side':18} {'CPU ms/article (median of blocks)':>34} {'min':>7} {'max':>7}")
    for name in names:
        print(f"{name:18} {med[name]:34.3f} {min(timings[name]):7.3f} {max(timings[name]):7.3f}")
    summary: dict[str, float] = {k: round(v, 3) for k, v in med.items()}
    for suffix, label in (("", "repeated seeds"), (" fresh", "fresh articles")):
        if f"newsextract{suffix}" not in med:
            continue
        ratio = med[f"newsextract{suffix}"] / med[f"openai{suffix}"]
        verdict = "MET" if ratio <= 1.5 else "NOT MET"
        ne, oa, hx = med[f"newsextract{suffix}"], med[f"openai{suffix}"], med[f"httpx{suffix}"]
        print(f"{label}: newsextract / openai: {ratio:.2f}x (target <= 1.5x): {verdict}; "
              f"newsextract / httpx: {ne / hx:.2f}x; openai / httpx: {oa / hx:.2f}x")  # fmt: skip
        summary[f"ratio_openai{suffix.replace(' ', '_')}"] = round(ratio, 3)
    if "instructor" in med:
        print(f"instructor / openai (repeated): {med['instructor'] / med['openai']:.2f}x")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
