"""Flat event records -> CSV (one row per event; a header row even when there are none)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO, Any

from newsextract.display import COLUMNS


def write_csv(rows: Sequence[dict[str, Any]], fh: IO[str], *, columns: Sequence[str] = COLUMNS) -> None:
    """Write ``rows`` (from ``display.records``) with ``columns`` as the header; missing values are empty."""
    writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
