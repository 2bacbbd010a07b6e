"""Calendar dates from date expressions in news text, resolved against the publication date. Pure.

Only expressions that name a single day are dates. Rules (``published`` is the article's date):

* Absolute: "April 1, 2023", "on July 26, 2023", "1 April 2023", "Apr. 1st 2023", "2023-04-01".
* Month and day without a year: "December 15" takes ``published``'s year, unless that date would fall
  more than 60 days after ``published`` - then the previous year (news reports the past). "December 15
  last year" / "this year" / "next year" use ``published``'s year -1 / +0 / +1.
* "today", "tonight", "this morning/afternoon/evening" = ``published``; "yesterday" = the day before;
  "the day before yesterday" = two days before; "tomorrow" = the day after; "two days ago", "3 days
  ago", "a week ago", "a fortnight ago" = that many days (7 a week, 14 a fortnight) before.
  ("Two months ago" names no single day.) dateparser was measured as an alternative
  (``bench/bench_dates.py``) and not taken: it names a day for "in October" and "last week", and reads
  "this Tuesday" as next week's.
* Weekdays (weeks start on Monday):
  - bare or "on Friday": the most recent Friday on or before ``published`` (``published`` itself if it
    is a Friday);
  - "last/past/previous Thursday": the most recent Thursday strictly before ``published``. (English is
    ambiguous here - some writers mean "of last week" - and we do not go one week further back: the
    nearest earlier day is right for the common case of a report about the last few days.)
  - "this Tuesday": the Tuesday of ``published``'s week, Monday-start (it may be after ``published``);
  - "next/coming Tuesday": the first Tuesday strictly after ``published``.
* Not dates (None): "overnight", "last week", "in October", "October 2023", "in 2019", "earlier this
  month", impossible days ("February 30"), and any relative expression when ``published`` is None.
"""

from __future__ import annotations

import datetime as dt
import re

from newsextract.lexicon.months import MONTH_NUMBERS, MONTH_PATTERN
from newsextract.lexicon.weekdays import WEEKDAY_NUMBERS, WEEKDAY_PATTERN
from newsextract.normalize.mentions import Mention

MONTHS: dict[str, int] = MONTH_NUMBERS  # one list of months: newsextract.lexicon.months
WEEKDAYS: dict[str, int] = WEEKDAY_NUMBERS  # one list of weekdays: newsextract.lexicon.weekdays

#: Days a month-and-day without a year may lie after ``published`` before it is taken as last year's.
FUTURE_TOLERANCE_DAYS = 60

_MONTH_NAMES = MONTH_PATTERN
_MONTH = r"(?:" + _MONTH_NAMES + "|" + _MONTH_NAMES.upper() + r")(?![a-z])\.?"
_DAY = r"(?:[0-3]?[0-9])(?![0-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89][0-9]{2}|20[0-9]{2}|2100)(?![0-9])"
_REL_YEAR = r"(?:,?\s+(?P<{n}>(?i:last|this|next))\s+(?i:year))?"
_WEEKDAY_NAMES = WEEKDAY_PATTERN
#: Capitalised or all capitals (wire briefs are often set in capitals); never lower case ("may").
_WEEKDAY = r"(?:" + _WEEKDAY_NAMES + "|" + _WEEKDAY_NAMES.upper() + r")"

_DATE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?P<iso_y>" + _YEAR + r")-(?P<iso_m>[01][0-9])-(?P<iso_d>[0-3][0-9])(?![0-9])"
    r"|(?P<mdy_m>" + _MONTH + r")\s+(?P<mdy_d>" + _DAY + r")(?:,\s*|\s+)(?P<mdy_y>" + _YEAR + r")"
    r"|(?P<dmy_d>" + _DAY + r")\s+(?:of\s+)?(?P<dmy_m>" + _MONTH + r"),?\s+(?P<dmy_y>" + _YEAR + r")"
    r"|(?P<md_m>"
    + _MONTH
    + r")\s+(?P<md_d>"
    + _DAY
    + r")"
    + _REL_YEAR.format(n="md_rel")
    + r"(?![0-9]|,\s*[0-9]|\s*%|\s+(?i:percent|per\s+cent|pct)\b)"
    r"|(?P<dm_d>"
    + _DAY
    + r")\s+(?:of\s+)?(?P<dm_m>"
    + _MONTH
    + r")"
    + _REL_YEAR.format(n="dm_rel")
    + r"|(?P<rel>(?i:the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow|"
    r"this\s+(?:morning|afternoon|evening)))(?![A-Za-z])"
    r"|(?P<ago_n>[0-9]{1,3}|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))\s+"
    r"(?P<ago_u>(?i:days?|weeks?|fortnights?))\s+(?i:ago)(?![A-Za-z])"
    r"|(?:(?P<wk_rel>(?i:last|past|previous|this|next|coming))\s+)?(?P<wk>" + _WEEKDAY + r")(?![a-z])"
    r")"
)

_KIND_PRIORITY = {"absolute": 0, "month_day": 1, "relative": 2, "weekday": 3}


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _month(word: str) -> int:
    return MONTHS[word.rstrip(".")[:3].lower()]


def _day(word: str) -> int:
    return int(re.sub(r"[a-z]+$", "", word))


def _month_day(month: int, day: int, rel: str | None, published: dt.date | None) -> dt.date | None:
    if published is None:
        return None
    if rel:
        offset = {"last": -1, "this": 0, "next": 1}[rel.lower()]
        return _safe_date(published.year + offset, month, day)
    cand = _safe_date(published.year, month, day)
    if cand is None:
        return None
    if (cand - published).days > FUTURE_TOLERANCE_DAYS:
        return _safe_date(published.year - 1, month, day)
    return cand


def _weekday(target: int, rel: str | None, published: dt.date | None) -> dt.date | None:
    if published is None:
        return None
    back = (published.weekday() - target) % 7  # days back to the most recent such day, on or before
    r = (rel or "").lower()
    try:
        if r in {"last", "past", "previous"}:
            return published - dt.timedelta(days=back or 7)
        if r == "this":
            return published + dt.timedelta(days=target - published.weekday())
        if r in {"next", "coming"}:
            return published + dt.timedelta(days=(target - published.weekday()) % 7 or 7)
        return published - dt.timedelta(days=back)
    except OverflowError:
        return None


def _relative(word: str, published: dt.date | None) -> dt.date | None:
    if published is None:
        return None
    w = " ".join(word.lower().split())
    offsets = {"the day before yesterday": -2, "yesterday": -1, "tomorrow": 1}
    try:
        return published + dt.timedelta(days=offsets.get(w, 0))
    except OverflowError:
        return None


_AGO_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_AGO_DAYS = {"day": 1, "week": 7, "fortnight": 14}


def _ago(number: str, unit: str, published: dt.date | None) -> dt.date | None:
    if published is None:
        return None
    n = int(number) if number.isdigit() else _AGO_NUMBERS[number.lower()]
    try:
        return published - dt.timedelta(days=n * _AGO_DAYS[unit.lower().rstrip("s")])
    except OverflowError:
        return None


def _resolve(m: re.Match[str], published: dt.date | None) -> tuple[str, dt.date | None]:
    g = m.group
    if g("iso_y"):
        return "absolute", _safe_date(int(g("iso_y")), int(g("iso_m")), int(g("iso_d")))
    if g("mdy_m"):
        return "absolute", _safe_date(int(g("mdy_y")), _month(g("mdy_m")), _day(g("mdy_d")))
    if g("dmy_m"):
        return "absolute", _safe_date(int(g("dmy_y")), _month(g("dmy_m")), _day(g("dmy_d")))
    if g("md_m"):
        return "month_day", _month_day(_month(g("md_m")), _day(g("md_d")), g("md_rel"), published)
    if g("dm_m"):
        return "month_day", _month_day(_month(g("dm_m")), _day(g("dm_d")), g("dm_rel"), published)
    if g("rel"):
        return "relative", _relative(g("rel"), published)
    if g("ago_n"):
        return "relative", _ago(g("ago_n"), g("ago_u"), published)
    return "weekday", _weekday(WEEKDAYS[g("wk").lower()], g("wk_rel"), published)


def find_dates(text: str, published: dt.date | None = None) -> list[Mention[dt.date | None]]:
    """Every single-day date expression in ``text`` in order, each resolved by the module rules (value
    None when it needs ``published`` and that is None, or names an impossible day). The span covers the
    whole expression ("December 15 last year", "last Thursday"). Never raises."""
    out: list[Mention[dt.date | None]] = []
    for m in _DATE_RE.finditer(text):
        _, value = _resolve(m, published)
        out.append(Mention(m.start(), m.end(), m.group(0), value))
    return out


def resolve_date(text: str, published: dt.date | None) -> dt.date | None:
    """The date that ``text`` names, by the module rules; None when it names no single day or cannot be
    resolved. When several expressions appear, the most explicit wins (full date, then month and day,
    then today/yesterday, then weekday), then the first. Never raises."""
    best: tuple[int, int, dt.date] | None = None
    for m in _DATE_RE.finditer(text):
        kind, value = _resolve(m, published)
        if value is None:
            continue
        key = (_KIND_PRIORITY[kind], m.start(), value)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


_PAST_YEAR_RE = re.compile(r"\bin\s+(?:(?:early|late|mid-?)\s*)?((?:19|20)[0-9]{2})\b")


def past_years(text: str) -> list[int]:
    """Years in which something in ``text`` happened ("in 2019", "in early 2020"), in order. "since 2011"
    (a tenure still running) and a bare year in a name or a figure do not count. Never raises."""
    return [int(m.group(1)) for m in _PAST_YEAR_RE.finditer(text)]
