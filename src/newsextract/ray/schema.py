"""The Arrow schema of result rows (see ``rows``), derived from the public pydantic models.

The typed event columns follow ``core.schemas`` field by field, so a field added there appears here
without an edit: ``str`` and ``Literal`` -> string, ``int`` -> int64, ``float`` -> float64, ``bool`` ->
bool, ``date`` -> date32, ``Decimal`` -> decimal128(38, 9), a model -> struct, a list -> list.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel

from newsextract.core.schemas import Usage
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove
from newsextract.ray.rows import AMOUNT_SCALE, COLUMNS

_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    dt.date: pa.date32(),
    Decimal: pa.decimal128(38, AMOUNT_SCALE),
}


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type for a (resolved) pydantic field annotation; ``None`` in a union means nullable."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:  # a kind's role marker (``Annotated[float, FieldRole(...)]``)
        return arrow_type(typing.get_args(annotation)[0])
    if origin is Literal:
        return pa.string()
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            raise TypeError(f"no Arrow type for the union {annotation!r}")
        return arrow_type(members[0])
    if origin is list:
        (item,) = typing.get_args(annotation)
        return pa.list_(arrow_type(item))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_struct(annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"no Arrow type for {annotation!r}")


def model_struct(model: type[BaseModel]) -> pa.StructType:
    """A struct with one field per model field, in declaration order."""
    return pa.struct([pa.field(name, arrow_type(f.annotation)) for name, f in model.model_fields.items()])


def _result_schema() -> pa.Schema:
    types_by_column: dict[str, pa.DataType] = {
        "id": pa.string(),
        "ok": pa.bool_(),
        "events_json": pa.string(),
        "share_sales": pa.list_(model_struct(ShareSale)),
        "executive_changes": pa.list_(model_struct(ExecutiveChange)),
        "stock_moves": pa.list_(model_struct(StockMove)),
        "error_type": pa.string(),
        "error_message": pa.string(),
        "cached": pa.bool_(),
        "attempts": pa.int64(),
        "usage": model_struct(Usage),
        "model": pa.string(),
        "meta_json": pa.string(),
    }
    return pa.schema([pa.field(c, types_by_column[c], nullable=c not in ("id", "ok")) for c in COLUMNS])


#: The schema of every block ``extract_dataset`` returns (so Parquet files from all blocks agree).
RESULT_SCHEMA: pa.Schema = _result_schema()


def to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows from ``rows.result_row`` as a table of ``RESULT_SCHEMA``."""
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
