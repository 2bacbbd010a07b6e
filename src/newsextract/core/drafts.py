"""Model-facing schemas: what a model is asked to fill in.

A draft holds every value *as written in the article* (``"about $871 million"``, ``"3.84 percent"``,
``"last Thursday"``). Deterministic normalisers turn those strings into typed values afterwards, and
grounding checks that each string is really in the text. Asking for spans rather than computed
numbers keeps the model's job to reading, which small models do far better than arithmetic, and
makes every value traceable.

These JSON schemas are part of the cache key: changing a field or a description here misses the cache.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from newsextract.core.schemas import ChangeKind, Direction, SaleStatus

_QUOTE = "The sentence of the article that states this event, copied exactly, character for character."


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    quote: str = Field(description=_QUOTE)


class ShareSaleDraft(_Draft):
    """A holder sells, plans, postpones, cancels or denies selling shares, ADSs or a stake.
    Not a share sale: buybacks, buying a stake, a company issuing new shares."""

    seller: str = Field(description="Who sells: person, company or fund, as named in the text")
    company: str = Field(description="Whose shares are sold (the issuer), as named in the text")
    shares: str | None = Field(
        default=None, description='Number of shares/ADSs as written, e.g. "10 million"'
    )
    value: str | None = Field(default=None, description='Total value as written, e.g. "about $871 million"')
    price_per_share: str | None = Field(
        default=None, description='Price per share as written, e.g. "HK$37.50"'
    )
    stake_before: str | None = Field(
        default=None, description='Stake before the sale as written, e.g. "10.2 percent"'
    )
    stake_after: str | None = Field(
        default=None, description='Stake after the sale as written, e.g. "7.5 percent"'
    )
    status: SaleStatus = Field(
        default="unknown",
        description="planned (plans/filed to sell), completed (sold), postponed, cancelled, "
        "denied (says it will not sell), rumored, unknown",
    )
    date: str | None = Field(default=None, description='When, as written, e.g. "this Tuesday"')


class ExecutiveChangeDraft(_Draft):
    """A named person takes (appointed) or leaves (departed) an executive or board role.
    "X replaces Y as CTO" is one event: X appointed, predecessor Y."""

    company: str = Field(description="The company, as named in the text")
    person: str = Field(description="The person, as named in the text")
    role: str = Field(description='The role as written, e.g. "chief technology officer"')
    change: ChangeKind = Field(description="appointed or departed")
    predecessor: str | None = Field(default=None, description="Who held the role before, if named")
    interim: bool = Field(default=False, description="True for an acting or interim role")
    effective_date: str | None = Field(
        default=None, description='When it takes effect, as written, e.g. "on April 1, 2023"'
    )


class StockMoveDraft(_Draft):
    """The share price of a named company moves or reaches a level.
    The same stock in two markets or over two periods is two events. Not: index, commodity, currency moves."""

    company: str = Field(description="The company whose shares moved, as named in the text")
    ticker: str | None = Field(default=None, description='Ticker as written, e.g. "BABA"')
    market: str | None = Field(default=None, description='Exchange or city, e.g. "Hong Kong", "NYSE"')
    direction: Direction = Field(description="up, down or flat")
    change_pct: str | None = Field(
        default=None, description='The change as written, e.g. "9%", "3.84 percent"'
    )
    price: str | None = Field(default=None, description='The level after the move as written, e.g. "$9.51"')
    period: str | None = Field(
        default=None, description='The period as written, e.g. "on Thursday", "so far this year"'
    )
    date: str | None = Field(default=None, description="When, as written")


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

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Pydantic's JSON schema, generated once per class and arguments and returned as a fresh copy.

        instructor asks for the schema on every request; generating it costs ~2.5 ms of CPU, copying it
        ~0.1 ms, which matters when a batch runs many requests in one process.
        """
        # instructor wraps the response model in a fresh same-named subclass on every request, so the
        # key is the class's name and fields, not the class object (which would grow without bound)
        key = (cls.__module__, cls.__qualname__, tuple(cls.model_fields), args, tuple(sorted(kwargs.items())))
        schema = _SCHEMAS.get(key)
        if schema is None:
            schema = _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
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
