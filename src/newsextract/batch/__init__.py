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

The package, by job: ``drivers`` (``run_batch``, ``arun_batch``), ``run`` (one run's bookkeeping:
gate, record, result), ``threads`` (the thread pool), ``pool`` (worker processes, the parent's side),
``worker`` (what runs in a worker process), ``inputs`` (records and resume), ``outcomes``
(``BatchResult``, ``BatchSummary``), ``progress`` (the bar).
"""

from newsextract.batch.drivers import BATCH_OPTIONS, arun_batch, run_batch
from newsextract.batch.inputs import InputItem, InputRecord, input_record
from newsextract.batch.outcomes import BatchResult, BatchSummary, Outcome, records, to_pandas
from newsextract.batch.progress import ProgressCallback, ProgressOption

__all__ = [
    "BATCH_OPTIONS",
    "BatchResult",
    "BatchSummary",
    "InputItem",
    "InputRecord",
    "Outcome",
    "ProgressCallback",
    "ProgressOption",
    "arun_batch",
    "input_record",
    "records",
    "run_batch",
    "to_pandas",
]
