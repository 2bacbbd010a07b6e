"""The ``ShareSale`` kind: a holder sells, plans, postpones, cancels or denies selling shares.

The schema part (top) is the public model: each field's role (``kinds.roles``), the identity fields and
the descriptions the model reads. Everything else (the draft, grounding, normalisation) is derived.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.marks import Core, Cues, NotAbove, NotSameAs, SpeaksOf, ZeroOnExit
from newsextract.kinds.roles import AskAs, Date, Identity, Money, Name, Party, Percent, Quantity

# --- schema -------------------------------------------------------------------------------------

SaleStatus = Literal["planned", "completed", "postponed", "cancelled", "denied", "rumored", "unknown"]
#: Words by which a passage speaks of selling shares (any inflection).
SALE_WORDS = (
    r"\b(?:sell\w*|sale\w*|sold|dispos\w*|offload\w*|unload\w*|divest\w*|trim\w*|pare[ds]?|paring|"
    r"cut(?:s|ting)?\s+(?:its|his|her|their)\s+(?:\w+\s+)?(?:stake|holding)|plac(?:ed|ing|ement)|block\s+trade|"
    r"bookbuild\w*|exit\w*|cash(?:ed|es|ing)?\s+out|dump\w*|reduc\w*|lock-?up|listing)\b"
)


class ShareSale(Event):
    """A holder sells, plans, postpones, cancels or denies selling shares/ADSs/a stake."""

    speaks_of: ClassVar[SpeaksOf] = SpeaksOf(
        SALE_WORDS, "the quoted sentence and its neighbours do not speak of selling shares"
    )

    #: what the prompt says the kind is (instead of the docstring's first paragraph)
    described: ClassVar[str] = (
        "a holder sells, plans to sell, postpones, cancels or denies selling shares, ADSs or a "
        "stake.\n  Not a share sale: buybacks, buying a stake, a company issuing new shares."
    )

    type: Literal["ShareSale"] = "ShareSale"
    seller: Annotated[
        Party,
        Identity,
        NotSameAs(
            "company",
            event=True,
            why="is the issuer itself; a company issuing or selling its own shares is not a share sale",
        ),
    ]
    company: Annotated[Name, Identity] = Field(description="The issuer whose shares are sold")
    shares: Annotated[Quantity, Core()] | None = None
    value: Money | None = None
    price_per_share: Money | None = None
    stake_before_pct: Annotated[Percent, AskAs("stake_before")] | None = Field(default=None, ge=0)
    stake_after_pct: (
        Annotated[Percent, AskAs("stake_after"), ZeroOnExit(), NotAbove("stake_before_pct")] | None
    ) = Field(default=None, ge=0)
    status: Annotated[SaleStatus, Cues("sale_status")] = Field(
        default="unknown",
        description="planned: plans or filed to sell; completed: sold; denied: says it will not sell",
    )
    date: Date | None = None
