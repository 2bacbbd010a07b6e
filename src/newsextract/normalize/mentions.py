"""Spans of values found in text.

A :class:`Mention` records where a value was read (``text[start:end] == mention.text`` always holds for
the text it was found in), the typed value, and an optional qualifier such as ``"about"`` or ``"range"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Mention(Generic[T]):
    """A value found in a text.

    ``start``/``end`` are character offsets into the searched text and ``text`` is exactly
    ``searched_text[start:end]``. When a qualifier word precedes the value ("about $871 million"),
    the span includes it and ``qualifier`` holds it in lower case with single spaces ("about",
    "more than"). Ranges ("10-12 million", "between $1 billion and $2 billion") carry the lower
    bound as ``value`` and ``qualifier == "range"``. ``qualifier`` is None for a plain value.
    """

    start: int
    end: int
    text: str
    value: T
    qualifier: str | None = None
