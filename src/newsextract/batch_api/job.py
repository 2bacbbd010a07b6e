"""A Batch API job: submit articles as request lines, poll, download, and turn the answers into results.

The promises (see also ``Extractor.submit_batch``):

- **One line per request.** Each article (each chunk of a long one) becomes the request the online path
  would send (``OpenAICompatBackend.request_body``), with a ``custom_id`` derived from its cache key
  (``lines.py``); identical articles (and identical chunks) share their lines, and articles already in
  the cache are not sent at all. More than 50,000 lines or 200 MB
  are split over several batches (``split.py``).
- **Same answers, same results.** Every output line goes through the same validation (grounding
  included, ``structured.parse_reply``), the same chunk merging and best-answer salvage and the same
  post-processing as an online reply, and into the cache. Answers are matched by ``custom_id``, never
  by line order.
- **Nothing lost.** A line that failed, or whose answer did not validate, is asked again: online by
  default (a re-ask carries the validation errors, as online, within ``max_retries``), or in a follow-up
  batch with ``reask="batch"``. An expired batch keeps its finished lines and re-queues the rest in a new
  batch; a batch that failed as a whole falls back to online requests; a cancelled one keeps what
  finished and reports the rest as errors (no money is spent behind the user's back). A completed batch
  whose output file is missing or answers 403/404 is polled and downloaded again a few times.
- **Survives the process.** The batch ids and which lines each article became sit in a small state file
  next to the results file (``state.py``), written after every change; the downloaded outputs sit in the
  job folder. ``BatchJob.load`` (or ``newsextract batch collect``) picks the job up after a crash or on
  another machine, with an ``Extractor`` configured as the one that submitted it (checked).
- **Collecting twice writes nothing twice.** Results already in the results file (errors included) are
  re-read, not recomputed or re-written (``retry_failed=True`` tries the errors again); answers already
  processed come from the cache.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from newsextract.batch import BatchResult
from newsextract.batch_api.chunks import Answers, answered_by_slot
from newsextract.batch_api.client import BatchClient
from newsextract.batch_api.collect import collect
from newsextract.batch_api.files import (
    atomic_write,
    read_answers,
    read_bodies,
    read_texts,
    request_file,
    write_articles,
    written,
)
from newsextract.batch_api.lines import parse_attempt
from newsextract.batch_api.output import ParsedOutput
from newsextract.batch_api.plan import follow_up_lines, plan_requests, write_request_files
from newsextract.batch_api.split import MAX_BYTES, MAX_REQUESTS
from newsextract.batch_api.state import (
    OPEN_STATUSES,
    BatchRecord,
    JobState,
    Reask,
    dump_state,
    job_dir,
    overall_status,
    results_path,
    state_path,
)
from newsextract.errors import ConfigError, NewsextractError, TransportError
from newsextract.extraction import Extraction
from newsextract.strategies.whole_article import WholeArticle

if TYPE_CHECKING:
    from newsextract.engine import ArticleExtractor

Outcome = Extraction | NewsextractError
StatusCallback = Callable[["JobStatus"], None]

#: Polls in a row that may fail (after the transport's own retries) before ``wait`` gives up.
MAX_POLL_FAILURES = 5
#: Polls after "completed" during which a missing output file is waited for before its lines go online.
LATE_OUTPUT_POLLS = 5
_PROBE = "newsextract batch configuration probe"


@dataclass
class JobStatus:
    """Where a job stands: one word (``state.overall_status``), per-batch statuses and request counts."""

    status: str
    batches: list[tuple[str, str]] = field(default_factory=list)
    requests_total: int = 0
    requests_completed: int = 0
    requests_failed: int = 0
    articles: int = 0

    @property
    def done(self) -> bool:
        """True when every batch has ended and its output was downloaded (results can be collected)."""
        return self.status not in (*OPEN_STATUSES, "downloading", "submitting")

    def __str__(self) -> str:
        return (
            f"{self.status}: {len(self.batches)} batch(es), {self.requests_completed}/{self.requests_total} "
            f"requests answered, {self.requests_failed} failed; {self.articles} article(s)"
        )


def config_fingerprint(extractor: ArticleExtractor) -> str:
    """Names everything that shapes the requests and the cache keys (model, endpoint, mode, prompt,
    schema, generation parameters): the cache key of a fixed probe text."""
    return extractor.cache_key(_PROBE)


def _check_extractor(extractor: ArticleExtractor) -> None:
    if extractor.settings.backend != "openai":
        raise ConfigError(
            "the Batch API needs an OpenAI-compatible endpoint (base_url= or OPENAI_API_KEY); the embedded "
            "model has no batch interface"
        )
    if not isinstance(extractor.strategy, WholeArticle):
        raise ConfigError(
            "the Batch API sends whole articles: use strategy='whole_article' (the default for endpoints)"
        )


class BatchJob:
    """A submitted (or dry-run) Batch API job. Make one with ``Extractor.submit_batch`` or ``load``.

    Args:
        poll_interval_s: seconds between status polls in ``wait`` (each poll is one GET per open batch).
        download_wait_s: first wait before re-trying a download that answers 403/404 (doubles each try).
    """

    def __repr__(self) -> str:
        return f"BatchJob(out={str(self.out)!r}, {self._status()})"

    def __init__(
        self,
        extractor: ArticleExtractor,
        state: JobState,
        out: Path,
        *,
        poll_interval_s: float = 30.0,
        download_wait_s: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.extractor = extractor
        self.state = state
        self.out = Path(out)
        self.poll_interval_s = poll_interval_s
        self._sleep = sleep
        self._download_wait_s = download_wait_s
        self._client: BatchClient | None = None
        self._cancelled_lines: set[str] = set()
        self._followup_bodies: dict[str, dict[str, Any]] = {}
        self._answered: dict[str, list[tuple[int, str]]] = {}

    # -- files ---------------------------------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return state_path(self.out)

    @property
    def folder(self) -> Path:
        return job_dir(self.out)

    @property
    def request_files(self) -> list[Path]:
        """The request JSONL files, in order (the input of ``vllm run-batch`` after a dry run)."""
        return [request_file(self.folder, n) for n in range(1, self.state.request_files + 1)]

    def save(self) -> None:
        """Write the state file atomically."""
        data = json.dumps(dump_state(self.state), ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write(self.state_file, data)

    @property
    def client(self) -> BatchClient:
        if self._client is None:
            self._client = BatchClient(
                self.extractor.settings, download_wait_s=self._download_wait_s, sleep=self._sleep
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- loading -------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, extractor: ArticleExtractor | None = None, **options: Any) -> BatchJob:
        """The job whose results file (or state file) is ``path``.

        ``extractor`` must be configured as the one that submitted the job (same model, endpoint, mode,
        prompt and parameters; the key comes from the environment as usual); by default one is made from
        the environment. A mismatch raises ``ConfigError`` naming what the job was submitted with: the
        state file only ever names ids, never the endpoint to send a key to.
        """
        out = results_path(path)
        sp = state_path(out)
        try:
            raw = sp.read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"no batch job at {out}: {sp.name} not found") from None
        try:
            state = JobState.model_validate_json(raw)
        except ValidationError as exc:
            raise ConfigError(f"{sp} is not a batch job state file: {exc.errors()[0]['msg']}") from None
        if extractor is None:
            from newsextract.engine import ArticleExtractor

            extractor = ArticleExtractor()
        _check_extractor(extractor)
        if config_fingerprint(extractor) != state.config:
            s = extractor.settings
            raise ConfigError(
                f"this job was submitted with model {state.model!r} at {state.endpoint} and other settings; "
                f"collect it with the same configuration (now: model {s.model!r} at {s.endpoint})"
            )
        return cls(extractor, state, out, **options)

    # -- submitting ----------------------------------------------------------------------------------
    @classmethod
    def submit(
        cls,
        extractor: ArticleExtractor,
        inputs: Iterable[str | bytes | Mapping[str, Any]],
        *,
        out: str | Path,
        dry_run: bool = False,
        reask: Reask = "online",
        completion_window: str = "24h",
        refresh: bool = False,
        max_requests: int = MAX_REQUESTS,
        max_bytes: int = MAX_BYTES,
        **options: Any,
    ) -> BatchJob:
        """Build the request lines, write them, and (unless ``dry_run``) upload and create the batches."""
        _check_extractor(extractor)
        if reask not in ("online", "batch"):
            raise ConfigError(f"reask must be 'online' or 'batch', not {reask!r}")
        out = Path(out)
        if state_path(out).exists():
            raise ConfigError(f"a batch job already writes to {out}: collect it, or choose another out=")
        if out.exists() and out.stat().st_size > 0:
            raise ConfigError(f"{out} already holds results: choose another out= for a new batch job")
        s = extractor.settings
        state = JobState(
            model=s.model,
            endpoint=s.endpoint,
            config=config_fingerprint(extractor),
            reask=reask,
            completion_window=completion_window,
            dry_run=dry_run,
            refresh=refresh,
        )
        job = cls(extractor, state, out, **options)
        lines, texts = plan_requests(extractor, state, inputs)
        write_articles(job.folder, texts)
        write_request_files(job.folder, state, lines, max_requests=max_requests, max_bytes=max_bytes)
        if not dry_run:
            state.pending = [(n, 0) for n in range(1, state.request_files + 1)]
        job.save()
        job._submit_pending()
        return job

    def _submit_pending(self) -> None:
        """Upload and create one batch per request file not yet submitted, saving the state after each
        (a crash between creating a batch and saving it is the one moment a batch can be sent twice)."""
        while self.state.pending:
            n, round = self.state.pending[0]
            path = request_file(self.folder, n)
            data = path.read_bytes()
            ids = [json.loads(line)["custom_id"] for line in data.splitlines() if line.strip()]
            file_id = self.client.upload(path.name, data)
            info = self.client.create(
                file_id, self.state.completion_window, {"newsextract_job": self.out.name[:500]}
            )
            self.state.batches.append(
                BatchRecord(
                    id=info.id,
                    input_file_id=file_id,
                    lines=ids,
                    round=round,
                    status=info.status,
                    total=len(ids),
                )
            )
            self.state.pending.pop(0)
            self.save()

    # -- polling -------------------------------------------------------------------------------------
    def status(self) -> JobStatus:
        """Ask the API where each open batch stands (one GET per open batch) and save the state."""
        for b in self.state.batches:
            if b.terminal:
                if b.status == "completed" and not b.harvested:
                    b.completed_polls += 1
                    if b.output_file_id is None:  # the output file may appear late: read it again
                        self._update(b)
                continue
            self._update(b)
        self.save()
        return self._status()

    def _update(self, b: BatchRecord) -> None:
        info = self.client.retrieve(b.id)
        b.status = info.status
        b.output_file_id = info.output_file_id
        b.error_file_id = info.error_file_id
        b.total, b.completed, b.failed = info.total or b.total, info.completed, info.failed
        b.errors = info.errors

    def _status(self) -> JobStatus:
        batches = self.state.batches
        word = overall_status([b.status for b in batches])
        if word in ("completed", "failed", "expired", "cancelled") and any(not b.harvested for b in batches):
            word = "downloading"
        if self.state.dry_run and not batches:
            word = "dry_run"
        elif self.state.pending:
            word = "submitting"  # request files written but not yet sent (the next wait sends them)
        return JobStatus(
            status=word,
            batches=[(b.id, b.status) for b in batches],
            requests_total=sum(b.total for b in batches),
            requests_completed=sum(b.completed for b in batches),
            requests_failed=sum(b.failed for b in batches),
            articles=len(self.state.articles),
        )

    def wait(
        self,
        progress: bool | StatusCallback | None = None,
        *,
        poll_interval_s: float | None = None,
        timeout_s: float | None = None,
    ) -> JobStatus:
        """Poll until every batch has ended and its output is downloaded (re-queuing expired lines and,
        with ``reask="batch"``, sending follow-up batches), or until ``timeout_s``. ``progress``: a
        callable gets each ``JobStatus``; True prints a line on stderr when it changes (None: when
        stderr is a terminal). A poll that fails (after the transport's retries) is tried again at the
        next interval, up to 5 in a row, then its ``TransportError`` is raised; the state is saved, so a
        later ``wait`` or ``load`` goes on. Returns the last status (``.done``: whether it finished)."""
        if self.state.dry_run:
            raise ConfigError(
                "a dry-run job was never submitted: run the request files, then collect from_file="
            )
        interval = self.poll_interval_s if poll_interval_s is None else poll_interval_s
        show = sys.stderr.isatty() if progress is None else progress is True
        started = time.monotonic()
        last = ""
        failures = 0
        while True:
            try:
                self._submit_pending()
                self.status()
                for b in list(self.state.batches):
                    if b.terminal and not b.harvested:
                        self._harvest(b)
                failures = 0
            except TransportError as exc:  # an overnight wait outlives a short outage
                failures += 1
                if failures > MAX_POLL_FAILURES:
                    raise
                print(f"newsextract batch: {exc}; trying again", file=sys.stderr, flush=True)
            st = self._status()
            if callable(progress):
                progress(st)
            elif show and str(st) != last:
                print(f"newsextract batch: {st}", file=sys.stderr, flush=True)
                last = str(st)
            if (st.done and not self.state.pending) or (
                timeout_s is not None and time.monotonic() - started >= timeout_s
            ):
                return st
            self._sleep(interval)

    def cancel(self) -> JobStatus:
        """Ask the API to cancel every open batch (finished lines are kept; the rest become errors)."""
        for b in self.state.batches:
            if not b.terminal:
                b.status = self.client.cancel(b.id).status
        self.save()
        return self._status()

    # -- downloading -----------------------------------------------------------------------------------
    def _harvest(self, b: BatchRecord) -> None:
        """Download a finished batch's output and error files into the job folder, then re-queue what
        needs another batch. Leaves ``b`` unharvested while a late output file is still awaited."""
        late = b.status == "completed" and b.completed > 0 and b.output_file_id is None
        if late and b.completed_polls < LATE_OUTPUT_POLLS:
            return
        for kind, file_id in (("output", b.output_file_id), ("errors", b.error_file_id)):
            if file_id is None:
                continue
            target = self.folder / f"{kind}-{b.id}.jsonl"
            if target.exists():
                continue
            data = self.client.download(file_id)
            if data is None:
                if b.completed_polls < LATE_OUTPUT_POLLS:
                    return  # try again at the next poll
                continue  # never came: its lines go online when results are collected
            atomic_write(target, data)
        numbers = self._follow_up(b)
        b.harvested = True  # saved together with the follow-up files, so they are made exactly once
        self.state.pending += [(n, b.round + 1) for n in numbers]
        self.save()

    def _follow_up(self, b: BatchRecord) -> list[int]:
        """Write the lines of ``b`` that go to another batch (``plan.follow_up_lines``); the new request
        files' numbers."""
        again = follow_up_lines(self.extractor, self.state, self.folder, self.request_files, b)
        if not again:
            return []
        return write_request_files(
            self.folder, self.state, again, max_requests=MAX_REQUESTS, max_bytes=MAX_BYTES
        )

    def _cancelled(self, answers: ParsedOutput) -> set[str]:
        """Lines of cancelled batches that no batch answered (they are not asked again)."""
        return {
            c
            for b in self.state.batches
            if b.status == "cancelled"
            for c in b.lines
            if c not in answers.answers
        }

    # -- results -------------------------------------------------------------------------------------
    def results(
        self,
        *,
        from_file: str | Path | Sequence[str | Path] | None = None,
        concurrency: int = 16,
        progress: Callable[[int, Outcome], None] | None = None,
        retry_failed: bool = False,
    ) -> BatchResult:
        """One result or one error per input, in input order (a ``BatchResult``, as ``extract_many``).

        Waits for the batches first if they are still running. ``from_file``: output file(s) of
        ``vllm run-batch`` (or any Batch API output) for a dry-run job. Answers that need another
        request go online, up to ``concurrency`` articles at a time (each costs what ``extract`` costs
        for a re-ask). Every result is written to the results file once: results already there are
        read back instead, so collecting twice writes nothing twice; ``retry_failed=True`` tries the
        articles whose line is an error again (except refused inputs; lines of a cancelled batch go
        online) and appends their new line. Memory: the downloaded answers are held while collecting
        (about the size of the output files).
        """
        extra: list[str | Path] = []
        if from_file is not None:
            extra = [from_file] if isinstance(from_file, str | Path) else list(from_file)
        elif self.state.dry_run and self.state.request_files:
            raise ConfigError("a dry-run job has no batches: collect it with from_file= (the run's output)")
        elif not self._status().done:
            self.wait()
        parsed = read_answers(self.folder, extra)
        answers = Answers(
            parsed,
            by_slot=answered_by_slot(parsed),
            cancelled=set() if retry_failed else self._cancelled(parsed),
            followup_bodies=read_bodies(
                self.request_files, {c for c in parsed.answers if (parse_attempt(c) or ("", 0))[1] > 0}
            ),
        )
        return collect(
            self.extractor,
            self.state,
            self.out,
            read_texts(self.folder),
            answers,
            written(self.out, keep_errors=not retry_failed),
            concurrency=concurrency,
            progress=progress,
        )
