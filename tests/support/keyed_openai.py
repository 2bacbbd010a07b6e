"""A scripted OpenAI-compatible server whose reply depends on the article asked about, not on arrival order.

For tests where many workers send requests in any order (Ray actors, threads): each article's outcome
must not depend on who asked first. Built on ``fake_openai`` (same HTTP handling and reply shapes);
only the choice of step differs.

Articles look like ``make_article(7, "429once")``::

    Acme0007 shares rose 7% on Monday. [fault:429once]

and get a grounded stock move (``Acme0007``, up, ``7%``, quoting the first sentence). The optional fault
marker changes what that article's requests receive, counted per article:

- ``429once`` / ``500once`` / ``resetonce``: the first request fails (rate limit with ``Retry-After: 0``,
  server error, connection dropped mid-body), the next ones succeed: a transport retry recovers;
- ``invalid``: every answer is malformed JSON, so re-asks run out (``ValidationExhaustedError``);
- ``down``: every request gets HTTP 503 (``TransportError`` once the transport attempts are spent).

``delay`` (seconds) is added before every answer, to keep a run in progress long enough to interrupt.
``answered`` counts successful answers per article; ``authorizations`` holds the Authorization headers
received (unredacted: this server only ever sees test keys).
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any

from tests.support.fake_openai import (
    Delay,
    FakeOpenAIServer,
    HTTPError,
    ResetMidBody,
    Step,
    ToolCall,
    _Handler,
    _HTTPServer,
)

FAULTS = ("429once", "500once", "resetonce", "invalid", "down")
_ARTICLE = re.compile(r"(Acme\d{4}) shares (rose|fell) (\d+)% on Monday\.")
_FAULT = re.compile(r"\[fault:(\w+)\]")
_LOCAL = threading.local()


def make_article(n: int, fault: str | None = None, *, direction: str = "rose") -> str:
    """Article number ``n`` (its id-like name is ``Acme{n:04d}``), with an optional fault marker."""
    text = f"Acme{n:04d} shares {direction} {n % 50 + 1}% on Monday."
    return f"{text} [fault:{fault}]" if fault else f"{text} Traders cited results."


def expected_move(n: int, *, direction: str = "rose") -> dict[str, Any]:
    """The stock move ``make_article(n)`` yields once grounded and normalised."""
    return {
        "company": f"Acme{n:04d}",
        "direction": "up" if direction == "rose" else "down",
        "pct": n % 50 + 1,
    }


class _KeyedHandler(_Handler):
    def _read_body(self) -> bytes:
        raw = super()._read_body()
        _LOCAL.body = raw
        fake = self.server.fake
        if isinstance(fake, KeyedOpenAIServer):
            with fake._keyed_lock:
                fake.authorizations.add(self.headers.get("Authorization", ""))
        return raw


class KeyedOpenAIServer(FakeOpenAIServer):
    """``FakeOpenAIServer`` that picks each chat completion's reply from the article in the request."""

    def __init__(self, *, delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.delay = delay
        self.seen: Counter[str] = Counter()
        self.answered: Counter[str] = Counter()
        self.authorizations: set[str] = set()  # raw Authorization headers seen (test-only server)
        self._keyed_lock = threading.Lock()

    def start(self) -> KeyedOpenAIServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((self._host, self._port), _KeyedHandler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="keyed-openai", daemon=True
        )
        self._thread.start()
        return self

    def __enter__(self) -> KeyedOpenAIServer:
        return self.start()

    def _next_step(self) -> Step:
        step = self._choose(getattr(_LOCAL, "body", b""))
        return Delay(self.delay, step) if self.delay > 0 else step

    def _choose(self, raw: bytes) -> Step:
        try:
            request = json.loads(raw)
        except ValueError:
            return HTTPError(400, "keyed_openai: body is not JSON")
        user = _user_text(request)
        found = _ARTICLE.search(user)
        if found is None:
            return HTTPError(400, "keyed_openai: no AcmeNNNN article in the request")
        name, verb, pct = found.groups()
        fault_match = _FAULT.search(user)
        fault = fault_match.group(1) if fault_match else None
        with self._keyed_lock:
            self.seen[name] += 1
            first = self.seen[name] == 1
        if fault == "down":
            return HTTPError(503, "keyed_openai: down")
        if fault == "invalid":
            return ToolCall('{"stock_moves": [{"quote": ')
        if first and fault == "429once":
            return HTTPError(429, headers={"Retry-After": "0"})
        if first and fault == "500once":
            return HTTPError(500)
        if first and fault == "resetonce":
            return ResetMidBody()
        with self._keyed_lock:
            self.answered[name] += 1
        move = {
            "quote": found.group(0),
            "company": name,
            "direction": "up" if verb == "rose" else "down",
            "change_pct": f"{pct}%",
        }
        return ToolCall({"share_sales": [], "executive_changes": [], "stock_moves": [move]})


def _user_text(request: Mapping[str, Any]) -> str:
    parts = []
    for message in request.get("messages") or []:
        if isinstance(message, Mapping) and message.get("role") == "user":
            content = message.get("content")
            parts.append(content if isinstance(content, str) else json.dumps(content))
    return "\n".join(parts)
