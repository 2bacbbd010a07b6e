"""WordIndex answers exactly what a regular-expression scan answers, by looking in fewer places."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsextract.text.wordindex import WordIndex, find_bounded

PIECES = st.sampled_from(
    ["Ma", "ma", "Jack", "a", "aa", " ", "  ", "-", ".", ",", "_", "$", "5", "%", "阿里", "é"]
)
texts = st.lists(PIECES, max_size=60).map("".join)


def reference(text: str, needle: str, word: str, start: bool, end: bool, extra: str) -> list[int]:
    """What the callers used to run: ``re.finditer`` of the escaped needle between lookarounds."""
    not_word = f"(?!{word})" + (f"(?![{re.escape(extra)}])" if extra else "")
    before = f"(?<!{word})" + (f"(?<![{re.escape(extra)}])" if extra else "")
    pattern = (before if start else "") + re.escape(needle) + (not_word if end else "")
    return [m.start() for m in re.finditer(pattern, text)]


@settings(max_examples=400, deadline=None)
@given(texts, st.data(), st.sampled_from([r"\w", r"[^\W\u2e80-\u9fff]"]), st.booleans(), st.booleans())
def test_find_is_the_regex_scan(text: str, data: st.DataObject, word: str, start: bool, end: bool) -> None:
    if text and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(text) - 1))
        needle = text[i : data.draw(st.integers(i + 1, len(text)))]
    else:
        needle = data.draw(texts.filter(bool))
    extra = data.draw(st.sampled_from(["", "-"]))
    want = reference(text, needle, word, start, end, extra)
    index = WordIndex(text, word)
    kw = {"bounded_start": start, "bounded_end": end, "extra": extra}
    assert index.find(needle, **kw) == want
    assert index.find(needle, **kw) == want  # memoised
    assert index.find(needle, **kw, first=True) == want[:1]
    assert find_bounded(text, needle, word=word, **kw) == want


def test_find_in_a_repeated_sentence() -> None:
    text = "Jack Ma sold shares. " * 2000 + "Jack Mao left."
    index = WordIndex(text)
    assert index.find("Jack Mao", bounded_start=True, bounded_end=True) == [len(text) - len("Jack Mao left.")]
    assert len(index.find("Jack Ma", bounded_start=True, bounded_end=True)) == 2000
    assert index.find("Ma sold shares", bounded_start=True, bounded_end=True, first=True) == [5]
    assert index.find("Jack M", bounded_start=True, bounded_end=True) == []  # "M" is no whole word


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=30),
    st.lists(st.sampled_from(["a", "b", "e"]), min_size=1, max_size=3),
    st.integers(0, 3),
)
def test_near_is_the_window_scan(tokens: list[str], words: list[str], slack: int) -> None:
    need = set(words)
    size = len(need) + slack
    want = any(t in need and need.issubset(tokens[i : i + size]) for i, t in enumerate(tokens))
    assert WordIndex(" ".join(tokens)).near(words, size) == want
