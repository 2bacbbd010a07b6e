"""The validation that turns a model's reply into drafts, re-asking only where a re-ask can help. Pure.

``GroundedArticleDraft`` is the response model sent to the model. Before validation, items in the wrong
list are moved to their own (``grounding.lists``). When validation gets a context
(``{"text": ..., "published": ..., "grounding": ...}``, passed by instructor or by
``model_validate_json(..., context=...)``) and grounding is "strict" or "flag", each event is judged
(``grounding.verdict.judge``, a pure function of the draft, the text and the publication date).

A re-ask costs a whole request, so only a problem the model can fix and grounding cannot settle by
itself is re-asked: a quote that matches no sentence of the article. Everything else is settled after
the reply, event by event and field by field, in post-processing: an unsupported value costs its field,
a contradicted identity or an invented event costs the event, and each removal is recorded with its
reason in ``meta.dropped``. A correct answer, in whatever form it writes its values, costs one request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationInfo, model_validator

from newsextract.grounding.lists import LISTS, reroute
from newsextract.grounding.verdict import judge
from newsextract.kinds.drafts import ArticleDraft


def _where(draft: ArticleDraft) -> list[tuple[str, str, Any]]:
    out: list[tuple[str, str, Any]] = []
    counters: dict[str, int] = {}
    for kind, item in draft.items():
        index = counters.get(kind, 0)
        counters[kind] = index + 1
        out.append((kind, f"{LISTS[kind]}[{index}]", item))
    return out


def draft_problems(draft: ArticleDraft, text: str, published: dt.date | None = None) -> list[str]:
    """Every grounding problem of every event in ``draft``, each prefixed with the event it concerns."""
    problems: list[str] = []
    for kind, where, item in _where(draft):
        v = judge(kind, item, text, published)
        problems += [f"{where}: {p.message}" for p in (v.event_problems if v.span is None else v.problems)]
    return problems


def reask_problems(draft: ArticleDraft, text: str, published: dt.date | None = None) -> list[str]:
    """The problems worth a re-ask: quotes that match no sentence of the article."""
    out: list[str] = []
    for kind, where, item in _where(draft):
        v = judge(kind, item, text, published)
        if v.span is None:
            out.append(
                f'{where}: the quote "{_short(item.quote)}" is not a sentence of the article; copy it exactly'
            )
    return out


def _short(s: str, limit: int = 120) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _published(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class GroundedArticleDraft(ArticleDraft):
    """``ArticleDraft`` whose items are routed to their lists and whose quotes are checked against the
    article during validation."""

    @model_validator(mode="before")
    @classmethod
    def _route(cls, data: Any) -> Any:
        return reroute(data)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> GroundedArticleDraft:
        ctx = info.context if isinstance(info.context, dict) else None
        if not ctx or ctx.get("grounding", "strict") == "off" or "text" not in ctx:
            return self
        problems = reask_problems(self, str(ctx["text"]), _published(ctx.get("published")))
        if problems:
            raise ValueError(
                "Some quotes are not sentences of the article. Copy each event's sentence exactly, "
                "or remove the event:\n- " + "\n- ".join(problems)
            )
        return self
