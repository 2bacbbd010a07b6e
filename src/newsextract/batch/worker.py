"""What runs in a worker process, and how it is started.

Messages are pickles over two one-way pipes: parent -> worker a list of ``(index, id, text,
published)`` or None (finish in-flight work and exit); worker -> parent ``(index, pickled outcome)``,
index ``FAILED_TO_START`` for a worker that could not start, ``READY`` once it has.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import pickle
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from newsextract.batch.outcomes import Outcome, internal
from newsextract.config import Settings, default_cache_dir
from newsextract.errors import ExtractionError, NewsextractError
from newsextract.extraction import Extraction

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext

    from newsextract.engine import ArticleExtractor

#: The message index a worker sends once it is ready to take articles.
READY = -2
#: The message index of a worker that could not start (the payload says why).
FAILED_TO_START = -1
#: A script run as ``__main__`` is re-imported by every worker process as it starts; without the
#: ``if __name__ == "__main__":`` guard, that import starts a batch of its own and the worker dies.
GUARD_HINT = (
    "worker processes start by re-importing the main script, so a script that calls extract_many or "
    "run_batch with processes= must do it under 'if __name__ == \"__main__\":' (Python's multiprocessing "
    "rule, 'Safe importing of main module'); the worker's own error is printed above on stderr"
)
#: Modules the forkserver imports once, so a worker starts without importing them: ours, and what
#: openai, instructor and the HTTP stack import lazily on the first request (~0.5 s). Names that do not
#: import (another version of a dependency) are skipped by multiprocessing.
_PRELOAD = [
    "newsextract.engine",
    "newsextract.batch.worker",
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


def mp_context() -> BaseContext:
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


def child_settings(settings: Settings) -> Settings:
    """The settings a worker is built from: the parent's, with the cache directory resolved here (the
    forkserver's environment may be older than this process's)."""
    if settings.cache_enabled and settings.cache_dir is None:
        return dataclasses.replace(settings, cache_dir=default_cache_dir())
    return settings


def decode(payload: bytes) -> Outcome:
    """The outcome a worker sent; an ``ExtractionError`` for anything else (never trusted further)."""
    try:
        outcome = pickle.loads(payload)
    except Exception as exc:
        return ExtractionError(f"the result sent by a worker process could not be read: {exc!r}")
    if isinstance(outcome, Extraction | NewsextractError):
        return outcome
    return ExtractionError(f"a worker process sent {type(outcome).__name__}, not a result")


class _Replies:
    """The worker's end of the result pipe: one message at a time, from any of its threads."""

    def __init__(self, results: Connection) -> None:
        self._results = results
        self._lock = threading.Lock()

    def send(self, index: int, outcome: Outcome) -> None:
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an outcome that cannot cross the process boundary
            payload = pickle.dumps(
                ExtractionError(f"the result could not be sent back from the worker process: {exc!r}")
            )
        self.raw(index, payload)

    def raw(self, index: int, payload: bytes) -> None:
        with self._lock, contextlib.suppress(OSError):  # the parent is gone or stopped listening
            self._results.send_bytes(pickle.dumps((index, payload)))


def worker_main(
    settings: Settings, max_chars: int, threads: int, refresh: bool, tasks: Connection, results: Connection
) -> None:
    """A worker process: build an extractor with the parent's resolved ``settings``, extract the
    articles the parent sends, ``threads`` at a time, and send each outcome back as soon as it is known."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it stops us)
    replies = _Replies(results)
    try:
        from newsextract.engine import ArticleExtractor

        extractor = ArticleExtractor.from_settings(settings, max_chars)  # exactly the parent's configuration
    except Exception as exc:
        message = f"the worker process could not start: {type(exc).__name__}: {exc}"
        replies.send(FAILED_TO_START, ExtractionError(message))
        return
    replies.raw(READY, b"")  # started: a later death is not a start-up failure
    try:
        _serve(extractor, threads, refresh, tasks, replies)
    finally:
        extractor.close()
        results.close()


def _serve(
    extractor: ArticleExtractor, threads: int, refresh: bool, tasks: Connection, replies: _Replies
) -> None:
    """Take units of articles from ``tasks`` until None or the parent is gone; in-flight articles finish
    (their answers reach the cache)."""

    def one(index: int, id: str, text: Any, published: Any) -> None:
        try:
            outcome: Outcome = extractor.extract(text, published, id=id, refresh=refresh)
        except NewsextractError as exc:
            outcome = exc
        except Exception as exc:
            outcome = internal(exc)
        replies.send(index, outcome)

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="newsextract") as pool:
        while True:
            try:
                unit = pickle.loads(tasks.recv_bytes())
            except (EOFError, OSError):
                break
            if unit is None:
                break
            for index, id, text, published in unit:
                pool.submit(one, index, id, text, published)
