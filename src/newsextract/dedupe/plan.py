"""What de-duplication and evaluation read from a kind, derived once per class from its fields: how each
field compares (by its role), which fields are its identity, which values move on over a story
(``kinds.identity.Progress``), and what counts towards a mention's completeness. Pure.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic.fields import FieldInfo

from newsextract.core.schemas import Event
from newsextract.dedupe.compare import INDEXABLE, Comparison
from newsextract.kinds.identity import Progress
from newsextract.kinds.spec import FieldSpec, kind_spec

__all__ = ["FieldPlan", "KindPlan", "plan_of"]

#: How the values of a field of each role compare (``dedupe.compare``).
BY_ROLE: dict[str, Comparison] = {
    "name": "name",
    "person": "name",
    "party": "name",
    "role": "role",
    "market": "market",
    "period": "period",
    "ticker": "code",
    "text": "text",
    "money": "money",
    "percent": "number",
    "quantity": "equal",
    "date": "equal",
    "choice": "equal",
    "flag": "equal",
}


@dataclass(frozen=True)
class FieldPlan:
    """One field of a kind, as de-duplication and evaluation read it."""

    name: str
    how: Comparison
    identity: bool
    #: not required: whether it is set counts towards a mention's completeness
    optional: bool
    #: the value when the article does not state it (None for a required field)
    default: Any
    progress: Progress | None = None

    def stated(self, value: Any) -> bool:
        """True when ``value`` says more than the field's default."""
        return value is not None and (self.default is None or value != self.default)


@dataclass(frozen=True)
class KindPlan:
    """Everything de-duplication and evaluation read from one kind."""

    kind: str
    fields: tuple[FieldPlan, ...]
    identity: tuple[str, ...]

    @functools.cached_property
    def fullest(self) -> tuple[str, ...]:
        """Identity names: the merged event keeps their longest form ("Jack Ma" over "Ma")."""
        return tuple(f.name for f in self.fields if f.identity and f.how == "name")

    @functools.cached_property
    def checks(self) -> tuple[FieldPlan, ...]:
        """The fields in the order two mentions are best compared: the identity first (it tells most
        mentions apart), then the others."""
        return tuple(sorted(self.fields, key=lambda f: not f.identity))

    @functools.cached_property
    def index(self) -> FieldPlan | None:
        """The field mentions are filed under: a required identity field whose agreeing values share a
        key (``compare.index_keys``); None when there is none (every mention is then compared)."""
        return next(
            (
                f
                for f in self.fields
                if f.identity and not f.optional and not f.progress and f.how in INDEXABLE
            ),
            None,
        )


def _marks(info: FieldInfo) -> Iterator[object]:
    """Every ``Annotated`` mark on a field, at any depth (``Annotated[X, ...] | None`` included)."""
    yield from info.metadata
    stack: list[Any] = [info.annotation]
    while stack:
        annotation = stack.pop()
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            inner, *marks = typing.get_args(annotation)
            yield from marks
            stack.append(inner)
        elif origin is typing.Union or origin is types.UnionType:
            stack.extend(typing.get_args(annotation))


def _field_plan(spec: FieldSpec, info: FieldInfo) -> FieldPlan:
    marks = list(_marks(info))
    progress = [m for m in marks if isinstance(m, Progress)]
    how = BY_ROLE.get(spec.role, "equal")
    default = None if spec.required else info.default
    return FieldPlan(
        spec.name, how, spec.identity, not spec.required, default, progress[-1] if progress else None
    )


@functools.cache
def plan_of(cls: type[Event]) -> KindPlan:
    """The :class:`KindPlan` of an event kind, made once per class. Raises ``kinds.spec.KindError`` for a
    class that is not a kind."""
    spec = kind_spec(cls)
    fields = tuple(_field_plan(f, cls.model_fields[f.name]) for f in spec.fields)
    return KindPlan(spec.name, fields, spec.identity)
