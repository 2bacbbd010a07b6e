"""Post-processing of the three built-in kinds: the one path of ``pipeline.by_kind`` with the built-in
set. Pure. See :mod:`newsextract.pipeline.by_kind` for what happens to each draft."""

from __future__ import annotations

import datetime as dt

from newsextract.core.schemas import Dropped, GroundingMode
from newsextract.kinds.builtin import AnyEvent
from newsextract.kinds.drafts import ArticleDraft
from newsextract.pipeline.by_kind import BUILTIN_SET, dropped_record, grounded_event, postprocess_kinds

__all__ = ["AnyEvent", "dropped_record", "grounded_event", "postprocess"]


def postprocess(
    draft: ArticleDraft,
    text: str,
    published: dt.date | None,
    grounding: GroundingMode = "strict",
) -> tuple[list[AnyEvent], list[Dropped]]:
    """Grounded events of the built-in kinds in text order, and what grounding and the filters removed
    (with reasons)."""
    events, dropped = postprocess_kinds(draft, text, published, BUILTIN_SET, grounding)
    return [e for e in events if isinstance(e, AnyEvent)], dropped
