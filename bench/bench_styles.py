"""Per-style F1 and requests per article of a capable model answering from the gold, through the real client.

A scripted endpoint on 127.0.0.1 (``tests/support/gold_model.py``) answers every article of the seeds and
the three held-out sets from their gold annotations, in each style capable models write in (values as
written or canonical, quotes misquoted, names in other forms, events in the wrong list, an unstated field,
an invented event, an injected instruction). The table shows what ``newsextract`` keeps of those correct
answers (F1 against the gold, relaxed names), field accuracy on matched events, and what it costs in
requests. Run: ``.venv/bin/python bench/bench_styles.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.gold_model import STYLES, load_cases, run_style


def main() -> None:
    cases = load_cases()
    print(f"{len(cases)} articles (seeds + heldout + heldout2 + heldout3)")
    print(f"{'style':<16} {'F1':>6} {'P':>6} {'R':>6} {'fields':>7} {'req/art':>8} {'errors':>7}")
    for style in STYLES:
        run = run_style(style, cases)
        o = run.report.overall
        hits = [h for t in run.report.field_hits.values() for h in t.values()]
        ok, n = sum(h[0] for h in hits), sum(h[1] for h in hits)
        acc = ok / n if n else 1.0
        print(
            f"{style:<16} {o.f1:>6.3f} {o.precision:>6.3f} {o.recall:>6.3f} {acc:>7.3f} "
            f"{run.requests_per_article:>8.2f} {len(run.errors):>7}"
        )


if __name__ == "__main__":
    main()
