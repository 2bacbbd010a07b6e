"""Scoring predictions against gold: one-to-one greedy matching per article and kind, by the kind's
identity fields. Pure; the inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import ValidationError

from newsextract.core.schemas import Event, Evidence, StoredEvent
from newsextract.evaluate.gold import GoldArticle, GoldEvent, coerce_prediction, kinds_by_name
from newsextract.evaluate.keys import NameMode, field_agrees, key_fields_of, scored_fields
from newsextract.evaluate.report import MatchedPair, Report

if TYPE_CHECKING:
    from newsextract.extraction import Extraction

__all__ = ["PredictionInput", "score"]

PredictionInput: TypeAlias = "Sequence[Event | Mapping[str, Any]] | Extraction"
#: How good a candidate pair is, best highest: required gold first, then the share of the other fields
#: that agree, then evidence overlap, then the earlier gold and the earlier prediction.
_Rank = tuple[int, float, int, int, int]


def _keys_agree(p: Event, g: Event, names: NameMode) -> bool:
    kind = type(g)
    return p.type == g.type and all(
        field_agrees(k, getattr(p, k, None), getattr(g, k, None), names=names, kind=kind)
        for k in key_fields_of(g)
    )


def _agreement(p: Event, g: Event, names: NameMode) -> float:
    key = key_fields_of(g)
    rest = [f for f in scored_fields(type(g)) if f not in key]
    if not rest:
        return 1.0
    kind = type(g)
    agree = sum(field_agrees(f, getattr(p, f, None), getattr(g, f), names=names, kind=kind) for f in rest)
    return agree / len(rest)


def _overlap(a: Evidence, b: Evidence) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _candidates(
    gold: list[tuple[int, GoldEvent, Event]], preds: list[tuple[int, Event]], names: NameMode
) -> list[tuple[_Rank, int, int]]:
    """Every (prediction, gold) pair whose keys agree, best first, as (rank, gold index, pred index)."""
    cands: list[tuple[_Rank, int, int]] = []
    for j, p in preds:
        for i, g, gev in gold:
            if _keys_agree(p, gev, names):
                rank = (0 if g.optional else 1, _agreement(p, gev, names), _overlap(p.evidence, gev.evidence))
                cands.append(((*rank, -i, -j), i, j))
    cands.sort(reverse=True)
    return cands


def _match_kind(
    aid: str, kind: str, gold: list[GoldEvent], preds: list[Event], names: NameMode, report: Report
) -> None:
    """Match one article's gold events and predictions of one ``kind``, and count them into ``report``."""
    gs = [(i, g, g.event()) for i, g in enumerate(gold)]
    ps = list(enumerate(preds))
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in _candidates(gs, ps, names):
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        g, gev = gs[i][1], gs[i][2]
        if g.optional:
            report.optional_matches += 1
            continue
        p, cls = preds[j], type(gev)
        agree = {
            f: field_agrees(f, getattr(p, f, None), getattr(gev, f), names=names, kind=cls)
            for f in report.field_hits[kind]
        }
        report.add_match(MatchedPair(aid, kind, p, g, agree))
    counts = report.per_type[kind]
    for j, p in ps:
        if j not in used_p:
            counts.fp += 1
            report.false_positives.append((aid, p))
    for i, g, _ in gs:
        if i not in used_g and not g.optional:
            counts.fn += 1
            report.false_negatives.append((aid, g))


def _typed(event: Event, kind: type[Event] | None) -> Event:
    """``event`` as an event of ``kind`` when it was read back without its class (a results file) and
    its stored fields are valid for the kind, so its values compare as the kind's (money, dates);
    otherwise as it is."""
    if kind is None or not isinstance(event, StoredEvent):
        return event
    try:
        return kind.model_validate(event.model_dump())
    except ValidationError:
        return event


def score(
    gold: Sequence[GoldArticle],
    predictions: Mapping[str, PredictionInput],
    *,
    names: NameMode = "relaxed",
    kinds: Iterable[type[Event]] = (),
) -> Report:
    """Score ``predictions`` (article id -> events, event dicts or an :class:`Extraction`) against
    ``gold``, as described in ``newsextract.evaluate``; the built-in kinds, the caller's ``kinds`` and
    the kinds of the gold events are scored (predictions of any other kind are ignored), prediction
    dicts of the caller's ``kinds`` are read by their classes, and events read back without their class
    as events of their kind where valid. Pure; the inputs are not modified.

    Raises ``ValueError`` (``pydantic.ValidationError``) when a prediction dict is not a valid event.
    """
    report = Report(names=names)
    by_name = kinds_by_name(kinds)
    for name, cls in by_name.items():
        report.add_type(name, scored_fields(cls))
    gold_ids = {a.id for a in gold}
    report.unscored_ids = [k for k in predictions if k not in gold_ids]
    for art in gold:
        report.articles += 1
        raw = predictions.get(art.id)
        if raw is None:
            report.missing_ids.append(art.id)
            preds: list[Event] = []
        elif isinstance(raw, Sequence):
            preds = [coerce_prediction(p, by_name) for p in raw]
        else:
            preds = raw.events
        for ev in art.events:
            report.add_type(ev.type, scored_fields(ev.kind))
        for t in report.per_type:
            of_t = [g for g in art.events if g.type == t]
            kind = of_t[0].kind if of_t else by_name.get(t)
            preds_of_t = [_typed(p, kind) for p in preds if p.type == t]
            if of_t or preds_of_t:
                _match_kind(art.id, t, of_t, preds_of_t, names, report)
    return report
