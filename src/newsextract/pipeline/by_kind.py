"""Drafts (strings as written) -> grounded, normalised, de-duplicated public events, for any kinds. Pure.

The one post-processing path, the same on every strategy and for every kind (the built-ins are kinds
like any other). For each draft: judge it against the original text (``grounding.verdict.judge``: the
quote located and widened to its sentences, every value compared by meaning by its role and the kind's
declarations), convert strings to typed values (``normalize.events.kind_event``), run the filters
(``pipeline.filters``), then merge duplicates and order by position.

* ``grounding="strict"``: an event whose quote cannot be found, whose identity (who, which company) is
  not named in or linked to its sentences, whose core number contradicts them, or whose sentence is an
  instruction, is dropped. Otherwise it is kept, and each unsupported optional field is set to null (a
  sale's status contradicting the sentence is replaced by the sentence's). Every removal is recorded in
  ``Dropped``: a whole event with ``field=None``, a field with its name.
* ``"flag"``: events are kept as the model gave them, with every problem in ``flags`` (an event whose
  quote cannot be found is still dropped: without evidence no value can be trusted).
* ``"off"``: nothing is checked beyond locating the quote.

Drafts of kinds outside the chosen set are left out (the embedded strategy always reads all three
built-ins).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from newsextract.core.schemas import Dropped, Event, Evidence, GroundingMode
from newsextract.dedupe import dedupe
from newsextract.grounding.reask import KindsArticleDraft
from newsextract.grounding.verdict import Verdict, judge
from newsextract.kinds.builtin import BUILTIN_KINDS, AnyEvent
from newsextract.kinds.drafts import ArticleDraft
from newsextract.kinds.kindset import KindSet
from newsextract.kinds.spec import KindSpec
from newsextract.normalize.events import kind_event
from newsextract.pipeline.filters import filter_reason

#: The built-in kinds, in their established order.
BUILTIN_SET = KindSet(BUILTIN_KINDS)


def dropped_record(kind: str, item: BaseModel, reasons: list[str], field: str | None = None) -> Dropped:
    return Dropped(type=kind, reasons=reasons, draft=item.model_dump(mode="json"), field=field)


def _typed(
    spec: KindSpec, item: BaseModel, verdict: Verdict, text: str, published: dt.date | None
) -> tuple[Event | None, str | None]:
    assert verdict.span is not None
    start, end = verdict.span
    evidence = Evidence(quote=text[start:end], start=start, end=end)
    lo, hi = verdict.context_span or verdict.span
    qs, qe = verdict.quote_span or verdict.span
    return kind_event(spec, item, evidence, published=published, context=text[lo:hi], clause=text[qs:qe])


def _one(
    spec: KindSpec,
    item: BaseModel,
    verdict: Verdict,
    text: str,
    published: dt.date | None,
    grounding: GroundingMode,
    dropped: list[Dropped],
) -> Event | None:
    if verdict.span is None or (grounding == "strict" and not verdict.keeps_event):
        dropped.append(dropped_record(spec.name, item, [p.message for p in verdict.event_problems]))
        return None
    if grounding == "strict":
        for p in verdict.field_problems:
            dropped.append(dropped_record(spec.name, item, [p.message], field=p.field))
        item = verdict.kept_draft(item)
    event, why = _typed(spec, item, verdict, text, published)
    if event is None:
        dropped.append(dropped_record(spec.name, item, [why or "could not be read"]))
        return None
    messages = [p.message for p in verdict.problems]
    if grounding == "flag" and messages:
        return event.model_copy(update={"flags": messages})
    return event


def grounded_event(
    kind: str | KindSpec,
    item: BaseModel,
    text: str,
    published: dt.date | None,
    grounding: GroundingMode,
    dropped: list[Dropped],
) -> Event | None:
    """One draft item (of ``kind``: a built-in kind's name or any kind's spec) grounded, normalised and
    past the filters, or ``None``; whatever is removed on the way is appended to ``dropped`` with its
    reasons."""
    spec = kind if isinstance(kind, KindSpec) else BUILTIN_SET.spec_of(kind)
    event = _one(spec, item, judge(spec, item, text, published), text, published, grounding, dropped)
    if event is None:
        return None
    reason = filter_reason(event, published)
    if reason is not None:
        dropped.append(dropped_record(spec.name, item, [reason]))
        return None
    return event


def postprocess_kinds(
    draft: ArticleDraft | KindsArticleDraft,
    text: str,
    published: dt.date | None,
    kinds: KindSet = BUILTIN_SET,
    grounding: GroundingMode = "strict",
) -> tuple[list[Event], list[Dropped]]:
    """Grounded events of the kinds in ``kinds``, in text order, and what was removed (with reasons)."""
    builtins: list[AnyEvent] = []
    custom: list[Event] = []
    dropped: list[Dropped] = []
    for kind, item in draft.items():
        if kind not in kinds.names:
            continue
        event = grounded_event(kinds.spec_of(kind), item, text, published, grounding, dropped)
        if isinstance(event, BUILTIN_KINDS):
            builtins.append(event)  # type: ignore[arg-type]
        elif event is not None:
            custom.append(event)
    merged: list[Event] = [*dedupe(builtins), *dedupe(custom)]
    merged.sort(key=lambda e: (e.evidence.start, e.evidence.end))
    return merged, dropped
