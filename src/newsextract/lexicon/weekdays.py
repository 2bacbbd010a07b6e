"""Weekday names as news text writes them."""

from __future__ import annotations

__all__ = ["WEEKDAY_NAMES", "WEEKDAY_NUMBERS", "WEEKDAY_PATTERN"]

WEEKDAY_NUMBERS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
"""Weekday number (Monday 0) by its name, lower case."""

WEEKDAY_NAMES: tuple[str, ...] = tuple(WEEKDAY_NUMBERS)
"""Weekday names, lower case, Monday first."""

WEEKDAY_PATTERN = "|".join(name.capitalize() for name in WEEKDAY_NAMES)
"""A regular expression (no group, capitalised as written) matching one weekday name."""
