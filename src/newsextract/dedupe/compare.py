"""Values compared by meaning: the one place that says when two names, roles, markets, periods, codes or
values denote the same thing. De-duplication and evaluation both ask here. Pure.

* names: case, punctuation, possessives and corporate suffixes ignored, and one name's words contained
  in the other's ("Ma" ~ "Jack Ma", "Alibaba Group Holding" ~ "Alibaba", "Jeff Zhang" !~ "Daniel Zhang");
* roles: filler words ignored, one role's words contained in the other's, or an acronym of it ("CTO" ~
  "chief technology officer", "CEO" ~ "chief executive");
* markets: by alias group ("NYSE" ~ "New York" ~ "the US");
* periods: without a leading preposition ("on Thursday" ~ "Thursday");
* codes (tickers): case-insensitive, an exchange suffix ignored when only one side has it ("9988.HK" ~
  "9988", "BRK.A" !~ "BRK.B");
* text: folded (NFKC, case, quotes, spacing);
* money: amount and currency (the qualifier is ignored); numbers within a tolerance; anything else equal.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

from newsextract.core.schemas import Money
from newsextract.lexicon.companies import LEGAL_FORMS
from newsextract.lexicon.folding import fold, fold_quotes
from newsextract.lexicon.markets import market_codes

__all__ = [
    "CORPORATE_SUFFIXES",
    "INDEXABLE",
    "MARKET_ALIASES",
    "Comparison",
    "codes_match",
    "fold_text",
    "index_keys",
    "markets_match",
    "name_tokens",
    "names_match",
    "normalize_market",
    "normalize_name",
    "normalize_period",
    "roles_match",
    "values_agree",
]

#: How two values of a field are compared (see the module docstring).
Comparison = Literal["name", "role", "market", "period", "code", "text", "money", "number", "equal"]

CORPORATE_SUFFIXES = LEGAL_FORMS | {"the", "and"}
"""Words dropped from company and seller names before comparing them."""

_APOSTROPHES = "'’‘`´ʼ"
_POSSESSIVE = re.compile(r"(?<=\w)[" + _APOSTROPHES + r"]s\b|(?<=s)[" + _APOSTROPHES + r"](?=\s|$)")
_NON_WORD = re.compile(r"[^\w]+")
_PERIOD_PREPOSITIONS = frozenset(["on", "in", "at", "during", "over", "for", "by", "since", "as", "of"])
_ROLE_FILLER = frozenset({"of", "the", "and", "a", "an", "its", "group"})

MARKET_ALIASES: dict[str, str] = {
    " ".join(t for t in _NON_WORD.split(k) if t): v for k, v in market_codes().items()
}
"""Exchange and city names that denote the same market, keyed by normalised name."""


_fold = fold


def fold_text(s: str) -> str:
    """``s`` for comparison as text: NFKC, case-folded, quotes straightened, spacing collapsed."""
    return " ".join(fold_quotes(fold(s)).split())


def _tokens(name: str) -> tuple[str, ...]:
    s = _POSSESSIVE.sub("", _fold(name))
    toks = tuple(t for t in _NON_WORD.split(s) if t and t != "_")
    kept = tuple(t for t in toks if t not in CORPORATE_SUFFIXES)
    return kept or toks


_cached_tokens = functools.lru_cache(maxsize=4096)(_tokens)
#: Names up to this length are tokenised once and remembered (de-duplication compares every name
#: many times); a longer one, rare and only ever a model's mistake, is tokenised each time.
_CACHED_NAME_CHARS = 200


def name_tokens(name: str) -> tuple[str, ...]:
    """Tokens of a person or company name for comparison: case-folded, possessives ("Alibaba's",
    "Xpeng’s") and punctuation removed, corporate suffixes (:data:`CORPORATE_SUFFIXES`) dropped
    unless nothing else would remain."""
    return _cached_tokens(name) if len(name) <= _CACHED_NAME_CHARS else _tokens(name)


def normalize_name(name: str) -> str:
    """The canonical comparison form of a name: :func:`name_tokens` joined by spaces
    ("Alibaba Group Holding Ltd." -> "alibaba", "Ma’s" -> "ma")."""
    return " ".join(name_tokens(name))


def names_match(a: str | None, b: str | None) -> bool:
    """True when two names denote the same entity: equal after :func:`normalize_name`, or all
    tokens of one are among the tokens of the other ("Ma" ~ "Jack Ma", "Alibaba Group Holding" ~
    "Alibaba"). Two Nones match; None never matches a name; an empty name matches nothing."""
    if a is None or b is None:
        return a is None and b is None
    ta, tb = set(name_tokens(a)), set(name_tokens(b))
    if not ta or not tb:
        return False
    return ta <= tb or tb <= ta


def _role_words(role: str) -> list[str]:
    return [t for t in _NON_WORD.split(_fold(role)) if t and t not in _ROLE_FILLER]


def _acronym_of(short: list[str], long: list[str]) -> bool:
    if len(short) != 1 or len(long) < 2:
        return False
    initials = "".join(w[0] for w in long)
    # "CEO" ~ "chief executive officer", and ~ "chief executive" (the officer left unsaid)
    return short[0] in (initials, initials + "o")


def roles_match(a: str | None, b: str | None) -> bool:
    """True when two role descriptions plausibly name the same role: equal ignoring case and
    filler words, one's words contained in the other's ("president" ~ "acting president of Alibaba
    Cloud"), or one is the acronym of the other ("CTO" ~ "chief technology officer", "CEO" ~ "chief
    executive"). None or empty matches anything."""
    if not a or not b:
        return True
    wa, wb = _role_words(a), _role_words(b)
    if not wa or not wb:
        return True
    sa, sb = set(wa), set(wb)
    return sa <= sb or sb <= sa or _acronym_of(wa, wb) or _acronym_of(wb, wa)


def normalize_market(market: str) -> str:
    """Canonical market: alias group from :data:`MARKET_ALIASES` ("NYSE", "New York", "the US" ->
    "US"), else the case-folded words joined by spaces."""
    key = " ".join(t for t in _NON_WORD.split(_fold(market)) if t)
    return MARKET_ALIASES.get(key, MARKET_ALIASES.get(key.removeprefix("the "), key))


def markets_match(a: str | None, b: str | None) -> bool:
    """True when both markets are None, or both are set with the same :func:`normalize_market`."""
    if a is None or b is None:
        return a is None and b is None
    return normalize_market(a) == normalize_market(b)


def normalize_period(period: str) -> str:
    """Period for comparison: case-folded words without a leading preposition ("On Thursday" ->
    "thursday", "so far this year" unchanged)."""
    words = [t for t in _NON_WORD.split(_fold(period)) if t]
    while words and words[0] in _PERIOD_PREPOSITIONS:
        words = words[1:]
    return " ".join(words)


def _code(code: str) -> tuple[str, str | None]:
    base, dot, suffix = _fold(code).strip().upper().partition(".")
    return base, suffix if dot else None


def codes_match(a: str, b: str) -> bool:
    """True when two codes (tickers) are equal ignoring case and spacing, or equal but for an exchange
    suffix only one of them has ("9988.HK" ~ "9988"; "BRK.A" !~ "BRK.B")."""
    (base_a, suffix_a), (base_b, suffix_b) = _code(a), _code(b)
    return base_a == base_b and (suffix_a == suffix_b or suffix_a is None or suffix_b is None)


def _same_period(a: str, b: str) -> bool:
    return normalize_period(a) == normalize_period(b)


def _same_text(a: str, b: str) -> bool:
    return fold_text(a) == fold_text(b)


#: How two strings agree, per comparison (any other comparison: equal as written).
_STRINGS_AGREE: dict[str, Callable[[str, str], bool]] = {
    "name": names_match,
    "role": roles_match,
    "market": markets_match,
    "period": _same_period,
    "code": codes_match,
    "text": _same_text,
}
#: Keys of a string, per comparison: two strings that agree share one (names a word, markets their group).
_STRING_KEYS: dict[str, Callable[[str], Iterable[str]]] = {
    "name": name_tokens,
    "market": lambda s: (normalize_market(s),),
    "period": lambda s: (normalize_period(s),),
    "code": lambda s: (_code(s)[0],),
    "text": lambda s: (fold_text(s),),
    "equal": lambda s: (s,),
}
#: Comparisons that give index keys (:func:`index_keys`); roles and numbers within a tolerance do not.
INDEXABLE: frozenset[str] = frozenset(_STRING_KEYS)


def index_keys(how: Comparison, value: Any) -> frozenset[str] | None:
    """Keys such that two values that agree under ``how`` share at least one (names share a word,
    markets their alias group ...); None when ``how`` is not :data:`INDEXABLE`."""
    if how not in INDEXABLE:
        return None
    if isinstance(value, str):
        return frozenset(_STRING_KEYS[how](value))
    return frozenset({repr(value)}) if how == "equal" else None


def values_agree(how: Comparison, a: Any, b: Any, *, tolerance: float) -> bool:
    """Whether two set values agree under ``how`` (see the module docstring); numbers that are not both
    integers agree within ``tolerance``. Values of an unexpected type compare equal or not."""
    if isinstance(a, str) and isinstance(b, str):
        agree = _STRINGS_AGREE.get(how)
        return agree(a, b) if agree is not None else a == b
    if isinstance(a, Money) and isinstance(b, Money):
        return a.amount == b.amount and a.currency.strip().upper() == b.currency.strip().upper()
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    numbers = isinstance(a, float | int) and isinstance(b, float | int)
    if numbers and (isinstance(a, float) or isinstance(b, float)):
        return math.isclose(float(a), float(b), abs_tol=tolerance)
    if isinstance(a, dt.date) and isinstance(b, dt.date):
        return a == b
    return bool(a == b)
