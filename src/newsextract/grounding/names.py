"""Is a name, a role, a ticker or a market stated by the article, for this event? Pure.

* A name is named in full, in a fuller or shorter form (corporate suffixes aside; a person's last name,
  or family name first after a title), possessive, or in the short form the article uses for a company
  it introduced by its full name; or linked to the evidence by a pronoun or "the company"/"the stock"
  and named in the :data:`~newsextract.grounding.grounds.LINK_SENTENCES` sentences before.
* Who acts (a seller, a person) must be named in the quoted sentence itself unless that sentence refers
  to someone ("he", "the fund"); a company may also be the article's subject (named in its opening).
* Markets: the market the quoted clause names, or, when it names none, one named in the context
  (aliases: NYSE ~ New York, HKEX ~ Hong Kong ...). Tickers: anywhere in the article.
* Roles may be abbreviated both ways (CEO, CFO, CTO, COO, chairman/chair ...).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Literal

from newsextract.grounding.grounds import Grounds, Problem, ProblemLevel
from newsextract.grounding.search import normalize_for_search, occurs, words_of, words_together
from newsextract.lexicon.companies import LEGAL_FORMS, NAME_CONNECTORS
from newsextract.lexicon.markets import market_aliases
from newsextract.normalize.events import clean_text, clean_ticker

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
    words = words_of(clean)
    core = [w for w in words if w not in CORPORATE_SUFFIXES]
    if words_together(core or words, text):
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
        words = [w for w in words_of(v) if w not in _ROLE_STOP]
        if words_together(words, text, slack=3):
            return True
    return False


_PERSON_REFS = re.compile(r"\b(?:he|she|his|her|him|hers)\b", re.IGNORECASE)
_ORG_REFS = re.compile(
    r"\b(?:it|its|they|their|the\s+(?:[\w-]+\s+){0,2}?(?:company|firm|group|bank|fund|carmaker|automaker|"
    r"insurer|lender|retailer|miner|conglomerate|giant|parent|business|operator|maker|developer|investor|"
    r"holder|shareholder|trust|owner|brand|chain|platform|startup|unit|subsidiary|airline|producer|"
    r"manufacturer|supplier|provider|utility|conglomerate|board))\b",
    re.IGNORECASE,
)


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


#: How a name is looked for: as a person's (the last-name rule), an organisation's, or either.
NameSort = Literal["person", "organisation", "either"]


def identity_problem(
    field: str,
    value: str | None,
    ev: Grounds,
    *,
    sort: NameSort = "organisation",
    actor: bool = False,
    subject: bool = False,
    required: bool = True,
) -> list[Problem]:
    """The problem with the name ``value`` of ``field``, if any (see the module docstring). ``actor``: who
    acts, named in the quoted sentence unless that sentence refers to someone; ``subject``: the article's
    subject passes too; ``required``: a problem (an empty value included) costs the event."""
    level: ProblemLevel = "event" if required else "field"
    if value is None or not value.strip() or clean_text(value) is None:
        return [Problem(field, f"{field} is empty", level)] if required else []
    person = sort != "organisation"
    kinds = (True, False) if sort == "either" else (person,)
    opening_end = len(ev.opening)
    if any(
        named_here(value, ev.sentence, "", person=k, text=ev.text, opening_end=opening_end) for k in kinds
    ):
        return []
    # Who acts (a seller, a person) may be named in a neighbouring sentence only when the quoted sentence
    # refers to someone ("he", "the fund", "the founder's family trust"); otherwise the name next door is
    # someone else's ("... Ma was looking to sell ..." is not Jane Jiang's sale because the next sentence
    # names her).
    refers = _PERSON_REFS.search(ev.sentence) is not None or _ORG_REFS.search(ev.sentence) is not None
    if (not actor or refers) and any(
        named_here(value, ev.context, ev.before, person=k, text=ev.text, opening_end=opening_end)
        for k in kinds
    ):
        return []
    if subject and is_subject(value, ev):
        return []
    if name_in_text(value, ev.text, person=person):
        msg = f'{field} "{value}" is not named in the quoted sentence or next to it'
    else:
        msg = f'{field} "{value}" is not named in the article'
    return [Problem(field, msg, level)]


def is_subject(name: str, ev: Grounds) -> bool:
    """True when ``name`` is the article's subject: named, in full or in its short form, in the
    article's opening sentences (headline and lede). Sentences about the subject often leave it
    unnamed ("Chief financial officer X resigned in April")."""
    if not ev.opening:
        return False
    if name_in_text(name, ev.opening):
        return True
    short = _short_form(name, ev.text, len(ev.opening))
    return short is not None and re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", ev.opening) is not None


def market_problem(field: str, market: str, ev: Grounds) -> Problem | None:
    """The market must be named where the move is: in the quoted clause when that names any market,
    else in the context."""
    if market_in_text(market, ev.quote):
        return None
    named_in_quote = [m for m in MARKET_ALIASES if occurs(m, ev.quote)]
    if named_in_quote:
        return Problem(field, f'{field} "{market}" is not the market the quoted clause names')
    if market_in_text(market, ev.context):
        return None
    return Problem(field, f'{field} "{market}" is not named in the quoted sentence or next to it')
