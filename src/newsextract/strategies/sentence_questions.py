"""The questions of the ``sentence_choices`` strategy: what one request asks, the per-call response model
its answer must fill, and the draft an answer gives. Pure: no request is made here.

A :class:`Question` holds a candidate sentence, the messages, a Pydantic model whose fields are a
boolean ("is this really a <kind>?") and ``enum``s of the options the rules left open, the fields the
rules already fixed and the kind's typed reading. :func:`draft_from_answer` turns the model's (or the
rules') answer into a draft whose every value is a substring of the sentence (or of the sentence before
it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, create_model

from newsextract.backends.base import Messages
from newsextract.kinds.rules import KindRules, Reading
from newsextract.text.candidates import Candidate
from newsextract.text.spans import Span

__all__ = [
    "MAX_OPTIONS",
    "NONE",
    "Options",
    "Question",
    "choice_model",
    "distinct_options",
    "draft_from_answer",
    "max_tokens_for",
]


NONE = "none"
MAX_OPTIONS = 6


@dataclass
class Options:
    """What a kind's options rule made of a candidate: the options left to the model per name field,
    the fields it fixed, and the line that points the model at the part in focus."""

    choices: dict[str, list[str]]
    fixed: dict[str, str]
    focus_line: str = ""


@dataclass
class Question:
    """One request: the messages, the per-call response model, and what rules already decided."""

    candidate: Candidate
    messages: Messages
    model: type[BaseModel]
    choices: dict[str, list[str]]
    reading: Reading
    context_span: Span | None
    rules: KindRules
    fixed: dict[str, str] = field(default_factory=dict)
    quote_end: int | None = None  # set when a later sentence adds values ("its stake dropping from ...")

    @property
    def needs_model(self) -> bool:
        """False when rules fixed every field: the answer is known without a request."""
        return bool(self.choices)


def choice_model(kind: str, choices: dict[str, list[str]], flag: str) -> type[BaseModel]:
    """A Pydantic model: the kind's boolean ``flag`` (``KindRules.flag``, e.g. ``is_sale``), then one
    ``Literal`` (JSON-schema ``enum``) field per entry of ``choices``. Field order is the order of
    generation. Models are reused for the same kind and choices (building one costs about half a
    millisecond)."""
    return _choice_model(kind, flag, tuple((name, tuple(options)) for name, options in choices.items()))


@functools.lru_cache(maxsize=256)
def _choice_model(kind: str, flag: str, choices: tuple[tuple[str, tuple[str, ...]], ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {flag: (bool, ...)}
    for name, options in choices:
        fields[name] = (Literal[options], ...)
    model: type[BaseModel] = create_model(f"{kind}Choice", **fields)
    return model


def distinct_options(primary: list[str], extra: list[str], *, with_none: bool = True) -> list[str]:
    """``primary`` then ``extra``, each once, at most :data:`MAX_OPTIONS`, then ``"none"``."""
    out: list[str] = []
    for v in [*primary, *extra]:
        if v not in out and v != NONE:
            out.append(v)
    out = out[:MAX_OPTIONS]
    return [*out, NONE] if with_none else out


def max_tokens_for(q: Question) -> int:
    """A tight bound on the answer: JSON punctuation, keys, the longest option per field."""
    total = 12 + len(q.rules.flag) // 2
    for name, opts in q.choices.items():
        total += 6 + len(name) // 2 + max(len(o) for o in opts) // 2
    return total


def _pick(q: Question, answer: BaseModel, name: str) -> str | None:
    if name in q.fixed:
        return q.fixed[name]
    value = getattr(answer, name, None)
    return None if value in (None, NONE) else str(value)


def draft_from_answer(q: Question, answer: BaseModel, text: str, draft: type[BaseModel]) -> BaseModel | None:
    """The ``draft`` for an answer, or None when the model says no, a field the kind requires is missing,
    or two fields that must differ are the same (a seller that is the issuer). When a chosen value is
    found only in the previous sentence, the quote spans both sentences."""
    rules = q.rules
    if not getattr(answer, rules.flag):
        return None
    picked = {name: _pick(q, answer, name) for name in (*q.choices, *q.fixed)}
    values: dict[str, Any] = {**q.reading.values(), **picked}
    if any(values.get(name) is None for name in rules.required):
        return None
    if any(values.get(a) is not None and values.get(a) == values.get(b) for a, b in rules.distinct):
        return None
    sent = q.candidate.sentence.slice(text)
    start, end = q.candidate.sentence.start, max(q.candidate.sentence.end, q.quote_end or 0)
    if q.context_span is not None and any(v and v not in sent for v in picked.values()):
        start = q.context_span.start
    return draft.model_validate({**values, "quote": text[start:end]})
