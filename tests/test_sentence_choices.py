"""sentence_choices: schemas and rules without a model (scripted backend), plus one real-model run."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from newsextract.backends.base import Messages, ModelReply
from newsextract.errors import OutputTruncatedError
from newsextract.strategies.base import StrategyInput
from newsextract.strategies.sentence_choices import SentenceChoices, choice_model, sale_status

TEXT = (
    "Gamma Holdings plans to sell 2 million shares of Delta Corp, worth about $50 million, this week.\n\n"
    "Delta's shares fell 3.5% to $9.10 in New York on Friday.\n\n"
    "Mary Roe will succeed John Doe as chief executive officer of Delta on April 1, 2024."
)


class Scripted:
    """A Backend that answers "yes" and picks option i of the i-th enum field (seller 0, company 1)."""

    kind = "scripted"
    model = "scripted"
    identity = "scripted"

    def __init__(self, fail_kind: str | None = None) -> None:
        self.fail_kind = fail_kind
        self.seen: list[dict[str, Any]] = []

    def structured(
        self,
        messages: Messages,
        response_model: type[BaseModel],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[BaseModel]:
        schema = response_model.model_json_schema()
        self.seen.append(schema)
        if self.fail_kind and response_model.__name__.startswith(self.fail_kind):
            raise OutputTruncatedError("cut", attempts=1)
        values: dict[str, Any] = {}
        i = 0
        for name, prop in schema["properties"].items():
            if prop.get("type") == "boolean":
                values[name] = True
            else:
                values[name] = prop["enum"][min(i, len(prop["enum"]) - 1)]
                i += 1
        return ModelReply(parsed=response_model(**values))

    async def astructured(self, *a: Any, **k: Any) -> ModelReply[BaseModel]:
        return self.structured(*a, **k)

    def close(self) -> None:
        pass


def test_choice_model_has_enum_fields() -> None:
    m = choice_model("ShareSale", {"seller": ["Gamma", "none"], "company": ["Delta", "none"]})
    props = m.model_json_schema()["properties"]
    assert props["is_sale"]["type"] == "boolean"
    assert props["seller"]["enum"] == ["Gamma", "none"]


def test_sale_status_from_modality() -> None:
    assert sale_status("X has postponed plans to sell shares") == "postponed"
    assert sale_status("he will not sell it") == "denied"
    assert sale_status("Y plans to sell 5 million shares") == "planned"
    assert sale_status("Z sold 5 million shares") == "completed"


def test_run_builds_drafts_with_values_from_the_text() -> None:
    res = SentenceChoices().run(Scripted(), StrategyInput(text=TEXT, published=None))
    d = res.draft
    assert [(s.seller, s.company, s.shares, s.value, s.status) for s in d.share_sales] == [
        ("Gamma Holdings", "Delta Corp", "2 million", "about $50 million", "planned")
    ]
    move = d.stock_moves[0]
    assert (move.company, move.direction, move.change_pct, move.price, move.market) == (
        "Delta",
        "down",
        "3.5%",
        "$9.10",
        "New York",
    )
    ch = d.executive_changes[0]
    assert (ch.person, ch.predecessor, ch.role, ch.change, ch.company) == (
        "Mary Roe",
        "John Doe",
        "chief executive officer",
        "appointed",
        "Delta",
    )
    for _, item in d.items():
        assert item.quote in TEXT
    assert res.chunk_failures == []


def test_failed_call_is_reported_not_dropped() -> None:
    # the rules cannot tell which of two names moved, so the model is asked (and fails)
    text = TEXT + "\n\nKappa and Sigma saw their stock fall 2% on Monday."
    res = SentenceChoices().run(Scripted(fail_kind="StockMove"), StrategyInput(text=text, published=None))
    assert len(res.chunk_failures) == 1
    assert "OutputTruncatedError" in res.chunk_failures[0].error
    assert [m.company for m in res.draft.stock_moves] == ["Delta"]  # decided by rules, no request
    assert res.draft.share_sales


def test_prompt_version_and_cache_schema() -> None:
    s = SentenceChoices()
    assert s.prompt_version.startswith("sentence_choices.v")
    assert set(s.cache_schema()) == {"StockMove", "ShareSale", "ExecutiveChange"}


@pytest.mark.model
def test_real_model_on_one_sentence_article() -> None:
    from newsextract.backends.llama_local import LlamaLocalBackend

    text = "Delta's shares fell 3.5% to $9.10 in New York on Friday."
    res = SentenceChoices().run(LlamaLocalBackend(), StrategyInput(text=text, published=None))
    assert res.chunk_failures == []
    for _, item in res.draft.items():
        assert item.quote in text
