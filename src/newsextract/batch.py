"""Many articles: one result or one error per input, in input order; one failure never sinks the batch.

``run_batch`` (threads) and ``arun_batch`` (asyncio) promise:

- **Order and isolation.** The returned ``BatchResult`` is a list with, at position *i*, the
  ``Extraction`` or the error (a ``NewsextractError``: ``InputError``, an ``ExtractionError`` kind,
  ``BudgetExceededError``) for input *i*. Inputs are strings (id = position) or records
  ``{"id", "text", "published"}``.
- **Bounded concurrency.** At most ``concurrency`` articles are in flight against an endpoint; the
  embedded model runs one article at a time whatever ``concurrency`` says.
- **Streaming output.** With ``out=``, each outcome is written to a JSONL file (format in
  ``newsextract.io.results``) and flushed as soon as it is known, so a crash keeps everything finished
  before it. Lines appear in completion order; ids tie them to inputs.
- **Resume.** ``resume=True`` reads ``out`` first: inputs whose id already has an ``ok`` line are not
  extracted again (no model call, no cache lookup) and their results are re-loaded from the file, in
  order. Failed and missing ids are extracted (and the cache still saves repeated calls). Ids must be
  unique when ``out`` is given.
- **Token budget.** With ``token_budget=N``, an article is started only while the tokens spent by this
  batch (cached and resumed results cost nothing) are below N; every later input gets a
  ``BudgetExceededError`` entry and no request. Articles already in flight finish, so the batch can
  overshoot by at most ``concurrency - 1`` articles' worth. Endpoints that report no usage never stop.
- **Progress and summary.** A rich progress bar on stderr when stderr is a terminal (``progress=True``
  forces it, ``False`` hides it, a callable ``f(index, outcome)`` is called after each outcome is
  recorded instead); ``BatchResult.summary`` counts done, cached, resumed, failed, budget-skipped,
  tokens and elapsed time.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from newsextract.core.schemas import Extraction, Usage
from newsextract.errors import (
    BudgetExceededError,
    ConfigError,
    ExtractionError,
    InputError,
    NewsextractError,
)
from newsextract.io.results import ResultWriter, load_results
from newsextract.text.inputs import decode_bytes

if TYPE_CHECKING:
    import pandas

    from newsextract.api import Extractor

Outcome = Extraction | NewsextractError
InputItem = str | bytes | Mapping[str, Any]
ProgressCallback = Callable[[int, Outcome], None]
ProgressOption = bool | None | ProgressCallback

#: Options ``api.extract_many`` passes through to ``run_batch`` (besides ``concurrency``).
BATCH_OPTIONS = frozenset({"progress", "out", "resume", "token_budget", "refresh"})


# -- results ---------------------------------------------------------------------------------------
@dataclass
class BatchSummary:
    """What a batch did. ``done`` counts every Extraction returned (``cached`` and ``resumed`` among
    them); ``failed`` every error except budget skips; tokens are those spent by this run."""

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
        return f"{text}; {self.total_tokens:,} tokens; {self.elapsed_s:.1f} s"


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


# -- inputs ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Item:
    index: int
    id: str
    text: Any
    published: Any
    problem: InputError | None = None


def _item(raw: InputItem, index: int) -> _Item:
    if isinstance(raw, str | bytes):
        return _Item(index, str(index), raw, None)
    if isinstance(raw, Mapping):
        rid = str(raw["id"]) if raw.get("id") is not None else str(index)
        if "text" not in raw:
            return _Item(index, rid, None, None, InputError(f"record {rid!r} has no 'text'"))
        return _Item(index, rid, raw["text"], raw.get("published"))
    problem = InputError(f"input {index} must be a string or a record with 'text', not {type(raw).__name__}")
    return _Item(index, str(index), None, None, problem)


def _workers(extractor: Extractor, concurrency: int) -> int:
    return 1 if extractor.settings.backend == "embedded" else max(1, int(concurrency))


# -- one run's bookkeeping (shared by the thread and asyncio drivers) ------------------------------
class _Aborted(NewsextractError):
    """An input not started because the batch was interrupted (never returned to callers)."""


class _Run:
    def __init__(
        self,
        extractor: Extractor,
        inputs: Iterable[InputItem],
        *,
        progress: ProgressOption,
        out: str | Path | None,
        resume: bool,
        token_budget: int | None,
        refresh: bool,
    ) -> None:
        self.extractor = extractor
        self.items = [_item(raw, i) for i, raw in enumerate(inputs)]
        self.refresh = refresh
        self.budget = token_budget
        self.out = out
        self.resume = resume
        self.outcomes: list[Outcome | None] = [None] * len(self.items)
        self.summary = BatchSummary(total=len(self.items))
        self._started = time.perf_counter()
        self._spent = 0
        self._aborted = False
        self._lock = threading.Lock()
        self._callback = progress if callable(progress) else None
        show = sys.stderr.isatty() if progress is None else progress is True
        self._bar = _Bar(len(self.items), forced=progress is True) if show else None
        self._writer: ResultWriter | None = None
        if resume and out is None:
            raise ConfigError("resume=True needs out= (the JSONL file of an earlier run)")
        if token_budget is not None and token_budget <= 0:
            raise ConfigError("token_budget must be a positive number of tokens")
        if out is not None:
            _check_unique([it.id for it in self.items])

    def __enter__(self) -> _Run:
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

    def prepare(self) -> list[_Item]:
        """Settle what needs no model (bad records, resumed ids); the items left to extract."""
        previous = load_results(self.out) if self.resume and self.out is not None else {}
        pending: list[_Item] = []
        for item in self.items:
            if item.problem is not None:
                self.finish(item, item.problem)
                continue
            loaded = _reload(previous.get(item.id), item)
            if loaded is not None:
                self._record(item, loaded, resumed=True)
            else:
                pending.append(item)
        return pending

    def gate(self) -> NewsextractError | None:
        """Checked just before an article starts: the reason not to start it, if any."""
        with self._lock:
            if self._aborted:
                return _Aborted("batch interrupted")
            if self.budget is not None and self._spent >= self.budget:
                return BudgetExceededError(
                    f"token budget of {self.budget:,} reached ({self._spent:,} used): not extracted"
                )
        return None

    def call(self, item: _Item) -> Outcome:
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
            outcome = _internal(exc)
        self._charge(outcome)
        return outcome

    async def acall(self, item: _Item) -> Outcome:
        stop = self.gate()
        if stop is not None:
            return stop
        try:
            outcome: Outcome = await self.extractor.aextract(
                item.text, item.published, id=item.id, refresh=self.refresh
            )
        except NewsextractError as exc:
            outcome = exc
        except Exception as exc:
            outcome = _internal(exc)
        self._charge(outcome)
        return outcome

    def _charge(self, outcome: Outcome) -> None:
        """Count an article's tokens against the budget as soon as it ends (before the next starts)."""
        with self._lock:
            self._spent += _spent(outcome).total_tokens

    def finish(self, item: _Item, outcome: Outcome) -> None:
        """Record an outcome, write its line, advance the progress (the callback may raise)."""
        if isinstance(outcome, _Aborted):
            return
        if self._writer is not None:
            self._writer.write(item.id, outcome)
        self._record(item, outcome, resumed=False)

    def _record(self, item: _Item, outcome: Outcome, *, resumed: bool) -> None:
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
        spent = Usage() if resumed else _spent(outcome)
        s.prompt_tokens += spent.prompt_tokens
        s.completion_tokens += spent.completion_tokens
        s.total_tokens += spent.total_tokens
        if self._bar is not None:
            self._bar.advance(s)
        if self._callback is not None:
            self._callback(item.index, outcome)

    def abort(self) -> None:
        with self._lock:
            self._aborted = True

    def result(self) -> BatchResult:
        self.summary.elapsed_s = round(time.perf_counter() - self._started, 3)
        outcomes: list[Outcome] = []
        for item, outcome in zip(self.items, self.outcomes, strict=True):
            outcomes.append(outcome if outcome is not None else ExtractionError(f"{item.id}: not extracted"))
        return BatchResult(outcomes, [it.id for it in self.items], self.summary)


def _spent(outcome: Outcome) -> Usage:
    """Tokens an outcome cost this run: a fresh answer's or a failure's usage; cached answers are free."""
    if isinstance(outcome, Extraction):
        return Usage() if outcome.meta.cached else outcome.meta.usage
    if isinstance(outcome, ExtractionError):
        return outcome.usage
    return Usage()


def _check_unique(ids: list[str]) -> None:
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        shown = ", ".join(repr(d) for d in dupes[:5])
        raise ConfigError(
            f"ids must be unique when writing results (out=/resume rely on them); repeated: {shown}"
        )


def _reload(line: dict[str, Any] | None, item: _Item) -> Extraction | None:
    """A result re-loaded from an earlier run's line, with its article text attached when valid."""
    if line is None:
        return None
    try:
        result = Extraction.model_validate(line["result"])
    except (ValueError, KeyError, TypeError):
        return None  # a line of an older format: extract again
    text = item.text
    if isinstance(text, bytes):
        try:
            text = decode_bytes(text)
        except InputError:
            text = None
    if isinstance(text, str):
        result.with_text(text)
    return result


def _internal(exc: Exception) -> ExtractionError:
    err = ExtractionError(f"unexpected {type(exc).__name__}: {exc}")
    err.__cause__ = exc
    return err


class _Bar:
    """A rich progress bar on stderr: done/total, failures, elapsed and remaining time."""

    def __init__(self, total: int, *, forced: bool) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(stderr=True, force_terminal=True if forced else None)
        self._progress = Progress(
            TextColumn("[bold]extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._task = self._progress.add_task("extract", total=total, note="")

    def start(self) -> None:
        self._progress.start()

    def advance(self, s: BatchSummary) -> None:
        note = f"{s.failed} failed · {s.total_tokens:,} tok" if s.failed else f"{s.total_tokens:,} tok"
        self._progress.update(self._task, advance=1, note=note)

    def stop(self) -> None:
        self._progress.stop()


# -- drivers ---------------------------------------------------------------------------------------
def run_batch(
    extractor: Extractor,
    inputs: Iterable[InputItem],
    *,
    concurrency: int = 16,
    progress: ProgressOption = None,
    out: str | Path | None = None,
    resume: bool = False,
    token_budget: int | None = None,
    refresh: bool = False,
) -> BatchResult:
    """Extract every input with up to ``concurrency`` threads (see the module docstring for the promises).

    Raises ``ConfigError`` for unusable options (resume without out, repeated ids with out, a
    non-positive budget); exceptions from a progress callback propagate after the current line is
    written, and articles not yet started are then never started.
    """
    run = _Run(
        extractor,
        inputs,
        progress=progress,
        out=out,
        resume=resume,
        token_budget=token_budget,
        refresh=refresh,
    )
    with run:
        pending = run.prepare()
        pool = ThreadPoolExecutor(
            max_workers=_workers(extractor, concurrency), thread_name_prefix="newsextract"
        )
        interrupted = False
        try:
            futures: dict[Future[Outcome], _Item] = {pool.submit(run.call, item): item for item in pending}
            for future in as_completed(futures):
                run.finish(futures[future], future.result())
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            # Not-started articles are cancelled; in-flight ones finish (their answers reach the cache)
            # unless the user interrupted, who should not wait for them.
            run.abort()
            pool.shutdown(wait=not interrupted, cancel_futures=True)
    return run.result()


async def arun_batch(
    extractor: Extractor,
    inputs: Iterable[InputItem],
    *,
    concurrency: int = 16,
    progress: ProgressOption = None,
    out: str | Path | None = None,
    resume: bool = False,
    token_budget: int | None = None,
    refresh: bool = False,
) -> BatchResult:
    """The asyncio twin of ``run_batch``: ``aextract`` calls bounded by a semaphore of ``concurrency``."""
    run = _Run(
        extractor,
        inputs,
        progress=progress,
        out=out,
        resume=resume,
        token_budget=token_budget,
        refresh=refresh,
    )
    with run:
        pending = run.prepare()
        limit = asyncio.Semaphore(_workers(extractor, concurrency))

        async def one(item: _Item) -> tuple[_Item, Outcome]:
            async with limit:
                return item, await run.acall(item)

        tasks = [asyncio.ensure_future(one(item)) for item in pending]
        try:
            for next_done in asyncio.as_completed(tasks):
                item, outcome = await next_done
                run.finish(item, outcome)
        finally:
            run.abort()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return run.result()
