"""The Batch API over HTTP, kept thin: upload, create, retrieve, cancel, download.

It uses the openai client's own ``files`` and ``batches`` resources over the same retrying transport as
online requests (connection errors, timeouts, 429 and 5xx are retried per HTTP request), with the
client's own retries off. Downloads add one thing: just after a batch completes its output file may
answer 403 or 404 for a short while, so a download is retried a few times with growing waits before
it counts as missing. Every failure reaches the caller as ``TransportError`` (the key is never shown).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai

from newsextract.backends.http_transport import RetryingTransport
from newsextract.backends.openai_compat import PLACEHOLDER_KEY
from newsextract.batch_api.lines import ENDPOINT
from newsextract.config import Settings
from newsextract.errors import TransportError
from newsextract.retry import RetryPolicy

#: Statuses a file download answers while the output is not ready yet.
NOT_READY = frozenset({403, 404})


@dataclass
class BatchInfo:
    """What ``GET /v1/batches/{id}`` says, reduced to what a job uses."""

    id: str
    status: str
    input_file_id: str
    output_file_id: str | None = None
    error_file_id: str | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _info(batch: Any) -> BatchInfo:
    counts = batch.request_counts
    errors = []
    if batch.errors is not None and batch.errors.data:
        errors = [f"{e.code or 'error'}: {e.message or ''}".strip() for e in batch.errors.data]
    return BatchInfo(
        id=batch.id,
        status=str(batch.status),
        input_file_id=batch.input_file_id,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
        total=counts.total if counts else 0,
        completed=counts.completed if counts else 0,
        failed=counts.failed if counts else 0,
        errors=errors,
    )


class BatchClient:
    """One endpoint's Batch API. ``download_attempts`` tries (waiting ``download_wait_s``, doubling)
    before a file that answers 403/404 counts as missing."""

    def __init__(
        self,
        settings: Settings,
        *,
        download_attempts: int = 6,
        download_wait_s: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = settings.endpoint
        policy = RetryPolicy(
            attempts=settings.transport_attempts, max_total_wait_s=settings.transport_max_wait_s
        )
        timeout = httpx2.Timeout(settings.timeout_s, connect=min(10.0, settings.timeout_s))
        self._http = httpx2.Client(transport=RetryingTransport(policy), timeout=timeout)
        self._client = openai.OpenAI(
            api_key=settings.api_key or PLACEHOLDER_KEY,
            base_url=settings.base_url,
            max_retries=0,
            timeout=timeout,
            http_client=self._http,
        )
        self.download_attempts = max(1, download_attempts)
        self.download_wait_s = download_wait_s
        self._sleep = sleep

    def _fail(self, what: str, exc: Exception) -> TransportError:
        status = exc.status_code if isinstance(exc, openai.APIStatusError) else None
        detail = f"HTTP {status}" if status is not None else type(exc).__name__
        return TransportError(
            f"{what} at {self.endpoint} failed: {detail}", status_code=status, endpoint=self.endpoint
        )

    def upload(self, name: str, data: bytes) -> str:
        """Upload one input file (``purpose=batch``); its file id."""
        try:
            return str(self._client.files.create(file=(name, data, "application/jsonl"), purpose="batch").id)
        except openai.APIError as exc:
            raise self._fail("uploading the batch input file", exc) from exc

    def create(self, input_file_id: str, completion_window: str, metadata: dict[str, str]) -> BatchInfo:
        try:
            batch = self._client.batches.create(
                input_file_id=input_file_id,
                endpoint=ENDPOINT,
                completion_window=completion_window,  # type: ignore[arg-type]
                metadata=metadata,
            )
        except openai.APIError as exc:
            raise self._fail("creating the batch", exc) from exc
        return _info(batch)

    def retrieve(self, batch_id: str) -> BatchInfo:
        try:
            return _info(self._client.batches.retrieve(batch_id))
        except openai.APIError as exc:
            raise self._fail(f"reading batch {batch_id}", exc) from exc

    def cancel(self, batch_id: str) -> BatchInfo:
        try:
            return _info(self._client.batches.cancel(batch_id))
        except openai.APIError as exc:
            raise self._fail(f"cancelling batch {batch_id}", exc) from exc

    def download(self, file_id: str) -> bytes | None:
        """A file's content; None when it still answers 403/404 after every try."""
        wait = self.download_wait_s
        for attempt in range(1, self.download_attempts + 1):
            try:
                return bytes(self._client.files.content(file_id).content)
            except openai.APIStatusError as exc:
                if exc.status_code not in NOT_READY:
                    raise self._fail(f"downloading file {file_id}", exc) from exc
            except openai.APIError as exc:
                raise self._fail(f"downloading file {file_id}", exc) from exc
            if attempt < self.download_attempts:
                self._sleep(wait)
                wait *= 2
        return None

    def close(self) -> None:
        self._http.close()
