"""Grounding checks: is every value of a draft stated by the article, for this event? Pure.

:func:`find_problems` returns :class:`Problem` objects (an empty list means grounded), each a short,
specific message that names the value and, where it can, quotes what the sentence does state. A problem
is event-level (the event goes) or field-level (the field goes). Rules:

* Matching is by meaning. Both sides are parsed and the typed values compared: numbers with magnitudes
  and abbreviations ("33000000" ~ "33 million" ~ "33m" ~ "33 mln"), money with symbols, codes and local
  prefixes ("USD 314000000" ~ "about $314 million", "HKD 37.5" ~ "HK$37.50", pence and cents),
  percentages ("16.3" ~ "16.3%" ~ "16.3 percent"), dates resolved against the publication date
  ("2013-08-07" ~ "on Aug. 7"; an ISO date whose year the article does not give is not supported).
  A range in the text ("10-12 million", "between 5% and 6%") offers both bounds.
* Where: the *context* is the evidence sentence(s) with one neighbouring sentence each side, with any
  instruction sentence blanked out. Numbers must be stated in the context or at most
  :data:`NEAR_SENTENCES` sentences from the evidence; dates in the context or anywhere in the article
  (an article dates an event once).
* Identity (a sale's seller and company, a change's person and company, a move's company) must be named
  in the context: in full, in a fuller or shorter form (corporate suffixes aside; a person's last name),
  possessive, or in the short form the article uses for a company it introduced by its full name; or be
  linked to it by a pronoun or "the company"/"the stock" and named in the :data:`LINK_SENTENCES`
  sentences before; a company may also be the article's subject (named in its opening sentences).
  Who acts (seller, person) must be named in the quoted sentence itself unless that sentence refers to
  someone ("he", "the fund"). Otherwise the event goes. A predecessor named nowhere near goes as a field.
* Markets: the market the quoted clause names, or, when the clause names none, one named in the context
  (aliases: NYSE ~ New York, HKEX ~ Hong Kong ...). Tickers: anywhere in the article.
* Roles may be abbreviated both ways (CEO, CFO, CTO, COO, chairman/chair ...).
* Status: :func:`~newsextract.normalize.modality.decide_status`; a status that disagrees with the
  sentence is replaced by the sentence's (a field-level problem with a replacement).
* Event-level besides identity: the quoted sentence is an instruction
  (:mod:`~newsextract.grounding.instructions`); a sale's share count or a move's percentage contradicts
  what the sentence states; two or more numbers, none stated in the article; a sale whose sentences
  never speak of selling; a seller that is the issuer itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from newsextract.core.drafts import AnyDraft, ExecutiveChangeDraft, ShareSaleDraft, StockMoveDraft
from newsextract.core.schemas import Money
from newsextract.grounding.context import (
    Window,
    locate,
    opening,
    sentences_after_end,
    sentences_before,
    window_at,
)
from newsextract.grounding.instructions import instruction_at, is_instruction
from newsextract.lexicon.companies import LEGAL_FORMS, NAME_CONNECTORS
from newsextract.lexicon.folding import DASH_CLASS, QUOTE_TABLE
from newsextract.lexicon.markets import market_aliases
from newsextract.lexicon.sales import SALE_EVIDENCE_WORDS
from newsextract.normalize.dates import find_dates, resolve_date
from newsextract.normalize.events import clean_text, clean_ticker
from newsextract.normalize.mentions import Mention
from newsextract.normalize.modality import decide_status
from newsextract.normalize.money import money_among, parse_money
from newsextract.normalize.numbers import (
    Quantity,
    find_counts,
    find_quantities,
    parse_count,
    parse_number,
    parse_percent,
)
from newsextract.text.sentences import sentence_at
from newsextract.text.wordindex import WordIndex, find_bounded

_QUOTE_PAIRS = tuple((chr(k), v) for k, v in QUOTE_TABLE.items())
_DASH_RE = re.compile(DASH_CLASS + "+")
#: A comma unless it sits between two digits: "(?<![0-9]),|,(?![0-9])" written to start with the comma,
#: which lets the regex engine skip to each comma instead of trying every position.
_COMMA_RE = re.compile(r",(?:(?<![0-9],)|(?![0-9]))")
_WORD_RE = re.compile(r"\w+")
#: Scripts written without spaces (CJK ideographs, kana, hangul): a word boundary means nothing there.
_UNSPACED = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SPACED_WORD = f"[^\\W{_UNSPACED}]"
_UNSPACED_RE = re.compile(f"[{_UNSPACED}]")

CORPORATE_SUFFIXES: frozenset[str] = LEGAL_FORMS | NAME_CONNECTORS
_ROLE_STOP: frozenset[str] = frozenset(
    {"the", "of", "a", "an", "its", "their", "his", "her", "and", "as", "at", "for"}
)

#: Role abbreviations and their written-out forms, used in both directions.
ROLE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ceo": ("chief executive officer", "chief executive"),
    "cfo": ("chief financial officer", "finance chief"),
    "cto": ("chief technology officer", "chief technical officer", "technology chief"),
    "coo": ("chief operating officer",),
    "cpo": ("chief people officer", "chief product officer", "chief procurement officer"),
    "cio": ("chief information officer", "chief investment officer"),
    "cmo": ("chief marketing officer",),
    "chairman": ("chair", "chairwoman", "chairperson"),
    "chairwoman": ("chair", "chairman", "chairperson"),
    "chair": ("chairman", "chairwoman", "chairperson"),
}

#: Market names that denote the same market (``lexicon.markets``).
MARKET_ALIASES: dict[str, tuple[str, ...]] = market_aliases()


@functools.lru_cache(maxsize=1024)  # the article itself is normalised once, not per value
def normalize_for_search(s: str) -> str:
    """``s`` folded for tolerant matching: NFKC, case-folded, curly quotes straightened, dashes turned
    into spaces, commas other than thousands separators removed, whitespace collapsed."""
    s = unicodedata.normalize("NFKC", s)
    for quote, straight in _QUOTE_PAIRS:  # str.translate with a table looks up every character: 10x slower
        if quote in s:
            s = s.replace(quote, straight)
    s = _DASH_RE.sub(" ", s.casefold())
    if "," in s:
        s = _COMMA_RE.sub(" ", s)
    return " ".join(s.split())  # str.split's whitespace is the regex \s: runs collapsed, ends stripped


#: Haystacks at least this long (an article, not a sentence) are searched through a word index built
#: once per haystack (:func:`_index`), so checking every value of an article stays linear in its length.
_INDEX_FROM = 2000


@functools.lru_cache(maxsize=8)
def _index(folded: str, word: str) -> WordIndex:
    """The word index of an already folded haystack, kept for the last few articles."""
    return WordIndex(folded, word)


def occurs(needle: str, haystack: str) -> bool:
    """True when ``needle`` occurs in ``haystack`` after :func:`normalize_for_search` of both, on word
    boundaries where ``needle`` starts or ends with a letter or digit. An empty needle never occurs.
    A long haystack is searched through its word index: the cost is the occurrences of the needle's
    rarest word, not the haystack's length."""
    n = normalize_for_search(needle).strip(" .;:!?")
    if not n:
        return False

    def bounded(ch: str) -> bool:
        return ch.isalnum() and not _UNSPACED_RE.match(ch)

    folded = normalize_for_search(haystack)
    start, end = bounded(n[0]), bounded(n[-1])
    if len(folded) < _INDEX_FROM:
        found = find_bounded(folded, n, word=_SPACED_WORD, bounded_start=start, bounded_end=end, first=True)
    else:
        found = _index(folded, _SPACED_WORD).find(n, bounded_start=start, bounded_end=end, first=True)
    return bool(found)


def _tokens(s: str) -> list[str]:
    return _WORD_RE.findall(normalize_for_search(s))


def _words_together(words: list[str], text: str, slack: int = 2) -> bool:
    """All ``words`` appear within a window of ``len(words) + slack`` words of ``text`` (a long text
    through its word index: the windows around the rarest word only)."""
    if not words:
        return False
    need = set(words)
    size = len(need) + slack
    folded = normalize_for_search(text)
    if len(folded) >= _INDEX_FROM:
        return _index(folded, r"\w").near(words, size)
    toks = _WORD_RE.findall(folded)
    return any(t in need and need.issubset(toks[i : i + size]) for i, t in enumerate(toks))


@functools.lru_cache(maxsize=8)
def _nfkc_words(text: str) -> frozenset[str]:
    """Every word (run of word characters) of ``text`` after NFKC, with its case, kept for the last few
    articles: a person's last name is looked up here instead of searched for in the text."""
    return frozenset(re.findall(r"\w+", unicodedata.normalize("NFKC", text)))


_TITLED_RE = re.compile(r"\b(?:Mr|Ms|Mrs|Miss|Dr|Mme|Herr|Frau)\.?\s+(\w+)")


@functools.lru_cache(maxsize=8)
def _titled_words(text: str) -> frozenset[str]:
    """Every word that follows a title ("Ms. Tang", "Mr Liang") in ``text``, after NFKC, kept for the
    last few articles."""
    return frozenset(_TITLED_RE.findall(unicodedata.normalize("NFKC", text)))


def _strip_article(name: str) -> str:
    return re.sub(r"^(?:the)\s+", "", name, flags=re.IGNORECASE)


def name_in_text(name: str, text: str, *, person: bool = False) -> bool:
    """True when ``name`` is named in ``text`` by the module's name rules; ``person`` enables the
    last-word rule ("Ma" for "Jack Ma")."""
    clean = clean_text(name)
    if not clean or not re.search(r"[^\W\d_]", clean):
        return False  # no letter: a number or a sign ("3.84%") is never a name, whatever the text says
    clean = _strip_article(clean)
    if occurs(clean, text):
        return True
    words = _tokens(clean)
    core = [w for w in words if w not in CORPORATE_SUFFIXES]
    if _words_together(core or words, text):
        return True
    if person and len(words) >= 2:
        parts = re.findall(r"\w+", unicodedata.normalize("NFKC", clean))
        if len(parts[-1]) >= 2 and parts[-1] in _nfkc_words(text):
            return True
        # family name first ("Tang Xiaoyu" is "Ms. Tang")
        if len(parts[0]) >= 2 and parts[0] in _titled_words(text):
            return True
    return False


def market_in_text(market: str, text: str) -> bool:
    """True when ``market`` or one of its :data:`MARKET_ALIASES` is named in ``text``."""
    if name_in_text(market, text):
        return True
    key = normalize_for_search(clean_text(market) or "")
    return any(occurs(alias, text) for alias in MARKET_ALIASES.get(key, ()))


def ticker_in_text(ticker: str, text: str) -> bool:
    """True when the ticker symbol (with or without its exchange part) occurs in ``text``."""
    symbol, _ = clean_ticker(ticker)
    if not symbol:
        return False
    if occurs(symbol, text):
        return True
    parts = [p for p in re.split(r"[.:\s]", symbol) if p]
    return any(occurs(p, text) for p in parts if len(p) >= 2)


def _role_variants(role: str) -> set[str]:
    base = normalize_for_search(role)
    variants = {base}
    for abbr, longs in ROLE_ABBREVIATIONS.items():
        pairs = [(abbr, lf) for lf in longs] + [(lf, abbr) for lf in longs]
        for src, dst in pairs:
            for v in list(variants):
                if len(variants) > 64:
                    break
                if src not in v:
                    continue  # nothing to replace: skip the regex (most pairs, for any one role)
                new = re.sub(r"(?<!\w)" + re.escape(src) + r"(?!\w)", dst, v)
                variants.add(new)
    return variants


def role_in_text(role: str, text: str) -> bool:
    """True when ``role`` (or an abbreviation/expansion of it) occurs in ``text``, or all its words occur
    within a few words of each other."""
    clean = clean_text(role)
    if not clean:
        return False
    for v in _role_variants(clean):
        if occurs(v, text):
            return True
        words = [w for w in _tokens(v) if w not in _ROLE_STOP]
        if _words_together(words, text, slack=3):
            return True
    return False


def date_in_text(value: str, text: str) -> bool:
    """True when the date expression occurs in ``text``, with or without a leading "on"/"in"."""
    if occurs(value, text):
        return True
    bare = re.sub(r"^\s*(?:on|in|at|by|from|since|as\s+of)\s+", "", value, flags=re.IGNORECASE)
    return bare != value and occurs(bare, text)


_BETWEEN_RE = re.compile(r"\bbetween\b", re.IGNORECASE)
_RANGE_DASH_RE = re.compile(r"(?<=[0-9%])\s?[-–—]\s?(?=[^\W_]|[$€£¥])")


def _unranged(evidence: str) -> str:
    """``evidence`` with ranges written as two separate values, so both bounds can be matched."""
    return _RANGE_DASH_RE.sub(" to ", _BETWEEN_RE.sub("from", evidence))


@functools.lru_cache(maxsize=64)  # the article is searched once, not once per value
def _readings(evidence: str) -> tuple[list[Quantity], list[Quantity]]:
    """The quantities of ``evidence`` as written and, when it has a range, of its text with each bound
    apart (else an empty list: a second reading of the same text adds nothing)."""
    unranged = _unranged(evidence)
    return find_quantities(evidence), find_quantities(unranged) if unranged != evidence else []


def _stated(evidence: str) -> list[Quantity]:
    """Every quantity stated in ``evidence``: as read (a range's lower bound) and with each bound apart."""
    written, apart = _readings(evidence)
    return written + apart


@functools.lru_cache(maxsize=64)
def _stated_money(evidence: str) -> list[Mention[Money]]:
    """Every amount of money stated in ``evidence`` (``find_money(evidence, context=evidence)``, and the
    same of the text with a range's bounds apart), from the quantities :func:`_readings` read."""
    written, apart = _readings(evidence)
    money = money_among(written, context=f"{evidence}\n{evidence}")  # find_money joins text and context
    return money + money_among(apart, context=f"{_unranged(evidence)}\n{evidence}") if apart else money


def _eq(a: Decimal | float, b: Decimal | float) -> bool:
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


# --- problems -----------------------------------------------------------------------------------

ProblemLevel = Literal["event", "field"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a draft is not (wholly) supported by the article.

    ``level`` "event": the event's identity (who, which company), its quote or its core number (a sale's
    share count, a move's percentage) contradicts the article, so the event goes. ``level`` "field": one
    value is unsupported; the field goes (``replacement`` None) or, for a sale's status, is replaced by
    the status the sentence states (``replacement``).
    """

    field: str | None
    message: str
    level: ProblemLevel = "field"
    replacement: str | None = None


def _num_text(q: Quantity | Mention[Money] | Mention[int]) -> str:
    return " ".join(q.text.split())


def _listed(found: list[Quantity] | list[Mention[Money]] | list[Mention[int]], limit: int = 3) -> str:
    """The distinct values as written, quoted and comma-separated: what the sentence does state."""
    return ", ".join(f'"{t}"' for t in list(dict.fromkeys(_num_text(q) for q in found))[:limit])


def _count_problem(field: str, value: str, context: str, used: list[Decimal]) -> Problem | None:
    n = parse_count(value)
    if n is None:
        return Problem(field, f'{field} "{value}" is not a number of shares')
    stated = [q for q in _stated(context) if q.kind == "number"]
    if any(_eq(n, q.value) for q in stated):
        return None
    counts = find_counts(context)
    other = [c for c in counts if not any(_eq(c.value, u) for u in used)]
    if other:
        says = _listed(other)
        return Problem(
            field, f'{field} "{value}" is not what the sentence states: it says {says} shares', "event"
        )
    return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it')


def _money_problem(field: str, value: str, context: str) -> Problem | None:
    money = parse_money(value, context=context)
    if money is None:
        number = parse_number(value)
        if number is None:
            return Problem(field, f'{field} "{value}" is not an amount of money')
        if any(_eq(number, q.value) for q in _stated(context) if q.kind != "percent"):
            return None
        return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it')
    stated = _stated_money(context)
    same_amount = [m for m in stated if _eq(m.value.amount, money.amount)]
    if any(m.value.currency == money.currency for m in same_amount):
        return None
    if same_amount:
        return Problem(
            field,
            f'{field} "{value}" is in {money.currency} but the sentence says "{_num_text(same_amount[0])}" '
            f"({same_amount[0].value.currency})",
        )
    says = _listed(stated)
    tail = f"; the sentence states {says}" if says else ""
    return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it{tail}')


#: A holder that sells everything ends with a stake of zero: "its entire stake", "to zero", "exited".
_FULL_EXIT_RE = re.compile(
    r"\b(?:(?:entire|whole|all\s+(?:of\s+)?(?:its|his|her|their|the)|remaining)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:stake|holding|holdings|shares|position)|to\s+zero|exit(?:ed|s|ing)?|no\s+longer\s+(?:holds|owns))\b",
    re.IGNORECASE,
)


def _percent_problem(field: str, value: str, context: str, *, core: bool) -> Problem | None:
    p = parse_percent(value)
    if p is None:
        return Problem(field, f'{field} "{value}" is not a percentage')
    stated = [q for q in _stated(context) if q.kind == "percent"]
    if any(_eq(p, q.value) for q in stated):
        return None
    if field == "stake_after" and p == 0 and _FULL_EXIT_RE.search(context):
        return None
    if stated and core:
        says = _listed(stated)
        return Problem(field, f'{field} "{value}" is not what the sentence states: it says {says}', "event")
    return Problem(field, f'{field} "{value}" is not stated in the quoted sentence or next to it')


@functools.lru_cache(maxsize=64)  # a date missing from its sentence is looked for in the whole article
def _days_stated(context: str, published: dt.date | None) -> frozenset[dt.date]:
    """Every day a date expression of ``context`` names, resolved against ``published``; read once per
    context, however many events ask."""
    return frozenset(m.value for m in find_dates(context, published) if m.value is not None)


def _date_problem(field: str, value: str | None, context: str, published: dt.date | None) -> Problem | None:
    """A date must name a day that a date expression of the context names (resolved against
    ``published``), or, when it names no single day ("last week"), occur in the context as written."""
    if value is None or not value.strip():
        return None
    day = resolve_date(value, published)
    if day is not None:
        if day in _days_stated(context, published):
            return None
        return Problem(field, f'{field} "{value}" is not a date the quoted sentence or the next one states')
    if date_in_text(value, context):
        return None
    return Problem(field, f'{field} "{value}" does not occur in the quoted sentence or next to it')


_PERSON_REFS = re.compile(r"\b(?:he|she|his|her|him|hers)\b", re.IGNORECASE)
_ORG_REFS = re.compile(
    r"\b(?:it|its|they|their|the\s+(?:[\w-]+\s+){0,2}?(?:company|firm|group|bank|fund|carmaker|automaker|"
    r"insurer|lender|retailer|miner|conglomerate|giant|parent|business|operator|maker|developer|investor|"
    r"holder|shareholder|trust|owner|brand|chain|platform|startup|unit|subsidiary|airline|producer|"
    r"manufacturer|supplier|provider|utility|conglomerate|board))\b",
    re.IGNORECASE,
)
#: An event's numbers may be stated this many sentences away from its evidence.
NEAR_SENTENCES = 2
#: A pronoun in the evidence may point to a name this many sentences before the evidence.
LINK_SENTENCES = 3


@functools.lru_cache(maxsize=1024)  # it scans the article: once per name, not once per event
def _short_form(name: str, text: str, opening_end: int = 0) -> str | None:
    """The short form an article uses for a company it introduced by its full name ("Harrowgate" for
    "Harrowgate Foods Plc"): the name's first word, provided the article's first use of that word is the
    full name itself. A word the article used for something else first ("Alibaba" before "Alibaba Cloud
    Intelligence") is another entity's name, not a short form, unless the full name is in the article's
    opening (``text[:opening_end]``: the article is about it)."""
    clean = clean_text(name)
    if not clean:
        return None
    words = re.findall(r"[^\W_]+", _strip_article(clean))
    core = [w for w in words if w.casefold() not in CORPORATE_SUFFIXES]
    if len(core) < 2 or len(core[0]) < 3 or not core[0][0].isupper():
        return None
    full = re.search(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in core) + r"(?!\w)", text, re.IGNORECASE)
    if full is None:
        return None
    if full.start() < opening_end:
        return str(core[0])
    # the first use after the headline must be the name itself ("Kaito Precision ..." for "Kaito
    # Precision Instruments"), not another entity that shares its first word
    headline_end = text.find("\n")
    first = re.search(
        r"(?<!\w)" + re.escape(core[0]) + r"(?!\w)\W*(?P<next>[^\W_]*)", text[max(headline_end, 0) :]
    )
    nxt = first.group("next") if first is not None else ""
    ticker = first is not None and "(" in first.group(0) and nxt.isupper() and len(nxt) <= 6
    if first is None or (nxt.casefold() != core[1].casefold() and not ticker):
        return None
    return str(core[0])


def named_here(
    name: str, context: str, before: str, *, person: bool, text: str = "", opening_end: int = 0
) -> bool:
    """True when ``name`` is named in ``context`` (the evidence and its neighbours), in full or in the
    short form the article uses for it, or ``context`` refers to it by a pronoun or "the company"/"the
    stock" and it is named in ``before`` (the few sentences before)."""
    if name_in_text(name, context, person=person):
        return True
    short = None if person else _short_form(name, text, opening_end)
    if short is not None and re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", context):
        return True
    refs = _PERSON_REFS if person else _ORG_REFS
    if not before or refs.search(context) is None:
        return False
    if name_in_text(name, before, person=person):
        return True
    return short is not None and re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", before) is not None


def _identity(
    field: str, value: str | None, ev: Grounds, *, person: bool = False, required: bool = True
) -> list[Problem]:
    level: ProblemLevel = "event" if required else "field"
    if value is None or not value.strip() or clean_text(value) is None:
        return [Problem(field, f"{field} is empty", level)] if required else []
    kinds = (True, False) if person and field == "seller" else (person,)
    opening_end = len(ev.opening)
    if any(
        named_here(value, ev.sentence, "", person=k, text=ev.text, opening_end=opening_end) for k in kinds
    ):
        return []
    # Who acts (a seller, a person) may be named in a neighbouring sentence only when the quoted sentence
    # refers to someone ("he", "the fund", "the founder's family trust"); otherwise the name next door is
    # someone else's ("... Ma was looking to sell ..." is not Jane Jiang's sale because the next sentence
    # names her).
    actor = field in {"seller", "person"}
    refers = _PERSON_REFS.search(ev.sentence) is not None or _ORG_REFS.search(ev.sentence) is not None
    if (not actor or refers) and any(
        named_here(value, ev.context, ev.before, person=k, text=ev.text, opening_end=opening_end)
        for k in kinds
    ):
        return []
    if field == "company" and _is_subject(value, ev):
        return []
    if name_in_text(value, ev.text, person=person):
        msg = f'{field} "{value}" is not named in the quoted sentence or next to it'
    else:
        msg = f'{field} "{value}" is not named in the article'
    return [Problem(field, msg, level)]


def _here_or_near(check: Callable[[str], Problem | None], ev: Grounds) -> Problem | None:
    """``check`` against the context; a number the context does not state passes when a sentence at
    most :data:`NEAR_SENTENCES` away states it ("The disposal was worth about £9.5 million.")."""
    here = check(ev.context)
    if here is None or check(ev.near) is None:
        return None
    return here


def _here_or_anywhere(check: Callable[[str], Problem | None], ev: Grounds) -> Problem | None:
    """``check`` against the context; a date the context does not state passes when the article states
    it elsewhere (an article dates an event once: "the sale was planned for this Tuesday")."""
    here = check(ev.context)
    if here is None or check(ev.text) is None:
        return None
    return here


def _same(a: str | None, b: str | None) -> bool:
    ca, cb = clean_text(a), clean_text(b)
    return bool(ca and cb and normalize_for_search(ca) == normalize_for_search(cb))


@dataclass(frozen=True, slots=True)
class Grounds:
    """What a draft is checked against: the quote as aligned, its sentence(s), the context (the sentences
    with one neighbour each side), a few sentences before (for pronouns), the article, its date."""

    quote: str
    sentence: str
    context: str
    before: str
    text: str
    published: dt.date | None = None
    #: the article's first few sentences (headline and lede), where its subject is named
    opening: str = ""
    #: the evidence with :data:`NEAR_SENTENCES` sentences each side, where its numbers may be stated
    near: str = ""


def _is_subject(name: str, ev: Grounds) -> bool:
    """True when ``name`` is the article's subject: named, in full or in its short form, in the
    article's opening sentences (headline and lede). Sentences about the subject often leave it
    unnamed ("Chief financial officer X resigned in April")."""
    if not ev.opening:
        return False
    if name_in_text(name, ev.opening):
        return True
    short = _short_form(name, ev.text, len(ev.opening))
    return short is not None and re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", ev.opening) is not None


def _market_problem(market: str, ev: Grounds) -> Problem | None:
    """The market must be named where the move is: in the quoted clause when that names any market,
    else in the context."""
    if market_in_text(market, ev.quote):
        return None
    named_in_quote = [m for m in MARKET_ALIASES if occurs(m, ev.quote)]
    if named_in_quote:
        return Problem("market", f'market "{market}" is not the market the quoted clause names')
    if market_in_text(market, ev.context):
        return None
    return Problem("market", f'market "{market}" is not named in the quoted sentence or next to it')


def _numbers_used(draft: ShareSaleDraft) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for name in ("value", "price_per_share"):
        raw = getattr(draft, name)
        if raw:
            n = parse_number(raw)
            if n is not None:
                out[name] = n
    return out


def find_problems(kind: str, draft: AnyDraft, ev: Grounds) -> list[Problem]:
    """Every problem that keeps ``draft`` (of ``kind``) from being supported by ``ev``, in field order;
    an empty list when every value is supported. Values are compared by meaning: both sides are parsed
    (numbers with magnitudes, money with currencies, percentages, dates resolved against the
    publication date, names in fuller or shorter forms) and the typed values compared. Never raises."""
    out: list[Problem] = []
    if is_instruction(ev.sentence):
        out.append(
            Problem(None, "the quoted sentence is an instruction inside the article, not a report", "event")
        )
    if kind == "ShareSale" and isinstance(draft, ShareSaleDraft):
        return out + _sale_problems(draft, ev)
    if kind == "ExecutiveChange" and isinstance(draft, ExecutiveChangeDraft):
        return out + _change_problems(draft, ev)
    if kind == "StockMove" and isinstance(draft, StockMoveDraft):
        return out + _move_problems(draft, ev)
    return [*out, Problem(None, f"draft of type {type(draft).__name__} is not a {kind}", "event")]


def _given(value: str | None) -> bool:
    return value is not None and bool(value.strip())


_NUMBER_FIELDS = frozenset(
    {"shares", "value", "price_per_share", "stake_before", "stake_after", "change_pct", "price"}
)
#: Words by which a passage speaks of selling shares (any inflection).
_SALE_WORDS_RE = re.compile(r"\b(?:" + SALE_EVIDENCE_WORDS + r")\b", re.IGNORECASE)


def _invented(draft: AnyDraft, problems: list[Problem]) -> Problem | None:
    """An event whose two or more numbers are all absent from the article is invented, not misread."""
    given = [f for f in _NUMBER_FIELDS if _given(getattr(draft, f, None))]
    wrong = {p.field for p in problems if p.field in _NUMBER_FIELDS}
    if len(given) >= 2 and wrong >= set(given):
        return Problem(
            None, f"none of its numbers ({', '.join(sorted(given))}) is stated in the article", "event"
        )
    return None


def _sale_problems(draft: ShareSaleDraft, ev: Grounds) -> list[Problem]:
    out = _identity("seller", draft.seller, ev, person=True) + _identity("company", draft.company, ev)
    if _same(draft.seller, draft.company):
        out.append(
            Problem(
                "seller",
                f'seller "{draft.seller}" is the issuer itself; a company issuing or selling its own shares '
                "is not a share sale",
                "event",
            )
        )
    ctx = ev.context
    used = list(_numbers_used(draft).values())
    checks: list[tuple[str | None, Callable[[str], Problem | None]]] = [
        (draft.shares, lambda c: _count_problem("shares", draft.shares or "", c, used)),
        (draft.value, lambda c: _money_problem("value", draft.value or "", c)),
        (draft.price_per_share, lambda c: _money_problem("price_per_share", draft.price_per_share or "", c)),
        (
            draft.stake_before,
            lambda c: _percent_problem("stake_before", draft.stake_before or "", c, core=False),
        ),
        (
            draft.stake_after,
            lambda c: _percent_problem("stake_after", draft.stake_after or "", c, core=False),
        ),
    ]
    for raw, check in checks:
        if _given(raw):
            p = _here_or_near(check, ev)
            out += [p] if p else []
    before = parse_percent(draft.stake_before) if draft.stake_before else None
    after = parse_percent(draft.stake_after) if draft.stake_after else None
    if before is not None and after is not None and after > before:
        out.append(
            Problem(
                "stake_after",
                f'stake_after "{draft.stake_after}" is larger than stake_before "{draft.stake_before}"',
            )
        )
    status = decide_status(draft.status, ev.sentence, ctx)
    if status != draft.status and draft.status != "unknown":
        out.append(
            Problem(
                "status",
                f'status "{draft.status}" is not what the sentence states; it says the sale is {status}',
                replacement=status,
            )
        )
    p = _here_or_anywhere(lambda c: _date_problem("date", draft.date, c, ev.published), ev)
    out += [p] if p else []
    if not _SALE_WORDS_RE.search(ev.context):
        out.append(
            Problem(None, "the quoted sentence and its neighbours do not speak of selling shares", "event")
        )
    invented = _invented(draft, out)
    return out + ([invented] if invented else [])


def _change_problems(draft: ExecutiveChangeDraft, ev: Grounds) -> list[Problem]:
    out = _identity("company", draft.company, ev) + _identity("person", draft.person, ev, person=True)
    if not draft.role.strip() or clean_text(draft.role) is None:
        out.append(Problem("role", "role is empty", "event"))
    elif not role_in_text(draft.role, ev.context) and not role_in_text(draft.role, ev.text):
        out.append(Problem("role", f'role "{draft.role}" does not occur in the article', "event"))
    out += _identity("predecessor", draft.predecessor, ev, person=True, required=False)
    if _same(draft.person, draft.predecessor):
        out.append(Problem("predecessor", f'predecessor "{draft.predecessor}" is the same as person'))
    p = _here_or_anywhere(
        lambda c: _date_problem("effective_date", draft.effective_date, c, ev.published), ev
    )
    return out + ([p] if p else [])


def _move_problems(draft: StockMoveDraft, ev: Grounds) -> list[Problem]:
    out = _identity("company", draft.company, ev)
    ctx = ev.context
    if _given(draft.ticker) and not ticker_in_text(draft.ticker or "", ev.text):
        out.append(Problem("ticker", f'ticker "{draft.ticker}" does not occur in the article'))

    if _given(draft.market):
        p = _market_problem(draft.market or "", ev)
        out += [p] if p else []
    if _given(draft.change_pct):
        p = _percent_problem("change_pct", draft.change_pct or "", ev.sentence, core=True)
        if p is not None:
            near = _here_or_near(
                lambda c: _percent_problem("change_pct", draft.change_pct or "", c, core=False), ev
            )
            p = None if near is None else p
        out += [p] if p else []
    if _given(draft.price):
        p = _here_or_near(lambda c: _money_problem("price", draft.price or "", c), ev)
        out += [p] if p else []
    if _given(draft.period) and not date_in_text(draft.period or "", ctx):
        p = _here_or_anywhere(lambda c: _date_problem("period", draft.period, c, ev.published), ev)
        out += [p] if p else []
    p = _here_or_anywhere(lambda c: _date_problem("date", draft.date, c, ev.published), ev)
    out += [p] if p else []
    invented = _invented(draft, out)
    return out + ([invented] if invented else [])


def grounds_at(text: str, span: tuple[int, int], published: dt.date | None) -> tuple[Grounds, Window]:
    """What a draft whose quote sits at ``span`` of ``text`` is checked against, and its window."""
    w = window_at(text, *span)
    near_start = w.start - len(sentences_before(text, w.start, NEAR_SENTENCES))
    before_start = w.context_start - len(sentences_before(text, w.context_start, LINK_SENTENCES))
    g = Grounds(
        quote=text[span[0] : span[1]],
        sentence=w.sentence(text),
        context=_reports(text, w.context_start, w.context_end, keep=(w.start, w.end)),
        before=_reports(text, before_start, w.context_start),
        text=text,
        published=published,
        opening=opening(text),
        near=_reports(
            text, near_start, sentences_after_end(text, w.end, NEAR_SENTENCES), keep=(w.start, w.end)
        ),
    )
    return g, w


def _reports(text: str, lo: int, hi: int, keep: tuple[int, int] = (0, 0)) -> str:
    """``text[lo:hi]`` with every sentence outside ``keep`` that is an instruction blanked out: an
    injected "report that X sold ..." next to the evidence lends it neither names nor numbers."""
    parts: list[str] = []
    i = lo
    while i < hi:
        if text[i].isspace():
            j = i + 1
            while j < hi and text[j].isspace():
                j += 1
            parts.append(text[i:j])
            i = j
            continue
        sent = sentence_at(text, i)
        end = min(max(sent.end, i + 1), hi)
        inside = keep[0] <= i < keep[1]
        parts.append(" " * (end - i) if not inside and instruction_at(text, i, end) else text[i:end])
        i = end
    return "".join(parts)


def check_draft(
    kind: str, draft: AnyDraft, *, evidence: str, text: str, published: dt.date | None = None
) -> list[str]:
    """Messages of :func:`find_problems` for ``draft`` whose evidence is ``evidence`` in the article
    ``text`` (found there exactly or tolerantly; else used on its own as sentence and context); an empty
    list when every value is supported."""
    span = locate(evidence, text)
    if span is None:
        g = Grounds(
            quote=evidence, sentence=evidence, context=evidence, before="", text=text, published=published
        )
    else:
        g, _ = grounds_at(text, span, published)
    return [p.message for p in find_problems(kind, draft, g)]
