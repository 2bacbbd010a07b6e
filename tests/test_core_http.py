"""The core path end to end: real openai client + instructor against our scripted server on 127.0.0.1.

Every reply here is written by hand for the test (see fixtures/replies/README.md): the server's request
log gives exact request counts, which is what these tests assert.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import FakeOpenAIServer, HTTPError, ToolCall

from newsextract import Extractor, StockMove, TransportError, ValidationExhaustedError
from newsextract.prompts import parse_template

ARTICLE = (
    "The latest stake cut plan caused Xpeng ADS to fall overnight in the US, dropping 3.84 percent "
    "to $9.51 by the close of trading.\n\nXpeng's Hong Kong-traded shares also suffered a sell-off in "
    "early trading today, falling 7.52 percent to HK$37.50 at press time."
)
QUOTE = (
    "The latest stake cut plan caused Xpeng ADS to fall overnight in the US, dropping 3.84 percent "
    "to $9.51 by the close of trading."
)


def move(**over: Any) -> dict[str, Any]:
    base = {
        "quote": QUOTE,
        "company": "Xpeng",
        "ticker": None,
        "market": "US",
        "direction": "down",
        "change_pct": "3.84 percent",
        "price": "$9.51",
        "period": "overnight",
        "date": None,
    }
    base.update(over)
    return base


def reply(*moves: dict[str, Any]) -> ToolCall:
    return ToolCall(json.dumps({"share_sales": [], "executive_changes": [], "stock_moves": list(moves)}))


def extractor(server: FakeOpenAIServer, tmp_path: Path, **kw: Any) -> Extractor:
    kw.setdefault("cache_dir", str(tmp_path / "cache"))
    kw.setdefault("transport_max_wait_s", 5.0)
    return Extractor(model="test-model", base_url=server.base_url, api_key="sk-secret-123", **kw)


def messages(server: FakeOpenAIServer, i: int) -> list[dict[str, Any]]:
    return list(server.requests[i].body["messages"])


def test_valid_reply_gives_typed_grounded_event(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(reply(move()))
    result = extractor(server, tmp_path).extract(ARTICLE)
    assert server.request_count == 1
    [ev] = result.stock_moves
    assert isinstance(ev, StockMove)
    assert ev.type == "StockMove" and ev.direction == "down" and ev.change_pct == pytest.approx(3.84)
    assert ev.price is not None and ev.price.amount == Decimal("9.51") and ev.price.currency == "USD"
    assert ARTICLE[ev.evidence.start : ev.evidence.end] == ev.evidence.quote == QUOTE
    assert result.meta.attempts == 1 and not result.meta.cached
    assert result.meta.endpoint == server.base_url.rstrip("/")
    assert "sk-secret" not in result.model_dump_json()
    # the key went out as a header only, and the request asked for the tool instructor named
    assert server.requests[0].had_auth
    assert server.requests[0].body["tool_choice"]["type"] == "function"


def test_invalid_then_valid_reasks_with_the_error(server: FakeOpenAIServer, tmp_path: Path) -> None:
    bad = move()
    del bad["company"]  # a required field missing: fails validation
    server.enqueue(reply(bad), reply(move()))
    result = extractor(server, tmp_path).extract(ARTICLE)
    assert server.request_count == 2
    assert len(result.stock_moves) == 1 and result.meta.attempts == 2
    second = json.dumps(messages(server, 1))
    assert "company" in second and "Field required" in second
    assert len(messages(server, 1)) > len(messages(server, 0))


def test_invented_number_costs_no_reask_and_is_dropped(server: FakeOpenAIServer, tmp_path: Path) -> None:
    invented = move(change_pct="12 percent")  # the sentence says 3.84 percent
    server.enqueue(reply(invented), reply(invented), reply(invented))
    result = extractor(server, tmp_path, max_retries=2).extract(ARTICLE)
    # a re-ask cannot make an invented value true: grounding settles it without another request
    assert server.request_count == 1
    assert result.stock_moves == []
    [d] = result.meta.dropped
    assert d.type == "StockMove" and d.field is None
    assert d.reasons == ['change_pct "12 percent" is not what the sentence states: it says "3.84 percent"']


def test_unstated_field_costs_the_field_not_the_event(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(reply(move(date="2031-03-17")))
    result = extractor(server, tmp_path).extract(ARTICLE, published="2024-01-10")
    assert server.request_count == 1
    [ev] = result.stock_moves
    assert ev.date is None and ev.change_pct == 3.84
    [d] = result.meta.dropped
    assert d.field == "date" and "2031-03-17" in d.reasons[0]


def test_quote_not_in_article_is_reasked(server: FakeOpenAIServer, tmp_path: Path) -> None:
    wrong = move(quote="Xpeng shares collapsed after a profit warning from its chief executive.")
    server.enqueue(reply(wrong), reply(move()))
    result = extractor(server, tmp_path, max_retries=2).extract(ARTICLE)
    assert server.request_count == 2
    second = json.dumps(messages(server, 1))
    assert "is not a sentence of the article" in second and "profit warning" in second
    assert len(result.stock_moves) == 1 and result.meta.dropped == []


def test_invented_number_kept_with_flag(server: FakeOpenAIServer, tmp_path: Path) -> None:
    invented = move(change_pct="12 percent")
    server.enqueue(reply(invented), reply(invented))
    result = extractor(server, tmp_path, max_retries=1, grounding="flag").extract(ARTICLE)
    assert server.request_count == 1
    [ev] = result.stock_moves
    assert ev.flags and any("12 percent" in f for f in ev.flags)


def test_rate_limit_is_retried_after_retry_after_not_reasked(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.enqueue(
        HTTPError(429, message="Rate limit reached", headers={"Retry-After": "0.2"}), reply(move())
    )
    result = extractor(server, tmp_path).extract(ARTICLE)
    assert server.request_count == 2
    assert messages(server, 0) == messages(server, 1)  # same request again: no re-ask message
    gap = server.requests[1].received_at - server.requests[0].received_at
    assert gap >= 0.19  # Retry-After honoured
    assert len(result.stock_moves) == 1 and result.meta.attempts == 2


def test_5xx_until_attempts_run_out_raises_typed_error(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = HTTPError(503, message="overloaded")
    ex = extractor(server, tmp_path, transport_attempts=3)
    with pytest.raises(TransportError) as info:
        ex.extract(ARTICLE)
    assert server.request_count == 3
    assert all(messages(server, i) == messages(server, 0) for i in range(3))  # never re-asked
    err = info.value
    assert err.status_code == 503 and err.attempts == 3
    assert "sk-secret" not in str(err) and "503" in str(err)
    # nothing was cached: the next call asks again
    server.default = HTTPError(500, message="script exhausted")
    server.enqueue(reply(move()))
    assert len(ex.extract(ARTICLE).stock_moves) == 1


def test_validation_never_succeeds_raises_with_last_output(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = ToolCall("{not json")
    with pytest.raises(ValidationExhaustedError) as info:
        extractor(server, tmp_path, max_retries=1).extract(ARTICLE)
    assert server.request_count == 2
    assert info.value.last_output == "{not json"
    assert info.value.attempts == 2


def test_cache_hit_makes_no_request(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(reply(move()))
    ex = extractor(server, tmp_path)
    first = ex.extract(ARTICLE, published="2024-01-17")
    again = extractor(server, tmp_path).extract(ARTICLE, published="2024-01-17")  # new Extractor, same dir
    assert server.request_count == 1
    assert again.meta.cached and again.meta.attempts == 0
    assert again.stock_moves == first.stock_moves
    # refresh=True asks again; a different published date is a different key
    server.enqueue(reply(move()), reply(move()))
    ex.extract(ARTICLE, published="2024-01-17", refresh=True)
    ex.extract(ARTICLE, published="2024-01-18")
    assert server.request_count == 3


def test_cache_holds_json_not_pickles_and_no_key(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(reply(move()))
    extractor(server, tmp_path).extract(ARTICLE)
    cache_dir = tmp_path / "cache"
    assert oct(cache_dir.stat().st_mode & 0o777) == "0o700"
    blob = b"".join(p.read_bytes() for p in cache_dir.rglob("*") if p.is_file())
    assert b"sk-secret-123" not in blob
    import sqlite3

    con = sqlite3.connect(cache_dir / "cache.db")
    modes = {row[0] for row in con.execute("select mode from Cache")}
    con.close()
    assert modes and 4 not in modes  # diskcache MODE_PICKLE = 4; JSONDisk stores MODE_BINARY/RAW


def test_prompt_change_misses_cache(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(reply(move()), reply(move()))
    ex = extractor(server, tmp_path)
    ex.extract(ARTICLE)
    strategy: Any = ex.strategy
    old = strategy.template
    strategy.template = parse_template(old.name, old.number, "--- system ---\nBe brief.\n--- user ---\n$text")
    ex.extract(ARTICLE)
    assert server.request_count == 2


def test_schema_change_misses_cache(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(reply(move()), reply(move()))
    ex = extractor(server, tmp_path)
    ex.extract(ARTICLE)
    strategy: Any = ex.strategy
    original = strategy.cache_schema()
    changed = json.loads(json.dumps(original))
    changed["whole_article"]["description"] = "a changed description"
    strategy.cache_schema = lambda: changed
    ex.extract(ARTICLE)
    assert server.request_count == 2


def test_explicit_arguments_beat_environment(
    server: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("NEWSEXTRACT_MODEL", "env-model")
    server.enqueue(reply(move()))
    result = extractor(server, tmp_path).extract(ARTICLE)
    assert result.meta.model == "test-model"
    assert server.requests[0].body["model"] == "test-model"


def test_caller_inputs_not_mutated(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(reply(move()))
    text = str(ARTICLE)
    extractor(server, tmp_path).extract(text)
    assert text == ARTICLE


def test_module_level_batch_functions_keep_order_and_errors(server: FakeOpenAIServer, tmp_path: Path) -> None:
    import asyncio

    from newsextract import InputError, aextract_many, extract_many

    config = {"model": "test-model", "base_url": server.base_url, "cache_dir": str(tmp_path / "c")}
    server.default = reply(move())
    results = extract_many([ARTICLE, "   ", {"id": "r", "text": ARTICLE}], concurrency=2, **config)
    assert [type(r).__name__ for r in results] == ["Extraction", "InputError", "Extraction"]
    assert isinstance(results[1], InputError)
    again = asyncio.run(aextract_many([ARTICLE, ""], concurrency=2, **config))
    assert again[0].meta.cached and isinstance(again[1], InputError)  # type: ignore[union-attr]


def test_long_article_chunks_report_a_failed_chunk_and_map_offsets(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    from newsextract.strategies.whole_article import WholeArticle
    from newsextract.text.chunking import chunk_spans

    filler = " ".join(f"Paragraph {i} says nothing of note about markets." for i in range(40))
    text = f"{filler}\n\n{ARTICLE}\n\n{filler}"
    ex = extractor(server, tmp_path)
    ex._strategy = WholeArticle(max_chunk_chars=1200)  # small chunks so this article needs several
    spans = chunk_spans(text, 1200)
    holds_quote = [QUOTE in span.slice(text) for span in spans]
    assert len(spans) >= 3 and not holds_quote[0] and any(holds_quote)

    def script(fail_first: bool) -> None:  # chunks go out in order: one scripted answer each
        for i, has in enumerate(holds_quote):
            if i == 0 and fail_first:
                server.enqueue(HTTPError(400, message="bad request for chunk 0"))
            else:
                server.enqueue(reply(move()) if has else reply())

    script(fail_first=True)
    first = ex.extract(text)
    assert server.request_count == len(spans)
    [failure] = first.meta.chunk_failures  # reported, not silently dropped
    assert (failure.start, failure.end) == (spans[0].start, spans[0].end) and "400" in failure.error
    [ev] = first.stock_moves  # offsets map back to the full text; overlapping chunks merged into one
    assert text[ev.evidence.start : ev.evidence.end] == QUOTE and ev.evidence.start > len(filler)

    script(fail_first=False)
    second = ex.extract(text)  # the partial result was not cached: every chunk is asked again
    assert server.request_count == 2 * len(spans)
    assert second.meta.chunk_failures == [] and len(second.stock_moves) == 1
    assert ex.extract(text).meta.cached  # the complete one was
