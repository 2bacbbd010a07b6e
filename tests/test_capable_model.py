"""The capable-model behaviour suite: a correct answer in any style survives, at one request per article.

A scripted endpoint (``tests/support/gold_model.py``) answers every article of the seeds and the three
held-out sets from the gold, in the styles capable models write, through the real openai client and
instructor. For each style: F1 1.0 against the gold, every matched field equal to the gold after
normalisation, exactly one request per article, and each removal recorded with its reason.
``bench/bench_styles.py`` prints the same figures as a table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import FakeOpenAIServer, ToolCall
from tests.support.gold_model import INVENTED_SHARES, STYLES, Case, StyleRun, load_cases, run_style

from newsextract import Extractor

CASES = load_cases()


@pytest.fixture(scope="module")
def runs() -> dict[str, StyleRun]:
    return {}


def _run(runs: dict[str, StyleRun], style: str) -> StyleRun:
    if style not in runs:
        runs[style] = run_style(style, CASES)
    return runs[style]


@pytest.mark.server
@pytest.mark.parametrize("style", STYLES)
def test_every_style_keeps_the_gold_at_one_request(style: str, runs: dict[str, StyleRun]) -> None:
    run = _run(runs, style)
    assert run.errors == {}
    report = run.report
    assert report.overall.f1 == pytest.approx(1.0), report.table()
    for kind, fields in report.field_accuracy().items():
        for field, accuracy in fields.items():
            assert accuracy is None or accuracy == pytest.approx(1.0), (style, kind, field, report.table())
    assert run.requests == run.articles, f"{run.requests} requests for {run.articles} articles"
    for result in run.results.values():
        assert result.meta.attempts == 1
        for event in result.events:
            text = result.text or ""
            assert text[event.evidence.start : event.evidence.end] == event.evidence.quote


@pytest.mark.server
def test_unstated_fields_cost_the_field_and_say_why(runs: dict[str, StyleRun]) -> None:
    run = _run(runs, "unstated_field")
    expected = 0
    for case in CASES:
        dropped = run.results[case.id].meta.dropped
        by_field = {(d.type, d.field) for d in dropped if d.field is not None}
        for kind, field in run.expected[case.id].dropped_fields:
            expected += 1
            assert (kind, field) in by_field, (case.id, kind, field, dropped)
        for d in dropped:
            if d.field is not None:
                assert d.reasons and d.field in d.reasons[0]
    assert expected > 20  # the style really added unstated fields


@pytest.mark.server
def test_invented_events_are_rejected_with_a_reason(runs: dict[str, StyleRun]) -> None:
    run = _run(runs, "invented_event")
    for case in CASES:
        whole = [d for d in run.results[case.id].meta.dropped if d.field is None]
        invented = [d for d in whole if d.draft.get("shares") == INVENTED_SHARES]
        assert len(invented) == 1, (case.id, whole)
        assert invented[0].reasons


@pytest.mark.server
def test_injected_instructions_never_become_events(runs: dict[str, StyleRun]) -> None:
    run = _run(runs, "injected")
    for case in CASES:
        result = run.results[case.id]
        assert all(e.type != "ExecutiveChange" or e.person != "Evil Person" for e in result.events)
        [injected] = [d for d in result.meta.dropped if d.draft.get("person") == "Evil Person"]
        assert any("instruction" in r for r in injected.reasons)


# -- attribution: a real quote with one value swapped (issue: "Attribution is not checked") -------

MA = next(c for c in CASES if c.id.startswith("000"))
MA_QUOTE = (
    "Two regulatory filings last Thursday showed that Ma was looking to sell 10 million shares, "
    "worth about $871 million."
)
MOVE_QUOTE = "Alibaba’s stock fell 9% in New York on Thursday"


def _extract(case: Case, reply: dict[str, Any], tmp_path: Path) -> Any:
    body = {"share_sales": [], "executive_changes": [], "stock_moves": [], **reply}
    with FakeOpenAIServer([ToolCall(json.dumps(body))]) as server:
        ex = Extractor(model="m", base_url=server.base_url, api_key="sk-test", cache_dir=str(tmp_path))
        try:
            result = ex.extract(case.text, case.published)
        finally:
            ex.close()
        assert server.request_count == 1
    return result


def _sale(**over: Any) -> dict[str, Any]:
    return {
        "quote": MA_QUOTE,
        "seller": "Jack Ma",
        "company": "Alibaba",
        "shares": "10 million",
        "value": "about $871 million",
        "status": "postponed",
        **over,
    }


@pytest.mark.server
def test_the_true_sale_is_kept(tmp_path: Path) -> None:
    result = _extract(MA, {"share_sales": [_sale()]}, tmp_path)
    [sale] = result.share_sales
    assert (sale.seller, sale.company, sale.shares, sale.status) == (
        "Jack Ma",
        "Alibaba",
        10_000_000,
        "postponed",
    )
    assert result.meta.dropped == []


@pytest.mark.server
@pytest.mark.parametrize(
    ("over", "reason"),
    [
        # Joe Tsai is named in the article, four paragraphs away
        pytest.param(
            {"seller": "Joe Tsai"}, 'seller "Joe Tsai" is not named in the quoted sentence', id="seller"
        ),
        # Jane Jiang Fang is named in the very next sentence, but the quoted one says who sells: Ma
        pytest.param(
            {"seller": "Jane Jiang Fang"},
            'seller "Jane Jiang Fang" is not named in the quoted sentence',
            id="seller-next-door",
        ),
        # JC Properties is named two sentences later, as a vehicle of the sale
        pytest.param(
            {"company": "JC Properties"},
            'company "JC Properties" is not named in the quoted sentence',
            id="company",
        ),
    ],
)
def test_a_name_from_elsewhere_in_the_article_loses_the_event(
    over: dict[str, Any], reason: str, tmp_path: Path
) -> None:
    result = _extract(MA, {"share_sales": [_sale(**over)]}, tmp_path)
    assert result.share_sales == []
    [dropped] = result.meta.dropped
    assert dropped.field is None and any(reason in r for r in dropped.reasons), dropped.reasons


@pytest.mark.server
def test_status_must_agree_with_the_sentence(tmp_path: Path) -> None:
    result = _extract(MA, {"share_sales": [_sale(status="completed")]}, tmp_path)
    [sale] = result.share_sales
    assert sale.status != "completed"  # the sentence says "was looking to sell"
    [dropped] = result.meta.dropped
    assert dropped.field == "status" and "completed" in dropped.reasons[0]


@pytest.mark.server
def test_swapped_market_is_removed(tmp_path: Path) -> None:
    move = {"quote": MOVE_QUOTE, "company": "Alibaba", "direction": "down", "change_pct": "9%"}
    result = _extract(MA, {"stock_moves": [{**move, "market": "Hong Kong"}]}, tmp_path)
    [ev] = result.stock_moves
    assert ev.market is None and ev.change_pct == 9.0
    [dropped] = result.meta.dropped
    assert dropped.field == "market" and "Hong Kong" in dropped.reasons[0]
    right = _extract(MA, {"stock_moves": [{**move, "market": "New York"}]}, tmp_path / "2")
    assert [e.market for e in right.stock_moves] == ["New York"] and right.meta.dropped == []
