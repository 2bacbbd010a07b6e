"""The batch in this process, on a pool of threads."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING

from newsextract.batch.inputs import InputRecord
from newsextract.batch.outcomes import Outcome
from newsextract.batch.run import Run

if TYPE_CHECKING:
    from newsextract.engine import ArticleExtractor


def thread_count(extractor: ArticleExtractor, concurrency: int) -> int:
    """Threads for ``concurrency`` articles in flight: one on the embedded model (it runs one article
    at a time), else ``concurrency``."""
    return 1 if extractor.settings.backend == "embedded" else max(1, int(concurrency))


def run_threads(run: Run, concurrency: int) -> None:
    """Extract the run's pending articles on ``concurrency`` threads, recording each outcome as it
    comes. Articles not yet started when the run is aborted (a failed write, ``cancel`` set from another
    thread) are never started; in-flight ones finish, their answers reach the cache."""
    pending = run.prepare()
    pool = ThreadPoolExecutor(
        max_workers=thread_count(run.extractor, concurrency), thread_name_prefix="newsextract"
    )
    interrupted = False
    try:
        futures: dict[Future[Outcome], InputRecord] = {pool.submit(run.call, item): item for item in pending}
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
