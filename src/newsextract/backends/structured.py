"""One structured request: build the body, validate the reply, re-ask with the errors. No I/O here.

Why not instructor's ``create``: at instructor 1.17.0 its patched ``create`` renders every message as a
Jinja template whenever a validation ``context`` is passed (``instructor/v2/core/patch.py`` calls
``handle_templating``), so an article holding ``{{ x }}`` or ``{% if %}`` reached the model changed, or
failed with ``TemplateSyntaxError``. It also rebuilds the response-model wrapper class and walks the model
for async validators on every call. This module drives the same lower-level pieces that ``create`` uses
for a mode (``instructor.v2.core.registry.mode_registry.get_handlers``), so the behaviour a user knows from
instructor stays:

- ``request_body``: the mode's request handler adds ``tools``/``tool_choice`` or ``response_format``;
  messages are sent as given, never templated, never deep-copied. The prepared response model and those
  fields are made once per (model class, mode) and reused.
- ``parse_reply``: the mode's response parser validates the reply with pydantic's
  ``model_validate_json(..., context=...)``, so grounding runs inside validation with our own context.
- ``reask_body``: a reply that does not parse or validate is sent back with the mode's re-ask message
  (the validation errors, worded as instructor words them), at most ``max_retries`` times.

``conversation`` is the loop as a generator (it yields request bodies and receives completions), so the
sync and async backends, the embedded model and the Batch API share one decision per step.
The Batch API can call ``request_body`` for its request lines and ``parse_reply`` on each result line.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import instructor
from instructor.core.exceptions import (
    AsyncValidationError,
    IncompleteOutputException,
    ResponseParsingError,
)
from instructor.v2.core.registry import mode_registry
from instructor.v2.core.response_model import prepare_response_model
from pydantic import BaseModel, ValidationError

from newsextract.backends.base import usage_from
from newsextract.core.schemas import Usage

T = TypeVar("T", bound=BaseModel)

#: Reply errors that are re-asked (instructor's own list for its retry loop).
REASKABLE = (ValidationError, json.JSONDecodeError, AsyncValidationError, ResponseParsingError)


@dataclass(frozen=True)
class Prepared:
    """A response model as instructor prepares it for a mode, and the request fields that go with it.

    ``fields`` holds what the mode adds to every request (``tools`` + ``tool_choice``, or
    ``response_format``) when that does not depend on the messages; None when it does (JSON and MD_JSON
    modes write the schema into the system message), and the request handler then runs per request.
    Treat ``fields`` as read-only: it is shared by every request.
    """

    mode: instructor.Mode
    model: type[BaseModel]
    fields: Mapping[str, Any] | None


#: Bounded: the sentence strategy makes a small model class per question, which must not pile up.
_MAX_PREPARED = 256
_PREPARED: OrderedDict[tuple[type[BaseModel], instructor.Mode], Prepared] = OrderedDict()
_PREPARED_LOCK = threading.Lock()


def _handlers(mode: instructor.Mode) -> Any:
    return mode_registry.get_handlers(instructor.Provider.OPENAI, mode)


def prepare(response_model: type[BaseModel], mode: instructor.Mode) -> Prepared:
    """``response_model`` prepared for ``mode`` (made once per pair and kept for the most recent 256 pairs;
    thread-safe). Preparing costs ~1 ms (instructor wraps the class and builds its JSON schema)."""
    key = (response_model, mode)
    hit = _PREPARED.get(key)
    if hit is not None:
        return hit
    with _PREPARED_LOCK:
        hit = _PREPARED.get(key)
        if hit is None:
            if len(_PREPARED) >= _MAX_PREPARED:
                _PREPARED.popitem(last=False)
            probe: list[dict[str, Any]] = []
            model, kwargs = _handlers(mode).request_handler(
                response_model=prepare_response_model(response_model), kwargs={"messages": probe}
            )
            same_messages = kwargs.get("messages") == [] and not probe
            fields = {k: v for k, v in kwargs.items() if k != "messages"} if same_messages else None
            hit = _PREPARED[key] = Prepared(mode, model, fields)
    return hit


def request_body(
    messages: list[dict[str, Any]], response_model: type[BaseModel], mode: instructor.Mode, **params: Any
) -> dict[str, Any]:
    """The ``chat.completions`` request body: ``params`` (model, temperature, max_tokens ...), the
    messages exactly as given (a new list, so re-asks never touch the caller's), and the mode's fields."""
    prepared = prepare(response_model, mode)
    if prepared.fields is not None:
        return {**params, "messages": list(messages), **prepared.fields}
    _, body = _handlers(mode).request_handler(
        response_model=prepared.model, kwargs={**params, "messages": list(messages)}
    )
    body["messages"] = list(body["messages"])
    return dict(body)


def parse_reply(completion: Any, response_model: type[T], mode: instructor.Mode, context: Any = None) -> T:
    """The reply validated as ``response_model`` with ``context`` passed to its validators.

    Raises one of ``REASKABLE`` when the output does not parse or validate, ``IncompleteOutputException``
    when the model stopped at its token limit."""
    prepared = prepare(response_model, mode)
    parsed: T = _handlers(mode).response_parser(
        response=completion,
        response_model=prepared.model,
        validation_context=context,
        strict=True,
        stream=False,
        is_async=False,
    )
    return parsed


def reask_body(
    body: dict[str, Any], completion: Any, error: Exception, mode: instructor.Mode
) -> dict[str, Any]:
    """The next request after ``completion`` failed with ``error``: instructor's re-ask for the mode
    (the model's reply and the errors appended to a copy of the messages)."""
    again = dict(body)
    again["messages"] = list(body["messages"])
    result: dict[str, Any] = _handlers(mode).reask_handler(kwargs=again, response=completion, exception=error)
    return result


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


def has_no_choices(completion: Any) -> bool:
    """A well-formed reply with an empty ``choices`` list: there is no output to correct."""
    choices = getattr(completion, "choices", None)
    return completion is not None and isinstance(choices, list) and not choices


@dataclass
class Exchange(Generic[T]):
    """What one structured call did so far: replies received, tokens, and the schema-valid answers
    that failed only the context checks (the best of which a caller may keep when every re-ask fails)."""

    replies: int = 0
    usage: Usage = field(default_factory=Usage)
    last_completion: Any = None
    valid_outputs: list[str] = field(default_factory=list)


class ReplyFailed(Exception):
    """The conversation ended without a valid reply. ``__cause__`` is the last reply's error."""

    def __init__(self, error: BaseException, exchange: Exchange[Any]) -> None:
        super().__init__(str(error))
        self.error = error
        self.exchange = exchange


def conversation(
    body: dict[str, Any],
    response_model: type[T],
    mode: instructor.Mode,
    *,
    context: Any,
    max_retries: int,
    exchange: Exchange[T],
) -> Generator[dict[str, Any], Any, T]:
    """Yields each request body to send and receives its completion; returns the validated reply.

    ``max_retries`` re-asks at most after the first answer. A reply that does not validate is re-asked
    with its errors; a reply cut at the token limit or with no choices ends the call at once (the same
    request would fail the same way). Raises ``ReplyFailed`` (with ``exchange``) when no reply validates.
    A ``json.JSONDecodeError`` raised by the sender (an HTTP body that is not JSON) counts as an attempt
    and is retried with the same request, as instructor does.
    """
    attempts = max(max_retries, 0) + 1
    for attempt in range(1, attempts + 1):
        try:
            completion = yield body
        except json.JSONDecodeError as exc:  # thrown in by the driver: the reply body itself was not JSON
            if attempt == attempts:
                raise ReplyFailed(exc, exchange) from exc
            continue
        exchange.replies += 1
        exchange.last_completion = completion
        exchange.usage = exchange.usage + usage_from(getattr(completion, "usage", None))
        if has_no_choices(completion):
            raise ReplyFailed(ResponseParsingError("No choices in the response"), exchange)
        try:
            return parse_reply(completion, response_model, mode, context)
        except IncompleteOutputException as exc:
            raise ReplyFailed(exc, exchange) from exc
        except REASKABLE as exc:
            if context is not None:
                _keep_if_schema_valid(completion, response_model, mode, exchange)
            if attempt == attempts:
                raise ReplyFailed(exc, exchange) from exc
            body = reask_body(body, completion, exc, mode)
        except Exception as exc:  # e.g. a refusal: not something a re-ask fixes
            raise ReplyFailed(exc, exchange) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _keep_if_schema_valid(
    completion: Any, response_model: type[T], mode: instructor.Mode, exchange: Exchange[T]
) -> None:
    """Remember a reply that is valid without the context checks (JSON of the schema's shape)."""
    try:
        plain = parse_reply(completion, response_model, mode, None)
    except Exception:  # not even the schema's shape: nothing to keep
        return
    exchange.valid_outputs.append(plain.model_dump_json())


def drive(gen: Generator[dict[str, Any], Any, T], send: Any) -> T:
    """Run ``conversation`` with a synchronous ``send(body) -> completion``."""
    body = next(gen)
    while True:
        try:
            completion = send(body)
        except json.JSONDecodeError as exc:
            try:
                body = gen.throw(exc)
            except StopIteration as stop:  # pragma: no cover - a throw never returns a reply
                return stop.value  # type: ignore[no-any-return]
            continue
        try:
            body = gen.send(completion)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]


async def adrive(gen: Generator[dict[str, Any], Any, T], send: Any) -> T:
    """Run ``conversation`` with an awaitable ``send(body) -> completion``."""
    body = next(gen)
    while True:
        try:
            completion = await send(body)
        except json.JSONDecodeError as exc:
            try:
                body = gen.throw(exc)
            except StopIteration as stop:  # pragma: no cover
                return stop.value  # type: ignore[no-any-return]
            continue
        try:
            body = gen.send(completion)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
