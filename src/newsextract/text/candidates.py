"""Model-free candidate finding: which sentences may state which kind of event, and the spans a small
model may choose from. Pure and linear in the length of the text; nothing here is tuned to one article.

A sentence is a candidate for

* ``StockMove`` when it names shares/stock/ADSs (or a share price) and holds a price-move word
  ("fell", "jumped", "dipped", "record low" ...) followed by a percentage or an amount of money;
  one candidate per move (each percentage preceded by a move word, else the first price after one),
  so "fell 9% in New York ... and nearly 10% in Hong Kong" gives two.
* ``ShareSale`` when it holds a selling word ("sell", "sold", "sale", "offload", "divest", "cut its
  stake" ...), a holding word (shares, stake, ADSs, holdings, stock) and someone who sells: the
  subject of a sale verb or the holder of a sale noun (:func:`sale_agent`). Buybacks are skipped, and
  so are sales nobody performs in the sentence ("the stake cut plan caused ...").
* ``ExecutiveChange`` when it holds a role ("chief technology officer", "CEO", "director", "head of")
  and a change word ("appointed", "replacing", "stepped down", "succeed", "resigned", "take on the
  role" ...); one candidate per clause holding a change word ("X replaces Y, and Z will succeed W").

The ``focus`` of a candidate is the part of the sentence the event is read from; the evidence is
always the whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from newsextract.text.event_words import (
    BUYBACK_WORDS,
    CHANGE_WORDS,
    HOLDING_WORDS,
    INDEX_WORDS,
    MOVE_WORDS,
    ROLE_WORDS,
    SALE_WORDS,
    STOCK_WORDS,
)
from newsextract.text.headlines import (
    CORRECTION_NOTE,
    WIRE_SLUG,
    is_caps_headline,
    is_caps_line,
    is_title_line,
)
from newsextract.text.move_values import (
    MARKET_CUE,
    last_move_word,
    move_anchors,
    move_subject,
    move_word_before,
    mover_span,
    named_mover,
    price_level,
)
from newsextract.text.name_spans import name_spans, role_spans
from newsextract.text.names import is_place
from newsextract.text.sale_agents import sale_agent
from newsextract.text.sentences import split_sentences
from newsextract.text.spans import Span

Kind = Literal["ShareSale", "ExecutiveChange", "StockMove"]
"""The built-in kinds' names (a caller's kind with registered rules has its own)."""

__all__ = [
    "BUILTIN_FINDERS",
    "BUYBACK_WORDS",
    "CHANGE_WORDS",
    "CORRECTION_NOTE",
    "HOLDING_WORDS",
    "INDEX_WORDS",
    "MAX_PER_SENTENCE",
    "MOVE_WORDS",
    "PASSIVE_SUCCESSION",
    "ROLE_WORDS",
    "SALE_WORDS",
    "STOCK_WORDS",
    "WIRE_SLUG",
    "Candidate",
    "Finder",
    "Kind",
    "change_candidates",
    "find_candidates",
    "is_caps_headline",
    "is_caps_line",
    "is_title_line",
    "last_move_word",
    "move_anchors",
    "move_candidates",
    "move_subject",
    "move_word_before",
    "mover_span",
    "name_spans",
    "role_spans",
    "sale_agent",
    "sale_candidates",
]


@dataclass(frozen=True)
class Candidate:
    """A sentence that may state one event of ``kind``; ``focus`` is the clause it is read from and
    ``anchor`` the value that makes it one event (a percentage or price for stock moves), if any."""

    kind: str
    sentence: Span
    focus: Span
    anchor: Span | None = None


_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er)\b")
_CLAUSE_BREAK = re.compile(r"(?:,|;)\s+(?:and|while|whereas|but)\s+|;\s+")


PASSIVE_SUCCESSION = re.compile(
    r"(?:\s+and|,)?\s+(?:(?:will|would|is to|to)\s+)?(?:be\s+|is\s+|was\s+|being\s+)?"
    r"(?:succeeded|replaced) by\b",
    re.I,
)


def _succession_split(text: str, clauses: list[Span]) -> list[Span]:
    """ "X will step down and be succeeded by Y": the successor's appointment is a clause of its own."""
    out: list[Span] = []
    for cl in clauses:
        m = PASSIVE_SUCCESSION.search(text, cl.start, cl.end)
        if m is not None and m.start() > cl.start and CHANGE_WORDS.search(text, cl.start, m.start()):
            out += [Span(cl.start, m.start()), Span(m.start(), cl.end)]
        else:
            out.append(cl)
    return out


def _clauses(text: str, sentence: Span, pattern: re.Pattern[str]) -> list[Span]:
    """Split a sentence at ", and" / ";" where each part holds ``pattern``; else the whole sentence."""
    s = sentence.slice(text)
    parts: list[Span] = []
    prev = 0
    for m in _CLAUSE_BREAK.finditer(s):
        if pattern.search(s[prev : m.start()]) and pattern.search(s[m.end() :]):
            parts.append(Span(sentence.start + prev, sentence.start + m.start()))
            prev = m.end()
    parts.append(Span(sentence.start + prev, sentence.end))
    return parts


MAX_PER_SENTENCE = 8
"""At most this many candidates of one kind per sentence, the first ones: real sentences state one or
two events of a kind (a market wrap a few more); a run of values with no full stop would otherwise make
hundreds of questions, each reading the whole sentence."""


def move_candidates(text: str, sentence: Span) -> list[Candidate]:
    """Stock moves: one per value that states a move (:func:`move_anchors`). A sentence that names no
    shares gives one only for a named mover in a market context ("Peers gained in Tokyo, with Gamma
    Robotics rising 3.2%") or at a price level."""
    s = sentence.slice(text)
    if not MOVE_WORDS.search(s):
        return []
    anchors = move_anchors(text, sentence)
    if not STOCK_WORDS.search(s):
        cue = bool(MARKET_CUE.search(s)) or any(is_place(n.slice(s)) for n in name_spans(s, Span(0, len(s))))
        kept: list[Span] = []
        lo = 0
        for a in anchors:
            level = price_level(s, a.start - sentence.start, a.end - sentence.start)
            if (cue or level) and named_mover(text, sentence, a, lo):
                kept.append(a)
            lo = a.end - sentence.start
        anchors = kept
    return [Candidate("StockMove", sentence, sentence, anchor) for anchor in anchors]


def sale_candidates(text: str, sentence: Span) -> list[Candidate]:
    """A share sale: a sale word, a holding word and someone who sells (:func:`sale_agent`); no buyback."""
    s = sentence.slice(text)
    if (
        SALE_WORDS.search(s)
        and HOLDING_WORDS.search(s)
        and not BUYBACK_WORDS.search(s)
        and sale_agent(s) is not None
    ):
        return [Candidate("ShareSale", sentence, sentence)]
    return []


def change_candidates(text: str, sentence: Span) -> list[Candidate]:
    """Executive changes: one per clause with a change word and a name or pronoun, in a sentence that
    names a role."""
    s = sentence.slice(text)
    out: list[Candidate] = []
    if CHANGE_WORDS.search(s) and role_spans(text, sentence):
        for clause in _succession_split(text, _clauses(text, sentence, CHANGE_WORDS)):
            c = clause.slice(text)
            if CHANGE_WORDS.search(c) and (name_spans(text, clause) or _PRONOUN.search(c)):
                out.append(Candidate("ExecutiveChange", sentence, clause))
    return out


Finder = Callable[[str, Span], list[Candidate]]
"""A kind's candidate finder: ``(text, sentence) -> candidates`` of that kind in the sentence."""

BUILTIN_FINDERS: tuple[Finder, ...] = (move_candidates, sale_candidates, change_candidates)
"""The built-in kinds' finders, in the order their candidates are listed."""


def candidates_in_sentence(
    text: str, sentence: Span, finders: Sequence[Finder] = BUILTIN_FINDERS
) -> list[Candidate]:
    """Candidates of every finder's kind for one sentence (none in a headline), at most
    :data:`MAX_PER_SENTENCE` of each kind."""
    if is_title_line(sentence.slice(text)):
        return []
    count: dict[str, int] = {}
    kept: list[Candidate] = []
    for finder in finders:
        for c in finder(text, sentence):
            count[c.kind] = count.get(c.kind, 0) + 1
            if count[c.kind] <= MAX_PER_SENTENCE:
                kept.append(c)
    return kept


def find_candidates(
    text: str, sentences: list[Span] | None = None, finders: Sequence[Finder] = BUILTIN_FINDERS
) -> list[Candidate]:
    """Every candidate in ``text`` in sentence order. Pass ``sentences`` to reuse a split. A correction
    note ("Correction: An earlier version of this story misstated ...") restates figures already
    reported: no candidates from it, up to the end of its paragraph."""
    spans = sentences if sentences is not None else split_sentences(text)
    out: list[Candidate] = []
    in_note = False
    prev_end = 0
    for sp in spans:
        gap = text[prev_end : sp.start]
        prev_end = sp.end
        if re.search(r"\n\s*\n|\u2029", gap):
            in_note = False
        if CORRECTION_NOTE.match(sp.slice(text)):
            in_note = True
        if in_note:
            continue
        out.extend(candidates_in_sentence(text, sp, finders))
    return out
