"""One run's bookkeeping, shared by the thread and process drivers: the inputs, the gate before each
article (interrupted, token budget), recording each outcome (results file, summary, progress), and the
``BatchResult``."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from newsextract.batch.inputs import InputItem, InputRecord, check_unique, input_record, reload
from newsextract.batch.outcomes import BatchResult, BatchSummary, Outcome, internal, requests, spent
from newsextract.batch.progress import Bar, ProgressOption
from newsextract.core.schemas import Usage
from newsextract.errors import (
    BudgetExceededError,
    ConfigError,
    ExtractionError,
    NewsextractError,
    OutputError,
)
from newsextract.extraction import Extraction
from newsextract.io.results import ResultWriter, input_digest, load_results

if TYPE_CHECKING:
    from newsextract.engine import ArticleExtractor


class Aborted(NewsextractError):
    """An input not started because the batch was interrupted (never returned to callers)."""


class Run:
    def __init__(
        self,
        extractor: ArticleExtractor,
        inputs: Iterable[InputItem],
        *,
        progress: ProgressOption,
        out: str | Path | None,
        resume: bool,
        token_budget: int | None,
        refresh: bool,
        keep_results: bool = True,
        cancel: threading.Event | None = None,
    ) -> None:
        self.extractor = extractor
        self._cancel = cancel
        self.items = [input_record(raw, i) for i, raw in enumerate(inputs)]
        self.keep = keep_results
        self.refresh = refresh
        self.budget = token_budget
        self.out = out
        self.resume = resume
        self.outcomes: list[Outcome | None] = [None] * len(self.items) if keep_results else []
        self.summary = BatchSummary(total=len(self.items), endpoint=extractor.settings.endpoint)
        self._started = time.perf_counter()
        self._spent = 0
        self._aborted = False
        self._lock = threading.Lock()
        self._callback = progress if callable(progress) else None
        show = sys.stderr.isatty() if progress is None else progress is True
        self._bar = Bar(len(self.items), forced=progress is True) if show else None
        self._writer: ResultWriter | None = None
        if resume and out is None:
            raise ConfigError("resume=True needs out= (the JSONL file of an earlier run)")
        if token_budget is not None and token_budget <= 0:
            raise ConfigError("token_budget must be a positive number of tokens")
        if out is not None:
            check_unique([it.id for it in self.items])

    def __enter__(self) -> Run:
        if self.out is not None:
            self._writer = ResultWriter(self.out, append=self.resume)
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.abort()
        if self._bar is not None:
            self._bar.stop()
        if self._writer is not None:
            self._writer.close()
        if isinstance(exc, OutputError) and exc.result is None:
            exc.result = self.result()  # the batch stopped: the caller still gets what was done

    def prepare(self) -> list[InputRecord]:
        """Settle what needs no model (bad records, resumed ids); the items left to extract."""
        previous = load_results(self.out) if self.resume and self.out is not None else {}
        pending: list[InputRecord] = []
        for item in self.items:
            if item.problem is not None:
                self.finish(item, item.problem)
                continue
            loaded = reload(previous.get(item.id), item)
            if loaded is not None:
                self._record(item, loaded, resumed=True)
            else:
                pending.append(item)
        return pending

    def gate(self) -> NewsextractError | None:
        """Checked just before an article starts: the reason not to start it, if any."""
        with self._lock:
            if self._aborted or (self._cancel is not None and self._cancel.is_set()):
                return Aborted("batch interrupted")
            if self.budget is not None and self._spent >= self.budget:
                return BudgetExceededError(
                    f"token budget of {self.budget:,} reached ({self._spent:,} used): not extracted"
                )
        return None

    def call(self, item: InputRecord) -> Outcome:
        stop = self.gate()
        if stop is not None:
            return stop
        try:
            outcome: Outcome = self.extractor.extract(
                item.text, item.published, id=item.id, refresh=self.refresh
            )
        except NewsextractError as exc:
            outcome = exc
        except Exception as exc:  # a bug for one article must not sink the batch
            outcome = internal(exc)
        self.charge(outcome)
        return outcome

    def charge(self, outcome: Outcome) -> None:
        """Count an article's tokens against the budget as soon as it ends (before the next starts)."""
        with self._lock:
            self._spent += spent(outcome).total_tokens

    def finish(self, item: InputRecord, outcome: Outcome) -> None:
        """Record an outcome, write its line, advance the progress (the callback may raise). A line that
        cannot be written raises ``OutputError`` once the outcome is recorded in memory."""
        if isinstance(outcome, Aborted):
            return
        failed: OutputError | None = None
        if self._writer is not None:
            try:
                self._writer.write(item.id, outcome, digest=input_digest(item.text, item.published))
            except OutputError as exc:
                failed = exc
        try:
            self._record(item, outcome, resumed=False)
        finally:
            if failed is not None:
                self.abort()
                raise failed

    def _record(self, item: InputRecord, outcome: Outcome, *, resumed: bool) -> None:
        if self.keep:
            self.outcomes[item.index] = outcome
        s = self.summary
        if isinstance(outcome, Extraction):
            s.done += 1
            s.resumed += resumed
            s.cached += outcome.meta.cached and not resumed
        elif isinstance(outcome, BudgetExceededError):
            s.skipped_budget += 1
        else:
            s.failed += 1
        cost = Usage() if resumed else spent(outcome)
        s.requests += 0 if resumed else requests(outcome)
        s.prompt_tokens += cost.prompt_tokens
        s.completion_tokens += cost.completion_tokens
        s.total_tokens += cost.total_tokens
        if self._bar is not None:
            self._bar.advance(s)
        if self._callback is not None:
            self._callback(item.index, outcome)

    def abort(self) -> None:
        with self._lock:
            self._aborted = True

    def result(self) -> BatchResult:
        self.summary.elapsed_s = round(time.perf_counter() - self._started, 3)
        if not self.keep:  # the outcomes went to ``out`` and the progress callback only
            return BatchResult([], [], self.summary)
        outcomes: list[Outcome] = []
        for item, outcome in zip(self.items, self.outcomes, strict=True):
            outcomes.append(outcome if outcome is not None else ExtractionError(f"{item.id}: not extracted"))
        return BatchResult(outcomes, [it.id for it in self.items], self.summary)
