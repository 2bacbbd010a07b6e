"""One event, said twice: de-duplication and matching of a caller's kind by its identity fields. Pure.

Two events of a kind are the same event when their identity fields agree (names compared as
``dedupe.names_match`` does: "Harrowgate" ~ "Harrowgate Foods Plc", the other values equal after
folding) and no other field that both have set differs. The merged event keeps the first mention's
evidence and values and fills its empty fields from the later ones; flags are united.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsextract.core.schemas import Event
from newsextract.dedupe import names_match
from newsextract.grounding.checks import normalize_for_search
from newsextract.kinds.spec import BASE_FIELDS, KindSpec, kind_spec


def _agree(a: Any, b: Any, *, name: bool) -> bool:
    if a is None or b is None:
        return True
    if isinstance(a, str) and isinstance(b, str):
        return names_match(a, b) if name else normalize_for_search(a) == normalize_for_search(b)
    return bool(a == b)


def same_kind_event(spec: KindSpec, a: Event, b: Event) -> bool:
    """True when ``a`` and ``b`` (of the kind ``spec``) are one event (see the module docstring)."""
    for f in spec.fields:
        x, y = getattr(a, f.name, None), getattr(b, f.name, None)
        if f.identity and (x is None) != (y is None):
            return False
        if not _agree(x, y, name=f.role in ("name", "person")):
            return False
    return True


def identity_key(event: Event) -> tuple[str, ...]:
    """The event's kind and identity values, folded: what an evaluation or a table groups by."""
    spec = kind_spec(type(event))
    return (spec.name, *(normalize_for_search(str(getattr(event, n, "") or "")) for n in spec.identity))


def dedupe_kind(events: Sequence[Event]) -> list[Event]:
    """``events`` with repeated mentions of one event merged (order of first mentions kept)."""
    groups: list[Event] = []
    for event in events:
        spec = kind_spec(type(event))
        for i, kept in enumerate(groups):
            if type(kept) is type(event) and same_kind_event(spec, kept, event):
                fill = {
                    n: getattr(event, n)
                    for n in type(event).model_fields
                    if n not in BASE_FIELDS and getattr(kept, n) is None and getattr(event, n) is not None
                }
                flags = list(dict.fromkeys([*kept.flags, *event.flags]))
                groups[i] = kept.model_copy(update={**fill, "flags": flags})
                break
        else:
            groups.append(event)
    return groups
