"""Where names and roles are written in a sentence: capitalised multi-word names ("Jack Ma", "Bank of
America") and executive or board roles ("chief technology officer", "as the cloud business chief").
Pure and linear in the sentence."""

from __future__ import annotations

import re

from newsextract.lexicon.months import MONTH_WORDS
from newsextract.lexicon.weekdays import WEEKDAY_NAMES
from newsextract.text.event_words import ROLE_WORDS
from newsextract.text.headlines import WIRE_SLUG, is_caps_headline
from newsextract.text.sentences import SENTENCE_OPENERS
from newsextract.text.spans import Span

__all__ = [
    "NOT_NAMES",
    "name_spans",
    "role_spans",
]


# Capitalised tokens that start sentences (the splitter's openers) or name times, units or nationalities,
# never an entity on their own.
NOT_NAMES = (
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
            and low not in NOT_NAMES
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
