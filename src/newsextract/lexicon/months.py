"""Month names as news text writes them."""

from __future__ import annotations

__all__ = ["MONTH_ABBREVIATIONS", "MONTH_NAMES", "MONTH_NUMBERS", "MONTH_PATTERN", "MONTH_WORDS"]

MONTH_NUMBERS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
"""Month number by the first three letters of its name, lower case."""

MONTH_NAMES: tuple[str, ...] = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
"""Full month names, lower case, in calendar order."""

MONTH_ABBREVIATIONS: frozenset[str] = frozenset(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
"""Abbreviations written with a period ("Jan.", "Sept."); "May" is never abbreviated."""

MONTH_WORDS: frozenset[str] = frozenset({*MONTH_NAMES, *MONTH_ABBREVIATIONS})
"""Every way a month is written as one word, lower case."""

MONTH_PATTERN = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
"""A regular expression (no group, capitalised as written) matching one month name or abbreviation,
without the abbreviation's period."""
