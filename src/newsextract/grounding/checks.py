"""Grounding checks: is every value of a draft really in the article? Pure.

:func:`check_draft` returns short, specific problem messages (an empty list means grounded), written to be
sent back to the model as a re-ask. Rules:

* Matching is tolerant: case, Unicode compatibility forms, curly vs straight quotes, hyphens/dashes vs
  spaces, runs of whitespace, and commas that are not thousands separators are all ignored. A value
  must match on word boundaries ("Ma" does not match inside "market").
* Numeric fields (shares, value, price_per_share, stake_before, stake_after, change_pct, price) must occur
  in the article *and* their parsed value must equal a value of the same kind stated in ``evidence`` (the
  quote's sentences): a count or plain number for shares, an amount and currency for money (a money
  string with no currency is compared as a plain number), a percentage for stakes and change_pct. A
  range in the evidence ("10-12 million", "between 5% and 6%") offers both bounds.
* Name fields (seller, company, person, predecessor, market, ticker) must be named in the article: the
  whole name (possessive and quotes ignored, leading "the" dropped); or all its words, corporate suffixes
  (Group, Holding(s), Inc, Ltd ...) aside, within a few words of each other; or, for people (seller,
  person, predecessor), the last word of the name with its capitalisation ("Ma" for "Jack Ma"). Markets
  also match a few aliases (NYSE ~ New York Stock Exchange ~ New York, HKEX ~ Hong Kong ...); a ticker
  matches with or without its exchange part ("9988.HK" ~ "9988").
* role must occur, allowing common abbreviations both ways (CEO, CFO, CTO, COO, CPO, CIO, CMO,
  chairman/chair) or all its words within a few words of each other.
* Date strings (date, effective_date, period) must occur, with or without a leading "on"/"in".
* Cheap plausibility: seller/company/person/role not empty; a ShareSale's seller is not its issuer; a
  predecessor is not the person; a sale does not raise the seller's stake.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from newsextract.core.drafts import AnyDraft, ExecutiveChangeDraft, ShareSaleDraft, StockMoveDraft
from newsextract.normalize.events import clean_text, clean_ticker
from newsextract.normalize.money import find_money, parse_money
from newsextract.normalize.numbers import Quantity, find_quantities, parse_count, parse_number, parse_percent
from newsextract.text.wordindex import WordIndex, find_bounded

_QUOTE_MAP = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
    }
)
_DASH_RE = re.compile(r"[\-‐‑‒–—―−]+")
_COMMA_RE = re.compile(r"(?<![0-9]),|,(?![0-9])")
_WS_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+")
#: Scripts written without spaces (CJK ideographs, kana, hangul): a word boundary means nothing there.
_UNSPACED = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SPACED_WORD = f"[^\\W{_UNSPACED}]"
_UNSPACED_RE = re.compile(f"[{_UNSPACED}]")

CORPORATE_SUFFIXES: frozenset[str] = frozenset(
    {
        "group", "holding", "holdings", "inc", "incorporated", "ltd", "limited", "corp", "corporation",
        "co", "company", "plc", "sa", "ag", "nv", "se", "llc", "lp", "the", "of", "and", "&",
    }
)  # fmt: skip
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

#: Market names that denote the same place.
MARKET_ALIASES: dict[str, tuple[str, ...]] = {
    "nyse": ("new york stock exchange", "new york"),
    "new york stock exchange": ("nyse", "new york"),
    "nasdaq": ("new york",),
    "new york": ("nyse", "nasdaq"),
    "hkex": ("hong kong stock exchange", "hong kong exchange", "hong kong", "hkg", "hkse"),
    "hong kong stock exchange": ("hkex", "hong kong", "hkg"),
    "hong kong": ("hkex", "hkg", "hkse"),
    "hkg": ("hong kong", "hkex"),
    "us": ("u.s.", "united states", "new york", "nyse", "nasdaq"),
    "u.s.": ("us", "united states", "new york", "nyse", "nasdaq"),
    "united states": ("us", "u.s.", "new york"),
    "shanghai": ("sse", "shanghai stock exchange"),
    "shenzhen": ("szse", "shenzhen stock exchange"),
    "london": ("lse", "london stock exchange"),
    "lse": ("london stock exchange", "london"),
    "tokyo": ("tse", "tokyo stock exchange"),
}


@functools.lru_cache(maxsize=1024)  # the article itself is normalised once, not per value
def normalize_for_search(s: str) -> str:
    """``s`` folded for tolerant matching: NFKC, case-folded, curly quotes straightened, dashes turned
    into spaces, commas other than thousands separators removed, whitespace collapsed."""
    s = unicodedata.normalize("NFKC", s).translate(_QUOTE_MAP).casefold()
    s = _DASH_RE.sub(" ", s)
    s = _COMMA_RE.sub(" ", s)
    return _WS_RE.sub(" ", s).strip()


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


def _strip_article(name: str) -> str:
    return re.sub(r"^(?:the)\s+", "", name, flags=re.IGNORECASE)


def name_in_text(name: str, text: str, *, person: bool = False) -> bool:
    """True when ``name`` is named in ``text`` by the module's name rules; ``person`` enables the
    last-word rule ("Ma" for "Jack Ma")."""
    clean = clean_text(name)
    if not clean:
        return False
    clean = _strip_article(clean)
    if occurs(clean, text):
        return True
    words = _tokens(clean)
    core = [w for w in words if w not in CORPORATE_SUFFIXES]
    if _words_together(core or words, text):
        return True
    if person and len(words) >= 2:
        last = re.findall(r"\w+", unicodedata.normalize("NFKC", clean))[-1]
        if len(last) >= 2 and last in _nfkc_words(text):
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


def _stated(evidence: str) -> list[Quantity]:
    """Every quantity stated in ``evidence``: as read (a range's lower bound) and with each bound apart."""
    return find_quantities(evidence) + find_quantities(_unranged(evidence))


def _eq(a: Decimal | float, b: Decimal | float) -> bool:
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def _check_count(field: str, value: str, evidence: str) -> str | None:
    n = parse_count(value)
    if n is None:
        return f'{field} "{value}" is not a number of shares'
    stated = [q.value for q in _stated(evidence) if q.kind == "number"]
    if any(_eq(n, s) for s in stated):
        return None
    return f'{field} "{value}" is not stated in the quoted sentence or next to it'


def _check_money(field: str, value: str, evidence: str) -> str | None:
    money = parse_money(value, context=evidence)
    if money is None:
        number = parse_number(value)
        if number is None:
            return f'{field} "{value}" is not an amount of money'
        if any(_eq(number, q.value) for q in _stated(evidence) if q.kind != "percent"):
            return None
        return f'{field} "{value}" is not stated in the quoted sentence or next to it'
    stated = [m.value for m in find_money(evidence, context=evidence)]
    stated += [m.value for m in find_money(_unranged(evidence), context=evidence)]
    same_amount = [s for s in stated if _eq(s.amount, money.amount)]
    if any(s.currency == money.currency for s in same_amount):
        return None
    if same_amount:
        return (
            f'{field} "{value}" is in {money.currency} but the quoted sentence says {same_amount[0].currency}'
        )
    return f'{field} "{value}" is not stated in the quoted sentence or next to it'


def _check_percent(field: str, value: str, evidence: str) -> str | None:
    p = parse_percent(value)
    if p is None:
        return f'{field} "{value}" is not a percentage'
    stated = [q.value for q in _stated(evidence) if q.kind == "percent"]
    if any(_eq(p, s) for s in stated):
        return None
    return f'{field} "{value}" is not stated in the quoted sentence or next to it'


_Checker = Callable[[str, str, str], str | None]


def _numeric(field: str, value: str | None, checker: _Checker, evidence: str, text: str) -> list[str]:
    if value is None or not value.strip():
        return []
    if not occurs(value, text):
        return [f'{field} "{value}" does not occur in the article']
    problem = checker(field, value, evidence)
    return [problem] if problem else []


def _name(
    field: str, value: str | None, text: str, *, person: bool = False, required: bool = False
) -> list[str]:
    if value is None or not value.strip():
        return [f"{field} is empty"] if required else []
    if clean_text(value) is None:
        return [f"{field} is empty"] if required else []
    if name_in_text(value, text, person=person):
        return []
    return [f'{field} "{value}" is not named in the article']


def _date(field: str, value: str | None, text: str) -> list[str]:
    if value is None or not value.strip() or date_in_text(value, text):
        return []
    return [f'{field} "{value}" does not occur in the article']


def _same(a: str | None, b: str | None) -> bool:
    ca, cb = clean_text(a), clean_text(b)
    return bool(ca and cb and normalize_for_search(ca) == normalize_for_search(cb))


def check_draft(kind: str, draft: AnyDraft, *, evidence: str, text: str) -> list[str]:
    """Problems that keep ``draft`` (of ``kind`` "ShareSale", "ExecutiveChange" or "StockMove") from being
    grounded in the article ``text`` given ``evidence`` (the quote's sentences), one short message per
    problem in field order; an empty list when every value is grounded. Never raises."""
    problems: list[str] = []
    if kind == "ShareSale" and isinstance(draft, ShareSaleDraft):
        problems += _name("seller", draft.seller, text, person=True, required=True)
        problems += _name("company", draft.company, text, required=True)
        if _same(draft.seller, draft.company):
            problems.append(
                f'seller "{draft.seller}" is the issuer itself; a company issuing or selling its own shares '
                "is not a share sale"
            )
        problems += _numeric("shares", draft.shares, _check_count, evidence, text)
        problems += _numeric("value", draft.value, _check_money, evidence, text)
        problems += _numeric("price_per_share", draft.price_per_share, _check_money, evidence, text)
        problems += _numeric("stake_before", draft.stake_before, _check_percent, evidence, text)
        problems += _numeric("stake_after", draft.stake_after, _check_percent, evidence, text)
        before = parse_percent(draft.stake_before) if draft.stake_before else None
        after = parse_percent(draft.stake_after) if draft.stake_after else None
        if before is not None and after is not None and after > before:
            problems.append(
                f'stake_after "{draft.stake_after}" is larger than stake_before "{draft.stake_before}"'
            )
        problems += _date("date", draft.date, text)
    elif kind == "ExecutiveChange" and isinstance(draft, ExecutiveChangeDraft):
        problems += _name("company", draft.company, text, required=True)
        problems += _name("person", draft.person, text, person=True, required=True)
        if not draft.role.strip() or clean_text(draft.role) is None:
            problems.append("role is empty")
        elif not role_in_text(draft.role, text):
            problems.append(f'role "{draft.role}" does not occur in the article')
        problems += _name("predecessor", draft.predecessor, text, person=True)
        if _same(draft.person, draft.predecessor):
            problems.append(f'predecessor "{draft.predecessor}" is the same as person')
        problems += _date("effective_date", draft.effective_date, text)
    elif kind == "StockMove" and isinstance(draft, StockMoveDraft):
        problems += _name("company", draft.company, text, required=True)
        if draft.ticker and draft.ticker.strip() and not ticker_in_text(draft.ticker, text):
            problems.append(f'ticker "{draft.ticker}" does not occur in the article')
        if draft.market and draft.market.strip() and not market_in_text(draft.market, text):
            problems.append(f'market "{draft.market}" is not named in the article')
        problems += _numeric("change_pct", draft.change_pct, _check_percent, evidence, text)
        problems += _numeric("price", draft.price, _check_money, evidence, text)
        problems += _date("period", draft.period, text)
        problems += _date("date", draft.date, text)
    else:
        problems.append(f"draft of type {type(draft).__name__} is not a {kind}")
    return problems
