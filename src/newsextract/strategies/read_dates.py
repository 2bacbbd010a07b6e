"""Dates and days as the embedded path's rules read them from one sentence, as written. Pure."""

from __future__ import annotations

import re

from newsextract.lexicon.months import MONTH_ABBREVIATIONS, MONTH_NAMES
from newsextract.lexicon.weekdays import WEEKDAY_PATTERN

__all__ = ["DATE", "DATELINE", "DAY", "MONTH", "WEEKDAY", "event_date"]

WEEKDAY = r"(?:" + WEEKDAY_PATTERN + ")"
# a month written out or abbreviated with its period ("Sept."): "May" alone is the month, "Mar" is not
MONTH = (
    r"(?:"
    + "|".join(m.capitalize() for m in MONTH_NAMES)
    + "|"
    + "|".join(re.escape(a.capitalize() + ".") for a in sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
    + ")"
)
DATE = re.compile(
    rf"\b(?:(?:on |since |from |effective )?{MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"(?: last year| this year)?"
    rf"|(?:on |this |last |next )?{WEEKDAY}(?: (?:morning|afternoon|evening|night))?"
    rf"|(?:in )?{MONTH}(?: \d{{4}})?|today|yesterday|tomorrow|overnight"
    rf"|(?:last|this|next) (?:week|month|year))\b"
)
"""A date or day as an event's date is written ("on May 2", "last week", "Tuesday morning")."""
DAY = re.compile(rf"\b(?:{WEEKDAY}|{MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|today|yesterday)\b")
"""One day: a weekday, a month and day, today or yesterday."""
# a dateline opening the first sentence: "LONDON, May 2, 2024 (Wire) - "
DATELINE = re.compile(r"^[A-Z][A-Z .'’-]+,\s[^\n]{0,60}?\s(?:-|–|—|--)\s")

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
    for d in DATE.finditer(clause, pos, hi):
        if not _REPORTING.search(clause[max(0, d.start() - 16) : d.start()]):
            return d.group()
    return None
