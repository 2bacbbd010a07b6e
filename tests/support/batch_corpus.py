"""The seeds and held-out articles with the answers a perfect model would give (from the gold), for
driving the Batch API path and the online path with the same answers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.fake_openai import Step, ToolCall
from tests.test_gold_roundtrip import perfect_draft

from newsextract.evaluate import load_gold
from newsextract.kinds.drafts import ArticleDraft

REPO = Path(__file__).resolve().parents[2]
SETS = {
    "seeds": REPO / "seeds",
    "heldout": REPO / "fixtures" / "heldout" / "articles",
    "heldout2": REPO / "fixtures" / "heldout2" / "articles",
    "heldout3": REPO / "fixtures" / "heldout3" / "articles",
}


@dataclass(frozen=True)
class Article:
    set: str
    id: str
    text: str
    published: str | None
    answer: str  # the tool-call arguments a perfect model returns for the whole article

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "published": self.published}


def _draft(article: Any, text: str) -> ArticleDraft:
    """The perfect draft; events whose gold value is not written in a findable form are left out."""
    merged = ArticleDraft()
    for event in article.events:
        try:
            one = perfect_draft(article.model_copy(update={"events": [event]}), text)
        except AssertionError:
            continue
        merged.share_sales += one.share_sales
        merged.executive_changes += one.executive_changes
        merged.stock_moves += one.stock_moves
    return merged


def corpus(sets: tuple[str, ...] = tuple(SETS)) -> list[Article]:
    out = []
    for name in sets:
        for gold in load_gold(REPO / "fixtures" / "gold" / f"{name}.jsonl"):
            text = (SETS[name] / f"{gold.id}.txt").read_text(encoding="utf-8")
            answer = _draft(gold, text).model_dump_json()
            pub = gold.published.isoformat() if gold.published else None
            out.append(Article(name, gold.id, text, pub, answer))
    return out


def answer_by_text(articles: list[Article]) -> Any:
    """``answer(custom_id, body)`` for ``FakeBatchAPI``: the perfect answer of the article whose text
    the request's messages hold (a re-ask's too: its first user message is the article's)."""

    def answer(custom_id: str, body: Mapping[str, Any]) -> Step:
        user = "\n".join(str(m.get("content")) for m in body["messages"] if m.get("role") == "user")
        for a in articles:
            if a.text in user:
                return ToolCall(a.answer)
        return ToolCall(json.dumps({"share_sales": [], "executive_changes": [], "stock_moves": []}))

    return answer
