"""What every backend offers: one structured request with validation re-asks, and its identity.

A backend turns ``messages`` + a Pydantic ``response_model`` into a validated instance, re-asking the
model (through instructor) with the validation errors when the output does not validate, at most
``max_retries`` times. It raises only newsextract errors (``TransportError``,
``ValidationExhaustedError``, ``OutputTruncatedError``), never a client library's own exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from newsextract.core.schemas import Usage

T = TypeVar("T", bound=BaseModel)

Messages = list[dict[str, Any]]


@dataclass
class ModelReply(Generic[T]):
    """A validated answer and what it cost."""

    parsed: T
    usage: Usage = field(default_factory=Usage)
    requests: int = 1
    reasks: int = 0
    raw: str | None = None


class Backend(Protocol):
    """The seam between orchestration and a model. Implementations live next to this module."""

    kind: str
    model: str

    @property
    def identity(self) -> str:
        """What identifies the model's answers for the cache: endpoint URL or model file, never a key."""
        ...

    def structured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        """Ask once, re-ask on validation errors; return the validated reply."""
        ...

    async def astructured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        """The same, awaitable. Remote backends run requests concurrently; the embedded one serialises."""
        ...

    def close(self) -> None:
        """Release connections or the loaded model."""
        ...


def usage_from(obj: Any) -> Usage:
    """Token usage from an OpenAI-style ``usage`` object or dict (``cached_tokens`` from
    ``prompt_tokens_details``); zeros when absent."""
    if obj is None:
        return Usage()
    get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))
    prompt = int(get("prompt_tokens", 0) or 0)
    completion = int(get("completion_tokens", 0) or 0)
    total = int(get("total_tokens", 0) or 0) or prompt + completion
    details = get("prompt_tokens_details", None)
    found = (
        details.get("cached_tokens") if isinstance(details, dict) else getattr(details, "cached_tokens", 0)
    )
    cached = int(found or 0)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=total, cached_tokens=cached)
