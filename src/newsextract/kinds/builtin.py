"""The three built-in kinds, by name. Pure.

Each lives in its own module (``kinds/share_sale.py``, ``kinds/executive_change.py``,
``kinds/stock_move.py``); this module only lists them, for the code that reads all three.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove

BUILTIN_KINDS: tuple[type[Event], ...] = (ShareSale, ExecutiveChange, StockMove)
#: A built-in event, whichever kind.
AnyEvent = ShareSale | ExecutiveChange | StockMove
#: A built-in event read from JSON by its ``type``.
BuiltinEvent = Annotated[AnyEvent, Field(discriminator="type")]
EVENT_TYPES: dict[str, type[ShareSale] | type[ExecutiveChange] | type[StockMove]] = {
    "ShareSale": ShareSale,
    "ExecutiveChange": ExecutiveChange,
    "StockMove": StockMove,
}
