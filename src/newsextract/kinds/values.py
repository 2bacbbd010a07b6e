"""A caller's kind: draft (values as written) -> public event (typed values), by role. Pure.

``Name``/``Person``/``Role``/``Text``: whitespace, quotes and a trailing possessive stripped
(``normalize.events.clean_text``). ``Money``: ``parse_money`` with the evidence's sentences for the
currency. ``Quantity``: ``parse_count``. ``Percent``: ``parse_percent``. ``Date``: ``resolve_date``
against the publication date. Choices and flags as the model gave them. A value that does not parse is
None; an event whose required value does not parse, or that the kind's own validation refuses, is None
with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ValidationError

from newsextract.core.schemas import Event, Evidence
from newsextract.kinds.spec import FieldSpec, KindSpec
from newsextract.normalize.dates import resolve_date
from newsextract.normalize.events import clean_text
from newsextract.normalize.money import parse_money
from newsextract.normalize.numbers import parse_count, parse_percent


def typed_value(f: FieldSpec, raw: Any, *, published: dt.date | None, context: str) -> Any:
    """The typed value of ``raw`` (as the draft holds it) for the field ``f``; None when it does not
    parse. Never raises."""
    if raw is None or f.role in ("choice", "flag"):
        return raw
    if not isinstance(raw, str):
        return None
    if f.role == "money":
        return parse_money(raw, context=context)
    if f.role == "quantity":
        return parse_count(raw)
    if f.role == "percent":
        return parse_percent(raw)
    if f.role == "date":
        return resolve_date(raw, published)
    return clean_text(raw)


def kind_event(
    spec: KindSpec, draft: BaseModel, evidence: Evidence, *, published: dt.date | None, context: str
) -> tuple[Event | None, str | None]:
    """(the public event, None), or (None, why not). Never raises."""
    values: dict[str, Any] = {}
    for f in spec.fields:
        value = typed_value(f, getattr(draft, f.name, None), published=published, context=context)
        if value is None and f.required:
            return None, f'{f.name} "{getattr(draft, f.name, None)}" could not be read as a {f.role}'
        if value is not None:
            values[f.name] = value
    try:
        return spec.event.model_validate({**values, "evidence": evidence}), None
    except ValidationError as exc:
        return None, f"{spec.name} refused the values: {exc.errors()[0].get('msg', exc)}"
