"""Hostile inputs for the embedded path's growth test and bench: text of a given size built by repeating
a pattern, and a model-free run of the whole embedded path (candidates, questions, rules, grounding,
normalisation, de-duplication) that records every request it would have made.

Used by ``tests/test_growth.py`` (super-linear growth fails the test) and ``bench/bench_growth.py``
(prints the growth ratios).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from newsextract.backends.base import Messages, ModelReply
from newsextract.pipeline.postprocess import postprocess
from newsextract.strategies.base import StrategyInput
from newsextract.strategies.sentence_choices import SentenceChoices

T = TypeVar("T", bound=BaseModel)

ROOT = Path(__file__).resolve().parents[2]


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to exactly ``size`` characters (the last copy cut)."""
    return (unit * (size // len(unit) + 1))[:size]


def _news(size: int) -> str:
    """The seed articles (real news, about 9.5 KB), one after another, to ``size`` characters."""
    articles = sorted((ROOT / "seeds").glob("*.txt"))
    unit = "\n\n".join(p.read_text(encoding="utf-8") for p in articles) + "\n\n"
    return _repeat(unit, size)


PATTERNS: dict[str, Callable[[int], str]] = {
    # real news repeated to the size asked
    "news": _news,
    # one "sentence" of percentages after a move word, no full stop
    "percent_run": lambda n: _repeat("Gamma shares rose 5% ", 21) + _repeat("5% ", n - 21),
    # percentages each with its move word, no full stop
    "move_run": lambda n: _repeat("Gamma shares rose 5%, ", n),
    # the sale sentence over and over: no issuer, so no event, but every sentence is a candidate
    "sale_no_issuer": lambda n: _repeat("Jack Ma sold shares. ", n),
    # the same short sale sentence over and over
    "sale_repeat": lambda n: _repeat("Jack Ma sold 10 million Alibaba shares. ", n),
    # appointments to roles with no full stop
    "role_run": lambda n: _repeat("Gamma Corp appointed Ann Lee as chief executive officer, ", n),
    # right-to-left script (Arabic and Hebrew words) around a move, no full stop
    "rtl_run": lambda n: _repeat("شركة ألفا ارتفعت أسهم Gamma shares rose 3% חברת גמא ", n),
    # amounts of money after a move word, no full stop
    "money_run": lambda n: _repeat("Gamma shares rose to $1.50 $2.25 HK$3 ", n),
}
"""Name -> text of ``n`` characters built from one hostile pattern."""


class CountingBackend:
    """A backend that never reaches a model: it records each request and answers the flag ``True``
    with the first option of every choice."""

    kind = "counting"
    model = "none"

    def __init__(self) -> None:
        self.requests = 0
        self.largest_prompt = 0
        """The most characters of message content one request carried."""

    @property
    def identity(self) -> str:
        return "counting"

    def structured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        self.requests += 1
        self.largest_prompt = max(self.largest_prompt, sum(len(str(m.get("content", ""))) for m in messages))
        values: dict[str, Any] = {}
        for name, info in response_model.model_fields.items():
            args = getattr(info.annotation, "__args__", None)
            values[name] = args[0] if args else True
        return ModelReply(parsed=response_model.model_validate(values))

    async def astructured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        return self.structured(messages, response_model, context=context, max_retries=max_retries)

    def close(self) -> None:
        pass


def run_embedded(text: str) -> tuple[float, int, int]:
    """Run the embedded path on ``text`` without a model: (CPU seconds, requests it would have made,
    events kept). The path runs in one thread, so this process's CPU time measures it, and other load
    on a shared machine does not inflate it the way it inflates wall-clock time."""
    backend = CountingBackend()
    strategy = SentenceChoices()
    t0 = time.process_time()
    result = strategy.run(backend, StrategyInput(text=text, published=None))
    events, _ = postprocess(result.draft, text, None, "strict")
    return time.process_time() - t0, backend.requests, len(events)
