"""Drafts (strings as written) -> grounded, normalised, de-duplicated public events. Pure.

For each draft: locate its quote in the original text (never modified), check every value against the
quote's sentences, convert strings to typed values, then merge duplicates and order by position.
With grounding "strict" an event with any problem is dropped and recorded in ``Dropped``; with "flag"
it is kept with ``flags``; with "off" nothing is checked. An event whose quote cannot be found at all
is always dropped: without evidence no value can be trusted.
"""

from __future__ import annotations

import datetime as dt

from newsextract.core.drafts import ArticleDraft
from newsextract.core.schemas import Dropped, Evidence, ExecutiveChange, GroundingMode, ShareSale, StockMove
from newsextract.dedupe import dedupe
from newsextract.grounding.context import evidence_window, locate
from newsextract.grounding.memo import checked
from newsextract.normalize.events import draft_to_event

AnyEvent = ShareSale | ExecutiveChange | StockMove


def postprocess(
    draft: ArticleDraft,
    text: str,
    published: dt.date | None,
    grounding: GroundingMode = "strict",
) -> tuple[list[AnyEvent], list[Dropped]]:
    """Grounded events in text order, and the drafts that grounding rejected (with reasons)."""
    events: list[AnyEvent] = []
    dropped: list[Dropped] = []
    # drafts of one kind come in text order: searching from where the last one ended finds a repeated
    # sentence's own occurrence and keeps locating every quote linear in the article
    hint: dict[str, int] = {}
    for kind, item in draft.items():
        span = locate(item.quote, text, hint=hint.get(kind, 0))
        if span is None:
            dropped.append(
                Dropped(
                    type=kind, reasons=["quote not found in the article"], draft=item.model_dump(mode="json")
                )
            )
            continue
        start, end = span
        hint[kind] = end
        window = evidence_window(text, start, end)
        problems = [] if grounding == "off" else checked(kind, item, evidence=window, text=text)
        if problems and grounding == "strict":
            dropped.append(Dropped(type=kind, reasons=problems, draft=item.model_dump(mode="json")))
            continue
        evidence = Evidence(quote=text[start:end], start=start, end=end)
        event = draft_to_event(kind, item, evidence, published=published, context=window)
        if problems:
            event = event.model_copy(update={"flags": problems})
        events.append(event)
    merged = dedupe(events)
    merged.sort(key=lambda e: (e.evidence.start, e.evidence.end))
    return merged, dropped
