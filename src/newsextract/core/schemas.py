"""Public result models: the contract described in docs/EVENTS.md.

Names here are fixed by the public contract; fields may be added, never renamed or removed.
Everything dumps to plain JSON with ``model_dump(mode="json")``. No I/O happens here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, SerializeAsAny

SaleStatus = Literal["planned", "completed", "postponed", "cancelled", "denied", "rumored", "unknown"]
ChangeKind = Literal["appointed", "departed"]
Direction = Literal["up", "down", "flat"]
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


class _Event(Event):
    """The built-ins."""


class ShareSale(_Event):
    """A holder sells, plans, postpones, cancels or denies selling shares/ADSs/a stake."""

    type: Literal["ShareSale"] = "ShareSale"
    seller: str
    company: str
    shares: int | None = None
    value: Money | None = None
    price_per_share: Money | None = None
    stake_before_pct: float | None = None
    stake_after_pct: float | None = None
    status: SaleStatus = "unknown"
    date: dt.date | None = None


class ExecutiveChange(_Event):
    """A named person takes or leaves an executive or board role."""

    type: Literal["ExecutiveChange"] = "ExecutiveChange"
    company: str
    person: str
    role: str
    change: ChangeKind
    predecessor: str | None = None
    interim: bool = False
    effective_date: dt.date | None = None


class StockMove(_Event):
    """The share price of a named company moves or reaches a level."""

    type: Literal["StockMove"] = "StockMove"
    company: str
    ticker: str | None = None
    market: str | None = None
    direction: Direction
    change_pct: float | None = Field(default=None, ge=0)
    price: Money | None = None
    period: str | None = None
    date: dt.date | None = None


BuiltinEvent = Annotated[ShareSale | ExecutiveChange | StockMove, Field(discriminator="type")]
EVENT_TYPES: dict[str, type[ShareSale] | type[ExecutiveChange] | type[StockMove]] = {
    "ShareSale": ShareSale,
    "ExecutiveChange": ExecutiveChange,
    "StockMove": StockMove,
}


E = TypeVar("E", bound=Event)


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


class Extraction(BaseModel):
    """Typed events found in one article, plus how they were found."""

    id: str | None = None
    share_sales: list[ShareSale] = Field(default_factory=list)
    executive_changes: list[ExecutiveChange] = Field(default_factory=list)
    stock_moves: list[StockMove] = Field(default_factory=list)
    #: Events of the caller's own kinds (``extract(..., kinds=[...])``), in text order.
    other_events: list[OtherEvent] = Field(default_factory=list)
    meta: Meta

    _text: str | None = PrivateAttr(default=None)

    @property
    def events(self) -> list[Event]:
        """Every event of every kind, in order of their evidence in the text."""
        allev: list[Event] = [
            *self.share_sales,
            *self.executive_changes,
            *self.stock_moves,
            *self.other_events,
        ]
        return sorted(allev, key=lambda e: (e.evidence.start, e.evidence.end))

    def of(self, kind: type[E]) -> list[E]:
        """The events of one kind (a built-in or the caller's own), in text order."""
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def text(self) -> str | None:
        """The article text this result was extracted from, when known (not serialised)."""
        return self._text

    def with_text(self, text: str) -> Extraction:
        self._text = text
        return self

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per event (see ``newsextract.display.records``)."""
        from newsextract.display import records

        return records([self])

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per event (needs pandas: ``pip install 'newsextract[pandas]'``)."""
        from newsextract.display import to_pandas

        return to_pandas([self])

    def _repr_html_(self) -> str:
        """Jupyter: the article with evidence highlighted and a table of events (all text escaped)."""
        from newsextract.display import extraction_html

        return extraction_html(self)

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write what the notebook shows as a standalone HTML page (to share or open in a browser)."""
        from newsextract.display import extraction_html, save_html

        return save_html(extraction_html(self), path, title=self.id or "newsextract")

    @classmethod
    def from_events(
        cls,
        events: Sequence[Event],
        meta: Meta,
        id: str | None = None,
    ) -> Extraction:
        return cls(
            id=id,
            share_sales=[e for e in events if isinstance(e, ShareSale)],
            executive_changes=[e for e in events if isinstance(e, ExecutiveChange)],
            stock_moves=[e for e in events if isinstance(e, StockMove)],
            other_events=[e for e in events if not isinstance(e, ShareSale | ExecutiveChange | StockMove)],
            meta=meta,
        )
