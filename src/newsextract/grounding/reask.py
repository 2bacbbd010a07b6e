"""The validation that turns a model's reply into drafts, re-asking only where a re-ask can help. Pure.

``GroundedArticleDraft`` is the response model sent to the model. Before validation, items in the wrong
list are moved to their own (``grounding.lists``). When validation gets a context
(``{"text": ..., "published": ..., "grounding": ...}``, passed by instructor or by
``model_validate_json(..., context=...)``) and grounding is "strict" or "flag", each event is judged
(``grounding.verdict.judge``, a pure function of the draft, the text and the publication date).

``KindsArticleDraft`` (made by :func:`reply_model` for a chosen set of kinds) is the same for
``extract(..., kinds=[...])``: one list per kind, built-in items in the wrong list moved when all three
built-ins are asked for, quotes checked against the article.

A re-ask costs a whole request, so only a problem the model can fix and grounding cannot settle by
itself is re-asked: a quote that matches no sentence of the article. Everything else is settled after
the reply, event by event and field by field, in post-processing: an unsupported value costs its field,
a contradicted identity or an invented event costs the event, and each removal is recorded with its
reason in ``meta.dropped``. A correct answer, in whatever form it writes its values, costs one request.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, model_validator

from newsextract.core.schemas import Event
from newsextract.core.strict_schema import strict_schema
from newsextract.grounding.context import locate
from newsextract.grounding.lists import LISTS, reroute
from newsextract.grounding.verdict import judge
from newsextract.kinds.drafts import ArticleDraft
from newsextract.kinds.kindset import BUILTIN_LISTS, KindSet
from newsextract.kinds.spec import kind_spec


def _where(draft: ArticleDraft) -> list[tuple[str, str, Any]]:
    out: list[tuple[str, str, Any]] = []
    counters: dict[str, int] = {}
    for kind, item in draft.items():
        index = counters.get(kind, 0)
        counters[kind] = index + 1
        out.append((kind, f"{LISTS[kind]}[{index}]", item))
    return out


def draft_problems(draft: ArticleDraft, text: str, published: dt.date | None = None) -> list[str]:
    """Every grounding problem of every event in ``draft``, each prefixed with the event it concerns."""
    problems: list[str] = []
    for kind, where, item in _where(draft):
        v = judge(kind, item, text, published)
        problems += [f"{where}: {p.message}" for p in (v.event_problems if v.span is None else v.problems)]
    return problems


def reask_problems(draft: ArticleDraft, text: str, published: dt.date | None = None) -> list[str]:
    """The problems worth a re-ask: quotes that match no sentence of the article."""
    out: list[str] = []
    for kind, where, item in _where(draft):
        v = judge(kind, item, text, published)
        if v.span is None:
            out.append(
                f'{where}: the quote "{_short(item.quote)}" is not a sentence of the article; copy it exactly'
            )
    return out


def _short(s: str, limit: int = 120) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _published(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class GroundedArticleDraft(ArticleDraft):
    """``ArticleDraft`` whose items are routed to their lists and whose quotes are checked against the
    article during validation."""

    @model_validator(mode="before")
    @classmethod
    def _route(cls, data: Any) -> Any:
        return reroute(data)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> GroundedArticleDraft:
        ctx = info.context if isinstance(info.context, dict) else None
        if not ctx or ctx.get("grounding", "strict") == "off" or "text" not in ctx:
            return self
        problems = reask_problems(self, str(ctx["text"]), _published(ctx.get("published")))
        if problems:
            raise ValueError(
                "Some quotes are not sentences of the article. Copy each event's sentence exactly, "
                "or remove the event:\n- " + "\n- ".join(problems)
            )
        return self


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


def reply_model(kinds: KindSet) -> type[KindsArticleDraft]:
    """The reply model of ``kinds``: one list of drafts per kind (made once per kind set)."""
    return _reply_model(kinds.kinds)


@functools.cache
def _reply_model(kinds: tuple[type[Event], ...]) -> type[KindsArticleDraft]:
    fields: dict[str, Any] = {}
    lists: dict[str, str] = {}
    for k in kinds:
        spec = kind_spec(k)  # a built-in's draft is the one the built-in path asks for (kinds.drafts)
        key = spec.list_key
        fields[key] = (list[spec.draft], Field(default_factory=list))  # type: ignore[name-defined]
        lists[key] = k.__name__
    model: type[KindsArticleDraft] = create_model("KindsArticleDraft", __base__=KindsArticleDraft, **fields)
    model.lists = lists
    return model
