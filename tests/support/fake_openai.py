"""A small scripted OpenAI-compatible HTTP server for tests (stdlib only).

It speaks just enough of the OpenAI HTTP API for the official ``openai`` client (and ``instructor`` on
top of it) to talk to it for real over 127.0.0.1: ``POST /v1/chat/completions`` (non-streaming) and
``GET /v1/models``. Each chat-completion request consumes one *step* from a script (a FIFO queue);
when the queue is empty the *default* step is used (by default an HTTP 500 "script exhausted").

In-process use::

    from tests.support.fake_openai import FakeOpenAIServer, ToolCall, HTTPError

    with FakeOpenAIServer([ToolCall('{"x": 1}')]) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        ...
        assert server.request_count == 1
        server.enqueue(HTTPError(429, headers={"Retry-After": "1"}))

As a separate process (for tests where two processes share one server)::

    python -m tests.support.fake_openai --port 0 --script steps.json

prints ``http://127.0.0.1:PORT/v1`` as its first stdout line, then serves until SIGTERM/SIGINT.
``FakeOpenAIProcess`` wraps that (spawn, read the URL, inspect the log over HTTP, stop).
The script file is a JSON list of step dicts, or ``{"steps": [...], "default": {...}}``; a step dict
is ``{"kind": "<kind>", ...fields}`` with the kinds listed in ``STEP_KINDS``.

Out-of-band control endpoints (not logged, never consume a step), used by ``FakeOpenAIProcess``:
``GET /_fake/requests``, ``POST /_fake/enqueue`` (body: a list of step dicts), ``POST /_fake/reset``,
``GET /_fake/health``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

__all__ = [
    "AUTO",
    "STEP_KINDS",
    "Content",
    "Delay",
    "EmptyChoices",
    "FakeOpenAIProcess",
    "FakeOpenAIServer",
    "HTTPError",
    "Hang",
    "RawBody",
    "RecordedRequest",
    "ResetMidBody",
    "Step",
    "ToolCall",
    "Usage",
    "fake_openai_fixture",
    "load_script",
    "step_from_dict",
    "step_to_dict",
]

REDACTED_HEADERS = frozenset({"authorization", "proxy-authorization", "api-key", "x-api-key"})


class _Auto:
    """Sentinel: "compute a plausible value" (used for ``usage``)."""

    _instance: ClassVar[_Auto | None] = None

    def __new__(cls) -> _Auto:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "AUTO"


AUTO = _Auto()


# --------------------------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int | None = None  # None: prompt + completion

    def to_json(self) -> dict[str, int]:
        total = self.total_tokens
        if total is None:
            total = self.prompt_tokens + self.completion_tokens
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": total,
        }


UsageSpec = Usage | Mapping[str, int] | _Auto | None
"""AUTO (default): a plausible usage block; None: no ``usage`` key at all; a Usage or dict: exactly that."""


@dataclass(frozen=True)
class ToolCall:
    """Reply with one tool call.

    ``arguments`` is sent verbatim when it is a string (so it may be invalid JSON on purpose); a dict or
    list is JSON-encoded. ``name`` defaults to the name of the first tool in the request's ``tools``
    (so it matches whatever name instructor gave the schema), else the first legacy ``functions``
    entry, else ``"tool"``.
    """

    kind: ClassVar[str] = "tool_call"
    arguments: str | Mapping[str, Any] | Sequence[Any]
    name: str | None = None
    finish_reason: str = "tool_calls"
    content: str | None = None
    call_id: str | None = None  # default: "call_fake_<n>"
    usage: UsageSpec = AUTO


@dataclass(frozen=True)
class Content:
    """Reply with assistant message content (JSON / JSON_SCHEMA / MD_JSON modes), any finish_reason."""

    kind: ClassVar[str] = "content"
    content: str | None
    finish_reason: str = "stop"
    usage: UsageSpec = AUTO


@dataclass(frozen=True)
class EmptyChoices:
    """Reply 200 with a well-formed completion whose ``choices`` list is empty."""

    kind: ClassVar[str] = "empty_choices"
    usage: UsageSpec = AUTO


@dataclass(frozen=True)
class HTTPError:
    """Reply ``status`` with an OpenAI-style error body ``{"error": {message, type, param, code}}``."""

    kind: ClassVar[str] = "http_error"
    status: int
    message: str | None = None  # default: "fake_openai: scripted HTTP <status>"
    type: str | None = None  # default derived from status (e.g. 429 -> "rate_limit_exceeded")
    code: str | None = None
    param: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` (returns early if the server is stopping), then perform ``then``."""

    kind: ClassVar[str] = "delay"
    seconds: float
    then: Step


@dataclass(frozen=True)
class Hang:
    """Never answer: hold the connection open until the server stops (or ``max_seconds`` pass), then
    close it without a response. Use a client timeout shorter than ``max_seconds``."""

    kind: ClassVar[str] = "hang"
    max_seconds: float = 120.0


@dataclass(frozen=True)
class ResetMidBody:
    """Send the status line and headers with a Content-Length, then only part of the body, then drop the
    connection. ``rst=False`` closes cleanly (FIN: the client sees a short body); ``rst=True`` aborts with a
    TCP RST (SO_LINGER 0). ``body`` defaults to a valid completion; ``send_bytes`` defaults to half."""

    kind: ClassVar[str] = "reset_mid_body"
    status: int = 200
    body: str | bytes | None = None
    send_bytes: int | None = None
    rst: bool = False


@dataclass(frozen=True)
class RawBody:
    """Reply with exactly these bytes (e.g. truncated JSON, HTML) and a correct Content-Length."""

    kind: ClassVar[str] = "raw_body"
    body: str | bytes
    status: int = 200
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


Step = ToolCall | Content | EmptyChoices | HTTPError | Delay | Hang | ResetMidBody | RawBody
STEP_KINDS: dict[str, type[Any]] = {
    cls.kind: cls for cls in (ToolCall, Content, EmptyChoices, HTTPError, Delay, Hang, ResetMidBody, RawBody)
}

DEFAULT_STEP: Step = HTTPError(
    500,
    "fake_openai: script exhausted (no scripted step left for this request)",
    type="server_error",
    code="script_exhausted",
)

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_denied",
    404: "invalid_request_error",
    409: "conflict",
    422: "invalid_request_error",
    429: "rate_limit_exceeded",
}


def _usage_to_json(usage: Any) -> Any:
    if isinstance(usage, Usage):
        return usage.to_json()
    if isinstance(usage, Mapping):
        return dict(usage)
    return usage


def _usage_to_spec(usage: Any) -> Any:
    if isinstance(usage, Usage):
        return {f.name: getattr(usage, f.name) for f in fields(usage) if getattr(usage, f.name) is not None}
    if isinstance(usage, Mapping):
        return dict(usage)
    return usage


def step_to_dict(step: Step) -> dict[str, Any]:
    """JSON-able dict for a step (inverse of ``step_from_dict``)."""
    out: dict[str, Any] = {"kind": step.kind}
    for f in fields(step):
        value = getattr(step, f.name)
        if f.name == "then":
            value = step_to_dict(value)
        elif f.name == "usage":
            if value is AUTO:
                continue
            value = _usage_to_spec(value)
        elif isinstance(value, bytes):
            value = value.decode("latin-1")
        elif isinstance(value, Mapping):
            value = dict(value)
        out[f.name] = value
    return out


def step_from_dict(data: Mapping[str, Any] | Step) -> Step:
    """Build a step from ``{"kind": ..., **fields}`` (a step object is returned unchanged)."""
    if not isinstance(data, Mapping):
        if type(data) in STEP_KINDS.values():
            return data
        raise TypeError(f"not a step: {data!r}")
    kind = data.get("kind")
    if kind not in STEP_KINDS:
        raise ValueError(f"unknown step kind {kind!r}; known: {sorted(STEP_KINDS)}")
    cls = STEP_KINDS[kind]
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names - {"kind"}
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)} for step kind {kind!r}")
    kwargs = {k: v for k, v in data.items() if k != "kind"}
    if "then" in kwargs:
        kwargs["then"] = step_from_dict(kwargs["then"])
    if "usage" in kwargs and isinstance(kwargs["usage"], Mapping):
        kwargs["usage"] = Usage(**kwargs["usage"])
    return cls(**kwargs)  # type: ignore[no-any-return]


def load_script(path: str | os.PathLike[str]) -> tuple[list[Step], Step | None]:
    """Read a script file: a JSON list of steps, or ``{"steps": [...], "default": {...}}``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, list):
        return [step_from_dict(s) for s in data], None
    if not isinstance(data, Mapping):
        raise ValueError("a script must be a JSON list of steps or an object with 'steps'")
    steps = [step_from_dict(s) for s in data.get("steps", [])]
    default = step_from_dict(data["default"]) if data.get("default") is not None else None
    return steps, default


# ---------------------------------------------------------------------------------------- request log


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: str
    headers: dict[str, str]  # lower-cased names; credentials redacted ("Bearer ***")
    body: Any  # parsed JSON body, or None (no body / not JSON: see body_text)
    body_text: str | None  # the raw body when it was not valid JSON, else None
    had_auth: bool  # an Authorization header with a non-empty value was sent
    step: str | None  # kind of the script step that answered it (None: not a scripted endpoint)
    received_at: float

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordedRequest:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        return cls(**values)


def _redact(name: str, value: str) -> str:
    if name.lower() not in REDACTED_HEADERS:
        return value
    scheme, sep, _ = value.partition(" ")
    if sep and scheme.lower() in ("bearer", "basic", "token"):
        return f"{scheme} ***"
    return "***"


# ------------------------------------------------------------------------------------------- server


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # never join handler threads on close (a Hang must not block shutdown)
    allow_reuse_address = True
    request_queue_size = 256  # socketserver's default listen backlog of 5 refuses bursts of clients
    fake: FakeOpenAIServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenAI/1.0"
    sys_version = ""
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.fake.verbose:
            sys.stderr.write("fake_openai: " + (format % args) + "\n")

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    # --- plumbing

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: bytes, content_type: str, headers: Mapping[str, str] = {}) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-request-id", f"req_fake_{self._request_no}")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] = {}) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), "application/json", headers)

    def _send_error(
        self,
        status: int,
        message: str,
        *,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        headers: Mapping[str, str] = {},
    ) -> None:
        error = {
            "message": message,
            "type": type or _ERROR_TYPES.get(status, "server_error" if status >= 500 else "api_error"),
            "param": param,
            "code": code,
        }
        self._send_json(status, {"error": error}, headers)

    def _drop_connection(self, *, rst: bool) -> None:
        """Close the TCP connection now, cleanly (FIN) or abortively (RST)."""
        self.close_connection = True
        sock = self.connection
        with contextlib.suppress(OSError, ValueError):
            self.wfile.flush()
        try:
            if rst:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                # close every reference so the fd really closes (sending the RST) right now
                self.rfile.close()
                self.wfile.close()
                sock.close()
                self.rfile = io.BytesIO()
                self.wfile = io.BytesIO()
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # --- routing

    def setup(self) -> None:
        super().setup()
        self._conn = self.connection
        self.server.fake._track(self._conn, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track(self._conn, add=False)

    def _dispatch(self) -> None:
        fake = self.server.fake
        self._request_no = next(fake._counter)
        raw = self._read_body()
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        body: Any = None
        body_text: str | None = None
        body_ok = True
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body_ok = False
                body_text = raw.decode("utf-8", errors="replace")

        if path.startswith("/_fake/"):
            self._control(fake, path, body)
            return

        is_chat = self.command == "POST" and path == "/v1/chat/completions"
        step: Step | None = None
        if is_chat and body_ok and isinstance(body, Mapping) and not body.get("stream"):
            step = fake._next_step()

        headers = {k.lower(): _redact(k, v) for k, v in self.headers.items()}
        had_auth = bool(self.headers.get("Authorization", "").strip())
        fake._record(
            RecordedRequest(
                method=self.command,
                path=path,
                query=split.query,
                headers=headers,
                body=body,
                body_text=body_text,
                had_auth=had_auth,
                step=step.kind if step is not None else None,
                received_at=time.time(),
            )
        )

        if is_chat:
            if not body_ok or not isinstance(body, Mapping):
                self._send_error(400, "fake_openai: request body is not a JSON object", code="invalid_json")
            elif body.get("stream"):
                self._send_error(
                    400,
                    "fake_openai: streaming is not supported; send stream=false",
                    param="stream",
                    code="stream_not_supported",
                )
            else:
                assert step is not None
                self._perform(step, body)
        elif self.command == "GET" and path == "/v1/models":
            self._send_json(200, {"object": "list", "data": [_model_obj(m) for m in fake.models]})
        elif self.command == "GET" and path.startswith("/v1/models/"):
            model_id = path[len("/v1/models/") :]
            if model_id in fake.models:
                self._send_json(200, _model_obj(model_id))
            else:
                self._send_error(404, f"The model '{model_id}' does not exist", code="model_not_found")
        else:
            self._send_error(404, f"fake_openai: no route for {self.command} {path}", code="unknown_url")

    def _control(self, fake: FakeOpenAIServer, path: str, body: Any) -> None:
        if path == "/_fake/health":
            self._send_json(200, {"ok": True, "base_url": fake.base_url})
        elif path == "/_fake/requests":
            self._send_json(200, [r.to_json() for r in fake.requests])
        elif path == "/_fake/enqueue" and self.command == "POST":
            steps = body.get("steps", []) if isinstance(body, Mapping) else body
            try:
                fake.enqueue(*[step_from_dict(s) for s in steps or []])
            except (TypeError, ValueError) as exc:
                self._send_error(400, f"fake_openai: bad step: {exc}")
                return
            self._send_json(200, {"pending": fake.pending})
        elif path == "/_fake/reset" and self.command == "POST":
            fake.reset()
            self._send_json(200, {"ok": True})
        else:
            self._send_error(404, f"fake_openai: no control route {self.command} {path}")

    # --- steps

    def _perform(self, step: Step, request: Mapping[str, Any]) -> None:
        fake = self.server.fake
        if isinstance(step, (ToolCall, Content, EmptyChoices)):
            self._send_json(200, fake._completion(step, request))
        elif isinstance(step, HTTPError):
            self._send_error(
                step.status,
                step.message or f"fake_openai: scripted HTTP {step.status}",
                type=step.type,
                code=step.code,
                param=step.param,
                headers=step.headers,
            )
        elif isinstance(step, RawBody):
            body = step.body.encode("utf-8") if isinstance(step.body, str) else step.body
            self._send(step.status, body, step.content_type, step.headers)
        elif isinstance(step, Delay):
            if fake._stopping.wait(step.seconds):
                self._drop_connection(rst=False)
                return
            self._perform(step.then, request)
        elif isinstance(step, Hang):
            fake._stopping.wait(step.max_seconds)
            self._drop_connection(rst=False)
        elif isinstance(step, ResetMidBody):
            if step.body is None:
                full = json.dumps(fake._completion(ToolCall('{"partial": "reply"}'), request)).encode()
            elif isinstance(step.body, str):
                full = step.body.encode("utf-8")
            else:
                full = step.body
            n = len(full) // 2 if step.send_bytes is None else step.send_bytes
            n = max(0, min(n, len(full) - 1))
            self.send_response(step.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(full)))
            self.end_headers()
            self.wfile.write(full[:n])
            self.wfile.flush()
            time.sleep(0.05)  # let the headers and partial body reach the client before the drop
            self._drop_connection(rst=step.rst)
        else:  # pragma: no cover - guarded by step_from_dict / typing
            self._send_error(500, f"fake_openai: unknown step {step!r}")


def _model_obj(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": 1700000000, "owned_by": "fake-openai"}


def _estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class FakeOpenAIServer:
    """Scripted OpenAI-compatible server on 127.0.0.1 in a background thread.

    ``FakeOpenAIServer(steps=(), *, default=None, port=0, models=("fake-model",), verbose=False)``.
    Start with ``with`` (or ``.start()`` / ``.stop()``); ``.base_url`` is ``http://127.0.0.1:PORT/v1``.
    """

    def __init__(
        self,
        steps: Iterable[Step | Mapping[str, Any]] = (),
        *,
        default: Step | Mapping[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        models: Sequence[str] = ("fake-model",),
        verbose: bool = False,
    ) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Step] = deque(step_from_dict(s) for s in steps)
        self._default: Step = step_from_dict(default) if default is not None else DEFAULT_STEP
        self._log: list[RecordedRequest] = []
        self._log_cond = threading.Condition(self._lock)
        self._counter = itertools.count(1)
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self.models = list(models)
        self.verbose = verbose
        self._host = host
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle

    def start(self) -> FakeOpenAIServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((self._host, self._port), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()  # wakes Hang / Delay handlers
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # end kept-alive connections too: a stopped server must not answer anymore
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    close = stop

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeOpenAIServer is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Root URL without the /v1 prefix."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    # --- script

    def enqueue(self, *steps: Step | Mapping[str, Any]) -> FakeOpenAIServer:
        built = [step_from_dict(s) for s in steps]
        with self._lock:
            self._queue.extend(built)
        return self

    def reset(self) -> None:
        """Empty the script queue and the request log (the default step is kept)."""
        with self._lock:
            self._queue.clear()
            self._log.clear()

    @property
    def default(self) -> Step:
        return self._default

    @default.setter
    def default(self, step: Step | Mapping[str, Any]) -> None:
        self._default = step_from_dict(step)

    @property
    def pending(self) -> int:
        """Number of scripted steps not yet consumed."""
        with self._lock:
            return len(self._queue)

    def _next_step(self) -> Step:
        with self._lock:
            return self._queue.popleft() if self._queue else self._default

    # --- request log

    def _record(self, rec: RecordedRequest) -> None:
        with self._log_cond:
            self._log.append(rec)
            self._log_cond.notify_all()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received (control endpoints excluded), oldest first."""
        with self._lock:
            return list(self._log)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._log)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path == "/v1/chat/completions"]

    @property
    def last_request(self) -> RecordedRequest | None:
        with self._lock:
            return self._log[-1] if self._log else None

    @property
    def last_body(self) -> Any:
        """Parsed JSON body of the most recent request that had one (None if none)."""
        with self._lock:
            for rec in reversed(self._log):
                if rec.body is not None:
                    return rec.body
        return None

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least ``n`` requests were logged; raises TimeoutError otherwise."""
        with self._log_cond:
            if not self._log_cond.wait_for(lambda: len(self._log) >= n, timeout=timeout):
                raise TimeoutError(f"got {len(self._log)} request(s), expected {n}")
            return list(self._log)

    # --- replies

    def _completion(
        self, step: ToolCall | Content | EmptyChoices, request: Mapping[str, Any]
    ) -> dict[str, Any]:
        n = next(self._ids)
        choices: list[dict[str, Any]] = []
        out_text = ""
        if isinstance(step, ToolCall):
            args = step.arguments if isinstance(step.arguments, str) else json.dumps(step.arguments)
            out_text = args + (step.content or "")
            message: dict[str, Any] = {
                "role": "assistant",
                "content": step.content,
                "refusal": None,
                "tool_calls": [
                    {
                        "id": step.call_id or f"call_fake_{n}",
                        "type": "function",
                        "function": {"name": step.name or _default_tool_name(request), "arguments": args},
                    }
                ],
            }
            choices.append(
                {"index": 0, "message": message, "logprobs": None, "finish_reason": step.finish_reason}
            )
        elif isinstance(step, Content):
            out_text = step.content or ""
            message = {"role": "assistant", "content": step.content, "refusal": None}
            choices.append(
                {"index": 0, "message": message, "logprobs": None, "finish_reason": step.finish_reason}
            )
        reply: dict[str, Any] = {
            "id": f"chatcmpl-fake{n:06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model") or "fake-model",
            "choices": choices,
            "system_fingerprint": "fp_fake",
        }
        if step.usage is AUTO:
            prompt = _estimate_tokens(
                json.dumps(request.get("messages", [])) + json.dumps(request.get("tools", []))
            )
            completion = _estimate_tokens(out_text) if choices else 0
            reply["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
        elif step.usage is not None:
            reply["usage"] = _usage_to_json(step.usage)
        return reply


def _default_tool_name(request: Mapping[str, Any]) -> str:
    tools = request.get("tools") or []
    if tools and isinstance(tools[0], Mapping):
        fn = tools[0].get("function") or {}
        if isinstance(fn, Mapping) and fn.get("name"):
            return str(fn["name"])
        if tools[0].get("name"):
            return str(tools[0]["name"])
    functions = request.get("functions") or []
    if functions and isinstance(functions[0], Mapping) and functions[0].get("name"):
        return str(functions[0]["name"])
    return "tool"


def fake_openai_fixture(
    steps: Iterable[Step | Mapping[str, Any]] = (), **kwargs: Any
) -> Iterator[FakeOpenAIServer]:
    """Generator for a pytest fixture (this module does not import pytest)::

    @pytest.fixture
    def fake_openai():
        yield from fake_openai_fixture()
    """
    with FakeOpenAIServer(steps, **kwargs) as server:
        yield server


# ------------------------------------------------------------------------------------ subprocess mode


_REPO_ROOT = Path(__file__).resolve().parents[2]


class FakeOpenAIProcess:
    """Runs ``python -m tests.support.fake_openai`` in a child process and talks to it over HTTP.

    ``FakeOpenAIProcess(steps=(), *, default=None, port=0, python=sys.executable, startup_timeout=15)``
    mirrors the in-process API: ``base_url``, ``requests``, ``request_count``, ``last_body``,
    ``enqueue()``, ``reset()``, ``stop()``; usable as a context manager.
    """

    def __init__(
        self,
        steps: Iterable[Step | Mapping[str, Any]] = (),
        *,
        default: Step | Mapping[str, Any] | None = None,
        port: int = 0,
        python: str = sys.executable,
        startup_timeout: float = 15.0,
    ) -> None:
        self._script = {
            "steps": [step_to_dict(step_from_dict(s)) for s in steps],
            "default": step_to_dict(step_from_dict(default)) if default is not None else None,
        }
        self._port = port
        self._python = python
        self._startup_timeout = startup_timeout
        self._proc: subprocess.Popen[str] | None = None
        self._script_path: str | None = None
        self.base_url = ""

    def start(self) -> FakeOpenAIProcess:
        fd, self._script_path = tempfile.mkstemp(prefix="fake_openai_", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self._script, fh)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO_ROOT), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        self._proc = subprocess.Popen(
            [
                self._python,
                "-m",
                "tests.support.fake_openai",
                "--port",
                str(self._port),
                "--script",
                self._script_path,
            ],
            cwd=str(_REPO_ROOT),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = _readline_with_timeout(self._proc, self._startup_timeout)
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"fake_openai subprocess did not print its URL (got {line!r})")
        self.base_url = line.strip()
        return self

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        if self._script_path:
            with contextlib.suppress(OSError):
                os.unlink(self._script_path)
            self._script_path = None

    def __enter__(self) -> FakeOpenAIProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def url(self) -> str:
        return self.base_url.removesuffix("/v1")

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    @property
    def requests(self) -> list[RecordedRequest]:
        return [RecordedRequest.from_json(r) for r in self._call("GET", "/_fake/requests")]

    @property
    def request_count(self) -> int:
        return len(self.requests)

    @property
    def last_body(self) -> Any:
        for rec in reversed(self.requests):
            if rec.body is not None:
                return rec.body
        return None

    def enqueue(self, *steps: Step | Mapping[str, Any]) -> FakeOpenAIProcess:
        self._call("POST", "/_fake/enqueue", [step_to_dict(step_from_dict(s)) for s in steps])
        return self

    def reset(self) -> None:
        self._call("POST", "/_fake/reset", {})


def _readline_with_timeout(proc: subprocess.Popen[str], timeout: float) -> str:
    result: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=lambda: result.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not result:
        proc.kill()
        raise TimeoutError(f"fake_openai subprocess printed nothing within {timeout}s")
    return result[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.fake_openai", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default): an ephemeral port")
    parser.add_argument("--script", help="JSON file: a list of steps, or {'steps': [...], 'default': {...}}")
    parser.add_argument("--model", action="append", dest="models", help="model id listed by /v1/models")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    steps: list[Step] = []
    default: Step | None = None
    if args.script:
        steps, default = load_script(args.script)
    server = FakeOpenAIServer(
        steps,
        default=default,
        host=args.host,
        port=args.port,
        models=args.models or ("fake-model",),
        verbose=args.verbose,
    )
    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with server:
        print(server.base_url, flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
