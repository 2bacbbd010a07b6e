"""The parent's side of worker processes: one handle per worker, and the pool that hands out articles
through a sliding window and records what comes back (see "Processes" in ``newsextract.batch``)."""

from __future__ import annotations

import contextlib
import multiprocessing.connection
import pickle
import signal
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from newsextract.batch.inputs import InputRecord
from newsextract.batch.run import Aborted, Run
from newsextract.batch.worker import (
    FAILED_TO_START,
    GUARD_HINT,
    READY,
    child_settings,
    decode,
    mp_context,
    worker_main,
)
from newsextract.config import Settings
from newsextract.errors import ConfigError, ExtractionError, InputError, NewsextractError

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

    from newsextract.engine import ArticleExtractor

#: Articles per message to a worker (the window is refilled one result at a time after the first fill).
UNIT = 4


def process_count(extractor: ArticleExtractor, processes: int | None) -> int:
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


class WorkerHandle:
    """The parent's handle on one worker process: its pipes and the articles it holds."""

    def __init__(self, ctx: BaseContext, settings: Settings, max_chars: int, threads: int, refresh: bool):
        self.capacity = threads
        self.outstanding: dict[int, InputRecord] = {}
        task_reader, self.tasks = ctx.Pipe(duplex=False)
        self.results, result_writer = ctx.Pipe(duplex=False)
        self.process: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=worker_main,
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
        return exit_reason(self.process.exitcode)

    @property
    def free(self) -> int:
        return self.capacity - len(self.outstanding) if self.alive else 0

    def send(self, items: list[InputRecord]) -> list[tuple[InputRecord, NewsextractError]]:
        """Hand ``items`` to the worker; the ones that cannot be sent, with the reason."""
        unit: list[tuple[int, str, Any, Any]] = []
        refused: list[tuple[InputRecord, NewsextractError]] = []
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


def exit_reason(code: int | None) -> str:
    if code is None:
        return "still running, its pipe closed"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class ProcessPool:
    """Extracts a run's pending articles in worker processes, recording every outcome through the run
    in this process. A worker that dies fails its in-flight articles; one that had started is replaced
    (up to ``2 * n + 2`` times per batch) while articles wait."""

    def __init__(self, run: Run, pending: list[InputRecord], *, processes: int, concurrency: int) -> None:
        self.run = run
        self.n = max(0, min(processes, concurrency, len(pending)))
        self.shares = [concurrency // self.n + (w < concurrency % self.n) for w in range(self.n)]
        self.settings = child_settings(run.extractor.settings)
        self.ctx = mp_context()
        self.workers: list[WorkerHandle] = []
        self.queue = deque(pending)
        self.spare = 2 * self.n + 2  # dead workers that may still be replaced in this batch
        self.gone: list[str] = []  # why workers ended, for articles no worker is left to take

    def _start(self, threads: int) -> WorkerHandle:
        run = self.run
        worker = WorkerHandle(self.ctx, self.settings, run.extractor.max_chars, threads, run.refresh)
        self.workers.append(worker)
        return worker

    def fail(self, worker: WorkerHandle, reason: str) -> None:
        """A worker died: its in-flight articles fail (the others go on in the remaining workers)."""
        worker.alive = False
        lost, worker.outstanding = worker.outstanding, {}
        for item in sorted(lost.values(), key=lambda it: it.index):
            self.run.finish(item, ExtractionError(f"{item.id}: {reason}"))

    def died(self, worker: WorkerHandle) -> None:
        """The worker's pipe closed: fail what it held, say why, and start a replacement if it had
        started (one that dies while starting would only die again: see ``GUARD_HINT``)."""
        how = worker.death()
        if not worker.ready:
            self.gone.append(f"a worker process exited ({how}) while starting: {GUARD_HINT}")
            self.fail(worker, f"not extracted: {self.gone[-1]}")
            return
        self.gone.append(f"a worker process died ({how})")
        self.fail(worker, f"the worker process died ({how}) while extracting it")
        if self.queue and self.spare > 0:
            self.spare -= 1
            self.fill(self._start(worker.capacity))

    def _unit(self, worker: WorkerHandle) -> list[InputRecord]:
        """The next few articles for ``worker``, each through the run's gate (a budget skip is recorded,
        never sent; an interrupted run empties the queue)."""
        unit: list[InputRecord] = []
        while self.queue and len(unit) < min(UNIT, worker.free):
            item = self.queue.popleft()
            stop = self.run.gate()
            if isinstance(stop, Aborted):
                self.queue.clear()
                break
            if stop is not None:  # token budget reached: recorded, never sent
                self.run.finish(item, stop)
                continue
            unit.append(item)
        return unit

    def fill(self, worker: WorkerHandle) -> None:
        """Top the worker's window up to its share of the concurrency, a few articles per message."""
        while self.queue and worker.free > 0:
            unit = self._unit(worker)
            if not unit:
                continue
            try:
                refused = worker.send(unit)
            except OSError:
                self.queue.extendleft(reversed(unit))  # not taken: another worker gets them
                self.died(worker)
                return
            for item, problem in refused:
                self.run.finish(item, problem)

    def receive(self, worker: WorkerHandle) -> None:
        """Read one message from ``worker``: ready, could not start, or one article's outcome."""
        try:
            index, payload = pickle.loads(worker.results.recv_bytes())
        except (EOFError, OSError):
            self.died(worker)
            return
        if index == READY:
            worker.ready = True
            return
        outcome = decode(payload)
        if index == FAILED_TO_START:
            self.fail(worker, str(outcome))
            return
        item = worker.outstanding.pop(index, None)
        if item is None:
            return
        self.run.charge(outcome)
        self.run.finish(item, outcome)
        self.fill(worker)

    def _busy(self) -> bool:
        """Whether any live worker holds articles (topping the windows up first if none does)."""
        live = [w for w in self.workers if w.alive]
        if any(w.outstanding for w in live):
            return True
        if self.queue and live:  # everything in flight came back but gates left work (cannot happen
            for worker in live:  # today; kept so the loop can never stall)
                self.fill(worker)
        return any(w.outstanding for w in live)

    def serve(self, cancel: threading.Event | None) -> bool:
        """Run until every article has its outcome; False when ``cancel`` stopped it early."""
        for share in self.shares:
            self._start(share)
        for worker in list(self.workers):
            self.fill(worker)
        cancelled = False
        while self._busy():
            if cancel is not None and cancel.is_set():
                cancelled = True
                break
            live = [w for w in self.workers if w.alive]
            for conn in multiprocessing.connection.wait([w.results for w in live], timeout=0.5):
                self.receive(next(w for w in live if w.results is conn))
        why = f" ({self.gone[-1]})" if self.gone else ""
        for item in list(self.queue):  # no worker left to take them
            self.run.finish(item, ExtractionError(f"{item.id}: not extracted: no worker process left{why}"))
        self.queue.clear()
        return not cancelled


def run_processes(
    run: Run, pending: list[InputRecord], *, processes: int, concurrency: int, cancel: threading.Event | None
) -> None:
    """Extract ``pending`` in worker processes, recording every outcome through ``run`` in this process.
    Interrupted (Ctrl-C), the workers are stopped at once; otherwise they finish in-flight articles."""
    pool = ProcessPool(run, pending, processes=processes, concurrency=concurrency)
    if pool.n == 0:
        return
    interrupted = False
    try:
        interrupted = not pool.serve(cancel)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        run.abort()
        for worker in pool.workers:
            worker.stop(wait=not interrupted)
