"""Lines that are not sentences of the story: headlines (Title Case, capitals, wire slugs) and correction
notes. Names cannot be told from verbs in a headline; the body restates it. Pure."""

from __future__ import annotations

import re

from newsextract.text.event_words import CHANGE_WORDS, MOVE_WORDS, SALE_WORDS

__all__ = [
    "CORRECTION_NOTE",
    "WIRE_SLUG",
    "is_caps_headline",
    "is_caps_line",
    "is_title_line",
]


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


CORRECTION_NOTE = re.compile(
    r"^[\s*•]*(?:(?:Correction|Clarification|Editor['’]s note)\s*[:\-–—]|CORRECTION\b|CLARIFICATION\b|"
    r"(?:An?|The) (?:earlier|previous) version of this (?:story|article|report))",
    re.IGNORECASE,
)
