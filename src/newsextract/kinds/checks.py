"""Grounding of a caller's kind, field by field, from each field's role. Pure.

The same meaning-based checks as the built-in kinds (``grounding.checks``), chosen by role:

* ``Name``/``Person``: named in the evidence or its neighbours, in full or in the article's short form,
  or by a pronoun whose name is in the sentences before; a company the article is about passes too.
* ``Role``: the title occurs in the evidence's sentences or the article (CEO ~ chief executive officer).
* ``Money``/``Quantity``/``Percent``: parsed and compared as typed values with what the evidence, or a
  sentence at most two away, states (an amount and its currency, a count, a percentage).
* ``Date``: a day a date expression of the context names, else the phrase as written in the article.
* ``Text``: occurs in the article (tolerant of case, quotes, dashes and spacing).
* ``Literal`` choices and flags are the model's reading and are not checked against the text.

A problem with a required field (the kind's identity included) costs the event; a problem with an
optional field costs that field. An event whose two or more numbers are all unsupported is invented
and goes, as does one quoted from an instruction inside the article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pydantic import BaseModel

from newsextract.grounding.checks import (
    Grounds,
    Problem,
    _date_problem,
    _eq,
    _here_or_anywhere,
    _here_or_near,
    _identity,
    _money_problem,
    _percent_problem,
    _stated,
    grounds_at,
    occurs,
    role_in_text,
)
from newsextract.grounding.context import locate
from newsextract.grounding.instructions import is_instruction
from newsextract.grounding.verdict import Verdict
from newsextract.kinds.roles import NUMERIC
from newsextract.kinds.spec import FieldSpec, KindSpec
from newsextract.normalize.events import clean_text
from newsextract.normalize.numbers import parse_count, parse_number


def _count_problem(name: str, value: str, context: str) -> Problem | None:
    n = parse_count(value)
    number = n if n is not None else parse_number(value)
    if number is None:
        return Problem(name, f'{name} "{value}" is not a number')
    if any(_eq(number, q.value) for q in _stated(context) if q.kind == "number"):
        return None
    return Problem(name, f'{name} "{value}" is not stated in the quoted sentence or next to it')


def _field_problem(f: FieldSpec, value: str, ev: Grounds) -> Problem | None:
    name = f.name
    checks: dict[str, Callable[[], Problem | None]] = {
        "money": lambda: _here_or_near(lambda c: _money_problem(name, value, c), ev),
        "quantity": lambda: _here_or_near(lambda c: _count_problem(name, value, c), ev),
        "percent": lambda: _here_or_near(lambda c: _percent_problem(name, value, c, core=False), ev),
        "date": lambda: _here_or_anywhere(lambda c: _date_problem(name, value, c, ev.published), ev),
    }
    if f.role in checks:
        return checks[f.role]()
    if f.role in ("name", "person"):
        found = _identity(name, value, ev, person=f.role == "person", required=False)
        return found[0] if found else None
    if f.role == "role":
        if role_in_text(value, ev.context) or role_in_text(value, ev.text):
            return None
        return Problem(name, f'{name} "{value}" does not occur in the article')
    if f.role == "text":
        clean = clean_text(value) or ""
        if occurs(clean, ev.context) or occurs(clean, ev.text):  # the article through its word index
            return None
        return Problem(name, f'{name} "{value}" does not occur in the article')
    return None


def _lifted(p: Problem, f: FieldSpec) -> Problem:
    """A required field's problem costs the event."""
    return Problem(p.field, p.message, "event") if f.required else p


def find_kind_problems(spec: KindSpec, draft: BaseModel, ev: Grounds) -> list[Problem]:
    """Every problem that keeps ``draft`` (of the kind ``spec``) from being supported by ``ev``, in field
    order; empty when every value is supported. Never raises."""
    out: list[Problem] = []
    if is_instruction(ev.sentence):
        out.append(
            Problem(None, "the quoted sentence is an instruction inside the article, not a report", "event")
        )
    numbers: list[str] = []
    wrong: set[str] = set()
    for f in spec.fields:
        raw = getattr(draft, f.name, None)
        if not isinstance(raw, str) or not raw.strip() or clean_text(raw) is None:
            if f.required and isinstance(raw, str | None):
                out.append(Problem(f.name, f"{f.name} is empty", "event"))
            continue
        if f.role in NUMERIC:
            numbers.append(f.name)
        p = _field_problem(f, raw, ev)
        if p is not None:
            wrong.add(f.name)
            out.append(_lifted(p, f))
    if len(numbers) >= 2 and wrong >= set(numbers):
        listed = ", ".join(numbers)
        out.append(Problem(None, f"none of its numbers ({listed}) is stated in the article", "event"))
    return out


def judge_kind(spec: KindSpec, draft: BaseModel, text: str, published: dt.date | None) -> Verdict:
    """The :class:`~newsextract.grounding.verdict.Verdict` on ``draft`` in ``text``: its evidence and its
    problems. ``Verdict.kept_draft`` then nulls each optional field with a problem. Never raises."""
    quote = getattr(draft, "quote", "")
    span = locate(quote, text) if isinstance(quote, str) else None
    if span is None:
        return Verdict(spec.name, None, ())
    g, w = grounds_at(text, span, published)
    problems = tuple(find_kind_problems(spec, draft, g))
    return Verdict(spec.name, (w.start, w.end), problems, (w.context_start, w.context_end), span)
