"""HTTP transports that retry transport failures with tenacity, one request at a time.

They wrap the ``httpx2`` transports the ``openai`` client uses (passed in through its public
``http_client=`` argument; nothing inside openai is patched). Each HTTP request is retried on connection
errors, timeouts, 408/409/429 and 5xx, honouring ``Retry-After``, until the policy's attempt or total
wait cap. The last response (or error) then goes to the client as is, so a final 429 surfaces as a
rate-limit error and is never mistaken for invalid output. Every request sent is counted in
``RequestCounter`` so results can report how many requests they cost.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

import httpx2
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_after_delay,
)

from newsextract.retry import RetryPolicy, is_retryable_status, parse_retry_after

log = logging.getLogger("newsextract.transport")

RETRYABLE_ERRORS = (httpx2.TransportError,)

#: The connection pool: as many kept-alive connections as a batch has requests in flight (httpx's
#: default keeps 20, so at 64 in flight most requests paid a new TCP connection), as the openai client's
#: own default pool does (1,000 connections, 100 kept alive).
POOL_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=256, keepalive_expiry=30.0)


class RequestCounter:
    """Counts HTTP requests sent within one ``counting()`` scope (per thread / per asyncio task)."""

    _current: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
        "newsextract_requests", default=None
    )

    @classmethod
    def start(cls) -> tuple[list[int], contextvars.Token[list[int] | None]]:
        box = [0]
        return box, cls._current.set(box)

    @classmethod
    def stop(cls, token: contextvars.Token[list[int] | None]) -> None:
        cls._current.reset(token)

    @classmethod
    def bump(cls) -> None:
        box = cls._current.get()
        if box is not None:
            box[0] += 1


def _should_retry_response(response: httpx2.Response) -> bool:
    if response.status_code < 400:
        return False
    # the body was read inside the retry (``_send``): a 5xx's text says whether it is permanent
    body = response.content if response.status_code >= 500 else b""
    return is_retryable_status(response.status_code, body)


def _wait(policy: RetryPolicy) -> Any:
    def wait(state: RetryCallState) -> float:
        retry_after = None
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            resp = outcome.result()
            if isinstance(resp, httpx2.Response):
                retry_after = parse_retry_after(resp.headers)
        return policy.wait_for(state.attempt_number, retry_after)

    return wait


def _before_sleep(state: RetryCallState) -> None:
    outcome = state.outcome
    if outcome is None:
        return
    if outcome.failed:
        log.info("request failed (%s), retrying (attempt %d)", outcome.exception(), state.attempt_number)
        return
    resp = outcome.result()
    log.info("HTTP %s, retrying (attempt %d)", getattr(resp, "status_code", "?"), state.attempt_number)
    if isinstance(resp, httpx2.Response) and not resp.is_closed:  # read in _send: already closed
        resp.close()  # (a sync close on an async response would raise)


def _last_outcome(state: RetryCallState) -> Any:
    outcome = state.outcome
    assert outcome is not None
    return outcome.result()  # re-raises the last transport error, or returns the last response


def _retry_kwargs(policy: RetryPolicy) -> dict[str, Any]:
    return {
        "stop": stop_after_attempt(policy.attempts) | stop_after_delay(policy.max_total_wait_s),
        "wait": _wait(policy),
        "retry": retry_if_exception_type(RETRYABLE_ERRORS) | retry_if_result(_should_retry_response),
        "before_sleep": _before_sleep,
        "retry_error_callback": _last_outcome,
        "reraise": True,
    }


def _replay(first: httpx2.Response | BaseException, send: Any) -> Any:
    """``send``, except that its first call hands back ``first`` (the try already made) instead of sending."""
    pending = [first]

    def attempt(request: httpx2.Request) -> httpx2.Response:
        if pending:
            outcome = pending.pop()
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome
        response: httpx2.Response = send(request)
        return response

    return attempt


def _areplay(first: httpx2.Response | BaseException, send: Any) -> Any:
    """The asyncio twin of ``_replay``."""
    pending = [first]

    async def attempt(request: httpx2.Request) -> httpx2.Response:
        if pending:
            outcome = pending.pop()
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome
        response: httpx2.Response = await send(request)
        return response

    return attempt


class RetryingTransport(httpx2.BaseTransport):
    """A sync transport: ``httpx2.HTTPTransport`` plus the retry policy."""

    def __init__(self, policy: RetryPolicy, inner: httpx2.BaseTransport | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpx2.HTTPTransport(limits=POOL_LIMITS)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        # The first try runs outside tenacity (building a Retrying per request costs more than a
        # round trip's own parsing); only a try that failed enters the retry loop, which replays it.
        try:
            first: httpx2.Response | BaseException = self._send(request)
        except RETRYABLE_ERRORS as exc:
            first = exc
        if isinstance(first, httpx2.Response) and not _should_retry_response(first):
            return first
        response: httpx2.Response = Retrying(**_retry_kwargs(self.policy))(
            _replay(first, self._send), request
        )
        return response

    def _send(self, request: httpx2.Request) -> httpx2.Response:
        RequestCounter.bump()
        response = self.inner.handle_request(request)
        try:
            response.read()  # inside the retry: a connection dropped mid-body is a transport failure too
        except BaseException:
            response.close()
            raise
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRetryingTransport(httpx2.AsyncBaseTransport):
    """The asyncio twin of ``RetryingTransport``."""

    def __init__(self, policy: RetryPolicy, inner: httpx2.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpx2.AsyncHTTPTransport(limits=POOL_LIMITS)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        try:
            first: httpx2.Response | BaseException = await self._send(request)
        except RETRYABLE_ERRORS as exc:
            first = exc
        if isinstance(first, httpx2.Response) and not _should_retry_response(first):
            return first
        retrying = AsyncRetrying(**_retry_kwargs(self.policy))
        response: httpx2.Response = await retrying(_areplay(first, self._send), request)
        return response

    async def _send(self, request: httpx2.Request) -> httpx2.Response:
        RequestCounter.bump()
        response = await self.inner.handle_async_request(request)
        try:
            # inside the retry: a connection dropped mid-body is retried; the predicate reads 5xx bodies
            await response.aread()
        except BaseException:
            await response.aclose()
            raise
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
