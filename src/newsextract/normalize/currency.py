"""Currency symbols, codes and words to ISO 4217 codes.

Pure tables and look-ups, no I/O. Rules:

* Explicit forms map directly: ``US$``/``USD``/``US dollars`` -> USD,
  ``HK$``/``HKD``/``Hong Kong dollars`` -> HKD,
  ``RMB``/``Rmb``/``CNY``/``yuan``/``renminbi``/``CN¥`` -> CNY, ``€``/``EUR``/``euro(s)`` -> EUR,
  ``£``/``GBP``/``pound(s)``/``sterling`` -> GBP, ``yen``/``JP¥`` -> JPY, ``S$`` -> SGD, ``A$`` -> AUD,
  ``C$`` -> CAD, ``NT$`` -> TWD, ``NZ$`` -> NZD, ``R$`` -> BRL, ``₩``/``won`` -> KRW,
  ``₹``/``Rs``/``rupee(s)`` -> INR, ``rand`` -> ZAR, ``CHF``/``Swiss francs`` -> CHF, and any ISO 4217
  code of the ISO table (``pycountry``: "500 million CZK", "NGN 2 billion", "KWD 10 million") as itself,
  except codes that are also everyday words or tickers in capitals (:data:`AMBIGUOUS_CODES`).
* "pence" is GBP (in hundredths), and so is a "p" written right after the number ("212.4p").
* "Swedish/Norwegian/Danish crowns" (krona, kronor, krone, kroner) map to SEK/NOK/DKK ("kronor" alone is
  SEK); a bare "crowns"/"kroner" takes the one country (or capital) the context names, else is no money.
* A bare ``$`` (and bare "dollars"/"cents") is USD, unless the context names exactly one kind of non-US
  dollar in words ("Hong Kong dollars", "Singapore dollar", ...) and never mentions US dollars
  (``US$``, ``USD``, "US dollars"); then it is that dollar. Symbols such as ``HK$`` elsewhere in the
  context do *not* change a bare ``$``: articles often quote ``$9.51`` (US) next to ``HK$37.50``.
* ``¥`` is ambiguous: "yen" in the context gives JPY, "yuan"/"renminbi"/"RMB" gives CNY; failing that,
  Japan/Japanese/Tokyo gives JPY and China/Chinese/Beijing/Shanghai/Shenzhen gives CNY; when both or
  neither appear, JPY.
"""

from __future__ import annotations

import functools
import re

import pycountry

#: ISO 4217 codes that are also common words, abbreviations or tickers in financial news, so that an
#: all-capitals headline ("TOP 10 STOCKS", "COP 28", "AMD 5% HIGHER", "IRR 12") never reads as money,
#: plus fund codes, precious metals and testing codes that are not currencies a price is quoted in.
AMBIGUOUS_CODES: frozenset[str] = frozenset(
    {
        "ALL", "TOP", "CUP", "BOB", "PEN", "SOS", "GEL", "AMD", "MAD", "NIO", "BAM", "LAK", "NAD", "TMT",
        "COP", "IRR", "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW", "XSU", "XUA", "XAD",
        "XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XTS", "XXX",
    }
)  # fmt: skip

#: ISO 4217 codes accepted as written: the active codes of the ISO table (``pycountry``), less
#: :data:`AMBIGUOUS_CODES`, plus CNH (offshore yuan, a market convention rather than an ISO code).
ISO_CODES: frozenset[str] = frozenset(
    {c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in AMBIGUOUS_CODES} | {"CNH"}
)

# Symbols written before a number (longest first so "HK$" wins over "$").
_PREFIX_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "U.S.$": "USD",
    "HK$": "HKD",
    "S$": "SGD",
    "SG$": "SGD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NT$": "TWD",
    "NZ$": "NZD",
    "R$": "BRL",
    "MOP$": "MOP",
    "CN¥": "CNY",
    "RMB¥": "CNY",
    "JP¥": "JPY",
    "€": "EUR",
    "£": "GBP",
    "₩": "KRW",
    "₹": "INR",
    "RS.": "INR",
    "RS": "INR",
    "RMB": "CNY",
}

# Words written after a number, keyed by a normalised form (lower case, single spaces, no final "s").
_WORDS: dict[str, str] = {
    "us dollar": "USD",
    "u.s. dollar": "USD",
    "american dollar": "USD",
    "hong kong dollar": "HKD",
    "hk dollar": "HKD",
    "singapore dollar": "SGD",
    "australian dollar": "AUD",
    "canadian dollar": "CAD",
    "new taiwan dollar": "TWD",
    "taiwan dollar": "TWD",
    "taiwanese dollar": "TWD",
    "new zealand dollar": "NZD",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rmb": "CNY",
    "chinese yuan": "CNY",
    "euro": "EUR",
    "pound": "GBP",
    "pound sterling": "GBP",
    "british pound": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "japanese yen": "JPY",
    "won": "KRW",
    "korean won": "KRW",
    "south korean won": "KRW",
    "swedish crown": "SEK",
    "swedish krona": "SEK",
    "swedish kronor": "SEK",
    "kronor": "SEK",
    "krona": "SEK",
    "norwegian crown": "NOK",
    "norwegian krone": "NOK",
    "norwegian kroner": "NOK",
    "danish crown": "DKK",
    "danish krone": "DKK",
    "danish kroner": "DKK",
    "rupee": "INR",
    "indian rupee": "INR",
    "swiss franc": "CHF",
    "franc": "CHF",
    "ringgit": "MYR",
    "baht": "THB",
    "rupiah": "IDR",
    "rand": "ZAR",
    "south african rand": "ZAR",
}

_CODES_ALT = "|".join(sorted(ISO_CODES, key=len, reverse=True))

#: Regex (no groups) for a currency token written *before* a number: ``HK$``, ``USD``, ``€`` ...
PREFIX_PATTERN: str = (
    r"(?:(?<![A-Za-z])(?:US\$|U\.S\.\$|HK\$|SG\$|S\$|AU\$|A\$|CA\$|C\$|NT\$|NZ\$|R\$|MOP\$|CN¥|JP¥|RMB¥)"
    r"|(?<![A-Za-z])(?:(?i:RMB)|Rs\.?|" + _CODES_ALT + r")(?![A-Za-z])"
    r"|[$€£¥₩₹])"
)

#: Regex (no groups) for a currency word or code written *after* a number: ``yuan``, ``Hong Kong dollars`` ...
SUFFIX_PATTERN: str = (
    r"(?:(?i:(?:US|U\.S\.|American|Hong\s+Kong|HK|Singapore|Australian|Canadian|New\s+Taiwan|Taiwan|"
    r"Taiwanese|New\s+Zealand)\s+dollars?|dollars?|cents?|yuan|renminbi|euros?|"
    r"(?:British\s+)?pounds?(?:\s+sterling)?|sterling|(?:Japanese\s+)?yen|(?:South\s+)?(?:Korean\s+)?won|"
    r"(?:Indian\s+)?rupees?|(?:Swiss\s+)?francs?|ringgit|baht|rupiah|(?:South\s+African\s+)?rand|pence|RMB|"
    r"(?:(?:Swedish|Norwegian|Danish)\s+)?(?:crowns?|kron(?:or|a|er|e)))(?![A-Za-z])"
    r"|(?:" + _CODES_ALT + r")(?![A-Za-z])"
    r"|(?<=[0-9])p(?![A-Za-z0-9]|\.[A-Za-z]))"
)

_NON_US_DOLLARS: dict[str, str] = {
    r"hong\s+kong\s+dollars?|hk\s+dollars?": "HKD",
    r"singapore\s+dollars?": "SGD",
    r"australian\s+dollars?": "AUD",
    r"canadian\s+dollars?": "CAD",
    r"(?:new\s+)?taiwan(?:ese)?\s+dollars?": "TWD",
    r"new\s+zealand\s+dollars?": "NZD",
}
_US_DOLLAR_RE = re.compile(r"US\$|U\.S\.\$|\bUSD\b|\b(?:US|U\.S\.|American)\s+dollars?\b", re.IGNORECASE)
#: :data:`_US_DOLLAR_RE` in three parts, each tried only where it can match (a "$", "usd", "dollar").
_US_SYMBOL_RE = re.compile(r"US\$|U\.S\.\$", re.IGNORECASE)
_USD_RE = re.compile(r"\bUSD\b", re.IGNORECASE)
_US_DOLLAR_WORDS_RE = re.compile(r"\b(?:US|U\.S\.|American)\s+dollars?\b", re.IGNORECASE)


#: A word every match of each pattern of :data:`_NON_US_DOLLARS` holds (case aside), in its order.
_NON_US_WORDS: tuple[tuple[str, ...], ...] = (
    ("hong", "hk"),
    ("singapore",),
    ("australian",),
    ("canadian",),
    ("taiwan",),
    ("zealand",),
)
#: What IGNORECASE equates with an ASCII letter but ``str.lower`` does not give as one (dotless i, long s,
#: the combining dot that lowercasing a dotted capital I leaves).
_ODD_LETTERS = (("ı", "i"), ("ſ", "s"), ("\u0307", ""))


def _plain_letters(low: str) -> str:
    """Lowercased ``low`` with :data:`_ODD_LETTERS` made plain: a word a case-insensitive pattern
    matches in the original is a substring of this."""
    if not low.isascii():
        for odd, plain in _ODD_LETTERS:
            if odd in low:
                low = low.replace(odd, plain)
    return low


def _dollar_signs(text: str) -> list[int]:
    """The offsets of every "$" in ``text``."""
    found, i = [], text.find("$")
    while i >= 0:
        found.append(i)
        i = text.find("$", i + 1)
    return found


_YEN_RE = re.compile(r"\byen\b", re.IGNORECASE)
_YUAN_RE = re.compile(r"\b(?:yuan|renminbi|rmb)\b", re.IGNORECASE)
_JAPAN_RE = re.compile(r"\b(?:japan|japanese|tokyo|nikkei)\b", re.IGNORECASE)
_CHINA_RE = re.compile(r"\b(?:china|chinese|beijing|shanghai|shenzhen|hangzhou)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=256)  # one context, many amounts: read it once
def resolve_dollar(context: str = "") -> str:
    """ISO code for a bare ``$`` (or "dollars"): USD unless ``context`` names exactly one non-US dollar
    in words and never mentions US dollars. Never raises."""
    low = context.lower()  # the searches below run only where their words are (they cost ~0.1 ms per KB)
    dollar = "dollar" in low  # no letter of "dollar" has another form the regex engine's IGNORECASE equates
    usd = "usd" in low or "uſd" in low  # "ſ" (long s) is equated with "s"
    if (
        any(_US_SYMBOL_RE.match(context, p - k) for p in _dollar_signs(context) for k in (2, 4) if p >= k)
        or (usd and _USD_RE.search(context))
        or (dollar and _US_DOLLAR_WORDS_RE.search(context))
    ):
        return "USD"
    if not dollar:  # every non-US dollar is named with the word "dollar"
        return "USD"
    plain = _plain_letters(low)
    found = {
        code
        for (pat, code), words in zip(_NON_US_DOLLARS.items(), _NON_US_WORDS, strict=True)
        if any(w in plain for w in words) and re.search(pat, context, re.IGNORECASE)
    }
    if len(found) == 1:
        return next(iter(found))
    return "USD"


@functools.lru_cache(maxsize=256)  # one context, many amounts: read it once
def resolve_yen_symbol(context: str = "") -> str:
    """ISO code for a bare ``¥``: JPY or CNY from context words, JPY when undecided. Never raises."""
    yen, yuan = bool(_YEN_RE.search(context)), bool(_YUAN_RE.search(context))
    if yen != yuan:
        return "JPY" if yen else "CNY"
    japan, china = bool(_JAPAN_RE.search(context)), bool(_CHINA_RE.search(context))
    if china and not japan:
        return "CNY"
    return "JPY"


_CROWN_CONTEXT: tuple[tuple[str, str], ...] = (
    (r"\b(?:Sweden|Swedish|Stockholm)\b", "SEK"),
    (r"\b(?:Norway|Norwegian|Oslo)\b", "NOK"),
    (r"\b(?:Denmark|Danish|Copenhagen)\b", "DKK"),
)


@functools.lru_cache(maxsize=256)  # one context, many amounts: read it once
def _resolve_crown(context: str) -> str | None:
    """A bare "crowns"/"kroner": the country the context names (Sweden, Norway, Denmark or their
    capitals); None when it names none or several."""
    found = {code for pattern, code in _CROWN_CONTEXT if re.search(pattern, context, re.IGNORECASE)}
    return found.pop() if len(found) == 1 else None


def _norm_word(token: str) -> str:
    t = re.sub(r"\s+", " ", token.strip()).lower()
    if t.endswith("s") and t not in {"rs", "rs.", "baht"}:
        t = t[:-1]
    return t


def to_iso(token: str, *, context: str = "") -> str | None:
    """ISO 4217 code for a currency symbol, code or word as written (``"HK$"``, ``"Rmb"``, ``"euros"``,
    ``"Hong Kong dollars"``), using ``context`` only for a bare ``$``/dollars/cents and for ``¥``.
    Returns None for anything it does not know. Never raises."""
    t = token.strip()
    if not t:
        return None
    if t == "$":
        return resolve_dollar(context)
    if t == "¥":
        return resolve_yen_symbol(context)
    upper = t.upper()
    if upper in ISO_CODES:
        return upper
    if upper in _PREFIX_SYMBOLS:
        return _PREFIX_SYMBOLS[upper]
    if t in _PREFIX_SYMBOLS:
        return _PREFIX_SYMBOLS[t]
    word = _norm_word(t)
    if word in {"dollar", "cent"}:
        return resolve_dollar(context)
    if word in {"crown", "krone", "kroner"}:
        return _resolve_crown(context)
    if word in {"pence", "penny"} or t == "p":
        return "GBP"
    return _WORDS.get(word)


def is_cents(token: str) -> bool:
    """True when the currency token is "cent(s)" or "pence" (the amount is in hundredths of the unit)."""
    return _norm_word(token) in {"cent", "pence", "penny"} or token.strip() == "p"
