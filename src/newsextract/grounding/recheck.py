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
sentences first and in the whole article only when it is not there, and the article's quantities are
read at most once per call, so a re-check costs little next to post-processing, and nothing next to a
request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from newsextract.core.schemas import Evidence, GroundingMode, Money
from newsextract.grounding.checks import (
    _FULL_EXIT_RE,
    _eq,
    _unranged,
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
from newsextract.normalize.numbers import Quantity, find_quantities

AnyEvent = ShareSale | ExecutiveChange | StockMove


@dataclass(frozen=True)
class Recheck:
    """The events with their evidence re-located, and the problems found (empty: all verified)."""

    events: list[AnyEvent]
    problems: list[str]


class _Stated:
    """The numbers, percentages and amounts of money a text states, read on first use: the text is
    parsed once (:func:`find_quantities`, a second time without its ranges only if it has one), and its
    money is taken from the same quantities."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._numbers: list[Decimal] = []
        self._percents: list[Decimal] = []
        self._written: list[Quantity] = []
        self._money: list[Money] | None = None
        self._read_done = False

    def _read(self) -> None:
        if self._read_done:
            return
        self._read_done = True
        self._written = written = find_quantities(self.text)
        unranged = _unranged(self.text)  # a range's bounds apart, read a second time only if it has one
        quantities = written + (find_quantities(unranged) if unranged != self.text else [])
        self._numbers = [q.value for q in quantities if q.kind == "number"]
        self._percents = [abs(q.value) for q in quantities if q.kind == "percent"]

    def has_number(self, value: int) -> bool:
        self._read()
        return any(_eq(Decimal(value), s) for s in self._numbers)

    def has_percent(self, value: float) -> bool:
        self._read()
        return any(_eq(value, s) for s in self._percents)

    def has_money(self, value: Money) -> bool:
        self._read()
        if self._money is None:  # as find_money(text, context=text) reads it: from the text as written
            self._money = [m.value for m in money_among(self._written, context=f"{self.text}\n{self.text}")]
        return any(_eq(s.amount, value.amount) and s.currency == value.currency for s in self._money)


def recheck_events(events: Sequence[AnyEvent], text: str, grounding: GroundingMode) -> Recheck:
    """``events`` re-verified against ``text`` (see the module docstring). Never raises."""
    out: list[AnyEvent] = []
    problems: list[str] = []
    article: _Stated | None = None  # the whole article's quantities: read only if a window lacks one
    windows: dict[str, _Stated] = {}  # events stated in the same sentences share their quantities
    seen: dict[tuple[str, str, str], bool] = {}  # and their names' look-ups
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
        article = article or _Stated(text)
        sentences = evidence_window(text, evidence.start, evidence.end)
        window = windows.setdefault(sentences, _Stated(sentences))
        problems += [f"{event.type}: {p}" for p in _value_problems(event, text, window, article, seen)]
    return Recheck(out, problems)


def _role_in(role: str, text: str) -> bool:
    """``role_in_text``, trying the role as written first (the usual case; cheaper than its variants)."""
    return occurs(role, text) or role_in_text(role, text)


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


def _value_problems(
    event: AnyEvent, text: str, window: _Stated, article: _Stated, seen: dict[tuple[str, str, str], bool]
) -> list[str]:
    """Each value against the evidence's sentences first (where it almost always is, and a short text
    to search), then, if not there (a value a merged mention brought), against the whole article."""

    def found(check: Callable[[str, str], bool], value: str, kind: str) -> bool:
        key = (kind, value, window.text)  # the same name in the same sentences is looked up once a call
        if key not in seen:
            seen[key] = check(value, window.text) or check(value, text)
        return seen[key]

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
        if not found(_role_in, event.role, "role"):
            problems.append(f'role "{event.role}" does not occur in the article')
    else:
        names.append(("company", event.company, False))
        if event.ticker and not found(ticker_in_text, event.ticker, "ticker"):
            problems.append(f'ticker "{event.ticker}" does not occur in the article')
        if event.market and not found(market_in_text, event.market, "market"):
            problems.append(f'market "{event.market}" is not named in the article')
        percents.append(("change_pct", event.change_pct))
        money.append(("price", event.price))
    for field, name, person in names:
        if name is not None and not found(partial(name_in_text, person=person), name, f"name {person}"):
            problems.append(f'{field} "{name}" is not named in the article')
    for field, count in numbers:
        if count is not None and not (window.has_number(count) or article.has_number(count)):
            problems.append(f"{field} {count} is not stated in the article")
    for field, pct in percents:
        if field == "stake_after_pct" and pct == 0 and _FULL_EXIT_RE.search(text):
            continue  # a full exit is stated in words ("to zero", "its entire holding"), as grounding accepts
        if pct is not None and not (window.has_percent(pct) or article.has_percent(pct)):
            problems.append(f"{field} {pct} is not stated in the article")
    for field, amount in money:
        if amount is not None and not (window.has_money(amount) or article.has_money(amount)):
            problems.append(f"{field} {amount.amount} {amount.currency} is not stated in the article")
    return problems
