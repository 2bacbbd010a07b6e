"""Re-checking events read back from the cache against the article they are served for. Pure.

A cache directory may be shared, so a stored event is data someone else may have written. Before a
cached event is returned, :func:`recheck_events` verifies what post-processing guaranteed when it made
the event:

* its evidence: ``text[start:end] == quote`` on the caller's text; a quote found elsewhere in the text
  (``str.find``) gets its offsets corrected; a quote not in the text is a problem;
* its values (with grounding "strict", and with "flag" for events that carry no flags): every name is
  named in the article (the rules of :mod:`newsextract.grounding.checks`), the role, ticker and market
  occur, and every number, amount of money (amount and currency) and percentage equals one the article
  states (a stake cut to zero may be stated in words, as grounding accepts). Values post-processing
  derives from the text (status, direction, interim) and dates and periods (resolved against
  ``published``, which a hit does not re-read) are not re-checked.

With grounding "off" only the evidence is checked. Each value is looked for in the evidence's own
sentences first (found by reading around the quote, not by splitting the article) and in the whole
article only when it is not there. A text's quantities are read once and a value's look-up in a text is
made once (bounded memos, keyed by the texts and values themselves: a changed value or text is looked up
afresh), so a re-check costs little next to post-processing, and nothing next to a request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from newsextract.core.schemas import Evidence, GroundingMode, Money
from newsextract.grounding.checks import (
    _FULL_EXIT_RE,
    _eq,
    _readings,
    market_in_text,
    name_in_text,
    occurs,
    role_in_text,
    ticker_in_text,
)
from newsextract.grounding.context import evidence_window
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove
from newsextract.normalize.money import money_among

AnyEvent = ShareSale | ExecutiveChange | StockMove


@dataclass(frozen=True)
class Recheck:
    """The events with their evidence re-located, and the problems found (empty: all verified)."""

    events: list[AnyEvent]
    problems: list[str]


@functools.lru_cache(maxsize=256)  # a text's quantities, read once however many events and hits ask
def _stated(text: str) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...], tuple[Money, ...]]:
    """The numbers, percentages (magnitudes) and amounts of money ``text`` states: its quantities as
    written and, when it has a range, with each bound apart (``grounding.checks._readings``); its money
    is taken from the quantities as written, as ``find_money(text, context=text)`` reads it."""
    written, apart = _readings(text)
    quantities = written + apart
    money = money_among(written, context=f"{text}\n{text}")
    return (
        tuple(q.value for q in quantities if q.kind == "number"),
        tuple(abs(q.value) for q in quantities if q.kind == "percent"),
        tuple(m.value for m in money),
    )


def _has_number(text: str, value: int) -> bool:
    return any(_eq(Decimal(value), s) for s in _stated(text)[0])


def _has_percent(text: str, value: float) -> bool:
    return any(_eq(value, s) for s in _stated(text)[1])


def _has_money(text: str, value: Money) -> bool:
    return any(_eq(s.amount, value.amount) and s.currency == value.currency for s in _stated(text)[2])


def _name_in(name: str, text: str, person: bool) -> bool:
    return name_in_text(name, text, person=person)


def _role_in(role: str, text: str) -> bool:
    """``role_in_text``, trying the role as written first (the usual case; cheaper than its variants)."""
    return occurs(role, text) or role_in_text(role, text)


_LOOKUPS: dict[str, Callable[[str, str], bool]] = {
    "role": _role_in,
    "ticker": ticker_in_text,
    "market": market_in_text,
    "person": partial(_name_in, person=True),
    "name": partial(_name_in, person=False),
}


@functools.lru_cache(maxsize=4096)  # the same value in the same sentences of the same article: one look-up
def _found(kind: str, value: str, window: str, text: str) -> bool:
    """``value`` (a name, role, ticker or market: ``kind``) is in the evidence's sentences ``window`` or,
    failing that, in the article ``text``, by the grounding rules."""
    lookup = _LOOKUPS[kind]
    return lookup(value, window) or lookup(value, text)


def recheck_events(events: Sequence[AnyEvent], text: str, grounding: GroundingMode) -> Recheck:
    """``events`` re-verified against ``text`` (see the module docstring). Never raises."""
    out: list[AnyEvent] = []
    problems: list[str] = []
    for event in events:
        evidence = _relocate(event.evidence, text)
        if evidence is None:
            problems.append(f"{event.type}: its quote is not in the article")
            continue
        if evidence != event.evidence:
            event = event.model_copy(update={"evidence": evidence})
        out.append(event)
        if grounding == "off" or (grounding == "flag" and event.flags):
            continue
        window = evidence_window(text, evidence.start, evidence.end)
        problems += [f"{event.type}: {p}" for p in _value_problems(event, text, window)]
    return Recheck(out, problems)


def _relocate(evidence: Evidence, text: str) -> Evidence | None:
    quote = evidence.quote
    if not quote.strip():
        return None
    if text[evidence.start : evidence.end] == quote:
        return evidence
    start = text.find(quote)
    if start < 0:
        return None
    return Evidence(quote=quote, start=start, end=start + len(quote))


def _value_problems(event: AnyEvent, text: str, window: str) -> list[str]:
    """Each value against the evidence's sentences ``window`` first (where it almost always is, and a
    short text to search), then, if not there (a value a merged mention brought), against the whole
    article ``text``."""

    def found(kind: str, value: str) -> bool:
        return _found(kind, value, window, text)

    names: list[tuple[str, str | None, bool]] = []
    numbers: list[tuple[str, int | None]] = []
    percents: list[tuple[str, float | None]] = []
    money: list[tuple[str, Money | None]] = []
    problems: list[str] = []
    if isinstance(event, ShareSale):
        names += [("seller", event.seller, True), ("company", event.company, False)]
        numbers.append(("shares", event.shares))
        money += [("value", event.value), ("price_per_share", event.price_per_share)]
        percents += [("stake_before_pct", event.stake_before_pct), ("stake_after_pct", event.stake_after_pct)]
    elif isinstance(event, ExecutiveChange):
        names += [
            ("company", event.company, False),
            ("person", event.person, True),
            ("predecessor", event.predecessor, True),
        ]
        if not found("role", event.role):
            problems.append(f'role "{event.role}" does not occur in the article')
    else:
        names.append(("company", event.company, False))
        if event.ticker and not found("ticker", event.ticker):
            problems.append(f'ticker "{event.ticker}" does not occur in the article')
        if event.market and not found("market", event.market):
            problems.append(f'market "{event.market}" is not named in the article')
        percents.append(("change_pct", event.change_pct))
        money.append(("price", event.price))
    for field, name, person in names:
        if name is not None and not found("person" if person else "name", name):
            problems.append(f'{field} "{name}" is not named in the article')
    for field, count in numbers:
        if count is not None and not (_has_number(window, count) or _has_number(text, count)):
            problems.append(f"{field} {count} is not stated in the article")
    for field, pct in percents:
        if field == "stake_after_pct" and pct == 0 and _FULL_EXIT_RE.search(text):
            continue  # a full exit is stated in words ("to zero", "its entire holding"), as grounding accepts
        if pct is not None and not (_has_percent(window, pct) or _has_percent(text, pct)):
            problems.append(f"{field} {pct} is not stated in the article")
    for field, amount in money:
        if amount is not None and not (_has_money(window, amount) or _has_money(text, amount)):
            problems.append(f"{field} {amount.amount} {amount.currency} is not stated in the article")
    return problems
