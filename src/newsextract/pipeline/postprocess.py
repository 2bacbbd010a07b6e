"""Drafts (strings as written) -> grounded, normalised, de-duplicated public events. Pure.

For each draft (the same on every strategy): judge it against the original text
(``grounding.verdict.judge``: the quote located and widened to its sentences, every value compared by
meaning), convert strings to typed values, run the filters (``pipeline.filters``), then merge duplicates
and order by position.

* ``grounding="strict"``: an event whose quote cannot be found, whose identity (who, which company) is
  not named in or linked to its sentences, whose core number contradicts them, or whose sentence is an
  instruction, is dropped. Otherwise it is kept, and each unsupported field is set to null (a sale's
  status contradicting the sentence is replaced by the sentence's). Every removal is recorded in
  ``Dropped``: a whole event with ``field=None``, a field with its name.
* ``"flag"``: events are kept as the model gave them, with every problem in ``flags`` (an event whose
  quote cannot be found is still dropped: without evidence no value can be trusted).
* ``"off"``: nothing is checked beyond locating the quote.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from newsextract.core.drafts import AnyDraft, ArticleDraft
from newsextract.core.schemas import Dropped, Evidence, GroundingMode
from newsextract.dedupe import dedupe
from newsextract.grounding.verdict import Verdict, judge
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove
from newsextract.normalize.events import draft_to_event
from newsextract.pipeline.filters import filter_reason

AnyEvent = ShareSale | ExecutiveChange | StockMove


def dropped_record(kind: str, item: BaseModel, reasons: list[str], field: str | None = None) -> Dropped:
    return Dropped(type=kind, reasons=reasons, draft=item.model_dump(mode="json"), field=field)


def _one(
    kind: str,
    item: AnyDraft,
    verdict: Verdict,
    text: str,
    published: dt.date | None,
    grounding: GroundingMode,
    dropped: list[Dropped],
) -> AnyEvent | None:
    if verdict.span is None:
        dropped.append(dropped_record(kind, item, [p.message for p in verdict.event_problems]))
        return None
    start, end = verdict.span
    evidence = Evidence(quote=text[start:end], start=start, end=end)
    lo, hi = verdict.context_span or verdict.span
    context = text[lo:hi]
    qs, qe = verdict.quote_span or verdict.span
    clause = text[qs:qe]
    if grounding == "off":
        return draft_to_event(kind, item, evidence, published=published, context=context, clause=clause)
    messages = [p.message for p in verdict.problems]
    if grounding == "flag":
        event = draft_to_event(kind, item, evidence, published=published, context=context, clause=clause)
        return event.model_copy(update={"flags": messages}) if messages else event
    if not verdict.keeps_event:
        dropped.append(dropped_record(kind, item, [p.message for p in verdict.event_problems]))
        return None
    for p in verdict.field_problems:
        dropped.append(dropped_record(kind, item, [p.message], field=p.field))
    return draft_to_event(
        kind, verdict.kept_draft(item), evidence, published=published, context=context, clause=clause
    )


def grounded_event(
    kind: str,
    item: AnyDraft,
    text: str,
    published: dt.date | None,
    grounding: GroundingMode,
    dropped: list[Dropped],
) -> AnyEvent | None:
    """One built-in draft item grounded, normalised and past the filters, or ``None``; whatever is
    removed on the way is appended to ``dropped`` with its reasons."""
    event = _one(kind, item, judge(kind, item, text, published), text, published, grounding, dropped)
    if event is None:
        return None
    reason = filter_reason(event, published)
    if reason is not None:
        dropped.append(dropped_record(kind, item, [reason]))
        return None
    return event


def postprocess(
    draft: ArticleDraft,
    text: str,
    published: dt.date | None,
    grounding: GroundingMode = "strict",
) -> tuple[list[AnyEvent], list[Dropped]]:
    """Grounded events in text order, and what grounding and the filters removed (with reasons)."""
    events: list[AnyEvent] = []
    dropped: list[Dropped] = []
    for kind, item in draft.items():
        event = grounded_event(kind, item, text, published, grounding, dropped)
        if event is not None:
            events.append(event)
    merged = dedupe(events)
    merged.sort(key=lambda e: (e.evidence.start, e.evidence.end))
    return merged, dropped
