"""One output row per input article: the fixed result schema of ``extract_dataset`` (pure, no I/O).

Columns, in order (``COLUMNS``):

``id``                 the input's id (string)
``ok``                 True when the article was extracted (with zero or more events)
``events_json``        every event as JSON (``Extraction.events`` order, ``model_dump(mode="json")``):
                       the exact values, whatever Arrow can hold; null for an error row
``share_sales``,
``executive_changes``,
``stock_moves``        the same events as typed Arrow columns (lists of structs: dates as date32, money
                       amounts as decimal128(38, 9), percentages as float64); null for an error row
``error_type``         the error's class name (``InputError``, ``TransportError``, ...), null when ok
``error_message``      its message (never holds an API key), null when ok
``cached``             the answer came from the cache (no request made)
``attempts``           model requests made for this row (0 when cached)
``usage``              tokens spent: struct of prompt_tokens, completion_tokens, total_tokens
``model``              the model that answered (or would have)
``meta_json``          the rest of ``Extraction.meta`` as JSON (dropped events, warnings, prompt version,
                       chunk failures); the error's details for an error row
"""

from __future__ import annotations

import json
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from newsextract.core.schemas import Usage
from newsextract.errors import ExtractionError, NewsextractError
from newsextract.extraction import Extraction

COLUMNS = (
    "id",
    "ok",
    "events_json",
    "share_sales",
    "executive_changes",
    "stock_moves",
    "error_type",
    "error_message",
    "cached",
    "attempts",
    "usage",
    "model",
    "meta_json",
)
EVENT_COLUMNS = ("share_sales", "executive_changes", "stock_moves")
#: Decimal places of money amounts in the typed columns (events_json keeps every digit).
AMOUNT_SCALE = 9
_QUANTUM = Decimal(1).scaleb(-AMOUNT_SCALE)
_DECIMAL128 = Context(prec=38)


def result_row(id: str, outcome: Extraction | NewsextractError, *, model: str) -> dict[str, Any]:
    """The row for one article's outcome (Python values that ``schema.RESULT_SCHEMA`` accepts)."""
    if isinstance(outcome, Extraction):
        meta = outcome.meta
        typed = {
            col: [_typed_event(e.model_dump(mode="python")) for e in getattr(outcome, col)]
            for col in EVENT_COLUMNS
        }
        return {
            "id": id,
            "ok": True,
            "events_json": json.dumps(
                [e.model_dump(mode="json") for e in outcome.events], ensure_ascii=False, separators=(",", ":")
            ),
            **typed,
            "error_type": None,
            "error_message": None,
            "cached": meta.cached,
            "attempts": meta.attempts,
            "usage": meta.usage.model_dump(),
            "model": meta.model,
            "meta_json": meta.model_dump_json(exclude={"usage", "cached", "attempts", "model"}),
        }
    usage = outcome.usage if isinstance(outcome, ExtractionError) else Usage()
    details = outcome.to_dict() if isinstance(outcome, ExtractionError) else {}
    details = {k: v for k, v in details.items() if k not in ("error", "message", "usage", "attempts")}
    return {
        "id": id,
        "ok": False,
        "events_json": None,
        **dict.fromkeys(EVENT_COLUMNS),
        "error_type": type(outcome).__name__,
        "error_message": str(outcome),
        "cached": False,
        "attempts": outcome.attempts if isinstance(outcome, ExtractionError) else 0,
        "usage": usage.model_dump(),
        "model": model,
        "meta_json": json.dumps(details, ensure_ascii=False, default=str),
    }


def _typed_event(value: Any) -> Any:
    """An event's Python dump with money amounts rounded to ``AMOUNT_SCALE`` places (Arrow's decimal
    type has a fixed scale; nine places is finer than any currency's unit). An amount too large for
    38 digits is null there (``events_json`` still holds it)."""
    if isinstance(value, dict):
        return {k: _typed_event(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed_event(v) for v in value]
    if isinstance(value, Decimal):
        try:
            return value.quantize(_QUANTUM, context=_DECIMAL128)
        except InvalidOperation:
            return None
    return value


def jsonl_line(row: dict[str, Any]) -> dict[str, Any]:
    """A result row (as read back from Arrow) as the JSONL result line of ``newsextract.io.results``:
    ``{"id", "ok": true, "result": <Extraction as JSON>}`` or ``{"id", "ok": false, "error": {...}}``,
    so ``load_results``, ``outcome_from_line`` and ``newsextract eval`` read it like a batch's file."""
    rid = str(row["id"])
    usage = row.get("usage") or {}
    if not row.get("ok"):
        error = {"error": row.get("error_type"), "message": row.get("error_message"), "usage": usage}
        error["attempts"] = row.get("attempts") or 0
        details = json.loads(row["meta_json"]) if row.get("meta_json") else {}
        if isinstance(details, dict):
            error.update({k: v for k, v in details.items() if k not in error})
        return {"id": rid, "ok": False, "error": error}
    by_kind: dict[str, list[Any]] = {col: [] for col in EVENT_COLUMNS}
    kinds = {"ShareSale": "share_sales", "ExecutiveChange": "executive_changes", "StockMove": "stock_moves"}
    for event in json.loads(row.get("events_json") or "[]"):
        by_kind[kinds[event["type"]]].append(event)
    meta = json.loads(row.get("meta_json") or "{}")
    meta.update(model=row.get("model"), cached=bool(row.get("cached")), attempts=row.get("attempts") or 0)
    meta["usage"] = usage
    return {"id": rid, "ok": True, "result": {"id": rid, **by_kind, "meta": meta}}
