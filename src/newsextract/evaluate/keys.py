"""What evaluation reads from a kind: its scored fields, its key (the identity fields) and how each field's
values agree. The same for the built-ins and a caller's kinds. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from newsextract.core.schemas import Event, StoredEvent
from newsextract.dedupe.compare import Comparison, values_agree
from newsextract.dedupe.plan import plan_of
from newsextract.kinds import BUILTIN_KINDS

__all__ = [
    "BUILTIN_BY_NAME",
    "EVENT_TYPE_NAMES",
    "FIELDS",
    "KEY_FIELDS",
    "Kinds",
    "NameMode",
    "field_agrees",
    "fields_of",
    "key_fields_of",
    "scored_fields",
]

NameMode = Literal["strict", "relaxed"]
#: A caller's kinds by name.
Kinds = Mapping[str, type[Event]]

BUILTIN_BY_NAME: dict[str, type[Event]] = {k.__name__: k for k in BUILTIN_KINDS}
EVENT_TYPE_NAMES: tuple[str, ...] = tuple(BUILTIN_BY_NAME)
FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in plan_of(k).fields) for name, k in BUILTIN_BY_NAME.items()
}
"""Per built-in kind, the fields scored for accuracy (all its own fields: not type, evidence, flags)."""
KEY_FIELDS: dict[str, tuple[str, ...]] = {name: plan_of(k).identity for name, k in BUILTIN_BY_NAME.items()}
"""Per built-in kind, the fields that must agree for a prediction to match a gold event: its identity."""

#: Numbers within this distance agree (a percentage of 3.84 ~ 3.849).
TOLERANCE = 0.01


def scored_fields(kind: type[Event]) -> tuple[str, ...]:
    """The fields of ``kind`` scored for accuracy: all its own fields, in order."""
    return tuple(f.name for f in plan_of(kind).fields)


def fields_of(type_name: str, kinds: Kinds | None = None) -> tuple[str, ...]:
    """The scored fields of the kind named ``type_name`` in ``kinds``, else of the built-in of that name.
    KeyError if neither."""
    return scored_fields((kinds or {}).get(type_name) or BUILTIN_BY_NAME[type_name])


def key_fields_of(event: Event) -> tuple[str, ...]:
    """The fields that must agree for ``event`` to match: its kind's identity fields (an event read back
    without its class: all its fields)."""
    if isinstance(event, StoredEvent):
        return tuple(k for k in event.model_dump() if k not in ("type", "evidence", "flags"))
    return plan_of(type(event)).identity


def _comparison(field: str, kind: type[Event] | None) -> Comparison:
    """How ``field`` of ``kind`` compares; without a kind, as the built-in field of that name does."""
    for cls in (kind,) if kind is not None and not issubclass(kind, StoredEvent) else BUILTIN_KINDS:
        found = next((f.how for f in plan_of(cls).fields if f.name == field), None)
        if found is not None:
            return found
    return "text"


def _fold(s: str) -> str:
    return " ".join(s.split()).casefold()


def field_agrees(
    name: str, a: Any, b: Any, *, names: NameMode = "relaxed", kind: type[Event] | None = None
) -> bool:
    """Whether field ``name`` (of ``kind``; without it, the built-in field of that name) agrees between
    two events' values: None only with None; money by amount and currency (the qualifier ignored);
    numbers within 0.01; strings by the meaning of the field's role (``dedupe.compare``: names by their
    words, markets by alias, periods without a leading preposition, roles by words or acronym ...), or
    with ``names="strict"`` equal after trimming, case-insensitively; anything else equal."""
    if a is None or b is None:
        return a is None and b is None
    if names == "strict" and isinstance(a, str) and isinstance(b, str):
        return _fold(a) == _fold(b)
    return values_agree(_comparison(name, kind), a, b, tolerance=TOLERANCE)
