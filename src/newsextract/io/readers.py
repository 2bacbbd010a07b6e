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

What is read, and how much:

- only regular files: a FIFO, a device (``/dev/zero``), a socket is refused with one problem, before
  anything is read from it (it is opened non-blocking, so a FIFO with no writer cannot hang the run);
- a ``.txt`` file (one article) larger than ``max_chars`` characters can take is refused from its size
  alone, never read (UTF-8 needs at most 4 bytes a character); at most that many bytes are ever read;
- a ``.jsonl`` file (or JSONL on stdin) is read line by line, and a line longer than one article can
  take is skipped with a problem without being held in memory;
- each real file is read once, however many paths, globs or symlinks lead to it (``**`` through a
  symlink that points at its own folder finds each file once).
"""

from __future__ import annotations

import glob
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from newsextract.errors import InputError
from newsextract.text.inputs import DEFAULT_MAX_CHARS, check_text, decode_bytes

SUFFIXES = (".txt", ".jsonl")
_GLOB_CHARS = frozenset("*?[")
_CHUNK = 1 << 16


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


def article_byte_limit(max_chars: int) -> int:
    """The most bytes an article of ``max_chars`` characters can take in UTF-8 (with a BOM)."""
    return 4 * max_chars + 3


def jsonl_line_limit(max_chars: int) -> int:
    """The most bytes one JSONL record holding such an article can take (JSON escapes a character in
    at most 6 bytes; 64 KB left for the id, the date and other fields)."""
    return 6 * max_chars + _CHUNK


@dataclass
class _Reader:
    published: str | None
    max_chars: int
    out: ReadResult
    seen: set[str] = field(default_factory=set)

    def problem(self, source: str, message: str) -> None:
        self.out.problems.append(ReadProblem(source, message))

    # -- files ----------------------------------------------------------------------------------------
    def file(self, path: Path) -> None:
        real = os.path.realpath(path)
        if real in self.seen:
            return  # the same file by another path, glob match or symlink: read once
        self.seen.add(real)
        source = str(path)
        try:  # non-blocking: opening a FIFO nobody writes to returns at once (and is refused below)
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            self.problem(source, f"cannot read: {exc.strerror or exc}")
            return
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                self.problem(source, f"is {_kind(st.st_mode)}, not a regular file: not read")
                return
            try:
                if path.suffix == ".jsonl":
                    self.jsonl(_chunks(fh.read), source, path.stem)
                else:
                    self.article_file(fh, st.st_size, source, path.stem)
            except OSError as exc:
                self.problem(source, f"cannot read: {exc.strerror or exc}")

    def article_file(self, fh: BinaryIO, size: int, source: str, stem: str) -> None:
        limit = article_byte_limit(self.max_chars)
        if size > limit:
            self.problem(source, _too_long(size, self.max_chars))
            return
        data = fh.read(limit + 1)
        if len(data) > limit:  # it grew after the size was read
            self.problem(source, _too_long(len(data), self.max_chars))
            return
        self.article(data, source, stem)

    # -- stdin ----------------------------------------------------------------------------------------
    def stream(self, stream: BinaryIO) -> None:
        """Standard input: JSONL when its first non-blank character is ``{``, else one article."""
        head = b""
        while not head.strip() and len(head) <= _CHUNK:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            head += chunk
        rest = _chunks(stream.read)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            self.jsonl(_prepend(head, rest), "<stdin>", "stdin")
            return
        limit = article_byte_limit(self.max_chars)
        data = bytearray()
        for chunk in _prepend(head, rest):
            data += chunk
            if len(data) > limit:
                self.problem("<stdin>", f"is longer than {self.max_chars:,} characters (max_chars): not read")
                return
        self.article(bytes(data), "<stdin>", "stdin")

    # -- contents -------------------------------------------------------------------------------------
    def article(self, data: bytes, source: str, stem: str) -> None:
        try:
            text = check_text(decode_bytes(data, name="file"), name="file", max_chars=self.max_chars)
        except InputError as exc:
            self.problem(source, str(exc).removeprefix("file "))
            return
        self.out.records.append({"id": stem, "text": text, "published": self.published})

    def jsonl(self, chunks: Iterator[bytes], source: str, stem: str) -> None:
        before, problems_before = len(self.out.records), len(self.out.problems)
        limit = jsonl_line_limit(self.max_chars)
        for lineno, line in _lines(chunks, limit):
            where = f"{source}:{lineno}"
            if line is None:
                self.problem(where, f"longer than {limit:,} bytes (max_chars={self.max_chars:,}): skipped")
                continue
            if lineno == 1 and b"\x00" in line:
                self.problem(source, "looks binary (it contains NUL bytes), not JSONL")
                return
            if not line.strip():
                continue
            try:
                text = decode_bytes(line, name="line")
            except InputError as exc:
                self.problem(where, str(exc).removeprefix("line "))
                continue
            record = _jsonl_record(text, where, f"{stem}:{lineno}", self.published, self.out)
            if record is not None:
                self.out.records.append(record)
        if len(self.out.records) == before and len(self.out.problems) == problems_before:
            self.problem(source, "is empty (no JSONL records)")


def read_inputs(
    paths: Iterable[str],
    *,
    published: str | None = None,
    stdin: BinaryIO | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ReadResult:
    """Read every path (see the module docstring). Never raises for a bad file: it becomes a problem.

    ``published`` is the default publication date for articles that do not carry their own;
    ``max_chars`` the longest article accepted (larger ``.txt`` files are refused unread).
    ``stdin`` replaces ``sys.stdin.buffer`` for ``-`` (tests).
    """
    out = ReadResult()
    reader = _Reader(published, max_chars, out)
    for raw in paths:
        if raw == "-":
            reader.stream(stdin if stdin is not None else sys.stdin.buffer)
            continue
        for path in _expand(raw, out):
            reader.file(path)
    return out


def read_file_bytes(
    data: bytes, path: str, *, published: str | None = None, max_chars: int = DEFAULT_MAX_CHARS
) -> ReadResult:
    """The records in one file's bytes, read as ``read_inputs`` reads ``path`` (``.jsonl``: one record
    a line, each line bounded; anything else: one article named after the file's stem, refused when
    larger than ``max_chars`` allows). Never raises for bad content."""
    out = ReadResult()
    reader = _Reader(published, max_chars, out)
    name = path.rstrip("/").rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    stem = stem if dot else name
    if f".{suffix}" == ".jsonl":
        reader.jsonl(iter([data]), path, stem)
    elif len(data) > article_byte_limit(max_chars):
        reader.problem(path, _too_long(len(data), max_chars))
    else:
        reader.article(data, path, stem)
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


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _too_long(size: int, max_chars: int) -> str:
    return f"is {size:,} bytes, more than an article of max_chars={max_chars:,} characters can take: not read"


def _chunks(read: Callable[[int], bytes]) -> Iterator[bytes]:
    while chunk := read(_CHUNK):
        yield chunk


def _prepend(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from rest


def _lines(chunks: Iterator[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line without its newline) for each ``\\n``-separated line; None for a line longer
    than ``limit`` bytes, which is skipped without being kept in memory."""
    buf = bytearray()
    lineno = 0
    overlong = False
    for chunk in chunks:
        pos = 0
        while True:
            nl = chunk.find(b"\n", pos)
            piece = chunk[pos:] if nl < 0 else chunk[pos:nl]
            if not overlong:
                buf += piece
                if len(buf) > limit:
                    overlong, buf = True, bytearray()
            if nl < 0:
                break
            lineno += 1
            yield lineno, (None if overlong else bytes(buf).rstrip(b"\r"))
            buf, overlong, pos = bytearray(), False, nl + 1
    if buf or overlong:
        yield lineno + 1, (None if overlong else bytes(buf).rstrip(b"\r"))


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
