"""Batch extraction over the real openai path against the scripted fake server (exact request counts)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.support.fake_openai import FakeOpenAIServer, HTTPError, ToolCall
from tests.support.fake_openai import Usage as FakeUsage

from newsextract import Extraction, Extractor
from newsextract.batch import BatchResult, arun_batch, run_batch
from newsextract.errors import BudgetExceededError, ConfigError, InputError, TransportError
from newsextract.io.results import load_results

EMPTY = {"share_sales": [], "executive_changes": [], "stock_moves": []}
ARTICLES = [
    "Acme Corp shares rose 5% on Monday after strong results.",
    "Globex named Jane Doe its new chief financial officer.",
    "Initech shares fell 2% in Tokyo on Tuesday.",
]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default=ToolCall(EMPTY)) as srv:
        yield srv


def make_extractor(server: FakeOpenAIServer, tmp_path: Path, **kw: Any) -> Extractor:
    return Extractor(
        base_url=server.base_url,
        api_key="sk-test",
        model="fake-model",
        cache_dir=str(tmp_path / "cache"),
        transport_attempts=1,
        **kw,
    )


def records(n: int = 3) -> list[dict[str, Any]]:
    return [
        {"id": f"a{i}", "text": ARTICLES[i % len(ARTICLES)] + f" ({i})", "published": None} for i in range(n)
    ]


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- order and isolation -------------------------------------------------------------------------------
def test_order_kept_and_bad_inputs_do_not_sink_the_batch(server: FakeOpenAIServer, tmp_path: Path) -> None:
    inputs: list[Any] = [ARTICLES[0], "", {"id": "c", "text": ARTICLES[2]}, 42, {"id": "e"}, ARTICLES[1]]
    result = run_batch(make_extractor(server, tmp_path), inputs, concurrency=4, progress=False)

    assert isinstance(result, BatchResult) and len(result) == 6
    assert [type(o).__name__ for o in result] == [
        "Extraction",
        "InputError",
        "Extraction",
        "InputTypeError",  # an InputError and a TypeError
        "InputError",
        "Extraction",
    ]
    assert result.ids == ["0", "1", "c", "3", "e", "5"]
    assert [o.id for o in result.extractions] == ["0", "c", "5"]
    assert server.request_count == 3  # refused inputs never reach the model
    s = result.summary
    assert (s.total, s.done, s.failed, s.cached) == (6, 3, 3, 0)


def test_model_failure_is_one_entry(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(ToolCall(EMPTY), HTTPError(400), ToolCall(EMPTY))
    result = run_batch(make_extractor(server, tmp_path), records(3), concurrency=1, progress=False)
    assert isinstance(result[0], Extraction)
    assert isinstance(result[1], TransportError)
    assert isinstance(result[2], Extraction)
    assert result.errors == [("a1", result[1])]
    assert server.request_count == 3


def test_usage_per_article_and_per_batch(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(ToolCall(EMPTY, usage=FakeUsage(100, 10)), ToolCall(EMPTY, usage=FakeUsage(200, 20)))
    result = run_batch(make_extractor(server, tmp_path), records(2), concurrency=1, progress=False)
    assert [o.meta.usage.total_tokens for o in result.extractions] == [110, 220]
    s = result.summary
    assert (s.prompt_tokens, s.completion_tokens, s.total_tokens) == (300, 30, 330)
    again = run_batch(make_extractor(server, tmp_path), records(2), concurrency=1, progress=False)
    assert again.summary.cached == 2 and again.summary.total_tokens == 0  # cache hits cost nothing
    assert server.request_count == 2
    assert "2 done (2 cached, 0 resumed)" in str(again.summary)


def test_extract_many_passes_batch_options(server: FakeOpenAIServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = make_extractor(server, tmp_path).extract_many(records(2), concurrency=2, out=out, progress=False)
    assert [o.id for o in result] == ["a0", "a1"]
    assert {line["id"] for line in lines(out)} == {"a0", "a1"}


# -- streaming and resume ------------------------------------------------------------------------------
def test_jsonl_lines_are_flushed_as_results_arrive(server: FakeOpenAIServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    seen: list[int] = []

    def on_result(index: int, outcome: Any) -> None:
        seen.append(len(lines(out)))  # read by another handle while the batch still runs

    server.enqueue(ToolCall(EMPTY), HTTPError(400), ToolCall(EMPTY))
    run_batch(make_extractor(server, tmp_path), records(3), concurrency=1, out=out, progress=on_result)
    assert seen == [1, 2, 3]
    written = lines(out)
    assert [(w["id"], w["ok"]) for w in written] == [("a0", True), ("a1", False), ("a2", True)]
    assert written[1]["error"]["error"] == "TransportError"
    assert Extraction.model_validate(written[0]["result"]).id == "a0"


def test_resume_after_a_failure_makes_exactly_one_new_request(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    server.enqueue(ToolCall(EMPTY), ToolCall(EMPTY), HTTPError(400))  # the 3rd article fails permanently
    first = run_batch(make_extractor(server, tmp_path), records(3), concurrency=1, out=out, progress=False)
    assert isinstance(first[2], TransportError)
    assert server.request_count == 3

    second = run_batch(
        make_extractor(server, tmp_path), records(3), concurrency=1, out=out, resume=True, progress=False
    )
    assert server.request_count == 4  # exactly one new request: only the failed article
    assert [o.id for o in second] == ["a0", "a1", "a2"]
    assert all(isinstance(o, Extraction) for o in second)
    assert (second.summary.resumed, second.summary.done, second.summary.failed) == (2, 3, 0)
    assert second[0].text == records(3)[0]["text"]  # re-loaded results know their article again
    assert set(load_results(out)) == {"a0", "a1", "a2"}


def test_resume_after_a_crash_never_asks_twice(server: FakeOpenAIServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"

    def crash_after_two(index: int, outcome: Any) -> None:
        if index == 1:
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError, match="simulated crash"):
        run_batch(
            make_extractor(server, tmp_path), records(4), concurrency=1, out=out, progress=crash_after_two
        )
    assert [w["id"] for w in lines(out)] == ["a0", "a1"]  # finished articles survive the crash
    first_run = server.request_count
    assert first_run in (2, 3)  # a3 is never started; a2 may have been in flight (its answer is cached)

    second = run_batch(
        make_extractor(server, tmp_path), records(4), concurrency=1, out=out, resume=True, progress=False
    )
    assert [o.id for o in second] == ["a0", "a1", "a2", "a3"]
    assert server.request_count == 4  # every article was asked exactly once over both runs
    assert second.summary.resumed == 2


def test_resume_completes_a_torn_last_line(server: FakeOpenAIServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_batch(make_extractor(server, tmp_path), records(1), out=out, progress=False)
    with out.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "a1", "ok": tr')  # a crash in the middle of a line
    run_batch(make_extractor(server, tmp_path), records(2), out=out, resume=True, progress=False)
    assert set(load_results(out)) == {"a0", "a1"}
    assert server.request_count == 2


def test_resume_and_out_need_sane_options(server: FakeOpenAIServer, tmp_path: Path) -> None:
    ex = make_extractor(server, tmp_path)
    with pytest.raises(ConfigError, match="resume"):
        run_batch(ex, records(1), resume=True)
    with pytest.raises(ConfigError, match="repeated: 'x'"):
        run_batch(ex, [{"id": "x", "text": "a"}, {"id": "x", "text": "b"}], out=tmp_path / "o.jsonl")
    assert server.request_count == 0


# -- token budget ----------------------------------------------------------------------------------------
def test_token_budget_stops_cleanly(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = ToolCall(EMPTY, usage=FakeUsage(60, 40))  # 100 tokens per article
    out = tmp_path / "out.jsonl"
    result = run_batch(
        make_extractor(server, tmp_path), records(5), concurrency=1, token_budget=250, out=out, progress=False
    )
    assert server.request_count == 3  # 0, 100, 200 < 250: started; 300 >= 250: stop
    assert [type(o).__name__ for o in result] == ["Extraction"] * 3 + ["BudgetExceededError"] * 2
    assert isinstance(result[3], BudgetExceededError) and "250" in str(result[3])
    s = result.summary
    assert (s.total_tokens, s.skipped_budget, s.failed, s.stopped_by_budget) == (300, 2, 0, True)
    assert [w["ok"] for w in lines(out)] == [True, True, True, False, False]

    # cached answers cost nothing: the next run spends its budget on the two articles left
    again = run_batch(
        make_extractor(server, tmp_path), records(5), concurrency=1, token_budget=150, progress=False
    )
    assert server.request_count == 5
    assert again.summary.cached == 3 and again.summary.total_tokens == 200
    assert all(isinstance(o, Extraction) for o in again)


# -- async twin --------------------------------------------------------------------------------------------
def test_arun_batch_keeps_order(server: FakeOpenAIServer, tmp_path: Path) -> None:
    inputs: list[Any] = [*records(3), ""]
    out = tmp_path / "out.jsonl"
    result = asyncio.run(
        arun_batch(make_extractor(server, tmp_path), inputs, concurrency=2, out=out, progress=False)
    )
    assert result.ids == ["a0", "a1", "a2", "3"]
    assert [type(o).__name__ for o in result] == ["Extraction"] * 3 + ["InputError"]
    assert isinstance(result[3], InputError)
    assert server.request_count == 3
    assert len(lines(out)) == 4


# -- concurrency bounds (a stand-in extractor counts calls in flight) -----------------------------------
class CountingExtractor:
    def __init__(self, backend: str) -> None:
        self.settings = SimpleNamespace(backend=backend, endpoint=backend, client=None)
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    def extract(
        self, text: str, published: Any = None, *, id: str | None = None, refresh: bool = False
    ) -> Any:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(0.05)
        with self._lock:
            self.in_flight -= 1
        from newsextract.core.schemas import Meta

        return Extraction(id=id, meta=Meta(model="m", endpoint="e"))


@pytest.mark.parametrize(("backend", "concurrency", "peak"), [("openai", 3, 3), ("embedded", 8, 1)])
def test_concurrency_is_bounded_and_embedded_serialised(backend: str, concurrency: int, peak: int) -> None:
    ex = CountingExtractor(backend)
    result = run_batch(ex, [f"text {i}" for i in range(9)], concurrency=concurrency, progress=False)  # type: ignore[arg-type]
    assert ex.peak == peak
    assert [o.id for o in result] == [str(i) for i in range(9)]


def test_progress_bar_only_when_asked(
    server: FakeOpenAIServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_batch(make_extractor(server, tmp_path), records(2), progress=None)  # stderr is not a terminal here
    assert capsys.readouterr().err == ""
    run_batch(make_extractor(server, tmp_path), records(2), progress=True)
    assert "2/2" in capsys.readouterr().err
