"""Sentence and paragraph segmentation for news text, by character offsets.

Everything here returns :class:`~newsextract.text.spans.Span` objects into the caller's string; the
text itself is never modified. One left-to-right pass over the whitespace runs of the text decides
where sentences end, with a bounded look-behind and look-ahead at each run, so the cost is linear in
the length of the text.

Rules, in order:

* A whitespace run holding a blank line (two or more line breaks, or U+2029) ends a paragraph, and
  so always ends a sentence.
* A single line break ends a sentence unless the next line starts with a lowercase letter or with
  punctuation that continues a sentence (``$``, ``%``, ``,`` ...), or the line ends with a comma,
  colon, semicolon, opening bracket, dash, ``&`` or a title abbreviation ("Mr."). This lets headlines
  and bylines without final punctuation stand as their own sentences.
* Otherwise a sentence ends at ``.``, ``!``, ``?`` or ``…`` (optionally followed by closing quotes
  or brackets) when whitespace follows and the next word starts, after optional opening quotes or
  brackets, with an uppercase letter, a digit or a caseless letter (CJK). Hence decimals
  ("3.84 percent", "$9.51"), tickers ("(NYSE: BABA, HKG: 9988)", "BRK.B") and lowercase
  continuations ("... ‘firm and stable’… as we begin") never split.
* A period after a title-like abbreviation (Mr., Dr., e.g., Jan., ...) or a single-letter
  initial ("Jack B. Ma") never ends a sentence, nor does one after "No.", "Fig.", "Vol." ... when a
  number follows. A period after an abbreviation that often ends a
  sentence too (Inc., Co., Ltd., U.S., a.m., any dotted acronym ...) ends one only when the next
  word is a common sentence opener ("The", "He", "But", ...).
* CJK full stops (``。！？``) end a sentence even without following whitespace.
* No sentence is longer than :data:`MAX_SENTENCE_CHARS`. A longer run without a full stop (a list, a
  table, text written to be hostile) is cut at the last ``;``, then ``,``, then whitespace before the
  limit, else hard at the limit. Every later stage (candidates, their questions, the evidence that
  grounding reads) therefore works on bounded pieces, whatever the input.

Every returned sentence span starts and ends on a non-whitespace character, the spans are sorted
and disjoint, and every non-whitespace character of the text lies in exactly one of them.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict

from newsextract.text.sentence_ends import SENTENCE_OPENERS, WS, cut_points, line_breaks
from newsextract.text.spans import Span

__all__ = [
    "MAX_SENTENCE_CHARS",
    "SENTENCE_OPENERS",
    "Span",
    "paragraphs",
    "sentence_at",
    "sentence_near",
    "split_sentences",
]

MAX_SENTENCE_CHARS = 1000
"""The longest sentence :func:`split_sentences` returns. Real news sentences stay well below it (the
longest in the seed and held-out articles has 373 characters); a longer one is cut into pieces."""


def _segments(text: str, cuts: list[int], start: int = 0, end: int | None = None) -> list[Span]:
    """Trim each segment between consecutive cuts (from ``start`` to ``end``, by default the whole text)
    to its non-whitespace extent; drop blank ones."""
    out: list[Span] = []
    prev = start
    for cut in [*cuts, len(text) if end is None else end]:
        s, e = prev, cut
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append(Span(s, e))
        prev = cut
    return out


_SOFT_BREAKS = (re.compile(r";\s"), re.compile(r",\s"), re.compile(r"\s"))


def _bounded(spans: list[Span], text: str, limit: int) -> list[Span]:
    """``spans`` with every span longer than ``limit`` cut into pieces of at most ``limit`` characters,
    each cut after the last "; ", else ", ", else whitespace in the second half of the piece (a break
    near its start would leave a piece of a few characters), else hard at the limit. Each cut scans at
    most ``limit`` characters, so the whole is linear in the length of the text."""
    out: list[Span] = []
    for sp in spans:
        start = sp.start
        while sp.end - start > limit:
            cut = start + limit
            for pattern in _SOFT_BREAKS:
                last = None
                for m in pattern.finditer(text, start + limit // 2, start + limit):
                    last = m
                if last is not None:
                    cut = last.start() + 1
                    break
            end = cut
            while end > start and text[end - 1].isspace():
                end -= 1
            out.append(Span(start, end))
            start = cut
            while text[start].isspace():  # the span ends on a non-space: this stops inside it
                start += 1
        out.append(Span(start, sp.end))
    return out


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """Split ``text`` into sentence spans.

    Promises: the spans are sorted, disjoint and within ``[0, len(text)]``; each starts and ends on
    a non-whitespace character; every non-whitespace character of ``text`` lies in exactly one span;
    no span crosses a paragraph break (a blank line); none is longer than ``max_chars`` (positive).
    Runs in time linear in ``len(text)``.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    return _bounded(_segments(text, cut_points(text, 0, len(text))), text, max_chars)


def paragraphs(text: str) -> list[Span]:
    """Split ``text`` into paragraph spans, separated by blank lines (whitespace holding two or
    more line breaks).

    Promises the same invariants as :func:`split_sentences`; every sentence lies inside one
    paragraph.
    """
    cuts = [m.start() for m in WS.finditer(text) if line_breaks(m.group()) >= 2]
    return _segments(text, cuts)


class _Indexes:
    """The sentences of the last few texts and their ends (grounding asks ``sentence_at`` about the same
    article many times), bounded, thread-safe, and able to say whether a text is indexed without
    indexing it (:func:`sentence_near` reads only the text around an offset when it is not)."""

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._items: OrderedDict[str, tuple[tuple[Span, ...], list[int]]] = OrderedDict()
        self._lock = threading.Lock()
        #: the text asked about last and its index: grounding asks about one article many times in a row
        self._last: tuple[str, tuple[tuple[Span, ...], list[int]]] | None = None

    def get(self, text: str) -> tuple[tuple[Span, ...], list[int]] | None:
        last = self._last  # one read of one attribute: safe without the lock
        if last is not None and last[0] is text:
            return last[1]
        with self._lock:
            found = self._items.get(text)
            if found is not None:
                self._items.move_to_end(text)
                self._last = (text, found)
            return found

    def __call__(self, text: str) -> tuple[tuple[Span, ...], list[int]]:
        found = self.get(text)
        if found is None:
            spans = tuple(split_sentences(text))
            found = (spans, [sp.end for sp in spans])
            with self._lock:
                self._items[text] = found
                if len(self._items) > self._maxsize:
                    self._items.popitem(last=False)
                self._last = (text, found)
        return found

    def cache_clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._last = None


_sentence_index = _Indexes(32)


def sentence_at(text: str, offset: int) -> Span:
    """The sentence span containing character ``offset`` of ``text``.

    When ``offset`` falls in whitespace between sentences, the next sentence is returned (the last
    one when there is no next one). ``offset`` may equal ``len(text)``. For text without any
    non-whitespace character an empty span ``Span(offset, offset)`` is returned. The whole text is
    split once and kept for the last few texts (see :func:`sentence_near` for one look-up in a text
    seen once).

    Raises:
        IndexError: when ``offset`` is outside ``[0, len(text)]``.
    """
    if not 0 <= offset <= len(text):
        raise IndexError(f"offset {offset} outside text of length {len(text)}")
    spans, ends = _sentence_index(text)
    if not spans:
        return Span(offset, offset)
    k = bisect.bisect_right(ends, offset)
    return spans[min(k, len(spans) - 1)]


#: :func:`sentence_near` reads the text this far on each side of the offset at most; a sentence boundary
#: farther away than that (hostile text without full stops) makes it split the whole text instead.
_NEAR_LIMIT = 4 * MAX_SENTENCE_CHARS
#: The first stretch read back from the offset (doubled each time it holds no boundary); forward, 4x.
_NEAR_STEP = 40


def sentence_near(text: str, offset: int, *, _step: int = _NEAR_STEP, _limit: int = _NEAR_LIMIT) -> Span:
    """Exactly :func:`sentence_at`, found by reading only the text around ``offset`` when ``text`` is not
    indexed already: the sentence boundary before it and the one after it (the same rules, decided on
    the same characters), so one look-up in a text seen once costs about a sentence, not the whole text.
    A text whose boundaries lie more than a few thousand characters from ``offset``, an offset in the
    whitespace after the last sentence, and an indexed text are answered by :func:`sentence_at`.

    Raises:
        IndexError: when ``offset`` is outside ``[0, len(text)]``.
    """
    if not 0 <= offset <= len(text):
        raise IndexError(f"offset {offset} outside text of length {len(text)}")
    if offset == len(text) or _sentence_index.get(text) is not None:
        return sentence_at(text, offset)
    lo = _cut_before(text, offset, _step, _limit)  # a quote usually starts a sentence: a short step back
    while lo is not None and lo < len(text):
        hi = _cut_after(text, lo, offset + _limit, _step * 4)  # and a sentence is a few steps long
        if hi is None:
            break
        for sp in _bounded(_segments(text, [], lo, hi), text, MAX_SENTENCE_CHARS):
            if sp.end > offset:
                return sp
        lo = hi  # the offset is in the whitespace after this segment's last sentence: the next one
    return sentence_at(text, offset)


def _boundary_before(text: str, x: int, floor: int) -> int | None:
    """The largest ``p <= x`` where whitespace begins or ends (or 0): no whitespace run and no CJK stop
    crosses it, so the cuts of ``text[p:]`` are the text's own cuts there. None when it is before
    ``floor`` (a run of thousands of characters without a space: the caller splits the whole text)."""
    if x <= 0:
        return 0
    x = min(x, len(text) - 1)
    ws = text[x].isspace()
    while x > 0 and text[x - 1].isspace() == ws:
        x -= 1
        if x < floor:
            return None
    return x


def _boundary_after(text: str, x: int, ceiling: int) -> int | None:
    """The smallest ``p >= x`` where whitespace begins or ends (or the text's end); None when it is
    beyond ``ceiling``."""
    n = len(text)
    if x >= n:
        return n
    if x > 0 and text[x - 1].isspace() != text[x].isspace():
        return x
    ws = text[x].isspace()
    while x < n and text[x].isspace() == ws:
        x += 1
        if x > ceiling:
            return None
    return x


def _cut_before(text: str, offset: int, step: int, limit: int) -> int | None:
    """The last cut at or before ``offset`` (0 when there is none), or None when it lies farther back
    than ``limit``. Reads back ``step`` characters, then twice as many, and so on."""
    hi = _boundary_after(text, offset + 1, offset + limit)
    while hi is not None:
        lo = _boundary_before(text, hi - step, offset - limit)
        if lo is None or offset - lo > limit:
            return None  # each look-up reads at most ~2 x limit characters
        cuts = [c for c in cut_points(text, lo, hi) if c <= offset]
        if cuts:
            return cuts[-1]
        if lo == 0:
            return 0
        hi, step = lo, step * 2
    return None


def _cut_after(text: str, lo: int, ceiling: int, step: int) -> int | None:
    """The first cut after ``lo`` (a cut or 0), or the text's end; None when it lies beyond ``ceiling``.
    Reads ``step`` characters on, then twice as many, and so on."""
    start = lo
    while start <= ceiling:
        hi = _boundary_after(text, min(start + step, ceiling + 1), ceiling)
        if hi is None:
            return None
        cuts = [c for c in cut_points(text, start, hi) if c > lo]
        if cuts:
            return cuts[0]
        if hi >= len(text):
            return len(text)
        start, step = hi, step * 2
    return None
