"""Grounding of one value by its field's role, for any kind. Pure.

* ``Name``/``Person``/``Party``: named in the evidence or its neighbours, in full or in the article's
  short form, or by a pronoun whose name is in the sentences before (:mod:`~newsextract.grounding.names`);
  who acts (a required ``Person``/``Party``) must be named in the quoted sentence unless it refers to
  someone; a required ``Name`` (the company an event is about) may be the article's subject.
* ``Role``: the title occurs in the evidence's sentences or the article (CEO ~ chief executive officer).
* ``Money``/``Quantity``/``Percent``: parsed and compared as typed values with what the evidence, or a
  sentence at most two away, states (:mod:`~newsextract.grounding.values`). With ``Core()``, another
  value of the same sort stated in the quoted sentence contradicts it and costs the event.
* ``Date``: a day a date expression of the context names, else anywhere in the article.
* ``Ticker``: anywhere in the article. ``Market``: the market the quoted clause names, else one the
  context names. ``Period``: a time expression of the context, or a date rule.
* ``Text``: occurs in the article (tolerant of case, quotes, dashes and spacing).
* ``Literal`` choices and flags are the model's reading and are not checked against the text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pydantic import BaseModel

from newsextract.grounding.grounds import Grounds, Problem, here_or_anywhere, here_or_near
from newsextract.grounding.names import identity_problem, market_problem, role_in_text, ticker_in_text
from newsextract.grounding.search import date_in_text, occurs
from newsextract.grounding.values import (
    core_count_problem,
    count_problem,
    date_problem,
    money_problem,
    percent_problem,
)
from newsextract.kinds.marks import Core, ZeroOnExit
from newsextract.kinds.spec import FieldSpec, KindSpec
from newsextract.normalize.events import clean_text
from newsextract.normalize.numbers import parse_number

Check = Callable[[], Problem | None]


def _other_numbers(spec: KindSpec, draft: BaseModel) -> list[Decimal]:
    """The numbers of the draft's amounts of money: not a second count where a core count is read."""
    out: list[Decimal] = []
    for f in spec.fields:
        raw = getattr(draft, f.draft_name, None)
        n = parse_number(raw) if f.role == "money" and isinstance(raw, str) and raw else None
        out += [n] if n is not None else []
    return out


def _quantity(spec: KindSpec, f: FieldSpec, value: str, draft: BaseModel, ev: Grounds) -> Problem | None:
    name = f.draft_name
    if spec.mark(f, Core) is None:
        return here_or_near(lambda c: count_problem(name, value, c), ev)
    used = _other_numbers(spec, draft)
    return here_or_near(lambda c: core_count_problem(name, value, c, used), ev)


def _percent(spec: KindSpec, f: FieldSpec, value: str, ev: Grounds) -> Problem | None:
    name, exit_ = f.draft_name, spec.mark(f, ZeroOnExit) is not None

    def near() -> Problem | None:
        return here_or_near(lambda c: percent_problem(name, value, c, core=False, zero_on_exit=exit_), ev)

    if spec.mark(f, Core) is None:
        return near()
    # the quoted sentence first: another percentage it states contradicts this one, unless a sentence
    # nearby states this one
    own = percent_problem(name, value, ev.sentence, core=True, zero_on_exit=exit_)
    return None if own is None or near() is None else own


def _name(f: FieldSpec, value: str, ev: Grounds) -> Problem | None:
    sort = {"person": "person", "party": "either"}.get(f.role, "organisation")
    found = identity_problem(
        f.draft_name,
        value,
        ev,
        sort=sort,  # type: ignore[arg-type]
        actor=f.required and f.role in ("person", "party"),
        subject=f.required and f.role == "name",
        required=False,
    )
    return found[0] if found else None


def _occurs_in_article(
    name: str, value: str, ev: Grounds, found: Callable[[str, str], bool], *, as_searched: str | None = None
) -> Problem | None:
    """``value`` (or ``as_searched``, its cleaned form) occurs in the context or else the article."""
    needle = value if as_searched is None else as_searched
    if found(needle, ev.context) or found(needle, ev.text):  # the article through its word index
        return None
    return Problem(name, f'{name} "{value}" does not occur in the article')


def _period(name: str, value: str, ev: Grounds) -> Problem | None:
    if date_in_text(value, ev.context):
        return None
    return here_or_anywhere(lambda c: date_problem(name, value, c, ev.published), ev)


def role_problem(spec: KindSpec, f: FieldSpec, value: str, draft: BaseModel, ev: Grounds) -> Problem | None:
    """The problem with ``value`` (the draft's non-empty value of the field ``f``) by the field's role,
    or None when the article supports it. Field-level; the caller lifts a required field's problem."""
    name = f.draft_name
    checks: dict[str, Check] = {
        "money": lambda: here_or_near(lambda c: money_problem(name, value, c), ev),
        "quantity": lambda: _quantity(spec, f, value, draft, ev),
        "percent": lambda: _percent(spec, f, value, ev),
        "date": lambda: here_or_anywhere(lambda c: date_problem(name, value, c, ev.published), ev),
        "name": lambda: _name(f, value, ev),
        "person": lambda: _name(f, value, ev),
        "party": lambda: _name(f, value, ev),
        "role": lambda: _occurs_in_article(name, value, ev, role_in_text),
        "ticker": lambda: (
            None
            if ticker_in_text(value, ev.text)
            else Problem(name, f'{name} "{value}" does not occur in the article')
        ),
        "market": lambda: market_problem(name, value, ev),
        "period": lambda: _period(name, value, ev),
        "text": lambda: _occurs_in_article(name, value, ev, occurs, as_searched=clean_text(value) or ""),
    }
    check = checks.get(f.role)
    return check() if check is not None else None
