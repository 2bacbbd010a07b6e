"""One draft against the article: where its evidence is, what is wrong with it, what survives. Pure.

:func:`judge` is a pure function of (kind, draft, text, published), memoised (the validation inside the
model call and the post-processing after it ask about the same draft). Its :class:`Verdict` says:

* ``span``: the evidence, the whole sentence(s) the quote aligns to (None when the quote cannot be
  found: the event goes, since without evidence no value can be trusted);
* ``problems``: every :class:`~newsextract.grounding.checks.Problem`, event- or field-level;
* :meth:`Verdict.kept_draft`: the draft with each unsupported field set to null (or, for a sale's
  status, replaced by the status the sentence states), used when the event itself stands.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from newsextract.grounding.checks import find_problems, spec_of
from newsextract.grounding.context import locate
from newsextract.grounding.grounds import Problem, grounds_at
from newsextract.kinds.builtin import EVENT_TYPES
from newsextract.kinds.spec import KindSpec

__all__ = ["QUOTE_NOT_FOUND", "Verdict", "judge"]

D = TypeVar("D", bound=BaseModel)

QUOTE_NOT_FOUND = "quote not found in the article"


@dataclass(frozen=True)
class Verdict:
    """What grounding decided about one draft (see the module docstring)."""

    kind: str
    span: tuple[int, int] | None
    problems: tuple[Problem, ...]
    #: the evidence with one sentence each side (where values may be stated); None with ``span``
    context_span: tuple[int, int] | None = None
    #: the stretch the model's quote aligned to (a clause, or the sentence); None with ``span``
    quote_span: tuple[int, int] | None = None

    @property
    def event_problems(self) -> list[Problem]:
        """Problems that cost the whole event (identity, quote, core number, instruction)."""
        if self.span is None:
            return [Problem(None, QUOTE_NOT_FOUND, "event")]
        return [p for p in self.problems if p.level == "event"]

    @property
    def field_problems(self) -> list[Problem]:
        """Problems that cost one field each."""
        return [p for p in self.problems if p.level == "field" and p.field is not None]

    @property
    def keeps_event(self) -> bool:
        return not self.event_problems

    def kept_draft(self, draft: D) -> D:
        """``draft`` with each field-level problem of an optional field applied: the field nulled, or
        replaced (a required field's problems cost the event instead)."""
        fields = type(draft).model_fields
        update: dict[str, object] = {}
        for p in self.field_problems:
            if p.field is None or p.field not in fields or fields[p.field].is_required():
                continue
            update[p.field] = p.replacement
        return draft.model_copy(update=update) if update else draft


def _judge(kind: str | KindSpec, draft: BaseModel, text: str, published: dt.date | None) -> Verdict:
    spec = spec_of(kind)
    name = spec.name if spec is not None else str(kind)
    quote = getattr(draft, "quote", None)
    span = locate(quote, text) if isinstance(quote, str) else None
    if span is None:
        return Verdict(name, None, ())
    g, w = grounds_at(text, span, published)
    problems = tuple(find_problems(spec or name, draft, g))
    return Verdict(name, (w.start, w.end), problems, (w.context_start, w.context_end), span)


_MAX_ENTRIES = 4096
_memo: OrderedDict[tuple[object, str, str, dt.date | None], Verdict] = OrderedDict()
_lock = threading.Lock()


def _kind_key(kind: str | KindSpec) -> object:
    """What a verdict's memo knows a kind by: its event class. A built-in kind's name and its spec are
    one kind (``spec_of`` resolves the name to that spec): the reply's validation asks by name and
    post-processing by spec, and the second asks for the verdict the first computed."""
    if isinstance(kind, KindSpec):
        return kind.event
    return EVENT_TYPES.get(kind, kind)


def judge(kind: str | KindSpec, draft: BaseModel, text: str, published: dt.date | None) -> Verdict:
    """The :class:`Verdict` on ``draft`` (of ``kind``: a built-in kind's name or any kind's spec) in
    ``text`` published on ``published``; computed once per distinct input (a small bounded, thread-safe
    memo). Never raises."""
    key = (_kind_key(kind), draft.model_dump_json(), text, published)
    with _lock:
        hit = _memo.get(key)
        if hit is not None:
            _memo.move_to_end(key)
            return hit
    verdict = _judge(kind, draft, text, published)
    with _lock:
        _memo[key] = verdict
        if len(_memo) > _MAX_ENTRIES:
            _memo.popitem(last=False)
    return verdict
