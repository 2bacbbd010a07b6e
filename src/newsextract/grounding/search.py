"""Finding a value in a text, tolerant of case, quotes, dashes, commas and spacing. Pure.

:func:`normalize_for_search` folds both sides; :func:`occurs` finds a needle on word boundaries (a long
haystack through a word index built once: the cost is the occurrences of the needle's rarest word, not
the haystack's length); :func:`words_together` finds words close to each other.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from newsextract.lexicon.folding import DASH_CLASS, QUOTE_TABLE
from newsextract.text.wordindex import WordIndex, find_bounded

_QUOTE_PAIRS = tuple((chr(k), v) for k, v in QUOTE_TABLE.items())
_DASH_RE = re.compile(DASH_CLASS + "+")
#: A comma unless it sits between two digits: "(?<![0-9]),|,(?![0-9])" written to start with the comma,
#: which lets the regex engine skip to each comma instead of trying every position.
_COMMA_RE = re.compile(r",(?:(?<![0-9],)|(?![0-9]))")
_WORD_RE = re.compile(r"\w+")
#: Scripts written without spaces (CJK ideographs, kana, hangul): a word boundary means nothing there.
_UNSPACED = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SPACED_WORD = f"[^\\W{_UNSPACED}]"
_UNSPACED_RE = re.compile(f"[{_UNSPACED}]")


@functools.lru_cache(maxsize=1024)  # the article itself is normalised once, not per value
def normalize_for_search(s: str) -> str:
    """``s`` folded for tolerant matching: NFKC, case-folded, curly quotes straightened, dashes turned
    into spaces, commas other than thousands separators removed, whitespace collapsed."""
    s = unicodedata.normalize("NFKC", s)
    for quote, straight in _QUOTE_PAIRS:  # str.translate with a table looks up every character: 10x slower
        if quote in s:
            s = s.replace(quote, straight)
    s = _DASH_RE.sub(" ", s.casefold())
    if "," in s:
        s = _COMMA_RE.sub(" ", s)
    return " ".join(s.split())  # str.split's whitespace is the regex \s: runs collapsed, ends stripped


#: Haystacks at least this long (an article, not a sentence) are searched through a word index built
#: once per haystack (:func:`_index`), so checking every value of an article stays linear in its length.
_INDEX_FROM = 2000


@functools.lru_cache(maxsize=8)
def _index(folded: str, word: str) -> WordIndex:
    """The word index of an already folded haystack, kept for the last few articles."""
    return WordIndex(folded, word)


#: A long haystack is scanned (``str.find``) for its first few needles and indexed from the next one on:
#: a cache hit asks an article about one or two names, where building its index would cost ten scans.
_SCANS_BEFORE_INDEX = 4


@functools.lru_cache(maxsize=8)
def _lookups(folded: str) -> list[int]:
    """How many needles a long haystack was scanned for (a one-item counter per haystack)."""
    return [0]


def _scan_first(folded: str) -> bool:
    counter = _lookups(folded)
    counter[0] += 1
    return counter[0] <= _SCANS_BEFORE_INDEX


def occurs(needle: str, haystack: str) -> bool:
    """True when ``needle`` occurs in ``haystack`` after :func:`normalize_for_search` of both, on word
    boundaries where ``needle`` starts or ends with a letter or digit. An empty needle never occurs.
    A long haystack is searched through its word index (after its first few needles, which one scan
    each answers sooner): the cost is the occurrences of the needle's rarest word, not the haystack's
    length."""
    n = normalize_for_search(needle).strip(" .;:!?")
    if not n:
        return False

    def bounded(ch: str) -> bool:
        return ch.isalnum() and not _UNSPACED_RE.match(ch)

    folded = normalize_for_search(haystack)
    start, end = bounded(n[0]), bounded(n[-1])
    if len(folded) < _INDEX_FROM or _scan_first(folded):  # the index answers exactly as the scan does
        found = find_bounded(folded, n, word=_SPACED_WORD, bounded_start=start, bounded_end=end, first=True)
    else:
        found = _index(folded, _SPACED_WORD).find(n, bounded_start=start, bounded_end=end, first=True)
    return bool(found)


def words_of(s: str) -> list[str]:
    return _WORD_RE.findall(normalize_for_search(s))


def words_together(words: list[str], text: str, slack: int = 2) -> bool:
    """All ``words`` appear within a window of ``len(words) + slack`` words of ``text`` (a long text
    through its word index: the windows around the rarest word only)."""
    if not words:
        return False
    need = set(words)
    size = len(need) + slack
    folded = normalize_for_search(text)
    if len(folded) >= _INDEX_FROM:
        return _index(folded, r"\w").near(words, size)
    toks = _WORD_RE.findall(folded)
    return any(t in need and need.issubset(toks[i : i + size]) for i, t in enumerate(toks))


def date_in_text(value: str, text: str) -> bool:
    """True when the date expression occurs in ``text``, with or without a leading "on"/"in"."""
    if occurs(value, text):
        return True
    bare = re.sub(r"^\s*(?:on|in|at|by|from|since|as\s+of)\s+", "", value, flags=re.IGNORECASE)
    return bare != value and occurs(bare, text)
