"""Prompt tokens per article spent beyond the article itself, and the constant prefix a provider can cache.

Run from the repository root:

    .venv/bin/python bench/bench_tokens.py                       # scripted local server
    .venv/bin/python bench/bench_tokens.py --base-url URL --model M  # also a real endpoint's cached_tokens

Tokenizer: tiktoken's ``o200k_base`` (GPT-4o, GPT-4o-mini), loaded offline (``bench/offline_tiktoken.py``).
Every part of a request is counted as the JSON or text that is sent; a provider renders tools and response
formats in its own way, so the counts are close to, not equal to, what it bills.

Side by side in one run, for the seed articles:
- newsextract's whole-article request as captured by a local server, in the two envelopes it sends
  (``json_schema``: OpenAI and Azure; ``tools``: every other endpoint);
- reference: the same models as instructor sends them by default (Pydantic's schema, the class docstring
  as the description), i.e. what the schema costs without ``core/strict_schema.py``;
- a langextract-style few-shot prompt written by hand in langextract's format (description, "Examples",
  then "Q: <text>" / "A: ```json {...}```" per example, one example per event type, then the article),
  comparable in coverage. langextract itself is not installed and was not run. Per article, langextract
  sends the whole prompt with each ``max_char_buffer`` chunk (default 1,000 characters): that multiplier
  is shown too (chunk count approximated as ceil(len / 1000)).

The constant prefix is everything before the article: system prompt, schema, and the user message's
frame up to the article. It is byte-identical across requests, so OpenAI (prompts of 1,024 tokens or
more) and vLLM's automatic prefix caching can reuse it. ``cached_tokens`` is what an endpoint reports in
``usage.prompt_tokens_details``; the scripted server reports none.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.offline_tiktoken import count  # noqa: E402
from pydantic import TypeAdapter  # noqa: E402
from tests.support.fake_openai import Content, FakeOpenAIServer, ToolCall  # noqa: E402

from newsextract import Extractor  # noqa: E402
from newsextract.grounding.reask import GroundedArticleDraft  # noqa: E402

EMPTY = '{"share_sales": [], "executive_changes": [], "stock_moves": []}'
SCHEMA_FIELDS = ("tools", "tool_choice", "parallel_tool_calls", "response_format")

DESCRIPTION = (
    "Extract financial events from the news article: share sales (a holder sells, plans, postpones, "
    "cancels or denies selling shares, ADSs or a stake; not buybacks, purchases or new issues), executive "
    "changes (a named person takes or leaves an executive or board role) and stock moves (the share price "
    "of a named company moves or reaches a level; not index, commodity or currency moves). Use exact text "
    "for extractions. Do not paraphrase or overlap entities. Provide meaningful attributes for every "
    "entity: values as written in the text."
)
EXAMPLES = [
    (
        "Two filings showed that Jane Roe was looking to sell 2 million shares of Acme Corp, worth about "
        "$50 million, next week.",
        {
            "share_sale": "Jane Roe was looking to sell 2 million shares of Acme Corp",
            "share_sale_attributes": {
                "seller": "Jane Roe", "company": "Acme Corp", "shares": "2 million",
                "value": "about $50 million", "price_per_share": None, "stake_before": None,
                "stake_after": None, "status": "planned", "date": "next week",
            },
        },
    ),
    (
        "Globex named John Doe as its chief financial officer, replacing Mary Major, effective April 1.",
        {
            "executive_change": "Globex named John Doe as its chief financial officer",
            "executive_change_attributes": {
                "company": "Globex", "person": "John Doe", "role": "chief financial officer",
                "change": "appointed", "predecessor": "Mary Major", "interim": False,
                "effective_date": "April 1",
            },
        },
    ),
    (
        "Initech shares rose 4.2 percent to $18.30 in New York on Monday.",
        {
            "stock_move": "Initech shares rose 4.2 percent to $18.30",
            "stock_move_attributes": {
                "company": "Initech", "ticker": None, "market": "New York", "direction": "up",
                "change_pct": "4.2 percent", "price": "$18.30", "period": "on Monday", "date": "Monday",
            },
        },
    ),
]  # fmt: skip


def langextract_prompt(article: str) -> str:
    lines = [DESCRIPTION, "", "Examples"]
    for text, extraction in EXAMPLES:
        answer = json.dumps({"extractions": [extraction]}, indent=2)
        lines += [f"Q: {text}", f"A: ```json\n{answer}\n```", ""]
    lines += [f"Q: {article}", "A: "]
    return "\n".join(lines)


def instructor_default_tools() -> dict[str, Any]:
    """What instructor sends for the response model without newsextract's schema: Pydantic's own schema
    (titles, defaults, anyOf for optionals) under the class name, the docstring as the description."""
    schema = TypeAdapter(GroundedArticleDraft).json_schema()
    parameters = {k: v for k, v in schema.items() if k not in ("title", "description")}
    function = {
        "name": schema["title"],
        "description": schema.get("description", ""),
        "parameters": parameters,
    }
    return {
        "tools": [{"type": "function", "function": function}],
        "tool_choice": {"type": "function", "function": {"name": function["name"]}},
    }


def split(body: dict[str, Any], article: str) -> dict[str, int]:
    """Token counts of one captured request body's parts."""
    system, user = (m["content"] for m in body["messages"][:2])
    schema = {k: body[k] for k in SCHEMA_FIELDS if k in body}
    frame_before = user[: user.index(article)]
    frame_after = user[user.index(article) + len(article) :]
    return {
        "system": count(system),
        "schema": count(json.dumps(schema)) if schema else 0,
        "frame": count(frame_before) + count(frame_after),
        "prefix": count(system) + (count(json.dumps(schema)) if schema else 0) + count(frame_before),
        "article": count(article),
    }


def capture(mode: str, articles: list[str]) -> list[dict[str, Any]]:
    """The request bodies the whole-article strategy sends in ``mode``, one per article."""
    reply = Content(EMPTY) if mode == "json_schema" else ToolCall(EMPTY)
    with FakeOpenAIServer(default=reply) as srv:
        ex = Extractor(model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache=False, mode=mode)
        bodies = []
        for article in articles:
            ex.extract(article)
            bodies.append(srv.requests[-1].body)
        ex.close()
    return bodies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", help="also send the seeds to this endpoint and report cached_tokens")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    articles = [p.read_text(encoding="utf-8") for p in seeds]
    reference = count(json.dumps(instructor_default_tools()))
    print("tokenizer: tiktoken o200k_base; overhead = request tokens - article tokens")
    for mode in ("json_schema", "tools"):
        parts = [split(body, a) for body, a in zip(capture(mode, articles), articles, strict=True)]
        prefixes = {p["prefix"] for p in parts}
        over = [p["system"] + p["schema"] + p["frame"] for p in parts]
        print(
            f"mode {mode:11}: schema {parts[0]['schema']} tokens (instructor's default for the same models "
            f"{reference}, ratio {parts[0]['schema'] / reference:.2f}); system {parts[0]['system']}; "
            f"frame {parts[0]['frame']}; overhead per article {sum(over) / len(over):.0f}; "
            f"constant prefix {sorted(prefixes)} tokens per request"
        )
    rows = []
    for path, article in zip(seeds, articles, strict=True):
        art = count(article)
        le_total = count(langextract_prompt(article))
        chunks = math.ceil(len(article) / 1000)
        le_per_article = le_total - art + (chunks - 1) * (count(langextract_prompt("")) - count(""))
        rows.append((path.stem, len(article), art, le_total - art, chunks, le_per_article))
    print(
        f"{'article':22} {'chars':>6} {'art tok':>8} {'lx 1 call':>10} {'lx chunks':>10} {'lx/article':>11}"
    )
    for name, chars, art, le, chunks, le_art in rows:
        print(f"{name:22} {chars:>6} {art:>8} {le:>10} {chunks:>10} {le_art:>11}")
    le_mean = sum(r[3] for r in rows) / len(rows)
    le_art_mean = sum(r[5] for r in rows) / len(rows)
    print(
        f"langextract-style overhead: {le_mean:.0f} per call, {le_art_mean:.0f} per article with its chunking"
    )

    if args.base_url:
        ex = Extractor(model=args.model, base_url=args.base_url, cache=False)
        for path, article in zip(seeds, articles, strict=True):
            usage = ex.extract(article).meta.usage
            print(f"{path.stem}: prompt_tokens {usage.prompt_tokens}, cached_tokens {usage.cached_tokens}")
        ex.close()
    else:
        print(
            "cached_tokens: not reported by the scripted server (pass --base-url to read a real endpoint's)"
        )


if __name__ == "__main__":
    main()
