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
written in the article), checked against the article and made typed.
"""

from __future__ import annotations

from newsextract.core.schemas import Event, ExecutiveChange, ShareSale, StockMove
from newsextract.kinds.kindset import BUILTIN_KINDS
from newsextract.kinds.roles import Date, Identity, Money, Name, Percent, Person, Quantity, Role, Text

__all__ = [
    "BUILTIN_KINDS",
    "Date",
    "Event",
    "ExecutiveChange",
    "Identity",
    "Money",
    "Name",
    "Percent",
    "Person",
    "Quantity",
    "Role",
    "ShareSale",
    "StockMove",
    "Text",
]
