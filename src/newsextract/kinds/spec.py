"""What the library derives from an event kind (a subclass of ``Event``), with nothing written per kind.

:func:`kind_spec` reads a kind's fields once and gives a :class:`KindSpec`: each field's role (from its
``Annotated`` marker, else from its type), whether it is required, its description, its choices, the
name the model fills it under (``AskAs``) and its other marks (``kinds.marks``, read by grounding and
normalisation); the identity fields; the list the model fills (``Dividend`` -> ``dividends``); the kind's
description (its ``described`` words, else the first paragraph of its docstring); what its evidence must
speak of (``speaks_of``); and the as-written draft model the model fills (every role value a string,
``Literal`` choices and flags kept, field descriptions kept, terse and strict-schema-ready). The built-in
kinds are read the same way. Pure; raises :class:`KindError` (a ``ValueError``) for a class that cannot
be a kind.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from newsextract.core.schemas import Event
from newsextract.core.schemas import Money as MoneyValue
from newsextract.kinds.marks import Cues, Fallback, NotAbove, NotSameAs, SpeaksOf
from newsextract.kinds.roles import WRITTEN, AskAs, FieldRole, IdentityMark, RoleName

#: Fields every event has; never part of a kind's own fields.
BASE_FIELDS = frozenset(Event.model_fields)
_RESERVED = frozenset({"quote"})
M = typing.TypeVar("M")
_BY_TYPE: dict[object, RoleName] = {
    MoneyValue: "money",
    int: "quantity",
    float: "percent",
    dt.date: "date",
    str: "text",
    bool: "flag",
}


class KindError(ValueError):
    """A class that cannot serve as an event kind, and why."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of a kind, as the library reads it."""

    name: str
    role: RoleName
    required: bool
    description: str | None
    #: the allowed values of a ``Literal`` field, else empty
    choices: tuple[Any, ...] = ()
    identity: bool = False
    #: the field's name in the draft the model fills (``AskAs``; else the field's own name)
    asked_as: str = ""
    #: the field's other markers (declarations the grounding and normalisation read), in order
    marks: tuple[Any, ...] = ()

    @property
    def draft_name(self) -> str:
        """The field's name in the draft (and in grounding's messages)."""
        return self.asked_as or self.name


@dataclass(frozen=True)
class KindSpec:
    """Everything derived from one kind (see the module docstring)."""

    event: type[Event]
    name: str
    list_key: str
    description: str
    fields: tuple[FieldSpec, ...]
    identity: tuple[str, ...]
    draft: type[BaseModel]
    #: what the evidence must speak of (the class's ``speaks_of``), if anything
    speaks_of: SpeaksOf | None = None

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def mark(self, f: FieldSpec, kind: type[M]) -> M | None:
        """The field's mark of type ``kind``, if it has one."""
        return next((m for m in f.marks if isinstance(m, kind)), None)

    def drafted(self, name: str) -> FieldSpec:
        """The field whose draft name is ``name``."""
        return next(f for f in self.fields if f.draft_name == name)


class KindDraft(BaseModel):
    """Base of every derived draft: the evidence quote first, unknown keys ignored."""

    model_config = ConfigDict(extra="ignore")

    quote: str

    if TYPE_CHECKING:  # a derived draft's fields are the kind's: read them by name

        def __getattr__(self, name: str) -> Any: ...


def _parts(annotation: Any) -> tuple[Any, list[Any], bool]:
    """(the non-None type, the Annotated metadata on it, whether None is allowed)."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) != 1:
            raise KindError(f"a union of several types ({annotation}) has no single role")
        annotation = args[0]
    meta: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotated = typing.get_args(annotation)
        annotation = annotated[0]
        meta += list(annotated[1:])
    return annotation, meta, optional


def _field_spec(name: str, info: FieldInfo, kind: str) -> FieldSpec:
    base, inner, optional = _parts(info.annotation)
    meta = [*inner, *info.metadata]
    roles = [m for m in meta if isinstance(m, FieldRole)]
    choices: tuple[Any, ...] = ()
    if roles:
        role = roles[-1].name
    elif typing.get_origin(base) is Literal:
        role, choices = "choice", typing.get_args(base)
    elif base in _BY_TYPE:
        role = _BY_TYPE[base]
    elif isinstance(base, str | typing.ForwardRef):
        raise KindError(
            f"{kind}.{name}: the annotation {base!r} is not resolved; import the roles where the class is "
            f"defined (or call {kind}.model_rebuild())"
        )
    else:
        raise KindError(
            f"{kind}.{name}: type {base!r} has no role; use Money, Quantity, Percent, Date, Name, Person, "
            "Role, Text, a Literal of choices or bool (newsextract.kinds)"
        )
    required = info.is_required()
    if required and optional:
        raise KindError(f"{kind}.{name}: a field that may be None needs a default (= None)")
    identity = any(isinstance(m, IdentityMark) for m in meta)
    asked = [m.name for m in meta if isinstance(m, AskAs)]
    marks = tuple(m for m in meta if not isinstance(m, FieldRole | IdentityMark | AskAs))
    return FieldSpec(
        name, role, required, info.description, choices, identity, asked[-1] if asked else "", marks
    )


def _list_key(name: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return snake if snake.endswith("s") else snake + "s"


def _description(cls: type[Event]) -> str:
    described = cls.__dict__.get("described")
    if isinstance(described, str) and described.strip():
        return described
    doc = inspect.getdoc(cls) if cls.__doc__ else None
    if not doc:
        raise KindError(f"{cls.__name__} needs a docstring: it tells the model what the kind is")
    return " ".join(doc.split("\n\n")[0].split())


def _draft_field(f: FieldSpec, info: FieldInfo) -> tuple[Any, Any]:
    if f.role in WRITTEN:
        typ: Any = str
    elif f.role == "choice":
        typ = Literal[f.choices]
    else:
        typ = bool
    if f.required:
        return typ, Field(description=f.description)
    default = info.default if f.role in ("choice", "flag") and info.default is not None else None
    return (typ if default is not None else typ | None), Field(default=default, description=f.description)


@functools.cache
def kind_spec(cls: type[Event]) -> KindSpec:
    """The :class:`KindSpec` of ``cls``, made once per class. Raises :class:`KindError`."""
    if not (isinstance(cls, type) and issubclass(cls, Event)) or cls is Event:
        raise KindError(f"{cls!r} is not an event kind: a kind subclasses newsextract.kinds.Event")
    fields = [
        _field_spec(name, info, cls.__name__)
        for name, info in cls.model_fields.items()
        if name not in BASE_FIELDS
    ]
    if not fields:
        raise KindError(f"{cls.__name__} has no fields of its own")
    clash = _RESERVED & {f.draft_name for f in fields}
    if clash:
        raise KindError(f"{cls.__name__}: field name(s) {sorted(clash)} are reserved")
    drafted = [f.draft_name for f in fields]
    if len(set(drafted)) != len(drafted):
        raise KindError(f"{cls.__name__}: two fields are asked for under one name ({drafted})")
    marked = tuple(f.name for f in fields if f.identity)
    identity = marked or tuple(f.name for f in fields if f.required and f.role in ("name", "person"))
    if not identity:
        raise KindError(
            f"{cls.__name__} has no identity: mark the fields that say which event it is with "
            "Annotated[..., Identity], or give it a required Name or Person field"
        )
    fields = [f if f.name not in identity else FieldSpec(**{**f.__dict__, "identity": True}) for f in fields]
    _check_marks(cls.__name__, fields)
    speaks_of = getattr(cls, "speaks_of", None)
    draft = create_model(  # type: ignore[call-overload]
        f"{cls.__name__}Draft",
        __base__=KindDraft,
        __doc__=f"One {_list_key(cls.__name__)} entry (the prompt defines the kind).",
        **{f.draft_name: _draft_field(f, cls.model_fields[f.name]) for f in fields},
    )
    return KindSpec(
        event=cls,
        name=cls.__name__,
        list_key=_list_key(cls.__name__),
        description=_description(cls),
        fields=tuple(fields),
        identity=identity,
        draft=draft,
        speaks_of=speaks_of if isinstance(speaks_of, SpeaksOf) else None,
    )


def _check_marks(kind: str, fields: list[FieldSpec]) -> None:
    """Every field a mark names is a field of the kind. Raises :class:`KindError`."""
    names = {f.name for f in fields}
    for f in fields:
        for m in f.marks:
            named: tuple[str, ...] = ()
            if isinstance(m, NotSameAs | NotAbove):
                named = (m.other,)
            elif isinstance(m, Fallback):
                named = (m.source,)
            elif isinstance(m, Cues):
                named = m.reads
            unknown = [n for n in named if n not in names]
            if unknown:
                raise KindError(f"{kind}.{f.name}: {type(m).__name__} names no field of the kind: {unknown}")
