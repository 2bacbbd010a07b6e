"""A set of event kinds to extract, and the reply model the whole-article strategy asks for. Pure.

The three built-ins keep their hand-written drafts, checks and normalisers (``core.drafts``,
``grounding.checks``, ``normalize.events``); a caller's kind gets the derived ones (``kinds.spec``,
``kinds.checks``, ``kinds.values``). Both are listed in one reply model, one list per kind, and described
to the model in one prompt section (built-ins in their established words, a caller's kind by the first
paragraph of its docstring).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, model_validator

from newsextract.core.drafts import DRAFT_TYPES
from newsextract.core.schemas import Event
from newsextract.core.strict_schema import strict_schema
from newsextract.grounding.context import locate
from newsextract.grounding.lists import reroute
from newsextract.kinds.builtin import BUILTIN_KINDS
from newsextract.kinds.spec import KindError, KindSpec, kind_spec

BUILTIN_LISTS: dict[str, str] = {
    "ShareSale": "share_sales",
    "ExecutiveChange": "executive_changes",
    "StockMove": "stock_moves",
}
#: The built-ins as the whole-article prompt has always described them.
BUILTIN_DESCRIPTIONS: dict[str, str] = {
    "ShareSale": "a holder sells, plans to sell, postpones, cancels or denies selling shares, ADSs or a "
    "stake.\n  Not a share sale: buybacks, buying a stake, a company issuing new shares.",
    "ExecutiveChange": "a named person takes (appointed) or leaves (departed) an executive or board role.\n"
    '  "X replaces Y as CTO" is one event: X appointed, predecessor Y.',
    "StockMove": "the share price of a named company moves or reaches a level. The same stock in two\n"
    "  markets or over two periods is two events. Index, commodity and currency moves are not stock moves.",
}


@dataclass(frozen=True)
class KindSet:
    """The kinds one ``Extractor`` extracts, in the caller's order, each once."""

    kinds: tuple[type[Event], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(k.__name__ for k in self.kinds)

    @property
    def is_default(self) -> bool:
        """True for exactly the three built-ins (in any order): the established path runs."""
        return set(self.kinds) == set(BUILTIN_KINDS)

    @property
    def custom(self) -> tuple[KindSpec, ...]:
        """The caller's own kinds, derived."""
        return tuple(kind_spec(k) for k in self.kinds if k not in BUILTIN_KINDS)

    def spec(self, name: str) -> KindSpec | None:
        """The derived spec of the caller's kind ``name``; None for a built-in."""
        return next((s for s in self.custom if s.name == name), None)

    def list_key(self, kind: type[Event]) -> str:
        return BUILTIN_LISTS.get(kind.__name__) or kind_spec(kind).list_key

    def prompt_section(self) -> str:
        """The "Event kinds:" lines of the prompt: one per kind."""
        lines = []
        for k in self.kinds:
            text = BUILTIN_DESCRIPTIONS.get(k.__name__) or kind_spec(k).description
            lines.append(f"- {self.list_key(k)}: {text}")
        return "\n".join(lines)

    def event_types(self) -> dict[str, type[Event]]:
        """Each kind by its ``type`` name (to read stored events back)."""
        return {k.__name__: k for k in self.kinds}

    def cache_schema(self) -> dict[str, Any]:
        """What of the kinds shapes an answer and its post-processing: each kind's public JSON schema
        and the prompt's description of the kinds. Part of the cache key."""
        return {
            "kinds": {k.__name__: k.model_json_schema() for k in self.kinds},
            "described": self.prompt_section(),
        }

    def reply_model(self) -> type[KindsArticleDraft]:
        """The reply model: one list per kind (made once per kind set)."""
        return _reply_model(self.kinds)


def resolve_kinds(kinds: Iterable[type[Event]] | type[Event] | None) -> KindSet | None:
    """The caller's ``kinds=`` checked (each an ``Event`` subclass the library can read, no two with one
    name); None for the default. Raises :class:`KindError` with the reason."""
    if kinds is None:
        return None
    listed: list[type[Event]] = [kinds] if isinstance(kinds, type) else list(kinds)  # one kind alone is fine
    given = tuple(dict.fromkeys(listed))
    if not given:
        raise KindError("kinds= is empty: give at least one event kind")
    for k in given:
        if k not in BUILTIN_KINDS:
            kind_spec(k)
            if k.__name__ in BUILTIN_LISTS:
                raise KindError(f"{k.__name__} is the name of a built-in kind: give your kind another name")
    names = [k.__name__ for k in given]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise KindError(f"two kinds share the name(s) {twice}: each kind needs its own class name")
    keys = [KindSet(given).list_key(k) for k in given]
    if len(set(keys)) != len(keys):
        raise KindError(f"kinds {names} give the same list name twice ({keys})")
    return KindSet(given)


class KindsArticleDraft(BaseModel):
    """Base of a kind set's reply model: one list of drafts per kind. Quotes that match no sentence of
    the article are re-asked (the only problem a re-ask fixes; the rest is settled field by field)."""

    model_config = ConfigDict(extra="ignore")

    schema_name: ClassVar[str] = "record_events"
    schema_description: ClassVar[str] = (
        "Record every event of the listed kinds the article states, each with the sentence that states "
        "it; empty lists when there are none."
    )
    #: list name -> kind name
    lists: ClassVar[dict[str, str]] = {}

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The strict, compact schema the model fills (made once per class, returned as a copy)."""
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        schema = cls.__dict__.get("_schema_cache")
        if schema is None:
            schema = cls._schema_cache = strict_schema(cls).with_header()
        return copy.deepcopy(schema)

    _schema_cache: ClassVar[dict[str, Any] | None] = None

    def items(self) -> list[tuple[str, BaseModel]]:
        """(kind name, draft) for every draft, list by list."""
        return [(kind, d) for key, kind in self.lists.items() for d in getattr(self, key)]

    def extend(self, other: KindsArticleDraft) -> None:
        """Append ``other``'s drafts (a later chunk's) to this one's lists."""
        for key in self.lists:
            getattr(self, key).extend(getattr(other, key))

    @model_validator(mode="before")
    @classmethod
    def _route(cls, data: Any) -> Any:
        """With all three built-ins in the set, a built-in event in the wrong list is moved to its own
        (``grounding.lists.reroute``); with fewer, nothing moves (its list may not be asked for)."""
        return reroute(data) if set(BUILTIN_LISTS.values()) <= set(cls.lists) else data

    @model_validator(mode="before")
    @classmethod
    def _not_another_schema(cls, data: Any) -> Any:
        if isinstance(data, dict) and data and not set(cls.lists) & data.keys():
            raise ValueError(f"expected keys {', '.join(cls.lists)}; got {sorted(data)[:5]}")
        return data

    @model_validator(mode="after")
    def _quotes_found(self, info: ValidationInfo) -> KindsArticleDraft:
        ctx = info.context if isinstance(info.context, dict) else None
        if not ctx or ctx.get("grounding", "strict") == "off" or "text" not in ctx:
            return self
        text = str(ctx["text"])
        missing = [
            f'{key}[{i}]: the quote "{_short(d.quote)}" is not a sentence of the article; copy it exactly'
            for key in self.lists
            for i, d in enumerate(getattr(self, key))
            if locate(d.quote, text) is None
        ]
        if missing:
            raise ValueError(
                "Some quotes are not sentences of the article. Copy each event's sentence exactly, "
                "or remove the event:\n- " + "\n- ".join(missing)
            )
        return self


def _short(s: str, limit: int = 120) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


@functools.cache
def _reply_model(kinds: tuple[type[Event], ...]) -> type[KindsArticleDraft]:
    fields: dict[str, Any] = {}
    lists: dict[str, str] = {}
    for k in kinds:
        draft = DRAFT_TYPES.get(k.__name__) if k in BUILTIN_KINDS else kind_spec(k).draft
        if draft is None:  # pragma: no cover - every built-in has a draft
            raise KindError(f"no draft for {k.__name__}")
        key = KindSet((k,)).list_key(k)
        fields[key] = (list[draft], Field(default_factory=list))  # type: ignore[valid-type]
        lists[key] = k.__name__
    model: type[KindsArticleDraft] = create_model("KindsArticleDraft", __base__=KindsArticleDraft, **fields)
    model.lists = lists
    return model
