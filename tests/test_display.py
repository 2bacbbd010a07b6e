"""Notebook display and flat records: escaping, highlighting, records/DataFrames, CSV."""

from __future__ import annotations

import builtins
import csv
import html as htmllib
import io
import re
import sys
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from newsextract import Evidence, ExecutiveChange, Extraction, Meta, Money, ShareSale, StockMove
from newsextract.batch import BatchResult, BatchSummary
from newsextract.display import (
    COLUMNS,
    DTYPES,
    event_key,
    event_values,
    extraction_html,
    format_value,
    highlight_html,
    records,
    shorten,
    to_pandas,
)
from newsextract.errors import InputError
from newsextract.io.tables import write_csv

TEXT = (
    "Evil <script>alert('x')</script> Corp & Co shares fell 9% on Thursday.\n"
    "Jack Ma plans to sell 10 million shares, worth about $871 million."
)


def ev(quote: str, text: str = TEXT) -> Evidence:
    start = text.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def sample(id: str | None = "a<1>") -> Extraction:
    move_q = "Evil <script>alert('x')</script> Corp & Co shares fell 9% on Thursday."
    sale_q = "Jack Ma plans to sell 10 million shares, worth about $871 million."
    events: list[Any] = [
        StockMove(
            evidence=ev(move_q),
            company="Evil <script>alert('x')</script> Corp & Co",
            direction="down",
            change_pct=9.0,
            period="on Thursday",
        ),
        ShareSale(
            evidence=ev(sale_q),
            seller="Jack Ma",
            company="Alibaba",
            shares=10_000_000,
            value=Money(amount=Decimal("871000000"), currency="USD", qualifier="about"),
            status="planned",
        ),
    ]
    return Extraction.from_events(events, Meta(model="m", endpoint="e"), id=id).with_text(TEXT)


def test_html_escapes_everything() -> None:
    html = sample()._repr_html_()
    assert "<script>" not in html and "alert('x')" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "a&lt;1&gt;" in html and "Corp &amp; Co" in html
    assert html.count("<mark") == 2 and "[1]" in html and "[2]" in html
    assert "about USD 871,000,000" in html


def test_html_without_text_still_shows_the_table() -> None:
    result = Extraction.model_validate(sample().model_dump(mode="json"))  # text is not serialised
    html = extraction_html(result)
    assert "article text not available" in html and "ShareSale" in html and "<mark" not in html


def test_highlight_overlaps_and_bad_offsets() -> None:
    text = "Alpha rose 5% and Beta fell 3% today."
    a = StockMove(evidence=ev("Alpha rose 5% and Beta fell 3%", text), company="Alpha", direction="up")
    b = StockMove(evidence=ev("Beta fell 3%", text), company="Beta", direction="down")
    wrong = StockMove(evidence=Evidence(quote="nope", start=0, end=4), company="X", direction="flat")
    html = highlight_html(text, [a, b, wrong])
    assert html.count("<mark") == 2  # "Alpha rose 5% and " and the overlapping "Beta fell 3%"
    assert 'title="[1] StockMove; [2] StockMove"' in html
    assert "[3]" not in html  # evidence that does not match the text is not highlighted
    plain = re.sub(r"<[^>]+>", "", re.sub(r"<sup[^>]*>\[\d+\]</sup>", "", html))
    assert htmllib.unescape(plain) == text  # nothing added, dropped or reordered


def test_records_flatten_money_and_evidence() -> None:
    rows = sample().to_records()
    assert [r["type"] for r in rows] == ["StockMove", "ShareSale"]
    sale = rows[1]
    assert sale["id"] == "a<1>" and sale["value_amount"] == 871_000_000.0 and sale["value_currency"] == "USD"
    assert sale["value_qualifier"] == "about" and sale["price_per_share_amount"] is None
    assert sale["quote"] == TEXT[sale["start"] : sale["end"]]
    assert set(sale) <= set(COLUMNS)


def test_batch_records_and_dataframe() -> None:
    batch = BatchResult(
        [sample(id=None), InputError("input is empty")], ["first", "second"], BatchSummary(total=2)
    )
    assert [r["id"] for r in batch.to_records()] == ["first", "first"]
    with_errors = batch.to_records(include_errors=True)
    assert with_errors[-1] == {"id": "second", "error": "InputError: input is empty"}
    df = batch.to_pandas()
    assert list(df["type"]) == ["StockMove", "ShareSale"] and df.loc[1, "shares"] == 10_000_000
    assert "error" not in df.columns
    assert list(to_pandas([]).columns) == [c for c in COLUMNS if c != "error"]
    assert "second" in batch._repr_html_() and "InputError" in batch._repr_html_()


def test_to_pandas_without_pandas_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pandas(name: str, *args: Any, **kw: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kw)

    monkeypatch.delitem(sys.modules, "pandas", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"pip install 'newsextract\[pandas\]'"):
        sample().to_pandas()
    assert records([sample()])  # records need nothing


def test_csv_round_trip() -> None:
    buf = io.StringIO()
    write_csv(records([sample()]), buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert [r["type"] for r in rows] == ["StockMove", "ShareSale"]
    assert rows[1]["value_amount"] == "871000000.0" and rows[0]["value_amount"] == ""


def test_shorten() -> None:
    assert shorten("a  b\nc") == "a b c"
    assert shorten("x" * 100, 10) == "x" * 9 + "…"


def test_who_and_values_come_from_the_kind() -> None:
    """ "Who" is the identity's names; the other set fields follow in schema order (a false flag left out)."""
    text = "Globex named Jane Doe chief financial officer."
    e = ExecutiveChange(
        evidence=ev(text, text), company="Globex", person="Jane Doe", role="CFO", change="appointed"
    )
    html = Extraction.from_events([e], Meta(model="m", endpoint="e")).with_text(text)._repr_html_()
    assert '<td style="text-align:left;vertical-align:top">Jane Doe</td>' in html
    assert "company=Globex, role=CFO, change=appointed" in html and "interim" not in html
    assert event_key(sample().share_sales[0]) == "Jack Ma · Alibaba"
    assert event_key(sample().stock_moves[0]) == "Evil <script>alert('x')</script> Corp & Co"
    assert [k for k, _ in event_values(sample().stock_moves[0])] == ["direction", "change_pct", "period"]


def test_dataframe_columns_and_dtypes_do_not_depend_on_content(tmp_path: Any) -> None:
    pd = pytest.importorskip("pandas")
    full = sample()
    dated = ExecutiveChange(
        evidence=ev("Jack Ma plans"),
        company="Alibaba",
        person="Jack Ma",
        role="chairman",
        change="departed",
        effective_date=date(2024, 1, 17),
    )
    with_exec = Extraction.from_events([*full.events, dated], full.meta, id="x").with_text(TEXT)
    only_moves = Extraction.from_events(full.stock_moves, full.meta, id="m")
    empty = Extraction.from_events([], full.meta, id="e")
    frames = [with_exec.to_pandas(), only_moves.to_pandas(), empty.to_pandas(), to_pandas([])]
    expected = [c for c in COLUMNS if c != "error"]
    for df in frames:
        assert list(df.columns) == expected
        assert {c: str(t) for c, t in df.dtypes.items()} == DTYPES
    df = frames[0].set_index("type")
    assert df.loc["ExecutiveChange", "effective_date"] == pd.Timestamp("2024-01-17")
    assert pd.isna(df.loc["ShareSale", "effective_date"])  # NaT where the event has no such date
    assert df.loc["ShareSale", "shares"] == 10_000_000 and pd.isna(df.loc["StockMove", "shares"])
    assert df.loc["ShareSale", "value_amount"] == 871_000_000.0
    assert df.loc["ShareSale", "value_currency"] == "USD"
    assert not df.loc["ExecutiveChange", "interim"] and pd.isna(df.loc["StockMove", "interim"])
    # the notebook's own column selection works on any result, even an empty one
    picked = ["id", "type", "company", "seller", "person", "direction", "change_pct", "quote"]
    for frame in frames:
        assert list(frame[picked].columns) == picked
    batch = BatchResult([only_moves, InputError("input is empty")], ["m", "bad"], BatchSummary(total=2))
    assert list(batch.to_pandas().columns) == expected
    errs = batch.to_pandas(include_errors=True)
    assert list(errs.columns) == [*expected, "error"] and str(errs["error"].dtype) == "string"


def test_tables_print_counts_like_money() -> None:
    assert format_value(10_000_000) == "10,000,000"
    assert format_value(Money(amount=Decimal("871000000"), currency="USD", qualifier="about")) == (
        "about USD 871,000,000"
    )
    assert format_value(True) == "True" and format_value(9.5) == "9.5"
    values = dict(event_values(sample().share_sales[0]))
    assert values["shares"] == "10,000,000" and values["value"] == "about USD 871,000,000"


def test_save_html_writes_a_standalone_page(tmp_path: Any) -> None:
    path = sample().save_html(tmp_path / "a.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "newsextract-legend" in page and "overlap" in page and "<mark" in page
    assert "max-height" not in page and "overflow:auto" not in page
    batch = BatchResult([sample()], ["a"], BatchSummary(total=1))
    assert "<mark" in batch.save_html(tmp_path / "b.html").read_text(encoding="utf-8")
