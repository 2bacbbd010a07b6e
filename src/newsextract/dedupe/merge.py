"""Whether two mentions are one event, and the event a group of mentions makes, for any kind, read from
its :class:`~newsextract.dedupe.plan.KindPlan`. Pure: events are never mutated.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from newsextract.core.schemas import Event
from newsextract.dedupe.compare import values_agree
from newsextract.dedupe.plan import KindPlan, plan_of

__all__ = ["Group", "completeness", "same_event"]

E = TypeVar("E", bound=Event)

#: Numbers within this distance are one value when comparing mentions (3.84% ~ 3.844%).
TOLERANCE = 0.005


def same_event(a: Event, b: Event) -> bool:
    """True when ``a`` and ``b`` are mentions of one real-world event: the same kind, no field that both
    state differs by meaning, and no pair of ``Progress`` values that keeps them apart."""
    if a.type != b.type or type(a) is not type(b):
        return False
    for f in plan_of(type(a)).checks:
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.progress is not None:
            if f.progress.keeps_apart(x, y):
                return False
        elif x is not None and y is not None and not values_agree(f.how, x, y, tolerance=TOLERANCE):
            return False
    return True


def completeness(plan: KindPlan, event: Event) -> int:
    """How many of the kind's optional fields ``event`` states (beyond their defaults)."""
    return sum(f.stated(getattr(event, f.name)) for f in plan.fields if f.optional)


class Group(Generic[E]):
    """Mentions of one event and what merging them gives, kept up to date one mention at a time: adding
    a mention costs the same however many the group holds (a sentence repeated through an article
    makes groups of thousands).

    The merge: the most complete mention (ties: the earliest) is the primary; its evidence and values are
    kept; each of its unset optional fields is filled from the earliest mention that states it; each
    identity name takes its longest form (the first of them); each ``Progress`` field the value furthest
    along (the first to reach it); flags are united, the primary's first."""

    def __init__(self, first: E) -> None:
        self.plan = plan_of(type(first))
        self.mentions: list[E] = [first]
        self.best = 0
        self.best_score = completeness(self.plan, first)
        self.first_set: dict[str, Any] = {}
        self.fullest: dict[str, str] = {}
        self.furthest: dict[str, Any] = {}
        self.flags: dict[str, None] = {}
        self._absorb(first)

    def _absorb(self, ev: Event) -> None:
        for f in self.plan.fields:
            value = getattr(ev, f.name)
            if f.progress is not None:
                known = f.name in self.furthest
                if not known or f.progress.stage(value) > f.progress.stage(self.furthest[f.name]):
                    self.furthest[f.name] = value
            elif f.optional and value is not None and f.name not in self.first_set:
                self.first_set[f.name] = value
        for name in self.plan.fullest:
            value = getattr(ev, name) or ""
            if name not in self.fullest or len(value) > len(self.fullest[name]):
                self.fullest[name] = value
        self.flags.update(dict.fromkeys(ev.flags))

    def add(self, ev: E) -> None:
        """Count ``ev`` as one more mention of this event."""
        self.mentions.append(ev)
        score = completeness(self.plan, ev)
        if score > self.best_score:
            self.best, self.best_score = len(self.mentions) - 1, score
        self._absorb(ev)

    def merged(self, *, with_flags: bool = True) -> E:
        """The merged event (see the class docstring); flags are left out of the one used for matching,
        which never reads them."""
        primary = self.mentions[self.best]
        if len(self.mentions) == 1:
            return primary
        update: dict[str, Any] = {}
        for f in self.plan.fields:
            ours = getattr(primary, f.name)
            if f.progress is not None:
                if self.furthest[f.name] != ours:
                    update[f.name] = self.furthest[f.name]
            elif ours is None and f.name in self.first_set:
                update[f.name] = self.first_set[f.name]
        for name in self.plan.fullest:
            if self.fullest[name] and self.fullest[name] != getattr(primary, name):
                update[name] = self.fullest[name]
        if with_flags:
            own = dict.fromkeys(primary.flags)
            flags = [*own, *(f for f in self.flags if f not in own)]
            if flags != primary.flags:
                update["flags"] = flags
        return primary.model_copy(update=update) if update else primary
