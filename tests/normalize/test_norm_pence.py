"""Share prices in pence ("212.4p") and Nordic crowns: currencies written after the number."""

from __future__ import annotations

from decimal import Decimal

from newsextract.normalize.money import find_money


def test_pence_suffix_right_after_the_number() -> None:
    got = [
        (m.text, m.value.amount, m.value.currency) for m in find_money("fell 14.6% to 212.4p, then 1,046p")
    ]
    assert got == [("212.4p", Decimal("2.124"), "GBP"), ("1,046p", Decimal("10.46"), "GBP")]


def test_p_is_no_currency_after_a_space_or_in_times_and_words() -> None:
    for text in ("at 3 p.m.", "at 4p.m. local time", "10pm", "P2P lending", "the 2 p value"):
        assert find_money(text) == [], text


def test_crowns_by_country_or_context() -> None:
    def codes(text: str, context: str = "") -> list[str]:
        return [m.value.currency for m in find_money(text, context=context)]

    assert codes("at 87.50 Swedish crowns") == ["SEK"]
    assert codes("500 million Danish kroner") == ["DKK"]
    assert codes("at 112 crowns each", context="OSLO, Oct. 8 (Wire) - ") == ["NOK"]
    assert codes("at 112 crowns each") == []  # which country's crown is not said
