"""Where an event's evidence sits: the quote's span in the text and the sentences around it. Pure."""

from __future__ import annotations

from newsextract.grounding.align import align_quote
from newsextract.text.sentences import sentence_at


def locate(quote: str, text: str, *, hint: int = 0) -> tuple[int, int] | None:
    """The span of ``text`` that the model's ``quote`` refers to (exact, else tolerant), or None."""
    if not quote.strip():
        return None
    return align_quote(quote, text, hint=hint)


def evidence_window(text: str, start: int, end: int) -> str:
    """The full sentences covering ``text[start:end]``: what values of the event must be derivable from."""
    if not text:
        return ""
    first = sentence_at(text, min(start, len(text) - 1))
    last = sentence_at(text, max(min(end - 1, len(text) - 1), 0))
    return text[min(first.start, start) : max(last.end, end)]
