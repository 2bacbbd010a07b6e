"""Model-facing schemas: what a model is asked to fill in.

A draft holds every value *as written in the article* (``"about $871 million"``, ``"3.84 percent"``,
``"last Thursday"``). Deterministic normalisers turn those strings into typed values afterwards, and
grounding checks that each string is really in the text. Asking for spans rather than computed
numbers keeps the model's job to reading, which small models do far better than arithmetic, and
makes every value traceable.

What the model reads: the system prompt (``prompts/whole_article.vN.txt``) says what each event kind is
and how to copy values; the schema adds only what a field's name does not say, once per concept
(``core/strict_schema.py`` drops docstrings, titles and defaults and shares repeated fields). The
docstrings below are for developers and never reach a prompt.

These schemas are part of the cache key: changing a field or a description here misses the cache.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from newsextract.core.strict_schema import strict_schema
from newsextract.kinds.executive_change import ChangeKind
from newsextract.kinds.share_sale import SaleStatus
from newsextract.kinds.stock_move import Direction


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    quote: str  # the prompt says what it is: every endpoint shows the prompt, not every one the schema


class ShareSaleDraft(_Draft):
    """One ``share_sales`` entry (the prompt defines the kind)."""

    seller: str
    company: str = Field(description="The issuer whose shares are sold")
    shares: str | None = None
    value: str | None = None
    price_per_share: str | None = None
    stake_before: str | None = None
    stake_after: str | None = None
    status: SaleStatus = Field(
        default="unknown",
        description="planned: plans or filed to sell; completed: sold; denied: says it will not sell",
    )
    date: str | None = None


class ExecutiveChangeDraft(_Draft):
    """One ``executive_changes`` entry (the prompt defines the kind)."""

    company: str
    person: str
    role: str
    change: ChangeKind
    predecessor: str | None = None
    interim: bool = Field(default=False, description="An acting or interim role")
    effective_date: str | None = None


class StockMoveDraft(_Draft):
    """One ``stock_moves`` entry (the prompt defines the kind)."""

    company: str
    ticker: str | None = None
    market: str | None = Field(default=None, description="Exchange or city")
    direction: Direction
    change_pct: str | None = None
    price: str | None = Field(default=None, description="The level after the move")
    period: str | None = Field(default=None, description='e.g. "on Thursday", "so far this year"')
    date: str | None = None


AnyDraft = ShareSaleDraft | ExecutiveChangeDraft | StockMoveDraft
DraftKind = Literal["ShareSale", "ExecutiveChange", "StockMove"]
DRAFT_TYPES: dict[str, type[AnyDraft]] = {
    "ShareSale": ShareSaleDraft,
    "ExecutiveChange": ExecutiveChangeDraft,
    "StockMove": StockMoveDraft,
}


_SCHEMAS: dict[tuple[object, ...], dict[str, Any]] = {}


class ArticleDraft(BaseModel):
    """Every share sale, executive change and stock move stated in the article. Empty lists when none."""

    model_config = ConfigDict(extra="ignore")

    #: The function or response-format name the model sees.
    schema_name: ClassVar[str] = "record_events"
    #: The sentence the model reads as the tool's or the response format's description.
    schema_description: ClassVar[str] = (
        "Record every share sale, executive change and stock move the article states, "
        "each with the sentence that states it; empty lists when there are none."
    )

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema the model fills (``strict_schema``, with its name as ``title`` and its description),
        made once per class and returned as a fresh copy. With arguments: Pydantic's own schema.

        Tool libraries (instructor) ask for it on every request, including for the JSON modes that
        paste it into the prompt, so the model never reads Pydantic's titles, defaults or docstrings.
        Generating it costs milliseconds of CPU, copying it ~0.1 ms.
        """
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        # instructor may wrap the response model in a fresh same-named subclass on every request, so the
        # key is the class's name and fields, not the class object (which would grow without bound)
        key = (cls.__module__, cls.__qualname__, tuple(cls.model_fields))
        schema = _SCHEMAS.get(key)
        if schema is None:
            schema = _SCHEMAS[key] = strict_schema(cls).with_header()
        return copy.deepcopy(schema)

    share_sales: list[ShareSaleDraft] = Field(default_factory=list)
    executive_changes: list[ExecutiveChangeDraft] = Field(default_factory=list)
    stock_moves: list[StockMoveDraft] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _not_another_schema(cls, data: Any) -> Any:
        """JSON for some other schema (none of our three keys, other keys present) is an error to
        re-ask, not "no events": unknown keys are otherwise ignored and every list defaults to empty."""
        if isinstance(data, dict) and data:
            ours = {"share_sales", "executive_changes", "stock_moves"}
            if not ours & data.keys():
                got = sorted(data)[:5]
                raise ValueError(f"expected keys share_sales, executive_changes, stock_moves; got {got}")
        return data

    def items(self) -> list[tuple[DraftKind, AnyDraft]]:
        out: list[tuple[DraftKind, AnyDraft]] = []
        out += [("ShareSale", d) for d in self.share_sales]
        out += [("ExecutiveChange", d) for d in self.executive_changes]
        out += [("StockMove", d) for d in self.stock_moves]
        return out
