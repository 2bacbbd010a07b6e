"""Resume: which ids an output folder already holds, read from the files earlier runs wrote.

An output folder (local, or any fsspec URL such as ``s3://bucket/results``) holds ``*.parquet`` or
``*.jsonl`` files in the result schema, written one file per block as the run goes. Every id with a
row there (ok or error) counts as done. A file that cannot be read to its end (a run killed while it
was writing it) is moved aside as ``_<name>.torn`` with one warning, so its ids are extracted again
and the folder stays readable (Ray's and pyarrow's readers skip names starting with ``_``). Nothing
read here is run or used as a path: only the ``id`` values are kept.
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

log = logging.getLogger("newsextract.ray")

RESULT_SUFFIXES = (".parquet", ".jsonl")


class ResumeWarning(UserWarning):
    """A result file could not be read and was set aside; its articles are extracted again."""


def written_ids(output: str, **storage_options: Any) -> set[str]:
    """Every id that has a row in ``output``'s result files ({} when the folder does not exist)."""
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(output, **storage_options)
    try:
        names = sorted(str(p) for p in fs.ls(root, detail=False))
    except FileNotFoundError:
        return set()
    done: set[str] = set()
    for name in names:
        if not name.endswith(RESULT_SUFFIXES):
            continue
        try:
            ids = _parquet_ids(fs, name) if name.endswith(".parquet") else _jsonl_ids(fs, name)
        except Exception as exc:  # torn by a crash, or not ours: set it aside, re-extract its articles
            _set_aside(fs, name, exc)
            continue
        done.update(ids)
    return done


def _parquet_ids(fs: Any, name: str) -> list[str]:
    import pyarrow.parquet as pq

    with fs.open(name, "rb") as fh:
        table = pq.read_table(fh, columns=["id"])
    return [str(v) for v in table.column("id").to_pylist() if v is not None]


def _jsonl_ids(fs: Any, name: str) -> list[str]:
    with fs.open(name, "rb") as fh:
        data = fh.read()
    if data and not data.endswith(b"\n"):
        raise ValueError("the last line is incomplete")
    ids = []
    for line in data.decode("utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            if not isinstance(obj, dict) or obj.get("id") is None:
                raise ValueError("a line is not a result line")
            ids.append(str(obj["id"]))
    return ids


def _set_aside(fs: Any, name: str, exc: Exception) -> None:
    folder, _, base = name.rpartition("/")
    aside = f"{folder}/_{base}.torn"
    message = f"result file {name} cannot be read ({type(exc).__name__}: {exc}); moved to {aside}"
    try:
        fs.mv(name, aside)
    except Exception as move_exc:
        message = f"result file {name} cannot be read ({exc}) nor set aside ({move_exc}); its ids are redone"
    warnings.warn(message, ResumeWarning, stacklevel=3)
    log.warning(message)
