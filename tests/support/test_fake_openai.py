"""The fake OpenAI server, exercised with the REAL openai client and REAL instructor (nothing patched).

Besides proving the server works, these tests pin down what each fault looks like to the library code
(openai 3.x over httpx2, instructor 1.17.0): see the assertions on exception classes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import instructor
import openai
import pydantic
import pytest
from instructor.core import IncompleteOutputException, InstructorRetryException
from tests.support.fake_openai import (
    AUTO,
    Content,
    Delay,
    EmptyChoices,
    FakeOpenAIProcess,
    FakeOpenAIServer,
    Hang,
    HTTPError,
    RawBody,
    ResetMidBody,
    ToolCall,
    Usage,
    fake_openai_fixture,
    load_script,
    step_from_dict,
    step_to_dict,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
API_KEY = "sk-test"
MESSAGES = [{"role": "user", "content": "Who is it?"}]
VALID = '{"name": "Ada", "age": 36}'
ADA = {"name": "Ada", "age": 36}

# The exported generator, registered under the name other test modules would use.
_fake_openai = pytest.fixture(fake_openai_fixture, name="fake_openai")


class Person(pydantic.BaseModel):
    name: str
    age: int


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as s:
        yield s


_CLIENTS: list[openai.OpenAI] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _CLIENTS:
        _CLIENTS.pop().close()


def make_client(server: FakeOpenAIServer | FakeOpenAIProcess, **kw: object) -> openai.OpenAI:
    kw.setdefault("max_retries", 0)
    kw.setdefault("timeout", 10.0)
    client = openai.OpenAI(base_url=server.base_url, api_key=API_KEY, **kw)  # type: ignore[arg-type]
    _CLIENTS.append(client)
    return client


def make_instructor(server: FakeOpenAIServer, mode: instructor.Mode = instructor.Mode.TOOLS, **kw: object):
    return instructor.from_openai(make_client(server, **kw), mode=mode)


def extract(client, max_retries: int = 0):
    return client.chat.completions.create(
        model="gpt-test", response_model=Person, messages=MESSAGES, max_retries=max_retries
    )


# ------------------------------------------------------------------------------- happy paths


def test_base_url_and_models_endpoint(server: FakeOpenAIServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url.endswith("/v1")
    assert server.port > 0
    models = make_client(server).models.list()
    assert [m.id for m in models.data] == ["fake-model"]
    assert server.request_count == 1
    rec = server.requests[0]
    assert (rec.method, rec.path, rec.step) == ("GET", "/v1/models", None)
    assert server.pending == 0  # GET /models never consumes a step


def test_valid_tool_call_parses_with_instructor_tools_mode(server: FakeOpenAIServer) -> None:
    server.enqueue(ToolCall(VALID))
    person, completion = make_instructor(server).chat.completions.create_with_completion(
        model="gpt-test", response_model=Person, messages=MESSAGES, max_retries=0
    )
    assert person.model_dump() == ADA
    assert server.request_count == 1
    body = server.last_body
    assert body["model"] == "gpt-test"
    assert body["messages"] == MESSAGES
    schema_name = body["tools"][0]["function"]["name"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": schema_name}}
    # reply shape as parsed by the real client
    assert completion.object == "chat.completion"
    assert completion.model == "gpt-test"  # echoed
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.type == "function"
    assert call.function.name == schema_name  # defaulted from the request's tools[0]
    assert call.function.arguments == VALID
    assert completion.usage is not None and completion.usage.total_tokens > 0


def test_tool_call_name_defaults_and_overrides(server: FakeOpenAIServer) -> None:
    client = make_client(server)
    tools = [{"type": "function", "function": {"name": "first", "parameters": {"type": "object"}}}]
    server.enqueue(ToolCall({"a": 1}), ToolCall("{}", name="explicit", call_id="call_1"), ToolCall("{}"))
    r1 = client.chat.completions.create(model="m", messages=MESSAGES, tools=tools)
    r2 = client.chat.completions.create(model="m", messages=MESSAGES, tools=tools)
    r3 = client.chat.completions.create(model="m", messages=MESSAGES)  # no tools at all
    assert r1.choices[0].message.tool_calls[0].function.name == "first"
    assert json.loads(r1.choices[0].message.tool_calls[0].function.arguments) == {"a": 1}
    assert r2.choices[0].message.tool_calls[0].function.name == "explicit"
    assert r2.choices[0].message.tool_calls[0].id == "call_1"
    assert r3.choices[0].message.tool_calls[0].function.name == "tool"


def test_content_reply_parses_in_json_and_json_schema_modes(server: FakeOpenAIServer) -> None:
    server.enqueue(Content(VALID), Content(VALID))
    for mode in (instructor.Mode.JSON, instructor.Mode.JSON_SCHEMA):
        assert extract(make_instructor(server, mode=mode)).model_dump() == ADA
    first, second = server.chat_requests
    assert first.body["response_format"]["type"] == "json_object"
    assert second.body["response_format"]["type"] == "json_schema"


def test_usage_default_custom_and_absent(server: FakeOpenAIServer) -> None:
    client = make_client(server)
    server.enqueue(
        Content("hello"),
        Content("hello", usage=Usage(prompt_tokens=11, completion_tokens=7)),
        Content("hello", usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 99}),
        Content("hello", usage=None),
    )
    usages = [client.chat.completions.create(model="m", messages=MESSAGES).usage for _ in range(4)]
    assert usages[0] is not None
    assert usages[0].total_tokens == usages[0].prompt_tokens + usages[0].completion_tokens > 0
    assert (usages[1].prompt_tokens, usages[1].completion_tokens, usages[1].total_tokens) == (11, 7, 18)
    assert usages[2].total_tokens == 99
    assert usages[3] is None


# ------------------------------------------------------------------------------ re-ask path


def test_invalid_then_valid_makes_instructor_reask(server: FakeOpenAIServer) -> None:
    server.enqueue(ToolCall('{"name": "Ada", "age": "thirty-six"}'), ToolCall(VALID))
    assert extract(make_instructor(server), max_retries=1).model_dump() == ADA
    assert server.request_count == 2
    first, second = server.requests
    assert len(second.body["messages"]) > len(first.body["messages"])
    reask_text = json.dumps(second.body["messages"][len(first.body["messages"]) :])
    assert "Validation Error found" in reask_text
    assert "age" in reask_text
    assert "valid integer" in reask_text  # pydantic's own message travels back to the model
    assert "Validation Error" not in json.dumps(first.body["messages"])


def test_invalid_json_arguments_also_reask(server: FakeOpenAIServer) -> None:
    server.enqueue(ToolCall('{"name": "Ada", "age": '), ToolCall(VALID))
    assert extract(make_instructor(server), max_retries=1).model_dump() == ADA
    assert server.request_count == 2
    assert "Validation Error found" in json.dumps(server.requests[1].body["messages"])


def test_invalid_twice_exhausts_instructor_retries(server: FakeOpenAIServer) -> None:
    server.enqueue(ToolCall('{"name": 1}'), ToolCall('{"name": 2}'))
    with pytest.raises(InstructorRetryException) as info:
        extract(make_instructor(server), max_retries=1)
    assert info.value.n_attempts == 2
    assert isinstance(info.value.__cause__, pydantic.ValidationError)
    assert server.request_count == 2


# ----------------------------------------------------------------------------------- faults


def test_429_is_rate_limit_error_with_retry_after_visible(server: FakeOpenAIServer) -> None:
    server.enqueue(HTTPError(429, "Slow down", code="rate_limit_exceeded", headers={"Retry-After": "1"}))
    with pytest.raises(openai.RateLimitError) as info:
        make_client(server).chat.completions.create(model="m", messages=MESSAGES)
    exc = info.value
    assert exc.status_code == 429
    assert exc.response.headers["retry-after"] == "1"
    assert exc.code == "rate_limit_exceeded"
    assert exc.type == "rate_limit_exceeded"
    assert exc.body["message"] == "Slow down"  # type: ignore[index]
    assert exc.request_id == "req_fake_1"
    assert server.request_count == 1  # max_retries=0: no retry


def test_429_through_instructor_is_wrapped_in_instructor_retry_exception(server: FakeOpenAIServer) -> None:
    server.enqueue(HTTPError(429, headers={"Retry-After": "1"}))
    with pytest.raises(InstructorRetryException) as info:
        extract(make_instructor(server), max_retries=2)
    cause = info.value.__cause__
    assert isinstance(cause, openai.RateLimitError)
    assert cause.response.headers["retry-after"] == "1"
    assert server.request_count == 1  # instructor does not re-ask on API errors


def test_retry_after_zero_lets_the_openai_client_retry(server: FakeOpenAIServer) -> None:
    server.enqueue(HTTPError(429, headers={"Retry-After": "0"}), Content("ok"))
    started = time.monotonic()
    reply = make_client(server, max_retries=1).chat.completions.create(model="m", messages=MESSAGES)
    assert reply.choices[0].message.content == "ok"
    assert server.request_count == 2
    assert time.monotonic() - started < 5


def test_500_is_internal_server_error(server: FakeOpenAIServer) -> None:
    server.enqueue(HTTPError(500, "boom"))
    with pytest.raises(openai.InternalServerError) as info:
        make_client(server).chat.completions.create(model="m", messages=MESSAGES)
    assert info.value.status_code == 500
    assert info.value.type == "server_error"


def test_exhausted_script_answers_500_by_default_and_default_is_configurable(
    server: FakeOpenAIServer,
) -> None:
    client = make_client(server)
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert info.value.code == "script_exhausted"
    assert "script exhausted" in info.value.message
    server.default = Content("always")
    for _ in range(2):
        assert (
            client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content
            == "always"
        )


@pytest.mark.parametrize("rst", [False, True], ids=["fin", "rst"])
def test_connection_reset_mid_body_is_api_connection_error(server: FakeOpenAIServer, rst: bool) -> None:
    server.enqueue(ResetMidBody(rst=rst), Content("after"))
    client = make_client(server)
    with pytest.raises(openai.APIConnectionError) as info:
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert not isinstance(info.value, openai.APITimeoutError)
    # the server keeps serving new connections afterwards
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == "after"


def test_connection_reset_through_instructor(server: FakeOpenAIServer) -> None:
    server.enqueue(ResetMidBody())
    with pytest.raises(InstructorRetryException) as info:
        extract(make_instructor(server), max_retries=1)
    assert isinstance(info.value.__cause__, openai.APIConnectionError)
    assert server.request_count == 1


def test_empty_choices(server: FakeOpenAIServer) -> None:
    server.enqueue(EmptyChoices(), EmptyChoices())
    # the bare client accepts it silently ...
    assert make_client(server).chat.completions.create(model="m", messages=MESSAGES).choices == []
    # ... instructor TOOLS fails: ResponseParsingError("No choices ..."), then its re-ask handler
    # hits IndexError, which it wraps in InstructorRetryException after a single request.
    with pytest.raises(InstructorRetryException) as info:
        extract(make_instructor(server), max_retries=2)
    assert "No choices in OpenAI response" in str(info.value)
    assert isinstance(info.value.__cause__, IndexError)
    assert server.request_count == 2


def test_finish_reason_length(server: FakeOpenAIServer) -> None:
    server.enqueue(
        ToolCall('{"name": "Ada", "ag', finish_reason="length"),
        Content('{"name": "Ada", "ag', finish_reason="length"),
        Content('{"name": "Ada", "ag', finish_reason="length"),
    )
    # instructor raises IncompleteOutputException at once, in TOOLS and JSON modes: no re-ask
    with pytest.raises(IncompleteOutputException):
        extract(make_instructor(server), max_retries=2)
    with pytest.raises(IncompleteOutputException):
        extract(make_instructor(server, mode=instructor.Mode.JSON), max_retries=2)
    # openai's own structured-output helper raises LengthFinishReasonError
    with pytest.raises(openai.LengthFinishReasonError):
        make_client(server).chat.completions.parse(model="m", messages=MESSAGES, response_format=Person)
    assert server.request_count == 3


def test_hang_times_out_and_does_not_block_shutdown() -> None:
    srv = FakeOpenAIServer([Hang()]).start()
    try:
        with pytest.raises(openai.APITimeoutError):
            make_client(srv, timeout=0.3).chat.completions.create(model="m", messages=MESSAGES)
        assert srv.chat_requests[0].step == "hang"
    finally:
        started = time.monotonic()
        srv.stop()
    assert time.monotonic() - started < 2


def test_stopped_server_answers_nothing_even_on_kept_alive_connections() -> None:
    srv = FakeOpenAIServer([Content("one")], default=Content("more")).start()
    client = make_client(srv)
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == "one"
    srv.stop()  # the client still holds a pooled keep-alive connection
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert srv.request_count == 1


def test_delay_then_reply(server: FakeOpenAIServer) -> None:
    server.enqueue(Delay(0.5, Content("late")), Delay(0.2, Content("in time")))
    with pytest.raises(openai.APITimeoutError):
        make_client(server, timeout=0.1).chat.completions.create(model="m", messages=MESSAGES)
    started = time.monotonic()
    reply = make_client(server, timeout=5).chat.completions.create(model="m", messages=MESSAGES)
    assert reply.choices[0].message.content == "in time"
    assert time.monotonic() - started >= 0.2


def test_raw_bodies(server: FakeOpenAIServer) -> None:
    client = make_client(server)
    server.enqueue(
        RawBody('{"id": "chatcmpl-1", "object": "chat.comp'),
        RawBody("<html>Bad gateway</html>", status=502, content_type="text/html"),
        RawBody("<html>hello</html>", content_type="text/html"),
    )
    # truncated JSON with a 200: openai does NOT wrap the decode error
    with pytest.raises(json.JSONDecodeError):
        client.chat.completions.create(model="m", messages=MESSAGES)
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert info.value.status_code == 502
    assert info.value.body == "<html>Bad gateway</html>"
    # a 200 that is not JSON comes back as a plain str (non-strict client)
    assert client.chat.completions.create(model="m", messages=MESSAGES) == "<html>hello</html>"


def test_truncated_json_under_instructor_is_retried_without_reask(server: FakeOpenAIServer) -> None:
    server.enqueue(RawBody('{"id": "chatcmpl-1", "object'), ToolCall(VALID))
    # JSONDecodeError is one of instructor's retryable parse errors, so the call is repeated as is
    assert extract(make_instructor(server), max_retries=1).model_dump() == ADA
    first, second = server.requests
    assert first.body["messages"] == second.body["messages"] == MESSAGES


def test_instructor_wraps_api_errors_and_timeouts_without_reasking(server: FakeOpenAIServer) -> None:
    server.enqueue(HTTPError(503), Hang(max_seconds=5))
    with pytest.raises(InstructorRetryException) as info:
        extract(make_instructor(server), max_retries=2)
    assert isinstance(info.value.__cause__, openai.InternalServerError)
    with pytest.raises(InstructorRetryException) as info:
        extract(make_instructor(server, timeout=0.3), max_retries=2)
    assert isinstance(info.value.__cause__, openai.APITimeoutError)
    assert server.request_count == 2


def test_non_json_200_under_instructor_is_a_parse_error(server: FakeOpenAIServer) -> None:
    html = RawBody("<html>hello</html>", content_type="text/html")
    server.enqueue(html, html, ToolCall(VALID))
    with pytest.raises(InstructorRetryException) as info:
        extract(make_instructor(server), max_retries=0)
    assert "No choices in OpenAI response" in str(info.value)
    # with a retry left it is re-asked like a validation error, and the next reply parses
    assert extract(make_instructor(server), max_retries=1).model_dump() == ADA
    assert server.request_count == 3


def test_stream_requests_are_rejected_without_consuming_a_step(server: FakeOpenAIServer) -> None:
    server.enqueue(Content("kept"))
    client = make_client(server)
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    assert "streaming is not supported" in info.value.message
    assert info.value.code == "stream_not_supported"
    assert server.pending == 1
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == "kept"


def test_unknown_route_is_404(server: FakeOpenAIServer) -> None:
    with pytest.raises(openai.NotFoundError):
        make_client(server).embeddings.create(model="m", input="x")


# ------------------------------------------------------------------------------- request log


def test_authorization_is_recorded_redacted() -> None:
    secret = "sk-very-secret-0123456789"
    with FakeOpenAIServer([Content("a")]) as srv:
        with openai.OpenAI(base_url=srv.base_url, api_key=secret, max_retries=0) as client:
            client.chat.completions.create(model="m", messages=MESSAGES)
        rec = srv.requests[0]
        assert rec.had_auth is True
        assert rec.headers["authorization"] == "Bearer ***"
        dumped = repr(srv.requests) + json.dumps([r.to_json() for r in srv.requests])
        assert secret not in dumped
        assert "sk-very" not in dumped


def test_request_without_auth_header(server: FakeOpenAIServer) -> None:
    import urllib.request

    req = urllib.request.Request(server.base_url + "/models")
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert json.loads(resp.read())["object"] == "list"
    assert server.requests[0].had_auth is False
    assert "authorization" not in server.requests[0].headers


def test_enqueue_reset_and_log_helpers(server: FakeOpenAIServer) -> None:
    client = make_client(server)
    server.enqueue(Content("one"), {"kind": "content", "content": "two"})
    assert server.pending == 2
    client.chat.completions.create(model="m1", messages=MESSAGES)
    assert server.last_body["model"] == "m1"
    assert server.last_request is not None and server.last_request.step == "content"
    assert server.pending == 1
    server.reset()
    assert (server.pending, server.request_count, server.last_body) == (0, 0, None)
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert server.request_count == 1


def test_concurrent_requests_each_consume_one_step(server: FakeOpenAIServer) -> None:
    n = 8
    server.enqueue(*[Content(str(i)) for i in range(n)])
    client = make_client(server)
    answers: list[str] = []
    lock = threading.Lock()

    def call() -> None:
        content = client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content
        with lock:
            answers.append(content)

    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(answers, key=int) == [str(i) for i in range(n)]
    assert len(server.wait_for_requests(n)) == n
    assert server.pending == 0


def test_exported_fixture(request: pytest.FixtureRequest) -> None:
    srv = request.getfixturevalue("fake_openai")
    assert isinstance(srv, FakeOpenAIServer)
    srv.enqueue(ToolCall(VALID))
    assert extract(make_instructor(srv)).model_dump() == ADA


def test_steps_round_trip_through_dicts_and_script_files(tmp_path: Path) -> None:
    steps = [
        ToolCall('{"bad', name="f", usage=Usage(1, 2)),
        Content("x", finish_reason="length", usage=None),
        EmptyChoices(),
        HTTPError(429, headers={"Retry-After": "0"}),
        Delay(0.1, ToolCall({"a": 1})),
        Hang(max_seconds=3),
        ResetMidBody(send_bytes=10, rst=True),
        RawBody("<x>", status=502, content_type="text/html"),
    ]
    dicts = [step_to_dict(s) for s in steps]
    assert [step_from_dict(d) for d in json.loads(json.dumps(dicts))] == steps
    assert step_to_dict(EmptyChoices()) == {"kind": "empty_choices"}  # AUTO usage is implicit
    assert EmptyChoices().usage is AUTO
    script = tmp_path / "s.json"
    script.write_text(json.dumps({"steps": dicts[:2], "default": {"kind": "content", "content": "d"}}))
    loaded, default = load_script(script)
    assert loaded == steps[:2] and default == Content("d")
    with pytest.raises(ValueError, match="unknown step kind"):
        step_from_dict({"kind": "nope"})
    with pytest.raises(ValueError, match="unknown field"):
        step_from_dict({"kind": "content", "content": "x", "colour": "red"})


# ---------------------------------------------------------------------------------- subprocess


@pytest.mark.server
def test_server_as_a_subprocess_via_python_dash_m(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([step_to_dict(ToolCall(VALID)), {"kind": "http_error", "status": 503}]))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fake_openai", "--port", "0", "--script", str(script)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        client = openai.OpenAI(base_url=base_url, api_key=API_KEY, max_retries=0, timeout=10)
        _CLIENTS.append(client)
        person = instructor.from_openai(client, mode=instructor.Mode.TOOLS).chat.completions.create(
            model="m", response_model=Person, messages=MESSAGES, max_retries=0
        )
        assert person.model_dump() == ADA
        with pytest.raises(openai.InternalServerError) as info:
            client.chat.completions.create(model="m", messages=MESSAGES)
        assert info.value.status_code == 503
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr


@pytest.mark.server
def test_two_processes_share_one_server_process() -> None:
    with FakeOpenAIProcess([Content("from-child")], default=Content("default")) as shared:
        assert shared.pid is not None
        child_code = textwrap.dedent(
            f"""
            import openai
            c = openai.OpenAI(base_url={shared.base_url!r}, api_key="sk-child", max_retries=0, timeout=10)
            msgs = [{{"role": "user", "content": "hi"}}]
            print(c.chat.completions.create(model="child-model", messages=msgs).choices[0].message.content)
            """
        )
        out = subprocess.run(
            [sys.executable, "-c", child_code], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        assert out.strip() == "from-child"
        shared.enqueue(HTTPError(429, headers={"Retry-After": "1"}))
        client = make_client(shared)
        with pytest.raises(openai.RateLimitError) as info:
            client.chat.completions.create(model="parent-model", messages=MESSAGES)
        assert info.value.response.headers["retry-after"] == "1"
        assert (
            client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content
            == "default"
        )
        log = shared.requests
        assert [r.body["model"] for r in log] == ["child-model", "parent-model", "m"]
        assert all(r.had_auth and r.headers["authorization"] == "Bearer ***" for r in log)
        assert "sk-child" not in json.dumps([r.to_json() for r in log])
        assert shared.request_count == 3 and shared.last_body["model"] == "m"
        shared.reset()
        assert shared.request_count == 0
