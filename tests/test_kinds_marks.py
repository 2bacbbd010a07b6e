"""The declarations a kind adds to its fields (``newsextract.kinds.marks``), read by the generic grounding
and normalisation: the built-ins use them, and so can a caller's kind."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

import pytest
from pydantic import Field

from newsextract import Evidence
from newsextract.grounding.verdict import judge
from newsextract.kinds import (
    AskAs,
    Core,
    Date,
    Event,
    Fallback,
    Identity,
    Name,
    NotAbove,
    NotSameAs,
    Percent,
    Period,
    Quantity,
    SpeaksOf,
)
from newsextract.kinds.spec import KindError, kind_spec
from newsextract.normalize.events import kind_event


class Placement(Event):
    """A company places new shares with investors through a bank."""

    speaks_of: ClassVar[SpeaksOf] = SpeaksOf(r"\bplac\w*", "the sentences do not speak of placing shares")

    company: Annotated[Name, Identity]
    bank: Annotated[Name, NotSameAs("company", event=True, why="is the company itself")] | None = None
    shares: Annotated[Quantity, Core()] | None = None
    float_after: Annotated[Percent, AskAs("free_float"), NotAbove("float_cap")] | None = Field(
        default=None, ge=0
    )
    float_cap: Percent | None = None
    period: Period | None = None
    day: Annotated[Date, Fallback("period")] | None = None


TEXT = (
    "Northwind Holdings placed 5 million new shares through Barclays on Tuesday. "
    "The free float rose to 32% against a cap of 30%, the company said."
)
PUBLISHED = dt.date(2024, 3, 7)  # a Thursday
QUOTE = TEXT.split(". ")[0] + "."


def _problems(text: str = TEXT, **values: str) -> dict[str | None, str]:
    spec = kind_spec(Placement)
    draft = spec.draft.model_validate({"quote": values.pop("quote", QUOTE), **values})
    verdict = judge(spec, draft, text, PUBLISHED)
    assert verdict.span is not None
    return {p.field: p.level for p in verdict.problems}


def test_marks_are_read_and_the_draft_asks_under_the_declared_name() -> None:
    spec = kind_spec(Placement)
    assert "free_float" in spec.draft.model_fields and "float_after" not in spec.draft.model_fields
    assert spec.field("float_after").draft_name == "free_float"
    assert spec.mark(spec.field("shares"), Core) == Core()
    assert spec.speaks_of is not None


def test_a_supported_placement_has_no_problem_and_its_day_comes_from_its_period() -> None:
    values = {
        "company": "Northwind Holdings",
        "bank": "Barclays",
        "shares": "5 million",
        "period": "on Tuesday",
    }
    assert _problems(**values) == {}
    spec = kind_spec(Placement)
    draft = spec.draft.model_validate({"quote": QUOTE, **values})
    event, why = kind_event(
        spec, draft, Evidence(quote=QUOTE, start=0, end=len(QUOTE)), published=PUBLISHED, context=TEXT
    )
    assert why is None and isinstance(event, Placement)
    assert (event.shares, event.period, event.day) == (5_000_000, "on Tuesday", dt.date(2024, 3, 5))


def test_a_contradicted_core_number_costs_the_event_and_an_unstated_optional_one_its_field() -> None:
    assert _problems(company="Northwind Holdings", shares="6 million") == {"shares": "event"}
    quiet = "Northwind Holdings placed new shares through Barclays on Tuesday."
    assert _problems(quiet, quote=quiet, company="Northwind Holdings", shares="6 million") == {
        "shares": "field"
    }


def test_not_same_as_not_above_and_speaks_of() -> None:
    assert _problems(company="Northwind Holdings", bank="Northwind Holdings") == {"bank": "event"}
    both = {"company": "Northwind Holdings", "free_float": "32%", "float_cap": "30%"}
    assert _problems(**both) == {"free_float": "field"}  # 32% is stated, but above the cap
    sold = TEXT.replace("placed", "sold")
    assert _problems(sold, quote=QUOTE.replace("placed", "sold"), company="Northwind Holdings") == {
        None: "event"
    }


def test_a_mark_that_names_no_field_is_a_kind_error() -> None:
    class Broken(Event):
        """Something."""

        company: Name
        day: Annotated[Date, Fallback("when")] | None = None

    with pytest.raises(KindError, match="Fallback names no field"):
        kind_spec(Broken)


def test_two_fields_asked_under_one_name_is_a_kind_error() -> None:
    class Twice(Event):
        """Something."""

        company: Name
        other: Annotated[Name, AskAs("company")] | None = None

    with pytest.raises(KindError, match="asked for under one name"):
        kind_spec(Twice)
