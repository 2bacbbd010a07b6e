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

Where things are: the field rules of each kind and :func:`build_question` are here; who may fill a
field is in ``strategies.sentence_options``; the :class:`Question`, its per-call model and the draft
from an answer are in ``strategies.sentence_questions``; what the rules know of the whole article
(sentences, names, subject company) is an ``ArticleContext`` (``text.article``), built once per article,
so the cost per candidate does not grow with the article.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from newsextract.backends.base import Backend, Messages, ModelReply
from newsextract.core.drafts import (
    ArticleDraft,
    ExecutiveChangeDraft,
    ShareSaleDraft,
    StockMoveDraft,
)
from newsextract.core.schemas import ChunkFailure, Usage
from newsextract.errors import ExtractionError
from newsextract.lexicon.changes import DEPART_CUES
from newsextract.lexicon.markets import EXCHANGE_NAMES
from newsextract.lexicon.months import MONTH_ABBREVIATIONS, MONTH_NAMES
from newsextract.lexicon.moves import FLAT_WORDS, UP_WORDS
from newsextract.lexicon.sales import SELL_STEMS
from newsextract.lexicon.weekdays import WEEKDAY_PATTERN
from newsextract.normalize.modality import sale_status as modality_status
from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_counts, find_percents
from newsextract.prompts import PromptTemplate, load_prompt
from newsextract.strategies.base import StrategyInput, StrategyResult
from newsextract.strategies.sentence_options import (
    NEGATED_SALE,
    ORG_PRONOUN,
    PERSON_PRONOUN,
    REFERS_BACK,
    TICKER_SHAPE,
    appointer,
    appositive_name,
    company_by_rule,
    current_roles,
    issuer_by_rule,
    mover_names,
    named_noun,
    person_options,
    prefer_orgs,
    reported_subject,
    same_entity,
    seller_by_rule,
    unnamed_mover,
)
from newsextract.strategies.sentence_questions import (
    FLAG,
    MAX_OPTIONS,
    NONE,
    TASKS,
    Question,
    choice_model,
    distinct_options,
    draft_from_answer,
    max_tokens_for,
)
from newsextract.text.article import ArticleContext
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
    move_word_before,
    name_spans,
)
from newsextract.text.names import ArticleNames, attributions, is_place
from newsextract.text.sentences import split_sentences
from newsextract.text.spans import Span

__all__ = [
    "FLAG",
    "MAX_OPTIONS",
    "NONE",
    "TASKS",
    "Question",
    "SentenceChoices",
    "appointer",
    "attach_predecessors",
    "attach_stakes",
    "build_question",
    "choice_model",
    "company_by_rule",
    "current_roles",
    "draft_from_answer",
    "event_date",
    "exec_rules",
    "issuer_by_rule",
    "max_tokens_for",
    "person_options",
    "sale_status",
    "seller_by_rule",
    "share_sale_rules",
    "stakes",
    "stock_move_rules",
]

# ---------------------------------------------------------------- rules -----------------------------

_UP = re.compile(
    r"^(?:" + UP_WORDS + r"|higher|up|add|record high|all-time high|[\w-]+ high|"
    r"edg\w* (?:up|higher)|(?:closed|ended|finished|traded|opened) (?:up|higher))",
    re.IGNORECASE,
)
_FLAT = re.compile(
    r"^(?:" + FLAT_WORDS + r"|flat|(?:closed|ended|finished|traded|opened) flat)", re.IGNORECASE
)
_WEEKDAY = r"(?:" + WEEKDAY_PATTERN + ")"
# a month written out or abbreviated with its period ("Sept."): "May" alone is the month, "Mar" is not
_MONTH = (
    r"(?:"
    + "|".join(m.capitalize() for m in MONTH_NAMES)
    + "|"
    + "|".join(re.escape(a.capitalize() + ".") for a in sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
    + ")"
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
_EXCHANGES = re.compile(r"\b(?:" + "|".join(EXCHANGE_NAMES) + r")\b(?!\s+(?:Composite|Index|index|\d))")
# "on the Toronto Stock Exchange", "on the secondary KOSDAQ market"
_ON_EXCHANGE = re.compile(
    r"\bon the (?:[a-z-]+ )?((?:[A-Z][\w&.-]*\s+)*(?:Stock Exchange|Exchange|Bourse)|[A-Z][A-Za-z]{2,})"
    r"(?=\s+(?:market|exchange|bourse|board)\b|(?<=Exchange)|(?<=Bourse))"
)
# the end of a move's own clause: "rose 6.3% to 148,500 won after it said it would build a plant in X"
_CLAUSE_END = re.compile(
    r"\b(?:after|as|because|since|when|while|whereas|amid|following|before|despite)\b|[;]"
)
_DEPART = re.compile(r"\b(?:" + DEPART_CUES + r")\b", re.I)
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
    last = move_word_before(sentence, anchor_start)
    if last is None:
        return None
    w = last.group()
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
    sale = re.search(r"\b(?:" + SELL_STEMS + ")", sentence, re.I)
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


@dataclass(frozen=True)
class _Reading:
    """One candidate as the rules read it: its sentence (offsets within it) and names, the sentence
    before it (``prev`` None after a headline) and after it, and what the article says as a whole."""

    cand: Candidate
    text: str
    sent: str
    names: list[Span]
    rel_focus: Span
    prev: Span | None
    nxt: Span | None
    ctx_text: str
    ctx_names: list[str]
    an: ArticleNames
    subject: str | None
    anchors: list[Span]


@dataclass
class _Fields:
    """What the rules of one kind made of a candidate: fields they read, options left to the model,
    fields they fixed, and the line that points the model at the part in focus."""

    rules: dict[str, Any]
    choices: dict[str, list[str]]
    fixed: dict[str, str]
    focus_line: str


def _reading(ctx: ArticleContext, cand: Candidate, anchors: list[Span]) -> _Reading:
    text, an = ctx.text, ctx.names
    prev, nxt = ctx.previous(cand.sentence), ctx.following(cand.sentence)
    sent = cand.sentence.slice(text)
    names = ctx.local_names(cand.sentence)
    rel_focus = Span(cand.focus.start - cand.sentence.start, cand.focus.end - cand.sentence.start)
    ctx_text = prev.slice(text) if prev else ""
    if is_title_line(ctx_text) and not (is_caps_line(ctx_text) and not is_caps_headline(ctx_text)):
        prev, ctx_text = None, ""  # a headline is no context for the sentence after it
    ctx_names = [n.slice(ctx_text) for n in ctx.local_names(prev)] if prev else []
    ctx_names = [c for c in ctx_names if c not in an.common and not INDEX_WORDS.search(c)]
    names = [n for n in names if n.slice(sent) not in an.common]
    return _Reading(
        cand, text, sent, names, rel_focus, prev, nxt, ctx_text, ctx_names, an, ctx.subject, anchors
    )


def _move_fields(r: _Reading) -> _Fields | None:
    """A stock move: the company whose shares moved, from the mover of the value in focus."""
    sent, names, an, subject, ctx_names, cand, anchors = (
        r.sent,
        r.names,
        r.an,
        r.subject,
        r.ctx_names,
        r.cand,
        r.anchors,
    )
    choices: dict[str, list[str]] = {}
    fixed: dict[str, str] = {}
    focus_line = ""
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
    companies = [c for c in companies if not TICKER_SHAPE.fullmatch(c)] or companies
    mine = [
        c
        for c in mover_names(sent, anchor, rel_anchors, names)
        if c in companies and an.looks_like_company(c)
    ]
    # the named subject of the move word ("with Gamma Robotics rising 3.2% and Delta adding 1.8%")
    ctx_orgs = [c for c in ctx_names if an.is_org(c) and not an.is_place(c) and not INDEX_WORDS.search(c)]
    fallback = ctx_orgs or ([subject] if subject else [])
    if not mine and unnamed_mover(sent, anchor, rel_anchors) and not any(an.is_org(c) for c in companies):
        companies = []  # "..., but the stock fell 6.1%": the company met before, not a name nearby
    companies = mine[-1:] if mine else prefer_orgs(companies, an)
    choices["company"] = distinct_options(companies, [] if companies else fallback)
    focus_line = f"Value in focus: {anchor.slice(sent)}"
    return _Fields(rules, choices, fixed, focus_line)


def _sale_fields(r: _Reading) -> _Fields | None:
    """A share sale: the seller (subject or holder of the sale) and the issuer; None when the sentence
    cannot give one."""
    text, sent, names, an, subject, ctx_names, cand = (
        r.text,
        r.sent,
        r.names,
        r.an,
        r.subject,
        r.ctx_names,
        r.cand,
    )
    prev, nxt = r.prev, r.nxt
    choices: dict[str, list[str]] = {}
    fixed: dict[str, str] = {}
    focus_line = ""
    rules = share_sale_rules(sent)
    if rules["status"] != "denied" and NEGATED_SALE.search(sent):
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
            reported_subject(sent, names, pronoun, an)
            or appositive_name(sent, names, pronoun, an)
            or named_noun(text, [cand.sentence, nxt, prev], pronoun, an)
        )
    pool = distinct_options(own, ctx_names if len(own) < 2 else [], with_none=False)
    pool = [p for p in pool if not an.is_place(p) and p not in an.media]
    if seller is not None:
        fixed["seller"] = seller
    else:
        sellers = pool
        if pronoun and PERSON_PRONOUN.match(pronoun):
            sellers = [p for p in pool if an.looks_like_person(p)] or pool
        elif pronoun and ORG_PRONOUN.match(pronoun):
            sellers = [p for p in pool if an.is_org(p)] or pool
        choices["seller"] = [*sellers, NONE]
    issuer = issuer_by_rule(sent, names, seller, an)
    if issuer is not None:
        fixed["company"] = issuer
    else:
        not_seller = [p for p in pool if not (seller and same_entity(p, seller))]
        # a company named in the sale's own sentence before any of the previous sentence
        issuers = prefer_orgs([p for p in not_seller if p in own], an) or [
            p for p in not_seller if an.is_org(p) and not an.is_place(p)
        ]
        if len(issuers) > 1 and subject:
            # several organisations: the article's own company before a broker or peer named in passing
            issuers = [i for i in issuers if i.split()[0] == subject.split()[0]] or issuers
        if not issuers and subject and not (seller and same_entity(subject, seller)):
            issuers = [subject]  # "sold 40,000 shares of the crane maker": the article's company
        if not issuers:
            return None
        if seller is not None and len(issuers) == 1:
            fixed["company"] = issuers[0]
        else:
            choices["company"] = [*issuers, NONE]
    if "seller" in choices and "company" in fixed:
        choices["seller"] = [o for o in choices["seller"] if not same_entity(o, fixed["company"])]
        if choices["seller"] == [NONE]:
            return None
    return _Fields(rules, choices, fixed, focus_line)


def _change_fields(r: _Reading) -> _Fields | None:
    """An executive change: the person and the company of the role; None when nobody can take or leave it."""
    sent, names, an, subject, ctx_names, ctx_text = r.sent, r.names, r.an, r.subject, r.ctx_names, r.ctx_text
    rel_focus, local = r.rel_focus, Span(0, len(r.sent))
    choices: dict[str, list[str]] = {}
    fixed: dict[str, str] = {}
    focus_line = ""
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
    people = distinct_options(people, [], with_none=False)
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
        orgs = prefer_orgs([o for o in orgs if not INDEX_WORDS.search(o)], an)
        if subject and any(o.split()[0] == subject.split()[0] for o in orgs):
            orgs = [o for o in orgs if o.split()[0] == subject.split()[0]]
        back = [c for c in ctx_names if c not in people and an.is_org(c) and not an.is_place(c)]
        if not orgs and back and REFERS_BACK.search(sent):
            orgs = back  # "The insurer said ...", "..., it added.": the company of the sentence before
        if not orgs and subject:
            orgs = [subject]  # "The board named ...": the article's company, not one met in passing
        if not orgs:
            orgs = [c for c in ctx_names if c not in people and an.is_org(c) and not an.is_place(c)]
        if not orgs:
            return None
        choices["company"] = distinct_options(orgs, [])
    if rel_focus != local:
        focus_line = f"Part in focus: {rel_focus.slice(sent)}"
    return _Fields(rules, choices, fixed, focus_line)


_FIELDS = {"StockMove": _move_fields, "ShareSale": _sale_fields, "ExecutiveChange": _change_fields}


def build_question(
    template: PromptTemplate, ctx: ArticleContext, cand: Candidate, anchors: list[Span]
) -> Question | None:
    """Everything about one candidate that needs no model: options, rule-read fields, the messages.
    None when the rules already show that the candidate cannot give an event (no person who looks like
    a person, no company, a sale without an issuer ...). Reads the sentence and its neighbours; what
    concerns the whole article comes from ``ctx``, so the cost does not grow with the article."""
    r = _reading(ctx, cand, anchors)
    found = _FIELDS[cand.kind](r)
    if found is None:
        return None
    rules, choices, fixed = found.rules, found.choices, found.fixed
    sent, ctx_names, ctx_text, prev = r.sent, r.ctx_names, r.ctx_text, r.prev
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
        focus=found.focus_line,
        options=options,
    )
    messages: Messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return Question(cand, messages, choice_model(cand.kind, choices), choices, rules, prev, fixed)


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
        """All questions for an article, grouped by kind (shared prompt prefix), then in text order.
        ``published`` is accepted for callers; history ("became president in 2019") is filtered after
        grounding by ``pipeline.filters``, the same on every strategy, and recorded in ``meta.dropped``."""
        sentences = split_sentences(text)
        cands = find_candidates(text, sentences)
        anchors: dict[Span, list[Span]] = {}
        for c in cands:
            if c.anchor is not None:
                anchors.setdefault(c.sentence, []).append(c.anchor)
        ctx = ArticleContext.of(text, sentences)
        built = [build_question(self._template, ctx, c, anchors.get(c.sentence, [])) for c in cands]
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
