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
made once while the article is one of the last few re-checked (keyed by the texts and values themselves:
a changed value or text is looked up afresh), so a re-check costs little next to post-processing, and
nothing next to a request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from newsextract.core.schemas import Evidence, GroundingMode, Money
from newsextract.grounding.context import evidence_window
from newsextract.grounding.names import market_in_text, name_in_text, role_in_text, ticker_in_text
from newsextract.grounding.search import occurs
from newsextract.grounding.values import FULL_EXIT_RE as _FULL_EXIT_RE
from newsextract.grounding.values import _readings
from newsextract.grounding.values import same_number as _eq
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


Stated = tuple[tuple[Decimal, ...], tuple[Decimal, ...], tuple[Money, ...]]


def _read(text: str) -> Stated:
    """The numbers, percentages (magnitudes) and amounts of money ``text`` states: its quantities as
    written and, when it has a range, with each bound apart (``grounding.values._readings``); its money
    is taken from the quantities as written, as ``find_money(text, context=text)`` reads it."""
    written, apart = _readings(text)
    quantities = written + apart
    money = money_among(written, context=f"{text}\n{text}")
    return (
        tuple(q.value for q in quantities if q.kind == "number"),
        tuple(abs(q.value) for q in quantities if q.kind == "percent"),
        tuple(m.value for m in money),
    )


class _Article:
    """What re-checking one article found out, kept while the article is one of the last few (a hit on
    the same article asks the same questions): evidence windows, each text's quantities (a window or the
    article), and each answer, keyed by the value and the text asked about. Answers are added, never
    changed; two threads asking at once at worst both compute the same answer."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.windows: dict[tuple[int, int], str] = {}
        self.stated: dict[str, Stated] = {}
        self.answers: dict[tuple[object, ...], bool] = {}

    def window(self, start: int, end: int) -> str:
        found = self.windows.get((start, end))
        if found is None:
            found = self.windows[(start, end)] = evidence_window(self.text, start, end)
        return found

    def _stated(self, text: str) -> Stated:
        found = self.stated.get(text)
        if found is None:
            found = self.stated[text] = _read(text)
        return found

    def has_number(self, text: str, value: int) -> bool:
        key = ("number", text, value)
        found = self.answers.get(key)
        if found is None:
            found = self.answers[key] = any(_eq(Decimal(value), s) for s in self._stated(text)[0])
        return found

    def has_percent(self, text: str, value: float) -> bool:
        key = ("percent", text, value)
        found = self.answers.get(key)
        if found is None:
            found = self.answers[key] = any(_eq(value, s) for s in self._stated(text)[1])
        return found

    def has_money(self, text: str, value: Money) -> bool:
        key = ("money", text, value.amount, value.currency)
        found = self.answers.get(key)
        if found is None:
            found = self.answers[key] = any(
                _eq(s.amount, value.amount) and s.currency == value.currency for s in self._stated(text)[2]
            )
        return found

    def found(self, kind: str, value: str, window: str) -> bool:
        """``value`` (a name, role, ticker or market: ``kind``) is in the evidence's sentences ``window``
        or, failing that, in the article, by the grounding rules."""
        key = (kind, value, window)
        found = self.answers.get(key)
        if found is None:
            lookup = _LOOKUPS[kind]
            found = self.answers[key] = lookup(value, window) or lookup(value, self.text)
        return found


@functools.lru_cache(maxsize=8)  # the last few articles (each holds its text: memory stays bounded)
def _article(text: str) -> _Article:
    return _Article(text)


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
        article = _article(text)
        window = article.window(evidence.start, evidence.end)
        problems += [f"{event.type}: {p}" for p in _value_problems(event, article, window)]
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


def _value_problems(event: AnyEvent, article: _Article, window: str) -> list[str]:
    """Each value against the evidence's sentences ``window`` first (where it almost always is, and a
    short text to search), then, if not there (a value a merged mention brought), against the whole
    article."""
    text = article.text

    def found(kind: str, value: str) -> bool:
        return article.found(kind, value, window)

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
        if count is not None and not (article.has_number(window, count) or article.has_number(text, count)):
            problems.append(f"{field} {count} is not stated in the article")
    for field, pct in percents:
        if field == "stake_after_pct" and pct == 0 and _FULL_EXIT_RE.search(text):
            continue  # a full exit is stated in words ("to zero", "its entire holding"), as grounding accepts
        if pct is not None and not (article.has_percent(window, pct) or article.has_percent(text, pct)):
            problems.append(f"{field} {pct} is not stated in the article")
    for field, amount in money:
        if amount is not None and not (article.has_money(window, amount) or article.has_money(text, amount)):
            problems.append(f"{field} {amount.amount} {amount.currency} is not stated in the article")
    return problems
