"""``Extraction``: the typed events found in one article, plus how they were found. Pure.

It names the three built-in kinds (one list each) and holds the caller's own kinds in ``other_events``.
Its notebook helpers (records, pandas, HTML) import ``newsextract.display`` when called.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, PrivateAttr

from newsextract.core.schemas import Event, Meta, OtherEvent
from newsextract.kinds.builtin import BUILTIN_KINDS
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove

E = TypeVar("E", bound=Event)


class Extraction(BaseModel):
    """Typed events found in one article, plus how they were found."""

    id: str | None = None
    share_sales: list[ShareSale] = Field(default_factory=list)
    executive_changes: list[ExecutiveChange] = Field(default_factory=list)
    stock_moves: list[StockMove] = Field(default_factory=list)
    #: Events of the caller's own kinds (``extract(..., kinds=[...])``), in text order.
    other_events: list[OtherEvent] = Field(default_factory=list)
    meta: Meta

    _text: str | None = PrivateAttr(default=None)

    @property
    def events(self) -> list[Event]:
        """Every event of every kind, in order of their evidence in the text."""
        allev: list[Event] = [
            *self.share_sales,
            *self.executive_changes,
            *self.stock_moves,
            *self.other_events,
        ]
        return sorted(allev, key=lambda e: (e.evidence.start, e.evidence.end))

    def of(self, kind: type[E]) -> list[E]:
        """The events of one kind (a built-in or the caller's own), in text order."""
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def text(self) -> str | None:
        """The article text this result was extracted from, when known (not serialised)."""
        return self._text

    def with_text(self, text: str) -> Extraction:
        self._text = text
        return self

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per event (see ``newsextract.display.records``)."""
        from newsextract.display import records

        return records([self])

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per event (needs pandas: ``pip install 'newsextract[pandas]'``)."""
        from newsextract.display import to_pandas

        return to_pandas([self])

    def _repr_html_(self) -> str:
        """Jupyter: the article with evidence highlighted and a table of events (all text escaped)."""
        from newsextract.display import extraction_html

        return extraction_html(self)

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write what the notebook shows as a standalone HTML page (to share or open in a browser)."""
        from newsextract.display import extraction_html, save_html

        return save_html(extraction_html(self), path, title=self.id or "newsextract")

    @classmethod
    def from_events(
        cls,
        events: Sequence[Event],
        meta: Meta,
        id: str | None = None,
    ) -> Extraction:
        return cls(
            id=id,
            share_sales=[e for e in events if isinstance(e, ShareSale)],
            executive_changes=[e for e in events if isinstance(e, ExecutiveChange)],
            stock_moves=[e for e in events if isinstance(e, StockMove)],
            other_events=[e for e in events if not isinstance(e, BUILTIN_KINDS)],
            meta=meta,
        )
