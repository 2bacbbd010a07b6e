"""Filters that remove a grounded event for what it is, not for what it lacks. Pure.

Each filter returns a reason a user can read, or None to keep the event; the caller records every
removal in ``meta.dropped``. Filters run the same on every strategy.

* History: an executive change whose evidence dates it in a year two or more years before the
  publication date ("stepped down as chairman in 2019" in a 2023 article) is the person's background,
  not news, unless the sentence also names a day within a year of publication. Years come from
  :func:`newsextract.normalize.dates.past_years`.
"""

from __future__ import annotations

import datetime as dt

from newsextract.core.schemas import Event
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.normalize.dates import find_dates, past_years

#: An executive change dated this many years or more before publication is history.
HISTORY_YEARS = 2


def history_reason(event: Event, published: dt.date | None) -> str | None:
    """Why ``event`` is background rather than news, or None. Needs ``published``."""
    if published is None or not isinstance(event, ExecutiveChange):
        return None
    quote = event.evidence.quote
    years = past_years(quote)
    recent = any(
        m.value is not None and abs((m.value - published).days) <= 366 for m in find_dates(quote, published)
    )
    if years and not recent and max(years) <= published.year - HISTORY_YEARS:
        return (
            f"dated {max(years)}, {published.year - max(years)} years before publication ({published}): "
            "the person's history, not news"
        )
    return None


def filter_reason(event: Event, published: dt.date | None) -> str | None:
    """The first filter's reason to remove ``event``, or None to keep it."""
    return history_reason(event, published)
