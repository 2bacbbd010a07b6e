"""The questions of the ``sentence_choices`` strategy: what one request asks, the per-call response model
its answer must fill, and the draft an answer gives. Pure: no request is made here.

A :class:`Question` holds a candidate sentence, the messages, a Pydantic model whose fields are a
boolean ("is this really a <kind>?") and ``enum``s of the options the rules left open, and the fields
the rules already fixed. :func:`draft_from_answer` turns the model's (or the rules') answer into a draft
whose every value is a substring of the sentence (or of the sentence before it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, create_model

from newsextract.backends.base import Messages
from newsextract.kinds.drafts import AnyDraft, ExecutiveChangeDraft, ShareSaleDraft, StockMoveDraft
from newsextract.text.candidates import Candidate, Kind
from newsextract.text.spans import Span

__all__ = [
    "FLAG",
    "MAX_OPTIONS",
    "NONE",
    "TASKS",
    "Question",
    "choice_model",
    "distinct_options",
    "draft_from_answer",
    "max_tokens_for",
]


NONE = "none"
MAX_OPTIONS = 6

TASKS: dict[Kind, str] = {
    "StockMove": "Does the sentence say that the share price of a company rose, fell or reached a level, "
    "by the value in focus? An index, a currency or a commodity is not a company. "
    "company: the company whose shares moved.",
    "ShareSale": "Does the sentence say that a holder sold, plans to sell, postponed, cancelled or refused "
    "selling shares or a stake? Buybacks, buying shares and issuing new shares are not sales. "
    "seller: who sells. company: whose shares are sold.",
    "ExecutiveChange": "Does the part in focus say that a named person takes or leaves an executive or "
    "board role? person: who takes or leaves the role. company: the company of the role.",
}
FLAG: dict[Kind, str] = {
    "StockMove": "is_move",
    "ShareSale": "is_sale",
    "ExecutiveChange": "is_change",
}


# ---------------------------------------------------------------- questions -------------------------


@dataclass
class Question:
    """One request: the messages, the per-call response model, and what rules already decided."""

    candidate: Candidate
    messages: Messages
    model: type[BaseModel]
    choices: dict[str, list[str]]
    rules: dict[str, Any]
    context_span: Span | None
    fixed: dict[str, str] = field(default_factory=dict)
    quote_end: int | None = None  # set when a later sentence adds values ("its stake dropping from ...")

    @property
    def needs_model(self) -> bool:
        """False when rules fixed every field: the answer is known without a request."""
        return bool(self.choices)


def choice_model(kind: Kind, choices: dict[str, list[str]]) -> type[BaseModel]:
    """A Pydantic model: the kind's boolean flag, then one ``Literal`` (JSON-schema ``enum``) field per
    entry of ``choices``. Field order is the order of generation. Models are reused for the same kind
    and choices (building one costs about half a millisecond)."""
    return _choice_model(kind, tuple((name, tuple(options)) for name, options in choices.items()))


@functools.lru_cache(maxsize=256)
def _choice_model(kind: Kind, choices: tuple[tuple[str, tuple[str, ...]], ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {FLAG[kind]: (bool, ...)}
    for name, options in choices:
        fields[name] = (Literal[options], ...)
    model: type[BaseModel] = create_model(f"{kind}Choice", **fields)
    return model


def distinct_options(primary: list[str], extra: list[str], *, with_none: bool = True) -> list[str]:
    out: list[str] = []
    for v in [*primary, *extra]:
        if v not in out and v != NONE:
            out.append(v)
    out = out[:MAX_OPTIONS]
    return [*out, NONE] if with_none else out


def max_tokens_for(q: Question) -> int:
    """A tight bound on the answer: JSON punctuation, keys, the longest option per field."""
    total = 12 + len(FLAG[q.candidate.kind]) // 2
    for name, opts in q.choices.items():
        total += 6 + len(name) // 2 + max(len(o) for o in opts) // 2
    return total


# ---------------------------------------------------------------- drafts ----------------------------


def _pick(q: Question, answer: BaseModel, name: str) -> str | None:
    if name in q.fixed:
        return q.fixed[name]
    value = getattr(answer, name, None)
    return None if value in (None, NONE) else str(value)


def draft_from_answer(q: Question, answer: BaseModel, text: str) -> AnyDraft | None:
    """The draft for an answer, or None when the model says no or a required role is missing.
    When a chosen value is found only in the previous sentence, the quote spans both sentences."""
    if not getattr(answer, FLAG[q.candidate.kind]):
        return None
    sent = q.candidate.sentence.slice(text)
    r = q.rules
    values: dict[str, str | None] = {}
    if q.candidate.kind == "StockMove":
        values["company"] = _pick(q, answer, "company")
        if values["company"] is None or r.get("direction") is None:
            return None
    elif q.candidate.kind == "ShareSale":
        values["seller"] = _pick(q, answer, "seller")
        values["company"] = _pick(q, answer, "company")
        if values["seller"] is None or values["company"] is None or values["seller"] == values["company"]:
            return None
    else:
        values["person"] = _pick(q, answer, "person")
        values["company"] = _pick(q, answer, "company")
        if values["person"] is None or values["company"] is None or "role" not in r:
            return None
        if values["person"] == r.get("predecessor"):
            return None
    start, end = q.candidate.sentence.start, max(q.candidate.sentence.end, q.quote_end or 0)
    if q.context_span is not None and any(v and v not in sent for v in values.values()):
        start = q.context_span.start
    quote = text[start:end]
    if q.candidate.kind == "StockMove":
        return StockMoveDraft(
            quote=quote,
            company=values["company"] or "",
            direction=r["direction"],
            change_pct=r.get("change_pct"),
            price=r.get("price"),
            ticker=r.get("ticker"),
            market=r.get("market"),
            period=r.get("period"),
            date=r.get("date"),
        )
    if q.candidate.kind == "ShareSale":
        return ShareSaleDraft(
            quote=quote,
            seller=values["seller"] or "",
            company=values["company"] or "",
            shares=r.get("shares"),
            value=r.get("value"),
            price_per_share=r.get("price_per_share"),
            stake_before=r.get("stake_before"),
            stake_after=r.get("stake_after"),
            status=r["status"],
            date=r.get("date"),
        )
    return ExecutiveChangeDraft(
        quote=quote,
        company=values["company"] or "",
        person=values["person"] or "",
        role=r["role"],
        change=r["change"],
        predecessor=r.get("predecessor"),
        interim=bool(r.get("interim")),
        effective_date=r.get("effective_date"),
    )
