"""What breaks in production, against the scripted OpenAI-compatible server (real openai + instructor).

Each fault is checked three ways:
1. the retry or re-ask policy does what the README says (exact request counts from the server's log;
   a transport failure is retried with the *same* messages, an invalid output is re-asked with more);
2. the final error is typed and says what happened (and never shows the API key);
3. nothing is cached: the next call for the same article reaches the server again; and a batch around the
   fault completes, with one result or error per input, in input order.

Timing is kept small: ``transport_max_wait_s`` and ``timeout_s`` are set per case. The backoff itself is
not configurable through ``Extractor`` (0.5 s initial, full jitter), so a case with N transport attempts
and no ``Retry-After`` sleeps up to about 0.5 * (2**(N-1) - 1) s.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import (
    Content,
    Delay,
    EmptyChoices,
    FakeOpenAIServer,
    Hang,
    HTTPError,
    RawBody,
    ResetMidBody,
    Step,
    ToolCall,
)

from newsextract import Extractor
from newsextract.errors import (
    ExtractionError,
    InputError,
    OutputTruncatedError,
    TransportError,
    ValidationExhaustedError,
)
from newsextract.extraction import Extraction

KEY = "sk-secret-fault-key"
ARTICLES = [
    "Xpeng shares fell 3.84 percent to $9.51 on Tuesday.",
    "Nio shares rose 5.2 percent to $7.10 on Wednesday.",
    "Li Auto shares fell 2.5 percent to $30.20 on Thursday.",
]
ARTICLE = ARTICLES[0]
TRUNCATED_ARGS = '{"stock_moves": [{"quote": "Xpeng shares fell 3.84 per'
WRONG_SCHEMA = '{"share_sales": "none", "stock_moves": [{"ticker": "XPEV", "move": "big"}]}'


def good(text: str) -> ToolCall:
    """A valid, grounded reply for one of ``ARTICLES``."""
    company, rest = text.split(" shares ", 1)
    verb, pct, _, _, price = rest.split()[:5]
    move = {
        "quote": text,
        "company": company,
        "direction": "down" if verb == "fell" else "up",
        "change_pct": f"{pct} percent",
        "price": price,
    }
    return ToolCall(json.dumps({"share_sales": [], "executive_changes": [], "stock_moves": [move]}))


def extractor(server_url: str, tmp_path: Path, **kw: Any) -> Extractor:
    kw.setdefault("cache_dir", str(tmp_path / "cache"))
    kw.setdefault("transport_max_wait_s", 10.0)  # the attempt cap, not the time cap, ends these cases
    kw.setdefault("timeout_s", 5.0)
    return Extractor(model="fault-model", base_url=server_url, api_key=KEY, **kw)


def sent_messages(server: FakeOpenAIServer) -> list[list[dict[str, Any]]]:
    return [list(r.body["messages"]) for r in server.chat_requests]


@dataclass(frozen=True)
class Fault:
    """One article's failing exchange: the exact steps it consumes and what the caller must see."""

    id: str
    steps: tuple[Step, ...]
    error: type[ExtractionError]
    says: str  # a fragment of the error message that names what happened
    options: dict[str, Any] = field(default_factory=dict)
    reasked: bool | None = None  # True: later requests carry the error back; False: identical requests
    last_output: str | None = None
    status_code: int | None = None

    @property
    def attempts(self) -> int:
        return len(self.steps)


FAULTS = [
    Fault(
        "429-storm-no-retry-after",
        (HTTPError(429, message="Rate limit reached"),) * 3,
        TransportError,
        "HTTP 429",
        {"transport_attempts": 3},
        reasked=False,
        status_code=429,
    ),
    Fault(
        "429-storm-retry-after",
        (HTTPError(429, message="Rate limit reached", headers={"Retry-After": "0.01"}),) * 4,
        TransportError,
        "HTTP 429",
        {"transport_attempts": 4},
        reasked=False,
        status_code=429,
    ),
    *(
        Fault(
            f"http-{code}",
            (HTTPError(code, message=f"upstream {code}"),) * 2,
            TransportError,
            f"HTTP {code}",
            {"transport_attempts": 2},
            reasked=False,
            status_code=code,
        )
        for code in (500, 502, 503)
    ),
    Fault(
        "500-permanent-not-retried",  # llama.cpp's server answers an unsupported request with HTTP 500
        (HTTPError(500, message="response_format type json_schema is not supported"),),
        TransportError,
        "HTTP 500",
        {"transport_attempts": 4},
        reasked=False,
        status_code=500,
    ),
    Fault(
        "reset-mid-body-fin",
        (ResetMidBody(rst=False),) * 2,
        TransportError,
        "cannot reach",
        {"transport_attempts": 2},
        reasked=False,
    ),
    Fault(
        "reset-mid-body-rst",
        (ResetMidBody(rst=True),) * 2,
        TransportError,
        "cannot reach",
        {"transport_attempts": 2},
        reasked=False,
    ),
    Fault(
        "reply-never-ends",
        (Hang(max_seconds=10),) * 2,
        TransportError,
        "timed out",
        {"transport_attempts": 2, "timeout_s": 0.3},
        reasked=False,
    ),
    Fault(
        "reply-too-slow",
        (Delay(10, ToolCall("{}")),),
        TransportError,
        "timed out",
        {"transport_attempts": 1, "timeout_s": 0.3},
    ),
    Fault(
        "truncated-tool-json",
        (ToolCall(TRUNCATED_ARGS),) * 2,
        ValidationExhaustedError,
        "did not validate",
        {"max_retries": 1},
        reasked=True,
        last_output=TRUNCATED_ARGS,
    ),
    Fault(
        "truncated-http-body",
        (RawBody('{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"ind'),) * 2,
        ValidationExhaustedError,
        "did not validate",
        {"max_retries": 1},
    ),
    Fault(
        "json-for-wrong-schema",
        (ToolCall(WRONG_SCHEMA),) * 3,
        ValidationExhaustedError,
        "did not validate",
        {"max_retries": 2},
        reasked=True,
        last_output=WRONG_SCHEMA,
    ),
    Fault(
        "prose-instead-of-tool-call",
        (Content("Sorry, I can't help with that."),) * 2,
        ValidationExhaustedError,
        "No tool calls",
        {"max_retries": 1},
        last_output="Sorry, I can't help with that.",
    ),
    Fault(
        "empty-choice-list",  # not re-asked: there is no output to correct
        (EmptyChoices(),),
        ValidationExhaustedError,
        "empty 'choices' list",
        {"max_retries": 2},
    ),
    Fault(
        "finish-reason-length",  # not re-asked: the same max_tokens would cut it again
        (ToolCall('{"stock_moves": [{"quote": "Xpeng', finish_reason="length"),),
        OutputTruncatedError,
        "finish_reason=length",
        {"max_retries": 2},
        last_output='{"stock_moves": [{"quote": "Xpeng',
    ),
]


def check_error(err: ExtractionError, fault: Fault, server: FakeOpenAIServer, first: int = 0) -> None:
    """The error's type, message, counts and the request log all agree with the fault's policy."""
    assert type(err) is fault.error, (type(err), str(err))
    assert fault.says in str(err), str(err)
    assert err.attempts == fault.attempts
    assert KEY not in str(err) and KEY not in json.dumps(err.to_dict(), default=str)
    if fault.status_code is not None:
        assert isinstance(err, TransportError) and err.status_code == fault.status_code
    if fault.last_output is not None:
        assert err.last_output == fault.last_output
    msgs = sent_messages(server)[first : first + fault.attempts]
    assert len(msgs) == fault.attempts
    if fault.reasked is False:
        assert all(m == msgs[0] for m in msgs), "a transport failure must never become a re-ask"
    elif fault.reasked is True:
        assert all(len(b) > len(a) for a, b in itertools.pairwise(msgs)), "expected re-asks"


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.id)
def test_fault_is_typed_and_nothing_is_cached(fault: Fault, server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(*fault.steps)
    ex = extractor(server.base_url, tmp_path, **fault.options)
    with pytest.raises(ExtractionError) as info:
        ex.extract(ARTICLE)
    assert server.request_count == fault.attempts and server.pending == 0
    check_error(info.value, fault, server)

    # nothing was cached: the same article goes to the server again, and that answer is cached
    server.enqueue(good(ARTICLE))
    again = ex.extract(ARTICLE)
    assert server.request_count == fault.attempts + 1
    assert not again.meta.cached and len(again.stock_moves) == 1
    assert ex.extract(ARTICLE).meta.cached
    assert server.request_count == fault.attempts + 1


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.id)
def test_batch_around_a_fault_completes_in_order(
    fault: Fault, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    # concurrency=1 so the scripted steps meet the articles in order (the queue is first-in first-out)
    server.enqueue(good(ARTICLES[0]), *fault.steps, good(ARTICLES[2]))
    ex = extractor(server.base_url, tmp_path, **fault.options)
    results = ex.extract_many([{"id": f"a{i}", "text": t} for i, t in enumerate(ARTICLES)], concurrency=1)
    assert server.pending == 0 and server.request_count == fault.attempts + 2
    assert [type(r) for r in results][::2] == [Extraction, Extraction]
    first, failed, last = results
    assert isinstance(first, Extraction) and first.id == "a0" and first.stock_moves[0].company == "Xpeng"
    assert isinstance(last, Extraction) and last.id == "a2" and last.stock_moves[0].company == "Li Auto"
    assert isinstance(failed, ExtractionError)
    check_error(failed, fault, server, first=1)


ASYNC_FAULTS = [
    f for f in FAULTS if f.id in {"429-storm-retry-after", "reset-mid-body-rst", "reply-never-ends"}
]
ASYNC_FAULTS += [
    f for f in FAULTS if f.id in {"truncated-tool-json", "empty-choice-list", "finish-reason-length"}
]


@pytest.mark.parametrize("fault", ASYNC_FAULTS, ids=lambda f: f.id)
def test_async_path_maps_faults_the_same_way(fault: Fault, server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(*fault.steps)
    ex = extractor(server.base_url, tmp_path, **fault.options)
    with pytest.raises(ExtractionError) as info:
        asyncio.run(ex.aextract(ARTICLE))
    check_error(info.value, fault, server)
    server.enqueue(good(ARTICLE))
    assert not asyncio.run(ex.aextract(ARTICLE)).meta.cached


@pytest.mark.parametrize(
    "transient",
    [
        HTTPError(429, headers={"Retry-After": "0.01"}),
        HTTPError(503, headers={"Retry-After": "0.01"}),
        ResetMidBody(rst=False),
        ResetMidBody(rst=True),
        Hang(max_seconds=10),
    ],
    ids=["429", "503", "reset-fin", "reset-rst", "hang"],
)
def test_transient_faults_then_success(transient: Step, server: FakeOpenAIServer, tmp_path: Path) -> None:
    """A storm that stops: retried with the identical request, then the article is extracted."""
    server.enqueue(transient, transient, good(ARTICLE))
    result = extractor(server.base_url, tmp_path, transport_attempts=4, timeout_s=0.5).extract(ARTICLE)
    assert server.request_count == 3
    msgs = sent_messages(server)
    assert msgs[0] == msgs[1] == msgs[2]
    assert len(result.stock_moves) == 1 and result.meta.attempts == 3


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_endpoint_down(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    ex = extractor(url, tmp_path, transport_attempts=3)
    started = time.perf_counter()
    with pytest.raises(TransportError) as info:
        ex.extract(ARTICLE)
    elapsed = time.perf_counter() - started
    err = info.value
    assert err.attempts == 3 and err.status_code is None
    assert "cannot reach" in str(err) and "refused" in str(err).lower() and KEY not in str(err)
    assert elapsed < 3.0  # two jittered backoffs: at most 0.5 + 1.0 s


def test_endpoint_down_total_wait_is_capped(tmp_path: Path) -> None:
    """``transport_max_wait_s`` bounds the time even when many attempts are allowed."""
    url = f"http://127.0.0.1:{closed_port()}/v1"
    ex = extractor(url, tmp_path, transport_attempts=50, transport_max_wait_s=0.2)
    started = time.perf_counter()
    with pytest.raises(TransportError) as info:
        ex.extract(ARTICLE)
    assert time.perf_counter() - started < 2.5
    assert 1 <= info.value.attempts < 50


def test_endpoint_down_batch_completes_in_order(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    ex = extractor(url, tmp_path, transport_attempts=1)
    results = ex.extract_many([ARTICLES[0], "   ", ARTICLES[1]], concurrency=4)
    assert len(results) == 3
    assert isinstance(results[0], TransportError) and isinstance(results[2], TransportError)
    assert isinstance(results[1], InputError) and "whitespace" in str(results[1])


def test_batch_with_concurrency_all_failing(server: FakeOpenAIServer, tmp_path: Path) -> None:
    """Eight workers against an endpoint that only answers 503: every input gets its own typed error,
    each after exactly one request (``transport_attempts=1``), and the batch returns."""
    texts = ARTICLES * 4
    server.default = HTTPError(503, message="overloaded")
    ex = extractor(server.base_url, tmp_path, transport_attempts=1, cache=False)
    results = ex.extract_many(texts, concurrency=8)
    assert len(results) == len(texts)
    assert all(isinstance(r, TransportError) and r.status_code == 503 for r in results)
    assert server.request_count == len(texts)


def test_json_with_only_unknown_keys_is_not_read_as_no_events(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.enqueue(*(ToolCall('{"name": "Bob", "age": 42}'),) * 2)
    with pytest.raises(ValidationExhaustedError):
        extractor(server.base_url, tmp_path, max_retries=1).extract(ARTICLE)
    assert server.request_count == 2  # re-asked once, with the error
    assert "expected keys share_sales" in str(server.requests[1].body["messages"])
