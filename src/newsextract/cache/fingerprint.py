"""A fingerprint of the post-processing code, so cached final events are reused only by the same code.

The cache stores the model's drafts (what a request cost) and, beside them, the grounded, normalised
events made from them. A hit reuses those events only when this fingerprint matches: any change to the
schemas, normalisers, grounding, de-duplication or pipeline (a new release or a local edit) makes it
re-run the post-processing on the cached drafts instead, without asking the model again.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]
_PARTS = ("core", "normalize", "grounding", "text", "pipeline", "dedupe.py")


@functools.cache
def pipeline_fingerprint() -> str:
    """SHA-256 (16 hex digits) over the post-processing modules' source. Read once per process."""
    digest = hashlib.sha256()
    for part in _PARTS:
        path = _PACKAGE / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            digest.update(str(f.relative_to(_PACKAGE)).encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]
