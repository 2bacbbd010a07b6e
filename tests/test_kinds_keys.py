"""De-duplication, evaluation and display read every kind the same way, from its fields: the identity is
the de-duplication index, the evaluation key and the "who" of a table; each value compares by its role;
the columns are the kind's fields in order. A built-in is one kind among others."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsextract import Evidence, ExecutiveChange, Meta, ShareSale, StockMove
from newsextract import Money as MoneyValue
from newsextract.dedupe import dedupe, same_event
from newsextract.dedupe.compare import INDEXABLE, codes_match, index_keys, values_agree
from newsextract.dedupe.plan import plan_of
from newsextract.display import (
    COLORS,
    DTYPES,
    color_of,
    event_key,
    event_values,
    extraction_html,
    kind_columns,
    records,
    to_pandas,
)
from newsextract.evaluate import KEY_FIELDS, field_agrees, parse_gold, score
from newsextract.extraction import Extraction
from newsextract.io.tables import write_csv
from newsextract.kinds import Date, Event, Identity, Market, Money, Name, Party, Period
from newsextract.kinds.identity import Progress


class Buyback(Event):
    """A company buys back its own shares."""

    company: Annotated[Name, Identity]
    market: Annotated[Market, Identity] | None = None
    amount: Money | None = None
    period: Period | None = None
    broker: Party | None = None
    status: Annotated[
        Literal["unknown", "announced", "completed", "halted"],
        Progress(order=("unknown", "announced", "completed", "halted"), apart=(("completed", "halted"),)),
    ] = "unknown"
    date: Date | None = None


def _ev(at: int, quote: str = "q") -> Evidence:
    return Evidence(quote=quote, start=at, end=at + len(quote))


def buyback(at: int, **kw: Any) -> Buyback:
    return Buyback.model_validate({"company": "Orchid Foods", "evidence": _ev(at), **kw})


def usd(amount: int) -> MoneyValue:
    return MoneyValue(amount=Decimal(amount), currency="USD")


# --- what is read from a kind ------------------------------------------------------------------


def test_the_built_ins_keys_are_their_identity_fields() -> None:
    assert KEY_FIELDS == {
        "ShareSale": ("seller", "company"),
        "ExecutiveChange": ("person", "change"),
        "StockMove": ("company", "market", "direction"),
    }
    for kind in (ShareSale, ExecutiveChange, StockMove):
        assert plan_of(kind).identity == KEY_FIELDS[kind.__name__]
    how = {f.name: f.how for f in plan_of(StockMove).fields}
    assert how == {
        "company": "name", "ticker": "code", "market": "market", "direction": "equal", "change_pct": "number",
        "price": "money", "period": "period", "date": "equal",
    }  # fmt: skip
    assert {f.name: f.how for f in plan_of(ExecutiveChange).fields}["role"] == "role"


def test_a_callers_kind_is_read_like_a_built_in() -> None:
    plan = plan_of(Buyback)
    assert plan.identity == ("company", "market") and plan.fullest == ("company",)
    assert plan.index is not None and plan.index.name == "company"  # the required identity name
    by_name = {f.name: f for f in plan.fields}
    assert by_name["broker"].how == "name" and by_name["period"].how == "period"
    assert by_name["status"].progress is not None and by_name["status"].optional


# --- values by meaning, and the index that finds candidates ------------------------------------


def test_codes_ignore_case_and_a_one_sided_exchange_suffix() -> None:
    assert (
        codes_match("BABA", " baba") and codes_match("9988.HK", "9988") and codes_match("9988.hk", "9988.HK")
    )
    assert not codes_match("BRK.A", "BRK.B") and not codes_match("BABA", "BIDU")


_STRINGS = st.sampled_from(
    ["Jack Ma", "Ma", "Ma's", "Alibaba Group Holding", "alibaba", "NYSE", "New York", "the US", "Hong Kong",
     "on Thursday", "Thursday", "so far this year", "9988.HK", "9988", "BRK.A", "Orchid Foods Plc", "", " "]
) | st.text(max_size=12)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(how=st.sampled_from(sorted(INDEXABLE)), a=_STRINGS, b=_STRINGS)
def test_values_that_agree_share_an_index_key(how: Any, a: str, b: str) -> None:
    """De-duplication only compares mentions filed under a shared key: no match may be missed."""
    keys_a, keys_b = index_keys(how, a), index_keys(how, b)
    assert keys_a is not None and keys_b is not None
    if values_agree(how, a, b, tolerance=0.0):
        assert keys_a & keys_b


# --- de-duplication of a caller's kind, by the built-ins' rules --------------------------------


def test_a_callers_kind_merges_by_its_roles_and_progress() -> None:
    lede = buyback(0, company="Orchid", market="NYSE", status="announced")
    body = buyback(50, company="Orchid Foods Plc", market="New York", amount=usd(5), period="on Monday")
    again = buyback(90, period="Monday", status="completed", broker="Hale & Co")
    (merged,) = dedupe([lede, body, again])
    assert isinstance(merged, Buyback)
    assert merged.evidence.start == 50  # the most complete mention
    assert merged.company == "Orchid Foods Plc" and merged.market == "New York"
    assert merged.status == "completed" and merged.broker == "Hale & Co"  # furthest stage; filled
    assert not same_event(buyback(0, status="completed"), buyback(1, status="halted"))  # kept apart
    assert len(dedupe([buyback(0, market="NYSE"), buyback(1, market="Hong Kong")])) == 2
    assert len(dedupe([buyback(0, period="on Monday"), buyback(1, period="this year")])) == 2


def test_a_field_added_to_a_built_in_reaches_dedupe_evaluation_and_tables() -> None:
    """Adding a field to a kind touches nothing else: it is compared, scored and shown from its role."""

    class Sale(ShareSale):
        """A holder sells shares."""

        broker: Party | None = None

    a = Sale(seller="Ma", company="Alibaba", broker="Morgan Stanley", evidence=_ev(0))
    b = Sale(seller="Jack Ma", company="Alibaba", broker="Goldman Sachs", evidence=_ev(9))
    c = Sale(seller="Jack Ma", company="Alibaba", broker="Morgan Stanley & Co", evidence=_ev(20))
    assert [e.evidence.start for e in dedupe([a, b, c])] == [0, 9]
    assert list(kind_columns(Sale))[-1] == "broker" and ("broker", "Goldman Sachs") in event_values(b)
    gold_line = {"id": "x", "events": [{"type": "ShareSale", "seller": "Jack Ma", "company": "Alibaba",
                 "broker": "Morgan Stanley", "quote": "q", "start": 0, "end": 1}]}  # fmt: skip
    gold = parse_gold([json.dumps(gold_line)], kinds=[Sale])
    report = score(gold, {"x": [c]}, kinds=[Sale])
    assert report.per_type["ShareSale"].tp == 1 and report.field_accuracy()["ShareSale"]["broker"] == 1.0


# --- evaluation --------------------------------------------------------------------------------


def test_field_agreement_follows_the_kinds_roles() -> None:
    assert field_agrees("market", "NYSE", "New York", kind=Buyback)
    assert field_agrees("broker", "Hale", "Hale & Co", kind=Buyback)
    assert not field_agrees("broker", "Hale", "Hale & Co", kind=Buyback, names="strict")
    assert field_agrees("period", "on Monday", "Monday", kind=Buyback)
    assert field_agrees("ticker", "9988.HK", "9988")  # no kind: the built-in field of that name


def test_a_callers_kind_passed_to_score_has_every_prediction_counted() -> None:
    gold = parse_gold(
        [json.dumps({"id": "a", "events": []}),
         json.dumps({"id": "b", "events": [{"type": "Buyback", "company": "Orchid", "market": "NYSE",
                                            "quote": "q", "start": 0, "end": 1}]})],
        kinds=[Buyback],
    )  # fmt: skip
    preds = {
        "a": [buyback(0)],  # an article with no buyback in its gold: a false positive
        "b": [buyback(0, company="Orchid Foods", market="New York"), buyback(5, market="Hong Kong")],
    }
    report = score(gold, preds, kinds=[Buyback])
    counts = report.per_type["Buyback"]
    assert (counts.tp, counts.fp, counts.fn) == (1, 2, 0)
    unset_market = score(gold, {"b": [buyback(0, company="Orchid")]}, kinds=[Buyback])
    assert unset_market.per_type["Buyback"].fn == 1  # a key field left unset agrees only with unset


# --- tables and HTML ----------------------------------------------------------------------------


def _result() -> Extraction:
    text = "Orchid Foods will buy back $5 of shares. Jack Ma sold shares."
    events: list[Event] = [
        buyback(0, amount=usd(5), date=dt.date(2024, 3, 1)),
        ShareSale(seller="Jack Ma", company="Alibaba", evidence=Evidence(quote="Jack Ma sold shares.",
                  start=text.index("Jack"), end=len(text))),
    ]  # fmt: skip
    return Extraction.from_events(events, Meta(model="m", endpoint="e"), id="a1").with_text(text)


def test_a_callers_kind_gets_typed_columns_in_frames_and_csv() -> None:
    pd = pytest.importorskip("pandas")
    frame = to_pandas([_result()])
    assert str(frame["amount_amount"].dtype) == "Float64" and str(frame["date"].dtype) == "datetime64[ns]"
    assert list(frame.columns) == [*DTYPES, "amount_amount", "amount_currency", "amount_qualifier", "broker"]
    assert frame.set_index("type").loc["Buyback", "amount_amount"] == 5.0
    assert pd.isna(frame.set_index("type").loc["ShareSale", "amount_amount"])
    buf = io.StringIO()
    write_csv(records([_result()], include_errors=True), buf)
    header = next(csv.reader(io.StringIO(buf.getvalue())))
    assert (
        header[-1] == "error" and "amount_amount" in header and header.index("broker") < header.index("error")
    )


def test_a_callers_kind_is_shown_with_its_own_colour_and_identity() -> None:
    result = _result()
    bb = result.of(Buyback)[0]
    assert event_key(bb) == "Orchid Foods" and ("amount", "USD 5") in event_values(bb)
    assert color_of("Buyback") == color_of("Buyback") and color_of("Buyback") not in COLORS.values()
    html = extraction_html(result)
    assert f"background:{color_of('Buyback')}" in html and ">Buyback</span>" in html  # highlight, legend


def test_an_event_read_back_without_its_class_still_fills_rows() -> None:
    """A results file read back has no class for a caller's kind: its stored fields become columns."""
    again = Extraction.model_validate_json(_result().model_dump_json())
    [row] = [r for r in records([again]) if r["type"] == "Buyback"]
    assert (
        row["company"] == "Orchid Foods" and row["amount_amount"] == 5.0 and row["amount_currency"] == "USD"
    )
    assert event_key(again.other_events[0]) == "" and ("company", "Orchid Foods") in event_values(
        again.events[0]
    )


def test_results_read_back_without_their_class_score_like_the_typed_events() -> None:
    typed = _result()
    again = Extraction.model_validate_json(typed.model_dump_json())
    event = {"type": "Buyback", "company": "Orchid Foods", "amount": {"amount": 5, "currency": "USD"}}
    gold_line = {"id": "a1", "events": [{**event, "date": "2024-03-01", "quote": "q", "start": 0, "end": 1}]}
    gold = parse_gold([json.dumps(gold_line)], kinds=[Buyback])
    expected = score(gold, {"a1": typed}).field_accuracy()["Buyback"]
    assert expected["amount"] == 1.0 and expected["date"] == 1.0
    assert score(gold, {"a1": again}).field_accuracy()["Buyback"] == expected
