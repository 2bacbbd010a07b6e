"""Checks on what the caller passes before any model is asked. Pure.

Each refusal is an ``InputError`` with one clear sentence; nothing is modified.
"""

from __future__ import annotations

import datetime as dt
import re

from newsextract.errors import InputError, InputTypeError

#: Default cap on article length (characters). Longer input is refused rather than silently cut;
#: raise it with ``max_chars=`` (cost: one request per ~12,000 characters with the whole-article strategy).
DEFAULT_MAX_CHARS = 1_000_000

#: Control characters that do not belong in text (tab, newlines, form feed and vertical tab do), as the
#: bytes UTF-8 gives them (no multi-byte sequence holds a byte below 0x80, so bytes count characters).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])
#: Surrogate code points: only ever halves of a UTF-16 pair, never characters; UTF-8 cannot encode them.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def decode_bytes(data: bytes, *, name: str = "input") -> str:
    """UTF-8 text from bytes (a BOM is dropped); binary (a NUL byte anywhere) or other encodings are
    refused."""
    if b"\x00" in data:
        raise InputError(f"{name} looks binary (it contains NUL bytes), not a text article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not valid UTF-8 (byte {exc.start}): convert it to UTF-8 first") from None


def check_text(text: object, *, max_chars: int = DEFAULT_MAX_CHARS, name: str = "input") -> str:
    """The article text, unchanged, if it can be extracted; otherwise ``InputError`` saying why."""
    if isinstance(text, bytes | bytearray):
        text = decode_bytes(bytes(text), name=name)
    if not isinstance(text, str):
        raise InputTypeError(f"{name} must be str or bytes, not {type(text).__name__}")
    if not text or text.isspace():
        raise InputError(f"{name} is empty" if not text else f"{name} holds only whitespace")
    if len(text) > max_chars:
        raise InputError(
            f"{name} has {len(text):,} characters, over the limit of {max_chars:,}; "
            "pass max_chars= to raise it"
        )
    if "\x00" in text:  # anywhere: a scan in C, linear in the text
        raise InputError(f"{name} looks binary (it contains NUL characters), not a text article")
    surrogate = _SURROGATE_RE.search(text)
    if surrogate is not None:
        raise InputError(
            f"{name} contains a lone surrogate (U+{ord(surrogate.group()):04X}) at character "
            f"{surrogate.start():,}, which is not valid Unicode text: decode the source with "
            "errors='replace' or fix it"
        )
    sample = text[:65536]
    encoded = sample.encode("utf-8", "surrogatepass")
    controls = len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))  # ~1 us per 3 KB
    if controls > max(8, len(sample) // 100):
        raise InputError(f"{name} looks binary ({controls} control characters), not a text article")
    return text


def parse_published(value: object) -> dt.date | None:
    """``published`` as a date: accepts a date, a datetime, an ISO string or None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise InputError(f"published must be an ISO date like 2023-11-23, not {value!r}") from None
    raise InputTypeError(f"published must be a date, an ISO string or None, not {type(value).__name__}")
