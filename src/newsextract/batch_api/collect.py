"""Collecting a job's results: one outcome per input, in input order, each written to the results
file once (lines already there are read back), with online requests where an answer is missing or
does not validate (see ``BatchJob.results``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsextract.batch import BatchResult, BatchSummary
from newsextract.batch_api.chunks import Answers, ChunkRequest, chunk_outcome
from newsextract.batch_api.files import Outcome, TextPub, reload_line
from newsextract.batch_api.state import ArticleRecord, JobState
from newsextract.errors import ExtractionError, InputError, NewsextractError
from newsextract.extraction import Extraction
from newsextract.io.results import ResultWriter
from newsextract.strategies.base import StrategyResult
from newsextract.strategies.whole_article import WholeArticle

if TYPE_CHECKING:
    from newsextract.backends.openai_compat import OpenAICompatBackend
    from newsextract.engine import ArticleExtractor

ProgressCallback = Callable[[int, Outcome], None]


@dataclass
class Collection:
    """What one ``results`` call gathers: outcomes by input position, and the articles left to settle
    (grouped by cache key: identical articles are settled once)."""

    articles: list[ArticleRecord]
    done_lines: dict[str, dict[str, Any]]
    outcomes: list[Outcome | None] = field(default_factory=list)
    summary: BatchSummary = field(default_factory=BatchSummary)
    by_key: dict[str, list[ArticleRecord]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.outcomes = [None] * len(self.articles)
        self.summary = BatchSummary(total=len(self.articles))

    def result(self, started: float) -> BatchResult:
        """The ``BatchResult``, with the summary's counts (tokens: those of fresh answers only)."""
        summary = self.summary
        final = [o if o is not None else ExtractionError("not collected") for o in self.outcomes]
        for rec, o in zip(self.articles, final, strict=True):
            if isinstance(o, Extraction):
                summary.done += 1
                if not o.meta.cached and rec.id not in self.done_lines:
                    summary.prompt_tokens += o.meta.usage.prompt_tokens
                    summary.completion_tokens += o.meta.usage.completion_tokens
                    summary.total_tokens += o.meta.usage.total_tokens
            else:
                summary.failed += 1
        summary.elapsed_s = round(time.perf_counter() - started, 3)
        return BatchResult(final, ids=[r.id for r in self.articles], summary=summary)


def collect(
    extractor: ArticleExtractor,
    state: JobState,
    out: Path,
    texts: dict[str, TextPub],
    answers: Answers,
    done_lines: dict[str, dict[str, Any]],
    *,
    concurrency: int,
    progress: ProgressCallback | None,
) -> BatchResult:
    """Every input's outcome: read back from ``done_lines``, an input error, or settled from the
    answers (online where needed, ``concurrency`` articles at a time); new outcomes are written to
    ``out``."""
    started = time.perf_counter()
    got = Collection(state.articles, done_lines)
    with ResultWriter(out, append=True) as writer:

        def record(rec: ArticleRecord, outcome: Outcome, *, write: bool) -> None:
            got.outcomes[rec.index] = outcome
            if write:
                writer.write(rec.id, outcome)
            if progress is not None:
                progress(rec.index, outcome)

        for rec in got.articles:
            line = done_lines.get(rec.id)
            if line is not None:
                record(rec, reload_line(line), write=False)
                got.summary.resumed += bool(line.get("ok"))
            elif rec.input_error is not None or rec.key is None or rec.key not in texts:
                problem = InputError(rec.input_error or f"input {rec.id!r}: its text is missing")
                record(rec, problem, write=True)
            else:
                got.by_key.setdefault(rec.key, []).append(rec)
        workers = max(1, int(concurrency))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsextract-batch") as pool:
            settle = Settler(extractor, state.refresh, answers)
            futures: dict[Future[Outcome], str] = {
                pool.submit(settle, recs[0], texts[key]): key for key, recs in got.by_key.items()
            }
            for future in as_completed(futures):
                outcome = future.result()
                for rec in got.by_key[futures[future]]:
                    mine = outcome
                    if isinstance(outcome, Extraction) and outcome.id != rec.id:
                        mine = outcome.model_copy(update={"id": rec.id})
                    record(rec, mine, write=True)
                    if isinstance(mine, Extraction) and mine.meta.cached:
                        got.summary.cached += 1
    return got.result(started)


class Settler:
    """One article's outcome from its answers, with online requests where needed."""

    def __init__(self, extractor: ArticleExtractor, refresh: bool, answers: Answers) -> None:
        self.extractor = extractor
        self.refresh = refresh
        self.answers = answers

    def __call__(self, rec: ArticleRecord, text_pub: TextPub) -> Outcome:
        """The outcome (never raises: one article's failure is its error)."""
        try:
            return self.extraction(rec, text_pub)
        except NewsextractError as exc:
            return exc
        except Exception as exc:  # a bug for one article must not sink the job
            return ExtractionError(f"internal error: {type(exc).__name__}: {exc}")

    def extraction(self, rec: ArticleRecord, text_pub: TextPub) -> Extraction:
        ex = self.extractor
        text, pub = text_pub
        started = time.perf_counter()
        assert rec.key is not None
        if not self.refresh:
            hit = ex._from_cache(rec.key, text, pub, started, rec.id)
            if hit is not None:
                return hit
        if not rec.slots:  # cached when submitted, but the cache no longer has it: ask online
            return ex.extract(text, pub, id=rec.id, refresh=self.refresh)
        strategy = ex.strategy
        assert isinstance(strategy, WholeArticle)
        item = ex._input(text, pub)
        requests = strategy.requests(item)
        if [(s.start, s.end) for s, _, _ in requests] != [tuple(s) for s in rec.spans]:
            return ex.extract(text, pub, id=rec.id, refresh=True)  # chunking changed since submission
        backend: OpenAICompatBackend = ex.backend  # type: ignore[assignment]
        outcomes = [
            chunk_outcome(backend, strategy, ChunkRequest(slot, messages, opts), self.answers)
            for slot, (_, messages, opts) in zip(rec.slots, requests, strict=True)
        ]
        result: StrategyResult = strategy.combine([s for s, _, _ in requests], outcomes, item)
        return ex._complete(rec.key, result, text, pub, started, rec.id)
