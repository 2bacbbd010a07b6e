"""The ``sentence_choices`` strategy: one small question per candidate sentence, answers drawn from
the sentence itself.

How one article is read:

1. ``text.candidates`` finds candidate sentences per event kind without a model.
2. ``text.names`` classifies every name by how the article uses it (person, organisation, place, news
   source). Options are only names that fit the field: a person must look like a person (not a
   place, organisation, acronym, "an X executive", the appointing company, a report's source), a
   company must not be a place or a person, a seller is the subject/holder of the sale verb and never
   a source; issuers are read from "shares/stake of/in X", "X's shares". A candidate with no
   plausible person, company or issuer gets no question at all.
3. A field the rules fix (one plausible option, or read by a grammatical rule) is not asked. When
   every field is fixed, no request is made (``confirm_decided=True`` asks the model's yes/no anyway).
   Otherwise a per-call Pydantic model is built whose fields are a boolean ("is this really a
   <kind>?") and ``enum``s of the remaining options (plus ``"none"``, plus names of the previous
   sentence when pronouns may point there). The model therefore only judges and chooses; it never
   writes free text.
4. Deterministic rules fill what they read better than a 135M model: amounts, counts, percentages,
   prices, direction words, markets, periods, sale status from modality, predecessors after
   "replacing"/"succeed", roles, interim, dates. A later sentence stating a stake change without a
   sale of its own ("its stake dropping from 10.2 percent to 7.5 percent after the sale") adds its
   stakes to the sale just before it.
5. Every draft value is a substring of the sentence (or of the previous sentence, in which case the
   quote covers both), and ``quote`` is that exact text.

Cost: one request per candidate whose options the rules could not settle (SmolLM2 on 2 cores:
~0.5-1.5 s each); on the seed articles the rules settle every candidate. Candidates are asked grouped
by kind so that the system prompt and the task text are a shared token prefix that llama.cpp reuses.
A candidate whose request fails is reported in ``chunk_failures``, never dropped silently.
Works with any ``Backend`` (embedded or OpenAI-compatible): it only calls ``structured``/``astructured``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, create_model

from newsextract.backends.base import Backend, Messages, ModelReply
from newsextract.core.drafts import (
    AnyDraft,
    ArticleDraft,
    ExecutiveChangeDraft,
    ShareSaleDraft,
    StockMoveDraft,
)
from newsextract.core.schemas import ChunkFailure, Usage
from newsextract.errors import ExtractionError
from newsextract.normalize.modality import sale_status as modality_status
from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_counts, find_percents
from newsextract.prompts import PromptTemplate, load_prompt
from newsextract.strategies.base import StrategyInput, StrategyResult
from newsextract.text.candidates import (
    CHANGE_WORDS,
    INDEX_WORDS,
    MOVE_WORDS,
    PASSIVE_SUCCESSION,
    Candidate,
    Kind,
    find_candidates,
    is_caps_headline,
    is_caps_line,
    is_title_line,
    last_move_word,
    mover_span,
    name_spans,
    role_spans,
    sale_agent,
)
from newsextract.text.names import ArticleNames, attributions, classify_names, is_place
from newsextract.text.sentences import split_sentences
from newsextract.text.spans import Span

NONE = "none"
MAX_OPTIONS = 6

TASKS: dict[Kind, str] = {
    "StockMove": "Does the sentence say that the share price of a company rose, fell or reached a level, "
    "by the value in focus? An index, a currency or a commodity is not a company. "
    "company: the company whose shares moved.",
    "ShareSale": "Does the sentence say that a holder sold, plans to sell, postponed, cancelled or refused "
    "selling shares or a stake? Buybacks, buying shares and issuing new shares are not sales. "
    "seller: who sells. company: whose shares are sold.",
    "ExecutiveChange": "Does the part in focus say that a named person takes or leaves an executive or "
    "board role? person: who takes or leaves the role. company: the company of the role.",
}
FLAG: dict[Kind, str] = {
    "StockMove": "is_move",
    "ShareSale": "is_sale",
    "ExecutiveChange": "is_change",
}

# ---------------------------------------------------------------- rules -----------------------------

_UP = re.compile(
    r"^(?:r[io]se|rising|jump|surg|soar|climb|gain|rall|advanc|spik|rebound|skyrocket|higher|up|add|"
    r"record high|all-time high|[\w-]+ high|"
    r"edg\w* (?:up|higher)|(?:closed|ended|finished|traded|opened) (?:up|higher))",
    re.IGNORECASE,
)
_FLAT = re.compile(r"^(?:unchanged|flat|(?:closed|ended|finished|traded|opened) flat)", re.IGNORECASE)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_DATE = re.compile(
    rf"\b(?:(?:on |since |from |effective )?{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"(?: last year| this year)?"
    rf"|(?:on |this |last |next )?{_WEEKDAY}(?: (?:morning|afternoon|evening|night))?"
    rf"|(?:in )?{_MONTH}(?: \d{{4}})?|today|yesterday|tomorrow|overnight"
    rf"|(?:last|this|next) (?:week|month|year))\b"
)
_PERIOD = re.compile(
    rf"\b(?:so far this (?:year|month|week|quarter)|year[- ]to[- ]date|since the start of the year"
    rf"|the (?:past|last|previous) (?:(?:\w+ )?(?:days?|weeks?|months?|years?|quarters?|sessions?))"
    rf"|the (?:following|next|previous|prior) (?:session|trading day|day)"
    rf"|(?:on )?{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"|in (?:early|late|morning|afternoon|midday|after-hours|pre-market|premarket|extended) trading"
    rf"|(?:on |this |last )?{_WEEKDAY}(?: (?:morning|afternoon|evening|night))?|overnight|today|yesterday"
    rf"|(?:last|this) (?:week|month|year)|(?<!since )(?:in )?{_MONTH})\b"
)
# a dateline opening the first sentence: "LONDON, May 2, 2024 (Wire) - "
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]+,\s[^\n]{0,60}?\s(?:-|–|—|--)\s")
_WEAK_PERIOD = re.compile(r"\b(?:at press time|by the close(?: of trading)?|intraday|at the close)\b")
_EXCHANGES = re.compile(
    r"\b(?:NYSE|Nasdaq|NASDAQ|HKEX|LSE|SSE|SZSE|TSE|ASX|TSX|Euronext|Xetra|KOSDAQ|Kosdaq|KOSPI|Kospi|AIM|"
    r"STAR Market|ChiNext)\b(?!\s+(?:Composite|Index|index|\d))"
)
# "on the Toronto Stock Exchange", "on the secondary KOSDAQ market"
_ON_EXCHANGE = re.compile(
    r"\bon the (?:[a-z-]+ )?((?:[A-Z][\w&.-]*\s+)*(?:Stock Exchange|Exchange|Bourse)|[A-Z][A-Za-z]{2,})"
    r"(?=\s+(?:market|exchange|bourse|board)\b|(?<=Exchange)|(?<=Bourse))"
)
# the end of a move's own clause: "rose 6.3% to 148,500 won after it said it would build a plant in X"
_CLAUSE_END = re.compile(
    r"\b(?:after|as|because|since|when|while|whereas|amid|following|before|despite)\b|[;]"
)
_DEPART = re.compile(
    r"\b(?:step\w* (?:down|aside)|resign\w*|retir\w*|depart\w*|leav\w*|left|quit\w*|oust\w*|fired|sacked|"
    r"dismiss\w*)\b",
    re.I,
)
_REPLACING = re.compile(
    r"\b(?:replac(?:e|es|ed|ing)|succeed(?:s|ed|ing)?|tak(?:e|es|ing) over from|took over from|"
    r"in place of)\s+$",
    re.I,
)
_INTERIM = re.compile(r"\b(?:acting|interim|temporary|caretaker)\b", re.I)


def _direction(
    sentence: str, anchor_start: int, anchor_end: int | None = None
) -> Literal["up", "down", "flat"] | None:
    """The direction of the last move word before the anchor (offsets within ``sentence``), or of
    "higher"/"lower" right after it ("closed 4.4% lower")."""
    if anchor_end is not None:
        after = _AFTER_DIRECTION.match(sentence, anchor_end)
        if after is not None:
            return "up" if after.group(1).lower() == "higher" else "down"
    words = [m for m in MOVE_WORDS.finditer(sentence) if m.end() <= anchor_start]
    if not words:
        return None
    w = words[-1].group()
    if _FLAT.match(w):
        return "flat"
    return "up" if _UP.match(w) else "down"


_AFTER_DIRECTION = re.compile(r"\s+(higher|lower)\b", re.I)


def _first(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> Span | None:
    m = pattern.search(text, lo, hi)
    return Span(m.start(), m.end()) if m else None


def _market(sentence: str, names: list[Span], lo: int, hi: int, anchor: int) -> str | None:
    """An exchange or city: "in <Name>" or "on the <Name> (market)" after the anchor within its clause,
    "<Name>-traded/-listed" or an exchange acronym anywhere before it. The clause ends at a subordinate
    word ("after it said it would build a plant in Hungary" names no market)."""
    end = _CLAUSE_END.search(sentence, lo, hi)
    hi = end.start() if end else hi
    on = _ON_EXCHANGE.search(sentence, lo, hi)
    for n in names:
        if lo <= n.start < hi and re.search(r"\bin (?:the )?$", sentence[max(0, n.start - 8) : n.start]):
            return n.slice(sentence)
    if on is not None:
        return on.group(1)
    for m in re.finditer(r"\bin the (US|U\.S\.|UK|U\.K\.)\b", sentence[lo:hi]):
        return m.group(1)
    before = [
        n for n in names if n.end <= anchor and re.match(r"-(?:traded|listed)", sentence[n.end : n.end + 8])
    ]
    if before:
        return before[-1].slice(sentence)
    m2 = re.search(r"\bin the (US|U\.S\.|UK|U\.K\.)\b", sentence[:anchor])
    if m2:
        return m2.group(1)
    ex = _EXCHANGES.search(sentence, lo, hi)
    return ex.group() if ex else None


_TICKER = re.compile(r"\((?:[A-Za-z]+:\s*)?([A-Z]{1,5}(?:\.[A-Z]{1,2})?)\)")
_DAY = re.compile(rf"\b(?:{_WEEKDAY}|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|today|yesterday)\b")
_LEVEL_BEFORE = re.compile(
    r"\b(?:at|to|hit|hits|hitting|reached|reaching|touched|touching)\s+(?:an? [\w -]{0,25}?(?:of )?)?$",
    re.IGNORECASE,
)


def _market_before(sentence: str, names: list[Span], lo: int, hi: int) -> str | None:
    """The last "in <Name>" between ``lo`` and ``hi``, else an "on the <Name> bourse/market" there."""
    on = [m for m in _ON_EXCHANGE.finditer(sentence, lo, hi)]
    found = [
        n
        for n in names
        if lo <= n.start < hi
        and re.search(r"\bin (?:the )?$", sentence[max(0, n.start - 8) : n.start])
        and (is_place(n.slice(sentence)) or _EXCHANGES.fullmatch(n.slice(sentence)))
    ]
    if found:
        return found[-1].slice(sentence)
    return on[-1].group(1) if on else None


def _period(sentence: str, lo: int, hi: int) -> Span | None:
    """The first period phrase in ``sentence[lo:hi]``; a day or date before a session phrase ("in early
    trading on Thursday" is "Thursday")."""
    found = [Span(m.start(), m.end()) for m in _PERIOD.finditer(sentence, lo, hi)]
    days = [f for f in found if _DAY.search(f.slice(sentence))]
    if days and re.match(
        r"in (?:early|late|morning|afternoon|midday|extended) trading", found[0].slice(sentence)
    ):
        return days[0]
    return found[0] if found else None


def stock_move_rules(sentence: str, anchor: Span, anchors: list[Span], names: list[Span]) -> dict[str, Any]:
    """Fields of a stock move read by rules; offsets are within ``sentence``."""
    later = [a.start for a in anchors if a.start > anchor.start]
    earlier = [a.end for a in anchors if a.end <= anchor.start]
    lo, hi = anchor.end, (later[0] if later else len(sentence))
    back = earlier[-1] if earlier else 0
    out: dict[str, Any] = {"direction": _direction(sentence, anchor.start, anchor.end)}
    anchor_text = anchor.slice(sentence)
    if find_percents(anchor_text):
        out["change_pct"] = anchor_text
        for m in find_money(sentence[anchor.end : hi]):
            gap = sentence[anchor.end : anchor.end + m.start]
            if re.fullmatch(
                r"\s*(?:(?:to|at)\s+(?:close|end|finish|settle)\s+)?(?:to|at)\s+(?:a [\w ]{0,20}(?:of )?)?",
                gap,
            ):
                out["price"] = m.text
            break
        if "price" not in out:
            # "jumped to a record high of 4,820 yen ..., up 9.4%": the level stated before the percentage
            for m in find_money(sentence[back : anchor.start]):
                lead = sentence[max(0, back + m.start - 40) : back + m.start]
                if _LEVEL_BEFORE.search(lead) and MOVE_WORDS.search(lead):
                    out["price"] = m.text
                    break
    else:
        out["price"] = anchor_text
    out["market"] = _market(sentence, names, lo, hi, anchor.start) or _market_before(
        sentence, names, back, anchor.start
    )
    dateline = _DATELINE.match(sentence)
    back = max(back, dateline.end() if dateline else 0)
    period = _period(sentence, lo, hi)
    if period is None:
        period = _period(sentence, back, anchor.start)
    first = min([anchor.start, *(a.start for a in anchors)])
    if (period is None or out["market"] is None) and earlier:
        # "Peers gained in Tokyo on Friday, with A rising 3% and B adding 2%": the leading phrase
        # before every move covers all of them when the first move has no own market/period after it
        first_hi = min([len(sentence), *(a.start for a in anchors if a.start > first)])
        first_end = min(a.end for a in anchors if a.start == first)
        if period is None and _first(_PERIOD, sentence, first_end, first_hi) is None:
            period = _first(_PERIOD, sentence, dateline.end() if dateline else 0, first)
        if out["market"] is None and _market(sentence, names, first_end, first_hi, first) is None:
            out["market"] = _market_before(sentence, names, 0, first)
    if period is None:
        period = _first(_WEAK_PERIOD, sentence, lo, hi)
    if period is not None:
        out["period"] = period.slice(sentence)
        if re.search(rf"{_WEEKDAY}|{_MONTH}|today|yesterday|overnight", out["period"]):
            out["date"] = out["period"]
    if "date" not in out:
        # "X said Tuesday that ..., sending its shares down 14% in extended trading"
        days = {m.group() for m in _DAY.finditer(sentence, dateline.end() if dateline else 0, anchor.start)}
        if len(days) == 1:
            out["date"] = days.pop()
    tickers = [m for m in _TICKER.finditer(sentence) if m.end() <= anchor.start]
    if tickers:
        out["ticker"] = tickers[-1].group(1)
    return out


def sale_status(sentence: str) -> str:
    """Sale status from modality words: the one decision in ``normalize.modality``."""
    return modality_status(sentence)


_PCT = r"(?:about |nearly |almost |around |roughly )?\d+(?:\.\d+)?\s*(?:%|percent|per cent)"
# the whole stake a holder has while a sale is planned, weighed, denied or cancelled: "its 18% stake",
# "which holds 7.9% of X"
_HELD_STAKE = re.compile(
    rf"\b(?:(?:its|his|her|their)\s+(?:entire\s+|whole\s+)?(?P<pct>{_PCT})\s+(?:stake|holding)"
    rf"|(?:holds|owns|has)\s+(?:a\s+)?(?P<pct2>{_PCT})\s+(?:stake\s+)?(?:of|in)\b)",
    re.I,
)


def stakes(sentence: str) -> dict[str, str]:
    """``stake_before``/``stake_after`` as written: "from X to Y", "to Y from X", "owns Y% of Z, down from
    X%"."""
    pct = find_percents(sentence)
    for a, b in itertools.pairwise(pct):
        gap = sentence[a.end : b.start]
        if re.fullmatch(r"\s+to\s+", gap) and re.search(r"from\s+$", sentence[: a.start]):
            return {"stake_before": a.text, "stake_after": b.text}
        if re.fullmatch(r"\s+from\s+", gap) and re.search(r"\bto\s+$", sentence[: a.start]):
            return {"stake_before": b.text, "stake_after": a.text}
        if re.fullmatch(r"[^.;%]{0,60}?,?\s+down from\s+", gap) and re.search(
            r"\b(?:owns|holds|has)\s+(?:a\s+)?$", sentence[: a.start]
        ):
            return {"stake_before": b.text, "stake_after": a.text}
    return {}


def share_sale_rules(sentence: str) -> dict[str, Any]:
    """Counts, value, price per share, stakes, status and date of a sale sentence, as written."""
    out: dict[str, Any] = {"status": sale_status(sentence)}
    counts = find_counts(sentence)
    if counts:
        out["shares"] = counts[0].text
    for m in find_money(sentence):
        after = sentence[m.end : m.end + 14]
        before = sentence[max(0, m.start - 24) : m.start]
        if (
            re.match(r"\s*(?:(?:per|a|each) (?:share|ADS)|apiece|each)\b", after)
            or re.search(r"\bat\s*$", before)
            or re.search(r"\bprice of\s*$", before)
        ):
            out.setdefault("price_per_share", m.text)
        elif re.search(
            r"\b(?:worth|valued?(?: at)?|total|for|rais(?:ing|ed|es)|proceeds|fetch(?:ed|es|ing)?)\b"
            r"[\w ]{0,12}$",
            before,
        ):
            out.setdefault("value", m.text)
    out.update(stakes(sentence))
    if out["status"] != "completed" and "stake_before" not in out:
        held = _HELD_STAKE.search(sentence)
        if held:
            out["stake_before"] = held.group("pct") or held.group("pct2")
    sale = re.search(r"\b(?:sell|sale|sold|offload|divest|dispos)", sentence, re.I)
    if sale and out["status"] not in ("denied", "rumored", "cancelled"):
        d = event_date(sentence, sale.end())
        if d:
            out["date"] = d
    return out


_REPORTING = re.compile(
    r"\b(?:said|says|showed|shows|reported|announced|told|disclosed|confirmed|filing|statement)\s+$", re.I
)
_SUBORDINATE = re.compile(r"\b(?:after|before|when|while|because|despite|amid|following)\b", re.I)


def event_date(clause: str, pos: int = 0, *, clip: bool = True) -> str | None:
    """The first date written after ``pos`` that dates the event itself: not the date of a report or
    filing ("said on Monday", "a filing showed on Tuesday"), and not past a subordinate clause ("...
    after the stock fell last week")."""
    sub = _SUBORDINATE.search(clause, pos) if clip else None
    hi = sub.start() if sub else len(clause)
    for d in _DATE.finditer(clause, pos, hi):
        if not _REPORTING.search(clause[max(0, d.start() - 16) : d.start()]):
            return d.group()
    return None


def exec_rules(sentence: str, focus: Span, names: list[Span]) -> dict[str, Any]:
    """Change kind, predecessor, role, interim and effective date of a change clause, as written."""
    clause = focus.slice(sentence)
    out: dict[str, Any] = {}
    for n in names:
        if focus.start <= n.start < focus.end and _REPLACING.search(sentence[max(0, n.start - 30) : n.start]):
            out["predecessor"] = n.slice(sentence)
            # "replacing Len Fox, who retired": the predecessor's departure is not the event's change
            rel = re.match(r",\s*who\b[^,.;]*", sentence[n.end : focus.end])
            if rel:
                clause = clause.replace(rel.group(), "")
            break
    out["change"] = "departed" if _DEPART.search(clause) else "appointed"
    succession = PASSIVE_SUCCESSION.match(sentence, focus.start) or (
        out["change"] == "appointed" and _SUCCEED_PRONOUN.search(clause)
    )
    if succession and focus.start > 0:
        # "Ann Lee will step down and be succeeded by Bo Chan": Bo Chan takes Ann Lee's role
        out["change"] = "appointed"
        held = [n for n in names if n.end <= focus.start]
        if held:
            out["predecessor"] = held[-1].slice(sentence)
        left = current_roles(sentence, Span(0, focus.start))
        if left:
            out["role"] = re.sub(r"^new\s+", "", left[-1].slice(sentence), flags=re.I)
            out["interim"] = bool(_INTERIM.search(out["role"]))
            return out
    roles = current_roles(sentence, focus) or current_roles(sentence, Span(0, len(sentence)))
    verb = CHANGE_WORDS.search(sentence, focus.start, focus.end)
    if roles:
        # the role the change word governs: "as <role>" after it ("named CFO Ann Lee as interim CEO"),
        # else the first after it ("joined X as a director"), else the first
        after = [r for r in roles if verb is not None and r.start >= verb.end() and r.start - verb.end() < 60]
        as_roles = [r for r in after if _AS_BEFORE.search(sentence[max(0, r.start - 30) : r.start])]
        before = [r for r in roles if verb is not None and focus.start <= r.start and r.end <= verb.start()]
        if out["change"] == "departed" and before and not as_roles:
            # "Chief financial officer Ann Lee resigned to join a rival": the role she leaves
            role = before[-1]
        else:
            role = as_roles[0] if as_roles else after[0] if after else roles[0]
        out["role"] = re.sub(r"^new\s+", "", role.slice(sentence), flags=re.I)
        out["interim"] = bool(_INTERIM.search(out["role"]))
    d = event_date(clause, clip=False)
    if d and re.match(r"(?:on|from|effective|since)\b", d):
        out["effective_date"] = d
    elif _IMMEDIATE.search(clause):
        # "effective immediately" / "with immediate effect": the day the change is announced
        days = [m.group() for m in _DAY.finditer(sentence)]
        if len(set(days)) == 1:
            out["effective_date"] = days[0]
    return out


# "and that Bo Chan would succeed him": the successor takes the role of the person before
_SUCCEED_PRONOUN = re.compile(
    r"\b(?:succeed(?:s|ed)?|replac(?:e|es|ed)|take over from)\s+(?:him|her)\b", re.I
)
_AS_BEFORE = re.compile(r"\bas\s+(?:(?:the|its|a|an|his|her|their|new)\s+)*$", re.I)
_IMMEDIATE = re.compile(r"\b(?:effective immediately|with immediate effect|immediately effective)\b", re.I)
# a role someone held before, not the one that changes: "a former executive director at X", "previously
# deputy CFO at Y", "where she was chief operating officer"
_PAST_ROLE = re.compile(
    r"(?:\b(?:former|formerly|previously|currently|onetime|one-time|erstwhile|ex-)\s*(?:[\w-]+\s+){0,2}"
    r"|\bwhere\s+(?:he|she|they)\s+(?:was|were|had been|served as)\s+(?:(?:the|a|an)\s+)?"
    r"|\b(?:continu(?:e|es|ed|ing) to (?:serve|act|work) as|remain(?:s|ed|ing)?(?: on the board)? as|"
    r"stay(?:s|ed|ing)? on as)\s+(?:(?:the|a|an|its|his|her)\s+)?)$",
    re.I,
)


def current_roles(sentence: str, within: Span) -> list[Span]:
    """``role_spans`` without roles written as past ones ("a former executive director at X")."""
    return [
        r
        for r in role_spans(sentence, within)
        if not _PAST_ROLE.search(sentence[max(0, r.start - 40) : r.start])
    ]


_NOT_PERSON_AFTER = re.compile(
    r"^(?:['’]s\b|\s+(?:executive|official|candidate|director|board|shares|stock|announcement|"
    r"spokes\w+|said|says|announced|sources?|filing|group|unit|division)\b)",
    re.I,
)
_SUBJECT_SAID = re.compile(
    r"^\s+(?:(?:also|separately|further)\s+)?(?:said|says|announced|disclosed|confirmed)\b"
)


# a role just before a name makes it a person even when it speaks: "chief executive Ann Lee said she will
# retire" ("Gamma said" stays a company)
_ROLE_BEFORE = re.compile(
    r"\b(?:officer|executive|chief|chairman|chairwoman|chair|president|director|founder|CEO|CFO|COO|CTO)\s+$",
    re.I,
)


# an appositive describing the person before it: ", a former partner at London consultancy X,"
_ASIDE = re.compile(r",\s+(?:a|an|the|who|whose|formerly|previously|most recently)\b[^,;]{0,100},")


def person_options(sentence: str, focus: Span, names: list[Span], predecessor: str | None) -> list[str]:
    """Names in the focus that can be the person: not the predecessor, not a name used as a modifier
    ("Alibaba executive", "Xpeng said", "Alibaba's"); the name nearest before the first change word first."""
    asides = [Span(m.start(), m.end()) for m in _ASIDE.finditer(sentence)]
    cands = [
        n
        for n in names
        if focus.start <= n.start < focus.end
        and n.slice(sentence) != predecessor
        and not (
            _NOT_PERSON_AFTER.match(sentence[n.end : n.end + 14])
            and not (
                _ROLE_BEFORE.search(sentence[: n.start]) and _SUBJECT_SAID.match(sentence[n.end : n.end + 24])
            )
        )
        and not any(a.start < n.start and n.end <= a.end for a in asides)
    ]
    verb = CHANGE_WORDS.search(sentence, focus.start, focus.end)
    if verb is not None:
        before = [n for n in cands if n.end <= verb.start()]
        after = [n for n in cands if n.end > verb.start()]
        if _APPOINTER.match(verb.group()) and not _PASSIVE.search(sentence[: verb.start()]):
            # "<Company> appointed <Person> as ...": the object is the one appointed; "will hire 2,000
            # engineers" names nobody
            before = []
            after = [n for n in after if n.start - verb.end() < 40]
        cands = [*reversed(before), *after]
    return [n.slice(sentence) for n in cands]


def appointer(sentence: str, focus: Span, names: list[Span], an: ArticleNames) -> str | None:
    """The company that appoints: the nearest name before an active appointing verb that is not a
    person or place ("Gamma has appointed former Uber executive Jane Doe as CFO" -> "Gamma")."""
    verb = CHANGE_WORDS.search(sentence, focus.start, focus.end)
    if verb is None or not _APPOINTER.match(verb.group()) or _PASSIVE.search(sentence[: verb.start()]):
        return None
    before = [n.slice(sentence) for n in names if focus.start <= n.start and n.end <= verb.start()]
    before = [b for b in before if an.looks_like_company(b) and not an.is_person_token(b)]
    return before[-1] if before else None


_APPOINTER = re.compile(
    r"(?:appoint(?:s|ed)?|nam(?:e|es|ed)|hir(?:e|es|ed)|promot(?:e|es|ed)|elect(?:s|ed)?|tapped|"
    r"nominat(?:e|es|ed))\b",
    re.I,
)
_PASSIVE = re.compile(r"\b(?:is|was|were|are|been|be|being|get|got|gets)\s+(?:\w+ly\s+)?$", re.I)


def company_by_rule(sentence: str, focus: Span, names: list[Span]) -> str | None:
    """The role's company when the wording fixes it: "<role> of/at <Name>", "<Name>'s <role>",
    or "its <role>" after "<Name> said"."""
    roles = current_roles(sentence, focus)
    for role in roles:
        for n in names:
            gap = sentence[role.end : n.start]
            if n.start >= role.end and re.fullmatch(r"\s+(?:of|at)\s+(?:the\s+)?", gap):
                return n.slice(sentence)
            lead = sentence[n.end : role.start]
            if n.end <= role.start and re.fullmatch(r"['’]s\s+(?:role of\s+|new\s+)?", lead):
                return n.slice(sentence)
        if re.search(r"\bits\s+(?:new\s+)?$", sentence[max(0, role.start - 10) : role.start]) or re.search(
            r"\bits\s+board\b", focus.slice(sentence)
        ):
            for n in names:
                if _SUBJECT_SAID.match(sentence[n.end : n.end + 24]):
                    return n.slice(sentence)
    return None


# ---------------------------------------------------------------- questions -------------------------


@dataclass
class Question:
    """One request: the messages, the per-call response model, and what rules already decided."""

    candidate: Candidate
    messages: Messages
    model: type[BaseModel]
    choices: dict[str, list[str]]
    rules: dict[str, Any]
    context_span: Span | None
    fixed: dict[str, str] = field(default_factory=dict)
    quote_end: int | None = None  # set when a later sentence adds values ("its stake dropping from ...")

    @property
    def needs_model(self) -> bool:
        """False when rules fixed every field: the answer is known without a request."""
        return bool(self.choices)


def choice_model(kind: Kind, choices: dict[str, list[str]]) -> type[BaseModel]:
    """A Pydantic model: the kind's boolean flag, then one ``Literal`` (JSON-schema ``enum``) field per
    entry of ``choices``. Field order is the order of generation."""
    fields: dict[str, Any] = {FLAG[kind]: (bool, ...)}
    for name, options in choices.items():
        fields[name] = (Literal[tuple(options)], ...)  # type: ignore[valid-type]
    model: type[BaseModel] = create_model(f"{kind}Choice", **fields)
    return model


def _options(primary: list[str], extra: list[str], *, with_none: bool = True) -> list[str]:
    out: list[str] = []
    for v in [*primary, *extra]:
        if v not in out and v != NONE:
            out.append(v)
    out = out[:MAX_OPTIONS]
    return [*out, NONE] if with_none else out


_NEGATED_SALE = re.compile(
    r"\b(?:won['’]t|will not|would not|not going to|does not|doesn['’]t)\s+(?:\w+\s+){0,2}sell\b", re.I
)
_ISSUER_BEFORE = re.compile(
    r"\b(?:shares?|stakes?|ADSs?|ADRs?|GDRs?|holdings?|stock|interest|position|equity)\s+(?:of|in)\s+"
    r"(?:the\s+)?$",
    re.I,
)
_ISSUER_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:[\w-]+\s+){0,3}?|\s+)(?:shares|stock|ADSs?|ADRs?|GDRs?|depositary)\b", re.I
)
_REFERS_BACK = re.compile(
    r"(?:^(?:The|the) (?-i:[a-z]+) (?:said|says|added|announced)\b|\b(?:it|the (?-i:[a-z]+)) "
    r"(?:said|says|added|announced)\.?\s*$)",
    re.I,
)
_PERSON_PRONOUN = re.compile(r"^(?:he|she)$", re.I)
_ORG_PRONOUN = re.compile(r"^(?:it|they|company|firm|group|fund|entity|unit|subsidiary)$", re.I)


def article_names(text: str, sentences: list[Span] | None = None) -> ArticleNames:
    """How ``text`` uses each of its names (person, organisation, place, news source)."""
    spans = sentences if sentences is not None else split_sentences(text)
    return classify_names(text, [n.slice(text) for sp in spans for n in name_spans(text, sp)])


def _same_entity(a: str, b: str) -> bool:
    ta, tb = set(a.replace("’", "'").split()), set(b.replace("’", "'").split())
    return bool(ta and tb) and (ta <= tb or tb <= ta)


def _prefer_orgs(options: list[str], an: ArticleNames) -> list[str]:
    """Company options: never places or persons; only the known organisations when there are any."""
    opts = [o for o in options if an.looks_like_company(o)]
    orgs = [o for o in opts if an.is_org(o)]
    return orgs or opts


def seller_by_rule(sentence: str, names: list[Span], an: ArticleNames) -> tuple[str | None, str | None]:
    """(seller, pronoun): the name that is the subject/holder of the sale ("Alibaba's Taobao China" as
    written when a possessive owner precedes it), else the pronoun standing for it ("he", "it")."""
    agent = sale_agent(sentence)
    if agent is None:
        return None, None
    word = sentence[agent[0] : agent[1]]
    low = word.lower()
    if low in ("which", "who"):
        before = [n for n in names if n.end <= agent[0]]
        return (before[-1].slice(sentence), None) if before else (None, None)
    for n in names:
        if n.start <= agent[0] < n.end or (agent[0] <= n.start < agent[1]):
            seller = n
            for owner in names:
                if owner.end <= n.start and re.fullmatch(r"['’]s\s+", sentence[owner.end : n.start]):
                    seller = Span(owner.start, n.end)
            name = n.slice(sentence)
            if an.is_place(name) or name in an.media:
                return None, None
            return seller.slice(sentence), None
        if re.fullmatch(r"\s", sentence[n.end : agent[0]]) and word[:1].isupper():
            # a corporate word the name finder leaves out ("SoftBank Group")
            return sentence[n.start : agent[1]], None
    return None, low


_REPORTED = re.compile(
    r"^\.?(?:\s*\([^()]{0,60}\))?(?:,[^,]{1,80},)?\s+(?:(?:\w+ly|also|had|has|have|then|earlier)\s+)*"
    r"(?:said|says|den(?:y|ies|ied)|confirm(?:s|ed)?|announc(?:es|ed)|disclos(?:es|ed)|told\s+\w+|stated|"
    r"added|insist(?:s|ed)|reiterat(?:es|ed)|indicated)\b[^.;]{0,60}?(?:\bthat)?\s+$",
    re.I,
)


def _reported_subject(sentence: str, names: list[Span], pronoun: str, an: ArticleNames) -> str | None:
    """The name a pronoun seller stands for in reported speech: "Gamma Holdings denied reports that it
    plans to sell ...", "Beta Capital, which holds 5% of Delta, had announced that it would sell ..."."""
    agent = sale_agent(sentence)
    if agent is None or pronoun not in ("it", "he", "she", "they"):
        return None
    for n in names:
        if n.end > agent[0]:
            break
        if _REPORTED.match(sentence[n.end : agent[0]]):
            name = n.slice(sentence)
            person = an.looks_like_person(name) and not an.is_org(name)
            if (pronoun in ("he", "she")) == person and not an.is_place(name) and name not in an.media:
                return name
            return None
    return None


def _named_noun(text: str, spans: list[Span | None], noun: str, an: ArticleNames) -> str | None:
    """The name that a common-noun seller refers to by its last word ("the founder's family trust" ->
    "Gamma Family Trust"), searched in the sale's sentence, then the next, then the previous one."""
    if noun in _PRONOUN_WORDS:
        return None
    for sp in spans:
        if sp is None:
            continue
        for n in name_spans(text, sp):
            name = n.slice(text)
            if " " in name and name.split()[-1].lower() == noun and not an.is_place(name):
                return name
    return None


_PRONOUN_WORDS = frozenset(["it", "he", "she", "they", "which", "who"])


def _appositive_name(sentence: str, names: list[Span], noun: str, an: ArticleNames) -> str | None:
    """The name in the appositive after a common-noun seller: "its largest shareholder, the state fund
    Gamma Capital, plans to sell" -> "Gamma Capital"."""
    if noun in _PRONOUN_WORDS:
        return None
    agent = sale_agent(sentence)
    if agent is None:
        return None
    m = re.match(r",([^,;]{1,80}),", sentence[agent[1] :])
    if m is None:
        return None
    lo, hi = agent[1] + m.start(1), agent[1] + m.end(1)
    inside = [n.slice(sentence) for n in names if lo <= n.start and n.end <= hi]
    inside = [n for n in inside if not an.is_place(n) and n not in an.media]
    return inside[-1] if inside else None


# words describing an issuer between "stake in" and its name: "Hong Kong-listed", "French renewable-power
# developer", "the Shanghai-listed"
_DESCRIPTOR = re.compile(
    r"\b(?:[a-z][\w-]*|(?:[A-Z][\w.]*\s+)*[A-Z][\w.]*-(?:listed|based|traded|owned|backed)|"
    r"[A-Z][a-z]+(?:ish|ese|an|ch|i))\s+$"
)


def _issuer_lead(lead: str) -> bool:
    """True when ``lead`` (the text before a name) ends in "shares/stake of/in", with up to four
    descriptor words between ("stake in Hong Kong-listed", "stake in French power developer")."""
    for _ in range(5):
        if _ISSUER_BEFORE.search(lead[-24:]):
            return True
        m = _DESCRIPTOR.search(lead)
        if m is None:
            return False
        lead = lead[: m.start()]
    return False


def issuer_by_rule(sentence: str, names: list[Span], seller: str | None, an: ArticleNames) -> str | None:
    """The issuer when the wording fixes it: "shares/stake in/of <Name>", "<Name>'s shares/ADSs",
    "<Name> shares"; never the seller, a place or a person."""
    for n in names:
        name = n.slice(sentence)
        if (seller and _same_entity(name, seller)) or not an.looks_like_company(name):
            continue
        if _issuer_lead(sentence[max(0, n.start - 80) : n.start]) or _ISSUER_AFTER.match(
            sentence[n.end : n.end + 40]
        ):
            return name
    return None


def build_question(
    template: PromptTemplate,
    text: str,
    cand: Candidate,
    prev: Span | None,
    anchors: list[Span],
    an: ArticleNames | None = None,
    nxt: Span | None = None,
    subject: str | None = None,
) -> Question | None:
    """Everything about one candidate that needs no model: options, rule-read fields, the messages.
    None when the rules already show that the candidate cannot give an event (no person who looks like
    a person, no company, a sale without an issuer ...)."""
    if an is None:
        an = article_names(text)
    if subject is None:
        subject = subject_company(text, split_sentences(text), an)
    sent = cand.sentence.slice(text)
    local = Span(0, len(sent))
    names = name_spans(sent, local)
    rel_focus = Span(cand.focus.start - cand.sentence.start, cand.focus.end - cand.sentence.start)
    ctx_text = prev.slice(text) if prev else ""
    if is_title_line(ctx_text) and not (is_caps_line(ctx_text) and not is_caps_headline(ctx_text)):
        prev, ctx_text = None, ""  # a headline is no context for the sentence after it
    ctx_names = [n.slice(ctx_text) for n in name_spans(ctx_text, Span(0, len(ctx_text)))] if prev else []
    ctx_names = [c for c in ctx_names if c not in an.common and not INDEX_WORDS.search(c)]
    names = [n for n in names if n.slice(sent) not in an.common]
    rules: dict[str, Any]
    choices: dict[str, list[str]] = {}
    fixed: dict[str, str] = {}
    focus_line = ""
    if cand.kind == "StockMove":
        assert cand.anchor is not None
        anchor = Span(cand.anchor.start - cand.sentence.start, cand.anchor.end - cand.sentence.start)
        rel_anchors = [Span(a.start - cand.sentence.start, a.end - cand.sentence.start) for a in anchors]
        rules = stock_move_rules(sent, anchor, rel_anchors, names)
        market = rules.get("market")
        companies = [
            n.slice(sent)
            for n in names
            if n.slice(sent) != market
            and not _EXCHANGES.fullmatch(n.slice(sent))
            and not INDEX_WORDS.search(n.slice(sent))
        ]
        companies = [c for c in companies if not _TICKER_SHAPE.fullmatch(c)] or companies
        mine = [
            c
            for c in _mover_names(sent, anchor, rel_anchors, names)
            if c in companies and an.looks_like_company(c)
        ]
        # the named subject of the move word ("with Gamma Robotics rising 3.2% and Delta adding 1.8%")
        ctx_orgs = [c for c in ctx_names if an.is_org(c) and not an.is_place(c) and not INDEX_WORDS.search(c)]
        fallback = ctx_orgs or ([subject] if subject else [])
        if (
            not mine
            and _unnamed_mover(sent, anchor, rel_anchors)
            and not any(an.is_org(c) for c in companies)
        ):
            companies = []  # "..., but the stock fell 6.1%": the company met before, not a name nearby
        companies = mine[-1:] if mine else _prefer_orgs(companies, an)
        choices["company"] = _options(companies, [] if companies else fallback)
        focus_line = f"Value in focus: {anchor.slice(sent)}"
    elif cand.kind == "ShareSale":
        rules = share_sale_rules(sent)
        if rules["status"] != "denied" and _NEGATED_SALE.search(sent):
            return None  # "he will not sell." names nothing that is not sold
        sources = {sent[a:b] for a, b in attributions(sent, [(n.start, n.end) for n in names])}
        own = [
            n.slice(sent)
            for n in names
            if not _EXCHANGES.fullmatch(n.slice(sent))
            and not an.is_place(n.slice(sent))
            and n.slice(sent) not in sources
            and n.slice(sent) not in an.media
            and not INDEX_WORDS.search(n.slice(sent))
        ]
        own = [c for c in own if not re.fullmatch(r"[A-Z]{2,5}", c)] or own
        seller, pronoun = seller_by_rule(sent, names, an)
        if seller is None and pronoun is not None:
            seller = (
                _reported_subject(sent, names, pronoun, an)
                or _appositive_name(sent, names, pronoun, an)
                or _named_noun(text, [cand.sentence, nxt, prev], pronoun, an)
            )
        pool = _options(own, ctx_names if len(own) < 2 else [], with_none=False)
        pool = [p for p in pool if not an.is_place(p) and p not in an.media]
        if seller is not None:
            fixed["seller"] = seller
        else:
            sellers = pool
            if pronoun and _PERSON_PRONOUN.match(pronoun):
                sellers = [p for p in pool if an.looks_like_person(p)] or pool
            elif pronoun and _ORG_PRONOUN.match(pronoun):
                sellers = [p for p in pool if an.is_org(p)] or pool
            choices["seller"] = [*sellers, NONE]
        issuer = issuer_by_rule(sent, names, seller, an)
        if issuer is not None:
            fixed["company"] = issuer
        else:
            not_seller = [p for p in pool if not (seller and _same_entity(p, seller))]
            # a company named in the sale's own sentence before any of the previous sentence
            issuers = _prefer_orgs([p for p in not_seller if p in own], an) or [
                p for p in not_seller if an.is_org(p) and not an.is_place(p)
            ]
            if len(issuers) > 1 and subject:
                # several organisations: the article's own company before a broker or peer named in passing
                issuers = [i for i in issuers if i.split()[0] == subject.split()[0]] or issuers
            if not issuers and subject and not (seller and _same_entity(subject, seller)):
                issuers = [subject]  # "sold 40,000 shares of the crane maker": the article's company
            if not issuers:
                return None
            if seller is not None and len(issuers) == 1:
                fixed["company"] = issuers[0]
            else:
                choices["company"] = [*issuers, NONE]
        if "seller" in choices and "company" in fixed:
            choices["seller"] = [o for o in choices["seller"] if not _same_entity(o, fixed["company"])]
            if choices["seller"] == [NONE]:
                return None
    else:
        rules = exec_rules(sent, rel_focus, names)
        if "role" not in rules:
            return None  # only roles held elsewhere or before ("currently treasurer at X"): no event
        if "effective_date" not in rules and _IMMEDIATE.search(rel_focus.slice(sent)):
            # "named X as interim CEO, effective immediately" after "Gamma said Tuesday that ..."
            days = {m.group() for m in _DAY.finditer(ctx_text)}
            if len(days) == 1:
                rules["effective_date"] = days.pop()
        org = company_by_rule(sent, rel_focus, names) or appointer(sent, rel_focus, names, an)
        sources = {sent[a:b] for a, b in attributions(sent, [(n.start, n.end) for n in names])}
        people = [
            p
            for p in person_options(sent, rel_focus, names, rules.get("predecessor"))
            if p != org and p not in sources and an.looks_like_person(p)
        ]
        if re.search(r"\b(?:[Hh]e|[Ss]he)\b", rel_focus.slice(sent)):
            people += [p for p in ctx_names if an.looks_like_person(p) and p != rules.get("predecessor")]
        people = _options(people, [], with_none=False)
        if not people:
            return None
        choices["person"] = [*people, NONE]
        if org is not None:
            choices["company"] = [org]
        else:
            orgs = [
                n.slice(sent)
                for n in names
                if n.slice(sent) not in (*people, rules.get("predecessor")) and n.slice(sent) not in sources
            ]
            orgs = _prefer_orgs([o for o in orgs if not INDEX_WORDS.search(o)], an)
            if subject and any(o.split()[0] == subject.split()[0] for o in orgs):
                orgs = [o for o in orgs if o.split()[0] == subject.split()[0]]
            back = [c for c in ctx_names if c not in people and an.is_org(c) and not an.is_place(c)]
            if not orgs and back and _REFERS_BACK.search(sent):
                orgs = back  # "The insurer said ...", "..., it added.": the company of the sentence before
            if not orgs and subject:
                orgs = [subject]  # "The board named ...": the article's company, not one met in passing
            if not orgs:
                orgs = [c for c in ctx_names if c not in people and an.is_org(c) and not an.is_place(c)]
            if not orgs:
                return None
            choices["company"] = _options(orgs, [])
        if rel_focus != local:
            focus_line = f"Part in focus: {rel_focus.slice(sent)}"
    for name in list(choices):
        real = [o for o in choices[name] if o != NONE]
        if len(real) == 1:
            fixed[name] = real[0]
            del choices[name]
    uses_context = any(o in ctx_names and o not in sent for v in choices.values() for o in v)
    options = "\n".join(f"{k} options: " + ", ".join(f'"{o}"' for o in v) for k, v in choices.items())
    system, user = template.render(
        task=TASKS[cand.kind],
        context=ctx_text if uses_context else "(not needed)",
        sentence=sent,
        focus=focus_line,
        options=options,
    )
    messages: Messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return Question(cand, messages, choice_model(cand.kind, choices), choices, rules, prev, fixed)


_TICKER_SHAPE = re.compile(r"[A-Z]{1,5}(?:\.[A-Z]{1,2})?")
_UNNAMED_SUBJECT = re.compile(
    r"(?:,|\bbut|\band|;)\s+the\s+(?:stock|shares|share price|stock price)\s*"
    r"(?:(?:has|have|had|is|was|were|then|also|later)\s+)*$",
    re.I,
)


def _unnamed_mover(sentence: str, anchor: Span, anchors: list[Span]) -> bool:
    """True when the move's subject is "the stock" / "the shares" after a clause break ("..., but the stock
    fell 6.1%"), naming no company."""
    mw = last_move_word(sentence, anchor.start)
    if mw is None:
        return False
    return bool(_UNNAMED_SUBJECT.search(sentence[max(0, mw.start() - 50) : mw.start()]))


def _mover_names(sentence: str, anchor: Span, anchors: list[Span], names: list[Span]) -> list[str]:
    """Names in the subject of the anchor's move word ("Shares of Gamma jumped", "with Delta rising")."""
    mw = last_move_word(sentence, anchor.start)
    if mw is None:
        return []
    lo = max([0, *(a.end for a in anchors if a.end <= anchor.start)])
    subj = mover_span(sentence, mw, lo)
    if re.search(r"[A-Z][\w.&'’-]*\s+and\s*$", sentence[: subj.start]):
        return []  # "Kappa and Sigma saw their stock fall": two names share the move
    return [n.slice(sentence) for n in names if subj.start <= n.start and n.end <= subj.end]


def subject_company(text: str, sentences: list[Span], an: ArticleNames) -> str | None:
    """The company the article is about: the organisation whose first word the article repeats most
    (ties: the first named), in its fullest written form ("Gamma Robotics Plc" for "Gamma")."""
    names: list[str] = []
    for sp in sentences:
        if not is_title_line(sp.slice(text)):
            names.extend(n.slice(text) for n in name_spans(text, sp))
    orgs = [
        n
        for n in dict.fromkeys(names)
        if an.is_org(n) and not an.is_place(n) and n not in an.media and not INDEX_WORDS.search(n)
    ]
    best: tuple[int, int, str] | None = None
    for i, name in enumerate(orgs):
        key = name.split()[0]
        count = len(re.findall(r"(?<!\w)" + re.escape(key) + r"(?!\w)", text))
        if best is None or (count, -i) > (best[0], best[1]):
            best = (count, -i, key)
    if best is None:
        return None
    forms = [o for o in orgs if o.split()[0] == best[2]]
    return max(forms, key=len)


def max_tokens_for(q: Question) -> int:
    """A tight bound on the answer: JSON punctuation, keys, the longest option per field."""
    total = 12 + len(FLAG[q.candidate.kind]) // 2
    for name, opts in q.choices.items():
        total += 6 + len(name) // 2 + max(len(o) for o in opts) // 2
    return total


_STAKE_CHANGE = re.compile(r"\b(?:stake|holding|owns|holds)\b", re.I)
_SALE_VALUE = re.compile(
    r"\b(?:sale|disposal|divestment|placement|stake|holding|shares|block)\b[^.;]{0,60}?"
    r"\b(?:worth|valued at|raised|fetch(?:ed)?|proceeds of|for)\s+$",
    re.I,
)


def attach_stakes(text: str, sentences: list[Span], qs: list[Question]) -> None:
    """A sentence that states a stake change ("its stake dropping from 10.2 percent to 7.5 percent after
    the sale", "now owns 11.2% of X, down from 13%") or the sale's value ("The disposal was worth about
    $9 million", "the holding, which is valued at ...") but is no sale of its own adds those values to
    the nearest sale question in the two sentences before it, when that sale does not state them; that
    sale's quote then runs through this sentence."""
    sale_sentences = {q.candidate.sentence for q in qs if q.candidate.kind == "ShareSale"}
    for i, sp in enumerate(sentences):
        if sp in sale_sentences:
            continue
        s = sp.slice(text)
        found: dict[str, str] = {}
        if _STAKE_CHANGE.search(s):
            found.update(stakes(s))
        for m in find_money(s):
            if _SALE_VALUE.search(s[max(0, m.start - 90) : m.start]):
                found["value"] = m.text
                break
        if not found:
            continue
        window = {sentences[j] for j in range(max(0, i - 2), i)}
        near = [q for q in qs if q.candidate.kind == "ShareSale" and q.candidate.sentence in window]
        if not near:
            continue
        q = max(near, key=lambda x: x.candidate.sentence.start)
        added = False
        if "stake_before" in found and "stake_after" not in q.rules:
            q.rules["stake_before"], q.rules["stake_after"] = found["stake_before"], found["stake_after"]
            added = True
        if "value" in found and "value" not in q.rules:
            q.rules["value"] = found["value"]
            added = True
        if added:
            q.quote_end = max(q.quote_end or 0, sp.end)


_SUCCESSION = re.compile(
    r"^\s*(?P<who>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s+(?:(?:will|would|is to)\s+)?"
    r"(?:replac(?:es|ed|e|ing)|succeed(?:s|ed)?|takes over from|took over from)\s+",
)


def attach_predecessors(text: str, sentences: list[Span], qs: list[Question]) -> None:
    """ "She replaces Len Fox, who is retiring." right after an appointment that names no predecessor
    gives it that predecessor (the subject must be a pronoun or part of the appointee's name); the
    quote then runs through this sentence."""
    change_sentences = {q.candidate.sentence for q in qs if q.candidate.kind == "ExecutiveChange"}
    for i, sp in enumerate(sentences):
        if sp in change_sentences or i == 0:
            continue
        s = sp.slice(text)
        m = _SUCCESSION.match(s)
        if m is None:
            continue
        names = [n for n in name_spans(s, Span(0, len(s))) if n.start >= m.end()]
        if not names or names[0].start != m.end():
            continue
        window = {sentences[j] for j in range(max(0, i - 2), i)}
        near = [
            q
            for q in qs
            if q.candidate.kind == "ExecutiveChange"
            and q.candidate.sentence in window
            and q.rules.get("change") == "appointed"
            and "predecessor" not in q.rules
        ]
        if not near:
            continue
        q = max(near, key=lambda x: x.candidate.sentence.start)
        who = m.group("who")
        person = q.fixed.get("person") or ""
        if who.lower() not in ("he", "she") and not (person and set(who.split()) & set(person.split())):
            continue
        q.rules["predecessor"] = names[0].slice(s)
        q.quote_end = max(q.quote_end or 0, sp.end)


# ---------------------------------------------------------------- drafts ----------------------------


def _pick(q: Question, answer: BaseModel, name: str) -> str | None:
    if name in q.fixed:
        return q.fixed[name]
    value = getattr(answer, name, None)
    return None if value in (None, NONE) else str(value)


def draft_from_answer(q: Question, answer: BaseModel, text: str) -> AnyDraft | None:
    """The draft for an answer, or None when the model says no or a required role is missing.
    When a chosen value is found only in the previous sentence, the quote spans both sentences."""
    if not getattr(answer, FLAG[q.candidate.kind]):
        return None
    sent = q.candidate.sentence.slice(text)
    r = q.rules
    values: dict[str, str | None] = {}
    if q.candidate.kind == "StockMove":
        values["company"] = _pick(q, answer, "company")
        if values["company"] is None or r.get("direction") is None:
            return None
    elif q.candidate.kind == "ShareSale":
        values["seller"] = _pick(q, answer, "seller")
        values["company"] = _pick(q, answer, "company")
        if values["seller"] is None or values["company"] is None or values["seller"] == values["company"]:
            return None
    else:
        values["person"] = _pick(q, answer, "person")
        values["company"] = _pick(q, answer, "company")
        if values["person"] is None or values["company"] is None or "role" not in r:
            return None
        if values["person"] == r.get("predecessor"):
            return None
    start, end = q.candidate.sentence.start, max(q.candidate.sentence.end, q.quote_end or 0)
    if q.context_span is not None and any(v and v not in sent for v in values.values()):
        start = q.context_span.start
    quote = text[start:end]
    if q.candidate.kind == "StockMove":
        return StockMoveDraft(
            quote=quote,
            company=values["company"] or "",
            direction=r["direction"],
            change_pct=r.get("change_pct"),
            price=r.get("price"),
            ticker=r.get("ticker"),
            market=r.get("market"),
            period=r.get("period"),
            date=r.get("date"),
        )
    if q.candidate.kind == "ShareSale":
        return ShareSaleDraft(
            quote=quote,
            seller=values["seller"] or "",
            company=values["company"] or "",
            shares=r.get("shares"),
            value=r.get("value"),
            price_per_share=r.get("price_per_share"),
            stake_before=r.get("stake_before"),
            stake_after=r.get("stake_after"),
            status=r["status"],
            date=r.get("date"),
        )
    return ExecutiveChangeDraft(
        quote=quote,
        company=values["company"] or "",
        person=values["person"] or "",
        role=r["role"],
        change=r["change"],
        predecessor=r.get("predecessor"),
        interim=bool(r.get("interim")),
        effective_date=r.get("effective_date"),
    )


# ---------------------------------------------------------------- strategy --------------------------

_ORDER: dict[Kind, int] = {"StockMove": 0, "ShareSale": 1, "ExecutiveChange": 2}


class SentenceChoices:
    """The Strategy: see the module docstring. ``prompt_version`` pins the template (default: highest)."""

    name = "sentence_choices"

    def __init__(self, prompt_number: int | None = None, *, confirm_decided: bool = False) -> None:
        self._template = load_prompt("sentence_choices", prompt_number)
        #: Ask the model's yes/no even when rules fixed every field (one short request per such
        #: candidate); off by default: rules that fix every field already require the event's structure.
        self.confirm_decided = confirm_decided

    @property
    def prompt_version(self) -> str:
        return self._template.version

    def cache_schema(self) -> dict[str, object]:
        """The shape of every per-call schema (options are drawn per sentence, so enums show as examples)."""
        examples: dict[Kind, dict[str, list[str]]] = {
            "StockMove": {"company": ["<name in sentence>", NONE]},
            "ShareSale": {"seller": ["<name in sentence>", NONE], "company": ["<name in sentence>", NONE]},
            "ExecutiveChange": {
                "person": ["<name in sentence>", NONE],
                "company": ["<name in sentence>", NONE],
            },
        }
        return {kind: choice_model(kind, ch).model_json_schema() for kind, ch in examples.items()}

    def questions(self, text: str, published: dt.date | None = None) -> list[Question]:
        """All questions for an article, grouped by kind (shared prompt prefix), then in text order. With
        ``published``, a change dated two or more years before it ("became president in 2019") is the
        person's history, not news: no question."""
        sentences = split_sentences(text)
        cands = find_candidates(text, sentences)
        prev_of = {sp: (sentences[i - 1] if i else None) for i, sp in enumerate(sentences)}
        next_of = {
            sp: (sentences[i + 1] if i + 1 < len(sentences) else None) for i, sp in enumerate(sentences)
        }
        anchors: dict[Span, list[Span]] = {}
        for c in cands:
            if c.anchor is not None:
                anchors.setdefault(c.sentence, []).append(c.anchor)
        an = article_names(text, sentences)
        subject = subject_company(text, sentences, an)
        built = [
            build_question(
                self._template,
                text,
                c,
                prev_of.get(c.sentence),
                anchors.get(c.sentence, []),
                an,
                next_of.get(c.sentence),
                subject,
            )
            for c in cands
        ]
        # history ("stepped down in 2019") is filtered after grounding, on every strategy, and recorded
        qs = [q for q in built if q is not None]
        attach_stakes(text, sentences, qs)
        attach_predecessors(text, sentences, qs)
        qs.sort(key=lambda q: (_ORDER[q.candidate.kind], q.candidate.focus.start))
        return qs

    def _answer_by_rule(self, q: Question) -> ModelReply[BaseModel]:
        return ModelReply(parsed=q.model.model_validate({FLAG[q.candidate.kind]: True}), requests=0)

    @staticmethod
    def _collect(
        text: str, pairs: list[tuple[Question, ModelReply[BaseModel] | ExtractionError]]
    ) -> StrategyResult:
        result = StrategyResult(draft=ArticleDraft())
        usage = Usage()
        for q, reply in pairs:
            if isinstance(reply, ExtractionError):
                usage = usage + reply.usage
                result.requests += reply.attempts
                c = q.candidate.sentence
                result.chunk_failures.append(
                    ChunkFailure(start=c.start, end=c.end, error=f"{type(reply).__name__}: {reply}")
                )
                continue
            usage = usage + reply.usage
            result.requests += reply.requests
            result.reasks += reply.reasks
            draft = draft_from_answer(q, reply.parsed, text)
            if isinstance(draft, StockMoveDraft):
                result.draft.stock_moves.append(draft)
            elif isinstance(draft, ShareSaleDraft):
                result.draft.share_sales.append(draft)
            elif isinstance(draft, ExecutiveChangeDraft):
                result.draft.executive_changes.append(draft)
        result.usage = usage
        return result

    def run(self, backend: Backend, item: StrategyInput) -> StrategyResult:
        """Ask every question in turn. Time: about one small request per candidate sentence."""
        pairs: list[tuple[Question, ModelReply[BaseModel] | ExtractionError]] = []
        for q in self.questions(item.text, item.published):
            if not (q.needs_model or self.confirm_decided):
                pairs.append((q, self._answer_by_rule(q)))
                continue
            try:
                reply = backend.structured(
                    q.messages, q.model, max_retries=item.max_retries, max_tokens=max_tokens_for(q)
                )
            except ExtractionError as exc:
                pairs.append((q, exc))
                continue
            pairs.append((q, reply))
        return self._collect(item.text, pairs)

    async def arun(self, backend: Backend, item: StrategyInput, *, concurrency: int = 8) -> StrategyResult:
        """The same, with up to ``concurrency`` requests in flight (the embedded backend still serialises)."""
        sem = asyncio.Semaphore(concurrency)

        async def ask(q: Question) -> tuple[Question, ModelReply[BaseModel] | ExtractionError]:
            if not (q.needs_model or self.confirm_decided):
                return q, self._answer_by_rule(q)
            async with sem:
                try:
                    return q, await backend.astructured(
                        q.messages, q.model, max_retries=item.max_retries, max_tokens=max_tokens_for(q)
                    )
                except ExtractionError as exc:
                    return q, exc

        pairs = await asyncio.gather(*(ask(q) for q in self.questions(item.text, item.published)))
        return self._collect(item.text, list(pairs))
