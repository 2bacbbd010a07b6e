"""The gold through the post-processing, as if a perfect model had answered: nothing lost or distorted.

Each hand-annotated gold event is turned into the draft a perfect model would return (values copied as
written from the article: the mention in the quote, or else in the article, whose parsed value equals
the gold value), then grounding, normalisation and de-duplication run as in production. The scorer
must then give F1 = 1.0 and every field must agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from newsextract.evaluate import GoldArticle, load_gold, score
from newsextract.kinds.drafts import ArticleDraft
from newsextract.normalize.dates import find_dates
from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_counts, find_percents
from newsextract.pipeline.postprocess import postprocess
from newsextract.text.sentences import split_sentences

REPO = Path(__file__).resolve().parents[1]
GOLD = load_gold(REPO / "fixtures" / "gold" / "seeds.jsonl")


def _written_money(value: dict[str, Any] | None, quote: str, text: str) -> str | None:
    if value is None:
        return None
    for where in (quote, text):
        for m in find_money(where, context=quote):
            if m.value.amount == Decimal(str(value["amount"])) and m.value.currency == value["currency"]:
                return m.text
    raise AssertionError(f"no mention of {value} in the article")


def _written_count(value: int | None, quote: str) -> str | None:
    if value is None:
        return None
    for m in find_counts(quote):
        if m.value == value:
            return m.text
    raise AssertionError(f"no count {value} in {quote!r}")


def _written_pct(value: float | None, quote: str) -> str | None:
    if value is None:
        return None
    for m in find_percents(quote):
        if abs(m.value - value) < 1e-9:
            return m.text
    raise AssertionError(f"no percent {value} in {quote!r}")


def _quote_with(gold_quote: str, start: int, text: str, values: list[float]) -> str:
    """The gold quote, extended to the following sentences when a value is stated there (as a perfect
    model would quote both sentences, e.g. a stake change told in the sentence after the sale)."""
    end = start + len(gold_quote)
    for value in values:
        if any(abs(m.value - value) < 1e-9 for m in find_percents(text[start:end])):
            continue
        for sentence in split_sentences(text):
            if sentence.start >= end and any(
                abs(m.value - value) < 1e-9 for m in find_percents(sentence.slice(text))
            ):
                end = sentence.end
                break
    return text[start:end]


def _written_date(value: str | None, quote: str, text: str, published: dt.date | None) -> str | None:
    if value is None:
        return None
    wanted = dt.date.fromisoformat(value)
    for where in (quote, text):
        for m in find_dates(where, published):
            if m.value == wanted:
                return m.text
    raise AssertionError(f"no date resolving to {value} in the article")


def perfect_draft(article: GoldArticle, text: str) -> ArticleDraft:
    published = article.published
    out: dict[str, list[dict[str, Any]]] = {"share_sales": [], "executive_changes": [], "stock_moves": []}
    for gold in article.events:
        ev = gold.to_json_dict()
        q = ev["quote"]
        if ev["type"] == "ShareSale":
            stakes = [v for v in (ev.get("stake_before_pct"), ev.get("stake_after_pct")) if v is not None]
            q = _quote_with(q, gold.start, text, stakes)
            out["share_sales"].append(
                {
                    "quote": q,
                    "seller": ev["seller"],
                    "company": ev["company"],
                    "shares": _written_count(ev.get("shares"), q),
                    "value": _written_money(ev.get("value"), q, text),
                    "price_per_share": _written_money(ev.get("price_per_share"), q, text),
                    "stake_before": _written_pct(ev.get("stake_before_pct"), q),
                    "stake_after": _written_pct(ev.get("stake_after_pct"), q),
                    "status": ev.get("status", "unknown"),
                    "date": _written_date(ev.get("date"), q, text, published),
                }
            )
        elif ev["type"] == "ExecutiveChange":
            out["executive_changes"].append(
                {
                    "quote": q,
                    "company": ev["company"],
                    "person": ev["person"],
                    "role": ev["role"],
                    "change": ev["change"],
                    "predecessor": ev.get("predecessor"),
                    "interim": ev.get("interim", False),
                    "effective_date": _written_date(ev.get("effective_date"), q, text, published),
                }
            )
        else:
            out["stock_moves"].append(
                {
                    "quote": q,
                    "company": ev["company"],
                    "ticker": ev.get("ticker"),
                    "market": ev.get("market"),
                    "direction": ev["direction"],
                    "change_pct": _written_pct(ev.get("change_pct"), q),
                    "price": _written_money(ev.get("price"), q, text),
                    "period": ev.get("period"),
                    "date": _written_date(ev.get("date"), q, text, published),
                }
            )
    return ArticleDraft.model_validate(out)


@pytest.mark.parametrize("article", GOLD, ids=[a.id for a in GOLD])
def test_gold_round_trip_scores_one(article: GoldArticle) -> None:
    text = (REPO / "seeds" / f"{article.id}.txt").read_text(encoding="utf-8")
    published = article.published
    events, dropped = postprocess(perfect_draft(article, text), text, published, "strict")
    # nothing is dropped but background history (an optional gold event), and that is recorded
    history = [d for d in dropped if any("history, not news" in r for r in d.reasons)]
    assert dropped == history, [d.reasons for d in dropped]
    assert all(d.type == "ExecutiveChange" and d.field is None for d in history)
    for ev in events:
        assert text[ev.evidence.start : ev.evidence.end] == ev.evidence.quote
    report = score([article], {article.id: events}, names="strict")
    assert report.overall.f1 == pytest.approx(1.0), report.table()
    for kind, fields in report.field_accuracy().items():
        for field, accuracy in fields.items():
            assert accuracy is None or accuracy == pytest.approx(1.0), (kind, field, report.table())
