"""Character spans into a caller's string.

A :class:`Span` is a half-open interval ``[start, end)`` of character offsets into a string that
the caller owns. Spans never copy or modify the text; ``span.slice(text)`` is ``text[start:end]``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)``; ordering is by ``(start, end)``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def slice(self, text: str) -> str:
        """Return ``text[start:end]``: the characters this span covers in ``text``."""
        return text[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, offset: int) -> bool:
        """True when ``start <= offset < end``."""
        return self.start <= offset < self.end

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end
