"""Grounding checks: is every value of a draft stated by the article, for this event? Pure.

:func:`find_problems` returns :class:`~newsextract.grounding.grounds.Problem` objects (an empty list
means grounded), each a short, specific message that names the value and, where it can, quotes what the
sentence does state. The same code grounds every kind, built-in or the caller's own:

* each value by its field's role (:mod:`~newsextract.grounding.roles`: names, roles, tickers and
  markets by :mod:`~newsextract.grounding.names`; numbers, money, percentages and dates compared by
  meaning by :mod:`~newsextract.grounding.values`);
* then what the kind declares (``kinds.marks``): ``NotSameAs`` (a predecessor is not the person; a
  seller is not the issuer), ``NotAbove`` (a stake after a sale is no larger than before), ``Cues``
  (a sale's status that disagrees with the sentence is replaced by the sentence's: a field-level
  problem with a replacement), ``speaks_of`` (a sale's sentences must speak of selling).

A problem with a required field costs the event; with an optional field, that field. Event-level too:
the quoted sentence is an instruction (:mod:`~newsextract.grounding.instructions`), a core number
contradicts the sentence (``Core()``), or two or more numbers are given and none is stated in the article.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re

from pydantic import BaseModel

from newsextract.core.schemas import Event
from newsextract.grounding.context import locate
from newsextract.grounding.grounds import (
    LINK_SENTENCES,
    NEAR_SENTENCES,
    Grounds,
    Problem,
    ProblemLevel,
    grounds_at,
    same_value,
)
from newsextract.grounding.instructions import is_instruction
from newsextract.grounding.names import (
    CORPORATE_SUFFIXES,
    MARKET_ALIASES,
    ROLE_ABBREVIATIONS,
    market_in_text,
    name_in_text,
    named_here,
    role_in_text,
    ticker_in_text,
)
from newsextract.grounding.roles import role_problem
from newsextract.grounding.search import date_in_text, normalize_for_search, occurs
from newsextract.kinds.builtin import EVENT_TYPES
from newsextract.kinds.marks import Cues, NotAbove, NotSameAs
from newsextract.kinds.roles import NUMERIC
from newsextract.kinds.spec import FieldSpec, KindSpec, kind_spec
from newsextract.normalize.cues import DISPUTED, Said, disputed
from newsextract.normalize.events import clean_text
from newsextract.normalize.numbers import parse_number, parse_percent

__all__ = [
    "CORPORATE_SUFFIXES",
    "LINK_SENTENCES",
    "MARKET_ALIASES",
    "NEAR_SENTENCES",
    "ROLE_ABBREVIATIONS",
    "Grounds",
    "Problem",
    "ProblemLevel",
    "check_draft",
    "date_in_text",
    "find_problems",
    "grounds_at",
    "market_in_text",
    "name_in_text",
    "named_here",
    "normalize_for_search",
    "occurs",
    "role_in_text",
    "spec_of",
    "ticker_in_text",
]


def spec_of(kind: str | KindSpec | type[Event]) -> KindSpec | None:
    """The spec of ``kind``: a spec as given, a kind class, or a built-in kind's name; None if unknown."""
    if isinstance(kind, KindSpec):
        return kind
    if isinstance(kind, str):
        return kind_spec(EVENT_TYPES[kind]) if kind in EVENT_TYPES else None
    return kind_spec(kind)


def _given(raw: object) -> bool:
    return isinstance(raw, str) and bool(raw.strip()) and clean_text(raw) is not None


def _number(f: FieldSpec, raw: object) -> float | None:
    if not isinstance(raw, str) or not raw:
        return None
    n = parse_percent(raw) if f.role == "percent" else parse_number(raw)
    return float(n) if n is not None else None


def _declared(spec: KindSpec, f: FieldSpec, raw: str, draft: BaseModel, ev: Grounds) -> list[Problem]:
    """What the field's marks find wrong with its value ``raw``."""
    name, out = f.draft_name, []
    for m in f.marks:
        if isinstance(m, NotSameAs | NotAbove):
            other = spec.field(m.other)
            other_raw = getattr(draft, other.draft_name, None)
            if isinstance(m, NotSameAs) and same_value(raw, other_raw):
                why = m.why or f"is the same as {other.draft_name}"
                out.append(Problem(name, f'{name} "{raw}" {why}', "event" if m.event else "field"))
            elif isinstance(m, NotAbove):
                mine, theirs = _number(f, raw), _number(other, other_raw)
                if mine is not None and theirs is not None and mine > theirs:
                    message = f'{name} "{raw}" is larger than {other.draft_name} "{other_raw}"'
                    out.append(Problem(name, message))
        elif isinstance(m, Cues) and m.rule in DISPUTED:
            stated = disputed(m.rule, raw, Said(ev.sentence, ev.quote, ev.context))
            if stated is not None:
                says = DISPUTED[m.rule].format(stated)
                out.append(
                    Problem(
                        name, f'{name} "{raw}" is not what the sentence states; {says}', replacement=stated
                    )
                )
    return out


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _kind_problems(spec: KindSpec, draft: BaseModel, ev: Grounds) -> list[Problem]:
    out: list[Problem] = []
    numbers: list[str] = []
    wrong: set[str] = set()
    for f in spec.fields:
        name, raw = f.draft_name, getattr(draft, f.draft_name, None)
        if not isinstance(raw, str) or (not _given(raw) and f.role != "choice"):
            if f.required and isinstance(raw, str | None):
                out.append(Problem(name, f"{name} is empty", "event"))
            continue
        numbers += [name] if f.role in NUMERIC else []
        found = [role_problem(spec, f, raw, draft, ev), *_declared(spec, f, raw, draft, ev)]
        for p in found:
            if p is not None:
                wrong.add(name)
                out.append(dataclasses.replace(p, level="event") if f.required else p)
    if spec.speaks_of is not None and not _pattern(spec.speaks_of.pattern).search(ev.context):
        out.append(Problem(None, spec.speaks_of.why, "event"))
    if len(numbers) >= 2 and wrong >= set(numbers):
        listed = ", ".join(sorted(numbers))
        out.append(Problem(None, f"none of its numbers ({listed}) is stated in the article", "event"))
    return out


def find_problems(kind: str | KindSpec, draft: BaseModel, ev: Grounds) -> list[Problem]:
    """Every problem that keeps ``draft`` (of ``kind``: a built-in kind's name or any kind's spec) from
    being supported by ``ev``, in field order; an empty list when every value is supported. Values are
    compared by meaning (see the module docstring). Never raises."""
    out: list[Problem] = []
    if is_instruction(ev.sentence):
        out.append(
            Problem(None, "the quoted sentence is an instruction inside the article, not a report", "event")
        )
    spec = spec_of(kind)
    if spec is None or not isinstance(draft, spec.draft):
        return [*out, Problem(None, f"draft of type {type(draft).__name__} is not a {kind}", "event")]
    return out + _kind_problems(spec, draft, ev)


def check_draft(
    kind: str | KindSpec, draft: BaseModel, *, evidence: str, text: str, published: dt.date | None = None
) -> list[str]:
    """Messages of :func:`find_problems` for ``draft`` whose evidence is ``evidence`` in the article
    ``text`` (found there exactly or tolerantly; else used on its own as sentence and context); an empty
    list when every value is supported."""
    span = locate(evidence, text)
    if span is None:
        g = Grounds(
            quote=evidence, sentence=evidence, context=evidence, before="", text=text, published=published
        )
    else:
        g, _ = grounds_at(text, span, published)
    return [p.message for p in find_problems(kind, draft, g)]
