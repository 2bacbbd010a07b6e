"""Re-checking events read back from the cache against the article they are served for. Pure.

A cache directory may be shared, so a stored event is data someone else may have written. Before a
cached event is returned, :func:`recheck_events` verifies what post-processing guaranteed when it made
the event:

* its evidence: ``text[start:end] == quote`` on the caller's text; a quote found elsewhere in the text
  (``str.find``) gets its offsets corrected; a quote not in the text is a problem;
* its values, each by its field's role, for any kind (with grounding "strict", and with "flag" for
  events that carry no flags): every name is named in the article (the rules of
  :mod:`newsextract.grounding.names`), the role, ticker and market occur, and every number, amount of
  money (amount and currency) and percentage equals one the article states (a percentage marked
  ``ZeroOnExit``, a stake cut to zero, may be stated in words, as grounding accepts). Values post-processing
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
from typing import Any, Generic, TypeVar

from newsextract.core.schemas import Event, Evidence, GroundingMode, Money
from newsextract.grounding.context import evidence_window
from newsextract.grounding.names import market_in_text, name_in_text, role_in_text, ticker_in_text
from newsextract.grounding.search import occurs
from newsextract.grounding.values import FULL_EXIT_RE as _FULL_EXIT_RE
from newsextract.grounding.values import _readings
from newsextract.grounding.values import same_number as _eq
from newsextract.kinds.marks import ZeroOnExit
from newsextract.kinds.spec import kind_spec
from newsextract.normalize.money import money_among

E = TypeVar("E", bound=Event)
#: Roles whose value is a name, looked up by the name rules (a person's by the last-name rule too).
_NAMED = frozenset({"name", "person", "party"})
#: Roles whose value a re-check looks up in the article.
_RECHECKED = _NAMED | {"role", "ticker", "market", "quantity", "percent", "money"}


@dataclass(frozen=True)
class Recheck(Generic[E]):
    """The events with their evidence re-located, and the problems found (empty: all verified)."""

    events: list[E]
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


def recheck_events(events: Sequence[E], text: str, grounding: GroundingMode) -> Recheck[E]:
    """``events`` (of any kinds) re-verified against ``text`` (see the module docstring). Never raises."""
    out: list[E] = []
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


@functools.cache
def _checked_fields(kind: type[Event]) -> tuple[tuple[str, str, bool], ...]:
    """(field, role, zero stated by a full exit) of each field of ``kind`` a re-check looks up, in order."""
    spec = kind_spec(kind)
    return tuple(
        (f.name, f.role, spec.mark(f, ZeroOnExit) is not None) for f in spec.fields if f.role in _RECHECKED
    )


def _value_problems(event: Event, article: _Article, window: str) -> list[str]:
    """Each value by its field's role (``kinds.roles``), against the evidence's sentences ``window``
    first (where it almost always is, and a short text to search), then, if not there (a value a merged
    mention brought), against the whole article. Dates, periods, choices, flags and free text are not
    re-checked (see the module docstring)."""
    problems: list[str] = []
    for name, role, zero_on_exit in _checked_fields(type(event)):
        value = getattr(event, name, None)
        if value is not None:
            problem = _value_problem(name, role, zero_on_exit, value, article, window)
            if problem is not None:
                problems.append(problem)
    return problems


def _value_problem(
    name: str, role: str, zero_on_exit: bool, value: Any, article: _Article, window: str
) -> str | None:
    text = article.text
    if role in _NAMED and isinstance(value, str):
        lookup = "name" if role == "name" else "person"
        return (
            None if article.found(lookup, value, window) else f'{name} "{value}" is not named in the article'
        )
    if role in ("role", "ticker", "market") and isinstance(value, str):
        if article.found(role, value, window):
            return None
        said = "is not named in" if role == "market" else "does not occur in"
        return f'{name} "{value}" {said} the article'
    if role == "quantity" and isinstance(value, int):
        stated = article.has_number(window, value) or article.has_number(text, value)
        return None if stated else f"{name} {value} is not stated in the article"
    if role == "percent" and isinstance(value, float | int):
        if value == 0 and zero_on_exit and _FULL_EXIT_RE.search(text):
            return None  # a full exit is stated in words ("to zero", "its entire holding"), as grounding does
        stated = article.has_percent(window, value) or article.has_percent(text, value)
        return None if stated else f"{name} {value} is not stated in the article"
    if role == "money" and isinstance(value, Money):
        stated = article.has_money(window, value) or article.has_money(text, value)
        return None if stated else f"{name} {value.amount} {value.currency} is not stated in the article"
    return None
