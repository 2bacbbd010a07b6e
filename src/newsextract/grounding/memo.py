"""``check_draft`` with a small in-memory memo, so grounding runs once per draft per extraction.

The same draft is checked twice on the way through: when instructor validates the model's reply (to
re-ask on problems) and again in post-processing (to drop or flag). The checks are pure, so the second
call returns the first's answer. The memo is bounded and thread-safe; keys hold the article text by
reference (its hash is computed once by Python and cached on the string).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from newsextract.core.drafts import AnyDraft
from newsextract.grounding.checks import check_draft

_MAX_ENTRIES = 4096
_memo: OrderedDict[tuple[str, str, str, str], tuple[str, ...]] = OrderedDict()
_lock = threading.Lock()


def checked(kind: str, draft: AnyDraft, *, evidence: str, text: str) -> list[str]:
    """Exactly ``check_draft(kind, draft, evidence=evidence, text=text)``, computed once per input."""
    key = (kind, draft.model_dump_json(), evidence, text)
    with _lock:
        hit = _memo.get(key)
        if hit is not None:
            _memo.move_to_end(key)
            return list(hit)
    problems = check_draft(kind, draft, evidence=evidence, text=text)
    with _lock:
        _memo[key] = tuple(problems)
        if len(_memo) > _MAX_ENTRIES:
            _memo.popitem(last=False)
    return problems
