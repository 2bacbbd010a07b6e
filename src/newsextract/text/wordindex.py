"""Find a word or phrase in a long text without scanning the whole text for every lookup. Pure.

A :class:`WordIndex` is built once per text (one pass) and maps every maximal run of word characters
to the offsets where it occurs. A lookup of a needle that must stand on word boundaries (a name, a
number, a phrase) only tries the offsets of the needle's rarest word, so checking one value costs
about the number of times that word occurs, not the length of the text. A needle with no word to
anchor on (only punctuation, or words that may run into the text around them) falls back to one scan
of the text (:func:`find_bounded`). Answers are memoised per needle, so asking about the same value
again costs a dictionary lookup.

This is what keeps name classification and grounding linear in the article: both ask about every
name or value they meet, and an article's values grow with its length.
"""

from __future__ import annotations

import re
from collections import defaultdict

__all__ = ["WordIndex", "find_bounded"]


def _bounded_at(
    text: str, start: int, end: int, char: re.Pattern[str], bounded_start: bool, bounded_end: bool, extra: str
) -> bool:
    """True when ``text[start:end]`` has no word character (``char``) or character of ``extra`` just
    before it (when ``bounded_start``) and just after it (when ``bounded_end``)."""
    if bounded_start and start > 0:
        c = text[start - 1]
        if char.match(c) or c in extra:
            return False
    if bounded_end and end < len(text):
        c = text[end]
        if char.match(c) or c in extra:
            return False
    return True


def find_bounded(
    text: str,
    needle: str,
    *,
    word: str = r"\w",
    bounded_start: bool,
    bounded_end: bool,
    extra: str = "",
    first: bool = False,
) -> list[int]:
    """Start offsets of ``needle`` in ``text`` where it is bounded as asked (see :class:`WordIndex`),
    left to right and not overlapping, like ``re.finditer`` of the escaped needle between lookarounds.
    One scan of ``text``."""
    char = re.compile(word)
    found: list[int] = []
    last_end = -1
    i = text.find(needle) if needle else -1
    while i != -1:
        if i >= last_end and _bounded_at(text, i, i + len(needle), char, bounded_start, bounded_end, extra):
            found.append(i)
            last_end = i + len(needle)
            if first:
                break
        i = text.find(needle, i + 1)
    return found


class WordIndex:
    """Every run of ``word`` characters in ``text`` (a one-character class such as ``\\w``), by offset.

    :meth:`find` answers where a needle occurs such that, when ``bounded_start``, the character before
    it is no word character (nor one of ``extra``) and, when ``bounded_end``, the same for the
    character after it: exactly :func:`find_bounded`, faster.
    """

    def __init__(self, text: str, word: str = r"\w") -> None:
        self.text = text
        self._word = word
        self._char = re.compile(word)
        self._run = re.compile(f"{word}+")
        # each view is built in one pass on first use (an index serves either lookups or windows)
        self._by_offset: dict[str, list[int]] | None = None
        self._by_ordinal: tuple[list[str], dict[str, list[int]]] | None = None
        self._memo: dict[tuple[str, bool, bool, str, bool], list[int]] = {}
        self._near: dict[tuple[frozenset[str], int], bool] = {}

    @property
    def _positions(self) -> dict[str, list[int]]:
        """Each word and the offsets where it starts."""
        if self._by_offset is None:
            positions: dict[str, list[int]] = defaultdict(list)
            for m in self._run.finditer(self.text):
                positions[m.group()].append(m.start())
            self._by_offset = positions
        return self._by_offset

    @property
    def tokens(self) -> list[str]:
        """The words of the text in order."""
        return self._windows()[0]

    def _windows(self) -> tuple[list[str], dict[str, list[int]]]:
        if self._by_ordinal is None:
            tokens = self._run.findall(self.text)
            ordinals: dict[str, list[int]] = defaultdict(list)
            for i, w in enumerate(tokens):
                ordinals[w].append(i)
            self._by_ordinal = (tokens, ordinals)
        return self._by_ordinal

    def _starts(self, needle: str, bounded_start: bool, bounded_end: bool) -> list[int] | None:
        """Offsets where ``needle`` may start (a superset of its bounded occurrences), from the rarest
        word of the needle that must be a whole word of the text; None when no word of the needle
        must be whole (then only a scan can tell)."""
        best: tuple[int, list[int]] | None = None
        for m in self._run.finditer(needle):
            whole_left = m.start() > 0 or bounded_start
            whole_right = m.end() < len(needle) or bounded_end
            if not (whole_left and whole_right):
                continue
            pos = self._positions.get(m.group(), [])
            if best is None or len(pos) < len(best[1]):
                best = (m.start(), pos)
            if not pos:
                break
        if best is None:
            return None
        offset, pos = best
        return [p - offset for p in pos if p >= offset]

    def find(
        self, needle: str, *, bounded_start: bool, bounded_end: bool, extra: str = "", first: bool = False
    ) -> list[int]:
        """Start offsets of ``needle`` in the text, bounded as asked, left to right and not
        overlapping; with ``first`` at most the first one. Costs the occurrences of the needle's
        rarest whole word (or one scan of the text when it has none), once per needle."""
        key = (needle, bounded_start, bounded_end, extra, first)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo.get((needle, bounded_start, bounded_end, extra, False))
        if hit is not None:
            return hit[:1] if first else hit
        starts = self._starts(needle, bounded_start, bounded_end) if needle else []
        if starts is None:
            found = find_bounded(
                self.text,
                needle,
                word=self._word,
                bounded_start=bounded_start,
                bounded_end=bounded_end,
                extra=extra,
                first=first,
            )
        else:
            found = []
            last_end = -1
            for p in starts:
                end = p + len(needle)
                if (
                    p >= last_end
                    and self.text.startswith(needle, p)
                    and _bounded_at(self.text, p, end, self._char, bounded_start, bounded_end, extra)
                ):
                    found.append(p)
                    last_end = end
                    if first:
                        break
        self._memo[key] = found
        return found

    def near(self, words: list[str], size: int) -> bool:
        """True when a run of ``size`` consecutive words of the text that starts with one of ``words``
        holds all of them: ``any(t in need and need <= set(tokens[i:i + size]) ...)`` over every
        position ``i``, but trying only the windows around the rarest of ``words``."""
        need = frozenset(words)
        if not need:
            return False
        key = (need, size)
        hit = self._near.get(key)
        if hit is not None:
            return hit
        toks, ordinals = self._windows()
        rarest = min(need, key=lambda w: len(ordinals.get(w, ())))
        found = False
        for q in ordinals.get(rarest, ()):
            for i in range(max(0, q - size + 1), q + 1):
                if toks[i] in need and need.issubset(toks[i : i + size]):
                    found = True
                    break
            if found:
                break
        self._near[key] = found
        return found
