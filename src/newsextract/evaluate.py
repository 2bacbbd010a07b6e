"""Score predicted events against hand-written gold annotations.

Gold format (docs/GOLD_FORMAT.md): JSONL, one article a line::

    {"id": ..., "published": "YYYY-MM-DD" | null,
     "events": [{"type": ..., <fields>, "quote": ..., "start": ..., "end": ..., "optional": false}]}

Matching, per article and per event type, is one-to-one and greedy: every (prediction, gold) pair
whose *key fields* agree is a candidate; candidates are taken best first, ordered by non-optional
gold before optional gold, then by the share of the remaining fields that agree, then by overlap
of the predicted evidence with the gold quote span, then by position. Key fields:

* ``ShareSale``: ``seller`` and ``company``;
* ``ExecutiveChange``: ``person`` and ``change``;
* ``StockMove``: ``company``, ``direction`` and ``market`` (None matches only None);
* a caller's own kind (``newsextract.kinds``): its identity fields. Its gold events are read and its
  predictions scored when the kind is passed (``parse_gold(..., kinds=[...])``, ``score(..., kinds=[...])``).

Names (``seller``, ``company``, ``person``, ``predecessor``) compare under ``names``:

* ``"strict"``: equal after trimming, case-insensitively;
* ``"relaxed"``: :func:`newsextract.dedupe.names_match`: case, punctuation, possessives and
  corporate suffixes ignored, and one name's tokens contained in the other's ("Ma" ~ "Jack Ma",
  "Alibaba Group Holding" ~ "Alibaba"). Markets compare by alias group in relaxed mode ("NYSE" ~
  "New York" ~ "US"), periods without a leading preposition ("on Thursday" ~ "Thursday") and roles
  by :func:`newsextract.dedupe.roles_match`; in strict mode these are equal after trimming,
  case-insensitively.

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
here does I/O.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from newsextract.core.schemas import Event, Evidence, Money, StoredEvent
from newsextract.dedupe import markets_match, names_match, normalize_period, roles_match
from newsextract.extraction import Extraction
from newsextract.kinds.builtin import EVENT_TYPES, BuiltinEvent
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.spec import kind_spec
from newsextract.kinds.stock_move import StockMove

__all__ = [
    "EVENT_TYPE_NAMES",
    "FIELDS",
    "KEY_FIELDS",
    "Counts",
    "GoldArticle",
    "GoldEvent",
    "MatchedPair",
    "NameMode",
    "Report",
    "field_agrees",
    "load_gold",
    "parse_gold",
    "score",
    "to_gold_article",
    "to_gold_events",
]

AnyEvent = ShareSale | ExecutiveChange | StockMove
NameMode = Literal["strict", "relaxed"]
EventType = Literal["ShareSale", "ExecutiveChange", "StockMove"]
EVENT_TYPE_NAMES: tuple[EventType, ...] = ("ShareSale", "ExecutiveChange", "StockMove")

KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "ShareSale": ("seller", "company"),
    "ExecutiveChange": ("person", "change"),
    "StockMove": ("company", "direction", "market"),
}
"""Fields that must agree for a prediction to match a gold event."""

_NON_FIELDS = frozenset({"type", "evidence", "flags"})
FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f for f in cls.model_fields if f not in _NON_FIELDS) for name, cls in EVENT_TYPES.items()
}
"""Per type, the event fields scored for accuracy (everything but type, evidence and flags)."""

_NAME_FIELDS = frozenset({"seller", "company", "person", "predecessor"})
_RESERVED = frozenset({"type", "quote", "start", "end", "optional", "fields"})
_EVENT_ADAPTER: TypeAdapter[AnyEvent] = TypeAdapter(BuiltinEvent)
Kinds = Mapping[str, type[Event]]
EventClass = type[Event]


def _kinds_of(kinds: Iterable[type[Event]]) -> dict[str, type[Event]]:
    return {k.__name__: k for k in kinds}


def fields_of(type_name: str, kinds: Kinds | None = None) -> tuple[str, ...]:
    """The scored fields of a built-in type or of a caller's kind in ``kinds``. KeyError if neither."""
    if type_name in FIELDS:
        return FIELDS[type_name]
    cls = (kinds or {})[type_name]
    return tuple(f for f in cls.model_fields if f not in _NON_FIELDS)


def key_fields_of(event: Event) -> tuple[str, ...]:
    """The fields that must agree for ``event`` to match: :data:`KEY_FIELDS` for the built-ins, a
    caller's kind's identity fields (an event read back without its class: all its fields)."""
    if event.type in KEY_FIELDS:
        return KEY_FIELDS[event.type]
    if isinstance(event, StoredEvent):
        return tuple(k for k in event.model_dump() if k not in _NON_FIELDS)
    return kind_spec(type(event)).identity


# --- gold models --------------------------------------------------------------------------------


class GoldEvent(BaseModel):
    """One annotated event. On disk its fields sit flat next to type/quote/start/end/optional; in
    memory they are collected in ``fields`` (JSON values, exactly as in the file)."""

    model_config = ConfigDict(extra="forbid")

    #: a built-in type, or a caller's kind passed to ``parse_gold(..., kinds=[...])``
    type: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    optional: bool = False
    fields: dict[str, Any] = Field(default_factory=dict)
    _kind: EventClass | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _collect_fields(cls, data: Any) -> Any:
        if isinstance(data, dict) and "fields" not in data:
            data = dict(data)
            data["fields"] = {k: data.pop(k) for k in list(data) if k not in _RESERVED}
        return data

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> GoldEvent:
        if self.end < self.start or self.end - self.start != len(self.quote):
            raise ValueError(
                f"start/end {self.start}/{self.end} do not fit a quote of {len(self.quote)} chars"
            )
        kinds: Kinds = (info.context or {}).get("kinds", {}) if isinstance(info.context, dict) else {}
        if self.type not in FIELDS and self.type not in kinds:
            raise ValueError(
                f"unknown event type {self.type!r}: one of {', '.join(EVENT_TYPE_NAMES)}, or a kind passed "
                "as kinds=[...]"
            )
        self._kind = kinds.get(self.type)
        unknown = set(self.fields) - set(fields_of(self.type, kinds))
        if unknown:
            raise ValueError(f"unknown {self.type} fields: {sorted(unknown)}")
        self.event()  # validates the field values
        return self

    def event(self) -> Event:
        """The typed event this annotation describes, with its evidence."""
        data = {**self.fields, "type": self.type}
        data["evidence"] = {"quote": self.quote, "start": self.start, "end": self.end}
        if self._kind is not None:
            return self._kind.model_validate(data)
        return _EVENT_ADAPTER.validate_python(data)

    def to_json_dict(self) -> dict[str, Any]:
        """The flat on-disk form of this annotation."""
        return {
            "type": self.type,
            **self.fields,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "optional": self.optional,
        }


class GoldArticle(BaseModel):
    """One line of a gold JSONL file: an article id, its publication date and its events."""

    model_config = ConfigDict(extra="forbid")

    id: str
    published: dt.date | None = None
    events: list[GoldEvent] = Field(default_factory=list)

    def check_against(self, text: str) -> list[str]:
        """Problems with this annotation's quotes against the article ``text``: each must satisfy
        ``text[start:end] == quote``. Returns an empty list when all do."""
        return [
            f"{self.id} event {i} ({ev.type}): text[{ev.start}:{ev.end}] != quote {ev.quote!r}"
            for i, ev in enumerate(self.events)
            if text[ev.start : ev.end] != ev.quote
        ]


def parse_gold(
    lines: Iterable[str], *, source: str = "<gold>", kinds: Iterable[type[Event]] = ()
) -> list[GoldArticle]:
    """Parse gold JSONL lines (blank lines are skipped); events of the caller's ``kinds`` are read by
    their classes. Raises ``ValueError`` naming the source and line number on malformed JSON or invalid
    annotations (an unknown type included), and on duplicate article ids."""
    out: list[GoldArticle] = []
    seen: set[str] = set()
    context = {"kinds": _kinds_of(kinds)}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            art = GoldArticle.model_validate(json.loads(line), context=context)
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ValueError(f"{source}:{n}: {exc}") from exc
        if art.id in seen:
            raise ValueError(f"{source}:{n}: duplicate article id {art.id!r}")
        seen.add(art.id)
        out.append(art)
    return out


def load_gold(path: str | os.PathLike[str], *, kinds: Iterable[type[Event]] = ()) -> list[GoldArticle]:
    """Read a gold JSONL file (UTF-8) into validated :class:`GoldArticle` objects, in file order."""
    with open(path, encoding="utf-8") as fh:
        return parse_gold(fh, source=os.fspath(path), kinds=kinds)


# --- conversion helpers -------------------------------------------------------------------------


def to_gold_events(
    events: Extraction | Sequence[AnyEvent], *, optional: bool = False
) -> list[dict[str, Any]]:
    """Events (or an :class:`Extraction`'s events, in text order) as flat gold-format dicts, ready
    for ``json.dumps``: fields in JSON mode (Money as ``{"amount": ..., "currency": ...}``, dates as
    ISO strings), plus quote/start/end from the evidence and ``optional``. Flags are dropped."""
    evs = events.events if isinstance(events, Extraction) else list(events)
    out: list[dict[str, Any]] = []
    for ev in evs:
        data = ev.model_dump(mode="json", exclude={"evidence", "flags"})
        for k, v in list(data.items()):
            if isinstance(v, dict) and "amount" in v:
                v = {**v, "amount": _json_number(Decimal(str(v["amount"])))}
                if v.get("qualifier") is None:
                    v.pop("qualifier", None)
                data[k] = v
        data.update(quote=ev.evidence.quote, start=ev.evidence.start, end=ev.evidence.end, optional=optional)
        out.append(data)
    return out


def to_gold_article(
    id: str, events: Extraction | Sequence[AnyEvent], *, published: dt.date | str | None = None
) -> dict[str, Any]:
    """One gold JSONL record (as a dict) for article ``id`` holding ``events``."""
    pub = published.isoformat() if isinstance(published, dt.date) else published
    return {"id": id, "published": pub, "events": to_gold_events(events)}


def _json_number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _coerce(pred: Event | Mapping[str, Any], kinds: Kinds) -> Event:
    """A prediction as a typed event: events pass through; dicts may be full event dumps (with
    ``evidence``) or flat gold-format dicts (with quote/start/end; ``optional`` is ignored)."""
    if isinstance(pred, Event):
        return pred
    data = dict(pred)
    data.pop("optional", None)
    if "evidence" not in data:
        quote = str(data.pop("quote", ""))
        start = int(data.pop("start", 0))
        end = int(data.pop("end", start + len(quote)))
        data["evidence"] = Evidence(quote=quote, start=start, end=end)
    kind = kinds.get(str(data.get("type")))
    return kind.model_validate(data) if kind is not None else _EVENT_ADAPTER.validate_python(data)


# --- comparison ---------------------------------------------------------------------------------


def _fold(s: str) -> str:
    return " ".join(s.split()).casefold()


def field_agrees(name: str, a: Any, b: Any, *, names: NameMode = "relaxed") -> bool:
    """Whether field ``name`` agrees between two events' values under the rules in the module
    docstring (None agrees only with None)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, Money) and isinstance(b, Money):
        return a.amount == b.amount and a.currency.strip().upper() == b.currency.strip().upper()
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if (
        isinstance(a, float | int)
        and isinstance(b, float | int)
        and (isinstance(a, float) or isinstance(b, float))
    ):
        return math.isclose(float(a), float(b), abs_tol=0.01)
    if isinstance(a, str) and isinstance(b, str):
        if names == "strict":
            return _fold(a) == _fold(b)
        if name in _NAME_FIELDS:
            return names_match(a, b)
        if name == "market":
            return markets_match(a, b)
        if name == "period":
            return normalize_period(a) == normalize_period(b)
        if name == "role":
            return roles_match(a, b)
        if name == "ticker":
            return a.strip().upper().split(".")[0] == b.strip().upper().split(".")[0]
        return _fold(a) == _fold(b)
    return bool(a == b)


def _keys_agree(p: Event, g: Event, names: NameMode) -> bool:
    return p.type == g.type and all(
        field_agrees(k, getattr(p, k, None), getattr(g, k, None), names=names) for k in key_fields_of(g)
    )


def _agreement(p: Event, g: Event, names: NameMode) -> float:
    key = key_fields_of(g)
    rest = [f for f in type(g).model_fields if f not in _NON_FIELDS and f not in key]
    if not rest:
        return 1.0
    return sum(field_agrees(f, getattr(p, f, None), getattr(g, f), names=names) for f in rest) / len(rest)


def _overlap(a: Evidence, b: Evidence) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


# --- report -------------------------------------------------------------------------------------


@dataclass
class Counts:
    """True positive, false positive and false negative counts, with derived metrics."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp); None (undefined, "n/a") when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn); None (undefined, "n/a") when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2tp / (2tp + fp + fn): the harmonic mean of precision and recall where both are defined;
        None when there was nothing to find and nothing was predicted."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    def add(self, other: Counts) -> None:
        """Add ``other``'s counts to these (in place)."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict[str, float | int | None]:
        """Counts and metrics as plain JSON."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(frozen=True)
class MatchedPair:
    """A prediction matched to a gold event; ``field_agreement`` maps every scored field to
    whether it agrees."""

    article_id: str
    type: str
    predicted: Event
    gold: GoldEvent
    field_agreement: dict[str, bool]


@dataclass
class Report:
    """Result of :func:`score`: micro-averaged counts per type and overall, field accuracy on
    true-positive pairs, and the individual matches and errors for inspection."""

    names: NameMode
    per_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in EVENT_TYPE_NAMES})
    field_hits: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: {t: {f: [0, 0] for f in FIELDS[t]} for t in EVENT_TYPE_NAMES}
    )
    matches: list[MatchedPair] = field(default_factory=list)
    optional_matches: int = 0
    false_positives: list[tuple[str, Event]] = field(default_factory=list)
    false_negatives: list[tuple[str, GoldEvent]] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    unscored_ids: list[str] = field(default_factory=list)
    articles: int = 0

    @property
    def overall(self) -> Counts:
        """Micro-averaged counts over all types."""
        total = Counts()
        for c in self.per_type.values():
            total.add(c)
        return total

    def field_accuracy(self) -> dict[str, dict[str, float | None]]:
        """Per type and field, the fraction of true-positive pairs where the field agrees (None
        when the type has no true positives)."""
        return {
            t: {f: (hit / n if n else None) for f, (hit, n) in fields.items()}
            for t, fields in self.field_hits.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON: counts and metrics per type and overall, field accuracy (with
        the number of pairs), optional matches, missing and unscored article ids."""
        return {
            "names": self.names,
            "articles": self.articles,
            "overall": self.overall.to_dict(),
            "per_type": {t: c.to_dict() for t, c in self.per_type.items()},
            "field_accuracy": {
                t: {f: {"accuracy": (h / n if n else None), "pairs": n} for f, (h, n) in fields.items()}
                for t, fields in self.field_hits.items()
            },
            "optional_matches": self.optional_matches,
            "false_positives": [
                {"id": aid, "type": ev.type, "quote": ev.evidence.quote} for aid, ev in self.false_positives
            ],
            "false_negatives": [
                {"id": aid, "type": g.type, "quote": g.quote} for aid, g in self.false_negatives
            ],
            "missing_ids": list(self.missing_ids),
            "unscored_ids": list(self.unscored_ids),
        }

    def table(self) -> str:
        """A plain-text table: P/R/F1 with counts per type and overall, then field accuracy."""
        lines = [
            f"names={self.names}  articles={self.articles}  optional matches={self.optional_matches}",
            "",
            f"{'type':<16} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8} {'f1':>6}",
        ]
        rows = [*self.per_type.items(), ("overall", self.overall)]
        for name, c in rows:
            if name == "overall":
                lines.append("-" * 58)
            lines.append(
                f"{name:<16} {c.tp:>4} {c.fp:>4} {c.fn:>4} "
                f"{_metric(c.precision):>10} {_metric(c.recall):>8} {_metric(c.f1):>6}"
            )
        lines += ["", f"{'field accuracy (on tp pairs)':<40} {'acc':>6} {'pairs':>6}"]
        for t, fields in self.field_hits.items():
            for f, (hit, n) in fields.items():
                acc = f"{hit / n:.3f}" if n else "-"
                lines.append(f"{t + '.' + f:<40} {acc:>6} {n:>6}")
        if self.missing_ids:
            lines += ["", f"no predictions for: {', '.join(self.missing_ids)}"]
        if self.unscored_ids:
            lines += ["", f"ignored (not in gold): {', '.join(self.unscored_ids)}"]
        return "\n".join(lines)


def _metric(value: float | None) -> str:
    """A metric for the table: three decimals, or "n/a" when undefined."""
    return "n/a" if value is None else f"{value:.3f}"


# --- scoring ------------------------------------------------------------------------------------

PredictionInput = Sequence[AnyEvent | Mapping[str, Any]] | Extraction


def _match_article(
    aid: str, gold: list[GoldEvent], preds: list[Event], names: NameMode, report: Report
) -> None:
    extra = dict.fromkeys(g.type for g in gold if g.type not in EVENT_TYPE_NAMES)
    for t in [*EVENT_TYPE_NAMES, *extra]:
        if t not in report.per_type:  # a caller's kind: counted from its first gold event on
            gold_of_t = next(g for g in gold if g.type == t).event()
            report.per_type[t] = Counts()
            report.field_hits[t] = {f: [0, 0] for f in type(gold_of_t).model_fields if f not in _NON_FIELDS}
        gs = [(i, g, g.event()) for i, g in enumerate(gold) if g.type == t]
        ps = [(j, p) for j, p in enumerate(preds) if p.type == t]
        cands: list[tuple[tuple[int, float, int, int, int], int, int]] = []
        for j, p in ps:
            for i, g, gev in gs:
                if _keys_agree(p, gev, names):
                    key = (
                        0 if g.optional else 1,
                        _agreement(p, gev, names),
                        _overlap(p.evidence, gev.evidence),
                        -i,
                        -j,
                    )
                    cands.append((key, i, j))
        cands.sort(reverse=True)
        used_g: set[int] = set()
        used_p: set[int] = set()
        counts = report.per_type[t]
        gold_by_i = {i: (g, gev) for i, g, gev in gs}
        pred_by_j = dict(ps)
        for _, i, j in cands:
            if i in used_g or j in used_p:
                continue
            used_g.add(i)
            used_p.add(j)
            g, gev = gold_by_i[i]
            if g.optional:
                report.optional_matches += 1
                continue
            counts.tp += 1
            p = pred_by_j[j]
            scored = report.field_hits[t]
            agree = {f: field_agrees(f, getattr(p, f, None), getattr(gev, f), names=names) for f in scored}
            for f, ok in agree.items():
                report.field_hits[t][f][0] += int(ok)
                report.field_hits[t][f][1] += 1
            report.matches.append(MatchedPair(aid, t, p, g, agree))
        for j, p in ps:
            if j not in used_p:
                counts.fp += 1
                report.false_positives.append((aid, p))
        for i, g, _ in gs:
            if i not in used_g and not g.optional:
                counts.fn += 1
                report.false_negatives.append((aid, g))


def score(
    gold: Sequence[GoldArticle],
    predictions: Mapping[str, PredictionInput],
    *,
    names: NameMode = "relaxed",
    kinds: Iterable[type[Event]] = (),
) -> Report:
    """Score ``predictions`` (article id -> events, event dicts or an :class:`Extraction`) against
    ``gold``, as described in the module docstring; prediction dicts of the caller's ``kinds`` are read
    by their classes. Pure; the inputs are not modified.

    Raises ``pydantic.ValidationError`` when a prediction dict is not a valid event.
    """
    report = Report(names=names)
    by_name = _kinds_of(kinds)
    gold_ids = {a.id for a in gold}
    report.unscored_ids = [k for k in predictions if k not in gold_ids]
    for art in gold:
        report.articles += 1
        raw = predictions.get(art.id)
        if raw is None:
            report.missing_ids.append(art.id)
            preds: list[Event] = []
        elif isinstance(raw, Extraction):
            preds = raw.events
        else:
            preds = [_coerce(p, by_name) for p in raw]
        _match_article(art.id, art.events, preds, names, report)
    return report
