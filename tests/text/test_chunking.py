"""Long articles split at sentence boundaries with overlap; offsets stay those of the original text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsextract.text.chunking import chunk_spans
from newsextract.text.sentences import split_sentences

SENTENCE = st.from_regex(r"[A-Z][a-z]{1,12}( [a-z]{1,10}){2,14}\.", fullmatch=True)


def test_short_text_is_one_chunk() -> None:
    assert chunk_spans("Short. Text.", 100) == [chunk_spans("Short. Text.", 100)[0]]
    [span] = chunk_spans("Short. Text.", 100)
    assert (span.start, span.end) == (0, 12)


def test_rejects_non_positive_size() -> None:
    with pytest.raises(ValueError):
        chunk_spans("x", 0)


@settings(max_examples=150, deadline=None)
@given(st.lists(SENTENCE, min_size=1, max_size=40), st.integers(20, 400), st.integers(0, 2))
def test_chunks_cover_every_sentence_within_size(sentences: list[str], size: int, overlap: int) -> None:
    text = " ".join(sentences)
    chunks = chunk_spans(text, size, overlap=overlap)
    for c in chunks:
        assert 0 <= c.start < c.end <= len(text)
        assert c.end - c.start <= max(size, 1) or len(chunks) == 1
    for s in split_sentences(text):  # every sentence lies whole in some chunk, or was cut hard (too long)
        inside = any(c.start <= s.start and s.end <= c.end for c in chunks)
        assert inside or s.end - s.start > size
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_consecutive_chunks_share_overlap_sentences() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(30))
    chunks = chunk_spans(text, 120, overlap=1)
    assert len(chunks) > 3
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end  # one sentence of overlap
