"""Many articles: one result or one error per input, in input order; one failure never sinks the batch.

``run_batch`` (threads) and ``arun_batch`` (awaitable; the same threads, driven off the event loop)
promise:

- **Order and isolation.** The returned ``BatchResult`` is a list with, at position *i*, the
  ``Extraction`` or the error (a ``NewsextractError``: ``InputError``, an ``ExtractionError`` kind,
  ``BudgetExceededError``) for input *i*. Inputs are strings (id = position) or records
  ``{"id", "text", "published"}``.
- **Bounded concurrency.** At most ``concurrency`` articles are in flight against an endpoint; the
  embedded model runs one article at a time whatever ``concurrency`` says.
- **Streaming output.** With ``out=``, each outcome is written to a JSONL file (format in
  ``newsextract.io.results``) and flushed as soon as it is known, so a crash keeps everything finished
  before it. Lines appear in completion order; ids tie them to inputs.
- **A failed write stops the batch.** When a line cannot be written (disk full, permissions), the
  partial line is cut back off, no further article is started (in-flight ones finish and reach the
  cache), and ``OutputError`` is raised with ``result`` holding the ``BatchResult`` of what was done,
  the article whose line failed included. The file keeps every complete line for ``resume``.
- **Resume.** ``resume=True`` reads ``out`` first: inputs whose id already has an ``ok`` line written
  for the same text and publication date (the line's ``input`` digest) are not extracted again (no
  model call, no cache lookup) and their results are re-loaded from the file, in order. Failed,
  missing and changed articles are extracted (and the cache still saves repeated calls). A torn last
  line left by a crash is removed before new lines are appended. Ids must be unique when ``out`` is
  given.
- **Token budget.** With ``token_budget=N``, an article is started only while the tokens spent by this
  batch (cached and resumed results cost nothing) are below N; every later input gets a
  ``BudgetExceededError`` entry and no request. Articles already in flight finish, so the batch can
  overshoot by at most ``concurrency - 1`` articles' worth. Endpoints that report no usage never stop.
- **Processes.** ``processes=N`` (``run_batch``; endpoints only) runs the articles in N worker
  processes, each with its own ``Extractor`` built from this one's resolved settings and its share of
  ``concurrency`` as threads, so CPU-bound client work (instructor + openai, ~6 ms per request) is not
  limited by one process's GIL. The parent keeps every promise above: it hands out articles a few at a
  time through a sliding window (never more than ``concurrency`` in flight), records results, writes
  the JSONL lines and runs the progress as results come back; the token budget is checked before each
  article is handed out, so the overshoot bound above holds. Workers share the disk cache. Workers
  start from multiprocessing's forkserver (preloaded with newsextract, so after the first batch of a
  process a pool starts in milliseconds; spawn where there is no forkserver), so a script that uses
  processes needs the usual ``if __name__ == "__main__":`` guard. The settings, API key included,
  reach each worker through its process pipe only (never logged or written). The embedded backend
  refuses ``processes > 1`` with ``ConfigError`` (each worker would load its own model, and the model
  must run one article at a time). Errors come back with their class and attributes
  (``attempts``, ``usage``, ``status_code``, ``last_output``); a worker that dies fails its in-flight
  articles with an ``ExtractionError`` and the others go on.
- **Memory.** ``keep_results=False`` keeps no outcome in memory: each goes to ``out`` (and the
  progress callback) as it is known, and the returned ``BatchResult`` is empty but for its ``summary``.
  Use it with ``out=`` for batches too large to hold; for an endless stream see ``Extractor.iter_many``.
- **Progress and summary.** A rich progress bar on stderr when stderr is a terminal (``progress=True``
  forces it, ``False`` hides it, a callable ``f(index, outcome)`` is called after each outcome is
  recorded instead); ``BatchResult.summary`` counts done, cached, resumed, failed, budget-skipped,
  tokens and elapsed time.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from newsextract.config import Settings, default_cache_dir
from newsextract.core.schemas import Usage
from newsextract.errors import (
    BudgetExceededError,
    ConfigError,
    ExtractionError,
    InputError,
    InputTypeError,
    NewsextractError,
    OutputError,
)
from newsextract.extraction import Extraction
from newsextract.io.results import ResultWriter, input_digest, load_results
from newsextract.text.inputs import decode_bytes

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

    import pandas

    from newsextract.api import Extractor

Outcome = Extraction | NewsextractError
InputItem = str | bytes | Mapping[str, Any]
ProgressCallback = Callable[[int, Outcome], None]
ProgressOption = bool | None | ProgressCallback

#: Options ``api.extract_many`` passes through to ``run_batch`` (besides ``concurrency``).
BATCH_OPTIONS = frozenset(
    {"progress", "out", "resume", "token_budget", "refresh", "processes", "keep_results"}
)


# -- results ---------------------------------------------------------------------------------------
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
    problem = InputTypeError(
        f"input {index} must be a string or a record with 'text', not {type(raw).__name__}"
    )
    return _Item(index, str(index), None, None, problem)


#: Public names for the input parsing shared with the Batch API path (``newsextract.batch_api``).
InputRecord = _Item
input_record = _item


def _workers(extractor: Extractor, concurrency: int) -> int:
    return 1 if extractor.settings.backend == "embedded" else max(1, int(concurrency))


def _processes(extractor: Extractor, processes: int | None) -> int:
    """The number of worker processes asked for (1: the batch runs in this process)."""
    if processes is None:
        return 1
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
        raise ConfigError(f"processes must be a positive whole number, not {processes!r}")
    if processes > 1 and extractor.settings.client is not None:
        raise ConfigError(
            "processes > 1 cannot share a client= object between processes; pass base_url=, api_key= "
            "and default_headers= instead (each worker then builds its own client)"
        )
    if processes > 1 and extractor.settings.backend == "embedded":
        raise ConfigError(
            "processes > 1 needs an endpoint: the embedded model runs one article at a time, and each "
            "worker process would load its own copy; use processes=1 (the default)"
        )
    return processes


# -- one run's bookkeeping (shared by the thread and process drivers) ------------------------------
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
        keep_results: bool = True,
        cancel: threading.Event | None = None,
    ) -> None:
        self.extractor = extractor
        self._cancel = cancel
        self.items = [_item(raw, i) for i, raw in enumerate(inputs)]
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
        if isinstance(exc, OutputError) and exc.result is None:
            exc.result = self.result()  # the batch stopped: the caller still gets what was done

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
            if self._aborted or (self._cancel is not None and self._cancel.is_set()):
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

    def _charge(self, outcome: Outcome) -> None:
        """Count an article's tokens against the budget as soon as it ends (before the next starts)."""
        with self._lock:
            self._spent += _spent(outcome).total_tokens

    def finish(self, item: _Item, outcome: Outcome) -> None:
        """Record an outcome, write its line, advance the progress (the callback may raise). A line that
        cannot be written raises ``OutputError`` once the outcome is recorded in memory."""
        if isinstance(outcome, _Aborted):
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

    def _record(self, item: _Item, outcome: Outcome, *, resumed: bool) -> None:
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
        spent = Usage() if resumed else _spent(outcome)
        s.requests += 0 if resumed else _requests(outcome)
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
        if not self.keep:  # the outcomes went to ``out`` and the progress callback only
            return BatchResult([], [], self.summary)
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


def _requests(outcome: Outcome) -> int:
    """Model requests an outcome cost this run (0 for a cached answer)."""
    if isinstance(outcome, Extraction):
        return 0 if outcome.meta.cached else outcome.meta.attempts
    if isinstance(outcome, ExtractionError):
        return outcome.attempts
    return 0


def _check_unique(ids: list[str]) -> None:
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        shown = ", ".join(repr(d) for d in dupes[:5])
        raise ConfigError(
            f"ids must be unique when writing results (out=/resume rely on them); repeated: {shown}"
        )


def _reload(line: dict[str, Any] | None, item: _Item) -> Extraction | None:
    """A result re-loaded from an earlier run's line, with its article text attached; None (extract
    again) when the article under that id has changed since: its ``input`` digest differs, or, for a
    line written without one, an event's evidence is no longer ``text[start:end]``."""
    if line is None:
        return None
    try:
        result = Extraction.model_validate(line["result"])
    except (ValueError, KeyError, TypeError):
        return None  # a line of an older format: extract again
    digest = line.get("input")
    if digest is not None and digest != input_digest(item.text, item.published):
        return None
    text = item.text
    if isinstance(text, bytes):
        try:
            text = decode_bytes(text)
        except InputError:
            text = None
    if isinstance(text, str):
        if digest is None and any(
            text[e.evidence.start : e.evidence.end] != e.evidence.quote for e in result.events
        ):
            return None
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


# -- worker processes ------------------------------------------------------------------------------
#: Articles per message to a worker (the window is refilled one result at a time after the first fill).
_UNIT = 4
#: The message index a worker sends once it is ready to take articles.
_READY = -2
#: A script run as ``__main__`` is re-imported by every worker process as it starts; without the
#: ``if __name__ == "__main__":`` guard, that import starts a batch of its own and the worker dies.
_GUARD_HINT = (
    "worker processes start by re-importing the main script, so a script that calls extract_many or "
    "run_batch with processes= must do it under 'if __name__ == \"__main__\":' (Python's multiprocessing "
    "rule, 'Safe importing of main module'); the worker's own error is printed above on stderr"
)
#: Modules the forkserver imports once, so a worker starts without importing them: ours, and what
#: openai, instructor and the HTTP stack import lazily on the first request (~0.5 s). Names that do not
#: import (another version of a dependency) are skipped by multiprocessing.
_PRELOAD = [
    "newsextract.api",
    "newsextract.batch",
    "newsextract.backends.openai_compat",
    "newsextract.strategies.whole_article",
    "openai.resources",
    "instructor.v2.providers.openai.client",
    "instructor.v2.providers.openai.handlers",
    "httpcore2",
    "h11",
    "certifi",
    "truststore",
    "docstring_parser",
]
_CONTEXT_LOCK = threading.Lock()
_context: BaseContext | None = None


def _mp_context() -> BaseContext:
    """forkserver (preloaded with newsextract) where the platform has it, else spawn. Never fork: the
    caller's threads (servers, progress bars, open connections) must not be copied into a child."""
    global _context
    with _CONTEXT_LOCK:
        if _context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(_PRELOAD)  # no effect if the forkserver already runs
                _context = ctx
            else:  # pragma: no cover - Windows
                _context = multiprocessing.get_context("spawn")
        return _context


def _child_settings(settings: Settings) -> Settings:
    """The settings a worker is built from: the parent's, with the cache directory resolved here (the
    forkserver's environment may be older than this process's)."""
    if settings.cache_enabled and settings.cache_dir is None:
        return dataclasses.replace(settings, cache_dir=default_cache_dir())
    return settings


def _worker_main(
    settings: Settings, max_chars: int, threads: int, refresh: bool, tasks: Connection, results: Connection
) -> None:
    """A worker process: extract the articles the parent sends, ``threads`` at a time, and send each
    outcome back as soon as it is known. Messages are pickles: parent -> worker a list of
    ``(index, id, text, published)`` or None (finish in-flight work and exit); worker -> parent
    ``(index, pickled outcome)``, index -1 for a worker that could not start, ``_READY`` once it has."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it stops us)
    send_lock = threading.Lock()

    def send(index: int, outcome: Outcome) -> None:
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an outcome that cannot cross the process boundary
            payload = pickle.dumps(
                ExtractionError(f"the result could not be sent back from the worker process: {exc!r}")
            )
        with send_lock, contextlib.suppress(OSError):  # the parent is gone or stopped listening
            results.send_bytes(pickle.dumps((index, payload)))

    try:
        from newsextract.api import Extractor

        extractor = Extractor(
            model=settings.model,
            base_url=settings.base_url,
            api_key=settings.api_key,
            backend=settings.backend,
            max_chars=max_chars,
        )
        extractor.settings = settings  # exactly the parent's resolved configuration
    except Exception as exc:
        send(-1, ExtractionError(f"the worker process could not start: {type(exc).__name__}: {exc}"))
        return
    with send_lock, contextlib.suppress(OSError):  # started: a later death is not a start-up failure
        results.send_bytes(pickle.dumps((_READY, b"")))

    def one(index: int, id: str, text: Any, published: Any) -> None:
        try:
            outcome: Outcome = extractor.extract(text, published, id=id, refresh=refresh)
        except NewsextractError as exc:
            outcome = exc
        except Exception as exc:
            outcome = _internal(exc)
        send(index, outcome)

    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="newsextract")
    try:
        while True:
            try:
                unit = pickle.loads(tasks.recv_bytes())
            except (EOFError, OSError):
                break
            if unit is None:
                break
            for index, id, text, published in unit:
                pool.submit(one, index, id, text, published)
    finally:
        pool.shutdown(wait=True)  # in-flight articles finish (their answers reach the cache)
        extractor.close()
        results.close()


class _Worker:
    """The parent's handle on one worker process: its pipes and the articles it holds."""

    def __init__(self, ctx: BaseContext, settings: Settings, max_chars: int, threads: int, refresh: bool):
        self.capacity = threads
        self.outstanding: dict[int, _Item] = {}
        task_reader, self.tasks = ctx.Pipe(duplex=False)
        self.results, result_writer = ctx.Pipe(duplex=False)
        self.process: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(settings, max_chars, threads, refresh, task_reader, result_writer),
            name="newsextract-worker",
            daemon=True,
        )
        self.process.start()
        task_reader.close()  # the child has its own copies; closing ours lets EOF mean "worker gone"
        result_writer.close()
        self.alive = True
        self.ready = False  # set when the worker says it started

    def death(self) -> str:
        """How the worker process ended, once its pipe closed: "exit code 1", "killed by SIGKILL"."""
        self.process.join(timeout=5)  # reaped, so the exit code is known (None only if still running)
        return _exit_reason(self.process.exitcode)

    @property
    def free(self) -> int:
        return self.capacity - len(self.outstanding) if self.alive else 0

    def send(self, items: list[_Item]) -> list[tuple[_Item, NewsextractError]]:
        """Hand ``items`` to the worker; the ones that cannot be sent, with the reason."""
        unit: list[tuple[int, str, Any, Any]] = []
        refused: list[tuple[_Item, NewsextractError]] = []
        for item in items:
            entry = (item.index, item.id, item.text, item.published)
            try:
                pickle.dumps(entry)
            except Exception as exc:
                refused.append((item, InputError(f"input {item.id!r} cannot be sent to a worker: {exc!r}")))
                continue
            unit.append(entry)
        if unit:
            self.tasks.send_bytes(pickle.dumps(unit, protocol=pickle.HIGHEST_PROTOCOL))
            for item in items:
                if all(item is not r for r, _ in refused):
                    self.outstanding[item.index] = item
        return refused

    def stop(self, *, wait: bool) -> None:
        """Ask the worker to finish its in-flight articles and exit (or terminate it at once)."""
        if wait and self.process.is_alive():
            with contextlib.suppress(OSError):
                self.tasks.send_bytes(pickle.dumps(None))
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:  # drain: a worker blocked on a full pipe never exits
                try:
                    if self.results.poll(0.5):
                        self.results.recv_bytes()
                    elif not self.process.is_alive():
                        break
                except (EOFError, OSError):
                    break
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
            if self.process.is_alive():  # pragma: no cover - a worker stuck in C code
                self.process.kill()
                self.process.join(timeout=5)
        self.tasks.close()
        self.results.close()
        self.alive = False


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "still running, its pipe closed"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _decode(payload: bytes) -> Outcome:
    try:
        outcome = pickle.loads(payload)
    except Exception as exc:
        return ExtractionError(f"the result sent by a worker process could not be read: {exc!r}")
    if isinstance(outcome, Extraction | NewsextractError):
        return outcome
    return ExtractionError(f"a worker process sent {type(outcome).__name__}, not a result")


def _run_processes(
    run: _Run, pending: list[_Item], *, processes: int, concurrency: int, cancel: threading.Event | None
) -> None:
    """Extract ``pending`` in worker processes, recording every outcome through ``run`` in this process."""
    n = min(processes, concurrency, len(pending))
    if n == 0:
        return
    extractor = run.extractor
    settings = _child_settings(extractor.settings)
    ctx = _mp_context()
    shares = [concurrency // n + (w < concurrency % n) for w in range(n)]
    workers: list[_Worker] = []
    queue = deque(pending)
    interrupted = False
    spare = 2 * n + 2  # dead workers that may still be replaced in this batch
    gone: list[str] = []  # why workers ended, for articles no worker is left to take

    def fail(worker: _Worker, reason: str) -> None:
        """A worker died: its in-flight articles fail (the others go on in the remaining workers)."""
        worker.alive = False
        lost, worker.outstanding = worker.outstanding, {}
        for item in sorted(lost.values(), key=lambda it: it.index):
            run.finish(item, ExtractionError(f"{item.id}: {reason}"))

    def died(worker: _Worker) -> None:
        """The worker's pipe closed: fail what it held, say why, and start a replacement if it had
        started (one that dies while starting would only die again: see ``_GUARD_HINT``)."""
        nonlocal spare
        how = worker.death()
        if not worker.ready:
            gone.append(f"a worker process exited ({how}) while starting: {_GUARD_HINT}")
            fail(worker, f"not extracted: {gone[-1]}")
            return
        gone.append(f"a worker process died ({how})")
        fail(worker, f"the worker process died ({how}) while extracting it")
        if queue and spare > 0:
            spare -= 1
            replacement = _Worker(ctx, settings, extractor.max_chars, worker.capacity, run.refresh)
            workers.append(replacement)
            fill(replacement)

    def fill(worker: _Worker) -> None:
        """Top the worker's window up to its share of the concurrency, a few articles per message."""
        while queue and worker.free > 0:
            unit: list[_Item] = []
            while queue and len(unit) < min(_UNIT, worker.free):
                item = queue.popleft()
                stop = run.gate()
                if isinstance(stop, _Aborted):
                    queue.clear()
                    break
                if stop is not None:  # token budget reached: recorded, never sent
                    run.finish(item, stop)
                    continue
                unit.append(item)
            if not unit:
                continue
            try:
                refused = worker.send(unit)
            except OSError:
                queue.extendleft(reversed(unit))  # not taken: another worker gets them
                died(worker)
                return
            for item, problem in refused:
                run.finish(item, problem)

    try:
        workers = [_Worker(ctx, settings, extractor.max_chars, share, run.refresh) for share in shares]
        for worker in list(workers):
            fill(worker)
        while True:
            live = [w for w in workers if w.alive]
            if not any(w.outstanding for w in live):
                if queue and live:  # everything in flight came back but gates left work (cannot
                    for worker in live:  # happen today; kept so the loop can never stall)
                        fill(worker)
                    if any(w.outstanding for w in live):
                        continue
                break
            if cancel is not None and cancel.is_set():
                interrupted = True
                break
            ready = multiprocessing.connection.wait([w.results for w in live], timeout=0.5)
            for conn in ready:
                worker = next(w for w in live if w.results is conn)
                try:
                    index, payload = pickle.loads(worker.results.recv_bytes())  # type: ignore[union-attr]
                except (EOFError, OSError):
                    died(worker)
                    continue
                if index == _READY:
                    worker.ready = True
                    continue
                outcome = _decode(payload)
                if index == -1:  # the worker could not start
                    fail(worker, str(outcome))
                    continue
                item = worker.outstanding.pop(index, None)
                if item is None:
                    continue
                run._charge(outcome)
                run.finish(item, outcome)
                fill(worker)
        why = f" ({gone[-1]})" if gone else ""
        for item in list(queue):  # no worker left to take them
            run.finish(item, ExtractionError(f"{item.id}: not extracted: no worker process left{why}"))
        queue.clear()
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        run.abort()
        for worker in workers:
            worker.stop(wait=not interrupted)


def _run_batch_cancellable(
    extractor: Extractor,
    inputs: Iterable[InputItem],
    cancel: threading.Event | None,
    *,
    concurrency: int,
    progress: ProgressOption,
    out: str | Path | None,
    resume: bool,
    token_budget: int | None,
    refresh: bool,
    processes: int | None,
    keep_results: bool = True,
) -> BatchResult:
    """``run_batch`` with worker processes; ``cancel`` (set from another thread) stops it early."""
    nproc = _processes(extractor, processes)
    run = _Run(
        extractor,
        inputs,
        progress=progress,
        out=out,
        resume=resume,
        token_budget=token_budget,
        refresh=refresh,
        keep_results=keep_results,
    )
    with run:
        pending = run.prepare()
        _run_processes(run, pending, processes=nproc, concurrency=max(1, int(concurrency)), cancel=cancel)
    return run.result()


def _run_threads(
    extractor: Extractor,
    inputs: Iterable[InputItem],
    cancel: threading.Event | None,
    *,
    concurrency: int,
    progress: ProgressOption,
    out: str | Path | None,
    resume: bool,
    token_budget: int | None,
    refresh: bool,
    keep_results: bool,
) -> BatchResult:
    """The batch in this process on ``concurrency`` threads; ``cancel`` (set from another thread) stops
    handing out articles (those in flight finish)."""
    run = _Run(
        extractor,
        inputs,
        progress=progress,
        out=out,
        resume=resume,
        token_budget=token_budget,
        refresh=refresh,
        keep_results=keep_results,
        cancel=cancel,
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
                run.finish(futures.pop(future), future.result())  # popped: no outcome held here
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            # Not-started articles are cancelled; in-flight ones finish (their answers reach the cache)
            # unless the user interrupted, who should not wait for them.
            run.abort()
            pool.shutdown(wait=not interrupted, cancel_futures=True)
    return run.result()


def _drive(
    extractor: Extractor,
    inputs: Iterable[InputItem],
    cancel: threading.Event | None,
    *,
    concurrency: int,
    progress: ProgressOption,
    out: str | Path | None,
    resume: bool,
    token_budget: int | None,
    refresh: bool,
    processes: int | None,
    keep_results: bool,
) -> BatchResult:
    """The batch on threads in this process, or in worker processes when ``processes > 1``."""
    common: dict[str, Any] = {
        "concurrency": concurrency,
        "progress": progress,
        "out": out,
        "resume": resume,
        "token_budget": token_budget,
        "refresh": refresh,
        "keep_results": keep_results,
    }
    if _processes(extractor, processes) > 1:
        return _run_batch_cancellable(extractor, inputs, cancel, processes=processes, **common)
    return _run_threads(extractor, inputs, cancel, **common)


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
    processes: int | None = None,
    keep_results: bool = True,
) -> BatchResult:
    """Extract every input with up to ``concurrency`` threads (see the module docstring for the promises).

    ``processes=N`` (N > 1) spreads those threads over N worker processes (endpoints only; see
    "Processes" in the module docstring).

    Raises ``ConfigError`` for unusable options (resume without out, repeated ids with out, a
    non-positive budget, processes > 1 with the embedded model); exceptions from a progress callback
    propagate after the current line is written, and articles not yet started are then never started.
    """
    return _drive(
        extractor,
        inputs,
        None,
        concurrency=concurrency,
        progress=progress,
        out=out,
        resume=resume,
        token_budget=token_budget,
        refresh=refresh,
        processes=processes,
        keep_results=keep_results,
    )


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
    processes: int | None = None,
    keep_results: bool = True,
) -> BatchResult:
    """The awaitable twin of ``run_batch``, with the same promises; the event loop stays free meanwhile.

    The batch runs as ``run_batch`` does, driven from a worker thread: its requests go out on a pool of
    ``concurrency`` threads (or worker processes with ``processes > 1``). Measured at 64 in flight
    against a 100 ms endpoint (bench/bench_concurrency.py), threads with the blocking client sustain
    about twice the articles per second of one asyncio loop, which spends its single thread's CPU on
    the async HTTP stack (a bare ``AsyncOpenAI`` included). A progress callback is then called from
    that thread. Cancelling the awaiting task stops handing out articles (those in flight finish and
    reach the cache) and stops any worker processes. For per-article coroutines use ``aextract`` or
    ``Extractor.aiter_many``.
    """
    cancel = threading.Event()
    try:
        return await asyncio.to_thread(
            _drive,
            extractor,
            inputs,
            cancel,
            concurrency=concurrency,
            progress=progress,
            out=out,
            resume=resume,
            token_budget=token_budget,
            refresh=refresh,
            processes=processes,
            keep_results=keep_results,
        )
    finally:
        cancel.set()
