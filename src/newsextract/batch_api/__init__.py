"""The OpenAI Batch API path (also ``vllm run-batch``): ``Extractor.submit_batch`` -> ``BatchJob``.

Pure parts: ``lines`` (request lines, custom ids), ``split`` (file limits), ``output`` (reading output
files), ``state`` (the job state file). At the edge: ``client`` (HTTP), ``files`` (the job folder),
``plan`` (which lines are sent, and again after a batch ends), ``chunks`` (a chunk's reply from the
answers, online where needed), ``collect`` (the results) and ``job`` (``BatchJob``: submit, poll,
download, collect).
``BatchJob`` and ``JobStatus`` are imported on first use, so the pure parts load without the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsextract.batch_api.job import BatchJob, JobStatus

__all__ = ["BatchJob", "JobStatus"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from newsextract.batch_api import job

        return getattr(job, name)
    raise AttributeError(f"module 'newsextract.batch_api' has no attribute {name!r}")
