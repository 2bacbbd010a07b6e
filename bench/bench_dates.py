"""Relative dates: newsextract.normalize.dates next to dateparser, side by side in one run.

Each phrase is resolved against one publication date (Thursday 2024-03-14) by both, and compared with
the answer the library's documented rules (and the gold annotations' conventions) call for: a single
day, or None when the phrase names no single day ("in October", "last week", "overnight"). Prints
agreement and the time per call of each. Needs ``dateparser`` (a dev dependency).
Run: ``.venv/bin/python bench/bench_dates.py``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsextract.normalize.dates import resolve_date

PUBLISHED = dt.date(2024, 3, 14)  # a Thursday
D = dt.date
CASES: list[tuple[str, dt.date | None]] = [
    ("two days ago", D(2024, 3, 12)),
    ("2 days ago", D(2024, 3, 12)),
    ("a week ago", D(2024, 3, 7)),
    ("three weeks ago", D(2024, 2, 22)),
    ("a fortnight ago", D(2024, 2, 29)),
    ("yesterday", D(2024, 3, 13)),
    ("the day before yesterday", D(2024, 3, 12)),
    ("last Thursday", D(2024, 3, 7)),
    ("on Thursday", D(2024, 3, 14)),
    ("this Tuesday", D(2024, 3, 12)),
    ("Aug. 7", D(2023, 8, 7)),
    ("December 15 last year", D(2023, 12, 15)),
    ("April 1, 2023", D(2023, 4, 1)),
    ("in October", None),
    ("last week", None),
    ("two months ago", None),
    ("overnight", None),
]


def main() -> None:
    try:
        import dateparser
    except ImportError:
        print("dateparser not installed: pip install dateparser")
        return
    settings = {"RELATIVE_BASE": dt.datetime.combine(PUBLISHED, dt.time()), "PREFER_DATES_FROM": "past"}

    def theirs(phrase: str) -> dt.date | None:
        got = dateparser.parse(phrase, settings=settings)  # type: ignore[arg-type]
        return got.date() if got else None

    def ours(phrase: str) -> dt.date | None:
        return resolve_date(phrase, PUBLISHED)

    theirs("warm up")  # dateparser loads its language data on first use
    print(f"{'phrase':<26} {'expected':>11} {'newsextract':>12} {'dateparser':>11}")
    totals = {"newsextract": [0, 0.0], "dateparser": [0, 0.0]}
    for phrase, expected in CASES:
        row = []
        for name, fn in (("newsextract", ours), ("dateparser", theirs)):
            t0 = time.perf_counter()
            for _ in range(20):
                got = fn(phrase)
            totals[name][1] += (time.perf_counter() - t0) / 20
            totals[name][0] += got == expected
            row.append(f"{got or '-'!s:>11}{'' if got == expected else '*'}")
        print(f"{phrase:<26} {expected or '-'!s:>11} {row[0]:>12} {row[1]:>11}")
    n = len(CASES)
    for name, (ok, secs) in totals.items():
        print(f"{name:<12} agrees on {ok}/{n}, {secs / n * 1e6:,.0f} us per phrase")


if __name__ == "__main__":
    main()
