"""Post-processing for a chosen set of kinds (``extract(..., kinds=[...])``). Pure.

The same steps and the same ``grounding`` modes as :func:`newsextract.pipeline.postprocess.postprocess`:
built-in kinds go through exactly its code; a caller's kind through the checks, normalisers and
de-duplication derived from its fields (``kinds.checks``, ``kinds.values``, ``dedupe``). Drafts
of kinds outside the set are left out (the embedded strategy always reads all three built-ins).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from newsextract.core.drafts import DRAFT_TYPES, ArticleDraft
from newsextract.core.schemas import Dropped, Event, Evidence, GroundingMode
from newsextract.dedupe import dedupe
from newsextract.grounding.verdict import Verdict
from newsextract.kinds.checks import judge_kind
from newsextract.kinds.kindset import KindsArticleDraft, KindSet
from newsextract.kinds.spec import KindSpec
from newsextract.kinds.values import kind_event
from newsextract.pipeline.postprocess import AnyEvent, dropped_record, grounded_event


def _kept(spec: KindSpec, item: BaseModel, verdict: Verdict) -> BaseModel:
    """``item`` with each optional field that has a problem set to null."""
    optional = {f.name for f in spec.fields if not f.required}
    update = {p.field: None for p in verdict.field_problems if p.field in optional}
    return item.model_copy(update=update) if update else item


def _one_of_kind(
    spec: KindSpec,
    item: BaseModel,
    text: str,
    published: dt.date | None,
    grounding: GroundingMode,
    dropped: list[Dropped],
) -> Event | None:
    verdict = judge_kind(spec, item, text, published)
    if verdict.span is None or (grounding == "strict" and not verdict.keeps_event):
        dropped.append(dropped_record(spec.name, item, [p.message for p in verdict.event_problems]))
        return None
    start, end = verdict.span
    evidence = Evidence(quote=text[start:end], start=start, end=end)
    lo, hi = verdict.context_span or verdict.span
    if grounding == "strict":
        for p in verdict.field_problems:
            dropped.append(dropped_record(spec.name, item, [p.message], field=p.field))
        item = _kept(spec, item, verdict)
    event, why = kind_event(spec, item, evidence, published=published, context=text[lo:hi])
    if event is None:
        dropped.append(dropped_record(spec.name, item, [why or "could not be read"]))
        return None
    messages = [p.message for p in verdict.problems]
    if grounding == "flag" and messages:
        return event.model_copy(update={"flags": messages})
    return event


def postprocess_kinds(
    draft: ArticleDraft | KindsArticleDraft,
    text: str,
    published: dt.date | None,
    kinds: KindSet,
    grounding: GroundingMode = "strict",
) -> tuple[list[Event], list[Dropped]]:
    """Grounded events of the kinds in ``kinds``, in text order, and what was removed (with reasons)."""
    builtins: list[AnyEvent] = []
    custom: list[Event] = []
    dropped: list[Dropped] = []
    for kind, item in draft.items():
        if kind not in kinds.names:
            continue
        spec = kinds.spec(kind)
        if spec is not None:
            event = _one_of_kind(spec, item, text, published, grounding, dropped)
            if event is not None:
                custom.append(event)
            continue
        builtin = DRAFT_TYPES[kind].model_validate(item.model_dump())
        found = grounded_event(kind, builtin, text, published, grounding, dropped)
        if found is not None:
            builtins.append(found)
    merged: list[Event] = [*dedupe(builtins), *dedupe(custom)]
    merged.sort(key=lambda e: (e.evidence.start, e.evidence.end))
    return merged, dropped
