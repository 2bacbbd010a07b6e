"""Any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp's server) via openai + instructor.

Two retry loops, kept apart:
- transport: ``RetryingTransport`` under the openai client retries each HTTP request (tenacity);
  the openai client's own retries are off (``max_retries=0``) so there is exactly one policy;
- validation: instructor re-asks with the validation errors when the output does not validate,
  at most ``max_retries`` times.
A transport failure that outlives its retries ends the call as ``TransportError``; it is never re-asked.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, TypeVar

import httpx2
import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.processing.response import handle_reask_kwargs, handle_response_model, process_response
from instructor.v2.core.templating import handle_templating  # type: ignore[attr-defined]
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from newsextract.backends.base import Messages, ModelReply, usage_from
from newsextract.backends.http_transport import AsyncRetryingTransport, RequestCounter, RetryingTransport
from newsextract.backends.modes import choose_mode
from newsextract.backends.structured_request import structured_fields
from newsextract.config import Settings
from newsextract.core.schemas import Usage
from newsextract.errors import (
    ExtractionError,
    OutputTruncatedError,
    TransportError,
    ValidationExhaustedError,
)
from newsextract.retry import RetryPolicy

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger("newsextract.openai")
# instructor logs every failed attempt at ERROR; the outcome reaches the caller as a typed exception.
# A NullHandler keeps those lines off stderr unless the application configures logging itself.
logging.getLogger("instructor").addHandler(logging.NullHandler())

#: Sent when no key is configured: local servers ignore it, and the openai client insists on one.
PLACEHOLDER_KEY = "sk-no-key-needed"


def raw_output(completion: Any) -> str | None:
    """The text the model produced: the first tool call's arguments, else the message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments)
    content = getattr(message, "content", None)
    return str(content) if content is not None else None


def refusal_of(completion: Any) -> str | None:
    """The model's refusal (``message.refusal``, sent instead of content under strict structured outputs)."""
    try:
        refusal = completion.choices[0].message.refusal
    except (AttributeError, IndexError, TypeError):
        return None
    return str(refusal) if refusal else None


class OpenAICompatBackend:
    """One configured endpoint. Thread-safe; holds one sync and one async connection pool."""

    kind = "openai"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.model
        self.base_url = settings.base_url
        self.request_mode = choose_mode(settings.base_url, settings.mode)
        self.mode = self.request_mode.instructor_mode()
        policy = RetryPolicy(
            attempts=settings.transport_attempts, max_total_wait_s=settings.transport_max_wait_s
        )
        timeout = httpx2.Timeout(settings.timeout_s, connect=min(10.0, settings.timeout_s))
        common: dict[str, Any] = {
            "api_key": settings.api_key or PLACEHOLDER_KEY,
            "base_url": settings.base_url,
            "max_retries": 0,
            "timeout": timeout,
        }
        self._sync_http = httpx2.Client(transport=RetryingTransport(policy), timeout=timeout)
        self._async_http: httpx2.AsyncClient | None = None
        self._policy = policy
        self._timeout = timeout
        self._common = common
        self._client = instructor.from_openai(
            openai.OpenAI(http_client=self._sync_http, **common), mode=self.mode
        )
        self._aclient: Any = None
        self._aloop: asyncio.AbstractEventLoop | None = None
        self._prepared_models: dict[type[BaseModel], tuple[Any, dict[str, Any] | None]] = {}

    @property
    def identity(self) -> str:
        return f"openai:{self.settings.endpoint}:{self.request_mode.name}"

    def _kwargs(
        self,
        messages: Messages,
        response_model: type[T],
        context: dict[str, Any] | None,
        max_retries: int,
        max_tokens: int | None,
    ) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": messages,
            "response_model": response_model,
            "max_retries": max_retries,
            "context": context,
            "temperature": self.settings.temperature,
            "max_tokens": max_tokens or self.settings.max_tokens,
            # instructor writes its own tools/response_format (Pydantic's schema, no strict flag); the
            # openai client merges extra_body into the JSON body last, so the strict schema is what is sent
            "extra_body": structured_fields(response_model, self.request_mode) or None,
        }

    # -- one request as data (the Batch API sends the same body offline, then parses the answer here) --
    def request_body(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_tokens: int | None = None,
    ) -> dict[str, Any]:
        """The JSON body of the first request ``structured`` sends for these arguments, prepared by
        instructor exactly as online (its tools or response_format for this mode, templating), then the
        strict schema fields merged over it as the openai client merges ``extra_body``; plain JSON."""
        kwargs = self._kwargs(messages, response_model, context, 0, max_tokens)
        for name in ("response_model", "max_retries", "context"):
            kwargs.pop(name)
        extra = kwargs.pop("extra_body", None) or {}
        _, fields = self._prepared(response_model)
        if fields is not None:  # the mode's fields do not depend on the messages: made once
            body = {**kwargs, "messages": list(messages), **fields}
        else:
            _, body = handle_response_model(response_model, mode=self.mode, **kwargs)
        body = handle_templating(body, self.mode, context=context)
        body = {**body, **extra}  # the openai client merges extra_body into the JSON body last
        return dict(json.loads(json.dumps(body, default=str)))

    def _prepared(self, response_model: type[T]) -> tuple[Any, dict[str, Any] | None]:
        """instructor's prepared response model for this mode and the request fields it adds (None when
        they depend on the messages), made once per model class: preparing costs ~10 ms."""
        hit = self._prepared_models.get(response_model)
        if hit is None:
            probe: list[dict[str, Any]] = []
            prepared, kwargs = handle_response_model(response_model, mode=self.mode, messages=probe)
            same = kwargs.get("messages") == [] and not probe
            fields = {k: v for k, v in kwargs.items() if k != "messages"} if same else None
            hit = self._prepared_models[response_model] = (prepared, fields)
        return hit

    def parse_answer(
        self, completion: dict[str, Any], response_model: type[T], *, context: dict[str, Any] | None = None
    ) -> ModelReply[T]:
        """Validate one chat-completion body as ``structured`` validates a reply (same instructor parser,
        same validation context, so grounding runs too). Raises ``pydantic.ValidationError`` or
        ``json.JSONDecodeError`` for output worth a re-ask, an ``ExtractionError`` for anything else."""
        try:
            response = ChatCompletion.model_validate(completion)
        except ValidationError as exc:
            raise ExtractionError(f"not a chat completion: {_short(str(exc))}", attempts=1) from None
        prepared, _ = self._prepared(response_model)
        try:
            parsed = process_response(
                response,
                response_model=prepared,
                stream=False,
                validation_context=context,
                strict=True,
                mode=self.mode,
            )
        except (ValidationError, json.JSONDecodeError):
            raise
        except Exception as exc:
            raise self._map_error(exc, 1) from exc
        usage = usage_from(completion.get("usage"))
        return ModelReply(parsed=parsed, usage=usage, requests=1, reasks=0, raw=raw_output(response))

    def reask_messages(self, body: dict[str, Any], completion: dict[str, Any], error: Exception) -> Messages:
        """The conversation of the re-ask instructor would send after ``completion`` failed with
        ``error``: the request's messages, the model's answer, and the validation errors."""
        response = ChatCompletion.model_validate(completion)
        kwargs = {**body, "messages": list(body["messages"])}
        new = handle_reask_kwargs(kwargs, self.mode, response, error)
        return list(json.loads(json.dumps(new["messages"], default=str)))

    def structured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        box, token = RequestCounter.start()
        try:
            parsed, completion = self._client.chat.completions.create_with_completion(
                **self._kwargs(messages, response_model, context, max_retries, max_tokens)
            )
        except Exception as exc:  # mapped to newsextract's own errors below
            raise self._map_error(exc, box[0]) from exc
        finally:
            RequestCounter.stop(token)
        return self._reply(parsed, completion, box[0])

    async def astructured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aloop is not loop:
            # an async pool belongs to one event loop: each asyncio.run() gets its own
            self._aloop = loop
            self._async_http = httpx2.AsyncClient(
                transport=AsyncRetryingTransport(self._policy), timeout=self._timeout
            )
            self._aclient = instructor.from_openai(
                openai.AsyncOpenAI(http_client=self._async_http, **self._common), mode=self.mode
            )
        box, token = RequestCounter.start()
        try:
            parsed, completion = await self._aclient.chat.completions.create_with_completion(
                **self._kwargs(messages, response_model, context, max_retries, max_tokens)
            )
        except Exception as exc:
            raise self._map_error(exc, box[0]) from exc
        finally:
            RequestCounter.stop(token)
        return self._reply(parsed, completion, box[0])

    def _reply(self, parsed: T, completion: Any, requests: int) -> ModelReply[T]:
        total = getattr(parsed, "_total_usage", None)
        usage = usage_from(total) if total is not None else usage_from(getattr(completion, "usage", None))
        return ModelReply(
            parsed=parsed,
            usage=usage,
            requests=max(requests, 1),
            reasks=max(requests, 1) - 1,
            raw=raw_output(completion),
        )

    def _map_error(self, exc: Exception, requests: int) -> ExtractionError:
        """Translate instructor/openai exceptions into newsextract's typed errors (no key ever shown)."""
        endpoint = self.settings.endpoint
        usage = Usage()
        last: str | None = None
        cause: BaseException = exc
        if isinstance(exc, InstructorRetryException):
            usage = usage_from(exc.total_usage)
            last = raw_output(exc.last_completion)
            cause = exc.__cause__ or exc
            if isinstance(cause, InstructorRetryException) and cause.__cause__ is not None:
                cause = cause.__cause__
        common: dict[str, Any] = {
            "attempts": requests,
            "last_output": last,
            "usage": usage,
            "endpoint": endpoint,
        }
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
            out = raw_output(getattr(cause, "last_completion", None)) or last
            common["last_output"] = out
            return OutputTruncatedError(
                f"the model stopped at its token limit (finish_reason=length) after {requests} request(s); "
                "raise max_tokens or shorten the input",
                **common,
            )
        refusal = refusal_of(exc.last_completion) if isinstance(exc, InstructorRetryException) else None
        if refusal is not None:
            common["last_output"] = last or refusal
            return ValidationExhaustedError(
                f"the model refused to answer ({requests} request(s)): {_short(refusal)}", **common
            )
        if isinstance(exc, InstructorRetryException) and _no_choices(exc.last_completion):
            return ValidationExhaustedError(
                f"{endpoint} answered with an empty 'choices' list (no output) after {requests} request(s)",
                **common,
            )
        if isinstance(cause, ValidationError | json.JSONDecodeError) or isinstance(
            exc, InstructorRetryException
        ):
            return ValidationExhaustedError(
                f"the model's output did not validate after {requests} request(s): {_short(str(cause))}",
                **common,
            )
        return ExtractionError(
            f"request to {endpoint} failed: {type(exc).__name__}: {_short(str(exc))}", **common
        )

    def close(self) -> None:
        self._sync_http.close()


def _no_choices(completion: Any) -> bool:
    choices = getattr(completion, "choices", None)
    return completion is not None and isinstance(choices, list) and not choices


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(str(message).split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
