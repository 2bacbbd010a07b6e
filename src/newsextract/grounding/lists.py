"""Put each event of a model's reply in the list its fields say it belongs to. Pure.

Capable models sometimes put a right event in the wrong list (a stock move under ``share_sales``).
Such an item does not validate against that list's schema, and a re-ask for it is a wasted request:
its fields name its kind. :func:`reroute` moves every item whose keys fit exactly one kind to that
kind's list before validation; an item that fits none or several stays where it is.
"""

from __future__ import annotations

from typing import Any

LISTS: dict[str, str] = {
    "ShareSale": "share_sales",
    "ExecutiveChange": "executive_changes",
    "StockMove": "stock_moves",
}
#: Keys only one kind of event has.
_MARKS: dict[str, frozenset[str]] = {
    "share_sales": frozenset({"seller", "shares", "stake_before", "stake_after", "price_per_share"}),
    "executive_changes": frozenset({"person", "role", "change", "predecessor", "effective_date", "interim"}),
    "stock_moves": frozenset({"direction", "change_pct", "ticker", "market", "period", "price"}),
}


def _kind_of(item: dict[str, Any]) -> str | None:
    given = {k for k, v in item.items() if v is not None}
    fits = [name for name, marks in _MARKS.items() if given & marks]
    return fits[0] if len(fits) == 1 else None


def reroute(data: Any) -> Any:
    """``data`` (a reply's JSON object) with items moved to the list of their kind; anything that is not
    such an object is returned unchanged. The input is not modified."""
    if not isinstance(data, dict) or not any(isinstance(data.get(k), list) for k in LISTS.values()):
        return data
    out: dict[str, Any] = dict(data)
    lists: dict[str, list[Any]] = {k: [] for k in LISTS.values()}
    for name in LISTS.values():
        items = data.get(name)
        if not isinstance(items, list):
            continue
        for item in items:
            target = _kind_of(item) if isinstance(item, dict) else None
            lists[target or name].append(item)
    for name, items in lists.items():
        if items or name in data:
            out[name] = items
    return out
