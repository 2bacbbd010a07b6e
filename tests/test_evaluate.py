"""Tests for newsextract.evaluate."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from newsextract.core.schemas import Evidence, Meta, Money
from newsextract.evaluate import (
    GoldArticle,
    GoldEvent,
    NameMode,
    field_agrees,
    load_gold,
    parse_gold,
    score,
    to_gold_article,
    to_gold_events,
)
from newsextract.extraction import Extraction
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove

TEXT = "Jack Ma plans to sell 10 million Alibaba shares. Alibaba fell 9% in New York. Wu Zeming became CTO."


def gev(type_: str, quote: str, optional: bool = False, **fields: Any) -> dict[str, Any]:
    start = TEXT.index(quote)
    return {
        "type": type_,
        **fields,
        "quote": quote,
        "start": start,
        "end": start + len(quote),
        "optional": optional,
    }


SALE = gev(
    "ShareSale",
    "Jack Ma plans to sell 10 million Alibaba shares.",
    seller="Jack Ma",
    company="Alibaba Group Holding",
    shares=10_000_000,
    value={"amount": 871000000, "currency": "USD"},
    status="planned",
)
MOVE = gev(
    "StockMove",
    "Alibaba fell 9% in New York.",
    company="Alibaba",
    market="New York",
    direction="down",
    change_pct=9.0,
    period="Thursday",
    date="2023-11-16",
)
EXEC = gev(
    "ExecutiveChange",
    "Wu Zeming became CTO.",
    company="Alibaba",
    person="Wu Zeming",
    role="chief technology officer",
    change="appointed",
    predecessor="Cheng Li",
)


def article(*events: dict[str, Any], id: str = "a1") -> GoldArticle:
    return GoldArticle.model_validate({"id": id, "published": "2023-11-23", "events": list(events)})


def ev(start: int = 0, quote: str = "x") -> Evidence:
    return Evidence(quote=quote, start=start, end=start + len(quote))


# --- gold models --------------------------------------------------------------------------------


def test_gold_event_roundtrip() -> None:
    g = GoldEvent.model_validate(SALE)
    assert g.fields["seller"] == "Jack Ma" and g.optional is False
    e = g.event()
    assert isinstance(e, ShareSale)
    assert e.value == Money(amount=Decimal(871000000), currency="USD")
    assert e.evidence.quote == SALE["quote"]
    assert g.to_json_dict() == SALE


def test_gold_event_validation() -> None:
    with pytest.raises(ValueError, match="unknown"):
        GoldEvent.model_validate({**SALE, "sellr": "x"})
    with pytest.raises(ValueError):
        GoldEvent.model_validate({**SALE, "end": SALE["end"] + 1})
    with pytest.raises(ValueError):
        GoldEvent.model_validate({**MOVE, "direction": "sideways"})
    with pytest.raises(ValueError):
        GoldEvent.model_validate({**SALE, "type": "Buyback"})


def test_load_and_parse_gold(tmp_path: Path) -> None:
    rec = {"id": "a1", "published": None, "events": [SALE, MOVE]}
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(rec) + "\n\n" + json.dumps({**rec, "id": "a2"}) + "\n", encoding="utf-8")
    gold = load_gold(path)
    assert [a.id for a in gold] == ["a1", "a2"]
    assert gold[0].published is None and len(gold[0].events) == 2
    assert gold[0].check_against(TEXT) == []
    assert gold[0].check_against("x" * 200) != []
    with pytest.raises(ValueError, match=":2:"):
        parse_gold([json.dumps(rec), "{not json"])
    with pytest.raises(ValueError, match="duplicate"):
        parse_gold([json.dumps(rec), json.dumps(rec)])


# --- scoring ------------------------------------------------------------------------------------


def test_gold_against_itself_is_perfect() -> None:
    gold = [article(SALE, MOVE, EXEC)]
    preds = {"a1": [e.event() for e in gold[0].events]}
    modes: tuple[NameMode, ...] = ("strict", "relaxed")
    for names in modes:
        r = score(gold, preds, names=names)
        assert r.overall.f1 == 1.0 and r.overall.tp == 3 and r.overall.fp == r.overall.fn == 0
        assert all(acc == 1.0 for fields in r.field_accuracy().values() for acc in fields.values())


def test_dict_and_extraction_predictions() -> None:
    gold = [article(SALE, MOVE, EXEC)]
    # flat gold-format dicts
    assert score(gold, {"a1": [SALE, MOVE, EXEC]}).overall.f1 == 1.0
    # full event dumps
    dumps = [e.event().model_dump(mode="json") for e in gold[0].events]
    assert score(gold, {"a1": dumps}).overall.f1 == 1.0
    # an Extraction
    ex = Extraction.from_events(
        [e.event() for e in gold[0].events], meta=Meta(model="m", endpoint="embedded")
    )
    assert score(gold, {"a1": ex}).overall.f1 == 1.0


def test_optional_neither_rewards_nor_penalises() -> None:
    opt = gev(
        "StockMove",
        "Alibaba fell 9% in New York.",
        optional=True,
        company="Alibaba",
        direction="down",
        period="last week",
    )
    gold = [article(SALE, opt)]
    sale = GoldEvent.model_validate(SALE).event()
    vague = StockMove(company="Alibaba", direction="down", period="last week", evidence=ev())
    with_opt = score(gold, {"a1": [sale, vague]})
    without_opt = score(gold, {"a1": [sale]})
    for r in (with_opt, without_opt):
        assert (r.overall.tp, r.overall.fp, r.overall.fn) == (1, 0, 0)
        assert r.overall.f1 == 1.0
    assert with_opt.optional_matches == 1 and without_opt.optional_matches == 0
    # a second prediction beyond the one optional slot is a false positive
    r = score(gold, {"a1": [sale, vague, vague]})
    assert (r.overall.tp, r.overall.fp, r.overall.fn) == (1, 1, 0)


def test_required_gold_preferred_over_optional() -> None:
    opt = {**SALE, "optional": True, "status": "denied", "shares": None, "value": None}
    gold = [article(SALE, opt)]
    pred = GoldEvent.model_validate({**SALE, "status": "denied"}).event()
    r = score(gold, {"a1": [pred]})
    assert (r.overall.tp, r.overall.fp, r.overall.fn) == (1, 0, 0)


def test_relaxed_vs_strict_names() -> None:
    gold = [article(SALE, EXEC)]
    pred_sale = ShareSale(seller="Ma", company="Alibaba", shares=10_000_000, status="planned", evidence=ev())
    pred_exec = ExecutiveChange(
        company="Alibaba Group", person="WU ZEMING ", role="CTO", change="appointed", evidence=ev()
    )
    relaxed = score(gold, {"a1": [pred_sale, pred_exec]}, names="relaxed")
    strict = score(gold, {"a1": [pred_sale, pred_exec]}, names="strict")
    assert (relaxed.overall.tp, relaxed.overall.fp, relaxed.overall.fn) == (2, 0, 0)
    # strict: "Ma" != "Jack Ma" -> the sale is a FP and a FN; person matches after trim/case-fold
    assert (strict.overall.tp, strict.overall.fp, strict.overall.fn) == (1, 1, 1)
    assert strict.per_type["ShareSale"].f1 == 0.0
    acc = relaxed.field_accuracy()
    assert acc["ExecutiveChange"]["role"] == 1.0  # CTO ~ chief technology officer in relaxed mode
    assert acc["ExecutiveChange"]["predecessor"] == 0.0  # None vs "Cheng Li"
    assert acc["ShareSale"]["value"] == 0.0 and acc["ShareSale"]["shares"] == 1.0
    assert strict.field_accuracy()["ExecutiveChange"]["role"] == 0.0


def test_stock_move_keys() -> None:
    gold = [article(MOVE)]
    hk = StockMove(company="Alibaba", market="Hong Kong", direction="down", change_pct=9.0, evidence=ev())
    up = StockMove(company="Alibaba", market="New York", direction="up", evidence=ev())
    no_market = StockMove(company="Alibaba", direction="down", change_pct=9.0, evidence=ev())
    for wrong in (hk, up, no_market):
        r = score(gold, {"a1": [wrong]})
        assert (r.overall.tp, r.overall.fp, r.overall.fn) == (0, 1, 1)
    nyse = StockMove(company="Alibaba's", market="NYSE", direction="down", change_pct=9.004, evidence=ev())
    r = score(gold, {"a1": [nyse]})
    assert r.overall.tp == 1
    assert r.field_accuracy()["StockMove"]["change_pct"] == 1.0  # within 0.01
    assert score(gold, {"a1": [nyse]}, names="strict").overall.tp == 0  # "NYSE" != "New York" strictly


def test_greedy_matching_by_field_agreement() -> None:
    a = gev(
        "StockMove",
        "Alibaba fell 9% in New York.",
        company="Xpeng",
        market="US",
        direction="down",
        change_pct=3.84,
    )
    b = gev(
        "StockMove",
        "Alibaba fell 9% in New York.",
        company="Xpeng",
        market="US",
        direction="down",
        change_pct=7.52,
    )
    gold = [article(a, b)]
    p1 = StockMove(company="Xpeng", market="US", direction="down", change_pct=7.52, evidence=ev())
    p2 = StockMove(company="Xpeng", market="US", direction="down", change_pct=3.84, evidence=ev())
    r = score(gold, {"a1": [p1, p2]})
    assert r.overall.tp == 2 and r.field_accuracy()["StockMove"]["change_pct"] == 1.0


def test_missing_and_unscored_articles() -> None:
    gold = [article(SALE, id="a1"), article(MOVE, id="a2")]
    r = score(gold, {"a1": [SALE], "zzz": [MOVE]})
    assert r.missing_ids == ["a2"] and r.unscored_ids == ["zzz"]
    assert (r.overall.tp, r.overall.fp, r.overall.fn) == (1, 0, 1)
    assert r.overall.precision == 1.0 and r.overall.recall == 0.5
    assert r.overall.f1 == pytest.approx(2 / 3)


def test_nothing_to_find_and_nothing_predicted_is_undefined_not_perfect() -> None:
    empty = score([article(id="e")], {"e": []})
    assert empty.overall.precision is None and empty.overall.recall is None and empty.overall.f1 is None
    r = score([article(SALE)], {})
    assert r.overall.f1 == 0.0 and r.overall.recall == 0.0
    # a type with zero predictions has no precision (never 1.0), shown as n/a and null in JSON
    assert r.per_type["ShareSale"].precision is None
    row = next(line for line in r.table().splitlines() if line.startswith("ShareSale"))
    assert row.split()[4:7] == ["n/a", "0.000", "0.000"], row
    assert r.to_dict()["per_type"]["ShareSale"]["precision"] is None
    # predictions where there is nothing to find: precision 0, recall undefined, F1 0
    fp = score([article(id="a1")], {"a1": [SALE]})
    assert fp.overall.precision == 0.0 and fp.overall.recall is None and fp.overall.f1 == 0.0


def test_field_agrees_rules() -> None:
    usd = Money(amount=Decimal("871000000"), currency="USD")
    assert field_agrees("value", usd, Money(amount=Decimal("871000000.0"), currency="usd", qualifier="about"))
    assert not field_agrees("value", usd, Money(amount=Decimal("871000001"), currency="USD"))
    assert not field_agrees("value", usd, Money(amount=Decimal("871000000"), currency="HKD"))
    assert field_agrees("change_pct", 3.84, 3.849) and not field_agrees("change_pct", 3.84, 3.86)
    assert field_agrees("date", dt.date(2023, 1, 1), dt.date(2023, 1, 1))
    assert not field_agrees("date", dt.date(2023, 1, 1), None) and field_agrees("date", None, None)
    assert field_agrees("interim", True, True) and not field_agrees("interim", True, False)
    assert field_agrees("period", "on Thursday", "Thursday")
    assert not field_agrees("period", "on Thursday", "Thursday", names="strict")
    assert field_agrees("company", "Alibaba Group Holding", "alibaba")
    assert not field_agrees("company", "Alibaba Group Holding", "alibaba", names="strict")


def test_report_rendering() -> None:
    gold = [article(SALE, MOVE, EXEC)]
    r = score(gold, {"a1": [SALE]})
    table = r.table()
    assert "ShareSale" in table and "overall" in table and "field accuracy" in table
    d = r.to_dict()
    json.dumps(d)  # plain JSON
    assert d["overall"]["tp"] == 1 and d["overall"]["fn"] == 2
    assert d["per_type"]["StockMove"]["recall"] == 0.0
    assert d["field_accuracy"]["ShareSale"]["shares"] == {"accuracy": 1.0, "pairs": 1}
    assert {fn["type"] for fn in d["false_negatives"]} == {"StockMove", "ExecutiveChange"}


def test_to_gold_helpers_roundtrip() -> None:
    events = [GoldEvent.model_validate(x).event() for x in (SALE, MOVE, EXEC)]
    dicts = to_gold_events(events)
    assert dicts[0]["value"] == {"amount": 871000000, "currency": "USD"}
    assert dicts[1]["date"] == "2023-11-16" and dicts[1]["optional"] is False
    assert [GoldEvent.model_validate(d).to_json_dict() for d in dicts] == dicts
    rec = to_gold_article("a1", events, published=dt.date(2023, 11, 23))
    art = GoldArticle.model_validate(json.loads(json.dumps(rec)))
    assert art.published == dt.date(2023, 11, 23)
    assert score([art], {"a1": events}).overall.f1 == 1.0
    ex = Extraction.from_events(list(reversed(events)), meta=Meta(model="m", endpoint="embedded"))
    assert [d["type"] for d in to_gold_events(ex)] == ["ShareSale", "StockMove", "ExecutiveChange"]
