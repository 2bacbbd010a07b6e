"""Currency codes come from the ISO 4217 table, except codes that read as words in capitals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newsextract.normalize.currency import AMBIGUOUS_CODES, ISO_CODES, to_iso
from newsextract.normalize.money import parse_money


@pytest.mark.parametrize(
    ("text", "amount", "code"),
    [
        ("500 million CZK", "500000000", "CZK"),
        ("NGN 2 billion", "2000000000", "NGN"),
        ("KWD 10 million", "10000000", "KWD"),
        ("about EGP 1.5bn", "1500000000", "EGP"),
        ("PKR 350 per share", "350", "PKR"),
        ("HUF 4,200", "4200", "HUF"),
    ],
)
def test_any_iso_code_parses(text: str, amount: str, code: str) -> None:
    money = parse_money(text)
    assert money is not None and money.amount == Decimal(amount) and money.currency == code


@pytest.mark.parametrize("text", ["TOP 10 STOCKS TO WATCH", "COP 28 TALKS", "AMD 5 PERCENT HIGHER", "IRR 12"])
def test_codes_that_are_words_in_capitals_are_not_money(text: str) -> None:
    assert parse_money(text) is None


def test_the_table_is_the_iso_table() -> None:
    assert len(ISO_CODES) > 130 and {"USD", "EUR", "CZK", "NGN", "KWD", "CNH"} <= ISO_CODES
    assert not AMBIGUOUS_CODES & ISO_CODES
    assert to_iso("czk") == "CZK" and to_iso("ALL") is None


def test_rand() -> None:
    for text in ("2.5 billion rand", "500 million South African rand"):
        money = parse_money(text)
        assert money is not None and money.currency == "ZAR"
    assert parse_money("the brand 5") is None
