"""The JSON-only disk store behind the cache (diskcache, SQLite underneath).

Values are JSON documents, never pickles: diskcache pickles by default, and unpickling a file that
someone else wrote runs their code. Rows are read and deleted through ``cache.disk.SafeJSONDisk``,
which refuses any row this library does not write (a pickle, a value file outside the cache): such a
row is one warning and a miss, and no file outside the cache directory is ever deleted.

Permissions: a directory that does not exist is created private (0700). An existing one is left as it
is (a team's shared, setgid folder keeps its group), with a warning when anyone may write into it.
Files are created 0600, plus group read/write when the directory grants its group access (a shared
team cache); never for others.

Several processes may share one directory (SQLite's locking). Any fault of the store (corrupted
database, read-only or full disk) turns the cache off for this store with one warning: extraction goes
on without it rather than failing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import threading
import zlib
from pathlib import Path
from typing import Any

import diskcache

from newsextract.cache.disk import SafeJSONDisk, UnsafeRowError
from newsextract.userwarnings import warn_caller

log = logging.getLogger("newsextract.cache")

#: Faults of the store as a whole: the cache is turned off.
_FAULTS = (OSError, sqlite3.Error, diskcache.Timeout, ValueError, TypeError, KeyError)
#: Faults of one row (a value someone else wrote, or damaged bytes): that entry is a miss.
_ROW_FAULTS = (UnsafeRowError, zlib.error, UnicodeDecodeError, ValueError, TypeError)


class CacheWarning(UserWarning):
    """The cache could not be used; extraction continues without it."""


class JsonStore:
    """A key -> JSON-object store in ``directory``. Opened lazily on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._cache: diskcache.Cache | None = None
        self._disabled_reason: str | None = None
        self._row_warned = False
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
                        self._cache = self._create()
                    except _FAULTS as exc:
                        self._disable(f"cannot open cache at {self.directory}: {exc}")
                        return None
        return self._cache

    def _create(self) -> diskcache.Cache:
        file_mode, folder_mode = self._prepare_directory()
        database = self.directory / "cache.db"
        if not database.exists():  # SQLite takes an empty file as a new database (and its -wal, -shm
            with contextlib.suppress(FileExistsError):  # files get the database file's permissions)
                os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode))
        cache = diskcache.Cache(str(self.directory), disk=SafeJSONDisk, disk_compress_level=1, timeout=10)
        disk = cache.disk
        disk.file_mode, disk.folder_mode = file_mode, folder_mode
        disk.on_refusal = self._refused
        return cache

    def _prepare_directory(self) -> tuple[int, int]:
        """Create the directory private if missing; the (file, folder) modes for what is created inside."""
        with contextlib.suppress(FileExistsError):
            self.directory.mkdir(parents=True, mode=0o700)
        mode = self.directory.stat().st_mode
        if not stat.S_ISDIR(mode):
            raise NotADirectoryError(f"{self.directory} is not a directory")
        if mode & stat.S_IWOTH:
            msg = f"cache directory {self.directory} is writable by every user: anyone can plant entries"
            warn_caller(f"newsextract: {msg}", CacheWarning)
            log.warning("%s", msg)
        group = mode & 0o070  # a shared team folder keeps sharing with its group, never with others
        return 0o600 | (group & 0o060), 0o700 | group

    def _refused(self, reason: str) -> None:
        self._warn_row(reason)

    def _warn_row(self, reason: str) -> None:
        """One warning per store for rows it will not use; each further one is logged only."""
        log.warning("cache entry ignored: %s", reason)
        if not self._row_warned:
            self._row_warned = True
            warn_caller(
                f"newsextract cache: ignored an entry it cannot trust or read ({reason}); "
                "further ones are only logged",
                CacheWarning,
            )

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
        except _ROW_FAULTS as exc:
            self._warn_row(f"{type(exc).__name__}: {exc}")
            self.delete(key)  # a fresh answer replaces it; its file (if one of ours) goes too
            return None
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
        """Remove one entry (a value file is deleted only if it is one the cache made)."""
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
        """Remove every entry; returns how many were removed. Value files are deleted only where they are
        files the cache made (a row naming any other path is reported once and that path left alone)."""
        cache = self._open()
        if cache is None:
            return 0
        try:
            return int(cache.clear(retry=True))
        except _FAULTS as exc:
            self._disable(f"cannot clear cache at {self.directory}: {exc}")
            return 0

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
