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

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from newsextract.backends.structured import REASKABLE
from newsextract.batch import BatchResult, BatchSummary, input_record
from newsextract.batch_api.client import BatchClient
from newsextract.batch_api.lines import attempt_id, encode_line, parse_attempt, request_line, slot_id
from newsextract.batch_api.output import LineAnswer, ParsedOutput, parse_output
from newsextract.batch_api.split import MAX_BYTES, MAX_REQUESTS, split_lines
from newsextract.batch_api.state import (
    OPEN_STATUSES,
    ArticleRecord,
    BatchRecord,
    JobState,
    Reask,
    dump_state,
    job_dir,
    overall_status,
    results_path,
    state_path,
)
from newsextract.core.schemas import Usage
from newsextract.errors import (
    ConfigError,
    ExtractionError,
    InputError,
    NewsextractError,
    TransportError,
    ValidationExhaustedError,
)
from newsextract.extraction import Extraction
from newsextract.io.results import ResultWriter, outcome_from_line
from newsextract.strategies.base import StrategyResult
from newsextract.strategies.whole_article import Outcome as ChunkOutcome
from newsextract.strategies.whole_article import WholeArticle
from newsextract.text.inputs import check_text, parse_published

if TYPE_CHECKING:
    from newsextract.api import Extractor
    from newsextract.backends.openai_compat import OpenAICompatBackend

Outcome = Extraction | NewsextractError
StatusCallback = Callable[["JobStatus"], None]

#: Rounds of batches a line may go through (first submission, re-queues after expiry, follow-up re-asks).
MAX_ROUNDS = 4
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


def config_fingerprint(extractor: Extractor) -> str:
    """Names everything that shapes the requests and the cache keys (model, endpoint, mode, prompt,
    schema, generation parameters): the cache key of a fixed probe text."""
    return extractor.cache_key(_PROBE)


def _check_extractor(extractor: Extractor) -> None:
    if extractor.settings.backend != "openai":
        raise ConfigError(
            "the Batch API needs an OpenAI-compatible endpoint (base_url= or OPENAI_API_KEY); the embedded "
            "model has no batch interface"
        )
    if not isinstance(extractor.strategy, WholeArticle):
        raise ConfigError(
            "the Batch API sends whole articles: use strategy='whole_article' (the default for endpoints)"
        )


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
        extractor: Extractor,
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
        return [self.folder / f"requests-{n:03d}.jsonl" for n in range(1, self.state.request_files + 1)]

    def save(self) -> None:
        """Write the state file atomically."""
        data = json.dumps(dump_state(self.state), ensure_ascii=False, indent=1).encode("utf-8")
        _atomic_write(self.state_file, data)

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
    def load(cls, path: str | Path, extractor: Extractor | None = None, **options: Any) -> BatchJob:
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
            from newsextract.api import Extractor

            extractor = Extractor()
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
        extractor: Extractor,
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
        lines, texts = job._plan(inputs)
        job._write_articles(texts)
        job._write_request_files(lines, max_requests=max_requests, max_bytes=max_bytes)
        if not dry_run:
            state.pending = [(n, 0) for n in range(1, state.request_files + 1)]
        job.save()
        job._submit_pending()
        return job

    def _plan(
        self, inputs: Iterable[str | bytes | Mapping[str, Any]]
    ) -> tuple[dict[str, bytes], list[tuple[str, str, str | None]]]:
        """Record every input in the state; the request lines (by custom_id, in first-occurrence order)
        and the distinct articles (cache key, text, published) to keep beside the state."""
        ex = self.extractor
        strategy = ex.strategy
        assert isinstance(strategy, WholeArticle)
        backend: OpenAICompatBackend = ex.backend  # type: ignore[assignment]
        lines: dict[str, bytes] = {}
        seen: dict[str, ArticleRecord] = {}
        ids: set[str] = set()
        texts: list[tuple[str, str, str | None]] = []
        same_body: dict[str, str] = {}
        for index, raw in enumerate(inputs):
            item = input_record(raw, index)
            if item.id in ids:
                raise ConfigError(f"repeated id {item.id!r}: ids must be unique in a batch job")
            ids.add(item.id)
            rec = ArticleRecord(index=index, id=item.id)
            self.state.articles.append(rec)
            if item.problem is not None:
                rec.input_error = str(item.problem)
                continue
            try:
                text = check_text(item.text, max_chars=ex.max_chars, name=f"input {item.id!r}")
                pub = parse_published(item.published)
            except InputError as exc:
                rec.input_error = str(exc)
                continue
            rec.key = ex.cache_key(text, pub)
            first = seen.get(rec.key)
            if first is not None:  # the same article again: its lines are already planned
                rec.slots, rec.spans = list(first.slots), list(first.spans)
                continue
            seen[rec.key] = rec
            texts.append((rec.key, text, pub.isoformat() if pub else None))
            if (
                not self.state.refresh
                and ex._from_cache(rec.key, text, pub, time.perf_counter(), None) is not None
            ):
                continue  # answered before: nothing to send
            item_input = ex._input(text, pub)
            for n, (span, messages, opts) in enumerate(strategy.requests(item_input)):
                body = backend.request_body(messages, strategy.response_model, opts["max_tokens"])
                digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
                cid = same_body.setdefault(digest, slot_id(rec.key, n))  # a chunk two articles share: once
                if cid not in lines:
                    lines[cid] = encode_line(request_line(cid, body))
                rec.slots.append(cid)
                rec.spans.append((span.start, span.end))
        return lines, texts

    def _write_articles(self, texts: list[tuple[str, str, str | None]]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = "".join(
            json.dumps({"key": key, "text": text, "published": pub}, ensure_ascii=False) + "\n"
            for key, text, pub in texts
        )
        _atomic_write(self.folder / "articles.jsonl", data.encode("utf-8"))

    def _write_request_files(
        self, lines: dict[str, bytes], *, max_requests: int, max_bytes: int
    ) -> list[int]:
        """Write ``lines`` into new request files within the limits; their numbers."""
        ids = list(lines)
        split = split_lines([len(lines[c]) for c in ids], max_requests=max_requests, max_bytes=max_bytes)
        if split.oversized:
            too_big = {ids[i] for i in split.oversized}
            for rec in self.state.articles:
                if too_big & set(rec.slots):
                    rec.input_error = f"input {rec.id!r}: a request is larger than the Batch API's file limit"
                    rec.slots, rec.spans = [], []
        numbers = []
        for group in split.groups:
            self.state.request_files += 1
            n = self.state.request_files
            data = b"".join(lines[ids[i]] for i in group)
            _atomic_write(self.folder / f"requests-{n:03d}.jsonl", data)
            numbers.append(n)
        return numbers

    def _submit_pending(self) -> None:
        """Upload and create one batch per request file not yet submitted, saving the state after each
        (a crash between creating a batch and saving it is the one moment a batch can be sent twice)."""
        while self.state.pending:
            n, round = self.state.pending[0]
            path = self.folder / f"requests-{n:03d}.jsonl"
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
            _atomic_write(target, data)
        numbers = self._follow_up(b)
        b.harvested = True  # saved together with the follow-up files, so they are made exactly once
        self.state.pending += [(n, b.round + 1) for n in numbers]
        self.save()

    def _follow_up(self, b: BatchRecord) -> list[int]:
        """Write the lines of ``b`` that go to another batch (the new request files' numbers):
        unanswered lines of an expired batch; with ``reask="batch"`` also failed lines and answers that
        did not validate (as re-asks carrying the errors)."""
        if b.round + 1 >= MAX_ROUNDS or b.status not in ("expired", "completed", "failed"):
            return []
        answers = self._answers()
        again: dict[str, bytes] = {}
        bodies = self._bodies(set(b.lines))
        texts = self._texts() if self.state.reask == "batch" else {}
        by_slot = {slot: rec for rec in self.state.articles for slot in rec.slots}
        for cid in b.lines:
            answer = answers.answers.get(cid)
            if b.status == "expired" and (answer is None or not answer.ok):
                # not run in time (absent, or in the error file as batch_expired): the next batch runs it
                again[cid] = encode_line(request_line(cid, bodies[cid]))
                continue
            if answer is None:
                if self.state.reask == "batch" and b.status == "completed":
                    again[cid] = encode_line(request_line(cid, bodies[cid]))
                continue
            if self.state.reask != "batch":
                continue
            if not answer.ok:
                again[cid] = encode_line(request_line(cid, bodies[cid]))
                continue
            parsed = parse_attempt(cid)
            article = by_slot.get(parsed[0]) if parsed else None
            if parsed is None or article is None or article.key not in texts:
                continue
            slot, rnd = parsed
            if rnd >= self.extractor.settings.max_retries:
                continue
            reask = self._validate(article, slot, texts[article.key], answer, bodies[cid])
            if reask is not None:
                nid = attempt_id(slot, rnd + 1)
                again[nid] = encode_line(request_line(nid, {**bodies[cid], "messages": reask}))
        if not again:
            return []
        return self._write_request_files(again, max_requests=MAX_REQUESTS, max_bytes=MAX_BYTES)

    def _validate(
        self,
        article: ArticleRecord,
        slot: str,
        text_pub: tuple[str, dt.date | None],
        answer: LineAnswer,
        body: dict[str, Any],
    ) -> list[dict[str, Any]] | None:
        """The re-ask messages for an answer that does not validate; None when it validates."""
        text, pub = text_pub
        strategy = self.extractor.strategy
        assert isinstance(strategy, WholeArticle) and answer.body is not None
        requests = strategy.requests(self.extractor._input(text, pub))
        n = article.slots.index(slot)
        if n >= len(requests):
            return None
        backend: OpenAICompatBackend = self.extractor.backend  # type: ignore[assignment]
        try:
            backend.parse_answer(answer.body, strategy.response_model, context=requests[n][2]["context"])
        except REASKABLE as exc:
            return backend.reask_messages(body, answer.body, exc)
        except ExtractionError:
            return None
        return None

    # -- reading the job folder --------------------------------------------------------------------------
    def _answers(self, extra: Sequence[str | Path] = ()) -> ParsedOutput:
        """Every downloaded answer (output files before error files, so a success always wins)."""
        parsed = ParsedOutput()
        files = sorted(self.folder.glob("output-*.jsonl")) + sorted(self.folder.glob("errors-*.jsonl"))
        for path in [Path(p) for p in extra] + files:
            try:
                with open(path, "rb") as fh:
                    parsed.merge(parse_output(fh))
            except OSError as exc:
                raise ConfigError(f"cannot read the batch output file {path}: {exc.strerror}") from None
        return parsed

    def _bodies(self, wanted: set[str]) -> dict[str, dict[str, Any]]:
        """Request bodies by custom_id, read from the job's request files (first occurrence wins)."""
        found: dict[str, dict[str, Any]] = {}
        for path in self.request_files:
            with open(path, "rb") as fh:
                for raw in fh:
                    line = json.loads(raw)
                    cid = line.get("custom_id")
                    if cid in wanted and cid not in found:
                        found[cid] = line["body"]
        return found

    def _texts(self) -> dict[str, tuple[str, dt.date | None]]:
        """The articles' texts and dates by cache key (a line that does not read is skipped: its
        article then fails with a clear error instead of the whole job)."""
        out: dict[str, tuple[str, dt.date | None]] = {}
        path = self.folder / "articles.jsonl"
        if not path.exists():
            raise ConfigError(f"the batch job's articles file {path} is missing")
        with open(path, encoding="utf-8") as fh:
            for raw in fh:
                try:
                    row = json.loads(raw)
                    pub = parse_published(row.get("published")) if isinstance(row, dict) else None
                except (ValueError, InputError):
                    continue
                if (
                    isinstance(row, dict)
                    and isinstance(row.get("key"), str)
                    and isinstance(row.get("text"), str)
                ):
                    out[row["key"]] = (row["text"], pub)
        return out

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
        started = time.perf_counter()
        answers = self._answers(extra)
        self._cancelled_lines = set() if retry_failed else self._cancelled(answers)
        self._answered = _answered_by_slot(answers)
        self._followup_bodies = self._bodies(
            {c for c in answers.answers if (parse_attempt(c) or ("", 0))[1] > 0}
        )
        texts = self._texts()
        done_lines = _written(self.out, keep_errors=not retry_failed)
        articles = self.state.articles
        outcomes: list[Outcome | None] = [None] * len(articles)
        summary = BatchSummary(total=len(articles))
        by_key: dict[str, list[ArticleRecord]] = {}
        todo: list[str] = []
        with ResultWriter(self.out, append=True) as writer:

            def record(rec: ArticleRecord, outcome: Outcome, *, write: bool) -> None:
                outcomes[rec.index] = outcome
                if write:
                    writer.write(rec.id, outcome)
                if progress is not None:
                    progress(rec.index, outcome)

            for rec in articles:
                line = done_lines.get(rec.id)
                if line is not None:
                    record(rec, _reload(line), write=False)
                    if line.get("ok"):
                        summary.resumed += 1
                elif rec.input_error is not None or rec.key is None or rec.key not in texts:
                    record(
                        rec,
                        InputError(rec.input_error or f"input {rec.id!r}: its text is missing"),
                        write=True,
                    )
                else:
                    if rec.key not in by_key:
                        todo.append(rec.key)
                    by_key.setdefault(rec.key, []).append(rec)
            workers = max(1, int(concurrency))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsextract-batch") as pool:
                futures: dict[Future[Outcome], str] = {
                    pool.submit(self._settle, by_key[key][0], texts[key], answers): key for key in todo
                }
                for future in as_completed(futures):
                    outcome = future.result()
                    for rec in by_key[futures[future]]:
                        mine = outcome
                        if isinstance(outcome, Extraction) and outcome.id != rec.id:
                            mine = outcome.model_copy(update={"id": rec.id})
                        record(rec, mine, write=True)
                        if isinstance(mine, Extraction) and mine.meta.cached:
                            summary.cached += 1
        final: list[Outcome] = [o if o is not None else ExtractionError("not collected") for o in outcomes]
        for rec, o in zip(articles, final, strict=True):
            if isinstance(o, Extraction):
                summary.done += 1
                if not o.meta.cached and rec.id not in done_lines:
                    summary.prompt_tokens += o.meta.usage.prompt_tokens
                    summary.completion_tokens += o.meta.usage.completion_tokens
                    summary.total_tokens += o.meta.usage.total_tokens
            else:
                summary.failed += 1
        summary.elapsed_s = round(time.perf_counter() - started, 3)
        return BatchResult(final, ids=[r.id for r in articles], summary=summary)

    def _settle(
        self, rec: ArticleRecord, text_pub: tuple[str, dt.date | None], answers: ParsedOutput
    ) -> Outcome:
        """One article's outcome from its answers, with online requests where needed (never raises)."""
        try:
            return self._extraction(rec, text_pub, answers)
        except NewsextractError as exc:
            return exc
        except Exception as exc:  # a bug for one article must not sink the job
            return ExtractionError(f"internal error: {type(exc).__name__}: {exc}")

    def _extraction(
        self, rec: ArticleRecord, text_pub: tuple[str, dt.date | None], answers: ParsedOutput
    ) -> Extraction:
        ex = self.extractor
        text, pub = text_pub
        started = time.perf_counter()
        assert rec.key is not None
        if not self.state.refresh:
            hit = ex._from_cache(rec.key, text, pub, started, rec.id)
            if hit is not None:
                return hit
        if not rec.slots:  # cached when submitted, but the cache no longer has it: ask online
            return ex.extract(text, pub, id=rec.id, refresh=self.state.refresh)
        strategy = ex.strategy
        assert isinstance(strategy, WholeArticle)
        item = ex._input(text, pub)
        requests = strategy.requests(item)
        if [(s.start, s.end) for s, _, _ in requests] != [tuple(s) for s in rec.spans]:
            return ex.extract(text, pub, id=rec.id, refresh=True)  # chunking changed since submission
        outcomes = [
            self._chunk(slot, messages, opts, answers)
            for slot, (_, messages, opts) in zip(rec.slots, requests, strict=True)
        ]
        result: StrategyResult = strategy.combine([s for s, _, _ in requests], outcomes, item)
        return ex._complete(rec.key, result, text, pub, started, rec.id)

    def _chunk(
        self,
        slot: str,
        messages: list[dict[str, Any]],
        opts: dict[str, Any],
        answers: ParsedOutput,
    ) -> ChunkOutcome:
        """One chunk's reply: its latest batch answer validated as online, else asked online."""
        backend: OpenAICompatBackend = self.extractor.backend  # type: ignore[assignment]
        strategy = self.extractor.strategy  # its reply model: the kind set's when kinds= was given
        assert isinstance(strategy, WholeArticle)
        max_retries = int(opts["max_retries"])
        answered = self._answered.get(slot, [])
        spent = Usage()
        if not answered and slot in self._cancelled_lines:
            return ExtractionError(
                "the batch holding this request was cancelled before it was answered",
                endpoint=self.extractor.settings.endpoint,
            )
        if not answered:  # failed or never answered: the whole request online
            return _online(lambda: backend.structured(messages, strategy.response_model, **opts), spent, 0)
        rnd, cid = answered[-1]
        body = answers.answers[cid].body
        assert body is not None
        spent = sum((_usage(answers.answers[c].body) for _, c in answered), Usage())
        try:
            reply = backend.parse_answer(body, strategy.response_model, context=opts["context"])
        except REASKABLE as exc:
            left = max_retries - rnd
            # the batch's answers of the schema's shape, oldest first: candidates for the best-answer salvage
            shaped = [
                backend.schema_valid_output(answers.answers[c].body or {}, strategy.response_model)
                for _, c in answered
            ]
            valid = [o for o in shaped if o is not None]
            if left <= 0:
                return ValidationExhaustedError(
                    f"the model's output did not validate after {len(answered)} request(s): "
                    f"{_short(str(exc))}",
                    attempts=len(answered),
                    last_output=_raw(body),
                    usage=spent,
                    endpoint=self.extractor.settings.endpoint,
                    valid_outputs=valid,
                )
            request = self._followup_bodies.get(cid) if rnd else None
            if request is None:  # the first request: the same body as submitted, made again
                request = backend.request_body(messages, strategy.response_model, opts["max_tokens"])
            reask = backend.reask_messages(request, body, exc)
            return _online(
                lambda: backend.structured(
                    reask, strategy.response_model, **{**opts, "max_retries": left - 1}
                ),
                spent,
                len(answered),
                valid,
            )
        except ExtractionError as exc:
            exc.attempts = len(answered)
            exc.usage = spent
            return exc
        reply.usage = spent
        reply.requests = len(answered)
        reply.reasks = len(answered) - 1
        return reply


def _answered_by_slot(answers: ParsedOutput) -> dict[str, list[tuple[int, str]]]:
    """The successful answers of each request slot as (round, custom_id), oldest round first."""
    out: dict[str, list[tuple[int, str]]] = {}
    for cid, answer in answers.answers.items():
        attempt = parse_attempt(cid)
        if answer.ok and attempt is not None:
            out.setdefault(attempt[0], []).append((attempt[1], cid))
    for rounds in out.values():
        rounds.sort()
    return out


def _online(call: Callable[[], Any], spent: Usage, requests: int, valid: Sequence[str] = ()) -> ChunkOutcome:
    """An online request for a chunk, counting what the batch already spent on it (and keeping the
    batch's schema-valid answers, oldest first, for the salvage when the online re-asks fail too)."""
    try:
        reply = call()
    except ExtractionError as exc:
        exc.attempts += requests
        exc.usage = exc.usage + spent
        exc.valid_outputs = [*valid, *exc.valid_outputs]
        return exc
    reply.usage = reply.usage + spent
    reply.requests += requests
    reply.reasks += requests
    return reply  # type: ignore[no-any-return]


def _usage(body: dict[str, Any] | None) -> Usage:
    from newsextract.backends.base import usage_from

    return usage_from((body or {}).get("usage"))


def _raw(body: dict[str, Any]) -> str | None:
    try:
        message = body["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        return None
    calls = message.get("tool_calls") or []
    if calls:
        return str(calls[0]["function"]["arguments"])
    content = message.get("content")
    return str(content) if content is not None else None


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _written(out: Path, *, keep_errors: bool) -> dict[str, dict[str, Any]]:
    """Lines already in the results file that a later collect keeps: the last ``ok`` line per id, else
    its last error line (with ``keep_errors=False`` only input errors, which cannot change)."""
    found: dict[str, dict[str, Any]] = {}
    try:
        fh = open(out, encoding="utf-8")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return found
    with fh:
        for raw in fh:
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if not isinstance(line, dict) or "id" not in line:
                continue
            rid = str(line["id"])
            if line.get("ok") and isinstance(line.get("result"), dict):
                found[rid] = line
            elif not (found.get(rid) or {}).get("ok"):
                error = line.get("error")
                kind = error.get("error") if isinstance(error, dict) else None
                if keep_errors or kind == "InputError":
                    found[rid] = line
    return found


def _reload(line: dict[str, Any]) -> Outcome:
    try:
        return outcome_from_line(line)
    except (ValueError, TypeError, KeyError) as exc:
        return ExtractionError(f"the results file holds an unreadable line: {exc}")
