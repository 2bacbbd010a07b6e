"""Date resolution rules (see newsextract.normalize.dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsextract.normalize.dates import find_dates, resolve_date

PUB = dt.date(2023, 11, 23)  # a Thursday, the seed article's date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("April 1, 2023", dt.date(2023, 4, 1)),
        ("on April 1, 2023", dt.date(2023, 4, 1)),
        ("on July 26, 2023", dt.date(2023, 7, 26)),
        ("1 April 2023", dt.date(2023, 4, 1)),
        ("Apr. 1st, 2023", dt.date(2023, 4, 1)),
        ("2023-04-01", dt.date(2023, 4, 1)),
        ("15th of March, 2022", dt.date(2022, 3, 15)),
    ],
)
def test_absolute(text: str, expected: dt.date) -> None:
    assert resolve_date(text, PUB) == expected
    assert resolve_date(text, None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("December 15 last year", dt.date(2022, 12, 15)),
        ("An SEC filing on December 15 last year showed", dt.date(2022, 12, 15)),
        ("December 15 this year", dt.date(2023, 12, 15)),
        ("March 3 next year", dt.date(2024, 3, 3)),
        ("November 20", dt.date(2023, 11, 20)),
        ("Nov. 16", dt.date(2023, 11, 16)),
        ("December 15", dt.date(2023, 12, 15)),  # 22 days ahead: still this year
        ("January 10", dt.date(2023, 1, 10)),
        ("16 November", dt.date(2023, 11, 16)),
    ],
)
def test_month_day(text: str, expected: dt.date) -> None:
    assert resolve_date(text, PUB) == expected


def test_month_day_far_future_is_last_year() -> None:
    published = dt.date(2024, 1, 10)
    assert resolve_date("December 15", published) == dt.date(2023, 12, 15)
    assert resolve_date("March 1", published) == dt.date(2024, 3, 1)  # 51 days ahead
    assert resolve_date("March 20", published) == dt.date(2023, 3, 20)  # 70 days ahead
    assert resolve_date("December 15", None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last Thursday", dt.date(2023, 11, 16)),  # strictly before a Thursday: a week back
        ("Two regulatory filings last Thursday showed", dt.date(2023, 11, 16)),
        ("last Wednesday", dt.date(2023, 11, 22)),
        ("last Friday", dt.date(2023, 11, 17)),
        ("past Monday", dt.date(2023, 11, 20)),
        ("this Tuesday", dt.date(2023, 11, 21)),
        ("this Saturday", dt.date(2023, 11, 25)),
        ("Thursday", dt.date(2023, 11, 23)),  # on or before published
        ("on Friday", dt.date(2023, 11, 17)),
        ("on Wednesday", dt.date(2023, 11, 22)),
        ("next Monday", dt.date(2023, 11, 27)),
        ("next Thursday", dt.date(2023, 11, 30)),
        ("yesterday", dt.date(2023, 11, 22)),
        ("Earlier yesterday", dt.date(2023, 11, 22)),
        ("today", dt.date(2023, 11, 23)),
        ("in early trading today", dt.date(2023, 11, 23)),
        ("tomorrow", dt.date(2023, 11, 24)),
        ("the day before yesterday", dt.date(2023, 11, 21)),
        ("this morning", dt.date(2023, 11, 23)),
    ],
)
def test_relative(text: str, expected: dt.date) -> None:
    assert resolve_date(text, PUB) == expected
    assert resolve_date(text, None) is None


@pytest.mark.parametrize(
    "text",
    [
        "overnight", "in 2019", "last week", "in October", "October 2023", "earlier this month",
        "so far this year", "", "February 30", "mid-December", "May 5 percent", "in the third quarter",
    ],
)  # fmt: skip
def test_not_dates(text: str) -> None:
    assert resolve_date(text, PUB) is None


def test_most_explicit_wins() -> None:
    assert resolve_date("on Thursday, Nov. 16", PUB) == dt.date(2023, 11, 16)
    assert resolve_date("yesterday, on July 26, 2023", PUB) == dt.date(2023, 7, 26)


def test_find_dates_spans() -> None:
    text = "An SEC filing on December 15 last year showed it; shares fell on Thursday and yesterday."
    found = find_dates(text, PUB)
    assert [m.text for m in found] == ["December 15 last year", "Thursday", "yesterday"]
    assert [m.value for m in found] == [dt.date(2022, 12, 15), dt.date(2023, 11, 23), dt.date(2023, 11, 22)]
    assert [m.value for m in find_dates(text)] == [None, None, None]


def test_seed_sentences() -> None:
    s = (
        "According to the filing, the sale was initially planned "
        "to take place this Tuesday through JC Properties"
    )
    assert resolve_date(s, PUB) == dt.date(2023, 11, 21)
    s2 = "Alibaba’s stock fell 9% in New York on Thursday and nearly 10% in Hong Kong on Friday"
    assert [m.text for m in find_dates(s2, PUB)] == ["Thursday", "Friday"]
    assert resolve_date("He stepped down as chairman of the company in 2019", PUB) is None


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)), st.dates())
def test_absolute_round_trip(d: dt.date, published: dt.date) -> None:
    assert resolve_date(d.strftime("%B %-d, %Y"), published) == d
    assert resolve_date(d.strftime("%-d %B %Y"), published) == d
    assert resolve_date(d.isoformat(), published) == d


@given(
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
)
def test_weekday_rules(published: dt.date, day: str) -> None:
    bare = resolve_date(f"on {day}", published)
    last = resolve_date(f"last {day}", published)
    this = resolve_date(f"this {day}", published)
    nxt = resolve_date(f"next {day}", published)
    assert bare is not None and last is not None and this is not None and nxt is not None
    assert 0 <= (published - bare).days < 7
    assert 1 <= (published - last).days <= 7
    assert this.isocalendar()[:2] == published.isocalendar()[:2]
    assert 1 <= (nxt - published).days <= 7
    for d in (bare, last, this, nxt):
        assert d.strftime("%A") == day


@given(
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(1, 12),
    st.integers(1, 28),
)
def test_month_day_never_far_in_future(published: dt.date, month: int, day: int) -> None:
    name = dt.date(2000, month, day).strftime("%B")
    d = resolve_date(f"{name} {day}", published)
    assert d is not None
    assert (d - published).days <= 60
    assert (published - d).days < 366


@settings(max_examples=300)
@given(st.text(), st.one_of(st.none(), st.dates()))
def test_never_raises_and_spans_exact(text: str, published: dt.date | None) -> None:
    resolve_date(text, published)
    for m in find_dates(text, published):
        assert text[m.start : m.end] == m.text


@given(st.dates())
def test_extreme_published_dates(published: dt.date) -> None:
    for t in [
        "yesterday",
        "tomorrow",
        "last Monday",
        "next Sunday",
        "this Sunday",
        "December 31",
        "February 29",
    ]:
        resolve_date(t, published)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("two days ago", dt.date(2024, 3, 12)),
        ("3 days ago", dt.date(2024, 3, 11)),
        ("a week ago", dt.date(2024, 3, 7)),
        ("Two weeks ago, the shares fell", dt.date(2024, 2, 29)),
        ("a fortnight ago", dt.date(2024, 2, 29)),
        ("two months ago", None),  # no single day
        ("ten days later", None),
    ],
)
def test_days_ago(phrase: str, expected: dt.date | None) -> None:
    assert resolve_date(phrase, dt.date(2024, 3, 14)) == expected
    assert resolve_date(phrase, None) is None
