"""``run_batch`` and ``arun_batch``: a batch on threads in this process, or in worker processes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsextract.batch.inputs import InputItem
from newsextract.batch.outcomes import BatchResult
from newsextract.batch.pool import process_count, run_processes
from newsextract.batch.progress import ProgressOption
from newsextract.batch.run import Run
from newsextract.batch.threads import run_threads

if TYPE_CHECKING:
    from newsextract.engine import ArticleExtractor

#: Options ``api.extract_many`` passes through to ``run_batch`` (besides ``concurrency``).
BATCH_OPTIONS = frozenset(
    {"progress", "out", "resume", "token_budget", "refresh", "processes", "keep_results"}
)


def _drive(
    extractor: ArticleExtractor,
    inputs: Iterable[InputItem],
    cancel: threading.Event | None,
    *,
    concurrency: int,
    processes: int | None,
    **options: Any,
) -> BatchResult:
    """The batch on threads in this process, or in worker processes when ``processes > 1``; ``cancel``
    (set from another thread) stops handing out articles. ``options``: ``Run``'s."""
    nproc = process_count(extractor, processes)
    run = Run(extractor, inputs, cancel=cancel if nproc == 1 else None, **options)
    with run:
        if nproc > 1:
            pending = run.prepare()
            run_processes(run, pending, processes=nproc, concurrency=max(1, int(concurrency)), cancel=cancel)
        else:
            run_threads(run, concurrency)
    return run.result()


def run_batch(
    extractor: ArticleExtractor,
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
    extractor: ArticleExtractor,
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
