"""Filters shared by both strategies, and that every removal is recorded in ``meta.dropped``."""

from __future__ import annotations

import datetime as dt

from newsextract.core.drafts import ArticleDraft, ExecutiveChangeDraft
from newsextract.normalize.dates import find_dates, past_years
from newsextract.pipeline.postprocess import postprocess

TEXT = (
    "Jack Ma founded Alibaba. He stepped down as chairman of the company in 2019. "
    "Alibaba named Joe Tsai chairman on Monday."
)


def _change(
    quote: str, person: str, change: str = "departed", role: str = "chairman"
) -> ExecutiveChangeDraft:
    return ExecutiveChangeDraft(quote=quote, company="Alibaba", person=person, role=role, change=change)


def test_history_is_dropped_and_recorded() -> None:
    draft = ArticleDraft(
        executive_changes=[
            _change("He stepped down as chairman of the company in 2019.", "Jack Ma"),
            _change("Alibaba named Joe Tsai chairman on Monday.", "Joe Tsai", "appointed"),
        ]
    )
    events, dropped = postprocess(draft, TEXT, dt.date(2023, 11, 23))
    assert [e.person for e in events] == ["Joe Tsai"]
    [d] = dropped
    assert d.field is None and "2019" in d.reasons[0] and "history" in d.reasons[0]
    # without a publication date nothing is history, and nothing is lost
    events, dropped = postprocess(draft, TEXT, None)
    assert len(events) == 2 and dropped == []


def test_a_tenure_since_a_year_is_not_history() -> None:
    text = "Rosalind Achebe-Marsh, Alibaba's finance chief since 2019, will serve as interim chief executive."
    draft = ArticleDraft(
        executive_changes=[_change(text, "Rosalind Achebe-Marsh", "appointed", "interim chief executive")]
    )
    events, dropped = postprocess(draft, text, dt.date(2024, 1, 16))
    assert len(events) == 1 and dropped == []


def test_years_and_capitalised_dates() -> None:
    assert past_years("He left in 2019 and returned in early 2021, chairman since 2022.") == [2019, 2021]
    pub = dt.date(2024, 3, 14)  # a Thursday
    got = [(m.text, m.value) for m in find_dates("SOLD ON TUESDAY, EFFECTIVE APRIL 1; may rise", pub)]
    assert got == [("TUESDAY", dt.date(2024, 3, 12)), ("APRIL 1", dt.date(2024, 4, 1))]
