"""The drafts of the three built-in kinds, and the reply model the built-in path asks for. Pure.

A draft holds every value *as written in the article* (``"about $871 million"``, ``"3.84 percent"``,
``"last Thursday"``). Deterministic normalisers turn those strings into typed values afterwards, and
grounding checks that each string is really in the text. Asking for spans rather than computed
numbers keeps the model's job to reading, which small models do far better than arithmetic, and
makes every value traceable.

Nothing here is written per kind: each draft is the one ``kinds.spec.kind_spec`` derives from the kind's
module (``kinds/share_sale.py`` ...): its fields as strings (``Literal`` choices and flags kept), under the
names the model fills (``AskAs``), with the kind's field descriptions. What the model reads: the system
prompt (``prompts/whole_article.vN.txt``) says what each event kind is and how to copy values; the schema
adds only what a field's name does not say (``core/strict_schema.py`` drops docstrings, titles and
defaults and shares repeated fields).

These schemas are part of the cache key: changing a field or a description of a kind misses the cache.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, model_validator

from newsextract.core.strict_schema import strict_schema
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.spec import KindDraft, kind_spec
from newsextract.kinds.stock_move import StockMove

if TYPE_CHECKING:  # derived classes: to the type checker, a draft whose fields are read by name
    ShareSaleDraft: TypeAlias = KindDraft
    ExecutiveChangeDraft: TypeAlias = KindDraft
    StockMoveDraft: TypeAlias = KindDraft
else:
    ShareSaleDraft = kind_spec(ShareSale).draft
    ExecutiveChangeDraft = kind_spec(ExecutiveChange).draft
    StockMoveDraft = kind_spec(StockMove).draft

AnyDraft: TypeAlias = KindDraft
DraftKind = Literal["ShareSale", "ExecutiveChange", "StockMove"]
DRAFT_TYPES: dict[str, type[KindDraft]] = {
    "ShareSale": ShareSaleDraft,
    "ExecutiveChange": ExecutiveChangeDraft,
    "StockMove": StockMoveDraft,
}


_SCHEMAS: dict[tuple[object, ...], dict[str, Any]] = {}


class ArticleDraft(BaseModel):
    """Every share sale, executive change and stock move stated in the article. Empty lists when none."""

    model_config = ConfigDict(extra="ignore")

    #: The function or response-format name the model sees.
    schema_name: ClassVar[str] = "record_events"
    #: The sentence the model reads as the tool's or the response format's description.
    schema_description: ClassVar[str] = (
        "Record every share sale, executive change and stock move the article states, "
        "each with the sentence that states it; empty lists when there are none."
    )

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema the model fills (``strict_schema``, with its name as ``title`` and its description),
        made once per class and returned as a fresh copy. With arguments: Pydantic's own schema.

        Tool libraries (instructor) ask for it on every request, including for the JSON modes that
        paste it into the prompt, so the model never reads Pydantic's titles, defaults or docstrings.
        Generating it costs milliseconds of CPU, copying it ~0.1 ms.
        """
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        # instructor may wrap the response model in a fresh same-named subclass on every request, so the
        # key is the class's name and fields, not the class object (which would grow without bound)
        key = (cls.__module__, cls.__qualname__, tuple(cls.model_fields))
        schema = _SCHEMAS.get(key)
        if schema is None:
            schema = _SCHEMAS[key] = strict_schema(cls).with_header()
        return copy.deepcopy(schema)

    share_sales: list[ShareSaleDraft] = Field(default_factory=list)
    executive_changes: list[ExecutiveChangeDraft] = Field(default_factory=list)
    stock_moves: list[StockMoveDraft] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _not_another_schema(cls, data: Any) -> Any:
        """JSON for some other schema (none of our three keys, other keys present) is an error to
        re-ask, not "no events": unknown keys are otherwise ignored and every list defaults to empty."""
        if isinstance(data, dict) and data:
            ours = {"share_sales", "executive_changes", "stock_moves"}
            if not ours & data.keys():
                got = sorted(data)[:5]
                raise ValueError(f"expected keys share_sales, executive_changes, stock_moves; got {got}")
        return data

    def items(self) -> list[tuple[DraftKind, AnyDraft]]:
        out: list[tuple[DraftKind, AnyDraft]] = []
        out += [("ShareSale", d) for d in self.share_sales]
        out += [("ExecutiveChange", d) for d in self.executive_changes]
        out += [("StockMove", d) for d in self.stock_moves]
        return out
