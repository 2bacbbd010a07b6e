"""Candidate finding and span options: pure rules, no model."""

from __future__ import annotations

from newsextract.text.candidates import (
    find_candidates,
    is_title_line,
    move_anchors,
    name_spans,
    role_spans,
    sale_agent,
)
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


def _kinds(t: str) -> list[str]:
    return [c.kind for c in find_candidates(t)]


def test_index_currency_and_commodity_movers_are_no_stock_moves() -> None:
    t = "Orbis shares fell 3% in Madrid, while the benchmark Ibex index, of which Orbis is in, rose 0.4%."
    assert [a.slice(t) for a in move_anchors(t, _all(t))] == ["3%"]
    t2 = "The broad Topix Stock Index climbed 0.9% on Tuesday."
    assert move_anchors(t2, _all(t2)) == []
    t3 = "Regional stocks slipped, with the Kospi falling 1.1% and the won shedding 0.3% against the dollar."
    assert _kinds(t3) == []


def test_price_level_is_a_move_unless_a_percentage_in_its_clause_restates_it() -> None:
    t = "Orbis shares closed flat at 12.40 euros in Madrid on Monday, while the benchmark index rose 0.6%."
    assert [a.slice(t) for a in move_anchors(t, _all(t))] == ["12.40 euros"]
    t2 = "Shares of Orbis climbed to an all-time high of 1,250 yen in Osaka, up 6.1%, after results."
    assert [a.slice(t2) for a in move_anchors(t2, _all(t2))] == ["6.1%"]


def test_bounds_price_targets_and_shares_outstanding_are_no_moves() -> None:
    t = "Orbis will buy back up to 5 million shares, or 2.4% of those outstanding, by December."
    assert "StockMove" not in _kinds(t)
    t2 = '"The stock is beaten up," said Tomas Reyes, an analyst who cut his price target to $40 from $55.'
    assert "StockMove" not in _kinds(t2)


def test_named_movers_without_a_share_word() -> None:
    t = "Rivals also advanced in Seoul, with Hanmir Chemical rising 2.1% and Dalseo Motors adding 0.9%."
    assert [c.anchor.slice(t) for c in find_candidates(t) if c.anchor] == ["2.1%", "0.9%"]
    assert _kinds("Revenue rose 4% to $1.2 billion in the quarter.") == []


def test_title_case_headlines_are_no_candidates() -> None:
    assert is_title_line("Velmora Capital Denies Plan to Sell Arkwright Foods Stake - Daily Ledger")
    assert find_candidates("Velmora Capital Denies Plan to Sell Arkwright Foods Stake - Daily Ledger") == []
    assert not is_title_line("Velmora Capital denied a plan to sell its Arkwright Foods stake.")


def test_sale_verbs_nouns_and_numbers_with_punctuation() -> None:
    assert sale_agent("Pinecrest Partners has offloaded a 4.5% stake in Orbis, selling shares.") is not None
    assert sale_agent("Lydia Moss sold 250,000 Orbis shares for $3.1 million.") is not None
    s = "Vantor Group is considering the sale of its 12% stake in Orbis, people familiar said."
    agent = sale_agent(s)
    assert agent is not None and s[agent[0] : agent[1]] == "Group"
    assert sale_agent("Analysts said the sale of shares would weigh on the price.") is None
    s2 = "Orbis said the founder's holding trust sold 2 million shares last week."
    agent2 = sale_agent(s2)
    assert agent2 is not None and s2[agent2[0] : agent2[1]] == "trust"


def test_previous_employer_and_former_roles_are_no_change() -> None:
    t = "Lee joins from rival Corvex, where she was chief operating officer."
    assert "ExecutiveChange" not in _kinds(t)


def test_role_descriptors_are_not_names() -> None:
    t = "The board named Chief Operating Officer Noémie Larsen as interim CEO."
    assert [n.slice(t) for n in name_spans(t, _all(t))] == ["Noémie Larsen"]
    t2 = "Lead independent director Arno Vidal was appointed chair."
    assert [n.slice(t2) for n in name_spans(t2, _all(t2))] == ["Arno Vidal"]


def test_caps_lines_and_wire_slugs_are_headlines() -> None:
    assert is_title_line("BRIEF-Gamma Robotics finance chief sells shares; director quits")
    assert is_title_line("UPDATE 2-Delta Corp shares slump after profit warning")
    assert is_title_line("(LEAD) Kappa Mining sinks after top holder dumps stake; index ends higher")
    assert is_title_line("MARKETS WRAP: Stocks edge higher as lenders rally")
    assert is_title_line("* CFO JANE ROE SOLD 25,000 SHARES")
    assert not is_title_line("HONG KONG: Shares of Kappa Mining rose 3% on Monday.")
    t = "BRIEF-Gamma Robotics finance chief sells shares"
    assert [n.slice(t) for n in name_spans(t, _all(t))] == ["Gamma Robotics"]
    caps = "* CFO JANE ROE SOLD 25,000 SHARES"
    assert name_spans(caps, _all(caps)) == []  # a headline in capitals: names and verbs look alike
    header = "DELTA WIDGETS CORP (DLW.N)"
    assert name_spans(header, _all(header))[0].slice(header) == "DELTA WIDGETS CORP"
    assert find_candidates("BRIEF-Gamma Robotics finance chief sells shares; director quits") == []


def test_correction_note_restates_no_events() -> None:
    t = (
        "Jane Roe sold 25,000 Gamma shares on Monday.\n\n"
        "Correction: An earlier version of this story said Jane Roe sold 52,000 Gamma shares. "
        "She sold 25,000 Gamma shares on Monday. Gamma shares fell 2% on Tuesday, not 3%."
    )
    assert [(c.kind, c.sentence.start) for c in find_candidates(t)] == [("ShareSale", 0)]


def test_sale_wordings_block_trades_withdrawn_plans_and_intent_notices() -> None:
    for t in (
        "Sam Poe placed 1.5 million shares in an overnight block trade at $12 each.",
        "Founder Lee Park has withdrawn a previously reported plan to sell 100,000 Zeta shares.",
        "The Vortex Family Trust filed a Form 144 notice of its intent to sell up to 2 million shares.",
        "Rho Capital disposed of 3 million Sigma shares in a block trade.",
    ):
        kinds = [c.kind for c in find_candidates(t)]
        assert kinds == ["ShareSale"], t
        assert sale_agent(t) is not None


def test_named_mover_with_a_price_level_needs_no_stock_word() -> None:
    t = "Omnia Foods climbed 4.1% to 512p as wheat prices rose."
    assert [(c.kind, c.anchor.slice(t) if c.anchor else None) for c in find_candidates(t)] == [
        ("StockMove", "4.1%")
    ]
    t2 = "Shipbuilder Harlow Yards ended flat at 52,400 won."
    assert [c.kind for c in find_candidates(t2)] == ["StockMove"]
    t3 = "Omnia Foods revenue rose 5% to $2 billion."  # an amount with a magnitude is no share price
    assert find_candidates(t3) == []
    t4 = "Housebuilder Larch Homes was the biggest faller in the index, tumbling 9.5% on Friday."
    assert [c.kind for c in find_candidates(t4)] == ["StockMove"]


def test_share_as_a_verb_is_no_stock_word() -> None:
    t = "Consumer prices in the countries that share the euro rose 1.8% in August."
    assert find_candidates(t) == []


def test_serving_as_is_its_own_change_clause() -> None:
    t = (
        "Chief financial officer Ann Lee resigned in May to join a rival, and treasurer Bo Chan is "
        "serving as interim chief financial officer."
    )
    assert [c.focus.slice(t)[:12] for c in find_candidates(t)] == ["Chief financ", "treasurer Bo"]


def test_closed_higher_after_the_percentage_and_index_moves() -> None:
    t = "Ostra shares closed 4.4% lower at 87.50 crowns on Friday."
    assert [a.slice(t) for a in move_anchors(t, _all(t))] == ["4.4%"]
    t2 = "The blue-chip FTSE 100 index closed 0.4% higher at 8,295 points on Friday."
    assert move_anchors(t2, _all(t2)) == []


def test_relative_clause_moves_belong_to_their_antecedent() -> None:
    t = "Velmo shares were down 2.7% at 14.85 euros, lagging the FTSE MIB index, which was up 0.2%."
    assert [a.slice(t) for a in move_anchors(t, _all(t))] == ["2.7%"]


def test_a_run_of_moves_gives_at_most_the_bound_per_sentence() -> None:
    """A "sentence" of twenty moves gives the first MAX_PER_SENTENCE, each a stock move of its own."""
    from newsextract.text.candidates import MAX_PER_SENTENCE

    text = ", ".join(f"Gamma{i} shares rose {i + 1}%" for i in range(20)) + "."
    cands = find_candidates(text)
    assert MAX_PER_SENTENCE < 20
    assert len(cands) == MAX_PER_SENTENCE
    assert [c.anchor.slice(text) for c in cands if c.anchor] == [f"{i + 1}%" for i in range(MAX_PER_SENTENCE)]


def test_the_move_word_before_a_value_is_a_lookup() -> None:
    from newsextract.text.candidates import last_move_word, move_word_before

    s = "Gamma shares rose 5% " + "5% " * 30 + "and then fell 2%"
    first = s.index("5%")
    mw = last_move_word(s, first)
    assert mw is not None and mw.group() == "rose"
    assert last_move_word(s, first + 90) is None  # no move word within 60 characters before it
    far = move_word_before(s, first + 90)
    assert far is not None and far.group() == "rose"
    last = move_word_before(s, len(s))
    assert last is not None and last.group() == "fell"
