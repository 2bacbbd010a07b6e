"""Locate a model-produced quote in the original article text, fast.

:func:`align_quote` answers "where in ``text`` is this ``quote``?" with a span of the *original*
text, so ``text[start:end]`` is what gets stored as :attr:`Evidence.quote`. Three tiers, cheapest
first; the first that succeeds wins:

1. ``exact``: ``quote`` (trimmed) occurs verbatim. Among several occurrences, the one starting
   nearest to ``hint`` wins.
2. ``normalized``: equal after a length-preserving normalisation of both strings (curly to straight
   quotes and apostrophes, hyphen/dash variants to ``-``, non-breaking and other spaces to `` ``,
   lowercase), with any whitespace run in the quote matching any whitespace run in the text.
   Because the normalisation maps one character to one character, offsets need no translation.
3. ``fuzzy``: token-level alignment. Both strings are cut into word tokens (runs of letters and
   digits, after the normalisation above, so punctuation, case, quote and dash differences vanish).
   Candidate windows are found by diagonal voting: every quote token that is not too frequent in
   the text (at most :data:`MAX_ANCHOR_OCCURRENCES` occurrences) votes for the window start its
   occurrences imply; the best few bands of votes are scored with :class:`difflib.SequenceMatcher`
   on token lists, trimming stray matches at the window edges. The score is the Dice similarity
   ``2 * M / (len(quote_tokens) + len(span_tokens))`` where ``M`` is the number of matched tokens.

**Threshold**: a fuzzy match is accepted only when that token similarity is at least
:data:`THRESHOLD` (0.8). For a 20-token sentence that tolerates about four changed words, or four
to five missing/added ones; in a quote of four tokens or fewer no word may be changed. Below the
threshold the result is ``None``.

Cost: tiers 1 and 2 are single linear scans. Tier 3 tokenises the text once (linear), votes in
``O(len(quote_tokens) * MAX_ANCHOR_OCCURRENCES)`` and scores at most :data:`MAX_CANDIDATES` windows
of about ``len(quote_tokens)`` tokens, so the cost does not grow with the square of the text length.
A 50,000-character article with an absent quote takes a few milliseconds (see
``bench/bench_align.py``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from newsextract.core.schemas import Evidence
from newsextract.lexicon.folding import MATCH_TABLE

__all__ = [
    "MAX_ANCHOR_OCCURRENCES",
    "MAX_CANDIDATES",
    "THRESHOLD",
    "Alignment",
    "align",
    "align_quote",
    "evidence_for",
    "normalize_for_match",
]

THRESHOLD = 0.8
"""Minimum token-level Dice similarity for a fuzzy match."""
MAX_ANCHOR_OCCURRENCES = 64
"""Quote tokens occurring more often than this in the text do not vote for windows (stop words)."""
MAX_CANDIDATES = 8
"""At most this many candidate windows are scored with SequenceMatcher."""

AlignMethod = Literal["exact", "normalized", "fuzzy"]

_TABLE = MATCH_TABLE
_TOKEN = re.compile(r"[^\W_]+")
_WS = re.compile(r"\s+")
_EDGE_PUNCT = 3  # at most this many punctuation characters are added at each end of a fuzzy span


@dataclass(frozen=True, slots=True)
class Alignment:
    """Where a quote was found: ``text[start:end]`` and how well it matched (1.0 unless fuzzy)."""

    start: int
    end: int
    score: float
    method: AlignMethod


def normalize_for_match(s: str) -> str:
    """Return ``s`` normalised for matching, with exactly one output character per input character.

    Curly quotes and apostrophes become ``'``/``"``, hyphen and dash variants ``-``, unusual spaces
    `` ``, and letters are lowercased (a letter whose lowercase form is longer than one character is
    kept as is), so offsets into the result are offsets into ``s``.
    """
    t = s.translate(_TABLE)
    low = t.lower()
    if len(low) == len(t):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in t)


def _nearest(starts: list[int], hint: int) -> int:
    return min(starts, key=lambda s: (abs(s - hint), s))


def _exact(quote: str, text: str, hint: int) -> tuple[int, int] | None:
    """The occurrence of ``quote`` starting nearest to ``hint`` (ties: the earlier). Only the first
    occurrence at or after ``hint`` and the last before it can be nearest, so the search stops there
    instead of listing every occurrence (a sentence repeated through the article has thousands)."""
    hint = min(max(hint, 0), len(text))
    after = text.find(quote, hint)
    lo = 0 if after == -1 else max(0, 2 * hint - after)  # an earlier start must be at least as near
    before = text.rfind(quote, lo, hint - 1 + len(quote)) if hint > 0 else -1
    starts = [s for s in (before, after) if s != -1]
    if not starts:
        return None
    s = _nearest(starts, hint)
    return s, s + len(quote)


def _normalized(quote: str, ntext: str, hint: int) -> tuple[int, int] | None:
    pieces = _WS.split(normalize_for_match(quote))
    pattern = re.compile(r"\s+".join(re.escape(p) for p in pieces if p))
    found = [(m.start(), m.end()) for m in pattern.finditer(ntext)]
    if not found:
        return None
    s = _nearest([f[0] for f in found], hint)
    return next(f for f in found if f[0] == s)


def _dice(matched: int, qlen: int, span_len: int) -> float:
    return 2.0 * matched / (qlen + span_len) if qlen + span_len else 0.0


def _best_in_window(qtoks: list[str], wtoks: list[str]) -> tuple[float, int, int]:
    """Best (score, start, end) token sub-span of ``wtoks`` matching ``qtoks``."""
    sm = SequenceMatcher(None, qtoks, wtoks, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size]
    if not blocks:
        return 0.0, 0, 0
    m = len(qtoks)

    def score(lo: int, hi: int) -> float:
        bs = blocks[lo:hi]
        matched = sum(b.size for b in bs)
        return _dice(matched, m, bs[-1].b + bs[-1].size - bs[0].b)

    lo, hi = 0, len(blocks)
    best = score(lo, hi)
    improved = True
    while improved and hi - lo > 1:
        improved = False
        for nlo, nhi in ((lo + 1, hi), (lo, hi - 1)):
            sc = score(nlo, nhi)
            if sc > best:
                best, lo, hi, improved = sc, nlo, nhi, True
                break
    return best, blocks[lo].b, blocks[hi - 1].b + blocks[hi - 1].size


def _candidate_starts(qtoks: list[str], ttoks: list[str]) -> list[int]:
    """Token offsets in ``ttoks`` where the quote plausibly starts, best first."""
    qset = set(qtoks)
    occ: dict[str, list[int]] = defaultdict(list)
    for p, tok in enumerate(ttoks):
        if tok in qset:
            occ[tok].append(p)
    if not occ:
        return []
    cap = MAX_ANCHOR_OCCURRENCES
    if all(len(v) > cap for v in occ.values()):
        cap = min(len(v) for v in occ.values())  # only frequent tokens: use the rarest ones
    votes: Counter[int] = Counter()
    for j, tok in enumerate(qtoks):
        positions = occ.get(tok)
        if positions and len(positions) <= cap:
            for p in positions:
                votes[p - j] += 1
    if not votes:
        return []
    m = len(qtoks)
    band = max(2, m // 5)
    # Smooth votes over +-band diagonals (insertions/deletions shift the diagonal) in O(k log k).
    diags = sorted(votes)
    smoothed: list[tuple[int, int]] = []
    lo = hi = 0
    running = 0
    for d in diags:
        while hi < len(diags) and diags[hi] <= d + band:
            running += votes[diags[hi]]
            hi += 1
        while diags[lo] < d - band:
            running -= votes[diags[lo]]
            lo += 1
        smoothed.append((running, d))
    smoothed.sort(key=lambda x: (-x[0], x[1]))
    chosen: list[int] = []
    for _, d in smoothed:
        if all(abs(d - c) > max(band, m // 2) for c in chosen):
            chosen.append(d)
            if len(chosen) >= MAX_CANDIDATES:
                break
    return chosen


def _is_punct(c: str) -> bool:
    return not c.isalnum() and not c.isspace()


def _extend_punct(text: str, start: int, end: int, quote: str) -> tuple[int, int]:
    """Grow a token span over punctuation the quote also has at its edges ("$", "%", ".", "”"):
    at most as many characters as the quote has there, and at most ``_EDGE_PUNCT``."""
    q = quote.strip()
    lead = 0
    while lead < min(_EDGE_PUNCT, len(q)) and _is_punct(q[lead]):
        lead += 1
    trail = 0
    while trail < min(_EDGE_PUNCT, len(q)) and _is_punct(q[-1 - trail]):
        trail += 1
    s = start
    while start - s < lead and s > 0 and _is_punct(text[s - 1]):
        s -= 1
    e = end
    while e - end < trail and e < len(text) and _is_punct(text[e]):
        e += 1
    return s, e


def _fuzzy(quote: str, text: str, ntext: str, hint: int, threshold: float) -> Alignment | None:
    qtoks = _TOKEN.findall(normalize_for_match(quote))
    if not qtoks:
        return None
    matches = list(_TOKEN.finditer(ntext))
    ttoks = [mt.group() for mt in matches]
    m = len(qtoks)
    qcount = Counter(qtoks)
    slack = max(2, m // 5)
    best: tuple[float, int, int, int] | None = None  # (score, -distance to hint, start_tok, end_tok)
    for d in _candidate_starts(qtoks, ttoks):
        w0 = max(0, d - slack)
        w1 = min(len(ttoks), d + m + slack)
        wtoks = ttoks[w0:w1]
        # Cheap upper bound before running SequenceMatcher.
        overlap = sum((qcount & Counter(wtoks)).values())
        if _dice(overlap, m, overlap) < threshold:
            continue
        sc, a, b = _best_in_window(qtoks, wtoks)
        if sc < threshold or b <= a:
            continue
        cand = (round(sc, 9), -abs(matches[w0 + a].start() - hint), w0 + a, w0 + b)
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is None:
        return None
    start = matches[best[2]].start()
    end = matches[best[3] - 1].end()
    start, end = _extend_punct(text, start, end, quote)
    return Alignment(start, end, best[0], "fuzzy")


def align(quote: str, text: str, *, hint: int = 0, threshold: float = THRESHOLD) -> Alignment | None:
    """Find ``quote`` in ``text``; see the module docstring for the three tiers.

    Returns an :class:`Alignment` whose ``text[start:end]`` is the best-matching stretch of the
    original text (trimmed of surrounding whitespace for exact/normalized hits), or ``None`` when
    the quote is blank or no stretch reaches ``threshold`` token similarity. Among equally good
    matches the one starting nearest to ``hint`` (a character offset) wins.
    """
    q = quote.strip()
    if not q or not text:
        return None
    hit = _exact(q, text, hint)
    if hit is not None:
        return Alignment(hit[0], hit[1], 1.0, "exact")
    ntext = normalize_for_match(text)
    hit = _normalized(q, ntext, hint)
    if hit is not None:
        return Alignment(hit[0], hit[1], 1.0, "normalized")
    return _fuzzy(q, text, ntext, hint, threshold)


def align_quote(quote: str, text: str, *, hint: int = 0) -> tuple[int, int] | None:
    """Locate a model-produced ``quote`` in ``text``.

    Returns ``(start, end)`` such that ``text[start:end]`` is the stretch of the original text that
    best matches ``quote`` (exact, normalised, or token similarity >= :data:`THRESHOLD`), preferring
    the occurrence nearest to ``hint`` among equally good ones; ``None`` when nothing matches well
    enough. Near-linear in ``len(text)``.
    """
    a = align(quote, text, hint=hint)
    return None if a is None else (a.start, a.end)


def evidence_for(quote: str, text: str, hint: int = 0) -> Evidence | None:
    """An :class:`Evidence` for ``quote`` grounded in ``text`` (its ``quote`` is
    ``text[start:end]``, the original wording, not the model's), or ``None`` when
    :func:`align_quote` finds no match."""
    span = align_quote(quote, text, hint=hint)
    if span is None:
        return None
    start, end = span
    return Evidence(quote=text[start:end], start=start, end=end)
