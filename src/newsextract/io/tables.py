"""Flat event records -> CSV (one row per event; a header row even when there are none)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO, Any

from newsextract.display import COLUMNS


def write_csv(rows: Sequence[dict[str, Any]], fh: IO[str], *, columns: Sequence[str] = COLUMNS) -> None:
    """Write ``rows`` (from ``display.records``) with ``columns`` as the header and any other column the
    rows hold (a caller's kinds' fields, in the order first seen) before a last ``error`` column; missing
    values are empty."""
    extra = list(dict.fromkeys(c for row in rows for c in row if c not in columns))
    head = list(columns)
    at = len(head) - 1 if head and head[-1] == "error" else len(head)
    writer = csv.DictWriter(fh, fieldnames=[*head[:at], *extra, *head[at:]], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
