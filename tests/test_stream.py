"""Extractor.iter_many / aiter_many: completion order (or input order), lazy reading, nothing held after
yielding; extract_many(keep_results=False). Against the scripted server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import json
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import Delay, FakeOpenAIServer, ToolCall

from newsextract import Completed, Extraction, Extractor, InputError

QUOTE = "Xpeng shares fell 3.84 percent to $9.51 on Tuesday."
REPLY = ToolCall(
    json.dumps(
        {
            "share_sales": [],
            "executive_changes": [],
            "stock_moves": [
                {"quote": QUOTE, "company": "Xpeng", "direction": "down", "change_pct": "3.84 percent"}
            ],
        }
    )
)


def extractor(server: FakeOpenAIServer, tmp_path: Path) -> Extractor:
    return Extractor(model="m", base_url=server.base_url, api_key="sk-t", cache_dir=str(tmp_path))


def articles(n: int) -> list[dict[str, Any]]:
    return [{"id": f"a{i}", "text": f"{QUOTE} Desk note {i}."} for i in range(n)]


def slow_first(server: FakeOpenAIServer) -> list[Any]:
    """Input 0 is the only one that needs the model (and its reply is slow); the rest fail their input
    checks at once, so they finish first whatever the scheduling."""
    server.enqueue(Delay(0.5, REPLY))
    return [{"id": "slow", "text": QUOTE}, *([""] * 5)]


def test_completion_order_and_ids(server: FakeOpenAIServer, tmp_path: Path) -> None:
    done = list(extractor(server, tmp_path).iter_many(slow_first(server), concurrency=3))
    assert [d.position for d in done][-1] == 0 and sorted(d.position for d in done) == list(range(6))
    assert done[-1].id == "slow" and isinstance(done[-1].outcome, Extraction)
    assert all(isinstance(d.outcome, InputError) and d.id == str(d.position) for d in done[:-1])


def test_ordered_yields_in_input_order(server: FakeOpenAIServer, tmp_path: Path) -> None:
    done = list(extractor(server, tmp_path).iter_many(slow_first(server), concurrency=3, ordered=True))
    assert [d.position for d in done] == list(range(6))
    assert isinstance(done[0], Completed) and done[0].id == "slow"


def test_every_input_once_with_its_result(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = REPLY
    ex = extractor(server, tmp_path)
    done = list(ex.iter_many(articles(40), concurrency=8))
    assert sorted(d.id for d in done) == sorted(f"a{i}" for i in range(40))
    assert all(isinstance(d.outcome, Extraction) and d.outcome.id == d.id for d in done)
    assert all(len(d.outcome.stock_moves) == 1 for d in done if isinstance(d.outcome, Extraction))


def test_inputs_are_read_lazily_and_a_break_stops_reading(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = REPLY
    pulled: list[int] = []

    def endless() -> Iterator[dict[str, Any]]:
        i = 0
        while True:
            pulled.append(i)
            yield {"id": str(i), "text": f"{QUOTE} Note {i}."}
            i += 1

    stream = extractor(server, tmp_path).iter_many(endless(), concurrency=2)
    first = next(stream)
    assert first.outcome is not None and len(pulled) <= 3  # two in flight, at most one more read
    for _ in range(5):
        next(stream)
    stream.close()
    read = len(pulled)
    assert read <= 2 + 6 + 1
    assert len(pulled) == read  # closed: nothing more is read


def test_nothing_is_held_after_yielding(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = REPLY
    refs: list[weakref.ref[Any]] = []
    for done in extractor(server, tmp_path).iter_many(articles(12), concurrency=3, ordered=True):
        gc.collect()
        assert all(r() is None for r in refs), "an outcome already yielded is still referenced"
        refs.append(weakref.ref(done.outcome))
        del done
    gc.collect()
    assert len(refs) == 12 and all(r() is None for r in refs)


def test_async_twin_reads_async_iterables_in_order(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = REPLY
    ex = extractor(server, tmp_path)

    async def source() -> AsyncIterator[dict[str, Any]]:
        for record in articles(10):
            await asyncio.sleep(0)
            yield record

    async def run() -> list[Completed]:
        return [d async for d in ex.aiter_many(source(), concurrency=4, ordered=True)]

    done = asyncio.run(run())
    assert [d.id for d in done] == [f"a{i}" for i in range(10)]
    assert all(isinstance(d.outcome, Extraction) for d in done)


def test_async_twin_completion_order(server: FakeOpenAIServer, tmp_path: Path) -> None:
    inputs = slow_first(server)
    ex = extractor(server, tmp_path)

    async def run() -> list[Completed]:
        return [d async for d in ex.aiter_many(inputs, concurrency=3)]

    done = asyncio.run(run())
    assert done[-1].id == "slow" and len(done) == 6


@pytest.mark.parametrize("use_async", [False, True])
def test_extract_many_can_keep_nothing(server: FakeOpenAIServer, tmp_path: Path, use_async: bool) -> None:
    server.default = REPLY
    ex = extractor(server, tmp_path)
    out = tmp_path / "out.jsonl"
    if use_async:
        result = asyncio.run(ex.aextract_many(articles(20), concurrency=4, out=out, keep_results=False))
    else:
        result = ex.extract_many(articles(20), concurrency=4, out=out, keep_results=False)
    assert list(result) == [] and result.summary.done == 20 and result.summary.total == 20
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(f"a{i}" for i in range(20))


def test_cancelling_aextract_many_stops_handing_out_articles(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.default = Delay(0.2, REPLY)
    ex = extractor(server, tmp_path)

    async def run() -> None:
        task = asyncio.ensure_future(ex.aextract_many(articles(50), concurrency=2, progress=False))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
    count, stable_since, deadline = -1, time.monotonic(), time.monotonic() + 30
    while time.monotonic() < deadline and time.monotonic() - stable_since < 1.5:  # until no new request
        if server.request_count != count:
            count, stable_since = server.request_count, time.monotonic()
        time.sleep(0.05)
    assert 1 <= count < 50  # in-flight articles finished; the rest were never handed out


def test_async_twin_holds_nothing_after_yielding(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = REPLY
    ex = extractor(server, tmp_path)
    refs: list[weakref.ref[Any]] = []

    async def run() -> None:
        async for done in ex.aiter_many(articles(12), concurrency=3):
            gc.collect()
            assert all(r() is None for r in refs), "an outcome already yielded is still referenced"
            refs.append(weakref.ref(done.outcome))
            del done

    asyncio.run(run())
    gc.collect()
    assert len(refs) == 12 and all(r() is None for r in refs)
