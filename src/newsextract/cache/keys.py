"""Where the cache key is made. Pure: no I/O.

The key is a SHA-256 over everything that changes the model's answer: a canonical JSON document of the
model, endpoint identity (never the API key), prompt version and template text hash, the JSON schema
the model fills and the generation parameters (hashed once per configuration, ``KeyMaker``), then the
published date and the article text. Change any of them, including one field description in a schema,
and the lookup misses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: Bump when the layout of cached values or of the key changes; old entries then simply miss.
#: 2: the constant part is hashed once, then the published date and the text are appended.
CACHE_FORMAT = 2


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, non-ASCII kept, everything else via ``str``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class KeyMaker:
    """Cache keys for one configuration: the constant part (model, endpoint, prompt, schema, parameters)
    is serialised and hashed once, here; each key then only hashes the published date and the text
    (~2 us per KB of text instead of re-serialising a schema of several KB per lookup).

    A key is ``SHA-256(canonical JSON of the constants, NUL, "published:", date or "", NUL, "text:",
    text as UTF-8)``: the constants' JSON never holds a raw NUL and a date never does either, so no two
    different inputs share the bytes hashed. ``endpoint`` must never contain a key or password.
    """

    def __init__(
        self,
        *,
        model: str,
        endpoint: str,
        prompt_version: str,
        schema: Mapping[str, Any],
        params: Mapping[str, Any],
    ) -> None:
        constant = {
            "format": CACHE_FORMAT,
            "model": model,
            "endpoint": endpoint,
            "prompt": prompt_version,
            "schema": schema,
            "params": params,
        }
        self._prefix = hashlib.sha256(canonical_json(constant).encode("utf-8"))

    def key(self, text: str, published: str | None) -> str:
        """The hex digest naming the answer for ``text`` published on ``published`` (ISO date or None)."""
        digest = self._prefix.copy()
        digest.update(b"\x00published:" + (published or "").encode("ascii", "replace") + b"\x00text:")
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


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
    """A hex digest naming one request's answer (``KeyMaker(...).key(text, published)``, for one-offs)."""
    maker = KeyMaker(
        model=model, endpoint=endpoint, prompt_version=prompt_version, schema=schema, params=params
    )
    return maker.key(text, published)
