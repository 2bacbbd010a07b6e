"""A batch's inputs: strings (id = position) or ``{"id", "text", "published"}`` records, and results
re-loaded from an earlier run's file (``resume``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsextract.errors import ConfigError, InputError, InputTypeError
from newsextract.extraction import Extraction
from newsextract.io.results import input_digest
from newsextract.text.inputs import decode_bytes

InputItem = str | bytes | Mapping[str, Any]


@dataclass(frozen=True)
class InputRecord:
    """One input: its position, id, text and date as given, and the problem that stops it, if any."""

    index: int
    id: str
    text: Any
    published: Any
    problem: InputError | None = None


def input_record(raw: InputItem, index: int) -> InputRecord:
    """The record of input ``index``; a malformed one carries its ``InputError`` as ``problem``."""
    if isinstance(raw, str | bytes):
        return InputRecord(index, str(index), raw, None)
    if isinstance(raw, Mapping):
        rid = str(raw["id"]) if raw.get("id") is not None else str(index)
        if "text" not in raw:
            return InputRecord(index, rid, None, None, InputError(f"record {rid!r} has no 'text'"))
        return InputRecord(index, rid, raw["text"], raw.get("published"))
    problem = InputTypeError(
        f"input {index} must be a string or a record with 'text', not {type(raw).__name__}"
    )
    return InputRecord(index, str(index), None, None, problem)


def check_unique(ids: list[str]) -> None:
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        shown = ", ".join(repr(d) for d in dupes[:5])
        raise ConfigError(
            f"ids must be unique when writing results (out=/resume rely on them); repeated: {shown}"
        )


def reload(line: dict[str, Any] | None, item: InputRecord) -> Extraction | None:
    """A result re-loaded from an earlier run's line, with its article text attached; None (extract
    again) when the article under that id has changed since: its ``input`` digest differs, or, for a
    line written without one, an event's evidence is no longer ``text[start:end]``."""
    if line is None:
        return None
    try:
        result = Extraction.model_validate(line["result"])
    except (ValueError, KeyError, TypeError):
        return None  # a line of an older format: extract again
    digest = line.get("input")
    if digest is not None and digest != input_digest(item.text, item.published):
        return None
    text = item.text
    if isinstance(text, bytes):
        try:
            text = decode_bytes(text)
        except InputError:
            text = None
    if isinstance(text, str):
        if digest is None and any(
            text[e.evidence.start : e.evidence.end] != e.evidence.quote for e in result.events
        ):
            return None
        result.with_text(text)
    return result
