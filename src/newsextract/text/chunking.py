"""Split long articles into overlapping chunks at sentence boundaries. Pure.

Chunks are spans of the original text, so offsets found inside a chunk map back by adding its start.
Consecutive chunks share ``overlap`` sentences, so an event stated across a boundary is seen whole by
at least one chunk; the duplicates this creates are merged later by de-duplication.
"""

from __future__ import annotations

from newsextract.text.sentences import split_sentences
from newsextract.text.spans import Span


def chunk_spans(text: str, max_chars: int, *, overlap: int = 1) -> list[Span]:
    """Spans of at most ``max_chars`` characters (a single longer sentence is cut hard), covering
    every sentence of ``text``. A text that fits is one span ``(0, len(text))``."""
    if max_chars <= 0:
        raise ValueError("max_chars must be positive")
    if len(text) <= max_chars:
        return [Span(0, len(text))]
    sentences: list[Span] = []
    for s in split_sentences(text):
        if s.end - s.start <= max_chars:
            sentences.append(s)
        else:  # one enormous "sentence" (a table, a list without punctuation): cut it hard
            sentences.extend(Span(i, min(i + max_chars, s.end)) for i in range(s.start, s.end, max_chars))
    chunks: list[Span] = []
    i = 0
    while i < len(sentences):
        j = i
        while j + 1 < len(sentences) and sentences[j + 1].end - sentences[i].start <= max_chars:
            j += 1
        chunks.append(Span(sentences[i].start, sentences[j].end))
        if j + 1 >= len(sentences):
            break
        i = max(j + 1 - overlap, i + 1)
    return chunks
