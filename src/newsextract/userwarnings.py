"""Warnings attributed to the caller's line, not to a line inside newsextract."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def caller_stacklevel() -> int:
    """The ``stacklevel`` that names the first frame outside the newsextract package (counted from the
    function that calls ``warnings.warn``, i.e. the caller of this function's caller)."""
    frame = sys._getframe(2)
    level = 2
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def warn_caller(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` pointing at the first line outside newsextract (the user's ``extract(...)``
    call; in a batch run on worker threads, the thread machinery's frame)."""
    warnings.warn(message, category, stacklevel=caller_stacklevel())
