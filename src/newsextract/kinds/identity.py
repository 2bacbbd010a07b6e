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
from newsextract.dedupe import name_tokens, names_match
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


def _index_keys(spec: KindSpec, event: Event) -> set[str]:
    """Keys under which ``event`` is filed: a mention can only be merged with a group that shares one.
    For a name, its comparison tokens (two names that match share a token); otherwise the folded value
    of the first identity field."""
    first = spec.field(spec.identity[0])
    value = getattr(event, first.name, None)
    if value is None:
        return {"\0none"}
    if first.role in ("name", "person") and isinstance(value, str):
        return set(name_tokens(value))
    return {normalize_for_search(str(value)) if isinstance(value, str) else repr(value)}


def dedupe_kind(events: Sequence[Event]) -> list[Event]:
    """``events`` with repeated mentions of one event merged (order of first mentions kept). Each mention
    is compared only with the groups filed under one of its keys, not with every earlier group."""
    groups: list[Event] = []
    index: dict[tuple[str, str], list[int]] = {}
    for event in events:
        spec = kind_spec(type(event))
        keys = [(spec.name, k) for k in _index_keys(spec, event)]
        candidates = sorted({i for key in keys for i in index.get(key, [])})
        for i in candidates:
            kept = groups[i]
            if same_kind_event(spec, kept, event):
                fill = {
                    n: getattr(event, n)
                    for n in type(event).model_fields
                    if n not in BASE_FIELDS and getattr(kept, n) is None and getattr(event, n) is not None
                }
                flags = list(dict.fromkeys([*kept.flags, *event.flags]))
                groups[i] = kept.model_copy(update={**fill, "flags": flags})
                break
        else:
            for key in keys:
                index.setdefault(key, []).append(len(groups))
            groups.append(event)
    return groups
