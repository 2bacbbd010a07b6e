"""No stage of the embedded path takes super-linear time in the article's length (issue 10, item 6).

Each hostile pattern is run at 10 KB and at 100 KB through the whole embedded path without a model
(candidates, questions, rules, grounding, normalisation, de-duplication); ten times the text must
cost well under a hundred times the time. The figure is a ratio of CPU times (the path is single-threaded,
so other load on the machine does not count), of the fastest of a few runs, each on a text of its own
(so no memo from an earlier run helps); runs repeat only while the ratio is over the limit. Linear code
measures about 10, quadratic code near 100.
``bench/bench_growth.py`` prints the same ratios.
"""

from __future__ import annotations

import pytest
from tests.support.hostile_text import PATTERNS, run_embedded

SMALL, BIG = 10_000, 100_000
LIMIT = 25.0  # linear code measures ~8-12 here; quadratic ~100
RUNS = 3


def _timed(text: str, run: int) -> float:
    seconds, requests, _ = run_embedded(f"{text}\n\nEnd of run {run}.")
    assert requests == 0, "the growth test times rules only: a pattern must need no model call"
    return seconds


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_ten_times_the_text_costs_about_ten_times_the_time(name: str) -> None:
    small, big = PATTERNS[name](SMALL), PATTERNS[name](BIG)
    _timed(small, -1)  # warm up: imports, compiled patterns, prompt templates
    small_best = min(_timed(small, i) for i in range(RUNS))
    big_best = float("inf")
    for i in range(RUNS):
        big_best = min(big_best, _timed(big, i))
        if big_best / small_best < LIMIT:
            break
    ratio = big_best / small_best
    assert ratio < LIMIT, f"{name}: {BIG:,} chars took {ratio:.1f}x the time of {SMALL:,} ({big_best:.2f} s)"


def test_every_pattern_has_events_to_check() -> None:
    """The patterns exercise grounding and de-duplication, not only candidate finding."""
    for name, make in PATTERNS.items():
        _, requests, events = run_embedded(make(SMALL))
        assert requests == 0, name
        assert events >= 1 or name == "sale_no_issuer", name  # that one names no company: no event
