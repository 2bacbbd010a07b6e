"""Score predicted events against hand-written gold annotations.

Gold format (docs/GOLD_FORMAT.md): JSONL, one article a line::

    {"id": ..., "published": "YYYY-MM-DD" | null,
     "events": [{"type": ..., <fields>, "quote": ..., "start": ..., "end": ..., "optional": false}]}

Matching, per article and per kind, is one-to-one and greedy: every (prediction, gold) pair whose *key
fields* agree is a candidate; candidates are taken best first, ordered by non-optional gold before
optional gold, then by the share of the remaining fields that agree, then by overlap of the predicted
evidence with the gold quote span, then by position. The key fields of a kind are its identity fields
(``newsextract.kinds.identity``), the same for the built-ins and a caller's own kinds: ``ShareSale``
seller and company; ``ExecutiveChange`` person and change; ``StockMove`` company, market and direction
(:data:`KEY_FIELDS`; a key field left unset agrees only with unset). A caller's kind's gold events are
read and its predictions scored when the kind is passed (``parse_gold(..., kinds=[...])``,
``score(..., kinds=[...])``; the kinds of the gold events are always scored).

Values compare by the meaning of their field's role (``newsextract.dedupe.compare``), under ``names``:

* ``"relaxed"``: names and parties by their words (case, punctuation, possessives and corporate
  suffixes ignored, one name's words contained in the other's: "Ma" ~ "Jack Ma", "Alibaba Group
  Holding" ~ "Alibaba"); markets by alias group ("NYSE" ~ "New York" ~ "US"); periods without a leading
  preposition ("on Thursday" ~ "Thursday"); roles by words or acronym ("CTO" ~ "chief technology
  officer"); tickers ignoring case and a one-sided exchange suffix; other text folded;
* ``"strict"``: every string equal after trimming, case-insensitively.

Counting: a prediction matched to a non-optional gold event is a true positive; one matched to an
``optional`` gold event counts for nothing; an unmatched prediction is a false positive; an
unmatched non-optional gold event is a false negative (an unmatched optional one is not).
Precision is ``tp / (tp + fp)``, undefined (``None``, shown "n/a") when nothing was predicted: a type
the model never predicts has no precision, not a perfect one. Recall is ``tp / (tp + fn)``, ``None``
when there is nothing to find. F1 is ``2tp / (2tp + fp + fn)`` (the harmonic mean of the two where
both are defined; 0.0 when one is 0 or undefined and the other side has errors), ``None`` only when
there was nothing to find and nothing predicted.

Field accuracy, over true-positive pairs only, per type and field: the fraction of pairs where the
field agrees. Money agrees when amount (exact Decimal) and currency agree (the qualifier is
ignored); floats within 0.01; dates exactly; None only with None.

Gold articles without predictions count as predicting nothing; predictions for ids not in the gold
set are ignored and listed in :attr:`Report.unscored_ids`. Apart from :func:`load_gold`, nothing
here does I/O. The parts: ``gold`` (reading and writing annotations), ``keys`` (what is compared, and
how), ``match`` (the matching), ``report`` (counts and their rendering).
"""

from __future__ import annotations

from newsextract.evaluate.gold import (
    GoldArticle,
    GoldEvent,
    load_gold,
    parse_gold,
    to_gold_article,
    to_gold_events,
)
from newsextract.evaluate.keys import EVENT_TYPE_NAMES, FIELDS, KEY_FIELDS, NameMode, field_agrees
from newsextract.evaluate.match import PredictionInput, score
from newsextract.evaluate.report import Counts, MatchedPair, Report

__all__ = [
    "EVENT_TYPE_NAMES",
    "FIELDS",
    "KEY_FIELDS",
    "Counts",
    "GoldArticle",
    "GoldEvent",
    "MatchedPair",
    "NameMode",
    "PredictionInput",
    "Report",
    "field_agrees",
    "load_gold",
    "parse_gold",
    "score",
    "to_gold_article",
    "to_gold_events",
]
