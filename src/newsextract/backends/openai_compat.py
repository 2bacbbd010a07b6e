"""Any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp's server) via openai + instructor.

Two retry loops, kept apart:
- transport: ``RetryingTransport`` under the openai client retries each HTTP request (tenacity);
  the openai client's own retries are off (``max_retries=0``) so there is exactly one policy;
- validation: a reply that does not validate is re-asked with its errors, instructor's way, at most
  ``max_retries`` times (``backends.structured``: instructor's mode handlers build the request and parse
  the reply; messages are sent as given and never rendered as templates).
A transport failure that outlives its retries ends the call as ``TransportError``; it is never re-asked.
Per request the client does: build the body (the schema fields are made once per model class),
``openai``'s ``create``, one validation with grounding, and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, TypeVar

import httpx2
import openai
from instructor.core.exceptions import IncompleteOutputException, ResponseParsingError
from openai.types.chat import ChatCompletion
from pydantic import BaseModel

from newsextract import log_redaction
from newsextract.backends.base import Messages, ModelReply, usage_from
from newsextract.backends.clients import async_client, sync_client, unwrap_client
from newsextract.backends.http_transport import AsyncRetryingTransport, RequestCounter, RetryingTransport
from newsextract.backends.modes import choose_mode
from newsextract.backends.structured import (
    REASKABLE,
    Exchange,
    ReplyFailed,
    adrive,
    conversation,
    drive,
    has_no_choices,
    parse_reply,
    raw_output,
    reask_body,
    refusal_of,
    request_body,
)
from newsextract.backends.structured_request import structured_fields
from newsextract.config import Settings, secret_header, split_query, url_secrets
from newsextract.errors import (
    ContextOverflowError,
    ExtractionError,
    NewsextractError,
    OutputTruncatedError,
    TransportError,
    ValidationExhaustedError,
)
from newsextract.retry import RetryPolicy

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger("newsextract.openai")
log_redaction.install()  # credentials in base_url never reach a log line (httpx logs URLs at INFO)

_CHAT = "/chat/completions"

#: Sent when no key is configured: local servers ignore it, and the openai client insists on one.
PLACEHOLDER_KEY = "sk-no-key-needed"

__all__ = ["PLACEHOLDER_KEY", "OpenAICompatBackend", "raw_output", "refusal_of"]


class OpenAICompatBackend:
    """One configured endpoint. Thread-safe; holds one sync and one async connection pool."""

    kind = "openai"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.model
        self.base_url = settings.base_url
        self._given = unwrap_client(settings.client) if settings.client is not None else None
        # mode= (or NEWSEXTRACT_MODE) first, then an instructor client's own mode, then the endpoint table
        given_mode = self._given.mode_name if self._given is not None else None
        self.request_mode = choose_mode(settings.base_url, settings.mode or given_mode)
        self.mode = self.request_mode.instructor_mode()
        policy = RetryPolicy(
            attempts=settings.transport_attempts, max_total_wait_s=settings.transport_max_wait_s
        )
        timeout = httpx2.Timeout(settings.timeout_s, connect=min(10.0, settings.timeout_s))
        header_secrets = [v for k, v in settings.default_headers if secret_header(k)]
        for secret in [settings.api_key, *url_secrets(settings.base_url), *header_secrets]:
            log_redaction.register_secret(secret)
        # a query in base_url (Azure-style ?api-key=) goes on every request, not into the path
        base_url, query = split_query(settings.base_url) if settings.base_url else (None, {})
        self._headers = dict(settings.default_headers)
        common: dict[str, Any] = {
            "api_key": settings.api_key or PLACEHOLDER_KEY,
            "base_url": base_url,
            "default_query": query or None,
            "max_retries": 0,
            "timeout": timeout,
            "default_headers": self._headers or None,
        }
        self._sync_http = httpx2.Client(transport=RetryingTransport(policy), timeout=timeout)
        self._async_http: httpx2.AsyncClient | None = None
        self._policy = policy
        self._timeout = timeout
        self._common = common
        self._client: openai.OpenAI = (
            sync_client(self._given, self._sync_http, self._headers).with_options(timeout=timeout)
            if self._given is not None
            else openai.OpenAI(http_client=self._sync_http, **common)
        )
        self._aclient: openai.AsyncOpenAI | None = None
        self._aloop: asyncio.AbstractEventLoop | None = None

    @property
    def identity(self) -> str:
        return f"openai:{self.settings.endpoint}:{self.request_mode.name}"

    def request_body(
        self, messages: Messages, response_model: type[BaseModel], max_tokens: int | None = None
    ) -> dict[str, Any]:
        """The first request's body for ``messages`` (what is POSTed to ``/chat/completions``): instructor's
        request for the mode, with the strict, compact schema fields of ``structured_request`` in place of
        instructor's own ``tools``/``response_format`` (the JSON modes keep the schema in the prompt)."""
        body = request_body(
            messages,
            response_model,
            self.mode,
            model=self.model,
            temperature=self.settings.temperature,
            max_tokens=max_tokens or self.settings.max_tokens,
        )
        body.update(structured_fields(response_model, self.request_mode))  # shared, never mutated
        return body

    # -- one answer that arrived as data (a Batch API output line), read as ``structured`` reads a reply --
    def parse_answer(
        self, completion: dict[str, Any], response_model: type[T], *, context: dict[str, Any] | None = None
    ) -> ModelReply[T]:
        """Validate one chat-completion body as ``structured`` validates a reply (the same parser and
        validation context, so grounding runs too). Raises one of ``structured.REASKABLE`` for output worth
        a re-ask, a newsextract ``ExtractionError`` for anything else (truncated, refused, no choices)."""
        try:
            response = ChatCompletion.model_validate(completion)
        except ValueError as exc:
            raise ExtractionError(f"not a chat completion: {_short(str(exc))}", attempts=1) from None
        exchange: Exchange[T] = Exchange(replies=1, last_completion=response)
        exchange.usage = usage_from(completion.get("usage"))
        if has_no_choices(response):
            raise self._map_error(ResponseParsingError("No choices in the response"), 1, exchange)
        try:
            parsed = parse_reply(response, response_model, self.mode, context)
        except REASKABLE:
            raise
        except Exception as exc:
            raise self._map_error(exc, 1, exchange) from exc
        return self._reply(parsed, exchange, 1)

    def schema_valid_output(self, completion: dict[str, Any], response_model: type[T]) -> str | None:
        """The answer as JSON when it has the schema's shape (checked without the grounding context), for
        the best-answer salvage; None otherwise."""
        try:
            return parse_reply(
                ChatCompletion.model_validate(completion), response_model, self.mode
            ).model_dump_json()
        except Exception:  # not even the schema's shape
            return None

    def reask_messages(self, body: dict[str, Any], completion: dict[str, Any], error: Exception) -> Messages:
        """The messages of the re-ask ``structured`` would send after ``completion`` failed with ``error``:
        the request's messages, the model's answer and the validation errors (instructor's wording)."""
        again = reask_body(body, ChatCompletion.model_validate(completion), error, self.mode)
        return list(json.loads(json.dumps(again["messages"], default=str)))

    def structured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        exchange: Exchange[T] = Exchange()
        body = self.request_body(messages, response_model, max_tokens)
        talk = conversation(
            body, response_model, self.mode, context=context, max_retries=max_retries, exchange=exchange
        )
        box, token = RequestCounter.start()
        try:
            parsed = drive(talk, self._send)
        except Exception as exc:  # mapped to newsextract's own errors below
            raise self._map_error(exc, box[0], exchange) from exc
        finally:
            RequestCounter.stop(token)
        return self._reply(parsed, exchange, box[0])

    def _send(self, body: dict[str, Any]) -> ChatCompletion:
        # ``post`` is the client's own public method under ``chat.completions.create``: the same request,
        # headers, auth and reply parsing, without re-walking a body that is already plain JSON against
        # the request's TypedDicts (``maybe_transform``: ~0.4 ms per request for the schema-sized body)
        return self._client.post(_CHAT, body=body, cast_to=ChatCompletion)

    def _async_client(self) -> openai.AsyncOpenAI:
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aloop is not loop:
            # an async pool belongs to one event loop: each asyncio.run() gets its own
            self._aloop = loop
            self._async_http = httpx2.AsyncClient(
                transport=AsyncRetryingTransport(self._policy), timeout=self._timeout
            )
            self._aclient = (
                async_client(self._given, self._async_http, self._headers).with_options(timeout=self._timeout)
                if self._given is not None
                else openai.AsyncOpenAI(http_client=self._async_http, **self._common)
            )
        return self._aclient

    async def astructured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        client = self._async_client()

        async def send(body: dict[str, Any]) -> ChatCompletion:
            return await client.post(_CHAT, body=body, cast_to=ChatCompletion)

        exchange: Exchange[T] = Exchange()
        body = self.request_body(messages, response_model, max_tokens)
        talk = conversation(
            body, response_model, self.mode, context=context, max_retries=max_retries, exchange=exchange
        )
        box, token = RequestCounter.start()
        try:
            parsed = await adrive(talk, send)
        except Exception as exc:
            raise self._map_error(exc, box[0], exchange) from exc
        finally:
            RequestCounter.stop(token)
        return self._reply(parsed, exchange, box[0])

    def _reply(self, parsed: T, exchange: Exchange[T], requests: int) -> ModelReply[T]:
        requests = max(requests, exchange.replies, 1)
        return ModelReply(
            parsed=parsed,
            usage=exchange.usage,
            requests=requests,
            reasks=max(exchange.replies, 1) - 1,
            raw=raw_output(exchange.last_completion),
        )

    def _map_error(self, exc: Exception, requests: int, exchange: Exchange[Any]) -> NewsextractError:
        """Translate openai/instructor exceptions into newsextract's typed errors (no key ever shown: the
        chain kept as ``__cause__`` has its texts scrubbed too, since a server may echo the URL)."""
        _scrub_chain(exc)
        endpoint = self.settings.endpoint
        cause: BaseException = exc.error if isinstance(exc, ReplyFailed) else exc
        if cause is not exc:
            _scrub_chain(cause)
        common: dict[str, Any] = {
            "attempts": requests,
            "last_output": raw_output(exchange.last_completion),
            "usage": exchange.usage,
            "endpoint": endpoint,
            "valid_outputs": list(exchange.valid_outputs),
        }
        if isinstance(cause, openai.APIStatusError) and _context_overflow(cause):
            return ContextOverflowError(
                f"the prompt does not fit the model's context at {endpoint}: {_short(cause.message)}"
            )
        if isinstance(cause, openai.APIStatusError):
            return TransportError(
                f"{endpoint} answered HTTP {cause.status_code} after {requests} request(s): "
                f"{_short(cause.message)}",
                status_code=cause.status_code,
                **common,
            )
        if isinstance(cause, openai.APITimeoutError):
            return TransportError(f"{endpoint} timed out after {requests} request(s)", **common)
        if isinstance(cause, openai.APIConnectionError):
            reason = _short(str(cause.__cause__ or cause))
            return TransportError(f"cannot reach {endpoint} after {requests} request(s): {reason}", **common)
        if isinstance(cause, IncompleteOutputException):
            return OutputTruncatedError(
                f"the model stopped at its token limit (finish_reason=length) after {requests} request(s); "
                "raise max_tokens or shorten the input",
                **common,
            )
        refusal = refusal_of(exchange.last_completion)
        if refusal is not None:  # strict structured outputs: ``message.refusal`` instead of content
            common["last_output"] = common["last_output"] or refusal
            return ValidationExhaustedError(
                f"the model refused to answer ({requests} request(s)): {_short(refusal)}", **common
            )
        if isinstance(cause, ResponseParsingError) and has_no_choices(exchange.last_completion):
            return ValidationExhaustedError(
                f"{endpoint} answered with an empty 'choices' list (no output) after {requests} request(s)",
                **common,
            )
        if isinstance(cause, (*REASKABLE, AssertionError)):
            return ValidationExhaustedError(
                f"the model's output did not validate after {requests} request(s): {_short(str(cause))}",
                **common,
            )
        return ExtractionError(
            f"request to {endpoint} failed: {type(cause).__name__}: {_short(str(cause))}", **common
        )

    def close(self) -> None:
        self._sync_http.close()


#: How OpenAI, Azure and vLLM word a prompt longer than the model's context (HTTP 400).
_OVERFLOW_MARKERS = ("context_length_exceeded", "maximum context length", "context window")


def _context_overflow(error: openai.APIStatusError) -> bool:
    if error.status_code != 400:
        return False
    text = f"{getattr(error, 'code', '') or ''} {error.message}".lower()
    return any(marker in text for marker in _OVERFLOW_MARKERS)


def _scrub_chain(exc: BaseException) -> None:
    """Mask credentials in the messages of ``exc`` and the exceptions it was raised from, in place."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(log_redaction.scrub(a) if isinstance(a, str) else a for a in current.args)
        message = getattr(current, "message", None)
        if isinstance(message, str):
            with contextlib.suppress(AttributeError, TypeError):
                current.message = log_redaction.scrub(message)  # type: ignore[attr-defined]
        current = current.__cause__ or current.__context__


def _short(message: str, limit: int = 300) -> str:
    """One line of at most ``limit`` characters, with credentials masked (error texts quote URLs)."""
    message = log_redaction.scrub(" ".join(str(message).split()))
    return message if len(message) <= limit else message[: limit - 1] + "…"
