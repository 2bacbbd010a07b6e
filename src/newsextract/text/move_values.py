"""The values that state a stock move in a sentence, and who moved: every percentage or price level a
move word governs, without index, currency, commodity or result-figure moves. Pure and linear in the
sentence (the move words of a sentence are found once)."""

from __future__ import annotations

import bisect
import functools
import re

from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_percents
from newsextract.text.event_words import INDEX_WORDS, MOVE_WORDS, any_case
from newsextract.text.name_spans import name_spans
from newsextract.text.spans import Span

__all__ = [
    "MARKET_CUE",
    "last_move_word",
    "move_anchors",
    "move_subject",
    "move_word_before",
    "mover_span",
    "named_mover",
    "price_level",
]


_SEG_BREAK = re.compile(r"[,;]|\b(?:while|whereas|with|and|but)\b", re.IGNORECASE)
_APPOSITIVE = re.compile(
    r",\s+(?:of which|which|who|whose|a|an|the|one of|part of|itself|its)\b[^,;]{0,80},", re.IGNORECASE
)
# a clause break between two moves: a price level and a percentage across it are two moves
_MOVE_CLAUSE = re.compile(r";|\b(?:while|whereas|but)\b|,?\s+and\b|,\s+with\b", re.IGNORECASE)
_LEVEL_LEAD = re.compile(r"^\s+(?:(?:at|to)\s+)?(?:an? [\w -]{0,25}?(?:of )?)?$", re.IGNORECASE)
_NOT_A_MOVE_AFTER = re.compile(
    r"\s+of\s+(?:its|the|those|all|total|outstanding|shares|their)\b", re.IGNORECASE
)
_TARGET_BEFORE = re.compile(
    r"\b(?:targets?|estimates?|forecasts?|guidance|valuations?)\b[^.;]{0,12}$", re.IGNORECASE
)
# a capitalised word used as the stock's own name: "Stock" inside "Nikkei Stock Average" is not one
_SHARE_SUBJECT = re.compile(
    r"(?<![A-Z][\w.]\s)(?<![A-Z][\w.]{2}\s)\b(?:shares?|stocks?|ADSs?|ADRs?)\b", re.IGNORECASE
)


def move_subject(s: str, move_start: int, lo: int = 0) -> Span:
    """The words that say what moved (offsets within ``s``): the clause part just before the move word
    at ``move_start``, from ``lo`` on, appositives (", of which X is a member,") left out."""
    lo = min(lo, move_start)
    window = s[lo:move_start]
    masked = _APPOSITIVE.sub(lambda m: " " * len(m.group()), window)
    ends = [0, *(m.end() for m in _SEG_BREAK.finditer(masked))]
    start = ends[-1]
    if len(ends) > 1 and re.match(r"\s*(?:which|that)\b", window[start:], re.IGNORECASE):
        start = ends[-2]  # "..., the benchmark index, which was up 0.2%": the relative clause's antecedent
    return Span(lo + start, move_start)


def mover_span(s: str, mw: re.Match[str], lo: int = 0) -> Span:
    """Where the mover of the move word ``mw`` is named: :func:`move_subject`, or, for a participle
    after a comma ("Gamma Homes was the biggest faller, tumbling 14.6%"), the sentence's opening subject
    up to its first verb."""
    subj = move_subject(s, mw.start(), lo)
    if not subj.slice(s).strip() and mw.group().lower().endswith("ing") and lo == 0:
        first = re.search(r"\b(?:was|were|is|are|has|had|led|ended|closed)\b", s[: mw.start()])
        subj = Span(0, first.start() if first else mw.start())
    return subj


@functools.lru_cache(maxsize=64)
def _move_words(s: str) -> tuple[list[re.Match[str]], list[int]]:
    """Every move word of the sentence ``s`` and their ends, found in one pass and kept for the last few
    sentences: a sentence asks for the move word before each of its values."""
    words = list(MOVE_WORDS.finditer(s))
    return words, [m.end() for m in words]


def move_word_before(s: str, end: int, within: int | None = None) -> re.Match[str] | None:
    """The last move word of the sentence ``s`` ending at or before ``end`` (and, with ``within``,
    starting at most that many characters before ``end``). A lookup in the sentence's move words, found
    once per sentence, so asking once per value of a sentence is linear in its length, not quadratic."""
    words, ends = _move_words(s)
    k = bisect.bisect_right(ends, end)
    if k and (within is None or words[k - 1].start() >= end - within):
        return words[k - 1]
    return None


def last_move_word(s: str, end: int) -> re.Match[str] | None:
    """The last move word ending at or before ``end``, starting within 60 characters before it."""
    return move_word_before(s, end, 60)


# what moves in a company's results or the economy, not its share price: "quarterly profit jumped 21%"
_NOT_STOCK_SUBJECT = re.compile(
    r"\b(?:profits?|revenues?|sales|earnings|income|EBITDA|output|prices|inflation|exports|imports|margins?|"
    r"orders|deliveries|volumes?|costs?|spending|GDP|unemployment|rates?|turnover|bookings|traffic)\b",
    re.IGNORECASE,
)


def _is_index_move(s: str, subject: Span) -> bool:
    """True when the subject of a move is an index, currency or commodity ("the benchmark DAX", "the
    FTSE 250 index", "Spot gold") or a result or economic figure ("quarterly profit", "same-store
    sales"), not shares ("Shares of Gold Fields" stays a stock move)."""
    words = subject.slice(s)
    return bool(INDEX_WORDS.search(words) or _NOT_STOCK_SUBJECT.search(words)) and not _SHARE_SUBJECT.search(
        words
    )


_HIGHER_LOWER = re.compile(r"\s+(?:higher|lower)\b")


def _raw_anchors(s: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_percent) of every value that states a move, before the index filter."""
    out: list[tuple[int, int, bool]] = []
    for m in find_percents(s):
        before = s[max(0, m.start - 60) : m.start]
        if re.search(r"\b(?:stake|holding)s?\b[^;]{0,40}$", before, re.IGNORECASE):
            continue
        if re.search(r"\bfrom\s+\S+\s*(?:%|percent|per cent)?\s+to\s*$", before, re.IGNORECASE):
            continue
        closed = re.search(r"\b(?:closed|ended|finished|traded|were|was|stood)\s*$", before) and (
            _HIGHER_LOWER.match(s, m.end)
        )  # "closed 4.4% lower"
        if re.search(r"\bof\s*$", before) or (last_move_word(s, m.start) is None and not closed):
            continue
        if _NOT_A_MOVE_AFTER.match(s, m.end) or _TARGET_BEFORE.search(before[-30:]):
            continue
        out.append((m.start, m.end, True))
    # price levels ("closed flat at 44.90 yuan", "jumped to a record high of 4,820 yen") count when no
    # percentage states the same move (no percentage in the same clause)
    breaks = [0, *(m.start() for m in _MOVE_CLAUSE.finditer(s)), len(s)]
    for money in find_money(s):
        lead = s[max(0, money.start - 60) : money.start]
        mw = last_move_word(s, money.start)
        if (
            mw is None
            or not _LEVEL_LEAD.match(s[mw.end() : money.start])
            or _TARGET_BEFORE.search(lead[-30:])
        ):
            continue
        lo = max(b for b in breaks if b <= mw.start())
        hi = min(b for b in breaks if b >= money.end)
        if any(lo <= a < hi for a, _, pct in out if pct):
            continue
        out.append((money.start, money.end, False))
    if not out:
        first_move = MOVE_WORDS.search(s)
        if first_move is not None:
            after = [m for m in find_money(s) if m.start >= first_move.end()]
            if after:
                lead = s[first_move.end() : after[0].start]
                if len(lead) <= 40 and not re.search(r"[;\"“”]|\btargets?\b", lead):
                    out.append((after[0].start, after[0].end, False))
    return sorted(out)


def move_anchors(text: str, sentence: Span) -> list[Span]:
    """The values that each make one stock move in the sentence: every percentage with a move word in
    the 60 characters before it (stakes "from X percent to Y percent", "3% of its shares" and price
    targets excluded), and every price level after a move word ("closed flat at 44.90 yuan") that no
    percentage in its clause restates, else the first amount of money after a move word. A value
    whose mover is an index, currency or commodity ("while the benchmark index rose 0.6%") is no stock
    move. Empty when the sentence states no move."""
    s = sentence.slice(text)
    anchors: list[Span] = []
    lo = 0
    for start, end, _ in _raw_anchors(s):
        mw = last_move_word(s, start)
        verb = mw.start() if mw is not None else start  # "the index closed 0.4% higher": no word before
        if _is_index_move(s, move_subject(s, verb, lo)):
            lo = end
            continue
        lo = end
        anchors.append(Span(sentence.start + start, sentence.start + end))
    return anchors


MARKET_CUE = any_case(
    r"\b(?:peers?|rivals?|trading|session|close|closed|bourse|exchange|index|indices|fallers?|gainers?|"
    r"movers?|biggest (?:fall|gain|drop|declin|ris)\w*)\b"
)
# a share price level after the move: "climbed 3.8% to 1,046p", "ended flat at 52,400 won" (no magnitude:
# "rose 5% to $2 billion" is revenue, not a share price)
_LEVEL_AFTER = re.compile(r"^\s*(?:(?:to|at)\s+(?:close|end|finish)\s+)?(?:to|at)\s+$", re.IGNORECASE)


def price_level(s: str, start: int, end: int) -> bool:
    """True when the move at ``s[start:end]`` states a share price level: the value is one ("ended flat
    at 52,400 won") or one follows it ("climbed 3.8% to 1,046p"); never an amount with a magnitude."""
    for money in find_money(s):
        if money.end <= start:
            continue
        if money.start == start:
            ok = bool(re.search(r"\b(?:to|at)\s+$", s[max(0, start - 12) : start]))
        elif money.start >= end:
            ok = bool(_LEVEL_AFTER.match(s[end : money.start]))
        else:
            return False
        return ok and not re.search(
            r"(?i:thousand|million|billion|trillion|mln|bln|bn|mn|[kmb])$", money.text
        )
    return False


def named_mover(text: str, sentence: Span, anchor: Span, lo: int) -> bool:
    """True when the subject of the anchor's move word is a capitalised name ("with Gamma Robotics
    rising 3.2%")."""
    s = sentence.slice(text)
    mw = last_move_word(s, anchor.start - sentence.start)
    if mw is None:
        return False
    subj = mover_span(s, mw, lo)
    return bool(name_spans(s, subj))
