"""Reading Batch API output and error files (and ``vllm run-batch`` output). Pure.

Each line is ``{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}``, in any
order. Lines are matched by ``custom_id``, never by position. The file was written by someone else, so
nothing in it is trusted: a line that is not such an object is counted and skipped, a ``custom_id`` we
did not send is ignored by the caller, and only plain JSON values come out of here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LineAnswer:
    """One request's answer: a chat-completion ``body`` (HTTP 200), or an ``error`` message."""

    custom_id: str
    body: dict[str, Any] | None = None
    error: str | None = None
    status_code: int | None = None

    @property
    def ok(self) -> bool:
        return self.body is not None


@dataclass
class ParsedOutput:
    """The answers by ``custom_id``, and how many lines could not be read."""

    answers: dict[str, LineAnswer] = field(default_factory=dict)
    unreadable: int = 0

    def add(self, answer: LineAnswer) -> None:
        """Keep the first successful answer per id; an error never replaces a success."""
        known = self.answers.get(answer.custom_id)
        if known is None or (not known.ok and answer.ok):
            self.answers[answer.custom_id] = answer

    def merge(self, other: ParsedOutput) -> None:
        for answer in other.answers.values():
            self.add(answer)
        self.unreadable += other.unreadable


def parse_line(raw: str | bytes) -> LineAnswer | None:
    """The answer one output line holds; None for a blank or unreadable line."""
    try:
        line = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
        return None
    cid = line["custom_id"]
    response = line.get("response")
    status = response.get("status_code") if isinstance(response, dict) else None
    status = status if isinstance(status, int) and not isinstance(status, bool) else None
    body = response.get("body") if isinstance(response, dict) else None
    if status == 200 and isinstance(body, dict) and not line.get("error"):
        return LineAnswer(cid, body=body, status_code=200)
    return LineAnswer(cid, error=_error_message(line.get("error"), body, status), status_code=status)


def _error_message(error: Any, body: Any, status: int | None) -> str:
    for source in (error, body.get("error") if isinstance(body, dict) else None):
        if isinstance(source, dict):
            message = source.get("message")
            code = source.get("code")
            if isinstance(message, str) and message:
                return f"{code}: {message}" if isinstance(code, str) and code else message
        elif isinstance(source, str) and source:
            return source
    return f"HTTP {status}" if status is not None else "no response for this request"


def parse_output(lines: Iterable[str | bytes]) -> ParsedOutput:
    """Every answer in an output or error file's lines (blank lines are skipped, not counted)."""
    out = ParsedOutput()
    for raw in lines:
        if not raw.strip():
            continue
        answer = parse_line(raw)
        if answer is None:
            out.unreadable += 1
        else:
            out.add(answer)
    return out
