"""What a cache entry holds, and how a hit is read back: the drafts a request cost, and the events
post-processing made of them (reused only while that code is unchanged, and re-checked against the
article: someone else may have written the entry)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from newsextract.cache.fingerprint import pipeline_fingerprint
from newsextract.cache.store import CacheWarning
from newsextract.core.schemas import Dropped, Event, GroundingMode
from newsextract.grounding.reask import KindsArticleDraft
from newsextract.grounding.recheck import recheck_events
from newsextract.kinds.drafts import ArticleDraft
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.kindset import KindSet
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove
from newsextract.pipeline.postprocess import AnyEvent
from newsextract.strategies.base import StrategyResult
from newsextract.userwarnings import warn_caller

Processed = tuple[list[Event], list[Dropped]]

_EVENTS: TypeAdapter[list[AnyEvent]] = TypeAdapter(list[Annotated[AnyEvent, Field(discriminator="type")]])
_DROPPED: TypeAdapter[list[Dropped]] = TypeAdapter(list[Dropped])

#: Stands for the drafts on a hit that reuses the stored events (they are not read then).
NO_DRAFT = ArticleDraft.model_construct()


def entry(result: StrategyResult, processed: Processed) -> dict[str, Any]:
    """The cache entry of a fresh result: its drafts, usage and warnings, and the events made of them
    with the fingerprint of the code that made them."""
    events, dropped = processed
    return {
        "draft": result.drafts.model_dump(mode="json"),
        "usage": result.usage.model_dump(),
        "requests": result.requests,
        "warnings": result.warnings,
        "pipeline": pipeline_fingerprint(),
        "events": [e.model_dump(mode="json") for e in events],
        "dropped": [d.model_dump(mode="json") for d in dropped],
        "created": time.time(),
    }


def hit_result(hit: Mapping[str, Any], draft: ArticleDraft | KindsArticleDraft, usage: Any) -> StrategyResult:
    """A ``StrategyResult`` standing for a cache hit (no request made)."""
    result = StrategyResult(draft=ArticleDraft(), usage=usage, warnings=list(hit.get("warnings", [])))
    if isinstance(draft, ArticleDraft):
        result.draft = draft
    else:
        result.kinds_draft = draft
    return result


def stored_events(hit: Mapping[str, Any], kinds: KindSet | None) -> Processed | None:
    """The cached final events, if this process's post-processing code made them; else None. With a
    kind set, a stored ``type`` must name one of its kinds (else the entry is a miss): stored data
    never picks a class of its own."""
    if hit.get("pipeline") != pipeline_fingerprint() or "events" not in hit:
        return None
    events: list[Event]
    if kinds is None:
        events = list(_EVENTS.validate_python(hit["events"]))  # one pass in pydantic-core
    else:
        types = kinds.event_types()
        events = [types[e["type"]].model_validate(e) for e in hit["events"]]
    dropped = _DROPPED.validate_python(hit.get("dropped", []))
    return events, dropped


def rechecked(processed: Processed, text: str, grounding: GroundingMode) -> Processed | None:
    """Cached events whose quotes are in ``text`` and whose values are grounded (``recheck_events``), with
    offsets corrected; None, with a warning, when any is not (the entry is then treated as a miss). Only
    built-in events are stored for re-checking (a caller's kinds are re-made from the drafts)."""
    stored, dropped = processed
    events = [e for e in stored if isinstance(e, ShareSale | ExecutiveChange | StockMove)]
    if len(events) != len(stored):
        return None
    checked = recheck_events(events, text, grounding)
    if checked.problems:
        message = f"newsextract cache: a stored result does not match the article ({checked.problems[0]})"
        warn_caller(f"{message}; extracting it again", CacheWarning)
        return None
    return list(checked.events), dropped
