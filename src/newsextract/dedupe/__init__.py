"""Merge repeated mentions of one real-world event; keep genuinely different events apart. Pure.

News articles state an event in the lede and again later ("Ma postponed plans to sell ...", "filings
showed that Ma was looking to sell 10 million shares ..."). :func:`dedupe` folds such mentions into one
event with the better-filled fields, and leaves events that differ in any field both mentions state as
separate events. Everything is read from the kind (``newsextract.kinds.identity`` says how), the same for
the built-ins and a caller's kinds:

* **same event** (:func:`same_event`): same kind, and no field that both mentions state differs, each
  compared by the meaning of its role (:mod:`newsextract.dedupe.compare`: names by their words, "Ma" ~
  "Jack Ma" but "Jeff Zhang" !~ "Daniel Zhang"; roles by words or acronym, "CTO" ~ "chief technology
  officer"; markets by alias, "NYSE" ~ "New York"; periods without a leading preposition; tickers;
  money by amount and currency; percentages within 0.005; dates, counts and choices equal). A field
  marked ``Progress`` does not separate mentions (a sale "planned" in one sentence and "postponed" in the
  next is one sale) except for the pairs it lists as apart (a completed sale and a denial of further
  sales are two).
* **merge**: the *more complete* mention (more optional fields stated; ties go to the earlier one) is
  the primary; its evidence and values are kept and each of its unset fields is filled from the earliest
  mention that states it; identity names take their longest form; ``Progress`` fields the value
  furthest along; flags are united. The merged event takes the list position of the earliest mention.
  A mention is compared with the merged result of each earlier group, so three mentions where the first
  names no market and the others say "New York" and "Hong Kong" give two events, not one.

Inputs are never mutated; output order follows first mentions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from newsextract.core.schemas import Event
from newsextract.dedupe.compare import (
    CORPORATE_SUFFIXES,
    MARKET_ALIASES,
    index_keys,
    markets_match,
    name_tokens,
    names_match,
    normalize_market,
    normalize_name,
    normalize_period,
    roles_match,
)
from newsextract.dedupe.merge import Group, same_event
from newsextract.dedupe.plan import KindPlan, plan_of

__all__ = [
    "CORPORATE_SUFFIXES",
    "MARKET_ALIASES",
    "AnyEvent",
    "dedupe",
    "markets_match",
    "name_tokens",
    "names_match",
    "normalize_market",
    "normalize_name",
    "normalize_period",
    "roles_match",
    "same_event",
]

AnyEvent = Event
E = TypeVar("E", bound=Event)


def _filed_under(plan: KindPlan, event: Event) -> frozenset[str]:
    """Where a mention is filed for matching: keys that any mention it matches shares (the words of its
    first identity name, say), or one key for the kind when it has no such field."""
    field = plan.index
    if field is None:
        return frozenset({""})
    value = getattr(event, field.name)
    if value is None:
        return frozenset({"\0none"})
    return index_keys(field.how, value) or frozenset()


def dedupe(events: Sequence[E]) -> list[E]:
    """Fold repeated mentions of the same real-world event into one event.

    Promises: pure (inputs are not mutated); the result keeps the input order of first mentions;
    events that :func:`same_event` does not relate are all kept; each merged event takes the evidence
    (and names and values) of its most complete mention (ties: the earliest) and fills that mention's
    unset fields from the others, in input order. A mention is compared only with the earlier groups
    filed under one of its keys (every match shares one), and a group's merge is updated per mention,
    so repeated mentions cost time linear in their number; events of one key that all differ are still
    compared pairwise.
    """
    groups: list[Group[E]] = []
    reps: list[E] = []
    filed: dict[tuple[type[Event], str], list[int]] = {}
    keys_of: list[set[str]] = []

    def file(i: int) -> None:
        kind = type(reps[i])
        for key in _filed_under(plan_of(kind), reps[i]) - keys_of[i]:
            keys_of[i].add(key)
            filed.setdefault((kind, key), []).append(i)

    for ev in events:
        kind = type(ev)
        near = sorted({i for key in _filed_under(plan_of(kind), ev) for i in filed.get((kind, key), ())})
        for i in near:
            if same_event(reps[i], ev):
                groups[i].add(ev)
                reps[i] = groups[i].merged(with_flags=False)
                file(i)
                break
        else:
            groups.append(Group(ev))
            reps.append(ev)
            keys_of.append(set())
            file(len(reps) - 1)
    return [g.merged() for g in groups]
