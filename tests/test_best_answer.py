"""When every re-ask fails, the best schema-valid answer seen so far is kept, grounded event by event,
with what it got wrong recorded (``meta.dropped`` or ``flags``) and a warning. A bad last re-ask (broken
JSON, a wrong schema, a transport failure) no longer loses the article."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.fake_openai import FakeOpenAIServer, HTTPError, ToolCall

from newsextract import Extractor

US = "Xpeng ADS fell 3.84 percent to $9.51 in the US overnight."
HK = "Xpeng's Hong Kong shares fell 7.52 percent to HK$37.50 today."
TEXT = f"{US}\n\n{HK}"


def move(quote: str, pct: str, **over: Any) -> dict[str, Any]:
    return {"quote": quote, "company": "Xpeng", "direction": "down", "change_pct": pct, **over}


def answer(*moves: dict[str, Any]) -> ToolCall:
    return ToolCall(json.dumps({"share_sales": [], "executive_changes": [], "stock_moves": list(moves)}))


def extractor(server: FakeOpenAIServer, tmp_path: Path, **kw: Any) -> Extractor:
    return Extractor(model="m", base_url=server.base_url, api_key="sk-t", cache_dir=str(tmp_path), **kw)


GOOD_US = move(US, "3.84 percent")
GOOD_HK = move(HK, "7.52 percent")
#: An event whose quote is no sentence of the article: the one problem a re-ask is asked to fix.
UNQUOTED = move("Xpeng's shares sank 9.99 percent in Shanghai.", "9.99 percent")


def test_broken_json_on_the_last_reask_keeps_the_best_earlier_answer(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.enqueue(
        answer(GOOD_US, UNQUOTED),  # one supported event, one with no quote in the article: re-asked
        answer(UNQUOTED),  # worse: nothing supported
        ToolCall('{"stock_moves": [{"quote": "Xpeng'),  # broken JSON on the last re-ask
    )
    result = extractor(server, tmp_path, max_retries=2).extract(TEXT)
    assert server.request_count == 3
    assert [m.change_pct for m in result.stock_moves] == [3.84]  # the first answer's supported event
    [dropped] = result.meta.dropped
    assert dropped.draft["change_pct"] == "9.99 percent" and dropped.reasons  # recorded, with why
    assert any("kept answer 1 of 2" in w for w in result.meta.warnings)
    assert result.meta.attempts == 3


def test_wrong_schema_on_the_last_reask_keeps_the_answer_with_most_support(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.enqueue(
        answer(UNQUOTED),
        answer(GOOD_US, UNQUOTED),  # better: one supported event
        ToolCall('{"name": "Bob"}'),  # the wrong schema
    )
    result = extractor(server, tmp_path, max_retries=2).extract(TEXT)
    assert [m.change_pct for m in result.stock_moves] == [3.84]
    assert any("kept answer 2 of 2" in w for w in result.meta.warnings)


def test_flag_mode_keeps_the_answer_too(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(answer(GOOD_US, UNQUOTED), ToolCall("not json at all"))
    result = extractor(server, tmp_path, max_retries=1, grounding="flag").extract(TEXT)
    assert [m.change_pct for m in result.stock_moves] == [3.84]
    assert len(result.meta.dropped) == 1  # an event without evidence is dropped even when flagging


def test_transport_failure_on_the_reask_keeps_the_earlier_answer(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.enqueue(answer(GOOD_US, UNQUOTED), HTTPError(503), HTTPError(503))
    result = extractor(server, tmp_path, max_retries=1, transport_attempts=2).extract(TEXT)
    assert [m.change_pct for m in result.stock_moves] == [3.84]
    assert any("TransportError" in w for w in result.meta.warnings)


def test_a_grounded_answer_still_wins_outright(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(answer(GOOD_US, UNQUOTED), answer(GOOD_US, GOOD_HK))
    result = extractor(server, tmp_path, max_retries=2).extract(TEXT)
    assert server.request_count == 2
    assert [m.change_pct for m in result.stock_moves] == [3.84, 7.52]
    assert not result.meta.warnings and not result.meta.dropped
