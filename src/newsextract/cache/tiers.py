"""Cache tiers: the local diskcache first, then (with ``cache_url``) the shared tier of ``cache.remote``.

A lookup asks the local tier; on a local miss it asks the shared tier and copies a hit into the local
one, so the next lookup on this node costs no request to object storage. A store writes both tiers.
The caller (``api.Extractor``) validates every value it reads, whichever tier it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsextract.cache.remote import RemoteStore
from newsextract.cache.store import JsonStore


class TieredStore(JsonStore):
    """A ``JsonStore`` (the local first tier) backed by a shared ``RemoteStore``."""

    def __init__(self, directory: Path, remote: RemoteStore) -> None:
        super().__init__(directory)
        self.remote = remote

    @property
    def disabled_reason(self) -> str | None:
        """Why a tier turned itself off (both reasons when both did), or None while both work."""
        reasons = [r for r in (super().disabled_reason, self.remote.disabled_reason) if r]
        return "; ".join(reasons) if reasons else None

    def get(self, key: str) -> dict[str, Any] | None:
        value = super().get(key)
        if value is not None:
            return value
        value = self.remote.get(key)
        if value is not None:
            super().set(key, value)
        return value

    def set(self, key: str, value: dict[str, Any]) -> bool:
        local = super().set(key, value)
        shared = self.remote.set(key, value)
        return local or shared

    def stats(self) -> dict[str, Any]:
        return {**super().stats(), "shared": self.remote.shown, "shared_off": self.remote.disabled_reason}


def open_store(directory: Path, cache_url: str | None) -> JsonStore:
    """The store for these settings: the local tier alone, or both tiers when ``cache_url`` is set."""
    if not cache_url:
        return JsonStore(directory)
    return TieredStore(directory, RemoteStore(cache_url))
