"""Request lines of the Batch API input file, and their ``custom_id``s. Pure.

One line per request: ``{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}``, the
body being exactly what the online path sends for the same article (or chunk). The ``custom_id`` is
derived from the article's cache key and the chunk's number, so identical articles (same text, date and
configuration) share their lines and are sent once. A follow-up line (a re-ask in a later batch) adds
``.r<round>``. The same file feeds ``vllm run-batch``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

ENDPOINT: Final = "/v1/chat/completions"

_SLOT = re.compile(r"^ne-[0-9a-f]{40}-[0-9]+$")
_ATTEMPT = re.compile(r"^(?P<slot>ne-[0-9a-f]{40}-[0-9]+)(?:\.r(?P<round>[1-9][0-9]{0,3}))?$")


def slot_id(cache_key: str, chunk: int) -> str:
    """The ``custom_id`` of chunk ``chunk`` (0-based) of the article whose cache key is ``cache_key``."""
    if not re.fullmatch(r"[0-9a-f]{40,}", cache_key) or chunk < 0:
        raise ValueError(f"not a cache key and chunk number: {cache_key!r}, {chunk!r}")
    return f"ne-{cache_key[:40]}-{chunk}"


def attempt_id(slot: str, round: int) -> str:
    """The ``custom_id`` of the ``round``-th follow-up request for ``slot`` (round 0 is the slot itself)."""
    if not _SLOT.match(slot) or round < 0:
        raise ValueError(f"not a slot id and round: {slot!r}, {round!r}")
    return slot if round == 0 else f"{slot}.r{round}"


def parse_attempt(custom_id: object) -> tuple[str, int] | None:
    """(slot, round) of a ``custom_id`` made here; None for anything else (e.g. a foreign output line)."""
    if not isinstance(custom_id, str):
        return None
    m = _ATTEMPT.match(custom_id)
    if m is None:
        return None
    return m["slot"], int(m["round"] or 0)


def request_line(custom_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """One input line of the Batch API (and of ``vllm run-batch``)."""
    return {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": dict(body)}


def encode_line(line: Mapping[str, Any]) -> bytes:
    """The line as UTF-8 JSON plus a newline: what the file holds and what its size limit counts."""
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
