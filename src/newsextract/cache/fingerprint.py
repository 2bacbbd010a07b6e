"""Fingerprints of the code that shapes cached values, so a code change never serves stale results.

- ``pipeline_fingerprint``: the post-processing code. The cache stores the model's drafts (what a request
  cost) and, beside them, the grounded, normalised events made from them. A hit reuses those events only
  when this fingerprint matches; after any change to the schemas, normalisers, grounding,
  de-duplication or pipeline (a new release or a local edit) it re-runs the post-processing on the cached
  drafts instead, without asking the model again.
- ``rules_fingerprint``: the code that writes drafts itself in the ``sentence_choices`` strategy
  (candidate rules, name classes, normalisers, the kinds' rules and their readers). It is part of
  that strategy's cache key: its drafts are mostly rule output, so new rules must miss. (A
  whole-article draft is the model's answer alone; new post-processing re-checks it, so library
  upgrades do not re-ask a paid endpoint.)
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]
_PIPELINE = ("core", "kinds", "lexicon", "normalize", "grounding", "text", "pipeline", "dedupe")
_RULES = (
    "core",
    "lexicon",
    "normalize",
    "text",
    "kinds",
    "strategies/sentence_choices.py",
    "strategies/sentence_options.py",
    "strategies/sentence_questions.py",
    "strategies/sentence_readers.py",
    "strategies/read_changes.py",
    "strategies/read_dates.py",
    "strategies/read_generic.py",
    "strategies/read_moves.py",
    "strategies/read_sales.py",
)


def pipeline_fingerprint() -> str:
    """SHA-256 (16 hex digits) over the post-processing modules' source. Read once per process."""
    return source_fingerprint(_PIPELINE)


def rules_fingerprint() -> str:
    """SHA-256 (16 hex digits) over the sentence_choices strategy's rule code. Read once per process."""
    return source_fingerprint(_RULES)


@functools.cache
def source_fingerprint(parts: tuple[str, ...]) -> str:
    """SHA-256 (16 hex digits) over the source of ``parts`` (folders or files below the package)."""
    digest = hashlib.sha256()
    for part in parts:
        path = _PACKAGE / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            digest.update(str(f.relative_to(_PACKAGE)).encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]
