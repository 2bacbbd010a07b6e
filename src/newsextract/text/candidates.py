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

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Literal

from newsextract.lexicon.changes import APPOINT_VERBS, DEPART_WORDS, SUCCEED_WORDS
from newsextract.lexicon.months import MONTH_WORDS
from newsextract.lexicon.moves import DOWN_WORDS, FLAT_WORDS, LOSS_WORDS, UP_WORDS
from newsextract.lexicon.sales import HOLDING_WORDS as HOLDING_WORDS_LIST
from newsextract.lexicon.sales import SALE_NOUNS, SELL_VERBS, STAKE_CUT_VERBS
from newsextract.lexicon.weekdays import WEEKDAY_NAMES
from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_percents
from newsextract.text.names import is_place
from newsextract.text.sentences import SENTENCE_OPENERS, split_sentences
from newsextract.text.spans import Span

Kind = Literal["ShareSale", "ExecutiveChange", "StockMove"]

__all__ = [
    "CORRECTION_NOTE",
    "INDEX_WORDS",
    "MAX_PER_SENTENCE",
    "PASSIVE_SUCCESSION",
    "WIRE_SLUG",
    "Candidate",
    "Kind",
    "find_candidates",
    "is_caps_headline",
    "is_caps_line",
    "is_title_line",
    "last_move_word",
    "move_anchors",
    "move_subject",
    "move_word_before",
    "mover_span",
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
    r"\b(?:shares?(?!\s+(?:the|a|an|their|its|his|her|our|this|these|those)\b)|stocks?|ADSs?|ADRs?|GDRs?|"
    r"share[- ]price|stock[- ]price|equity|"
    r"depositary (?:shares|receipts))\b"
)
MOVE_WORDS = _rx(
    r"\b(?:" + UP_WORDS + "|" + DOWN_WORDS + "|" + LOSS_WORDS + "|" + FLAT_WORDS + "|"
    r"edg(?:e|es|ed|ing) (?:up|down|higher|lower)|"
    r"(?:closed|ended|finished|traded|opened) (?:at|up|down|higher|lower|flat)|"
    r"add(?:s|ed|ing)?(?=\s+(?:about |nearly |almost |more than |over )?\d[\d.,]*\s*(?:%|percent|per cent))|"
    r"record (?:high|low)|all-time (?:high|low)|(?:\d+|one|two|three|five|ten)-(?:day|week|month|year) "
    r"(?:high|low)|multi-year (?:high|low)|flat|higher|lower|up(?!\s+to\b)|down)\b"
)
SALE_WORDS = _rx(
    r"\b(?:(?!sell(?:s|ing)?[- ]?off)(?:" + SELL_VERBS + "|" + SALE_NOUNS + ")|"
    r"(?:" + STAKE_CUT_VERBS + r") (?:its|his|her|their|the)? ?"
    r"(?:stake|holdings?|position)|stake (?:cut|sale|reduction)|reduction in [\w' ]{0,30}holdings?|"
    r"plac(?:e|es|ed|ing)\b(?:[^.;]|(?<=\d)\.(?=\d)){0,60}\bin (?:an? |the )?(?:[\w-]+ ){0,2}"
    r"block (?:trade|sale|deal))\b"
)
HOLDING_WORDS = _rx(r"\b(?:" + HOLDING_WORDS_LIST + r")\b")
BUYBACK_WORDS = _rx(r"\b(?:buy ?backs?|buy(?:ing)? back|repurchas\w*)\b")
ROLE_WORDS = _rx(
    r"\b(?:(?:group |acting |interim |deputy |executive |non-executive |independent |co-)?"
    r"(?:chief [a-z]+(?: [a-z]+)? officer|chief executive|"
    r"(?:finance|financial|technology|operating|investment|marketing|people|legal|risk) chief|"
    r"C[EFTOIM]O|chair(?:man|woman|person)?|(?:vice[- ])?president)|(?:managing |executive |"
    r"non-executive |(?:lead )?independent |outside )?director|(?:supervisory )?board member|"
    r"general counsel|treasurer|"
    r"(?:head|chief) of (?!the\b)(?-i:[a-z]+)|(?:general )?manager|secretary)\b"
)
CHANGE_WORDS = _rx(
    r"\b(?:appointment|nam(?:e|es|ed|ing) (?:as|to|him|her|new)?|named|(?!nam)(?:"
    + APPOINT_VERBS
    + ")|"
    + SUCCEED_WORDS
    + "|"
    + DEPART_WORDS
    + "|"
    r"fir(?:e|es|ed|ing)|sack(?:s|ed|ing)?|tak(?:e|es|en|ing) on the role|took on the role|"
    r"becom(?:e|es|ing)|became|join(?:s|ed|ing)?(?!\s+from\b)|will (?:head|lead|take)|"
    r"to head|to lead|serv(?:e|es|ed|ing) as)\b"
)

_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er)\b")
_CLAUSE_BREAK = re.compile(r"(?:,|;)\s+(?:and|while|whereas|but)\s+|;\s+")

# Capitalised tokens that start sentences (the splitter's openers) or name times, units or nationalities,
# never an entity on their own.
_NOT_NAMES = (
    SENTENCE_OPENERS
    | MONTH_WORDS
    | frozenset(WEEKDAY_NAMES)
    | frozenset(
        [
            "adr",
            "adrs",
            "ads",
            "adss",
            "american",
            "are",
            "asian",
            "british",
            "chinese",
            "cny",
            "each",
            "editor's",
            "eur",
            "european",
            "every",
            "former",
            "french",
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
            "japanese",
            "jpy",
            "korean",
            "local",
            "news",
            "note",
            "prof",
            "published",
            "rmb",
            "said",
            "says",
            "usd",
            "was",
            "were",
            "will",
            "would",
            "written",
        ]
    )
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
# words that name a role only inside a role phrase ("Chief Financial Officer", "Lead independent director",
# "Finance chief"); elsewhere they may be part of a name ("Ant Financial")
_ROLE_DESCRIPTORS = frozenset(
    [
        "financial",
        "finance",
        "operating",
        "technology",
        "information",
        "marketing",
        "people",
        "investment",
        "risk",
        "legal",
        "non-executive",
        "independent",
        "lead",
        "outside",
        "supervisory",
    ]
)
_CONNECTORS = frozenset({"of", "de", "du", "van", "von", "der", "&", "and"})
_TOKEN = re.compile(r"[^\W_][\w&.\-]*(?:['’][^\W\d_]+)?|&")


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
    in brackets are names too. Order of appearance, no duplicates by text. A wire slug ("BRIEF-",
    "UPDATE 1-") is no part of a name, and a headline in capitals gives no names."""
    if is_caps_headline(text[within.start : within.end]):
        return []
    slug = WIRE_SLUG.match(text[within.start : within.end])
    if slug is not None and slug.group().rstrip().endswith(("-", ")")):
        within = Span(within.start + slug.end(), within.end)
    toks = [
        (m.start() + within.start, m.end() + within.start, m.group())
        for m in _TOKEN.finditer(text[within.start : within.end])
    ]
    out: list[Span] = []
    seen: set[str] = set()
    run: list[tuple[int, int, str]] = []
    role_ranges = [(m.start(), m.end()) for m in ROLE_WORDS.finditer(text, within.start, within.end)]

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
        in_role = low in _ROLE_DESCRIPTORS and any(a <= s and e <= b for a, b in role_ranges)
        if (
            _is_cap(bare)
            and low not in _NOT_NAMES
            and not in_role
            and (low not in _ROLE_TOKENS or (run and low == "group"))
        ):
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
        over = [f for f in found if sp.overlaps(f)]
        if not over:
            found.append(sp)
        elif len(over) == 1 and over[0].start == sp.start and sp.end > over[0].end:
            found[found.index(over[0])] = sp  # "as chief executive in 2021": not just "chief"
    return sorted(found)


INDEX_WORDS = re.compile(
    r"\b(?:(?i:ind(?:ex|ices|exes)|composite|benchmark|gauge|averages?|blue[- ]chips?)|Nikkei|Dow Jones|"
    r"S&P|FTSE|DAX|CAC|STOXX|Stoxx|Hang Seng|KOSPI|Kospi|Sensex|SENSEX|Nifty|NIFTY|TOPIX|Topix|ASX|CSI|MSCI|"
    r"(?i:yuan|renminbi|dollar|euro|yen|sterling|pound|rupee|rupiah|ringgit|baht|peso|franc|lira|rand|"
    r"ruble|rouble|krona|krone|the won|currenc(?:y|ies)|"
    r"gold|silver|oil|crude|copper|commodit(?:y|ies)|bonds?|yields?|treasur(?:y|ies)|futures|bitcoin)|"
    r"RMB|Brent|WTI)\b"
)
"""What moves that is not a company's stock: indexes and benchmarks, currencies, commodities, bonds."""

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


_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "at",
        "by",
        "with",
        "from",
        "as",
        "vs",
        "via",
        "into",
        "over",
        "per",
        "is",
        "are",
        "its",
        "after",
        "amid",
    ]
)


# a wire service's slug before a headline: "BRIEF-", "UPDATE 2-", "REFILE-", "(LEAD)", "MARKETS WRAP:"
WIRE_SLUG = re.compile(
    r"^[\s*•]*(?:\((?:\d\w* )?(?:LEAD|URGENT|UPDATE|CORRECTED|REFILE)(?: \d+)?\)\s*"
    r"|(?:BRIEF|REFILE|CORRECTED|CORRECTION|UPDATE|RPT|EXCLUSIVE|WRAPUP|INSIGHT|ANALYSIS|FACTBOX|TIMELINE|"
    r"BREAKINGVIEWS|PREVIEW|RESEARCH ALERT|BUZZ)(?:\s+\d+)?\s*-\s*"
    r"|[A-Z][A-Z&/]+(?:\s+[A-Z][A-Z&/]+){0,3}:\s+)"
)


def is_caps_line(line: str) -> bool:
    """True for a line written in capitals ("CFO JANE ROE SOLD 40,000 SHARES", "GAMMA ROBOTICS INC"):
    three or more words, nearly all of them upper case."""
    words = re.findall(r"[^\W\d_][\w'’&.-]*", line)
    if len(words) < 3:
        return False
    return sum(1 for w in words if w.isupper()) >= 0.8 * len(words)


def is_caps_headline(line: str) -> bool:
    """A line in capitals that states something (a sale, move or change word): a headline whose names
    cannot be told from its verbs. A line in capitals that only names a company ("GAMMA ROBOTICS INC
    (GMR.O)") is a section header and keeps its names."""
    return is_caps_line(line) and bool(
        SALE_WORDS.search(line) or MOVE_WORDS.search(line) or CHANGE_WORDS.search(line)
    )


def is_title_line(line: str) -> bool:
    """True for a headline: written in Title Case ("Gamma Denies Plan to Sell Delta Stake": most of its
    words, small words aside, capitalised) or in capitals, or led by a wire slug ("BRIEF-Gamma CFO sells
    shares", "UPDATE 1-...", "(LEAD) ...", "MARKETS WRAP: ..."), without a final period. Names cannot be
    told from verbs there; the body restates it."""
    if line.rstrip().endswith((".", '"', "”")):
        return False
    if WIRE_SLUG.match(line):
        return True
    words = [w for w in re.findall(r"[^\W\d_][\w'’&.-]*", line) if w.lower() not in _SMALL_WORDS]
    if len(words) < 4:
        return False
    caps = sum(1 for w in words if w[:1].isupper())
    return caps >= 0.8 * len(words)


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


_SALE_VERB = _rx(
    r"\b(?:(?!sell(?:s|ing)?[- ]?off)(?:dispos(?:e|es|ed|ing) of|" + SELL_VERBS + ")|"
    r"(?:" + STAKE_CUT_VERBS + r") (?:its|his|her|their|the) (?:stake|holdings?|position)|"
    r"plac(?:e|es|ed|ing)(?=\s(?:[^.;]|(?<=\d)\.(?=\d)){0,60}\bin (?:an? |the )?(?:[\w-]+ ){0,2}"
    r"block (?:trade|sale|deal)))\b"
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
    r"completed|launched|began|begun|started|finalised|finalized|priced|weighs|considers|explores|"
    r"withdrawn|withdrew|withdraws|reported|proposed|dropped|called off|"
    r"able|about|to|and|or|the|its|his|her|their|of|a|an"
    r"|filed\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:notice|filing|application)\s+of\s+"
    r"(?:its|his|her|their)\s+(?:intent(?:ion)?|plans?)))*\s*$",
    re.IGNORECASE,
)
_SUBJECT_END = re.compile(
    r"(?:(?<![\w’'])(?-i:[A-Z0-9][\w&.\-]*)|\b(?:he|she|it|they|which|who|company|firm|group|fund|"
    r"investor|shareholder|billionaire|founder|entity|unit|subsidiary|trust|holder|owner|insider|parent|"
    r"backer|vehicle|estate|partnership|family|conglomerate))"
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
    r"\s+(?:it|them)\b|(?:[^.;:,]|(?<=\d)[.,](?=\d)){0,70}?\b(?:" + HOLDING_WORDS_LIST + r")\b",
    re.IGNORECASE,
)
_NOUN_OF_SALE = _rx(r"\b(?:the|a|an|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:" + SALE_NOUNS + r")\s+of\b")
_GAP_VERB = _rx(
    r"\b(?:plans?|planned|planning|intends?|looking|seeks?|seeking|filed|agreed|decided|postponed|delayed|"
    r"shelved|cancell?ed|scrapped|abandoned|suspended|halted|preparing|considering|weighing|weighs|considers|"
    r"mulling|exploring|explores|announced|confirmed|denied|completed|launched|began|begun|started|"
    r"finalised|finalized|priced|withdr[ae]w|withdrawn|withdraws|called off|dropped)\b"
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
    for m in _NOUN_OF_SALE.finditer(sentence):
        if not _SALE_OBJECT.match(sentence, m.end()):
            continue
        head = sentence[: m.start()]
        gap = _AGENT_GAP.search(head)
        if gap is None or not _GAP_VERB.search(gap.group()):
            continue  # "the sale of shares" with no one weighing, cancelling or announcing it
        subj = _SUBJECT_END.search(head[: gap.start()])
        if subj is not None:
            word = re.match(r"[\w&.\-]+", subj.group())
            assert word is not None
            if word.group().lower() not in _NOT_NAMES or word.group().lower() in _PRONOUN_SUBJECTS:
                return subj.start(), subj.start() + word.end()
    n = _NOUN_SALE.search(sentence)
    if n is not None:
        g = "holder" if n.group("holder") else "by"
        if n.group(g).lower() not in _NOT_NAMES:
            return n.start(g), n.end(g)
    return None


_MARKET_CUE = _rx(
    r"\b(?:peers?|rivals?|trading|session|close|closed|bourse|exchange|index|indices|fallers?|gainers?|"
    r"movers?|biggest (?:fall|gain|drop|declin|ris)\w*)\b"
)
# a share price level after the move: "climbed 3.8% to 1,046p", "ended flat at 52,400 won" (no magnitude:
# "rose 5% to $2 billion" is revenue, not a share price)
_LEVEL_AFTER = re.compile(r"^\s*(?:(?:to|at)\s+(?:close|end|finish)\s+)?(?:to|at)\s+$", re.IGNORECASE)


def _price_level(s: str, start: int, end: int) -> bool:
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


def _named_mover(text: str, sentence: Span, anchor: Span, lo: int) -> bool:
    """True when the subject of the anchor's move word is a capitalised name ("with Gamma Robotics
    rising 3.2%")."""
    s = sentence.slice(text)
    mw = last_move_word(s, anchor.start - sentence.start)
    if mw is None:
        return False
    subj = mover_span(s, mw, lo)
    return bool(name_spans(s, subj))


MAX_PER_SENTENCE = 8
"""At most this many candidates of one kind per sentence, the first ones: real sentences state one or
two events of a kind (a market wrap a few more); a run of values with no full stop would otherwise make
hundreds of questions, each reading the whole sentence."""


def candidates_in_sentence(text: str, sentence: Span) -> list[Candidate]:
    """Candidates of every kind for one sentence (see the module rules), at most
    :data:`MAX_PER_SENTENCE` of each kind."""
    out = _all_candidates_in_sentence(text, sentence)
    count: dict[Kind, int] = {}
    kept: list[Candidate] = []
    for c in out:
        count[c.kind] = count.get(c.kind, 0) + 1
        if count[c.kind] <= MAX_PER_SENTENCE:
            kept.append(c)
    return kept


def _all_candidates_in_sentence(text: str, sentence: Span) -> list[Candidate]:
    s = sentence.slice(text)
    out: list[Candidate] = []
    if is_title_line(s):
        return out
    if MOVE_WORDS.search(s):
        anchors = move_anchors(text, sentence)
        if not STOCK_WORDS.search(s):
            # "Peers gained in Tokyo, with Gamma Robotics rising 3.2%": a named mover in a market context
            cue = bool(_MARKET_CUE.search(s)) or any(
                is_place(n.slice(s)) for n in name_spans(s, Span(0, len(s)))
            )
            kept: list[Span] = []
            lo = 0
            for a in anchors:
                level = _price_level(s, a.start - sentence.start, a.end - sentence.start)
                if (cue or level) and _named_mover(text, sentence, a, lo):
                    kept.append(a)
                lo = a.end - sentence.start
            anchors = kept
        for anchor in anchors:
            out.append(Candidate("StockMove", sentence, sentence, anchor))
    if (
        SALE_WORDS.search(s)
        and HOLDING_WORDS.search(s)
        and not BUYBACK_WORDS.search(s)
        and sale_agent(s) is not None
    ):
        out.append(Candidate("ShareSale", sentence, sentence))
    if CHANGE_WORDS.search(s) and role_spans(text, sentence):
        for clause in _succession_split(text, _clauses(text, sentence, CHANGE_WORDS)):
            c = clause.slice(text)
            if CHANGE_WORDS.search(c) and (name_spans(text, clause) or _PRONOUN.search(c)):
                out.append(Candidate("ExecutiveChange", sentence, clause))
    return out


CORRECTION_NOTE = re.compile(
    r"^[\s*•]*(?:(?:Correction|Clarification|Editor['’]s note)\s*[:\-–—]|CORRECTION\b|CLARIFICATION\b|"
    r"(?:An?|The) (?:earlier|previous) version of this (?:story|article|report))",
    re.IGNORECASE,
)


def find_candidates(text: str, sentences: list[Span] | None = None) -> list[Candidate]:
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
        out.extend(candidates_in_sentence(text, sp))
    return out
