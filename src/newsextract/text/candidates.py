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
from dataclasses import dataclass
from typing import Literal

from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_percents
from newsextract.text.sentences import SENTENCE_OPENERS, split_sentences
from newsextract.text.spans import Span

Kind = Literal["ShareSale", "ExecutiveChange", "StockMove"]

__all__ = [
    "Candidate",
    "Kind",
    "find_candidates",
    "move_anchors",
    "name_spans",
    "role_spans",
    "sale_agent",
]


@dataclass(frozen=True)
class Candidate:
    """A sentence that may state one event of ``kind``; ``focus`` is the clause it is read from and
    ``anchor`` the value that makes it one event (a percentage or price for stock moves), if any."""

    kind: Kind
    sentence: Span
    focus: Span
    anchor: Span | None = None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


STOCK_WORDS = _rx(
    r"\b(?:shares?|stocks?|ADSs?|ADRs?|GDRs?|share[- ]price|stock[- ]price|equity|"
    r"depositary (?:shares|receipts))\b"
)
MOVE_WORDS = _rx(
    r"\b(?:r[io]se[ns]?|rising|jump(?:s|ed|ing)?|surg(?:e|es|ed|ing)|soar(?:s|ed|ing)?|climb(?:s|ed|ing)?|"
    r"gain(?:s|ed|ing)?|rall(?:y|ies|ied|ying)|advanc(?:e|es|ed|ing)|spik(?:e|es|ed|ing)|"
    r"rebound(?:s|ed|ing)?|skyrocket(?:s|ed|ing)?|"
    r"f[ae]ll(?:s|en|ing)?|drop(?:s|ped|ping)?|slid(?:e|es|ing)?|slump(?:s|ed|ing)?|plung(?:e|es|ed|ing)|"
    r"tumbl(?:e|es|ed|ing)|declin(?:e|es|ed|ing)|s[ai]nk(?:s|ing)?|sank|dip(?:s|ped|ping)?|"
    r"slip(?:s|ped|ping)?|los(?:e|es|t|ing)|shed(?:s|ding)?|retreat(?:s|ed|ing)?|crash(?:es|ed|ing)?|"
    r"plummet(?:s|ed|ing)?|sell-off|selloff|edg(?:e|es|ed|ing) (?:up|down|higher|lower)|"
    r"(?:closed|ended|finished|traded|opened) (?:at|up|down|higher|lower|flat)|"
    r"record (?:high|low)|all-time (?:high|low)|unchanged|flat|higher|lower|up|down)\b"
)
SALE_WORDS = _rx(
    r"\b(?:sell(?:s|ing)?(?![- ]?off)|sold|sales?|offload(?:s|ed|ing)?|divest(?:s|ed|ing|ment)?|"
    r"dispos(?:e|es|ed|ing|al)|unload(?:s|ed|ing)?|dump(?:s|ed|ing)?|"
    r"(?:cut|cuts|cutting|trim(?:s|med|ming)?|reduc(?:e|es|ed|ing)|par(?:e|es|ed|ing)) "
    r"(?:its|his|her|their|the)? ?"
    r"(?:stake|holdings?|position)|stake (?:cut|sale|reduction)|reduction in [\w' ]{0,30}holdings?)\b"
)
HOLDING_WORDS = _rx(r"\b(?:shares?|stakes?|ADSs?|ADRs?|holdings?|stock|equity|position)\b")
BUYBACK_WORDS = _rx(r"\b(?:buy ?backs?|buy(?:ing)? back|repurchas\w*)\b")
ROLE_WORDS = _rx(
    r"\b(?:(?:group |acting |interim |deputy |executive |co-)?(?:chief [a-z]+(?: [a-z]+)? officer|"
    r"C[EFTOIM]O|chair(?:man|woman|person)?|(?:vice[- ])?president)|(?:managing |executive |"
    r"non-executive |independent )?director|board member|general counsel|treasurer|"
    r"(?:head|chief) of (?!the\b)(?-i:[a-z]+)|(?:general )?manager|secretary)\b"
)
CHANGE_WORDS = _rx(
    r"\b(?:appoint(?:s|ed|ing|ment)?|nam(?:e|es|ed|ing) (?:as|to|him|her|new)?|named|nominat(?:e|es|ed|ing)|"
    r"elect(?:s|ed|ing)?|hir(?:e|es|ed|ing)|promot(?:e|es|ed|ing)|replac(?:e|es|ed|ing)|"
    r"succeed(?:s|ed|ing)?|step(?:s|ped|ping)? down|stepp(?:ed|ing) aside|resign(?:s|ed|ing|ation)?|"
    r"retir(?:e|es|ed|ing|ement)|depart(?:s|ed|ing|ure)?|leav(?:e|es|ing)|left|quit(?:s|ting)?|"
    r"oust(?:s|ed|ing)?|fir(?:e|es|ed|ing)|sack(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|"
    r"tak(?:e|es|en|ing) over|took over|tak(?:e|es|en|ing) on the role|took on the role|"
    r"becom(?:e|es|ing)|became|join(?:s|ed|ing)?|tapped|will (?:head|lead|take)|to head|to lead)\b"
)

_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er)\b")
_CLAUSE_BREAK = re.compile(r"(?:,|;)\s+(?:and|while|whereas|but)\s+|;\s+")

# Capitalised tokens that start sentences (the splitter's openers) or name times, units or nationalities,
# never an entity on their own.
_NOT_NAMES = SENTENCE_OPENERS | frozenset(
    [
        "adr",
        "adrs",
        "ads",
        "adss",
        "american",
        "apr",
        "april",
        "are",
        "asian",
        "aug",
        "august",
        "british",
        "chinese",
        "cny",
        "dec",
        "december",
        "each",
        "editor's",
        "eur",
        "european",
        "every",
        "feb",
        "february",
        "former",
        "french",
        "friday",
        "gbp",
        "gdr",
        "gdrs",
        "german",
        "had",
        "has",
        "have",
        "hk",
        "hkd",
        "indian",
        "is",
        "jan",
        "january",
        "japanese",
        "jpy",
        "jul",
        "july",
        "jun",
        "june",
        "korean",
        "local",
        "mar",
        "march",
        "may",
        "monday",
        "news",
        "note",
        "nov",
        "november",
        "oct",
        "october",
        "prof",
        "published",
        "rmb",
        "said",
        "saturday",
        "says",
        "sep",
        "sept",
        "september",
        "sunday",
        "thursday",
        "tuesday",
        "usd",
        "was",
        "wednesday",
        "were",
        "will",
        "would",
        "written",
    ]
)
_ROLE_TOKENS = frozenset(
    [
        "chairman",
        "chairwoman",
        "chair",
        "chairperson",
        "ceo",
        "cfo",
        "cto",
        "coo",
        "cio",
        "cmo",
        "chief",
        "officer",
        "president",
        "director",
        "executive",
        "founder",
        "head",
        "vice",
        "managing",
        "group",
        "acting",
        "interim",
        "deputy",
        "secretary",
        "manager",
    ]
)
_CONNECTORS = frozenset({"of", "de", "du", "van", "von", "der", "&", "and"})
_TOKEN = re.compile(r"[A-Za-z0-9][\w&.\-]*(?:['’][A-Za-z]+)?|&")


_MODIFIER = re.compile(r"-(?:based|owned|backed|listed|traded|led|linked|controlled)$")


def _strip_possessive(tok: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if tok.endswith(suffix):
            return tok[: -len(suffix)]
    return tok


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok[:1].isdigit() and any(c.isupper() for c in tok))


def name_spans(text: str, within: Span) -> list[Span]:
    """Capitalised multi-word names in ``text[within]`` ("Jack Ma", "Taobao China", "Alibaba Group
    Holding", "Bank of America"), without possessives ("Xpeng's" -> "Xpeng"), suffixes like "-based",
    leading role words ("Chairman Joe Tsai" -> "Joe Tsai") or sentence-opening words. All-caps tickers
    in brackets are names too. Order of appearance, no duplicates by text."""
    toks = [
        (m.start() + within.start, m.end() + within.start, m.group())
        for m in _TOKEN.finditer(text[within.start : within.end])
    ]
    out: list[Span] = []
    seen: set[str] = set()
    run: list[tuple[int, int, str]] = []

    def flush() -> None:
        while run and (run[-1][2].lower() in _CONNECTORS):
            run.pop()
        if run:
            start = run[0][0]
            end = run[-1][1]
            raw = text[start:end]
            clean = _strip_possessive(raw).rstrip(".")
            clean = _MODIFIER.sub("", clean)
            end = start + len(clean)
            if clean and clean not in seen and not clean.isdigit():
                seen.add(clean)
                out.append(Span(start, end))
        run.clear()

    for i, (s, e, tok) in enumerate(toks):
        bare = _strip_possessive(tok)
        low = bare.lower().rstrip(".")
        gap = text[toks[i - 1][1] : s] if i else ""
        contiguous = bool(run) and gap.strip() == ""
        if not contiguous:
            flush()
        if _is_cap(bare) and low not in _NOT_NAMES and (low not in _ROLE_TOKENS or (run and low == "group")):
            run.append((s, e, tok))
            if bare != tok or _MODIFIER.search(bare):  # a possessive or "-based" ends the name
                flush()
        elif run and low in _CONNECTORS and low != "and" and i + 1 < len(toks) and _is_cap(toks[i + 1][2]):
            run.append((s, e, tok))
        else:
            flush()
    flush()
    return out


_AS_ROLE = re.compile(
    r"\bas (?:the |its |a |an |his |her |their |new )?((?:[a-z-]+ ){0,3}"
    r"(?:chief|head|officer|director|chairman|chairwoman|chair|president|CEO|CFO|CTO|COO|boss|leader))\b"
)


def role_spans(text: str, within: Span) -> list[Span]:
    """Executive or board roles written in ``text[within]`` ("chief technology officer", "CEO",
    "acting president", "director", and "as the cloud business chief"), in order, longest first
    where two overlap."""
    chunk = text[within.start : within.end]
    found = [Span(within.start + m.start(1), within.start + m.end(1)) for m in _AS_ROLE.finditer(chunk)]
    for m in ROLE_WORDS.finditer(chunk):
        sp = Span(within.start + m.start(), within.start + m.end())
        if not any(sp.overlaps(f) for f in found):
            found.append(sp)
    return sorted(found)


def move_anchors(text: str, sentence: Span) -> list[Span]:
    """The values that each make one stock move in the sentence: every percentage with a move word in
    the 60 characters before it (stakes "from X percent to Y percent" excluded), else the first amount
    of money after a move word. Empty when the sentence states no move."""
    s = sentence.slice(text)
    anchors: list[Span] = []
    for m in find_percents(s):
        before = s[max(0, m.start - 60) : m.start]
        if re.search(r"\b(?:stake|holding)s?\b[^;]{0,40}$", before, re.IGNORECASE):
            continue
        if re.search(r"\bfrom\s+\S+\s*(?:%|percent|per cent)?\s+to\s*$", before, re.IGNORECASE):
            continue
        if re.search(r"\bof\s*$", before) or not MOVE_WORDS.search(before):
            continue
        anchors.append(Span(sentence.start + m.start, sentence.start + m.end))
    if anchors:
        return anchors
    first_move = MOVE_WORDS.search(s)
    if first_move is None:
        return []
    for money in find_money(s):
        if money.start >= first_move.end():
            return [Span(sentence.start + money.start, sentence.start + money.end)]
    return []


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


_SALE_VERB = _rx(
    r"\b(?:sell(?:s|ing)?(?![- ]?off)|sold|offload(?:s|ed|ing)?|divest(?:s|ed|ing)?|dispos(?:e|es|ed|ing) of|"
    r"unload(?:s|ed|ing)?|dump(?:s|ed|ing)?|(?:cut|cuts|cutting|trim(?:s|med|ming)?|reduc(?:e|es|ed|ing)|"
    r"par(?:e|es|ed|ing)) (?:its|his|her|their|the) (?:stake|holdings?|position))\b"
)
# Words that may stand between a seller and its sale verb: auxiliaries, modals, adverbs, plan and
# status verbs ("has postponed plans to", "was looking to", "will not", "has filed to").
_AGENT_GAP = re.compile(
    r"(?:\s+(?:has|have|had|is|was|were|are|be|been|will|would|could|can|may|might|shall|should|did|does|"
    r"do|also|then|now|recently|reportedly|previously|already|still|not|never|just|further|again|"
    r"partially|partly|gradually|won['’]t|wouldn['’]t|doesn['’]t|didn['’]t|isn['’]t|plans?|planned|"
    r"planning|intends?|intended|intending|looking|looks?|seeks?|seeking|sought|filed|files|aims?|aimed|"
    r"expects?|expected|wants?|wanted|agreed|agrees|decided|decides|moved|moves|postponed|postpones|"
    r"delayed|delays|shelved|cancell?ed|scrapped|abandoned|suspended|halted|going|set|poised|ready|"
    r"preparing|prepares|prepared|considering|weighing|mulling|exploring|announced|confirmed|denied|"
    r"able|about|to|and|or|the|its|his|her|their|of|a|an))*\s*$",
    re.IGNORECASE,
)
_SUBJECT_END = re.compile(
    r"(?:(?<![\w’'])(?-i:[A-Z0-9][\w&.\-]*)|\b(?:he|she|it|they|which|who|company|firm|group|fund|"
    r"investor|shareholder|billionaire|founder|entity|unit|subsidiary))"
    r"(?:\s*\([^()]{0,60}\))?(?:,[^,]{1,60},)?$",
    re.IGNORECASE,
)
_NOUN_SALE = _rx(
    r"(?P<holder>(?-i:[A-Z][\w&.\-]*))['’]s? (?:[\w-]+ ){0,2}?"
    r"(?:sale|disposal|divestment|stake (?:cut|sale|reduction))\b"
    r"|\b(?:sale|disposal|divestment)s? of [^.;]{0,80}? by (?:the )?(?P<by>(?-i:[A-Z][\w&.\-]*))"
)
# What a sale verb sells: "it"/"them", or shares/stake/ADSs within its clause ("10 million shares",
# "millions of dollars worth of Alibaba shares", "part of his stake").
_SALE_OBJECT = re.compile(
    r"\s+(?:it|them)\b|[^.;:,]{0,70}?\b(?:shares?|stakes?|ADSs?|ADRs?|GDRs?|holdings?|stock|equity|"
    r"position|interest)\b",
    re.IGNORECASE,
)
_PRONOUN_SUBJECTS = frozenset(["he", "she", "it", "they", "which", "who"])


def sale_agent(sentence: str) -> tuple[int, int] | None:
    """Offsets (within ``sentence``) of the word that makes someone the seller: the subject of a sale
    verb ("Ma was looking to sell", "Taobao China plans to sell", "he will not sell", "X (NYSE: X) has
    filed to sell"), or the holder of a sale noun ("Ma's planned sale", "the sale of 5% by Gamma").
    None when the sentence sells nothing on someone's behalf ("the share sale would go ahead", "the
    stake cut plan caused ...")."""
    for m in _SALE_VERB.finditer(sentence):
        if not m.group().lower().endswith(
            ("stake", "holding", "holdings", "position")
        ) and not _SALE_OBJECT.match(sentence, m.end()):
            continue  # "sold more cars, sending its shares up": the verb does not govern shares
        head = sentence[: m.start()]
        gap = _AGENT_GAP.search(head)
        head = head[: gap.start()] if gap else head
        subj = _SUBJECT_END.search(head)
        if subj is not None:
            word = re.match(r"[\w&.\-]+", subj.group())
            assert word is not None
            if word.group().lower() in _NOT_NAMES and word.group().lower() not in _PRONOUN_SUBJECTS:
                continue
            return subj.start(), subj.start() + word.end()
    n = _NOUN_SALE.search(sentence)
    if n is not None:
        g = "holder" if n.group("holder") else "by"
        if n.group(g).lower() not in _NOT_NAMES:
            return n.start(g), n.end(g)
    return None


def candidates_in_sentence(text: str, sentence: Span) -> list[Candidate]:
    """Candidates of every kind for one sentence (see the module rules)."""
    s = sentence.slice(text)
    out: list[Candidate] = []
    if STOCK_WORDS.search(s) and MOVE_WORDS.search(s):
        for anchor in move_anchors(text, sentence):
            out.append(Candidate("StockMove", sentence, sentence, anchor))
    if (
        SALE_WORDS.search(s)
        and HOLDING_WORDS.search(s)
        and not BUYBACK_WORDS.search(s)
        and sale_agent(s) is not None
    ):
        out.append(Candidate("ShareSale", sentence, sentence))
    if CHANGE_WORDS.search(s) and role_spans(text, sentence):
        for clause in _clauses(text, sentence, CHANGE_WORDS):
            c = clause.slice(text)
            if CHANGE_WORDS.search(c) and (name_spans(text, clause) or _PRONOUN.search(c)):
                out.append(Candidate("ExecutiveChange", sentence, clause))
    return out


def find_candidates(text: str, sentences: list[Span] | None = None) -> list[Candidate]:
    """Every candidate in ``text`` in sentence order. Pass ``sentences`` to reuse a split."""
    spans = sentences if sentences is not None else split_sentences(text)
    out: list[Candidate] = []
    for sp in spans:
        out.extend(candidates_in_sentence(text, sp))
    return out
