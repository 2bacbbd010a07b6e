"""Field roles: what a field of an event kind holds, written as ``Annotated`` markers. Pure.

A role says how the model writes the value (always a string as written in the article), how grounding
checks it against the article, and how it becomes a typed value:

============  ==============  =================================================================
role          Python type     checked / normalised
============  ==============  =================================================================
``Money``     ``Money``       amount and currency stated near the evidence / ``parse_money``
``Quantity``  ``int``         a count stated near the evidence / ``parse_count``
``Percent``   ``float``       a percentage stated near the evidence / ``parse_percent``
``Date``      ``date``        a day the article states / ``resolve_date`` against ``published``
``Name``      ``str``         a company or other name in or linked to the evidence / cleaned
``Person``    ``str``         a person's name (the surname alone counts) / cleaned
``Party``     ``str``         a person or an organisation (a seller, a buyer) / cleaned
``Role``      ``str``         a job title, abbreviations both ways (CEO ~ chief executive) / cleaned
``Ticker``    ``str``         a ticker symbol anywhere in the article / the symbol alone
``Market``    ``str``         an exchange or city named where the event is (NYSE ~ New York) / cleaned
``Period``    ``str``         a time expression ("so far this year"), a date rule or as written / cleaned
``Text``      ``str``         occurs in the article as written / cleaned
``Literal``   the choices     the model picks one; not checked against the text
``bool``      ``bool``        the model's answer; not checked against the text
============  ==============  =================================================================

``Identity`` marks the fields that say which event it is (``Annotated[Name, Identity]``): two events of
a kind with the same identity and no conflicting values are one event. Without any mark, the required
``Name``/``Person`` fields are the identity.

``AskAs("name")`` gives the name the model fills for a field, when it is not the field's own name
(``stake_before`` for ``stake_before_pct``).
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from typing import Annotated, Literal

from newsextract.core.schemas import Money as MoneyValue

RoleName = Literal[
    "money",
    "quantity",
    "percent",
    "date",
    "name",
    "person",
    "party",
    "role",
    "ticker",
    "market",
    "period",
    "text",
    "choice",
    "flag",
]


@dataclass(frozen=True)
class FieldRole:
    """The role of one field (see the module docstring)."""

    name: RoleName


@dataclass(frozen=True)
class IdentityMark:
    """Marks a field as part of the event's identity."""


Identity = IdentityMark()


@dataclass(frozen=True)
class AskAs:
    """The name of the field in the draft the model fills, when it is not the field's own name."""

    name: str


Money = Annotated[MoneyValue, FieldRole("money")]
Quantity = Annotated[int, FieldRole("quantity")]
Percent = Annotated[float, FieldRole("percent")]
Date = Annotated[dt.date, FieldRole("date")]
Name = Annotated[str, FieldRole("name")]
Person = Annotated[str, FieldRole("person")]
Party = Annotated[str, FieldRole("party")]
Ticker = Annotated[str, FieldRole("ticker")]
Market = Annotated[str, FieldRole("market")]
Period = Annotated[str, FieldRole("period")]
Role = Annotated[str, FieldRole("role")]
Text = Annotated[str, FieldRole("text")]

#: Roles whose value the model writes as a string copied from the article.
WRITTEN: frozenset[RoleName] = frozenset(typing.get_args(RoleName)) - {"choice", "flag"}
#: Roles whose value is a number stated near the evidence.
NUMERIC: frozenset[RoleName] = frozenset({"money", "quantity", "percent"})
