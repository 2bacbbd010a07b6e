"""The ``StockMove`` kind: the share price of a named company moves or reaches a level.

The schema part (top) is the public model: each field's role (``kinds.roles``), the identity fields and
the descriptions the model reads. Everything else (the draft, grounding, normalisation) is derived.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.marks import Core, Cues, Fallback
from newsextract.kinds.roles import Date, Identity, Market, Money, Name, Percent, Period, Ticker

# --- schema -------------------------------------------------------------------------------------

Direction = Literal["up", "down", "flat"]


class StockMove(Event):
    """The share price of a named company moves or reaches a level."""

    #: what the prompt says the kind is (instead of the docstring's first paragraph)
    described: ClassVar[str] = (
        "the share price of a named company moves or reaches a level. The same stock in two\n"
        "  markets or over two periods is two events. Index, commodity and currency moves are not "
        "stock moves."
    )

    type: Literal["StockMove"] = "StockMove"
    company: Annotated[Name, Identity]
    ticker: Ticker | None = None
    market: Annotated[Market, Identity, Fallback("ticker")] | None = Field(
        default=None, description="Exchange or city"
    )
    #: the quote's movement words win over the model's reading when they all agree
    direction: Annotated[Direction, Identity, Cues("direction")]
    change_pct: Annotated[Percent, Core()] | None = Field(default=None, ge=0)
    price: Money | None = Field(default=None, description="The level after the move")
    period: Period | None = Field(default=None, description='e.g. "on Thursday", "so far this year"')
    date: Annotated[Date, Fallback("period")] | None = None
