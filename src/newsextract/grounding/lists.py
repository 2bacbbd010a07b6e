"""Put each event of a model's reply in the list its fields say it belongs to. Pure.

Capable models sometimes put a right event in the wrong list (a stock move under ``share_sales``).
Such an item does not validate against that list's schema, and a re-ask for it is a wasted request:
its fields name its kind. :func:`reroute` moves every item whose keys fit exactly one kind to that
kind's list before validation; an item that fits none or several stays where it is. A kind's marks are
the draft fields no other kind of the set has (derived from the kinds, nothing written per kind).
"""

from __future__ import annotations

import functools
from typing import Any

from newsextract.core.schemas import Event
from newsextract.kinds.builtin import BUILTIN_KINDS
from newsextract.kinds.spec import kind_spec

#: The built-in kinds' lists, by kind name.
LISTS: dict[str, str] = {k.__name__: kind_spec(k).list_key for k in BUILTIN_KINDS}


@functools.cache
def marks(kinds: tuple[type[Event], ...] = BUILTIN_KINDS) -> dict[str, frozenset[str]]:
    """List name -> the draft keys only that kind has among ``kinds``."""
    keys = {kind_spec(k).list_key: {f.draft_name for f in kind_spec(k).fields} for k in kinds}
    return {
        name: frozenset(own - set().union(*(other for n, other in keys.items() if n != name)))
        for name, own in keys.items()
    }


def _kind_of(item: dict[str, Any], by_list: dict[str, frozenset[str]]) -> str | None:
    given = {k for k, v in item.items() if v is not None}
    fits = [name for name, own in by_list.items() if given & own]
    return fits[0] if len(fits) == 1 else None


def reroute(data: Any, kinds: tuple[type[Event], ...] = BUILTIN_KINDS) -> Any:
    """``data`` (a reply's JSON object) with items moved to the list of their kind among ``kinds``;
    anything that is not such an object is returned unchanged. The input is not modified."""
    by_list = marks(kinds)
    if not isinstance(data, dict) or not any(isinstance(data.get(k), list) for k in by_list):
        return data
    out: dict[str, Any] = dict(data)
    lists: dict[str, list[Any]] = {k: [] for k in by_list}
    for name in by_list:
        items = data.get(name)
        if not isinstance(items, list):
            continue
        for item in items:
            target = _kind_of(item, by_list) if isinstance(item, dict) else None
            lists[target or name].append(item)
    for name, items in lists.items():
        if items or name in data:
            out[name] = items
    return out
