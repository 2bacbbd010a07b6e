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
from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_counts, find_percents
from newsextract.prompts import PromptTemplate, load_prompt
from newsextract.strategies.base import StrategyInput, StrategyResult
from newsextract.text.candidates import (
    CHANGE_WORDS,
    MOVE_WORDS,
    Candidate,
    Kind,
    find_candidates,
    name_spans,
    role_spans,
    sale_agent,
)
from newsextract.text.names import ArticleNames, attributions, classify_names
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
    r"^(?:r[io]se|rising|jump|surg|soar|climb|gain|rall|advanc|spik|rebound|skyrocket|higher|up|"
    r"record high|all-time high|edg\w* (?:up|higher)|(?:closed|ended|finished|traded|opened) (?:up|higher))",
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
    rf"|(?:on |this |last |next )?{_WEEKDAY}|(?:in )?{_MONTH}(?: \d{{4}})?|today|yesterday|tomorrow|overnight"
    rf"|(?:last|this|next) (?:week|month|year))\b"
)
_PERIOD = re.compile(
    rf"\b(?:so far this (?:year|month|week|quarter)|year[- ]to[- ]date|since the start of the year"
    rf"|in (?:early|late|morning|afternoon|midday|after-hours|pre-market|premarket|extended) trading"
    rf"|(?:on |this |last )?{_WEEKDAY}|overnight|today|yesterday|(?:last|this) (?:week|month|year)"
    rf"|(?:in )?{_MONTH})\b"
)
_WEAK_PERIOD = re.compile(r"\b(?:at press time|by the close(?: of trading)?|intraday|at the close)\b")
_EXCHANGES = re.compile(r"\b(?:NYSE|Nasdaq|NASDAQ|HKEX|LSE|SSE|SZSE|TSE|ASX|TSX|Euronext|Xetra)\b")
_STATUS: list[tuple[str, re.Pattern[str]]] = [
    (
        "postponed",
        re.compile(r"\b(?:postpon\w*|delay\w*|put off|shelv\w*|suspend\w*|hold(?:s|ing)? off)\b", re.I),
    ),
    (
        "cancelled",
        re.compile(r"\b(?:cancel\w*|scrap\w*|abandon\w*|call(?:ed|s)? off|withdr[ae]w\w*)\b", re.I),
    ),
    (
        "denied",
        re.compile(
            r"\b(?:won['’]t|will not|would not|not going to|no (?:plans?|intention)|den(?:y|ies|ied)|"
            r"rul(?:e|es|ed) out)\b[^.]{0,40}\b(?:sell\w*|sale)\s+(?:of\s+)?"
            r"(?:it|them|any|all|his|her|its|their|the|a|an|shares|stock|stakes?|holdings?|\d)",
            re.I,
        ),
    ),
    (
        "rumored",
        re.compile(
            r"\b(?:reportedly|rumou?r\w*|said to be|people familiar|considering|weighing|mulling|"
            r"exploring|speculat\w*)\b",
            re.I,
        ),
    ),
    (
        "planned",
        re.compile(
            r"\b(?:plan\w*|intend\w*|filed to|look(?:s|ing) to|seek(?:s|ing) to|will sell|to sell|"
            r"propos\w*|expect\w* to sell|aims? to)\b",
            re.I,
        ),
    ),
    ("completed", re.compile(r"\b(?:sold|has sold|completed|offloaded|divested|disposed|unloaded)\b", re.I)),
]
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


def _direction(sentence: str, anchor_start: int) -> Literal["up", "down", "flat"] | None:
    """The direction of the last move word before the anchor (offsets within ``sentence``)."""
    words = list(MOVE_WORDS.finditer(sentence, 0, anchor_start))
    if not words:
        return None
    w = words[-1].group()
    if _FLAT.match(w):
        return "flat"
    return "up" if _UP.match(w) else "down"


def _first(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> Span | None:
    m = pattern.search(text, lo, hi)
    return Span(m.start(), m.end()) if m else None


def _market(sentence: str, names: list[Span], lo: int, hi: int, anchor: int) -> str | None:
    """An exchange or city: "in <Name>" after the anchor within its clause, "<Name>-traded/-listed" or an
    exchange acronym anywhere before it."""
    for n in names:
        if lo <= n.start < hi and re.search(r"\bin (?:the )?$", sentence[max(0, n.start - 8) : n.start]):
            return n.slice(sentence)
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


def stock_move_rules(sentence: str, anchor: Span, anchors: list[Span], names: list[Span]) -> dict[str, Any]:
    """Fields of a stock move read by rules; offsets are within ``sentence``."""
    later = [a.start for a in anchors if a.start > anchor.start]
    earlier = [a.end for a in anchors if a.end <= anchor.start]
    lo, hi = anchor.end, (later[0] if later else len(sentence))
    out: dict[str, Any] = {"direction": _direction(sentence, anchor.start)}
    anchor_text = anchor.slice(sentence)
    if find_percents(anchor_text):
        out["change_pct"] = anchor_text
        for m in find_money(sentence[anchor.end : hi]):
            gap = sentence[anchor.end : anchor.end + m.start]
            if re.fullmatch(r"\s*(?:to|at)\s+(?:a [\w ]{0,20}(?:of )?)?", gap):
                out["price"] = m.text
            break
    else:
        out["price"] = anchor_text
    out["market"] = _market(sentence, names, lo, hi, anchor.start)
    period = _first(_PERIOD, sentence, lo, hi)
    if period is None and not earlier:
        period = _first(_PERIOD, sentence, 0, anchor.start)
    if period is None:
        period = _first(_WEAK_PERIOD, sentence, lo, hi)
    if period is not None:
        out["period"] = period.slice(sentence)
        if re.search(rf"{_WEEKDAY}|{_MONTH}|today|yesterday|overnight", out["period"]):
            out["date"] = out["period"]
    return out


def sale_status(sentence: str) -> str:
    """Sale status from modality words, first match in order: postponed, cancelled, denied, rumored,
    planned, completed; else unknown."""
    for status, pattern in _STATUS:
        if pattern.search(sentence):
            return status
    return "unknown"


def share_sale_rules(sentence: str) -> dict[str, Any]:
    """Counts, value, price per share, stakes, status and date of a sale sentence, as written."""
    out: dict[str, Any] = {"status": sale_status(sentence)}
    counts = find_counts(sentence)
    if counts:
        out["shares"] = counts[0].text
    for m in find_money(sentence):
        after = sentence[m.end : m.end + 14]
        before = sentence[max(0, m.start - 24) : m.start]
        if re.match(r"\s*(?:per|a|each) (?:share|ADS)", after) or re.search(r"\bat\s*$", before):
            out.setdefault("price_per_share", m.text)
        elif re.search(r"\b(?:worth|valued?|total|for|raising|proceeds)\b[\w ]{0,12}$", before):
            out.setdefault("value", m.text)
    pct = find_percents(sentence)
    for a, b in itertools.pairwise(pct):
        if re.fullmatch(r"\s+to\s+", sentence[a.end : b.start]) and re.search(
            r"from\s+$", sentence[: a.start]
        ):
            out["stake_before"], out["stake_after"] = a.text, b.text
    sale = re.search(r"\b(?:sell|sale|sold|offload|divest|dispos)", sentence, re.I)
    if sale:
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
    roles = role_spans(sentence, focus) or role_spans(sentence, Span(0, len(sentence)))
    verb = CHANGE_WORDS.search(sentence, focus.start, focus.end)
    if roles:
        # the role the change word governs: the first after it ("joined X as a director"), else the first
        after = [r for r in roles if verb is not None and r.start >= verb.end()]
        role = after[0] if after and verb is not None and after[0].start - verb.end() < 60 else roles[0]
        out["role"] = role.slice(sentence)
        out["interim"] = bool(_INTERIM.search(out["role"]))
    d = event_date(clause, clip=False)
    if d and re.match(r"(?:on|from|effective|since)\b", d):
        out["effective_date"] = d
    return out


_NOT_PERSON_AFTER = re.compile(
    r"^(?:['’]s\b|\s+(?:executive|official|candidate|director|board|shares|stock|announcement|"
    r"spokes\w+|said|says|announced|sources?|filing|group|unit|division)\b)",
    re.I,
)
_SUBJECT_SAID = re.compile(r"^\s+(?:said|says|announced|disclosed|confirmed)\b")


def person_options(sentence: str, focus: Span, names: list[Span], predecessor: str | None) -> list[str]:
    """Names in the focus that can be the person: not the predecessor, not a name used as a modifier
    ("Alibaba executive", "Xpeng said", "Alibaba's"); the name nearest before the first change word first."""
    cands = [
        n
        for n in names
        if focus.start <= n.start < focus.end
        and n.slice(sentence) != predecessor
        and not _NOT_PERSON_AFTER.match(sentence[n.end : n.end + 14])
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
    roles = role_spans(sentence, focus)
    for role in roles:
        for n in names:
            gap = sentence[role.end : n.start]
            if n.start >= role.end and re.fullmatch(r"\s+(?:of|at)\s+(?:the\s+)?", gap):
                return n.slice(sentence)
            lead = sentence[n.end : role.start]
            if n.end <= role.start and re.fullmatch(r"['’]s\s+(?:role of\s+|new\s+)?", lead):
                return n.slice(sentence)
        if re.search(r"\bits\s+$", sentence[max(0, role.start - 6) : role.start]):
            for n in names:
                if _SUBJECT_SAID.match(sentence[n.end : n.end + 14]):
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


def issuer_by_rule(sentence: str, names: list[Span], seller: str | None, an: ArticleNames) -> str | None:
    """The issuer when the wording fixes it: "shares/stake in/of <Name>", "<Name>'s shares/ADSs",
    "<Name> shares"; never the seller, a place or a person."""
    for n in names:
        name = n.slice(sentence)
        if (seller and _same_entity(name, seller)) or not an.looks_like_company(name):
            continue
        if _ISSUER_BEFORE.search(sentence[max(0, n.start - 24) : n.start]) or _ISSUER_AFTER.match(
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
) -> Question | None:
    """Everything about one candidate that needs no model: options, rule-read fields, the messages.
    None when the rules already show that the candidate cannot give an event (no person who looks like
    a person, no company, a sale without an issuer ...)."""
    if an is None:
        an = article_names(text)
    sent = cand.sentence.slice(text)
    local = Span(0, len(sent))
    names = name_spans(sent, local)
    rel_focus = Span(cand.focus.start - cand.sentence.start, cand.focus.end - cand.sentence.start)
    ctx_text = prev.slice(text) if prev else ""
    ctx_names = [n.slice(ctx_text) for n in name_spans(ctx_text, Span(0, len(ctx_text)))] if prev else []
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
            if n.slice(sent) != market and not _EXCHANGES.fullmatch(n.slice(sent))
        ]
        companies = [c for c in companies if not re.fullmatch(r"[A-Z]{1,5}", c)] or companies
        companies = _prefer_orgs(companies, an)
        choices["company"] = _options(companies, [] if companies else _prefer_orgs(ctx_names, an))
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
        ]
        own = [c for c in own if not re.fullmatch(r"[A-Z]{2,5}", c)] or own
        seller, pronoun = seller_by_rule(sent, names, an)
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
            issuers = _prefer_orgs([p for p in pool if not (seller and _same_entity(p, seller))], an)
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
            orgs = _prefer_orgs(orgs, an)
            if not orgs:
                orgs = _prefer_orgs([c for c in ctx_names if c not in people], an)
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


def max_tokens_for(q: Question) -> int:
    """A tight bound on the answer: JSON punctuation, keys, the longest option per field."""
    total = 12 + len(FLAG[q.candidate.kind]) // 2
    for name, opts in q.choices.items():
        total += 6 + len(name) // 2 + max(len(o) for o in opts) // 2
    return total


_STAKE_CHANGE = re.compile(r"\bstake\b", re.I)


def attach_stakes(text: str, sentences: list[Span], qs: list[Question]) -> None:
    """A sentence that states a stake change ("its stake dropping from 10.2 percent to 7.5 percent after
    the sale") but is no sale of its own adds ``stake_before``/``stake_after`` to the nearest sale
    question in the two sentences before it; that sale's quote then runs through this sentence."""
    sale_sentences = {q.candidate.sentence for q in qs if q.candidate.kind == "ShareSale"}
    for i, sp in enumerate(sentences):
        if sp in sale_sentences:
            continue
        s = sp.slice(text)
        if not _STAKE_CHANGE.search(s):
            continue
        stake = share_sale_rules(s)
        if "stake_before" not in stake:
            continue
        window = {sentences[j] for j in range(max(0, i - 2), i)}
        near = [q for q in qs if q.candidate.kind == "ShareSale" and q.candidate.sentence in window]
        if not near:
            continue
        q = max(near, key=lambda x: x.candidate.sentence.start)
        if "stake_before" not in q.rules:
            q.rules["stake_before"], q.rules["stake_after"] = stake["stake_before"], stake["stake_after"]
            q.quote_end = sp.end


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

    def questions(self, text: str) -> list[Question]:
        """All questions for an article, grouped by kind (shared prompt prefix), then in text order."""
        sentences = split_sentences(text)
        cands = find_candidates(text, sentences)
        prev_of = {sp: (sentences[i - 1] if i else None) for i, sp in enumerate(sentences)}
        anchors: dict[Span, list[Span]] = {}
        for c in cands:
            if c.anchor is not None:
                anchors.setdefault(c.sentence, []).append(c.anchor)
        an = article_names(text, sentences)
        built = [
            build_question(self._template, text, c, prev_of.get(c.sentence), anchors.get(c.sentence, []), an)
            for c in cands
        ]
        qs = [q for q in built if q is not None]
        attach_stakes(text, sentences, qs)
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
        for q in self.questions(item.text):
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

        pairs = await asyncio.gather(*(ask(q) for q in self.questions(item.text)))
        return self._collect(item.text, list(pairs))
