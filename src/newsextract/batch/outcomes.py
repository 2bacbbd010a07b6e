"""What a batch returns: ``BatchResult`` (one outcome per input, in order), ``BatchSummary``, and what an
outcome cost this run."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsextract.core.schemas import Usage
from newsextract.errors import ExtractionError, NewsextractError
from newsextract.extraction import Extraction

if TYPE_CHECKING:
    import pandas

Outcome = Extraction | NewsextractError


@dataclass
class BatchSummary:
    """What a batch did. ``done`` counts every Extraction returned (``cached`` and ``resumed`` among
    them); ``failed`` every error except budget skips; ``requests`` (model requests: ``meta.attempts``
    of fresh results and failures' ``attempts``) and tokens are those spent by this run; ``endpoint``
    is where the articles went (``"embedded"``: nowhere, the model runs in-process)."""

    total: int = 0
    done: int = 0
    cached: int = 0
    resumed: int = 0
    failed: int = 0
    skipped_budget: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    elapsed_s: float = 0.0
    requests: int = 0
    endpoint: str = ""

    @property
    def stopped_by_budget(self) -> bool:
        return self.skipped_budget > 0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "stopped_by_budget": self.stopped_by_budget}

    def __str__(self) -> str:
        text = (
            f"{self.total} article(s): {self.done} done ({self.cached} cached, {self.resumed} resumed), "
            f"{self.failed} failed"
        )
        if self.skipped_budget:
            text += f", {self.skipped_budget} skipped (token budget reached)"
        text += f"; {self.requests:,} model request(s); {self.total_tokens:,} tokens; {self.elapsed_s:.1f} s"
        return f"{text}; endpoint {self.endpoint}" if self.endpoint else text


class BatchResult(list[Outcome]):
    """The outcomes of a batch, in input order (a plain list), plus ``ids`` and ``summary``."""

    def __init__(
        self,
        outcomes: Iterable[Outcome] = (),
        ids: Sequence[str] | None = None,
        summary: BatchSummary | None = None,
    ) -> None:
        super().__init__(outcomes)
        self.ids = list(ids) if ids is not None else [str(i) for i in range(len(self))]
        self.summary = summary if summary is not None else BatchSummary(total=len(self))

    @property
    def extractions(self) -> list[Extraction]:
        """The successful results, in input order."""
        return [o for o in self if isinstance(o, Extraction)]

    @property
    def errors(self) -> list[tuple[str, NewsextractError]]:
        """(id, error) for every input that failed, in input order."""
        return [(i, o) for i, o in zip(self.ids, self, strict=True) if isinstance(o, NewsextractError)]

    def to_records(self, *, include_errors: bool = False) -> list[dict[str, Any]]:
        """One flat dict per event (see ``newsextract.display.records``)."""
        from newsextract.display import records

        return records(self, ids=self.ids, include_errors=include_errors)

    def to_pandas(self, *, include_errors: bool = False) -> pandas.DataFrame:
        """A DataFrame, one row per event (needs pandas; see ``newsextract.display.to_pandas``)."""
        from newsextract.display import to_pandas

        return to_pandas(self, ids=self.ids, include_errors=include_errors)

    def _repr_html_(self) -> str:
        from newsextract.display import batch_html

        return batch_html(self, self.ids, str(self.summary))

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the batch overview and, per article, its highlighted text as one standalone page."""
        from newsextract.display import batch_html, extraction_html, save_html

        parts = [batch_html(self, self.ids, str(self.summary))]
        parts += [f"<hr>{extraction_html(o)}" for o in self if isinstance(o, Extraction)]
        return save_html("".join(parts), path, title="newsextract batch")


def records(results: Iterable[Outcome], *, include_errors: bool = False) -> list[dict[str, Any]]:
    """One flat dict per event of ``results`` (a ``BatchResult`` or any list of outcomes)."""
    from newsextract.display import records as _records

    ids = results.ids if isinstance(results, BatchResult) else None
    return _records(results, ids=ids, include_errors=include_errors)


def to_pandas(results: Iterable[Outcome], *, include_errors: bool = False) -> pandas.DataFrame:
    """A DataFrame of ``records(results)`` (needs pandas)."""
    from newsextract.display import to_pandas as _to_pandas

    ids = results.ids if isinstance(results, BatchResult) else None
    return _to_pandas(results, ids=ids, include_errors=include_errors)


def spent(outcome: Outcome) -> Usage:
    """Tokens an outcome cost this run: a fresh answer's or a failure's usage; cached answers are free."""
    if isinstance(outcome, Extraction):
        return Usage() if outcome.meta.cached else outcome.meta.usage
    if isinstance(outcome, ExtractionError):
        return outcome.usage
    return Usage()


def requests(outcome: Outcome) -> int:
    """Model requests an outcome cost this run (0 for a cached answer)."""
    if isinstance(outcome, Extraction):
        return 0 if outcome.meta.cached else outcome.meta.attempts
    if isinstance(outcome, ExtractionError):
        return outcome.attempts
    return 0


def internal(exc: Exception) -> ExtractionError:
    """An unexpected exception for one article, as that article's error (it must not sink a batch)."""
    err = ExtractionError(f"unexpected {type(exc).__name__}: {exc}")
    err.__cause__ = exc
    return err
