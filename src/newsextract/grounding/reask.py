"""The validation that turns ungrounded model output into a precise re-ask. Pure.

``GroundedArticleDraft`` is the response model sent to the model. When instructor validates a reply it
passes ``context={"text": ..., "grounding": ...}``; with grounding "strict" or "flag" every draft's quote
must be found in the article and every value must be derivable from it (``checks.check_draft``). Any
problem raises a ``ValueError`` listing each one, which instructor feeds back to the model.
Without a context (or grounding "off") nothing is checked: that is how the last reply is salvaged
after the re-asks run out, for the post-processing to drop or flag event by event.
"""

from __future__ import annotations

from pydantic import ValidationInfo, model_validator

from newsextract.core.drafts import ArticleDraft
from newsextract.grounding.context import evidence_window, locate
from newsextract.grounding.memo import checked


def draft_problems(draft: ArticleDraft, text: str) -> list[str]:
    """Every grounding problem of every event in ``draft``, each prefixed with the event it concerns."""
    problems: list[str] = []
    field_names = {
        "ShareSale": "share_sales",
        "ExecutiveChange": "executive_changes",
        "StockMove": "stock_moves",
    }
    counters: dict[str, int] = {}
    for kind, item in draft.items():
        index = counters.get(kind, 0)
        counters[kind] = index + 1
        where = f"{field_names[kind]}[{index}]"
        span = locate(item.quote, text)
        if span is None:
            problems.append(f"{where}: quote is not a sentence of the article; copy it exactly")
            continue
        window = evidence_window(text, *span)
        problems += [f"{where}: {p}" for p in checked(kind, item, evidence=window, text=text)]
    return problems


class GroundedArticleDraft(ArticleDraft):
    """``ArticleDraft`` whose values are checked against the article during validation."""

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> GroundedArticleDraft:
        ctx = info.context if isinstance(info.context, dict) else None
        if not ctx or ctx.get("grounding", "strict") == "off" or "text" not in ctx:
            return self
        problems = draft_problems(self, str(ctx["text"]))
        if problems:
            raise ValueError(
                "Some values are not supported by the article. Fix or remove these events:\n- "
                + "\n- ".join(problems)
            )
        return self
