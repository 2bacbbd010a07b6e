"""Amounts of money as written in news text ("about $871 million", "HK$37.50", "5 billion yuan").

Numbers, magnitudes, qualifiers and ranges follow :mod:`newsextract.normalize.numbers`; currencies follow
:mod:`newsextract.normalize.currency` (a bare ``$`` is USD unless the context says otherwise; ``¥`` is
resolved from context). "50 cents" is 0.50 of the dollar unit, "30 pence" is 0.30 GBP. A number with no
currency marker is not money. Pure; never raises.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from newsextract.core.schemas import Money
from newsextract.normalize.currency import is_cents, to_iso
from newsextract.normalize.mentions import Mention
from newsextract.normalize.numbers import Quantity, find_quantities


def find_money(text: str, *, context: str = "") -> list[Mention[Money]]:
    """Every amount of money in ``text`` in order, as Mentions of :class:`Money` (amount in units,
    ISO code, qualifier as written or "range" for a range's lower bound). ``context`` (the surrounding
    sentence or paragraph) is searched together with ``text`` to resolve a bare ``$``/``¥``."""
    return money_among(find_quantities(text), context=f"{text}\n{context}" if context else text)


def money_among(quantities: Iterable[Quantity], *, context: str) -> list[Mention[Money]]:
    """The amounts of money among ``quantities`` (read by :func:`find_quantities`), as
    :func:`find_money` returns them; ``context`` resolves a bare ``$``/``¥``. For a caller that already
    holds a text's quantities: the text is not parsed a second time."""
    ctx = context
    out: list[Mention[Money]] = []
    for q in quantities:
        if q.kind != "money" or q.currency is None:
            continue
        code = to_iso(q.currency, context=ctx)
        if code is None:
            continue
        amount = q.value / Decimal(100) if is_cents(q.currency) else q.value
        out.append(
            Mention(
                q.start,
                q.end,
                q.text,
                Money(amount=amount, currency=code, qualifier=q.qualifier),
                q.qualifier,
            )
        )
    return out


def parse_money(text: str, *, context: str = "") -> Money | None:
    """The first amount of money in ``text`` ("about $871 million" -> 871000000 USD qualifier "about";
    "HKD 60.25" -> 60.25 HKD; "€3.2m" -> 3200000 EUR); None when ``text`` holds no number with a
    currency. ``context`` helps resolve ``$``/``¥`` only."""
    found = find_money(text, context=context)
    return found[0].value if found else None
