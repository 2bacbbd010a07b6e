"""Filters shared by both strategies, and that every removal is recorded in ``meta.dropped``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsextract import Extractor
from newsextract.kinds.drafts import ArticleDraft, ExecutiveChangeDraft
from newsextract.normalize.dates import find_dates, past_years
from newsextract.pipeline.postprocess import postprocess

REPO = Path(__file__).resolve().parents[2]
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


@pytest.mark.model
def test_embedded_path_records_the_history_it_filters(tmp_path: Path) -> None:
    """The report: extract(seeds/000, published="2023-11-23") lost Jack Ma's 2019 departure with nothing in
    meta.dropped. It is still history, and now says so."""
    text = next((REPO / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    with Extractor(backend="embedded", cache_dir=str(tmp_path)) as ex:
        result = ex.extract(text, published="2023-11-23")
    assert not [e for e in result.executive_changes if "2019" in e.evidence.quote]
    history = [d for d in result.meta.dropped if any("history" in r for r in d.reasons)]
    assert [d.draft["person"] for d in history] in (["Jack Ma"], ["Ma"])
    assert "2019" in history[0].reasons[0]
