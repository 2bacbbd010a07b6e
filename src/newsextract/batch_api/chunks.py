"""One chunk's reply from a batch's answers: the latest answer validated as online (grounding
included), re-asked online when it does not validate, or the whole request online when the batch
never answered it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsextract.backends.structured import REASKABLE
from newsextract.batch_api.lines import parse_attempt
from newsextract.batch_api.output import ParsedOutput
from newsextract.core.schemas import Usage
from newsextract.errors import ExtractionError, ValidationExhaustedError
from newsextract.strategies.whole_article import Outcome as ChunkOutcome
from newsextract.strategies.whole_article import WholeArticle

if TYPE_CHECKING:
    from newsextract.backends.openai_compat import OpenAICompatBackend


@dataclass
class Answers:
    """What the batches answered, as the collecting of results reads it."""

    parsed: ParsedOutput
    #: each request slot's successful answers as (round, custom_id), oldest round first
    by_slot: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    #: lines of cancelled batches that no batch answered (they are not asked again)
    cancelled: set[str] = field(default_factory=set)
    #: the bodies of follow-up re-ask lines, by custom_id
    followup_bodies: dict[str, dict[str, Any]] = field(default_factory=dict)


def answered_by_slot(answers: ParsedOutput) -> dict[str, list[tuple[int, str]]]:
    """The successful answers of each request slot as (round, custom_id), oldest round first."""
    out: dict[str, list[tuple[int, str]]] = {}
    for cid, answer in answers.answers.items():
        attempt = parse_attempt(cid)
        if answer.ok and attempt is not None:
            out.setdefault(attempt[0], []).append((attempt[1], cid))
    for rounds in out.values():
        rounds.sort()
    return out


@dataclass(frozen=True)
class ChunkRequest:
    """One chunk as the online path would ask it: its slot, messages and options."""

    slot: str
    messages: list[dict[str, Any]]
    opts: dict[str, Any]


def chunk_outcome(
    backend: OpenAICompatBackend, strategy: WholeArticle, chunk: ChunkRequest, answers: Answers
) -> ChunkOutcome:
    """One chunk's reply: its latest batch answer validated as online, else asked online."""
    answered = answers.by_slot.get(chunk.slot, [])
    if not answered and chunk.slot in answers.cancelled:
        return ExtractionError(
            "the batch holding this request was cancelled before it was answered",
            endpoint=backend.settings.endpoint,
        )
    if not answered:  # failed or never answered: the whole request online
        model = strategy.response_model
        return _online(lambda: backend.structured(chunk.messages, model, **chunk.opts), Usage(), 0)
    cid = answered[-1][1]
    body = answers.parsed.answers[cid].body
    assert body is not None
    spent = sum((_usage(answers.parsed.answers[c].body) for _, c in answered), Usage())
    try:
        reply = backend.parse_answer(body, strategy.response_model, context=chunk.opts["context"])
    except REASKABLE as exc:
        return _reask(backend, strategy, chunk, answers, answered, spent, exc)
    except ExtractionError as exc:
        exc.attempts = len(answered)
        exc.usage = spent
        return exc
    reply.usage = spent
    reply.requests = len(answered)
    reply.reasks = len(answered) - 1
    return reply


def _reask(
    backend: OpenAICompatBackend,
    strategy: WholeArticle,
    chunk: ChunkRequest,
    answers: Answers,
    answered: list[tuple[int, str]],
    spent: Usage,
    exc: Exception,
) -> ChunkOutcome:
    """The latest answer did not validate: re-ask online while ``max_retries`` allows (the batch's
    rounds count), else a ``ValidationExhaustedError`` carrying the schema-valid answers for salvage."""
    rnd, cid = answered[-1]
    body = answers.parsed.answers[cid].body or {}
    left = int(chunk.opts["max_retries"]) - rnd
    # the batch's answers of the schema's shape, oldest first: candidates for the best-answer salvage
    shaped = [
        backend.schema_valid_output(answers.parsed.answers[c].body or {}, strategy.response_model)
        for _, c in answered
    ]
    valid = [o for o in shaped if o is not None]
    if left <= 0:
        return ValidationExhaustedError(
            f"the model's output did not validate after {len(answered)} request(s): {_short(str(exc))}",
            attempts=len(answered),
            last_output=_raw(body),
            usage=spent,
            endpoint=backend.settings.endpoint,
            valid_outputs=valid,
        )
    request = answers.followup_bodies.get(cid) if rnd else None
    if request is None:  # the first request: the same body as submitted, made again
        request = backend.request_body(chunk.messages, strategy.response_model, chunk.opts["max_tokens"])
    reask = backend.reask_messages(request, body, exc)
    opts = {**chunk.opts, "max_retries": left - 1}
    return _online(
        lambda: backend.structured(reask, strategy.response_model, **opts), spent, len(answered), valid
    )


def _online(call: Callable[[], Any], spent: Usage, requests: int, valid: Sequence[str] = ()) -> ChunkOutcome:
    """An online request for a chunk, counting what the batch already spent on it (and keeping the
    batch's schema-valid answers, oldest first, for the salvage when the online re-asks fail too)."""
    try:
        reply = call()
    except ExtractionError as exc:
        exc.attempts += requests
        exc.usage = exc.usage + spent
        exc.valid_outputs = [*valid, *exc.valid_outputs]
        return exc
    reply.usage = reply.usage + spent
    reply.requests += requests
    reply.reasks += requests
    return reply  # type: ignore[no-any-return]


def _usage(body: dict[str, Any] | None) -> Usage:
    from newsextract.backends.base import usage_from

    return usage_from((body or {}).get("usage"))


def _raw(body: dict[str, Any]) -> str | None:
    try:
        message = body["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        return None
    calls = message.get("tool_calls") or []
    if calls:
        return str(calls[0]["function"]["arguments"])
    content = message.get("content")
    return str(content) if content is not None else None


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
