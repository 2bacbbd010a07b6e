"""Gold annotations (docs/GOLD_FORMAT.md): reading, validating and writing them. :func:`load_gold` reads a
file; everything else is pure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from newsextract.core.schemas import Event, Evidence
from newsextract.evaluate.keys import BUILTIN_BY_NAME, EVENT_TYPE_NAMES, Kinds, fields_of

if TYPE_CHECKING:
    from newsextract.extraction import Extraction

__all__ = [
    "GoldArticle",
    "GoldEvent",
    "coerce_prediction",
    "kinds_by_name",
    "load_gold",
    "parse_gold",
    "to_gold_article",
    "to_gold_events",
]

_RESERVED = frozenset({"type", "quote", "start", "end", "optional", "fields"})
#: (``GoldEvent`` has a field named ``type``, which hides the builtin in its body.)
EventClass = type[Event]


def _type_name(kind: type[Event]) -> str:
    """The ``type`` a kind's events carry: the default of its ``type`` field, else its class name."""
    default = kind.model_fields["type"].default
    return default if isinstance(default, str) and default else kind.__name__


def kinds_by_name(kinds: Iterable[type[Event]]) -> dict[str, type[Event]]:
    """The built-in kinds and the caller's ``kinds`` (which take the place of a built-in of the same
    type), by the ``type`` their events carry."""
    return {**BUILTIN_BY_NAME, **{_type_name(k): k for k in kinds}}


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
        given = info.context.get("kinds") if isinstance(info.context, dict) else None
        kinds: Kinds = given if given is not None else BUILTIN_BY_NAME
        self._kind = kinds.get(self.type)
        if self._kind is None:
            raise ValueError(
                f"unknown event type {self.type!r}: one of {', '.join(EVENT_TYPE_NAMES)}, or a kind passed "
                "as kinds=[...]"
            )
        unknown = set(self.fields) - set(fields_of(self.type, kinds))
        if unknown:
            raise ValueError(f"unknown {self.type} fields: {sorted(unknown)}")
        self.event()  # validates the field values
        return self

    @property
    def kind(self) -> EventClass:
        """The class of the event this annotation describes."""
        return self._kind or BUILTIN_BY_NAME[self.type]

    def event(self) -> Event:
        """The typed event this annotation describes, with its evidence."""
        data = {**self.fields, "type": self.type}
        data["evidence"] = {"quote": self.quote, "start": self.start, "end": self.end}
        return self.kind.model_validate(data)

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
    context = {"kinds": kinds_by_name(kinds)}
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


def to_gold_events(events: Extraction | Sequence[Event], *, optional: bool = False) -> list[dict[str, Any]]:
    """Events (or an :class:`Extraction`'s events, in text order) as flat gold-format dicts, ready
    for ``json.dumps``: fields in JSON mode (Money as ``{"amount": ..., "currency": ...}``, dates as
    ISO strings), plus quote/start/end from the evidence and ``optional``. Flags are dropped."""
    evs = list(events) if isinstance(events, Sequence) else events.events
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
    id: str, events: Extraction | Sequence[Event], *, published: dt.date | str | None = None
) -> dict[str, Any]:
    """One gold JSONL record (as a dict) for article ``id`` holding ``events``."""
    pub = published.isoformat() if isinstance(published, dt.date) else published
    return {"id": id, "published": pub, "events": to_gold_events(events)}


def _json_number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def coerce_prediction(pred: Event | Mapping[str, Any], kinds: Kinds) -> Event:
    """A prediction as a typed event: events pass through; dicts may be full event dumps (with
    ``evidence``) or flat gold-format dicts (with quote/start/end; ``optional`` is ignored), read by the
    class of their ``type`` in ``kinds``. Raises ``ValueError`` for a type that is not in ``kinds``, and
    ``pydantic.ValidationError`` (a ``ValueError``) for values that are not valid for the kind."""
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
    if kind is None:
        raise ValueError(f"a prediction of unknown type {data.get('type')!r}: pass its kind as kinds=[...]")
    return kind.model_validate(data)
