"""Is a number, an amount of money, a percentage or a date stated by the article? Pure.

Both sides are parsed and the typed values compared: numbers with magnitudes and abbreviations
("33000000" ~ "33 million" ~ "33m"), money with symbols, codes and local prefixes ("USD 314000000" ~
"about $314 million", "HKD 37.5" ~ "HK$37.50", pence and cents), percentages ("16.3" ~ "16.3%"),
dates resolved against the publication date ("2013-08-07" ~ "on Aug. 7"; an ISO date whose year the
article does not give is not supported). A range in the text ("10-12 million", "between 5% and 6%")
offers both bounds. Each check returns a :class:`~newsextract.grounding.grounds.Problem` or None.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from newsextract.core.schemas import Money
from newsextract.grounding.grounds import Problem
from newsextract.grounding.search import date_in_text
from newsextract.normalize.dates import find_dates, resolve_date
from newsextract.normalize.mentions import Mention
from newsextract.normalize.money import money_among, parse_money
from newsextract.normalize.numbers import (
    Quantity,
    find_counts,
    find_quantities,
    parse_count,
    parse_number,
    parse_percent,
)

_BETWEEN_RE = re.compile(r"\bbetween\b", re.IGNORECASE)
_RANGE_DASH_RE = re.compile(r"(?<=[0-9%])\s?[-–—]\s?(?=[^\W_]|[$€£¥])")


def unranged(evidence: str) -> str:
    """``evidence`` with ranges written as two separate values, so both bounds can be matched."""
    return _RANGE_DASH_RE.sub(" to ", _BETWEEN_RE.sub("from", evidence))


@functools.lru_cache(maxsize=64)  # the article is searched once, not once per value
def _readings(evidence: str) -> tuple[list[Quantity], list[Quantity]]:
    """The quantities of ``evidence`` as written and, when it has a range, of its text with each bound
    apart (else an empty list: a second reading of the same text adds nothing)."""
    apart = unranged(evidence)
    return find_quantities(evidence), find_quantities(apart) if apart != evidence else []


def stated_quantities(evidence: str) -> list[Quantity]:
    """Every quantity stated in ``evidence``: as read (a range's lower bound) and with each bound apart."""
    written, apart = _readings(evidence)
    return written + apart


@functools.lru_cache(maxsize=64)
def stated_money(evidence: str) -> list[Mention[Money]]:
    """Every amount of money stated in ``evidence`` (``find_money(evidence, context=evidence)``, and the
    same of the text with a range's bounds apart), from the quantities :func:`_readings` read."""
    written, apart = _readings(evidence)
    money = money_among(written, context=f"{evidence}\n{evidence}")  # find_money joins text and context
    return money + money_among(apart, context=f"{unranged(evidence)}\n{evidence}") if apart else money


def same_number(a: Decimal | float, b: Decimal | float) -> bool:
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def _num_text(q: Quantity | Mention[Money] | Mention[int]) -> str:
    return " ".join(q.text.split())


def _listed(found: list[Quantity] | list[Mention[Money]] | list[Mention[int]], limit: int = 3) -> str:
    """The distinct values as written, quoted and comma-separated: what the sentence does state."""
    return ", ".join(f'"{t}"' for t in list(dict.fromkeys(_num_text(q) for q in found))[:limit])


def count_problem(field: str, value: str, context: str) -> Problem | None:
    """A count (or any number) that ``context`` states."""
    n = parse_count(value)
    number = n if n is not None else parse_number(value)
    if number is None:
        return Problem(field, f'{field} "{value}" is not a number')
    if any(same_number(number, q.value) for q in stated_quantities(context) if q.kind == "number"):
        return None
    return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it')


def core_count_problem(field: str, value: str, context: str, used: list[Decimal]) -> Problem | None:
    """A count of shares that ``context`` states; another count stated there (not one of ``used``, the
    event's other numbers) contradicts it and costs the event."""
    n = parse_count(value)
    if n is None:
        return Problem(field, f'{field} "{value}" is not a number of shares')
    stated = [q for q in stated_quantities(context) if q.kind == "number"]
    if any(same_number(n, q.value) for q in stated):
        return None
    counts = find_counts(context)
    other = [c for c in counts if not any(same_number(c.value, u) for u in used)]
    if other:
        says = _listed(other)
        return Problem(
            field, f'{field} "{value}" is not what the sentence states: it says {says} shares', "event"
        )
    return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it')


def money_problem(field: str, value: str, context: str) -> Problem | None:
    money = parse_money(value, context=context)
    if money is None:
        number = parse_number(value)
        if number is None:
            return Problem(field, f'{field} "{value}" is not an amount of money')
        if any(same_number(number, q.value) for q in stated_quantities(context) if q.kind != "percent"):
            return None
        return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it')
    stated = stated_money(context)
    same_amount = [m for m in stated if same_number(m.value.amount, money.amount)]
    if any(m.value.currency == money.currency for m in same_amount):
        return None
    if same_amount:
        return Problem(
            field,
            f'{field} "{value}" is in {money.currency} but the sentence says "{_num_text(same_amount[0])}" '
            f"({same_amount[0].value.currency})",
        )
    says = _listed(stated)
    tail = f"; the sentence states {says}" if says else ""
    return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it{tail}')


#: A holder that sells everything ends with a stake of zero: "its entire stake", "to zero", "exited".
FULL_EXIT_RE = re.compile(
    r"\b(?:(?:entire|whole|all\s+(?:of\s+)?(?:its|his|her|their|the)|remaining)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:stake|holding|holdings|shares|position)|to\s+zero|exit(?:ed|s|ing)?|no\s+longer\s+(?:holds|owns))\b",
    re.IGNORECASE,
)


def percent_problem(
    field: str, value: str, context: str, *, core: bool, zero_on_exit: bool = False
) -> Problem | None:
    """A percentage that ``context`` states. ``core``: another percentage stated there contradicts it and
    costs the event. ``zero_on_exit``: 0 is stated by words of a full exit (:data:`FULL_EXIT_RE`)."""
    p = parse_percent(value)
    if p is None:
        return Problem(field, f'{field} "{value}" is not a percentage')
    stated = [q for q in stated_quantities(context) if q.kind == "percent"]
    if any(same_number(p, q.value) for q in stated):
        return None
    if zero_on_exit and p == 0 and FULL_EXIT_RE.search(context):
        return None
    if stated and core:
        says = _listed(stated)
        return Problem(field, f'{field} "{value}" is not what the sentence states: it says {says}', "event")
    return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it')


@functools.lru_cache(maxsize=64)  # a date missing from its sentence is looked for in the whole article
def _days_stated(context: str, published: dt.date | None) -> frozenset[dt.date]:
    """Every day a date expression of ``context`` names, resolved against ``published``; read once per
    context, however many events ask."""
    return frozenset(m.value for m in find_dates(context, published) if m.value is not None)


def date_problem(field: str, value: str | None, context: str, published: dt.date | None) -> Problem | None:
    """A date must name a day that a date expression of the context names (resolved against
    ``published``), or, when it names no single day ("last week"), occur in the context as written."""
    if value is None or not value.strip():
        return None
    day = resolve_date(value, published)
    if day is not None:
        if day in _days_stated(context, published):
            return None
        return Problem(field, f'{field} "{value}" is not a date the quoted sentence or the next one states')
    if date_in_text(value, context):
        return None
    return Problem(field, f'{field} "{value}" does not occur in the quoted sentence or next to it')
