"""Batches in worker processes (``processes=2``) keep every batch promise; errors cross intact.

The scripted server runs in this process (a thread); the workers reach it over HTTP like any endpoint,
so its request counts cover every process.
"""

from __future__ import annotations

import asyncio
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import FakeOpenAIServer, HTTPError, ToolCall
from tests.support.fake_openai import Usage as FakeUsage
from typer.testing import CliRunner

from newsextract import Extraction, Extractor
from newsextract import errors as errors_module
from newsextract.api import extract_many
from newsextract.batch import BATCH_OPTIONS, arun_batch, run_batch
from newsextract.cli import app
from newsextract.core.schemas import Meta, Usage
from newsextract.errors import (
    BudgetExceededError,
    ConfigError,
    ExtractionError,
    InputError,
    NewsextractError,
    TransportError,
    ValidationExhaustedError,
)
from newsextract.io.results import load_results

EMPTY = {"share_sales": [], "executive_changes": [], "stock_moves": []}
KEY = "sk-test-never-written"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default=ToolCall(EMPTY)) as srv:
        yield srv


def make_extractor(server: FakeOpenAIServer, tmp_path: Path, **kw: Any) -> Extractor:
    options: dict[str, Any] = {"cache_dir": str(tmp_path / "cache"), "transport_attempts": 1, **kw}
    return Extractor(base_url=server.base_url, api_key=KEY, model="fake-model", **options)


def records(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"a{i}", "text": f"Acme Corp shares rose {i}% on Monday.", "published": None} for i in range(n)
    ]


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- what crosses the process boundary ----------------------------------------------------------------
def test_every_error_class_pickles_with_its_type_and_attributes() -> None:
    usage = Usage(prompt_tokens=5, completion_tokens=7, total_tokens=12)
    classes = [
        c for c in vars(errors_module).values() if isinstance(c, type) and issubclass(c, NewsextractError)
    ]
    assert len(classes) == 12  # InputTypeError, OptionTypeError, ContextOverflowError, OutputError
    for cls in classes:
        if issubclass(cls, TransportError):
            err: NewsextractError = cls(
                "boom", status_code=503, attempts=3, last_output="{", usage=usage, endpoint="http://h/v1"
            )
        elif issubclass(cls, ExtractionError):
            err = cls("boom", attempts=3, last_output="{", usage=usage, endpoint="http://h/v1")
        else:
            err = cls("boom")
        err.add_note("a note")
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is cls and str(back) == "boom" and back.args == ("boom",)
        assert back.__dict__ == err.__dict__  # attempts, last_output, usage, endpoint, status_code, notes
        if isinstance(back, ExtractionError):
            assert back.to_dict() == err.to_dict()  # type: ignore[attr-defined]


def test_extraction_pickles_with_its_article_text() -> None:
    ex = Extraction(id="x", meta=Meta(model="m", endpoint="e")).with_text("Acme shares rose 5%.")
    back = pickle.loads(pickle.dumps(ex))
    assert back == ex and back.text == "Acme shares rose 5%."


# -- order, isolation, errors ---------------------------------------------------------------------------
def test_order_kept_and_errors_in_place(server: FakeOpenAIServer, tmp_path: Path) -> None:
    inputs: list[Any] = [*records(6), "", {"id": "e"}, b"\xff\xfe\x00bad", *records(9)[6:]]
    result = run_batch(make_extractor(server, tmp_path), inputs, concurrency=4, processes=2, progress=False)
    assert result.ids == ["a0", "a1", "a2", "a3", "a4", "a5", "6", "e", "8", "a6", "a7", "a8"]
    kinds = [type(o).__name__ for o in result]
    assert kinds == ["Extraction"] * 6 + ["InputError"] * 3 + ["Extraction"] * 3
    assert [o.id for o in result.extractions] == [f"a{i}" for i in range(9)]
    assert result[0].text == records(1)[0]["text"]  # the article text survives the trip
    assert server.request_count == 9  # refused inputs (here and in the workers) never reach the model
    s = result.summary
    assert (s.total, s.done, s.failed, s.cached) == (12, 9, 3, 0)


@pytest.mark.parametrize(
    "step",
    [HTTPError(503), HTTPError(400), ToolCall("{not json", usage=FakeUsage(30, 4))],
    ids=["transport-503", "transport-400", "validation"],
)
def test_errors_keep_their_type_and_attributes(server: FakeOpenAIServer, tmp_path: Path, step: Any) -> None:
    server.default = step
    here = run_batch(
        make_extractor(server, tmp_path, cache=False, max_retries=1),
        records(1),
        concurrency=1,
        progress=False,
    )
    there = run_batch(
        make_extractor(server, tmp_path, cache=False, max_retries=1),
        records(4),
        concurrency=2,
        processes=2,
        progress=False,
    )
    expected = here[0]
    assert isinstance(expected, ExtractionError)
    for err in there:
        assert type(err) is type(expected)
        assert isinstance(err, ExtractionError)
        assert err.to_dict() == expected.to_dict()  # message, attempts, last_output, usage
        assert err.endpoint == expected.endpoint
        assert getattr(err, "status_code", None) == getattr(expected, "status_code", None)
    if isinstance(expected, ValidationExhaustedError):
        assert expected.attempts == 2 and expected.usage.total_tokens == 68
    else:
        assert isinstance(expected, TransportError) and expected.status_code in (400, 503)
    assert there.summary.failed == 4


# -- streaming, resume, budget -----------------------------------------------------------------------
def test_jsonl_lines_stream_and_resume_asks_only_for_the_failed_one(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    seen: list[int] = []
    server.enqueue(HTTPError(400))  # whichever article asks first fails, once
    first = run_batch(
        make_extractor(server, tmp_path),
        records(6),
        concurrency=4,
        processes=2,
        out=out,
        progress=lambda i, o: seen.append(len(lines(out))),  # the parent wrote the line before this
    )
    assert seen == [1, 2, 3, 4, 5, 6]
    assert server.request_count == 6 and first.summary.failed == 1
    (_, failed), *_ = first.errors
    assert isinstance(failed, TransportError) and failed.status_code == 400
    assert sorted(w["id"] for w in lines(out)) == [f"a{i}" for i in range(6)]
    assert KEY not in out.read_text(encoding="utf-8")

    second = run_batch(
        make_extractor(server, tmp_path), records(6), concurrency=4, processes=2, out=out, resume=True
    )
    assert server.request_count == 7  # exactly one new request: the failed article
    assert [o.id for o in second] == [f"a{i}" for i in range(6)]
    assert all(isinstance(o, Extraction) for o in second)
    assert (second.summary.resumed, second.summary.done) == (5, 6)
    assert set(load_results(out)) == {f"a{i}" for i in range(6)}


def test_crash_keeps_finished_lines_and_resume_never_asks_twice(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"

    def crash_at_third(index: int, outcome: Any) -> None:
        if len(lines(out)) == 3:
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError, match="simulated crash"):
        run_batch(
            make_extractor(server, tmp_path),
            records(10),
            concurrency=2,
            processes=2,
            out=out,
            progress=crash_at_third,
        )
    assert len(lines(out)) == 3  # finished articles survive the crash
    assert server.request_count <= 5  # not-started articles were never sent; in-flight ones finished

    second = run_batch(
        make_extractor(server, tmp_path), records(10), concurrency=2, processes=2, out=out, resume=True
    )
    assert [o.id for o in second] == [f"a{i}" for i in range(10)]
    assert all(isinstance(o, Extraction) for o in second)
    assert server.request_count == 10  # every article asked exactly once: the workers share the cache
    assert second.summary.resumed == 3


def test_token_budget_stops_cleanly(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = ToolCall(EMPTY, usage=FakeUsage(60, 40))  # 100 tokens per article
    out = tmp_path / "out.jsonl"
    result = run_batch(
        make_extractor(server, tmp_path),
        records(10),
        concurrency=2,
        processes=2,
        token_budget=250,
        out=out,
        progress=False,
    )
    asked = server.request_count
    assert 3 <= asked <= 4  # started while < 250 spent; one more may have been in flight
    kinds = [type(o).__name__ for o in result]
    assert kinds.count("Extraction") == asked and kinds.count("BudgetExceededError") == 10 - asked
    assert all(isinstance(o, BudgetExceededError) for o in result[asked:])
    s = result.summary
    assert (s.total_tokens, s.skipped_budget, s.stopped_by_budget) == (100 * asked, 10 - asked, True)
    assert len(lines(out)) == 10


# -- the ways in ------------------------------------------------------------------------------------------
def test_embedded_backend_refuses_processes(tmp_path: Path) -> None:
    ex = Extractor(backend="embedded", cache=False)
    with pytest.raises(ConfigError, match="embedded model"):
        run_batch(ex, ["Acme shares rose 5%."], processes=2, out=tmp_path / "o.jsonl")
    with pytest.raises(ConfigError, match="embedded model"):
        ex.extract_many(["Acme shares rose 5%."], processes=2)
    with pytest.raises(ConfigError, match="embedded model"):
        asyncio.run(arun_batch(ex, ["Acme shares rose 5%."], processes=2))
    assert ex._backend is None  # no model was loaded
    assert not (tmp_path / "o.jsonl").exists()
    run_batch(ex, [], processes=1)  # 1 (and None) is today's behaviour


def test_bad_process_counts_are_refused(server: FakeOpenAIServer, tmp_path: Path) -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ConfigError, match="processes"):
            run_batch(make_extractor(server, tmp_path), records(1), processes=bad)  # type: ignore[arg-type]
    assert server.request_count == 0


def test_extract_many_aextract_many_and_cli_pass_processes(
    server: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "processes" in BATCH_OPTIONS
    ex = make_extractor(server, tmp_path)
    assert [o.id for o in ex.extract_many(records(3), concurrency=2, processes=2)] == ["a0", "a1", "a2"]
    many = extract_many(
        records(3), concurrency=2, processes=2, base_url=server.base_url, api_key=KEY, cache=False
    )
    assert all(isinstance(o, Extraction) for o in many)
    arun = asyncio.run(arun_batch(ex, [*records(3), ""], concurrency=2, processes=2, progress=False))
    assert arun.ids == ["a0", "a1", "a2", "3"] and isinstance(arun[3], InputError)

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records(4)), encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    out = tmp_path / "cli.jsonl"
    res = CliRunner().invoke(
        app,
        ["extract", str(src), "--base-url", server.base_url, "--cache-dir", str(tmp_path / "c2"),
         "--processes", "2", "--concurrency", "2", "--format", "jsonl", "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["a0", "a1", "a2", "a3"]
    assert KEY not in res.output and KEY not in out.read_text(encoding="utf-8")
