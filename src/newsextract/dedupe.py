"""Merge repeated mentions of one real-world event; keep genuinely different events apart.

News articles state an event in the lede and again later ("Ma postponed plans to sell ...",
"filings showed that Ma was looking to sell 10 million shares ..."). :func:`dedupe` folds such
mentions into one event with the better-filled fields, and leaves events that differ in any field
both mentions state as separate events.

Two events are *the same event* when they have the same type, their key fields agree and no field
that both have set differs ("compatible"):

* ``ShareSale``: same seller and same company (by :func:`names_match`); ``shares``, ``value``,
  ``price_per_share``, ``stake_before_pct``, ``stake_after_pct`` and ``date`` compatible. ``status``
  does not separate mentions (a sale is reported as planned in one sentence and as postponed in
  the next), except completed and denied: a holder that sold and then "does not plan further sales"
  denies another sale. The merged event keeps the status furthest along (:data:`STATUS_STAGE`: a plan that
  was postponed, cancelled or denied is reported as such; ``unknown`` yields to any known status).
* ``ExecutiveChange``: same person (one name's tokens contained in the other's: "Zhang" ~ "Daniel
  Zhang", but "Jeff Zhang" !~ "Daniel Zhang"), same ``change``, compatible company, compatible role
  (:func:`roles_match`: one role's words contained in the other's, or an acronym of it, "CTO" ~
  "chief technology officer"), and compatible ``predecessor`` and ``effective_date``. ``interim``
  does not separate; True wins in the merge.
* ``StockMove``: same company, same direction, compatible market (:func:`markets_match`), period
  (compared without a leading preposition: "on Thursday" ~ "Thursday"), date, ticker,
  ``change_pct`` (within 0.005) and ``price``.

"Compatible" means: equal, or at least one side is None. Money is equal when amount and currency
are (the qualifier is ignored).

Merging: the *more complete* mention (more optional fields set; ties go to the earlier one in the
input list) is the primary; its evidence, names and values are kept, and each of its None fields
is filled from the other mentions (earliest first). Flags are united. The merged event takes the
list position of the earliest mention. An event is compared with the merged result of each
earlier group, so three mentions where the first has no market and the others say "New York" and
"Hong Kong" give two events, not one.

Everything here is pure: inputs are never mutated; output order follows first mentions.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

from newsextract.core.schemas import Money
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove
from newsextract.lexicon.companies import LEGAL_FORMS
from newsextract.lexicon.folding import fold
from newsextract.lexicon.markets import market_codes

__all__ = [
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

AnyEvent = ShareSale | ExecutiveChange | StockMove

CORPORATE_SUFFIXES = LEGAL_FORMS | {"the", "and"}
"""Words dropped from company and seller names before comparing them."""

_APOSTROPHES = "'’‘`´ʼ"
_POSSESSIVE = re.compile(r"(?<=\w)[" + _APOSTROPHES + r"]s\b|(?<=s)[" + _APOSTROPHES + r"](?=\s|$)")
_NON_WORD = re.compile(r"[^\w]+")
_PERIOD_PREPOSITIONS = frozenset(["on", "in", "at", "during", "over", "for", "by", "since", "as", "of"])

MARKET_ALIASES: dict[str, str] = {
    " ".join(t for t in _NON_WORD.split(k) if t): v for k, v in market_codes().items()
}
"""Exchange and city names that denote the same market, keyed by normalised name."""


_fold = fold


def _tokens(name: str) -> tuple[str, ...]:
    s = _POSSESSIVE.sub("", _fold(name))
    toks = tuple(t for t in _NON_WORD.split(s) if t and t != "_")
    kept = tuple(t for t in toks if t not in CORPORATE_SUFFIXES)
    return kept or toks


_cached_tokens = functools.lru_cache(maxsize=4096)(_tokens)
#: Names up to this length are tokenised once and remembered (de-duplication compares every name
#: many times); a longer one, rare and only ever a model's mistake, is tokenised each time.
_CACHED_NAME_CHARS = 200


def name_tokens(name: str) -> tuple[str, ...]:
    """Tokens of a person or company name for comparison: case-folded, possessives ("Alibaba's",
    "Xpeng’s") and punctuation removed, corporate suffixes (:data:`CORPORATE_SUFFIXES`) dropped
    unless nothing else would remain."""
    return _cached_tokens(name) if len(name) <= _CACHED_NAME_CHARS else _tokens(name)


def normalize_name(name: str) -> str:
    """The canonical comparison form of a name: :func:`name_tokens` joined by spaces
    ("Alibaba Group Holding Ltd." -> "alibaba", "Ma’s" -> "ma")."""
    return " ".join(name_tokens(name))


def names_match(a: str | None, b: str | None) -> bool:
    """True when two names denote the same entity: equal after :func:`normalize_name`, or all
    tokens of one are among the tokens of the other ("Ma" ~ "Jack Ma", "Alibaba Group Holding" ~
    "Alibaba"). Two Nones match; None never matches a name; an empty name matches nothing."""
    if a is None or b is None:
        return a is None and b is None
    ta, tb = set(name_tokens(a)), set(name_tokens(b))
    if not ta or not tb:
        return False
    return ta <= tb or tb <= ta


def _role_words(role: str) -> list[str]:
    return [
        t
        for t in _NON_WORD.split(_fold(role))
        if t and t not in {"of", "the", "and", "a", "an", "its", "group"}
    ]


def _acronym_of(short: list[str], long: list[str]) -> bool:
    if len(short) != 1 or len(long) < 2:
        return False
    initials = "".join(w[0] for w in long)
    # "CEO" ~ "chief executive officer", and ~ "chief executive" (the officer left unsaid)
    return short[0] in (initials, initials + "o")


def roles_match(a: str | None, b: str | None) -> bool:
    """True when two role descriptions plausibly name the same role: equal ignoring case and
    filler words, one's words contained in the other's ("president" ~ "acting president of Alibaba
    Cloud"), or one is the acronym of the other ("CTO" ~ "chief technology officer", "CEO" ~ "chief
    executive"). None or empty matches anything."""
    if not a or not b:
        return True
    wa, wb = _role_words(a), _role_words(b)
    if not wa or not wb:
        return True
    sa, sb = set(wa), set(wb)
    return sa <= sb or sb <= sa or _acronym_of(wa, wb) or _acronym_of(wb, wa)


def normalize_market(market: str) -> str:
    """Canonical market: alias group from :data:`MARKET_ALIASES` ("NYSE", "New York", "the US" ->
    "US"), else the case-folded words joined by spaces."""
    key = " ".join(t for t in _NON_WORD.split(_fold(market)) if t)
    return MARKET_ALIASES.get(key, MARKET_ALIASES.get(key.removeprefix("the "), key))


def markets_match(a: str | None, b: str | None) -> bool:
    """True when both markets are None, or both are set with the same :func:`normalize_market`."""
    if a is None or b is None:
        return a is None and b is None
    return normalize_market(a) == normalize_market(b)


def normalize_period(period: str) -> str:
    """Period for comparison: case-folded words without a leading preposition ("On Thursday" ->
    "thursday", "so far this year" unchanged)."""
    words = [t for t in _NON_WORD.split(_fold(period)) if t]
    while words and words[0] in _PERIOD_PREPOSITIONS:
        words = words[1:]
    return " ".join(words)


# --- compatibility ------------------------------------------------------------------------------


def _values_equal(a: Any, b: Any) -> bool:
    if isinstance(a, Money) and isinstance(b, Money):
        return a.amount == b.amount and a.currency.upper() == b.currency.upper()
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, abs_tol=0.005)
    if isinstance(a, dt.date) and isinstance(b, dt.date):
        return a == b
    return bool(a == b)


def _compatible(a: Any, b: Any) -> bool:
    return a is None or b is None or _values_equal(a, b)


_SALE_FIELDS = ("shares", "value", "price_per_share", "stake_before_pct", "stake_after_pct", "date")
_EXEC_FIELDS = ("effective_date",)
_MOVE_FIELDS = ("change_pct", "price", "date")


def same_event(a: AnyEvent, b: AnyEvent) -> bool:
    """True when ``a`` and ``b`` are mentions of one real-world event under the per-type rules in
    the module docstring."""
    if isinstance(a, ShareSale) and isinstance(b, ShareSale):
        return (
            names_match(a.seller, b.seller)
            and names_match(a.company, b.company)
            and {a.status, b.status} != {"completed", "denied"}
            and all(_compatible(getattr(a, f), getattr(b, f)) for f in _SALE_FIELDS)
        )
    if isinstance(a, ExecutiveChange) and isinstance(b, ExecutiveChange):
        return (
            a.change == b.change
            and names_match(a.person, b.person)
            and names_match(a.company, b.company)
            and roles_match(a.role, b.role)
            and (a.predecessor is None or b.predecessor is None or names_match(a.predecessor, b.predecessor))
            and all(_compatible(getattr(a, f), getattr(b, f)) for f in _EXEC_FIELDS)
        )
    if isinstance(a, StockMove) and isinstance(b, StockMove):
        return (
            a.direction == b.direction
            and names_match(a.company, b.company)
            and (a.market is None or b.market is None or markets_match(a.market, b.market))
            and (
                a.period is None
                or b.period is None
                or normalize_period(a.period) == normalize_period(b.period)
            )
            and (a.ticker is None or b.ticker is None or a.ticker.strip().upper() == b.ticker.strip().upper())
            and all(_compatible(getattr(a, f), getattr(b, f)) for f in _MOVE_FIELDS)
        )
    return False


# --- merging ------------------------------------------------------------------------------------

_OPTIONAL: dict[str, tuple[str, ...]] = {
    "ShareSale": ("shares", "value", "price_per_share", "stake_before_pct", "stake_after_pct", "date"),
    "ExecutiveChange": ("predecessor", "effective_date"),
    "StockMove": ("ticker", "market", "change_pct", "price", "period", "date"),
}


#: When mentions of one sale disagree on status, the later stage of the story wins: "plans to sell"
#: in one sentence and "has postponed plans to sell" in another is a postponed sale.
STATUS_STAGE: dict[str, int] = {
    "unknown": 0,
    "rumored": 1,
    "planned": 2,
    "completed": 3,
    "denied": 4,
    "postponed": 5,
    "cancelled": 6,
}


#: Name fields merged to their fullest form; the mentions were matched on them with names_match.
_NAMES: dict[str, tuple[str, ...]] = {
    "ShareSale": ("seller", "company"),
    "ExecutiveChange": ("person",),
    "StockMove": ("company",),
}


def _completeness(e: AnyEvent) -> int:
    n = sum(getattr(e, f) is not None for f in _OPTIONAL[e.type])
    if isinstance(e, ShareSale) and e.status != "unknown":
        n += 1
    if isinstance(e, ExecutiveChange) and e.interim:
        n += 1
    return n


class _Group:
    """Mentions of one event and what merging them gives, kept up to date one mention at a time: adding
    a mention costs the same however many the group holds (a sentence repeated through an article
    makes groups of thousands)."""

    def __init__(self, first: AnyEvent) -> None:
        self.mentions = [first]
        self.best = 0
        self.best_score = _completeness(first)
        self.first_set: dict[str, Any] = {}
        self.fullest: dict[str, str] = {}
        self.status = first.status if isinstance(first, ShareSale) else "unknown"
        self.interim = False
        self.flags: dict[str, None] = {}
        self._absorb(first)

    def _absorb(self, ev: AnyEvent) -> None:
        for f in _OPTIONAL[ev.type]:
            value = getattr(ev, f)
            if value is not None and f not in self.first_set:
                self.first_set[f] = value  # the earliest mention that states it
        for name_field in _NAMES[ev.type]:
            name = getattr(ev, name_field) or ""
            if len(name) > len(self.fullest.get(name_field, "")) or name_field not in self.fullest:
                self.fullest[name_field] = name  # the first of the longest forms
        if isinstance(ev, ShareSale) and STATUS_STAGE[ev.status] > STATUS_STAGE[self.status]:
            self.status = ev.status  # the first of the furthest stages
        self.interim = self.interim or (isinstance(ev, ExecutiveChange) and ev.interim)
        self.flags.update(dict.fromkeys(ev.flags))

    def add(self, ev: AnyEvent) -> None:
        self.mentions.append(ev)
        score = _completeness(ev)
        if score > self.best_score:
            self.best, self.best_score = len(self.mentions) - 1, score
        self._absorb(ev)

    def merged(self, *, with_flags: bool = True) -> AnyEvent:
        """The merged event (see the module rules); flags are left out of the one used for matching,
        which never reads them."""
        primary = self.mentions[self.best]
        if len(self.mentions) == 1:
            return primary
        update: dict[str, Any] = {}
        for f in _OPTIONAL[primary.type]:
            if getattr(primary, f) is None and f in self.first_set:
                update[f] = self.first_set[f]
        for name_field in _NAMES[primary.type]:
            fullest = self.fullest.get(name_field, "")
            if fullest and fullest != getattr(primary, name_field):
                update[name_field] = fullest
        if isinstance(primary, ShareSale) and self.status != primary.status:
            update["status"] = self.status
        if isinstance(primary, ExecutiveChange) and not primary.interim and self.interim:
            update["interim"] = True
        if with_flags:
            own = dict.fromkeys(primary.flags)
            flags = [*own, *(f for f in self.flags if f not in own)]
            if flags != primary.flags:
                update["flags"] = flags
        return primary.model_copy(update=update) if update else primary


def _merge_all(mentions: list[AnyEvent]) -> AnyEvent:
    """Merge mentions of one event (in input order) into one event."""
    group = _Group(mentions[0])
    for m in mentions[1:]:
        group.add(m)
    return group.merged()


def _company_keys(ev: AnyEvent) -> set[str]:
    """Where an event is filed for matching: the tokens of its company (``names_match`` needs a shared
    token), or one key for no company."""
    if ev.company is None:
        return {"\0none"}
    return set(name_tokens(ev.company))


def dedupe(events: list[AnyEvent]) -> list[AnyEvent]:
    """Fold repeated mentions of the same real-world event into one event.

    Promises: pure (inputs are not mutated); the result keeps the input order of first mentions;
    events that :func:`same_event` does not relate are all kept; each merged event takes the
    evidence (and names and values) of its most complete mention (ties: the earliest) and fills
    that mention's None fields from the others, in input order. An event is compared only with the
    earlier groups whose company shares a word with its own (every match does), and a group's merge
    is updated per mention, so repeated mentions cost time linear in their number; events of one
    company that all differ are still compared pairwise.
    """
    groups: list[_Group] = []
    reps: list[AnyEvent] = []
    filed: dict[tuple[str, str], list[int]] = {}
    keys_of: list[set[str]] = []

    def file(i: int) -> None:
        for key in _company_keys(reps[i]) - keys_of[i]:
            keys_of[i].add(key)
            filed.setdefault((reps[i].type, key), []).append(i)

    for ev in events:
        near = sorted({i for key in _company_keys(ev) for i in filed.get((ev.type, key), ())})
        for i in near:
            if same_event(reps[i], ev):
                groups[i].add(ev)
                reps[i] = groups[i].merged(with_flags=False)
                file(i)
                break
        else:
            groups.append(_Group(ev))
            reps.append(ev)
            keys_of.append(set())
            file(len(reps) - 1)
    return [g.merged() for g in groups]
