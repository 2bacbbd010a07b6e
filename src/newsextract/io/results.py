"""The JSONL result format: one line per article, written as results arrive.

``{"id": ..., "ok": true, "result": Extraction.model_dump(mode="json"), "input": <digest>}`` or
``{"id": ..., "ok": false, "error": {"error": <class name>, "message": ..., ...}, "input": <digest>}``.
``input`` (``input_digest``) is a SHA-256 of the article's text and publication date, so ``resume`` can
tell that the article under an id has changed since its line was written.

``ResultWriter`` appends and flushes each line to the operating system, so a crash keeps every line
written before it. A line that cannot be written (disk full) is cut back off the file and raises
``OutputError``: the file never holds a torn line of this writer. Opening for ``append`` first removes
a torn last line that an earlier crash left (and ends a complete one with its newline).
``load_results`` reads a file back for ``resume``; ``latest_outcomes`` reads one for ``eval`` (the
latest line per id counts).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO

from newsextract.errors import (
    BudgetExceededError,
    ConfigError,
    ContextOverflowError,
    ExtractionError,
    InputError,
    NewsextractError,
    OutputError,
    OutputTruncatedError,
    TransportError,
    ValidationExhaustedError,
)
from newsextract.extraction import Extraction

log = logging.getLogger("newsextract.io")

Outcome = Extraction | NewsextractError

_ERROR_CLASSES: dict[str, type[NewsextractError]] = {
    cls.__name__: cls
    for cls in (
        BudgetExceededError,
        ConfigError,
        ContextOverflowError,
        ExtractionError,
        InputError,
        NewsextractError,
        OutputError,
        OutputTruncatedError,
        TransportError,
        ValidationExhaustedError,
    )
}


def error_dict(exc: NewsextractError) -> dict[str, Any]:
    """A JSON-able description of an error: at least ``error`` (class name) and ``message``."""
    if isinstance(exc, ExtractionError):
        return exc.to_dict()
    return {"error": type(exc).__name__, "message": str(exc)}


def input_digest(text: object, published: object = None) -> str:
    """SHA-256 (32 hex digits) of an article's text and publication date as a batch received them
    (``str`` or ``bytes`` text; a date, an ISO string or None). Equal inputs give equal digests."""
    digest = hashlib.sha256()
    if isinstance(text, bytes | bytearray):
        digest.update(b"b:" + bytes(text))
    else:
        digest.update(b"s:" + str(text).encode("utf-8", "surrogatepass"))
    if isinstance(published, dt.datetime):
        published = published.date()
    day = published.isoformat() if isinstance(published, dt.date) else str(published or "").strip()[:10]
    digest.update(b"\x00" + day.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def result_line(id: str, outcome: Outcome, *, digest: str | None = None) -> dict[str, Any]:
    """The JSONL object for one article's outcome (with ``input`` when ``digest`` is given)."""
    if isinstance(outcome, Extraction):
        line: dict[str, Any] = {"id": id, "ok": True, "result": outcome.model_dump(mode="json")}
    else:
        line = {"id": id, "ok": False, "error": error_dict(outcome)}
    if digest is not None:
        line["input"] = digest
    return line


def outcome_from_line(line: dict[str, Any]) -> Outcome:
    """The ``Extraction`` (or an error instance of the recorded class) a result line describes.

    Raises ``ValueError`` when an ``ok`` line's result does not validate.
    """
    if line.get("ok"):
        return Extraction.model_validate(line["result"])
    err = line.get("error") or {}
    cls = _ERROR_CLASSES.get(str(err.get("error")), ExtractionError)
    message = str(err.get("message", "unknown error"))
    if issubclass(cls, ExtractionError):
        return cls(message, attempts=int(err.get("attempts") or 0), last_output=err.get("last_output"))
    return cls(message)


def load_results(path: str | Path) -> dict[str, dict[str, Any]]:
    """The last ``ok`` line per id in a result file (ids that only failed are absent).

    A missing file gives ``{}``; lines that do not parse (e.g. torn by a crash) are skipped.
    """
    found: dict[str, dict[str, Any]] = {}
    try:
        fh = open(path, encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return found
    with fh:
        for raw in fh:  # lines end at "\n" only: U+2028 inside a JSON string is not a line break
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if (
                isinstance(line, dict)
                and line.get("ok")
                and "id" in line
                and isinstance(line.get("result"), dict)
            ):
                found[str(line["id"])] = line
    return found


def latest_outcomes(lines: Iterable[str]) -> tuple[dict[str, Outcome], list[tuple[int, str]]]:
    """The latest outcome per id among result lines (``extract --out``/``--format jsonl`` lines, or
    ``Extraction`` dumps carrying an id), and ``(line number, reason)`` for each line that is not one.

    A later line for an id replaces an earlier one, so a resumed run's success replaces the error the
    first run recorded for that article. Blank lines are skipped.
    """
    latest: dict[str, Outcome] = {}
    bad: list[tuple[int, str]] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            outcome = outcome_from_line(line) if "ok" in line else Extraction.model_validate(line)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            bad.append((n, str(exc)))
            continue
        if isinstance(outcome, Extraction) and outcome.id is not None:
            rid = outcome.id
        elif line.get("id") is not None:
            rid = str(line["id"])
        else:
            bad.append((n, "the line has no id"))
            continue
        latest.pop(rid, None)  # re-inserted: the dict keeps the order of each id's latest line
        latest[rid] = outcome
    return latest, bad


class ResultWriter:
    """Writes result lines to ``path`` (or an open text stream), each flushed to the OS as it is written.

    ``append=True`` keeps existing lines (resume): a torn last line is cut off first (a complete last
    line without its newline gets one), so every line of the file parses. A failed write raises
    ``OutputError`` after cutting the partial line back off; later writes then raise at once.
    """

    def __init__(self, target: str | Path | IO[str], *, append: bool = False) -> None:
        self._owned = not hasattr(target, "write")
        self._stream: IO[str] | None = None
        self._file: BinaryIO | None = None
        self._failed: OutputError | None = None
        self._good = 0
        if self._owned:
            self.path = Path(target)  # type: ignore[arg-type]
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if append:
                repair_tail(self.path)
            # unbuffered: each line reaches the OS in one write, and nothing is left to flush on a failure
            self._file = open(self.path, "ab" if append else "wb", buffering=0)  # noqa: SIM115
            self._good = self._file.seek(0, os.SEEK_END)
        else:
            self.path = Path(getattr(target, "name", "<stream>"))
            self._stream = target  # type: ignore[assignment]

    def write(self, id: str, outcome: Outcome, *, digest: str | None = None) -> None:
        """Append one line. Raises ``OutputError`` when it cannot be written (the file keeps its
        complete lines)."""
        if self._failed is not None:
            raise self._failed
        text = json.dumps(result_line(id, outcome, digest=digest), ensure_ascii=False) + "\n"
        try:
            if self._file is not None:
                # a lone surrogate (only ever inside a JSON string) is written as its \\u escape
                encoded = text.encode("utf-8", "backslashreplace")
                view = memoryview(encoded)
                while view:
                    written = self._file.write(view)
                    if not written:
                        raise OSError(errno.EIO, "the file accepted no bytes")
                    view = view[written:]
                self._good += len(encoded)
            elif self._stream is not None:
                self._stream.write(text)
                self._stream.flush()
        except OSError as exc:
            self._failed = OutputError(
                f"cannot write results to {self.path}: {exc.strerror or exc}", path=str(self.path)
            )
            self._cut_back()
            raise self._failed from exc

    def _cut_back(self) -> None:
        """Remove the part of a line a failed write left (truncating frees space, so it works on a
        full disk too)."""
        if self._file is not None:
            try:
                self._file.truncate(self._good)
            except OSError as exc:  # pragma: no cover - depends on the file system
                log.warning("could not remove a partial line from %s: %s", self.path, exc)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def repair_tail(path: Path) -> str | None:
    """Make ``path`` end with a complete, parsable line: a last line that does not parse as JSON (torn
    by a crash or a full disk) is cut off; a parsable last line without its newline gets one. Returns
    what was done, or None when nothing was needed (also for a missing or empty file)."""
    try:
        fh = open(path, "r+b")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return None
    with fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return None
        ends_with_newline = _byte_at(fh, size - 1) == b"\n"
        content_end = size - 1 if ends_with_newline else size
        start = _line_start(fh, content_end)
        fh.seek(start)
        last = fh.read(content_end - start)
        try:
            parsed = json.loads(last) if last.strip() else {}
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            if ends_with_newline:
                return None
            fh.write(b"\n")
            return "added the newline missing after the last line"
        fh.truncate(start)
    message = f"removed a torn last line ({content_end - start:,} bytes) from {path}"
    log.warning("%s", message)
    return message


def _byte_at(fh: BinaryIO, offset: int) -> bytes:
    fh.seek(offset)
    return fh.read(1)


def _line_start(fh: BinaryIO, end: int, chunk: int = 1 << 16) -> int:
    """The offset just after the last newline before ``end`` (0 when there is none)."""
    pos = end
    while pos > 0:
        step = min(chunk, pos)
        fh.seek(pos - step)
        found = fh.read(step).rfind(b"\n")
        if found >= 0:
            return pos - step + found + 1
        pos -= step
    return 0
