"""Candidate finding and span options: pure rules, no model."""

from __future__ import annotations

from newsextract.text.candidates import find_candidates, move_anchors, name_spans, role_spans
from newsextract.text.spans import Span


def _all(text: str) -> Span:
    return Span(0, len(text))


def test_names_strip_possessives_roles_and_openers() -> None:
    t = "But Acme Corp's chairman Joe Bloggs met Bank of America in Paris on Monday."
    assert [n.slice(t) for n in name_spans(t, _all(t))] == [
        "Acme Corp",
        "Joe Bloggs",
        "Bank of America",
        "Paris",
    ]


def test_roles_include_as_phrases() -> None:
    t = "Ann Lee stepped down as the retail business chief and joined Beta as chief financial officer."
    assert [r.slice(t) for r in role_spans(t, _all(t))] == [
        "retail business chief",
        "chief financial officer",
    ]


def test_one_stock_move_per_percentage_and_stakes_excluded() -> None:
    t = "Foo Inc's stock jumped 5% in London on Monday and 4.5 percent in Tokyo on Tuesday."
    assert [a.slice(t) for a in move_anchors(t, _all(t))] == ["5%", "4.5 percent"]
    t2 = "Its stake shares fell from 10.2 percent to 7.5 percent after the sale."
    assert move_anchors(t2, _all(t2)) == []


def test_price_level_without_percentage_is_an_anchor() -> None:
    t = "Bar Ltd's share price slid to a record low of $3.20 in May."
    assert [a.slice(t) for a in move_anchors(t, _all(t))] == ["$3.20"]


def test_kinds_found_and_buybacks_and_selloffs_skipped() -> None:
    t = (
        "Gamma Holdings plans to sell 2 million shares of Delta Corp this week. "
        "Delta Corp will buy back shares worth $5 million. "
        "Delta's shares suffered a sell-off, falling 3% on Friday. "
        "Mary Roe will succeed John Doe as chief executive officer, and Sam Poe resigned as a director."
    )
    kinds = [(c.kind, c.focus.slice(t)[:12]) for c in find_candidates(t)]
    assert kinds == [
        ("ShareSale", "Gamma Holdin"),
        ("StockMove", "Delta's shar"),
        ("ExecutiveChange", "Mary Roe wil"),
        ("ExecutiveChange", "Sam Poe resi"),
    ]


def test_no_candidates_in_plain_text() -> None:
    assert find_candidates("The weather was fine. Nothing happened to anyone.") == []


def test_sale_needs_someone_who_sells() -> None:
    from newsextract.text.candidates import sale_agent

    def agent(s: str) -> str | None:
        a = sale_agent(s)
        return s[a[0] : a[1]] if a else None

    assert agent("Gamma (NYSE: GAM) has filed to sell another stake in Delta.") == "Gamma"
    assert agent("Ann Roe has postponed plans to sell her shares.") == "Roe"
    assert agent("He said he will not sell any shares.") == "he"
    assert agent("The sale of 3 million shares by Omega Partners closed.") == "Omega"
    assert agent("Beta's planned share sale was delayed.") == "Beta"
    assert agent("Investors worried the share sale would go ahead.") is None
    assert agent("The latest stake cut plan caused the stock to fall.") is None
    t = "Gamma plans to sell shares. Shares fell after the stake sale was reported."
    assert [c.kind for c in find_candidates(t)] == ["ShareSale"]


def test_names_split_at_place_modifiers_and_keep_group() -> None:
    t = "Paris-based Orbis Group sold shares."
    assert [n.slice(t) for n in name_spans(t, _all(t))] == ["Paris", "Orbis Group"]


def test_sale_verb_must_govern_shares() -> None:
    from newsextract.text.candidates import sale_agent

    assert sale_agent("Tesla sold more cars than BYD, sending its shares up 5%.") is None
    assert sale_agent("Gamma sold 2 million shares, worth $5 million, on Monday.") is not None
    assert sale_agent("Ma says the stock is cheap and he will not sell it.") is not None
