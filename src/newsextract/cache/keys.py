"""Where the cache key is made. Pure: no I/O.

The key is a SHA-256 over a canonical JSON document of everything that changes the model's answer:
model, endpoint identity (never the API key), prompt version and template text hash, the JSON schema
the model fills, generation parameters, the article text and its published date. Change any of them,
including one field description in a schema, and the lookup misses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: Bump when the layout of cached values changes; old entries then simply miss.
CACHE_FORMAT = 1


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, non-ASCII kept, everything else via ``str``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def cache_key(
    *,
    model: str,
    endpoint: str,
    prompt_version: str,
    schema: Mapping[str, Any],
    params: Mapping[str, Any],
    text: str,
    published: str | None,
) -> str:
    """A hex digest naming one request's answer. ``endpoint`` must never contain a key or password."""
    doc = {
        "format": CACHE_FORMAT,
        "model": model,
        "endpoint": endpoint,
        "prompt": prompt_version,
        "schema": schema,
        "params": params,
        "text": text,
        "published": published,
    }
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()
