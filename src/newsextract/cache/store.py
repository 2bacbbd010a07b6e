"""The JSON-only disk store behind the cache (diskcache, SQLite underneath).

Values are JSON documents, never pickles: diskcache pickles by default, and unpickling a file that
someone else wrote runs their code. The directory is created private to the user (0700). Several
processes may share one directory (SQLite's locking). Any fault of the store (corrupted database,
read-only or full disk) turns the cache off for this store with one warning: extraction goes on
without it rather than failing.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import diskcache

from newsextract.userwarnings import warn_caller

log = logging.getLogger("newsextract.cache")

_FAULTS = (OSError, sqlite3.Error, diskcache.Timeout, ValueError, TypeError)


class CacheWarning(UserWarning):
    """The cache could not be used; extraction continues without it."""


class JsonStore:
    """A key -> JSON-object store in ``directory``. Opened lazily on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._cache: diskcache.Cache | None = None
        self._disabled_reason: str | None = None
        self._lock = threading.Lock()

    @property
    def disabled_reason(self) -> str | None:
        """Why the store turned itself off, or None while it works."""
        return self._disabled_reason

    def _open(self) -> diskcache.Cache | None:
        if self._disabled_reason is not None:
            return None
        if self._cache is None:
            with self._lock:
                if self._cache is None:
                    try:
                        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
                        os.chmod(self.directory, 0o700)
                        self._cache = diskcache.Cache(
                            str(self.directory),
                            disk=diskcache.JSONDisk,
                            disk_compress_level=1,
                            timeout=10,
                        )
                    except _FAULTS as exc:
                        self._disable(f"cannot open cache at {self.directory}: {exc}")
                        return None
        return self._cache

    def _disable(self, reason: str) -> None:
        if self._disabled_reason is None:
            self._disabled_reason = reason
            warn_caller(f"newsextract cache off: {reason}", CacheWarning)
            log.warning("cache off: %s", reason)

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored object, or None on a miss or when the store is off or broken."""
        cache = self._open()
        if cache is None:
            return None
        try:
            value = cache.get(key, default=None, retry=True)
        except _FAULTS as exc:
            self._disable(f"cannot read cache at {self.directory}: {exc}")
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> bool:
        """Store ``value`` (must be JSON-serialisable). False when the store is off or the write failed."""
        cache = self._open()
        if cache is None:
            return False
        try:
            return bool(cache.set(key, value, retry=True))
        except _FAULTS as exc:
            self._disable(f"cannot write cache at {self.directory}: {exc}")
            return False

    def delete(self, key: str) -> None:
        cache = self._open()
        if cache is not None:
            try:
                cache.delete(key, retry=True)
            except _FAULTS as exc:
                self._disable(f"cannot delete from cache at {self.directory}: {exc}")

    def stats(self) -> dict[str, Any]:
        """Entry count and size on disk."""
        cache = self._open()
        if cache is None:
            return {"directory": str(self.directory), "entries": 0, "bytes": 0, "off": self._disabled_reason}
        return {
            "directory": str(self.directory),
            "entries": len(cache),
            "bytes": cache.volume(),
            "off": None,
        }

    def clear(self) -> int:
        """Remove every entry; returns how many were removed."""
        cache = self._open()
        return int(cache.clear(retry=True)) if cache is not None else 0

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
