"""The ``ShareSale`` kind: a holder sells, plans, postpones, cancels or denies selling shares.

The schema part (top) is the public model: each field's role (``kinds.roles``), the identity fields and
the descriptions the model reads. Everything else (the draft, grounding, normalisation) is derived.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.roles import AskAs, Date, Identity, Money, Name, Party, Percent, Quantity

# --- schema -------------------------------------------------------------------------------------

SaleStatus = Literal["planned", "completed", "postponed", "cancelled", "denied", "rumored", "unknown"]


class ShareSale(Event):
    """A holder sells, plans, postpones, cancels or denies selling shares/ADSs/a stake."""

    type: Literal["ShareSale"] = "ShareSale"
    seller: Annotated[Party, Identity]
    company: Annotated[Name, Identity] = Field(description="The issuer whose shares are sold")
    shares: Quantity | None = None
    value: Money | None = None
    price_per_share: Money | None = None
    stake_before_pct: Annotated[Percent, AskAs("stake_before")] | None = None
    stake_after_pct: Annotated[Percent, AskAs("stake_after")] | None = None
    status: SaleStatus = Field(
        default="unknown",
        description="planned: plans or filed to sell; completed: sold; denied: says it will not sell",
    )
    date: Date | None = None
