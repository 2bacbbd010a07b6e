"""A caller's kind through the Batch API (scripted on 127.0.0.1, real openai client): the batch lines ask
for the kind set's reply model and the results equal the online path's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.fake_batch_api import FakeBatchAPI
from tests.support.fake_openai import ToolCall
from tests.test_kinds import ARTICLE, PUBLISHED, REPLY, Dividend

from newsextract import Extractor, ShareSale
from newsextract.extraction import Extraction


def test_a_user_kind_through_the_batch_api_equals_the_online_path(tmp_path: Path) -> None:
    asked: list[set[str]] = []

    def answer(cid: str, body: Any) -> Any:
        asked.append(set(body["tools"][0]["function"]["parameters"]["properties"]))
        return ToolCall(REPLY)

    records = [{"id": "h1", "text": ARTICLE, "published": PUBLISHED.isoformat()}]
    with FakeBatchAPI(answer=answer) as server:
        options: dict[str, Any] = {"model": "m", "base_url": server.base_url, "api_key": "sk-test"}
        ex = Extractor(**options, cache_dir=str(tmp_path / "batch"), kinds=[ShareSale, Dividend])
        job = ex.submit_batch(records, out=tmp_path / "r.jsonl", poll_interval_s=0.0, download_wait_s=0.0)
        [batched] = job.results(concurrency=1)
        ex.close()
        server.enqueue(ToolCall(REPLY))
        with Extractor(**options, cache=False, kinds=[ShareSale, Dividend]) as online_ex:
            online = online_ex.extract(ARTICLE, PUBLISHED, id="h1")
    assert asked == [{"share_sales", "dividends"}]
    assert isinstance(batched, Extraction)
    [dividend] = batched.of(Dividend)
    assert isinstance(dividend, Dividend) and dividend.company == "Harrowgate Foods Plc"
    assert [e.model_dump(mode="json") for e in batched.events] == [
        e.model_dump(mode="json") for e in online.events
    ]
    line = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert line["result"]["other_events"][0]["type"] == "Dividend"
