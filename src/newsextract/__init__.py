"""newsextract: financial news articles to typed, grounded events.

    from newsextract import extract
    result = extract(text, published="2023-11-23")
    for event in result.events:
        print(event.type, event.evidence.quote)

Public names are imported lazily, so ``import newsextract.normalize`` (pure parsers) does not pull in
the model clients.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

logging.getLogger("newsextract").addHandler(logging.NullHandler())

_EXPORTS = {
    "Extractor": "newsextract.api",
    "aextract": "newsextract.api",
    "aextract_many": "newsextract.api",
    "extract": "newsextract.api",
    "extract_many": "newsextract.api",
    "BatchJob": "newsextract.batch_api.job",
    "iter_many": "newsextract.api",
    "aiter_many": "newsextract.api",
    "Completed": "newsextract.stream",
    "Event": "newsextract.core.schemas",
    "Evidence": "newsextract.core.schemas",
    "ExecutiveChange": "newsextract.kinds.executive_change",
    "Extraction": "newsextract.extraction",
    "Meta": "newsextract.core.schemas",
    "Money": "newsextract.core.schemas",
    "ShareSale": "newsextract.kinds.share_sale",
    "StockMove": "newsextract.kinds.stock_move",
    "Usage": "newsextract.core.schemas",
    "CacheWarning": "newsextract.cache.store",
    "BudgetExceededError": "newsextract.errors",
    "ConfigError": "newsextract.errors",
    "ExtractionError": "newsextract.errors",
    "InputError": "newsextract.errors",
    "NewsextractError": "newsextract.errors",
    "OutputTruncatedError": "newsextract.errors",
    "TransportError": "newsextract.errors",
    "ValidationExhaustedError": "newsextract.errors",
}

__all__ = [
    "BatchJob",
    "BudgetExceededError",
    "CacheWarning",
    "Completed",
    "ConfigError",
    "Event",
    "Evidence",
    "ExecutiveChange",
    "Extraction",
    "ExtractionError",
    "Extractor",
    "InputError",
    "Meta",
    "Money",
    "NewsextractError",
    "OutputTruncatedError",
    "ShareSale",
    "StockMove",
    "TransportError",
    "Usage",
    "ValidationExhaustedError",
    "aextract",
    "aextract_many",
    "aiter_many",
    "extract",
    "extract_many",
    "iter_many",
]

if TYPE_CHECKING:
    from newsextract.api import (
        Extractor,
        aextract,
        aextract_many,
        aiter_many,
        extract,
        extract_many,
        iter_many,
    )
    from newsextract.batch_api.job import BatchJob
    from newsextract.cache.store import CacheWarning
    from newsextract.core.schemas import Event, Evidence, Meta, Money, Usage
    from newsextract.errors import (
        BudgetExceededError,
        ConfigError,
        ExtractionError,
        InputError,
        NewsextractError,
        OutputTruncatedError,
        TransportError,
        ValidationExhaustedError,
    )
    from newsextract.extraction import Extraction
    from newsextract.kinds.executive_change import ExecutiveChange
    from newsextract.kinds.share_sale import ShareSale
    from newsextract.kinds.stock_move import StockMove
    from newsextract.stream import Completed


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsextract' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
