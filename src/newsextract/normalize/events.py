"""Drafts (values as written) -> public events (typed values), for any kind, by role. Pure; never
invents a value.

Each field is read by its role (``kinds.roles``), the same for the built-in kinds and a caller's own:

* ``Name``/``Person``/``Party``/``Role``/``Market``/``Period``/``Text``: stripped of surrounding
  whitespace and quotes and of a trailing possessive ("Xpeng's" -> "Xpeng"), except for a few brand names
  that end in "'s" (McDonald's, Moody's ...) (:func:`clean_text`). An optional value that is empty after
  that is None; a required one is kept as written.
* ``Ticker``: the symbol alone ("NYSE: BABA", "(BABA)" -> "BABA"; :func:`clean_ticker`).
* ``Quantity``: :func:`~newsextract.normalize.numbers.parse_count`. ``Money``:
  :func:`~newsextract.normalize.money.parse_money` with ``context`` (the sentences around the evidence)
  for the currency. ``Percent``: :func:`~newsextract.normalize.numbers.parse_percent`, a magnitude when
  the field is declared non-negative (``Field(ge=0)``). ``Date``:
  :func:`~newsextract.normalize.dates.resolve_date` against ``published``. A value that does not parse
  becomes None.
* ``Literal`` choices and flags as the model gave them.

Then the kind's declarations (``kinds.marks``): ``Fallback("f")`` fills an empty field from field ``f``
(a move's day from its period, its market from the exchange its ticker is written with), and
``Cues("rule")`` decides a value from the evidence's wording (``normalize.cues``: a sale's status, a
move's direction, an interim role).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from annotated_types import Ge, Gt
from pydantic import BaseModel, ValidationError

from newsextract.core.schemas import Event, Evidence
from newsextract.kinds.builtin import EVENT_TYPES
from newsextract.kinds.marks import Cues, Fallback
from newsextract.kinds.spec import FieldSpec, KindSpec, kind_spec
from newsextract.normalize.cues import Said, decided
from newsextract.normalize.dates import resolve_date
from newsextract.normalize.money import parse_money
from newsextract.normalize.numbers import parse_count, parse_percent

_QUOTES = " \t\r\n\"'“”‘’`«»„‚"
_POSSESSIVE_RE = re.compile(r"(?:['’]s|(?<=s)['’])$")
#: Names that end in "'s" as part of the name, kept as written (compared case-insensitively).
KEEP_POSSESSIVE: frozenset[str] = frozenset(
    {
        "mcdonald's", "moody's", "macy's", "kellogg's", "lowe's", "kohl's", "dillard's", "domino's",
        "wendy's", "sotheby's", "christie's", "sainsbury's", "denny's", "hershey's", "carter's", "casey's",
        "bj's", "dave & buster's", "chili's", "land's end", "levi's", "trader joe's", "ben & jerry's",
    }
)  # fmt: skip
_TICKER_RE = re.compile(r"^(?P<ex>[A-Za-z][A-Za-z ]*?)\s*:\s*(?P<sym>[A-Za-z0-9.\-]+)$")


def clean_text(value: str | None) -> str | None:
    """``value`` stripped of surrounding whitespace and quotes and of a trailing possessive "'s" (or
    "s'"), unless it is a known brand ending in "'s"; None when nothing is left. Never raises."""
    if value is None:
        return None
    s = " ".join(value.split()).strip(_QUOTES)
    # stripped of quotes, ``s`` can only end in a possessive "'s" (the common case, no possessive, skips
    # the regex and the brand lookup)
    if s.endswith(("'s", "’s")) and s.casefold().replace("’", "'") not in KEEP_POSSESSIVE:
        s = _POSSESSIVE_RE.sub("", s).strip(_QUOTES)
    return s or None


def clean_ticker(value: str | None) -> tuple[str | None, str | None]:
    """(symbol, exchange) from a ticker as written: "(BABA)" -> ("BABA", None),
    "NYSE: XPEV" -> ("XPEV", "NYSE"). Never raises."""
    s = clean_text(value)
    if s is None:
        return None, None
    s = s.strip("()[] ").strip()
    m = _TICKER_RE.match(s)
    if m:
        return m.group("sym"), m.group("ex").strip()
    return (s or None), None


def _magnitude(f: FieldSpec) -> bool:
    """True when the field is declared non-negative (``Field(ge=0)``): a percentage is then a magnitude."""
    bounds = [m.ge for m in f.marks if isinstance(m, Ge)] + [m.gt for m in f.marks if isinstance(m, Gt)]
    return any(isinstance(b, int | float) and b >= 0 for b in bounds)


def typed_value(f: FieldSpec, raw: Any, *, published: dt.date | None, context: str) -> Any:
    """The typed value of ``raw`` (as the draft holds it) for the field ``f``; None when it does not
    parse. Never raises."""
    if raw is None or f.role in ("choice", "flag"):
        return raw
    if not isinstance(raw, str):
        return None
    if f.role == "money":
        return parse_money(raw, context=context) if raw else None
    if f.role == "quantity":
        return parse_count(raw) if raw else None
    if f.role == "percent":
        p = parse_percent(raw) if raw else None
        return abs(p) if p is not None and _magnitude(f) else p
    if f.role == "date":
        return resolve_date(raw, published) if raw else None
    if f.role == "ticker":
        return clean_ticker(raw)[0]
    clean = clean_text(raw)
    return clean if clean is not None or not f.required else (raw.strip() or None)


def _fallback(f: FieldSpec, source: FieldSpec, raw: Any, published: dt.date | None, context: str) -> Any:
    """The value the field ``source`` (its draft value ``raw``) gives the empty field ``f``."""
    if not isinstance(raw, str):
        return None
    if source.role == "ticker":
        return clean_ticker(raw)[1] if f.role != "ticker" else clean_ticker(raw)[0]
    return typed_value(f, clean_text(raw), published=published, context=context)


def _values(spec: KindSpec, draft: BaseModel, published: dt.date | None, context: str) -> dict[str, Any]:
    raw = {f.name: getattr(draft, f.draft_name, None) for f in spec.fields}
    values = {f.name: typed_value(f, raw[f.name], published=published, context=context) for f in spec.fields}
    for f in spec.fields:
        fallback = spec.mark(f, Fallback)
        if values[f.name] is None and fallback is not None:
            values[f.name] = _fallback(
                f, spec.field(fallback.source), raw[fallback.source], published, context
            )
    return values


def kind_event(
    spec: KindSpec,
    draft: BaseModel,
    evidence: Evidence,
    *,
    published: dt.date | None,
    context: str,
    clause: str | None = None,
) -> tuple[Event | None, str | None]:
    """(the public event of ``draft``, None), or (None, why not): every value read by its role and the
    kind's declarations (see the module docstring). ``clause`` is the part of the evidence the model
    quoted (default: the whole evidence); cues are read there, so that another event of the same
    sentence does not lend its cues. Never raises."""
    values = _values(spec, draft, published, context)
    said = Said(
        sentence=evidence.quote, clause=clause if clause is not None else evidence.quote, context=context
    )
    for f in spec.fields:
        cue = spec.mark(f, Cues)
        if cue is not None and values[f.name] is not None:
            values[f.name] = decided(cue.rule, values[f.name], {n: values[n] for n in cue.reads}, said)
    for f in spec.fields:
        if values[f.name] is None and f.required:
            raw = getattr(draft, f.draft_name, None)
            return None, f'{f.draft_name} "{raw}" could not be read as a {f.role}'
    given = {k: v for k, v in values.items() if v is not None}
    try:
        return spec.event.model_validate({**given, "evidence": evidence}), None
    except ValidationError as exc:
        return None, f"{spec.name} refused the values: {exc.errors()[0].get('msg', exc)}"


def draft_to_event(
    kind: str | KindSpec,
    draft: BaseModel,
    evidence: Evidence,
    *,
    published: dt.date | None,
    context: str,
    clause: str | None = None,
) -> Event:
    """The public event for ``draft`` of ``kind`` (a built-in kind's name, or any kind's spec), every
    value read by the module rules. Raises ValueError when ``kind`` and the draft's class disagree, the
    kind is unknown, or a required value cannot be read."""
    spec = (
        kind if isinstance(kind, KindSpec) else kind_spec(EVENT_TYPES[kind]) if kind in EVENT_TYPES else None
    )
    if spec is None or not isinstance(draft, spec.draft):
        raise ValueError(f"draft of type {type(draft).__name__} does not match kind {kind!r}")
    event, why = kind_event(spec, draft, evidence, published=published, context=context, clause=clause)
    if event is None:
        raise ValueError(why)
    return event
