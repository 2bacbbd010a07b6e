"""The JSONL result format: one line per article, written as results arrive.

``{"id": ..., "ok": true, "result": Extraction.model_dump(mode="json")}`` or
``{"id": ..., "ok": false, "error": {"error": <class name>, "message": ..., ...}}``.

``ResultWriter`` appends and flushes each line, so a crash keeps every line written before it;
``load_results`` reads such a file back for ``resume`` (a torn last line is ignored).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from newsextract.core.schemas import Extraction
from newsextract.errors import (
    BudgetExceededError,
    ConfigError,
    ExtractionError,
    InputError,
    NewsextractError,
    OutputTruncatedError,
    TransportError,
    ValidationExhaustedError,
)

Outcome = Extraction | NewsextractError

_ERROR_CLASSES: dict[str, type[NewsextractError]] = {
    cls.__name__: cls
    for cls in (
        BudgetExceededError,
        ConfigError,
        ExtractionError,
        InputError,
        NewsextractError,
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


def result_line(id: str, outcome: Outcome) -> dict[str, Any]:
    """The JSONL object for one article's outcome."""
    if isinstance(outcome, Extraction):
        return {"id": id, "ok": True, "result": outcome.model_dump(mode="json")}
    return {"id": id, "ok": False, "error": error_dict(outcome)}


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
        fh = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return found
    with fh:
        for raw in fh:
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


class ResultWriter:
    """Writes result lines to ``path`` (or an open text stream), flushing after each line.

    ``append=True`` keeps existing lines (resume) and first completes a torn last line, so the new
    lines always start on a line of their own.
    """

    def __init__(self, target: str | Path | IO[str], *, append: bool = False) -> None:
        self._owned = not hasattr(target, "write")
        if self._owned:
            path = Path(target)  # type: ignore[arg-type]
            path.parent.mkdir(parents=True, exist_ok=True)
            needs_newline = append and _ends_without_newline(path)
            self._fh: IO[str] = open(path, "a" if append else "w", encoding="utf-8")  # noqa: SIM115
            if needs_newline:
                self._fh.write("\n")
        else:
            self._fh = target  # type: ignore[assignment]

    def write(self, id: str, outcome: Outcome) -> None:
        """Append one line and flush it to the operating system."""
        self._fh.write(json.dumps(result_line(id, outcome), ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._owned:
            self._fh.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _ends_without_newline(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            if fh.tell() == 0:
                return False
            fh.seek(-1, 2)
            return fh.read(1) != b"\n"
    except FileNotFoundError:
        return False
