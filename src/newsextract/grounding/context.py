"""Where an event's evidence sits: the quote's span in the text and the sentences around it. Pure.

* :func:`locate` finds the model's quote in the text (exact, tolerant, or piece by piece around an
  ellipsis) and widens it to the whole sentence(s) it lies in: that is the event's evidence.
* :func:`context_window` is the evidence plus one sentence on each side: values and names of an event
  must be stated (or, for names, linked by a pronoun) there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsextract.grounding.align import align_quote
from newsextract.text.sentences import sentence_at, sentence_near

_ELLIPSIS_RE = re.compile(r"\s*(?:\.\s?\.\s?\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*")
#: Pieces of an elided quote may lie at most this far apart (about two sentences).
_MAX_ELISION_GAP = 600


@dataclass(frozen=True, slots=True)
class Window:
    """An event's evidence: the quote's sentences ``[start, end)`` and the context around them."""

    start: int
    end: int
    context_start: int
    context_end: int

    def sentence(self, text: str) -> str:
        return text[self.start : self.end]

    def context(self, text: str) -> str:
        return text[self.context_start : self.context_end]


def _align(quote: str, text: str, hint: int) -> tuple[int, int] | None:
    """The span of ``quote`` in ``text``; an elided quote ("A ... B") is aligned piece by piece, each
    piece after the previous one and close to it."""
    span = align_quote(quote, text, hint=hint)
    if span is not None:
        return span
    pieces = [p for p in _ELLIPSIS_RE.split(quote.strip()) if p.strip()]
    if len(pieces) < 2:
        return None
    first = align_quote(pieces[0], text, hint=hint)
    if first is None:
        return None
    start, end = first
    for piece in pieces[1:]:
        nxt = align_quote(piece, text, hint=end)
        if nxt is None or nxt[0] < end or nxt[0] - end > _MAX_ELISION_GAP:
            return None
        end = nxt[1]
    return start, end


def locate(quote: str, text: str, *, hint: int = 0) -> tuple[int, int] | None:
    """The span of ``text`` that the model's ``quote`` refers to (exact, else tolerant, else the pieces of
    an elided quote), or None. The span is the aligned stretch itself, not yet widened to sentences."""
    if not quote.strip() or not text:
        return None
    return _align(quote, text, hint)


def _previous_sentence_start(text: str, start: int) -> int:
    j = start - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    return sentence_at(text, j).start if j >= 0 else start


def _next_sentence_end(text: str, end: int) -> int:
    j = end
    while j < len(text) and text[j].isspace():
        j += 1
    return sentence_at(text, j).end if j < len(text) else end


def window_at(text: str, start: int, end: int) -> Window:
    """The sentences covering ``text[start:end]`` and one neighbouring sentence on each side."""
    if not text:
        return Window(0, 0, 0, 0)
    first = sentence_at(text, min(start, len(text) - 1))
    last = sentence_at(text, max(min(end - 1, len(text) - 1), 0))
    s, e = min(first.start, start), max(last.end, end)
    return Window(s, e, _previous_sentence_start(text, s), _next_sentence_end(text, e))


def evidence_window(text: str, start: int, end: int) -> str:
    """The full sentences covering ``text[start:end]``: ``window_at(text, start, end).sentence(text)``,
    found by reading the text around the span (:func:`~newsextract.text.sentences.sentence_near`), not
    by splitting the whole text: a cache hit re-checks a few events of an article it may see once."""
    if not text:
        return ""
    first = sentence_near(text, min(start, len(text) - 1))
    last_offset = max(min(end - 1, len(text) - 1), 0)
    last = first if first.start <= last_offset < first.end else sentence_near(text, last_offset)
    return text[min(first.start, start) : max(last.end, end)]


def sentences_before(text: str, start: int, n: int) -> str:
    """Up to ``n`` sentences of ``text`` before offset ``start``."""
    lo = start
    for _ in range(n):
        j = lo - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if j < 0:
            break
        lo = sentence_at(text, j).start
    return text[lo:start]


def sentences_after_end(text: str, end: int, n: int) -> int:
    """The end offset of up to ``n`` sentences of ``text`` after offset ``end``."""
    hi = end
    for _ in range(n):
        j = hi
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text):
            break
        hi = sentence_at(text, j).end
    return hi


#: The article's subject is the company named in this many opening sentences (headline and lede).
OPENING_SENTENCES = 3


def opening(text: str) -> str:
    """The first :data:`OPENING_SENTENCES` sentences of ``text`` (headline and lede)."""
    end = 0
    for _ in range(OPENING_SENTENCES):
        j = end
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text):
            break
        end = sentence_at(text, j).end
    return text[:end]
