"""A cache hit re-locates every quote in the text asked about and re-checks the values: an entry someone
else wrote (with the current pipeline fingerprint) cannot smuggle an invented event out as ``cached``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import FakeOpenAIServer, ToolCall
from tests.test_gold_roundtrip import perfect_draft

from newsextract import Extractor
from newsextract.cache.store import CacheWarning
from newsextract.core.schemas import GroundingMode
from newsextract.evaluate import GoldArticle, load_gold
from newsextract.grounding.recheck import recheck_events
from newsextract.kinds.drafts import ArticleDraft
from newsextract.pipeline.postprocess import postprocess

REPO = Path(__file__).resolve().parents[1]
ARTICLE = (
    "Alibaba founder Jack Ma sold 10 million shares of Alibaba Group for about $871 million on Tuesday. "
    "Alibaba shares fell 3.2% to $86.40 in New York."
)
REPLY = ToolCall(
    json.dumps(
        {
            "share_sales": [
                {
                    "quote": ARTICLE.split(". ")[0] + ".",
                    "seller": "Jack Ma",
                    "company": "Alibaba Group",
                    "shares": "10 million",
                    "value": "about $871 million",
                    "status": "completed",
                }
            ],
            "stock_moves": [
                {
                    "quote": "Alibaba shares fell 3.2% to $86.40 in New York.",
                    "company": "Alibaba",
                    "direction": "down",
                    "change_pct": "3.2%",
                    "price": "$86.40",
                    "market": "New York",
                }
            ],
        }
    )
)


def _cached(server: FakeOpenAIServer, tmp_path: Path, grounding: GroundingMode = "strict") -> Extractor:
    server.enqueue(REPLY)
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(tmp_path / "c"), grounding=grounding)
    first = ex.extract(ARTICLE)
    assert len(first.share_sales) == 1 and len(first.stock_moves) == 1
    return ex


def _tamper(ex: Extractor, change: Any) -> None:
    """Rewrite the stored events the way someone with write access to the cache could."""
    store, key = ex.store, ex.cache_key(ARTICLE)
    assert store is not None
    entry = store.get(key)
    assert entry is not None
    change(entry["events"])
    assert store.set(key, entry)


def _sale(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["type"] == "ShareSale")


def test_an_invented_event_whose_quote_is_not_in_the_text_is_a_miss(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    ex = _cached(server, tmp_path)

    def invent(events: list[dict[str, Any]]) -> None:
        fake = dict(_sale(events))
        fake.update(seller="Evil Person", shares=99_000_000, evidence={"quote": "Evil Person sold it all.",
                                                                        "start": 0, "end": 24})  # fmt: skip
        events.append(fake)

    _tamper(ex, invent)
    server.enqueue(REPLY)
    with pytest.warns(CacheWarning, match="does not match the article"):
        again = ex.extract(ARTICLE)
    assert not again.meta.cached and server.request_count == 2
    assert [s.seller for s in again.share_sales] == ["Jack Ma"]
    third = ex.extract(ARTICLE)  # the fresh answer replaced the entry
    assert third.meta.cached and [s.seller for s in third.share_sales] == ["Jack Ma"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seller", "Evil Person"),
        ("company", "Tencent"),
        ("shares", 20_000_000),
        ("value", {"amount": "871000000", "currency": "HKD"}),
        ("value", {"amount": "9990000", "currency": "USD"}),
        ("stake_after_pct", 4.5),
    ],
)
def test_a_value_the_article_does_not_state_is_a_miss(
    server: FakeOpenAIServer, tmp_path: Path, field: str, value: Any
) -> None:
    ex = _cached(server, tmp_path)
    _tamper(ex, lambda events: _sale(events).update({field: value}))
    server.enqueue(REPLY)
    with pytest.warns(CacheWarning, match=field):
        again = ex.extract(ARTICLE)
    assert not again.meta.cached and server.request_count == 2
    sale = again.share_sales[0]
    assert (sale.seller, sale.company, sale.shares) == ("Jack Ma", "Alibaba Group", 10_000_000)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seller", "Evil Person"),
        ("shares", 20_000_000),
        ("value", {"amount": "871000000", "currency": "HKD"}),
        ("stake_after_pct", 4.5),
    ],
)
def test_a_row_tampered_after_hits_is_still_a_miss(
    server: FakeOpenAIServer, tmp_path: Path, field: str, value: Any
) -> None:
    """The re-check remembers its answers per value and text: an honest row verified on earlier hits
    lends nothing to a changed value in the same place."""
    ex = _cached(server, tmp_path)
    for _ in range(2):
        assert ex.extract(ARTICLE).meta.cached
    _tamper(ex, lambda events: _sale(events).update({field: value}))
    server.enqueue(REPLY)
    with pytest.warns(CacheWarning, match=field):
        again = ex.extract(ARTICLE)
    assert not again.meta.cached and server.request_count == 2
    assert ex.extract(ARTICLE).meta.cached  # the fresh answer replaced the entry and is served again


def test_a_quote_at_wrong_offsets_is_relocated_not_refused(server: FakeOpenAIServer, tmp_path: Path) -> None:
    ex = _cached(server, tmp_path)

    def shift(events: list[dict[str, Any]]) -> None:
        for e in events:
            e["evidence"]["start"] += 3
            e["evidence"]["end"] += 3

    _tamper(ex, shift)
    again = ex.extract(ARTICLE)
    assert again.meta.cached and server.request_count == 1
    for e in again.events:
        assert ARTICLE[e.evidence.start : e.evidence.end] == e.evidence.quote


def test_grounding_off_checks_only_the_evidence(server: FakeOpenAIServer, tmp_path: Path) -> None:
    ex = _cached(server, tmp_path, grounding="off")
    _tamper(ex, lambda events: _sale(events).update(shares=5))  # "off" never checked values: kept
    assert ex.extract(ARTICLE).share_sales[0].shares == 5
    _tamper(ex, lambda events: _sale(events)["evidence"].update(quote="Not in the article."))
    server.enqueue(REPLY)
    with pytest.warns(CacheWarning, match="quote is not in the article"):
        assert not ex.extract(ARTICLE).meta.cached


def test_flag_mode_keeps_a_flagged_event_but_not_an_unflagged_invention(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    ex = _cached(server, tmp_path, grounding="flag")
    _tamper(ex, lambda events: _sale(events).update(shares=5, flags=["shares not stated"]))
    kept = ex.extract(ARTICLE)
    assert kept.meta.cached and kept.share_sales[0].flags == ["shares not stated"]
    _tamper(ex, lambda events: _sale(events).update(shares=5, flags=[]))
    server.enqueue(REPLY)
    with pytest.warns(CacheWarning, match="shares"):
        assert not ex.extract(ARTICLE).meta.cached


# -- a correct answer always survives the re-check ---------------------------------------------------
def _gold_cases() -> list[tuple[GoldArticle, str, ArticleDraft]]:
    """Every gold article with events, its text and the draft a perfect model would return (articles
    whose gold holds a value no mention parses to, such as a stake cut "to zero", are left out)."""
    folders = {"seeds": REPO / "seeds"}
    folders.update({n: REPO / "fixtures" / n / "articles" for n in ("heldout", "heldout2", "heldout3")})
    cases = []
    for name, folder in folders.items():
        for article in load_gold(REPO / "fixtures" / "gold" / f"{name}.jsonl"):
            text = (folder / f"{article.id}.txt").read_text(encoding="utf-8")
            try:
                draft = perfect_draft(article, text)
            except AssertionError:
                continue
            if article.events:
                cases.append((article, text, draft))
    return cases


CASES = _gold_cases()


def test_most_gold_articles_are_covered() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize(("article", "text", "draft"), CASES, ids=[c[0].id for c in CASES])
@pytest.mark.parametrize("grounding", ["strict", "flag"])
def test_post_processed_gold_passes_the_recheck(
    article: GoldArticle, text: str, draft: ArticleDraft, grounding: GroundingMode
) -> None:
    events, _ = postprocess(draft, text, article.published, grounding)
    assert events
    checked = recheck_events(events, text, grounding)
    assert checked.problems == []
    assert checked.events == events


def test_a_stake_cut_to_zero_in_words_passes_like_grounding() -> None:
    text = (
        "Calderstone sold 31.5mn shares in Mirefield Group at 412p each on Tuesday, cutting its stake "
        "from 6.3 per cent to zero, according to people familiar with the transaction."
    )
    draft = ArticleDraft.model_validate(
        {
            "share_sales": [
                {
                    "quote": text,
                    "seller": "Calderstone",
                    "company": "Mirefield Group",
                    "shares": "31.5mn",
                    "stake_before": "6.3 per cent",
                    "stake_after": "0%",
                    "status": "completed",
                }
            ]
        }
    )
    events, dropped = postprocess(draft, text, None, "strict")
    assert dropped == [] and events[0].stake_after_pct == 0  # type: ignore[union-attr]
    assert recheck_events(events, text, "strict").problems == []
    invented = [events[0].model_copy(update={"stake_after_pct": 2.0})]
    assert recheck_events(invented, text, "strict").problems
