"""The job folder's files: written atomically, read back without trusting them.

Beside the results file ``out`` sit the state file and the job folder (``state.py`` names them); the
folder holds ``articles.jsonl`` (each distinct article's text and date, by cache key), the request files
``requests-NNN.jsonl`` and the downloaded ``output-<batch>.jsonl`` / ``errors-<batch>.jsonl``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsextract.batch_api.output import ParsedOutput, parse_output
from newsextract.errors import ConfigError, ExtractionError, InputError, NewsextractError
from newsextract.extraction import Extraction
from newsextract.io.results import outcome_from_line
from newsextract.text.inputs import parse_published

Outcome = Extraction | NewsextractError
#: An article's text and publication date.
TextPub = tuple[str, dt.date | None]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: a crash leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def request_file(folder: Path, n: int) -> Path:
    """The ``n``-th request file (from 1)."""
    return folder / f"requests-{n:03d}.jsonl"


def write_articles(folder: Path, texts: list[tuple[str, str, str | None]]) -> None:
    """Keep each distinct article (cache key, text, published) beside the state."""
    folder.mkdir(parents=True, exist_ok=True)
    data = "".join(
        json.dumps({"key": key, "text": text, "published": pub}, ensure_ascii=False) + "\n"
        for key, text, pub in texts
    )
    atomic_write(folder / "articles.jsonl", data.encode("utf-8"))


def read_answers(folder: Path, extra: Sequence[str | Path] = ()) -> ParsedOutput:
    """Every downloaded answer (output files before error files, so a success always wins)."""
    parsed = ParsedOutput()
    files = sorted(folder.glob("output-*.jsonl")) + sorted(folder.glob("errors-*.jsonl"))
    for path in [Path(p) for p in extra] + files:
        try:
            with open(path, "rb") as fh:
                parsed.merge(parse_output(fh))
        except OSError as exc:
            raise ConfigError(f"cannot read the batch output file {path}: {exc.strerror}") from None
    return parsed


def read_bodies(request_files: Sequence[Path], wanted: set[str]) -> dict[str, dict[str, Any]]:
    """Request bodies by custom_id, read from the job's request files (first occurrence wins)."""
    found: dict[str, dict[str, Any]] = {}
    for path in request_files:
        with open(path, "rb") as fh:
            for raw in fh:
                line = json.loads(raw)
                cid = line.get("custom_id")
                if cid in wanted and cid not in found:
                    found[cid] = line["body"]
    return found


def read_texts(folder: Path) -> dict[str, TextPub]:
    """The articles' texts and dates by cache key (a line that does not read is skipped: its
    article then fails with a clear error instead of the whole job)."""
    out: dict[str, TextPub] = {}
    path = folder / "articles.jsonl"
    if not path.exists():
        raise ConfigError(f"the batch job's articles file {path} is missing")
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            try:
                row = json.loads(raw)
                pub = parse_published(row.get("published")) if isinstance(row, dict) else None
            except (ValueError, InputError):
                continue
            if isinstance(row, dict) and isinstance(row.get("key"), str) and isinstance(row.get("text"), str):
                out[row["key"]] = (row["text"], pub)
    return out


def written(out: Path, *, keep_errors: bool) -> dict[str, dict[str, Any]]:
    """Lines already in the results file that a later collect keeps: the last ``ok`` line per id, else
    its last error line (with ``keep_errors=False`` only input errors, which cannot change)."""
    found: dict[str, dict[str, Any]] = {}
    try:
        fh = open(out, encoding="utf-8")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return found
    with fh:
        for raw in fh:
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if not isinstance(line, dict) or "id" not in line:
                continue
            rid = str(line["id"])
            if line.get("ok") and isinstance(line.get("result"), dict):
                found[rid] = line
            elif not (found.get(rid) or {}).get("ok"):
                error = line.get("error")
                kind = error.get("error") if isinstance(error, dict) else None
                if keep_errors or kind == "InputError":
                    found[rid] = line
    return found


def reload_line(line: dict[str, Any]) -> Outcome:
    """The outcome a results line holds; an ``ExtractionError`` for a line that does not read."""
    try:
        return outcome_from_line(line)
    except (ValueError, TypeError, KeyError) as exc:
        return ExtractionError(f"the results file holds an unreadable line: {exc}")
