"""The base types of every result: money, evidence, the ``Event`` base of every kind, usage and meta.

The event kinds themselves live in ``newsextract.kinds`` (one module per built-in kind), and the
result of one article, ``Extraction``, in ``newsextract.extraction``. Names here are fixed by the public
contract (docs/EVENTS.md); fields may be added, never renamed or removed. Everything dumps to plain JSON
with ``model_dump(mode="json")``. No I/O happens here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SerializeAsAny

GroundingMode = Literal["strict", "flag", "off"]


class Money(BaseModel):
    """An amount of money in units ("$871 million" is 871000000) with an ISO 4217 code."""

    model_config = ConfigDict(frozen=True)

    amount: Decimal
    currency: str = Field(description="ISO 4217 code: USD, HKD, CNY, EUR ...")
    qualifier: str | None = Field(
        default=None, description='"about", "nearly", "more than" ... as written; None when exact'
    )


class Evidence(BaseModel):
    """Where an event is stated: ``text[start:end] == quote`` on the text the caller passed."""

    model_config = ConfigDict(frozen=True)

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Event(BaseModel):
    """Base of every event kind, built-in or the caller's own (``newsextract.kinds``).

    ``type`` is the kind's class name; ``evidence`` where it is stated; ``flags`` what grounding found
    wrong when asked to keep such events. A kind's own fields follow (see ``newsextract.kinds`` for the
    field roles). Unknown keys are ignored, as on the built-ins.
    """

    type: str = ""
    evidence: Evidence
    flags: list[str] = Field(
        default_factory=list,
        description="Grounding problems kept with grounding='flag'; empty when every value is verified.",
    )

    def model_post_init(self, context: Any, /) -> None:
        if not self.type:
            self.type = type(self).__name__


class StoredEvent(Event):
    """An event of a caller's kind read back without its class (from a results file or JSON): its
    fields are kept as attributes, unchecked. Never executes or imports anything the data names."""

    model_config = ConfigDict(extra="allow")


def _stored(value: Any) -> Any:
    """An event of a caller's kind as given (an ``Event``), or read back from JSON as a ``StoredEvent``."""
    return StoredEvent.model_validate(value) if isinstance(value, dict) else value


#: An event of a caller's kind inside an ``Extraction``: dumped with all its fields, read back as given.
OtherEvent = Annotated[SerializeAsAny[Event], BeforeValidator(_stored)]


class Usage(BaseModel):
    """Tokens spent, summed over every request made for one result (re-asks included)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    #: Of ``prompt_tokens``, those the provider served from its prefix cache (billed at a discount on
    #: OpenAI; reported as ``usage.prompt_tokens_details.cached_tokens``). 0 where the endpoint does not say.
    cached_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
        )


class Dropped(BaseModel):
    """What grounding or a filter removed from a proposed event, and why (kept in meta, never lost silently).

    ``field`` None: the whole event was removed. Otherwise only that field was (set to null, or for a
    sale's status replaced by the status the sentence states) and the event was kept.
    """

    type: str
    reasons: list[str]
    draft: dict[str, Any]
    field: str | None = None


class ChunkFailure(BaseModel):
    """A part of the article that could not be extracted, and why."""

    start: int
    end: int
    error: str


class Meta(BaseModel):
    """How a result was made. Never holds an API key."""

    model: str
    endpoint: str = Field(description='base URL of the endpoint, or "embedded" for the in-process model')
    cached: bool = False
    attempts: int = Field(default=0, description="model requests made for this result (0 when cached)")
    prompt_version: str = ""
    usage: Usage = Field(default_factory=Usage)
    strategy: str = ""
    grounding: GroundingMode = "strict"
    dropped: list[Dropped] = Field(default_factory=list)
    chunk_failures: list[ChunkFailure] = Field(default_factory=list)
    elapsed_s: float = 0.0
    warnings: list[str] = Field(default_factory=list)

    @property
    def dropped_count(self) -> int:
        return len(self.dropped)
