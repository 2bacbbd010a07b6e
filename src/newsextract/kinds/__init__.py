"""Event kinds: the built-ins and your own, defined as Pydantic models.

    from typing import Annotated, Literal
    from newsextract.kinds import Event, Identity, Money, Name, Date

    class Dividend(Event):
        \"\"\"A company declares or pays a dividend to its shareholders.\"\"\"

        company: Annotated[Name, Identity]
        per_share: Money | None = None
        payable: Date | None = None

    extract(text, kinds=[ShareSale, Dividend], base_url=...)

The first paragraph of the docstring tells the model what the kind is; field descriptions say what a
field's name does not. The roles (``newsextract.kinds.roles``) decide how each value is asked for (as
written in the article), checked against the article and made typed; the marks (``newsextract.kinds.marks``:
``Core``, ``NotSameAs``, ``NotAbove``, ``Cues``, ``Fallback``, ``SpeaksOf`` ...) declare what a kind
needs beyond that. The three built-ins are kinds like any other: ``kinds/share_sale.py``,
``kinds/executive_change.py`` and ``kinds/stock_move.py`` are written with the same roles and marks.
"""

from __future__ import annotations

from newsextract.core.schemas import Event
from newsextract.kinds.builtin import BUILTIN_KINDS
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.marks import Core, Cues, Fallback, NotAbove, NotSameAs, SpeaksOf, ZeroOnExit
from newsextract.kinds.roles import (
    AskAs,
    Date,
    Identity,
    Market,
    Money,
    Name,
    Party,
    Percent,
    Period,
    Person,
    Quantity,
    Role,
    Text,
    Ticker,
)
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove

__all__ = [
    "BUILTIN_KINDS",
    "AskAs",
    "Core",
    "Cues",
    "Date",
    "Event",
    "ExecutiveChange",
    "Fallback",
    "Identity",
    "Market",
    "Money",
    "Name",
    "NotAbove",
    "NotSameAs",
    "Party",
    "Percent",
    "Period",
    "Person",
    "Quantity",
    "Role",
    "ShareSale",
    "SpeaksOf",
    "StockMove",
    "Text",
    "Ticker",
    "ZeroOnExit",
]
