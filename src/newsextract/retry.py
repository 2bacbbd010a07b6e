"""The transport retry policy: which HTTP outcomes to retry and how long to wait. No I/O.

Transport failures (connection errors, timeouts, 408, 429, 5xx) are retried here, below the model
client, one HTTP request at a time. Output that fails validation is a different thing, re-asked by
instructor with the errors fed back to the model; a rate limit never reaches that loop as a
"validation error", because this layer either succeeds or hands the client the final HTTP error.
"""

from __future__ import annotations

import contextlib
import email.utils
import math
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})

#: A 5xx whose body says one of these is a request the server will never accept (llama.cpp's server
#: answers an unsupported ``response_format`` with HTTP 500): retrying it only wastes time.
PERMANENT_5XX_MARKERS = ("response_format", "not supported", "unsupported")


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, honouring ``Retry-After``, capped in attempts and total wait.

    Cost: at worst ``attempts`` requests and ``max_total_wait_s`` seconds of sleeping per model request.
    """

    attempts: int = 4
    initial_wait_s: float = 0.5
    max_wait_s: float = 8.0
    max_total_wait_s: float = 60.0
    max_retry_after_s: float = 30.0

    def backoff(self, attempt_number: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt ``attempt_number`` (1-based) without a server hint."""
        r = rng or random
        ceiling = min(self.max_wait_s, self.initial_wait_s * (2 ** (attempt_number - 1)))
        return r.uniform(ceiling / 2, ceiling)

    def wait_for(self, attempt_number: int, retry_after: float | None) -> float:
        """The server's ``Retry-After`` when given (capped), else the jittered backoff."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after_s)
        return self.backoff(attempt_number)


def is_retryable_status(status: int, body: bytes = b"") -> bool:
    """True for statuses worth another try; a 5xx whose body marks a permanent refusal is not."""
    if status not in RETRYABLE_STATUS:
        return False
    if status >= 500 and body:
        lowered = body[:2000].decode("utf-8", "replace").lower()
        if any(marker in lowered for marker in PERMANENT_5XX_MARKERS):
            return False
    return True


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` (delta-seconds or HTTP date) or ``retry-after-ms`` header; None
    when absent or not a finite number (``nan``, ``inf``: the backoff applies instead)."""
    ms = headers.get("retry-after-ms")
    if ms:
        with contextlib.suppress(ValueError):
            seconds = float(ms) / 1000.0
            if math.isfinite(seconds):
                return seconds
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) else None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(parsed.timestamp() - (now if now is not None else time.time()), 0.0)
