"""Splitting request lines into input files within the Batch API's limits. Pure.

A file may hold at most 50,000 requests and 200 MB; more is split into several batches, each line
whole and in order. A single line over the byte limit can never be sent and is reported apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_REQUESTS = 50_000
#: 200 MB, counted in the smaller unit (10**6 bytes) so either reading of "MB" is respected.
MAX_BYTES = 200_000_000


@dataclass
class Split:
    """Groups of line indices, one group per input file; and lines too large for any file."""

    groups: list[list[int]] = field(default_factory=list)
    oversized: list[int] = field(default_factory=list)


def split_lines(
    sizes: Sequence[int], *, max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES
) -> Split:
    """Group consecutive lines (given by their encoded sizes) into files of at most ``max_requests``
    lines and ``max_bytes`` bytes. Linear in the number of lines."""
    if max_requests < 1 or max_bytes < 1:
        raise ValueError("max_requests and max_bytes must be positive")
    out = Split()
    current: list[int] = []
    used = 0
    for index, size in enumerate(sizes):
        if size > max_bytes:
            out.oversized.append(index)
            continue
        if current and (len(current) >= max_requests or used + size > max_bytes):
            out.groups.append(current)
            current, used = [], 0
        current.append(index)
        used += size
    if current:
        out.groups.append(current)
    return out
