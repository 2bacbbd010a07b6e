"""Drafts to public events (newsextract.normalize.events)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from newsextract.core.schemas import Evidence, Money
from newsextract.kinds.drafts import ExecutiveChangeDraft, ShareSaleDraft, StockMoveDraft
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove
from newsextract.normalize.events import clean_text, clean_ticker, draft_to_event

PUB = dt.date(2023, 11, 23)


def _ev(quote: str) -> Evidence:
    return Evidence(quote=quote, start=0, end=len(quote))


def test_share_sale_seed() -> None:
    quote = (
        "Two regulatory filings last Thursday showed that Ma was "
        "looking to sell 10 million shares, worth about $871 million."
    )
    draft = ShareSaleDraft(
        quote=quote, seller=" Jack Ma ", company="Alibaba’s", shares="10 million shares",
        value="about $871 million", date="last Thursday",
    )  # fmt: skip
    ev = draft_to_event("ShareSale", draft, _ev(quote), published=PUB, context=quote)
    assert isinstance(ev, ShareSale)
    assert ev.seller == "Jack Ma"
    assert ev.company == "Alibaba"
    assert ev.shares == 10_000_000
    assert ev.value == Money(amount=Decimal(871_000_000), currency="USD", qualifier="about")
    assert ev.status == "planned"  # filled from the quote because the draft said unknown
    assert ev.date == dt.date(2023, 11, 16)
    assert ev.evidence.quote == quote


def test_share_sale_keeps_draft_status_and_stakes() -> None:
    quote = "with its stake dropping from 10.2 percent to 7.5 percent after the sale of the shares."
    draft = ShareSaleDraft(
        quote=quote, seller="Alibaba", company="Xpeng", status="completed", stake_before="10.2 percent",
        stake_after="7.5 percent", shares="lots", price_per_share="HK$37.50", date="December 15 last year",
    )  # fmt: skip
    ev = draft_to_event("ShareSale", draft, _ev(quote), published=PUB, context=quote)
    assert isinstance(ev, ShareSale)
    assert ev.status == "completed"
    assert (ev.stake_before_pct, ev.stake_after_pct) == (10.2, 7.5)
    assert ev.shares is None  # does not parse: never invented
    assert ev.price_per_share == Money(amount=Decimal("37.50"), currency="HKD")
    assert ev.date == dt.date(2022, 12, 15)


def test_share_sale_unparseable_values_become_none() -> None:
    quote = "Jack Ma has postponed plans to sell millions of dollars worth of Alibaba shares."
    draft = ShareSaleDraft(
        quote=quote, seller="Jack Ma", company="Alibaba", value="millions of dollars", date="soon"
    )
    ev = draft_to_event("ShareSale", draft, _ev(quote), published=PUB, context=quote)
    assert isinstance(ev, ShareSale)
    assert ev.value is None and ev.date is None and ev.shares is None
    assert ev.status == "postponed"


def test_executive_change_seed() -> None:
    quote = (
        "Wu Zeming, 42, has taken on the role of Alibaba’s chief technology officer, replacing Cheng Li, "
        "and Jane Jiang will succeed Judy Tong as group chief people officer on April 1, 2023."
    )
    d1 = ExecutiveChangeDraft(
        quote=quote, company="Alibaba", person="Wu Zeming", role="chief technology officer",
        change="appointed", predecessor="Cheng Li",
    )  # fmt: skip
    e1 = draft_to_event("ExecutiveChange", d1, _ev(quote), published=PUB, context=quote)
    assert isinstance(e1, ExecutiveChange)
    assert (e1.person, e1.predecessor, e1.interim, e1.effective_date) == (
        "Wu Zeming",
        "Cheng Li",
        False,
        None,
    )
    d2 = ExecutiveChangeDraft(
        quote=quote, company="Alibaba", person="Jane Jiang", role="group chief people officer",
        change="appointed", predecessor="“Judy Tong”", effective_date="on April 1, 2023",
    )  # fmt: skip
    e2 = draft_to_event("ExecutiveChange", d2, _ev(quote), published=PUB, context=quote)
    assert isinstance(e2, ExecutiveChange)
    assert e2.predecessor == "Judy Tong"
    assert e2.effective_date == dt.date(2023, 4, 1)


def test_executive_change_interim_from_quote() -> None:
    quote = "Zhang revealed he would become acting president of Alibaba Cloud Intelligence."
    d = ExecutiveChangeDraft(
        quote=quote,
        company="Alibaba Cloud Intelligence",
        person="Daniel Zhang",
        role="president",
        change="appointed",
    )
    e = draft_to_event("ExecutiveChange", d, _ev(quote), published=None, context=quote)
    assert isinstance(e, ExecutiveChange) and e.interim
    d2 = ExecutiveChangeDraft(
        quote="He was named CEO.", company="X", person="Y", role="interim CEO", change="appointed"
    )
    e2 = draft_to_event("ExecutiveChange", d2, _ev(d2.quote), published=None, context="")
    assert isinstance(e2, ExecutiveChange) and e2.interim


def test_stock_move_seed() -> None:
    quote = (
        "Alibaba’s stock fell 9% in New York on Thursday and nearly "
        "10% in Hong Kong on Friday, wiping about $20 billion."
    )
    d = StockMoveDraft(
        quote=quote, company="Alibaba", ticker="(BABA)", market="Hong Kong", direction="down",
        change_pct="nearly 10%", period="on Friday",
    )  # fmt: skip
    e = draft_to_event("StockMove", d, _ev(quote), published=PUB, context=quote)
    assert isinstance(e, StockMove)
    assert (e.ticker, e.market, e.direction, e.change_pct, e.period) == (
        "BABA",
        "Hong Kong",
        "down",
        10.0,
        "on Friday",
    )
    assert e.date == dt.date(2023, 11, 17)  # from the period


def test_stock_move_text_direction_wins_and_pct_is_magnitude() -> None:
    quote = (
        "The latest stake cut plan caused Xpeng ADS to fall "
        "overnight in the US, dropping 3.84 percent to $9.51."
    )
    d = StockMoveDraft(
        quote=quote,
        company="Xpeng's",
        ticker="NYSE: XPEV",
        direction="up",
        change_pct="-3.84 percent",
        price="$9.51",
    )
    e = draft_to_event("StockMove", d, _ev(quote), published=PUB, context=quote)
    assert isinstance(e, StockMove)
    assert e.direction == "down"
    assert e.change_pct == 3.84
    assert e.price == Money(amount=Decimal("9.51"), currency="USD")
    assert (e.company, e.ticker, e.market) == ("Xpeng", "XPEV", "NYSE")


def test_stock_move_mixed_text_keeps_draft_direction() -> None:
    quote = (
        "Alibaba's share price dipped to a record low of HKD "
        "60.25 (USD 7.73) in October, before rising in November."
    )
    d = StockMoveDraft(
        quote=quote, company="Alibaba", direction="down", price="HKD 60.25", period="in October"
    )
    e = draft_to_event("StockMove", d, _ev(quote), published=PUB, context=quote)
    assert isinstance(e, StockMove)
    assert e.direction == "down"
    assert e.price == Money(amount=Decimal("60.25"), currency="HKD")
    assert e.date is None  # "in October" is not a day


def test_kind_mismatch_raises() -> None:
    d = StockMoveDraft(quote="x", company="A", direction="up")
    with pytest.raises(ValueError):
        draft_to_event("ShareSale", d, _ev("x"), published=None, context="")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Xpeng's ", "Xpeng"), ("Alibaba’s", "Alibaba"), ('"Jack Ma"', "Jack Ma"),
        ("McDonald's", "McDonald's"),
        ("Moody’s", "Moody’s"), ("  ", None), (None, None), ("Investors'", "Investors"),
    ],
)  # fmt: skip
def test_clean_text(raw: str | None, clean: str | None) -> None:
    assert clean_text(raw) == clean


def test_clean_ticker() -> None:
    assert clean_ticker("(BABA)") == ("BABA", None)
    assert clean_ticker("NYSE: XPEV") == ("XPEV", "NYSE")
    assert clean_ticker("9988.HK") == ("9988.HK", None)
    assert clean_ticker(None) == (None, None)
