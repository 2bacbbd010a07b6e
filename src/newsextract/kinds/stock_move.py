"""The ``StockMove`` kind: the share price of a named company moves or reaches a level.

The schema part (top) is the public model: each field's role (``kinds.roles``), the identity fields and
the descriptions the model reads. Everything else (the draft, grounding, normalisation) is derived.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.roles import Date, Identity, Market, Money, Name, Percent, Period, Ticker

# --- schema -------------------------------------------------------------------------------------

Direction = Literal["up", "down", "flat"]


class StockMove(Event):
    """The share price of a named company moves or reaches a level."""

    type: Literal["StockMove"] = "StockMove"
    company: Annotated[Name, Identity]
    ticker: Ticker | None = None
    market: Annotated[Market, Identity] | None = Field(default=None, description="Exchange or city")
    direction: Annotated[Direction, Identity]
    change_pct: Percent | None = Field(default=None, ge=0)
    price: Money | None = Field(default=None, description="The level after the move")
    period: Period | None = Field(default=None, description='e.g. "on Thursday", "so far this year"')
    date: Date | None = None
