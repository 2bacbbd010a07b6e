"""Where a sentence ends: the rules of :mod:`newsextract.text.sentences`, decided per whitespace run.

:func:`cut_points` lists the offsets at which sentences end in a stretch of text (a paragraph break, a
line break that ends a line of its own, a full stop before the next sentence's first word, a CJK full
stop); each decision reads a bounded look-behind and look-ahead, so the cost is linear in the stretch.
The word lists here (abbreviations that never, or only sometimes, end a sentence, and the words that
open one) are the splitter's own.
"""

from __future__ import annotations

import re

from newsextract.lexicon.months import MONTH_ABBREVIATIONS

__all__ = ["SENTENCE_OPENERS", "WS", "cut_points", "line_breaks"]

WS = re.compile(r"\s+")
_CJK_STOPS = "。！？"
_CJK_STOP = re.compile(f"[{_CJK_STOPS}]+[」』”’）)]*")

_TERMINALS = frozenset(".!?…")
_CLOSERS = frozenset("\"'”’»)]}」』")
_TERMINALS_OR_CLOSERS = _TERMINALS | _CLOSERS
_OPENERS = frozenset("\"'“‘«([{¿¡「『")
_LINE_BREAKS = frozenset("\n\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e")
# A line ending in one of these continues on the next line.
_CONTINUES_LINE = frozenset(",;:([{-–—&/")
# A line starting with one of these continues the previous line.
_CONTINUATION_START = frozenset("$€£¥%)]},.;:!?-–—&/")

# Never end a sentence after these (compared lowercased, without the final period).
_NEVER_BREAK = MONTH_ABBREVIATIONS | frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mssrs",
        "messrs",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "supt",
        "insp",
        "hon",
        "rev",
        "fr",
        "st",
        "mt",
        "ft",
        "vs",
        "e.g",
        "i.e",
        "cf",
        "approx",
        "ca",
        "assn",
    ]
)
# Never end a sentence after these when a number follows ("No. 1", "Fig. 3"); otherwise normal rules.
_NUMERIC_ABBREV = frozenset(
    ["no", "nos", "fig", "figs", "vol", "vols", "pp", "p", "art", "sec", "para", "ch"]
)
# End a sentence after these only when the next word is a common sentence opener.
_MAYBE_BREAK = frozenset(
    [
        "inc",
        "co",
        "corp",
        "ltd",
        "llc",
        "plc",
        "bros",
        "jr",
        "sr",
        "ag",
        "sa",
        "nv",
        "bv",
        "se",
        "spa",
        "gmbh",
        "pty",
        "pte",
        "bhd",
        "cos",
        "etc",
        "al",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "a.m",
        "p.m",
        "u.s.a",
        "n.y",
        "d.c",
    ]
)
SENTENCE_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "his",
        "her",
        "their",
        "our",
        "my",
        "but",
        "and",
        "or",
        "so",
        "yet",
        "however",
        "meanwhile",
        "still",
        "also",
        "then",
        "now",
        "in",
        "on",
        "at",
        "as",
        "after",
        "before",
        "while",
        "when",
        "if",
        "although",
        "though",
        "since",
        "because",
        "for",
        "with",
        "by",
        "from",
        "to",
        "of",
        "shares",
        "stock",
        "analysts",
        "investors",
        "according",
        "last",
        "earlier",
        "later",
        "separately",
        "other",
        "some",
        "many",
        "most",
        "no",
        "not",
        "one",
        "two",
        "three",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)
_DOTTED_ACRONYM = re.compile(r"^(?:[a-z]\.){2,}$")

_LOOKBEHIND = 40  # longest token considered when checking for an abbreviation
_LOOKAHEAD = 40  # longest next word considered


def line_breaks(run: str) -> int:
    """Number of line breaks in a whitespace run ("\\r\\n" counts once; U+2029 counts twice)."""
    n = 0
    for i, ch in enumerate(run):
        if ch in _LINE_BREAKS:
            n += 2 if ch == "\u2029" else 1
        elif ch == "\r" and (i + 1 >= len(run) or run[i + 1] != "\n"):
            n += 1
    return n


def _prev_token(text: str, end: int) -> str:
    """The whitespace-delimited token ending at ``end`` (bounded look-behind), lowercased,
    without leading opening quotes/brackets."""
    lo = max(0, end - _LOOKBEHIND)
    i = end
    while i > lo and not text[i - 1].isspace():
        i -= 1
    tok = text[i:end]
    while tok and tok[0] in _OPENERS:
        tok = tok[1:]
    return tok.lower()


def _next_word(text: str, start: int) -> str:
    """The run of letters starting at ``start`` (bounded look-ahead), lowercased."""
    hi = min(len(text), start + _LOOKAHEAD)
    j = start
    while j < hi and text[j].isalpha():
        j += 1
    return text[start:j].lower()


def _starts_sentence(ch: str) -> bool:
    return ch.isdigit() or ch.isupper() or (ch.isalpha() and not ch.islower())


def _ends_sentence(text: str, ws_start: int, ws_end: int) -> bool:
    """Whether a sentence ends at ``ws_start`` given the whitespace run ``[ws_start, ws_end)``
    on a single line (no line break)."""
    n = len(text)
    if ws_start == 0 or ws_end >= n:
        return False
    # Look behind: optional closing quotes/brackets, then a terminal.
    i = ws_start - 1
    lo = max(0, ws_start - 4)
    while i > lo and text[i] in _CLOSERS:
        i -= 1
    term = text[i]
    if term not in _TERMINALS:
        return False
    # Look ahead: optional opening quotes/brackets, then a sentence-initial character.
    j = ws_end
    hi = min(n, ws_end + 4)
    while j < hi and text[j] in _OPENERS:
        j += 1
    if j >= n or not _starts_sentence(text[j]):
        return False
    if term != ".":
        return True
    if i >= 1 and text[i - 1] == ".":  # "..." ellipsis
        return True
    tok = _prev_token(text, i + 1)
    bare = tok[:-1]
    if not bare:
        return True
    if bare in _NEVER_BREAK:
        return False
    if bare in _NUMERIC_ABBREV and text[j].isdigit():
        return False
    if len(bare) == 1 and bare.isalpha() and text[i - 1].isupper():  # an initial: "Jack B. Ma"
        return False
    if bare in _MAYBE_BREAK or _DOTTED_ACRONYM.match(tok):
        return _next_word(text, j) in SENTENCE_OPENERS
    return True


def _line_ends_sentence(text: str, ws_start: int, ws_end: int) -> bool:
    """Whether a single line break in ``[ws_start, ws_end)`` ends a sentence."""
    n = len(text)
    if ws_start == 0 or ws_end >= n:
        return False
    nxt = text[ws_end]
    if nxt.islower() or nxt in _CONTINUATION_START:
        return False
    prev = text[ws_start - 1]
    if prev in _CONTINUES_LINE:
        return False
    if prev == ".":
        bare = _prev_token(text, ws_start)[:-1]
        if bare in _NEVER_BREAK:
            return False
    return True


#: Where a whitespace run can end a sentence: right after a terminal or a closer, or at a line break.
#: Every other run (the space between two words) never does, so only these are looked at.
_CANDIDATE_RE = re.compile(
    "[" + re.escape("".join(sorted(_TERMINALS_OR_CLOSERS | _LINE_BREAKS | {"\r"}))) + "]"
)


def cut_points(text: str, lo: int, hi: int) -> list[int]:
    """Offsets in ``[lo, hi)`` at which a sentence ends (the sentence is ``[prev_cut, cut)``), deciding
    on the whitespace runs of ``text[lo:hi]`` (a run cut off by ``lo`` or ``hi`` as cut off).

    A paragraph break yields a cut too; empty segments are dropped by the caller. Only the runs after a
    terminal or closer and those holding a line break are looked at (:data:`_CANDIDATE_RE`): the rules
    below never cut at any other."""
    cuts: list[int] = []
    last_end = lo
    for m in _CANDIDATE_RE.finditer(text, max(lo - 1, 0), hi):
        p = m.start()
        if p < last_end and p >= lo:
            continue  # a line break inside the run just decided
        if text[p].isspace():  # a line break: its whole run
            if p < lo:
                continue
            s = p
            while s > lo and text[s - 1].isspace():
                s -= 1
        else:  # a terminal or closer: the run right after it, if any
            s = p + 1
            if s >= hi or not text[s].isspace():
                continue
        run_match = WS.match(text, s, hi)
        assert run_match is not None  # text[s] is whitespace
        e = run_match.end()
        last_end = e
        run = run_match.group()
        breaks = 0 if run == " " else line_breaks(run)  # most runs are one space: no line break
        if breaks >= 2:
            cuts.append(s)
        elif breaks == 1:
            if _line_ends_sentence(text, s, e):
                cuts.append(s)
        # a sentence ends only after a terminal or a closer (the cheap test before the full one)
        elif s > 0 and text[s - 1] in _TERMINALS_OR_CLOSERS and _ends_sentence(text, s, e):
            cuts.append(s)
    if any(text.find(stop, lo, hi) >= 0 for stop in _CJK_STOPS):  # a find is far cheaper than the regex
        for m in _CJK_STOP.finditer(text, lo, hi):
            if m.end() < hi and not text[m.end()].isspace():
                cuts.append(m.end())
    cuts.sort()
    return cuts
