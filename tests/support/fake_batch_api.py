"""A scripted OpenAI Batch API on 127.0.0.1, on top of the scripted chat server (``fake_openai``).

``FakeBatchAPI`` is a ``FakeOpenAIServer`` (so ``/v1/chat/completions`` answers from the same step
queue, for online re-asks) that also speaks ``POST /v1/files`` (multipart, ``purpose=batch``),
``GET /v1/files/{id}``, ``GET /v1/files/{id}/content``, ``POST /v1/batches``, ``GET /v1/batches/{id}``
and ``POST /v1/batches/{id}/cancel``.

Time is a clock that ticks once per ``GET /v1/batches/{id}`` of that batch: a batch reports
``script.statuses[polls]`` (the last one from then on), so tests never sleep and never race. When a batch
first reports a terminal status, its lines are "run": each line's answer is a fake_openai step, from
``answer(custom_id, body)`` if given, else the next step of the shared queue; a ``ToolCall``/``Content``
step becomes a 200 line in the output file (the same completion body the chat endpoint would send), an
``HTTPError`` step a line in the error file. Faults come from a ``BatchScript`` per created batch
(FIFO; ``default_script`` afterwards): shuffled output order, only the first ``finish`` lines answered
(an expired or cancelled batch), an output file id that appears ``late_polls`` polls after completion,
and ``forbidden``/``missing`` downloads answered 403/404 before the content; lines an expired batch
did not run are written to its error file as ``batch_expired``, as the API does. ``refuse_creates``
answers that many batch creations with HTTP 400, ``refuse_polls`` that many status polls. With
``answer_online=True`` online chat requests are answered by ``answer`` too once the queue is empty.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import io
import itertools
import json
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.support.fake_openai import (
    Content,
    EmptyChoices,
    FakeOpenAIServer,
    HTTPError,
    RecordedRequest,
    Step,
    ToolCall,
    _Handler,
    _HTTPServer,
    _redact,
)

Answer = Callable[[str, Mapping[str, Any]], Step]
TERMINAL = ("completed", "failed", "expired", "cancelled")


@dataclass(frozen=True)
class BatchScript:
    """How one created batch behaves (see the module docstring)."""

    statuses: Sequence[str] = ("validating", "in_progress", "finalizing", "completed")
    shuffle: int | None = 0  # a seed for the output order; None keeps input order
    finish: int | None = None  # answer only the first N lines (expired / cancelled batches)
    late_polls: int = 0  # polls after completion during which output_file_id is null
    forbidden: int = 0  # downloads of the output file answered 403 first
    missing: int = 0  # then this many 404s
    errors: Sequence[str] = ()  # batch-level errors (a failed batch)


@dataclass
class _Batch:
    id: str
    input_file_id: str
    script: BatchScript
    metadata: dict[str, Any]
    polls: int = 0
    status: str = "validating"
    output_file_id: str | None = None
    error_file_id: str | None = None
    ran: bool = False
    completed_at_poll: int | None = None
    answered: int = 0
    failed: int = 0
    total: int = 0
    cancel_requested: bool = False


@dataclass
class _File:
    id: str
    name: str
    purpose: str
    data: bytes
    forbidden: int = 0
    missing: int = 0


@dataclass
class BatchCounts:
    """What the scripted Batch API was asked: uploads, creates, polls, downloads, lines run."""

    uploads: int = 0
    creates: int = 0
    polls: int = 0
    downloads: int = 0
    download_refusals: int = 0
    cancels: int = 0
    lines_run: int = 0
    lines_per_batch: list[int] = field(default_factory=list)
    custom_ids: Counter[str] = field(default_factory=Counter)


class FakeBatchAPI(FakeOpenAIServer):
    """The scripted chat server plus the Batch API (``scripts``: one ``BatchScript`` per batch created)."""

    def __init__(
        self,
        steps: Iterable[Step | Mapping[str, Any]] = (),
        *,
        answer: Answer | None = None,
        answer_online: bool = False,
        scripts: Iterable[BatchScript] = (),
        default_script: BatchScript | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(steps, **kwargs)
        self.answer = answer
        self.answer_online = answer_online
        self._chat_body = threading.local()
        self._scripts: deque[BatchScript] = deque(scripts)
        self.default_script = default_script or BatchScript()
        self.files: dict[str, _File] = {}
        self.batches: dict[str, _Batch] = {}
        self.counts = BatchCounts()
        self._batch_lock = threading.RLock()
        self._file_ids = itertools.count(1)
        self._batch_ids = itertools.count(1)
        self.refuse_creates = 0  # answer this many POST /v1/batches with HTTP 400 first
        self.refuse_polls = 0  # answer this many GET /v1/batches/{id} with HTTP 400 (no tick)

    def _next_step(self) -> Step:
        """Online chat requests: the scripted queue first; with ``answer_online`` and an empty queue,
        ``answer(None, body)`` (so online re-asks get the same answers as batch lines)."""
        body = getattr(self._chat_body, "body", None)
        with self._lock:
            if self._queue or not (self.answer_online and self.answer is not None and body is not None):
                return self._queue.popleft() if self._queue else self._default
        assert self.answer is not None
        return self.answer("", body)

    def add_scripts(self, *scripts: BatchScript) -> None:
        with self._batch_lock:
            self._scripts.extend(scripts)

    def start(self) -> FakeBatchAPI:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((self._host, self._port), _BatchHandler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-batch-api", daemon=True
        )
        self._thread.start()
        return self

    def __enter__(self) -> FakeBatchAPI:
        return self.start()

    def input_lines(self, batch_id: str) -> list[dict[str, Any]]:
        """The request lines the batch was created with."""
        batch = self.batches[batch_id]
        data = self.files[batch.input_file_id].data
        return [json.loads(line) for line in data.splitlines() if line.strip()]

    # -- the Batch API --------------------------------------------------------------------------------
    def _upload(self, name: str, purpose: str, data: bytes) -> dict[str, Any]:
        with self._batch_lock:
            fid = f"file-{next(self._file_ids):04d}"
            self.files[fid] = _File(fid, name, purpose, data)
            self.counts.uploads += 1
            return _file_obj(self.files[fid])

    def _create(self, body: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._batch_lock:
            fid = str(body.get("input_file_id"))
            if self.refuse_creates > 0:
                self.refuse_creates -= 1
                return 400, _err("scripted refusal: enqueued token limit reached")
            if fid not in self.files:
                return 404, _err(f"No such File object: {fid}")
            if body.get("endpoint") != "/v1/chat/completions" or body.get("completion_window") != "24h":
                return 400, _err("unsupported endpoint or completion_window")
            lines = [json.loads(x) for x in self.files[fid].data.splitlines() if x.strip()]
            ids = [x.get("custom_id") for x in lines]
            if len(set(ids)) != len(ids):
                return 400, _err("custom_id values must be unique within a batch")
            script = self._scripts.popleft() if self._scripts else self.default_script
            bid = f"batch_{next(self._batch_ids):04d}"
            batch = _Batch(bid, fid, script, dict(body.get("metadata") or {}), total=len(lines))
            batch.status = script.statuses[0]
            self.batches[bid] = batch
            self.counts.creates += 1
            self.counts.lines_per_batch.append(len(lines))
            return 200, self._batch_obj(batch)

    def _poll(self, bid: str) -> tuple[int, dict[str, Any]]:
        with self._batch_lock:
            batch = self.batches.get(bid)
            if batch is None:
                return 404, _err(f"No such Batch object: {bid}")
            if self.refuse_polls > 0:
                self.refuse_polls -= 1
                return 400, _err("scripted refusal")
            self.counts.polls += 1
            batch.polls += 1
            if batch.cancel_requested and batch.status not in TERMINAL:
                batch.status = "cancelled" if batch.status == "cancelling" else "cancelling"
            elif batch.status not in TERMINAL:
                statuses = batch.script.statuses
                batch.status = statuses[min(batch.polls, len(statuses) - 1)]
            if batch.status in TERMINAL and not batch.ran:
                self._run(batch)
            return 200, self._batch_obj(batch)

    def _cancel(self, bid: str) -> tuple[int, dict[str, Any]]:
        with self._batch_lock:
            batch = self.batches.get(bid)
            if batch is None:
                return 404, _err(f"No such Batch object: {bid}")
            self.counts.cancels += 1
            if batch.status not in TERMINAL:
                batch.cancel_requested = True
                batch.status = "cancelling"
            return 200, self._batch_obj(batch)

    def _run(self, batch: _Batch) -> None:
        """Answer the batch's lines (the first ``finish`` of them, if set) into output and error files."""
        batch.ran = True
        batch.completed_at_poll = batch.polls
        if batch.status == "failed":
            return
        lines = self.input_lines(batch.id)
        out: list[bytes] = []
        errors: list[bytes] = []
        if batch.script.finish is not None:
            if batch.status == "expired":  # what the API does: the lines not run go to the error file
                for line in lines[batch.script.finish :]:
                    error = {
                        "code": "batch_expired",
                        "message": "This request could not be executed before the completion window expired.",
                    }
                    errors.append(
                        _jsonl({"id": "x", "custom_id": line["custom_id"], "response": None, "error": error})
                    )
                    batch.failed += 1
            lines = lines[: batch.script.finish]
        for n, line in enumerate(lines, start=1):
            cid = str(line["custom_id"])
            body = line["body"]
            self.counts.lines_run += 1
            self.counts.custom_ids[cid] += 1
            step = self.answer(cid, body) if self.answer is not None else self._next_step()
            rid = f"batch_req_{batch.id}_{n}"
            if isinstance(step, ToolCall | Content | EmptyChoices):
                completion = self._completion(step, body)
                response = {"status_code": 200, "request_id": rid, "body": completion}
                out.append(_jsonl({"id": rid, "custom_id": cid, "response": response, "error": None}))
                batch.answered += 1
            elif isinstance(step, HTTPError):
                error = {"message": step.message or f"scripted HTTP {step.status}", "type": "server_error"}
                response = {"status_code": step.status, "request_id": rid, "body": {"error": error}}
                errors.append(_jsonl({"id": rid, "custom_id": cid, "response": response, "error": None}))
                batch.failed += 1
            else:
                raise TypeError(f"a batch line cannot be answered with {type(step).__name__}")
        if batch.script.shuffle is not None:
            random.Random(batch.script.shuffle).shuffle(out)
            random.Random(batch.script.shuffle + 1).shuffle(errors)
        if out:
            f = self._upload(f"{batch.id}_output.jsonl", "batch_output", b"".join(out))
            self.counts.uploads -= 1  # made by the server, not uploaded by the client
            self.files[f["id"]].forbidden = batch.script.forbidden
            self.files[f["id"]].missing = batch.script.missing
            batch.output_file_id = f["id"]
        if errors:
            f = self._upload(f"{batch.id}_errors.jsonl", "batch_output", b"".join(errors))
            self.counts.uploads -= 1
            batch.error_file_id = f["id"]

    def _content(self, fid: str) -> tuple[int, bytes | dict[str, Any]]:
        with self._batch_lock:
            f = self.files.get(fid)
            if f is None:
                return 404, _err(f"No such File object: {fid}")
            self.counts.downloads += 1
            if f.forbidden > 0:
                f.forbidden -= 1
                self.counts.download_refusals += 1
                return 403, _err("You do not have access to this file yet.")
            if f.missing > 0:
                f.missing -= 1
                self.counts.download_refusals += 1
                return 404, _err(f"No such File object: {fid}")
            return 200, f.data

    def _batch_obj(self, batch: _Batch) -> dict[str, Any]:
        late = (
            batch.status == "completed"
            and (batch.polls - (batch.completed_at_poll or 0)) < batch.script.late_polls
        )
        errors = None
        if batch.status == "failed":
            errors = {
                "object": "list",
                "data": [{"code": "invalid", "message": m} for m in batch.script.errors],
            }
        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "errors": errors,
            "input_file_id": batch.input_file_id,
            "completion_window": "24h",
            "status": batch.status,
            "output_file_id": None if late else batch.output_file_id,
            "error_file_id": batch.error_file_id,
            "created_at": 1_700_000_000,
            "request_counts": {"total": batch.total, "completed": batch.answered, "failed": batch.failed},
            "metadata": batch.metadata,
        }


def _jsonl(obj: Any) -> bytes:
    return json.dumps(obj).encode("utf-8") + b"\n"


def _err(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


def _file_obj(f: _File) -> dict[str, Any]:
    return {
        "id": f.id,
        "object": "file",
        "bytes": len(f.data),
        "created_at": 1_700_000_000,
        "filename": f.name,
        "purpose": f.purpose,
        "status": "processed",
    }


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[str | None, bytes]]:
    """Fields of a multipart/form-data body: name -> (filename, bytes)."""
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    msg = parser.parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = (part.get_filename(), bytes(payload))
    return fields


class _BatchHandler(_Handler):
    server: _HTTPServer

    def do_GET(self) -> None:
        if not self._batch_route():
            super().do_GET()

    def do_POST(self) -> None:
        if urlsplit(self.path).path.rstrip("/") == "/v1/chat/completions":
            raw = self._read_body()
            fake: FakeBatchAPI = self.server.fake  # type: ignore[assignment]
            try:
                fake._chat_body.body = json.loads(raw)
            except ValueError:
                fake._chat_body.body = None
            del self.headers["Transfer-Encoding"]
            del self.headers["Content-Length"]
            self.headers["Content-Length"] = str(len(raw))
            connection, self.rfile = self.rfile, io.BytesIO(raw)  # the chat handler reads the body again
            try:
                super().do_POST()
            finally:
                self.rfile = connection
                fake._chat_body.body = None
            return
        if not self._batch_route():
            super().do_POST()

    def _batch_route(self) -> bool:
        path = urlsplit(self.path).path.rstrip("/")
        if not (path.startswith("/v1/files") or path.startswith("/v1/batches")):
            return False
        fake: FakeBatchAPI = self.server.fake  # type: ignore[assignment]
        self._request_no = next(fake._counter)
        raw = self._read_body()
        parts = path.split("/")[2:]  # ["files", id, "content"] / ["batches", id, "cancel"]
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None  # a multipart upload
        fake._record(
            RecordedRequest(
                method=self.command,
                path=path,
                query=urlsplit(self.path).query,
                headers={k.lower(): _redact(k, v) for k, v in self.headers.items()},
                body=body,
                body_text=None,
                had_auth=bool(self.headers.get("Authorization", "").strip()),
                step=None,
                received_at=time.time(),
            )
        )
        status: int
        payload: Any
        if self.command == "POST" and parts == ["files"]:
            fields = _multipart(self.headers.get("Content-Type", ""), raw)
            name, data = fields.get("file", (None, b""))
            purpose = fields.get("purpose", (None, b""))[1].decode()
            status, payload = (200, fake._upload(name or "upload.jsonl", purpose, data))
            if purpose != "batch":
                status, payload = 400, _err("purpose must be batch")
        elif self.command == "GET" and len(parts) == 3 and parts[0] == "files" and parts[2] == "content":
            status, payload = fake._content(parts[1])
        elif self.command == "GET" and len(parts) == 2 and parts[0] == "files":
            f = fake.files.get(parts[1])
            status, payload = (200, _file_obj(f)) if f else (404, _err("no such file"))
        elif self.command == "POST" and parts == ["batches"]:
            status, payload = fake._create(json.loads(raw or b"{}"))
        elif self.command == "GET" and len(parts) == 2 and parts[0] == "batches":
            status, payload = fake._poll(parts[1])
        elif self.command == "POST" and len(parts) == 3 and parts[0] == "batches" and parts[2] == "cancel":
            status, payload = fake._cancel(parts[1])
        else:
            status, payload = 404, _err(f"no route for {self.command} {path}")
        with contextlib.suppress(OSError):
            if isinstance(payload, bytes):
                self._send(status, payload, "application/octet-stream")
            else:
                self._send_json(status, payload)
        return True
