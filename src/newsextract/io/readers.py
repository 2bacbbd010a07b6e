"""Paths -> article records ``{"id", "text", "published"}``. The text is never modified.

Accepted paths:

- a ``.txt`` file: one article; ``id`` is the file stem, ``published`` the default given (or None).
- a ``.jsonl`` file: one record a line with ``"text"`` and optionally ``"id"`` (default
  ``<stem>:<line number>``) and ``"published"`` (default: the default given).
- a folder: the ``.txt`` and ``.jsonl`` files directly inside it, sorted by name (not recursive).
- a glob (``news/*.txt``, ``**`` recursive), expanded and sorted.
- ``-``: standard input, read as JSONL when its first non-blank character is ``{``, else one article
  with id ``stdin``.

A file that cannot be used (missing, unreadable, empty, binary, not UTF-8) and a JSONL line that is not
a JSON object yield one ``ReadProblem`` each; everything else is still read.
"""

from __future__ import annotations

import glob
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from newsextract.errors import InputError
from newsextract.text.inputs import check_text, decode_bytes

SUFFIXES = (".txt", ".jsonl")
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class ReadProblem:
    """One input that could not be read, and why (one line, ready for stderr)."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass
class ReadResult:
    """The records read, in path order, and the problems met on the way."""

    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)


def read_inputs(
    paths: Iterable[str],
    *,
    published: str | None = None,
    stdin: BinaryIO | None = None,
) -> ReadResult:
    """Read every path (see the module docstring). Never raises for a bad file: it becomes a problem.

    ``published`` is the default publication date for articles that do not carry their own.
    ``stdin`` replaces ``sys.stdin.buffer`` for ``-`` (tests).
    """
    out = ReadResult()
    for raw in paths:
        if raw == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            _read_bytes(stream.read(), "<stdin>", "stdin", published, out, guess_jsonl=True)
            continue
        for path in _expand(raw, out):
            try:
                data = path.read_bytes()
            except OSError as exc:
                out.problems.append(ReadProblem(str(path), f"cannot read: {exc.strerror or exc}"))
                continue
            _read_bytes(
                data, str(path), path.stem, published, out, guess_jsonl=False, jsonl=path.suffix == ".jsonl"
            )
    return out


def read_file_bytes(data: bytes, path: str, *, published: str | None = None) -> ReadResult:
    """The records in one file's bytes, read as ``read_inputs`` reads ``path`` (``.jsonl``: one record
    a line; anything else: one article named after the file's stem). Never raises for bad content."""
    out = ReadResult()
    name = path.rstrip("/").rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    stem = stem if dot else name
    _read_bytes(data, path, stem, published, out, guess_jsonl=False, jsonl=f".{suffix}" == ".jsonl")
    return out


def _expand(raw: str, out: ReadResult) -> list[Path]:
    """The files a path names: itself, a folder's articles, or a glob's matches."""
    path = Path(raw).expanduser()
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES)
        if not found:
            out.problems.append(ReadProblem(raw, "folder holds no .txt or .jsonl files"))
        return found
    if path.exists():
        return [path]
    if _GLOB_CHARS & set(raw):
        matches = sorted(Path(m) for m in glob.glob(str(path), recursive=True))
        files = [m for m in matches if m.is_file()]
        if not files:
            out.problems.append(ReadProblem(raw, "no file matches this pattern"))
        return files
    out.problems.append(ReadProblem(raw, "no such file or folder"))
    return []


def _read_bytes(
    data: bytes,
    source: str,
    stem: str,
    published: str | None,
    out: ReadResult,
    *,
    guess_jsonl: bool,
    jsonl: bool = False,
) -> None:
    try:
        text = decode_bytes(data, name="file")
        if guess_jsonl:
            jsonl = text.lstrip().startswith("{")
        if not jsonl:
            check_text(text, name="file")
    except InputError as exc:
        out.problems.append(ReadProblem(source, str(exc).removeprefix("file ")))
        return
    if not jsonl:
        out.records.append({"id": stem, "text": text, "published": published})
        return
    before = len(out.records)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record = _jsonl_record(line, f"{source}:{lineno}", f"{stem}:{lineno}", published, out)
        if record is not None:
            out.records.append(record)
    if len(out.records) == before and not any(p.source.startswith(source) for p in out.problems):
        out.problems.append(ReadProblem(source, "is empty (no JSONL records)"))


def _jsonl_record(
    line: str, where: str, default_id: str, published: str | None, out: ReadResult
) -> dict[str, Any] | None:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        out.problems.append(ReadProblem(where, f"not valid JSON ({exc.msg})"))
        return None
    if not isinstance(obj, dict):
        out.problems.append(ReadProblem(where, "a JSONL line must be an object with a 'text' field"))
        return None
    if "text" not in obj:
        out.problems.append(ReadProblem(where, "record has no 'text' field"))
        return None
    rid = obj.get("id")
    return {
        "id": str(rid) if rid is not None else default_id,
        "text": obj["text"],
        "published": obj.get("published") or published,
    }
