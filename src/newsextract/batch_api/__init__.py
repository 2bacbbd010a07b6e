"""The OpenAI Batch API path (also ``vllm run-batch``): ``Extractor.submit_batch`` -> ``BatchJob``.

Pure parts: ``lines`` (request lines, custom ids), ``split`` (file limits), ``output`` (reading output
files), ``state`` (the job state file). At the edge: ``client`` (HTTP) and ``job`` (orchestration).
"""

from newsextract.batch_api.job import BatchJob, JobStatus

__all__ = ["BatchJob", "JobStatus"]
