"""The diskcache ``Disk`` the store reads and writes through: JSON only, and no trust in a row's columns.

diskcache's ``JSONDisk`` writes JSON, but it still reads through ``Disk.fetch`` and deletes through
``Disk.remove``, and both trust the row: ``mode`` 4 means ``pickle.load`` (a row someone else wrote
would run their code), ``raw = 0`` unpickles the key, and ``filename`` may name any path (``cache
clear`` would delete it). A cache directory shared by several users is written by all of them, so
``SafeJSONDisk`` accepts only what it writes itself:

- values stored inline (``MODE_RAW``, a zlib-compressed JSON blob), or in a file (``MODE_BINARY``)
  whose name has exactly the shape diskcache gives its own files (``ab/cd/<28 hex>.val``) and whose
  folder resolves inside the cache directory;
- keys stored raw (the zlib-compressed JSON of the key).

Anything else raises ``UnsafeRowError`` on read (the store reports it once and treats it as a miss) and
is left alone on delete (reported through ``on_refusal``): no code runs, no file outside the cache is
touched.
"""

from __future__ import annotations

import contextlib
import os
import os.path as op
import re
import sqlite3
from collections.abc import Callable
from typing import Any

import diskcache
from diskcache.core import MODE_BINARY, MODE_RAW

#: How many keys' database forms :meth:`SafeJSONDisk.put` keeps (then it starts again).
_KEYS_KEPT = 1024
#: The names diskcache's ``Disk.filename`` makes: two levels of 2-hex folders, then 28 hex + ``.val``.
_OWN_FILE = re.compile(r"[0-9a-f]{2}[/\\][0-9a-f]{2}[/\\][0-9a-f]{28}\.val")


class UnsafeRowError(ValueError):
    """A cache row this library never writes (a pickle, or a value file outside the cache's own names)."""


def own_file_name(filename: object) -> bool:
    """True when ``filename`` has the shape of a value file diskcache names itself."""
    return isinstance(filename, str) and _OWN_FILE.fullmatch(filename) is not None


class SafeJSONDisk(diskcache.JSONDisk):  # type: ignore[misc]  # diskcache ships no type hints
    """``JSONDisk`` that refuses rows it did not write: no unpickling, no paths outside the cache.

    Set by the store after opening: ``on_refusal`` is called with a one-line reason when a delete is
    refused; ``file_mode``/``folder_mode`` are the permissions of the value files and folders it creates.
    """

    on_refusal: Callable[[str], None] | None = None
    file_mode: int = 0o600
    folder_mode: int = 0o700

    def __init__(self, directory: str, **kwargs: Any) -> None:
        super().__init__(directory, **kwargs)
        self._keys: dict[str, tuple[Any, bool]] = {}

    def put(self, key: Any) -> tuple[Any, bool]:
        """``JSONDisk.put``: the key's database form (its compressed JSON), remembered for the last few
        string keys (every read of an entry converts its key: ~3 us of JSON and zlib)."""
        if type(key) is not str:
            return super().put(key)  # type: ignore[no-any-return]
        converted = self._keys.get(key)
        if converted is None:
            converted = super().put(key)
            if len(self._keys) >= _KEYS_KEPT:
                self._keys.clear()
            self._keys[key] = converted
        return converted

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise UnsafeRowError("a cache row holds a pickled key (this library never writes one)")
        return super().get(key, raw)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if read:
            raise UnsafeRowError("file handles are never read from the cache")
        if mode == MODE_RAW:
            if not isinstance(value, bytes | sqlite3.Binary):
                raise UnsafeRowError(f"a cache row holds a {type(value).__name__}, not a JSON blob")
        elif mode == MODE_BINARY:
            if value is not None or not self._inside(filename):
                raise UnsafeRowError(f"a cache row names a value file it does not own: {filename!r}")
        else:
            raise UnsafeRowError(f"a cache row has storage mode {mode!r} (this library writes only 1 and 2)")
        return super().fetch(mode, filename, value, read)

    def remove(self, file_path: str) -> None:
        """Delete a value file the cache made, and its two folders when empty; refuse any other path."""
        if not self._inside(file_path):
            if self.on_refusal is not None:
                self.on_refusal(f"refused to delete {file_path!r}: not a file this cache made")
            return
        full_path = op.join(self._directory, file_path)
        with contextlib.suppress(OSError):  # another process may have removed it first
            os.remove(full_path)
        inner = op.dirname(full_path)
        for folder in (inner, op.dirname(inner)):  # never above the cache directory itself
            with contextlib.suppress(OSError):
                os.rmdir(folder)

    def _write(self, full_path: str, iterator: Any, mode: str, encoding: str | None = None) -> int:
        """diskcache's ``Disk._write`` (same retries), creating the file and its folders private."""

        def opener(path: str, flags: int) -> int:
            return os.open(path, flags, self.file_mode)

        full_dir = op.dirname(full_path)
        for count in range(1, 11):
            for folder in (op.dirname(full_dir), full_dir):  # both levels private, not just the last
                with contextlib.suppress(OSError):
                    os.mkdir(folder, self.folder_mode)
            try:  # another process may remove the folder before the file is opened
                writer = open(full_path, mode, encoding=encoding, opener=opener)  # noqa: SIM115
            except OSError:
                if count == 10:
                    raise
                continue
            with writer:
                size = 0
                for chunk in iterator:
                    size += len(chunk)
                    writer.write(chunk)
                return size
        raise AssertionError("unreachable")  # pragma: no cover

    def _inside(self, filename: object) -> bool:
        """``filename`` is one of the cache's own names and its folder resolves inside the cache (so a
        folder replaced by a symlink to elsewhere is refused too)."""
        if not own_file_name(filename):
            return False
        assert isinstance(filename, str)
        root = op.realpath(str(self._directory))
        folder = op.realpath(op.dirname(op.join(root, filename)))
        return op.commonpath([root, folder]) == root and folder != root
