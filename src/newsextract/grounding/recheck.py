"""Re-checking events read back from the cache against the article they are served for. Pure.

A cache directory may be shared, so a stored event is data someone else may have written. Before a
cached event is returned, :func:`recheck_events` verifies what post-processing guaranteed when it made
the event:

* its evidence: ``text[start:end] == quote`` on the caller's text; a quote found elsewhere in the text
  (``str.find``) gets its offsets corrected; a quote not in the text is a problem;
* its values (with grounding "strict", and with "flag" for events that carry no flags): every name is
  named in the article (the rules of :mod:`newsextract.grounding.checks`), the role and period occur,
  and every number, amount of money (amount and currency) and percentage equals one the article
  states. Values post-processing derives from the text itself (status, direction, dates resolved
  against ``published``, interim) are not re-checked.

With grounding "off" only the evidence is checked. The article's quantities are read once per call,
so a re-check costs a few scans of the text, not one per value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from newsextract.core.schemas import Evidence, ExecutiveChange, GroundingMode, Money, ShareSale, StockMove
from newsextract.grounding.checks import (
    _eq,
    _stated,
    date_in_text,
    market_in_text,
    name_in_text,
    role_in_text,
    ticker_in_text,
)
from newsextract.grounding.context import evidence_window
from newsextract.normalize.money import find_money

AnyEvent = ShareSale | ExecutiveChange | StockMove


@dataclass(frozen=True)
class Recheck:
    """The events with their evidence re-located, and the problems found (empty: all verified)."""

    events: list[AnyEvent]
    problems: list[str]


class _Stated:
    """The article's numbers, percentages and amounts of money, read once."""

    def __init__(self, text: str) -> None:
        self.text = text
        quantities = _stated(text)
        self.numbers = [q.value for q in quantities if q.kind == "number"]
        self.percents = [abs(q.value) for q in quantities if q.kind == "percent"]
        self.money = [m.value for m in find_money(text, context=text)]

    def money_stated(self, value: Money, window: str) -> bool:
        stated = self.money + [m.value for m in find_money(window, context=window)]
        return any(_eq(s.amount, value.amount) and s.currency == value.currency for s in stated)


def recheck_events(events: Sequence[AnyEvent], text: str, grounding: GroundingMode) -> Recheck:
    """``events`` re-verified against ``text`` (see the module docstring). Never raises."""
    out: list[AnyEvent] = []
    problems: list[str] = []
    stated: _Stated | None = None
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
        stated = stated or _Stated(text)
        window = evidence_window(text, evidence.start, evidence.end)
        problems += [f"{event.type}: {p}" for p in _value_problems(event, stated, window)]
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


def _value_problems(event: AnyEvent, stated: _Stated, window: str) -> list[str]:
    text = stated.text
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
        if not role_in_text(event.role, text):
            problems.append(f'role "{event.role}" does not occur in the article')
    else:
        names.append(("company", event.company, False))
        if event.ticker and not ticker_in_text(event.ticker, text):
            problems.append(f'ticker "{event.ticker}" does not occur in the article')
        if event.market and not market_in_text(event.market, text):
            problems.append(f'market "{event.market}" is not named in the article')
        if event.period and not date_in_text(event.period, text):
            problems.append(f'period "{event.period}" does not occur in the article')
        percents.append(("change_pct", event.change_pct))
        money.append(("price", event.price))
    for field, name, person in names:
        if name is not None and not name_in_text(name, text, person=person):
            problems.append(f'{field} "{name}" is not named in the article')
    for field, count in numbers:
        if count is not None and not any(_eq(Decimal(count), s) for s in stated.numbers):
            problems.append(f"{field} {count} is not stated in the article")
    for field, pct in percents:
        if pct is not None and not any(_eq(pct, s) for s in stated.percents):
            problems.append(f"{field} {pct} is not stated in the article")
    for field, amount in money:
        if amount is not None and not stated.money_stated(amount, window):
            problems.append(f"{field} {amount.amount} {amount.currency} is not stated in the article")
    return problems
