"""How the embedded path reads a stock move from its sentence: the readers the rules of
``kinds/stock_move.py`` name. Pure; every offset is within the sentence.

A reader takes the candidate's :class:`~newsextract.text.article.SentenceView`, the reading so far and
its :class:`~newsextract.kinds.rules.Rule` (whose ``params`` hold the patterns it reads with) and fills
fields of the :class:`~newsextract.kinds.stock_move.MoveReading`.
"""

from __future__ import annotations

import re
from typing import Literal

from newsextract.kinds.rules import Rule
from newsextract.kinds.stock_move import MoveReading
from newsextract.lexicon.markets import EXCHANGE_NAMES
from newsextract.lexicon.moves import FLAT_WORDS, UP_WORDS
from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_percents
from newsextract.strategies.read_dates import DATELINE, DAY, MONTH, WEEKDAY
from newsextract.strategies.sentence_options import (
    TICKER_SHAPE,
    mover_names,
    prefer_orgs,
    unnamed_mover,
)
from newsextract.strategies.sentence_questions import Options, distinct_options
from newsextract.text.article import SentenceView
from newsextract.text.candidates import INDEX_WORDS, MOVE_WORDS, move_word_before
from newsextract.text.names import is_place
from newsextract.text.spans import Span

__all__ = [
    "EXCHANGES",
    "move_company",
    "move_direction",
    "move_market",
    "move_period",
    "move_ticker",
    "move_values",
]

_UP = re.compile(
    r"^(?:" + UP_WORDS + r"|higher|up|add|record high|all-time high|[\w-]+ high|"
    r"edg\w* (?:up|higher)|(?:closed|ended|finished|traded|opened) (?:up|higher))",
    re.IGNORECASE,
)
_FLAT = re.compile(
    r"^(?:" + FLAT_WORDS + r"|flat|(?:closed|ended|finished|traded|opened) flat)", re.IGNORECASE
)
_AFTER_DIRECTION = re.compile(r"\s+(higher|lower)\b", re.I)
_PERIOD = re.compile(
    rf"\b(?:so far this (?:year|month|week|quarter)|year[- ]to[- ]date|since the start of the year"
    rf"|the (?:past|last|previous) (?:(?:\w+ )?(?:days?|weeks?|months?|years?|quarters?|sessions?))"
    rf"|the (?:following|next|previous|prior) (?:session|trading day|day)"
    rf"|(?:on )?{MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"|in (?:early|late|morning|afternoon|midday|after-hours|pre-market|premarket|extended) trading"
    rf"|(?:on |this |last )?{WEEKDAY}(?: (?:morning|afternoon|evening|night))?|overnight|today|yesterday"
    rf"|(?:last|this) (?:week|month|year)|(?<!since )(?:in )?{MONTH})\b"
)
_NAMES_A_DAY = re.compile(rf"{WEEKDAY}|{MONTH}|today|yesterday|overnight")
_WEAK_PERIOD = re.compile(r"\b(?:at press time|by the close(?: of trading)?|intraday|at the close)\b")
EXCHANGES = re.compile(r"\b(?:" + "|".join(EXCHANGE_NAMES) + r")\b(?!\s+(?:Composite|Index|index|\d))")
"""An exchange named in a sentence ("on Nasdaq"), not an index named after one ("KOSPI 200")."""
# "on the Toronto Stock Exchange", "on the secondary KOSDAQ market"
_ON_EXCHANGE = re.compile(
    r"\bon the (?:[a-z-]+ )?((?:[A-Z][\w&.-]*\s+)*(?:Stock Exchange|Exchange|Bourse)|[A-Z][A-Za-z]{2,})"
    r"(?=\s+(?:market|exchange|bourse|board)\b|(?<=Exchange)|(?<=Bourse))"
)
_IN_NAME = re.compile(r"\bin (?:the )?$")
_IN_COUNTRY = re.compile(r"\bin the (US|U\.S\.|UK|U\.K\.)\b")


def _direction(sentence: str, anchor: Span) -> Literal["up", "down", "flat"] | None:
    """The direction of the last move word before the anchor, or of "higher"/"lower" right after it
    ("closed 4.4% lower")."""
    after = _AFTER_DIRECTION.match(sentence, anchor.end)
    if after is not None:
        return "up" if after.group(1).lower() == "higher" else "down"
    last = move_word_before(sentence, anchor.start)
    if last is None:
        return None
    w = last.group()
    if _FLAT.match(w):
        return "flat"
    return "up" if _UP.match(w) else "down"


def _bounds(v: SentenceView) -> tuple[Span, int, int, int]:
    """(anchor, lo, hi, back): the move's value; its own clause runs from the value to the next value
    (``lo``..``hi``); ``back`` is the end of the value before it."""
    assert v.anchor is not None
    anchor = v.anchor
    later = [a.start for a in v.anchors if a.start > anchor.start]
    earlier = [a.end for a in v.anchors if a.end <= anchor.start]
    return anchor, anchor.end, (later[0] if later else len(v.sentence)), (earlier[-1] if earlier else 0)


def move_direction(v: SentenceView, reading: MoveReading, rule: Rule) -> None:
    """``direction``: from the move word before the value, or "higher"/"lower" after it."""
    assert v.anchor is not None
    reading.direction = _direction(v.sentence, v.anchor)


def move_values(v: SentenceView, reading: MoveReading, rule: Rule) -> None:
    """``change_pct`` and ``price``: a percentage value is the change, and a price level "to/at" right
    after it (or stated before it: "jumped to a record high of 4,820 yen ..., up 9.4%") the price;
    an amount of money as the value is the price."""
    s = v.sentence
    anchor, _, hi, back = _bounds(v)
    anchor_text = anchor.slice(s)
    if not find_percents(anchor_text):
        reading.price = anchor_text
        return
    reading.change_pct = anchor_text
    for m in find_money(s[anchor.end : hi]):
        if re.fullmatch(rule.params["price_after"], s[anchor.end : anchor.end + m.start]):
            reading.price = m.text
        break
    if reading.price is None:
        for m in find_money(s[back : anchor.start]):
            lead = s[max(0, back + m.start - 40) : back + m.start]
            if re.search(rule.params["level_before"], lead, re.I) and MOVE_WORDS.search(lead):
                reading.price = m.text
                break


def _market(v: SentenceView, lo: int, hi: int, anchor: int, clause_end: str) -> str | None:
    """An exchange or city: "in <Name>" or "on the <Name> (market)" after the anchor within its clause,
    "<Name>-traded/-listed" or an exchange acronym anywhere before it."""
    s, names = v.sentence, v.names
    end = re.compile(clause_end).search(s, lo, hi)
    hi = end.start() if end else hi
    on = _ON_EXCHANGE.search(s, lo, hi)
    for n in names:
        if lo <= n.start < hi and _IN_NAME.search(s[max(0, n.start - 8) : n.start]):
            return n.slice(s)
    if on is not None:
        return on.group(1)
    for m in _IN_COUNTRY.finditer(s[lo:hi]):
        return m.group(1)
    before = [n for n in names if n.end <= anchor and re.match(r"-(?:traded|listed)", s[n.end : n.end + 8])]
    if before:
        return before[-1].slice(s)
    m2 = _IN_COUNTRY.search(s[:anchor])
    if m2:
        return m2.group(1)
    ex = EXCHANGES.search(s, lo, hi)
    return ex.group() if ex else None


def _market_before(v: SentenceView, lo: int, hi: int) -> str | None:
    """The last "in <Name>" (a place or exchange) between ``lo`` and ``hi``, else an "on the <Name>
    bourse/market" there."""
    s = v.sentence
    on = list(_ON_EXCHANGE.finditer(s, lo, hi))
    found = [
        n
        for n in v.names
        if lo <= n.start < hi
        and _IN_NAME.search(s[max(0, n.start - 8) : n.start])
        and (is_place(n.slice(s)) or EXCHANGES.fullmatch(n.slice(s)))
    ]
    if found:
        return found[-1].slice(s)
    return on[-1].group(1) if on else None


def _first_move(v: SentenceView) -> tuple[int, int, int]:
    """(start, end, clause end) of the sentence's first move value."""
    first = min(a.start for a in v.anchors)
    first_hi = min([len(v.sentence), *(a.start for a in v.anchors if a.start > first)])
    return first, min(a.end for a in v.anchors if a.start == first), first_hi


def move_market(v: SentenceView, reading: MoveReading, rule: Rule) -> None:
    """``market``: named in the move's own clause or before it; else, for a later move of a list
    ("Peers gained in Tokyo, with A rising 3% and B adding 2%"), the phrase before the first move when
    the first move names none of its own."""
    anchor, lo, hi, back = _bounds(v)
    clause_end = rule.params["clause_end"]
    reading.market = _market(v, lo, hi, anchor.start, clause_end) or _market_before(v, back, anchor.start)
    if reading.market is None and any(a.end <= anchor.start for a in v.anchors):
        first, first_end, first_hi = _first_move(v)
        if _market(v, first_end, first_hi, first, clause_end) is None:
            reading.market = _market_before(v, 0, first)


def _period(sentence: str, lo: int, hi: int) -> Span | None:
    """The first period phrase in ``sentence[lo:hi]``; a day or date before a session phrase ("in early
    trading on Thursday" is "Thursday")."""
    found = [Span(m.start(), m.end()) for m in _PERIOD.finditer(sentence, lo, hi)]
    days = [f for f in found if DAY.search(f.slice(sentence))]
    if days and re.match(
        r"in (?:early|late|morning|afternoon|midday|extended) trading", found[0].slice(sentence)
    ):
        return days[0]
    return found[0] if found else None


def _first(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> Span | None:
    m = pattern.search(text, lo, hi)
    return Span(m.start(), m.end()) if m else None


def move_period(v: SentenceView, reading: MoveReading, rule: Rule) -> None:
    """``period`` (in the move's clause, else before it, else the phrase before the first move of a
    list, else "at the close"...) and ``date`` (the period when it names a day, else the one day the
    sentence names before the move: "X said Tuesday that ..., sending its shares down 14%")."""
    s = v.sentence
    anchor, lo, hi, back = _bounds(v)
    dateline = DATELINE.match(s)
    start = dateline.end() if dateline else 0
    period = _period(s, lo, hi)
    if period is None:
        period = _period(s, max(back, start), anchor.start)
    if period is None and any(a.end <= anchor.start for a in v.anchors):
        first, first_end, first_hi = _first_move(v)
        if _first(_PERIOD, s, first_end, first_hi) is None:
            period = _first(_PERIOD, s, start, first)
    if period is None:
        period = _first(_WEAK_PERIOD, s, lo, hi)
    if period is not None:
        reading.period = period.slice(s)
        if _NAMES_A_DAY.search(reading.period):
            reading.date = reading.period
    if reading.date is None:
        days = {m.group() for m in DAY.finditer(s, start, anchor.start)}
        if len(days) == 1:
            reading.date = days.pop()


def move_ticker(v: SentenceView, reading: MoveReading, rule: Rule) -> None:
    """``ticker``: the last bracketed symbol before the move ("Gamma (NASDAQ: GMR) shares rose 3%")."""
    assert v.anchor is not None
    tickers = [m for m in re.finditer(rule.params["ticker"], v.sentence) if m.end() <= v.anchor.start]
    if tickers:
        reading.ticker = tickers[-1].group(1)


def move_company(v: SentenceView, reading: MoveReading, rule: Rule) -> Options | None:
    """The company whose shares moved: the named mover of the value in focus; else the sentence's
    companies; else the organisations of the sentence before, or the article's company."""
    assert v.anchor is not None
    s, an = v.sentence, v.an
    companies = [
        c
        for c in v.name_texts()
        if c != reading.market and not EXCHANGES.fullmatch(c) and not INDEX_WORDS.search(c)
    ]
    companies = [c for c in companies if not TICKER_SHAPE.fullmatch(c)] or companies
    mine = [c for c in mover_names(v) if c in companies and an.looks_like_company(c)]
    back = [c for c in v.before_names if an.is_org(c) and not an.is_place(c) and not INDEX_WORDS.search(c)]
    fallback = back or ([v.subject] if v.subject else [])
    if not mine and unnamed_mover(v) and not any(an.is_org(c) for c in companies):
        companies = []  # "..., but the stock fell 6.1%": the company met before, not a name nearby
    companies = mine[-1:] if mine else prefer_orgs(companies, an)
    choices = {"company": distinct_options(companies, [] if companies else fallback)}
    return Options(choices, {}, f"Value in focus: {v.anchor.slice(s)}")
