"""The public entry points: ``Extractor`` (holds configuration), ``extract``, ``aextract``,
``extract_many``, ``aextract_many``, ``iter_many``, ``aiter_many``.

``Extractor`` is ``engine.ArticleExtractor`` (one article: cache, strategy, post-processing) plus the
many-article entry points, which hand it to ``newsextract.batch``, ``newsextract.stream`` and
``newsextract.batch_api``. Every setting is declared once, in ``newsextract.options.Options``.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack

from newsextract.core.schemas import ChunkFailure
from newsextract.engine import ArticleExtractor, Published
from newsextract.extraction import Extraction
from newsextract.options import ExtractorOptions, check_options, options_doc, with_extractor_options

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Iterator

    from newsextract.batch import BatchResult, InputItem, ProgressOption
    from newsextract.batch_api.job import BatchJob
    from newsextract.stream import Completed


class Extractor(ArticleExtractor):
    """Reusable, thread-safe extraction configuration: ``extract`` one article, or many with
    ``extract_many``, ``iter_many`` and ``submit_batch`` (and their awaitable twins)."""

    def extract_many(
        self,
        inputs: Iterable[InputItem],
        *,
        concurrency: int = 16,
        progress: ProgressOption = None,
        out: str | Path | None = None,
        resume: bool = False,
        token_budget: int | None = None,
        refresh: bool = False,
        processes: int | None = None,
        keep_results: bool = True,
    ) -> BatchResult:
        """One result or one error per input, in input order (see ``newsextract.batch.run_batch``).

        ``concurrency``: articles in flight (the embedded model runs one at a time). ``progress``: a bar
        on a terminal (``True``/``False`` to force, or a callable ``f(index, outcome)``). ``out``: stream
        one JSON line per article to this file. ``resume``: skip ids already done in ``out``.
        ``token_budget``: stop starting articles once this many tokens were spent (the rest get
        ``BudgetExceededError``). ``refresh``: ask the model again, overwriting cached answers (costs a
        request per article). ``processes``: worker processes for endpoints (see ``newsextract.batch``).
        ``keep_results=False``: keep no outcome in memory (they go to ``out``; see ``newsextract.batch``).
        """
        from newsextract.batch import run_batch

        return run_batch(
            self,
            inputs,
            concurrency=concurrency,
            progress=progress,
            out=out,
            resume=resume,
            token_budget=token_budget,
            refresh=refresh,
            processes=processes,
            keep_results=keep_results,
        )

    async def aextract_many(
        self,
        inputs: Iterable[InputItem],
        *,
        concurrency: int = 16,
        progress: ProgressOption = None,
        out: str | Path | None = None,
        resume: bool = False,
        token_budget: int | None = None,
        refresh: bool = False,
        processes: int | None = None,
        keep_results: bool = True,
    ) -> BatchResult:
        """The awaitable twin of ``extract_many`` (see ``newsextract.batch.arun_batch``)."""
        from newsextract.batch import arun_batch

        return await arun_batch(
            self,
            inputs,
            concurrency=concurrency,
            progress=progress,
            out=out,
            resume=resume,
            token_budget=token_budget,
            refresh=refresh,
            processes=processes,
            keep_results=keep_results,
        )

    def iter_many(
        self,
        inputs: Iterable[str | bytes | Mapping[str, Any]],
        *,
        concurrency: int = 16,
        ordered: bool = False,
        refresh: bool = False,
    ) -> Iterator[Completed]:
        """Outcomes as they complete, for streams of any length in constant memory.

        Yields ``Completed(id, position, outcome)`` per input (``outcome``: the ``Extraction`` or the
        error), in completion order or, with ``ordered=True``, in input order. ``inputs`` is read lazily
        (a generator over a huge JSONL file is fine) and nothing is kept after it is yielded. At most
        ``concurrency`` requests are in flight. See ``newsextract.stream``.
        """
        from newsextract.stream import iter_outcomes

        return iter_outcomes(self, inputs, concurrency=concurrency, ordered=ordered, refresh=refresh)

    def aiter_many(
        self,
        inputs: Iterable[str | bytes | Mapping[str, Any]] | AsyncIterable[str | bytes | Mapping[str, Any]],
        *,
        concurrency: int = 16,
        ordered: bool = False,
        refresh: bool = False,
    ) -> AsyncIterator[Completed]:
        """The asyncio twin of ``iter_many`` (``async for done in ex.aiter_many(...)``); ``inputs`` may
        also be an async iterable."""
        from newsextract.stream import aiter_outcomes

        return aiter_outcomes(self, inputs, concurrency=concurrency, ordered=ordered, refresh=refresh)

    def submit_batch(
        self,
        inputs: Iterable[str | Mapping[str, Any]],
        *,
        out: str | Path,
        dry_run: bool = False,
        reask: Literal["online", "batch"] = "online",
        completion_window: str = "24h",
        refresh: bool = False,
        **options: Any,
    ) -> BatchJob:
        """Send the articles through the OpenAI Batch API (half the price, answers within
        ``completion_window``); see ``newsextract.batch_api.job`` for every promise.

        One request line per article (per chunk of a long one); identical articles are sent once and
        articles already in the cache are not sent. Results later go to ``out`` (JSONL, as
        ``extract_many``); the job's state file and folder sit next to it, so ``BatchJob.load(out)``
        picks the job up in another process. ``dry_run=True`` only writes the request files (for
        ``vllm run-batch``; collect with ``job.results(from_file=...)``). Lines whose answer fails or
        does not validate are re-asked online (``reask="online"``, costs online prices) or in a
        follow-up batch (``reask="batch"``, adds up to a completion window per round).
        """
        from newsextract.batch_api.job import BatchJob

        return BatchJob.submit(
            self,
            inputs,
            out=out,
            dry_run=dry_run,
            reask=reask,
            completion_window=completion_window,
            refresh=refresh,
            **options,
        )


Extractor.__doc__ = f"{inspect.cleandoc(Extractor.__doc__ or '')}\n\n{options_doc('Args')}"

# -- module-level conveniences --------------------------------------------------------------------
_DEFAULTS: dict[tuple[tuple[str, Any], ...], Extractor] = {}
_DEFAULTS_LOCK = threading.Lock()


def _default_extractor(config: Mapping[str, Any]) -> Extractor:
    """One Extractor per distinct configuration, so the embedded model loads once per process."""
    key = tuple(sorted((k, repr(v)) for k, v in config.items()))
    with _DEFAULTS_LOCK:
        ex = _DEFAULTS.get(key)
        if ex is None:
            ex = _DEFAULTS[key] = Extractor(**config)
        return ex


@with_extractor_options
def extract(
    text: str | bytes,
    published: Published = None,
    *,
    id: str | None = None,
    refresh: bool = False,
    **options: Unpack[ExtractorOptions],
) -> Extraction:
    """Events in one article. Takes ``Extractor``'s settings as keyword arguments (with none: the
    embedded model); one ``Extractor`` per distinct set of settings is kept for the process.

    ``refresh=True`` asks the model again (a request) and overwrites the cached answer. Raises
    ``TypeError`` for an unknown setting or a value of the wrong type, ``InputError`` for text that
    cannot be extracted, ``ExtractionError`` when the model cannot be asked or never answers validly.
    """
    check_options(options, "extract")
    return _default_extractor(options).extract(text, published, id=id, refresh=refresh)


@with_extractor_options
async def aextract(
    text: str | bytes,
    published: Published = None,
    *,
    id: str | None = None,
    refresh: bool = False,
    **options: Unpack[ExtractorOptions],
) -> Extraction:
    """The awaitable twin of ``extract``."""
    check_options(options, "aextract")
    return await _default_extractor(options).aextract(text, published, id=id, refresh=refresh)


@with_extractor_options
def extract_many(
    inputs: Iterable[InputItem],
    concurrency: int = 16,
    *,
    progress: ProgressOption = None,
    out: str | Path | None = None,
    resume: bool = False,
    token_budget: int | None = None,
    refresh: bool = False,
    processes: int | None = None,
    keep_results: bool = True,
    **options: Unpack[ExtractorOptions],
) -> BatchResult:
    """One result or one error per input (strings or ``{"id", "text", "published"}`` records), same
    order. The batch options are those of ``Extractor.extract_many``; the other keyword arguments are
    ``Extractor``'s settings."""
    check_options(options, "extract_many")
    return _default_extractor(options).extract_many(
        inputs,
        concurrency=concurrency,
        progress=progress,
        out=out,
        resume=resume,
        token_budget=token_budget,
        refresh=refresh,
        processes=processes,
        keep_results=keep_results,
    )


@with_extractor_options
async def aextract_many(
    inputs: Iterable[InputItem],
    concurrency: int = 16,
    *,
    progress: ProgressOption = None,
    out: str | Path | None = None,
    resume: bool = False,
    token_budget: int | None = None,
    refresh: bool = False,
    processes: int | None = None,
    keep_results: bool = True,
    **options: Unpack[ExtractorOptions],
) -> BatchResult:
    """The awaitable twin of ``extract_many``: one result or one error per input, same order."""
    check_options(options, "aextract_many")
    return await _default_extractor(options).aextract_many(
        inputs,
        concurrency=concurrency,
        progress=progress,
        out=out,
        resume=resume,
        token_budget=token_budget,
        refresh=refresh,
        processes=processes,
        keep_results=keep_results,
    )


@with_extractor_options
def iter_many(
    inputs: Iterable[str | bytes | Mapping[str, Any]],
    concurrency: int = 16,
    *,
    ordered: bool = False,
    refresh: bool = False,
    **options: Unpack[ExtractorOptions],
) -> Iterator[Completed]:
    """``Extractor(**options).iter_many(...)``: outcomes as they complete, in constant memory."""
    check_options(options, "iter_many")
    return _default_extractor(options).iter_many(
        inputs, concurrency=concurrency, ordered=ordered, refresh=refresh
    )


@with_extractor_options
def aiter_many(
    inputs: Iterable[str | bytes | Mapping[str, Any]] | AsyncIterable[str | bytes | Mapping[str, Any]],
    concurrency: int = 16,
    *,
    ordered: bool = False,
    refresh: bool = False,
    **options: Unpack[ExtractorOptions],
) -> AsyncIterator[Completed]:
    """The asyncio twin of ``iter_many``."""
    check_options(options, "aiter_many")
    return _default_extractor(options).aiter_many(
        inputs, concurrency=concurrency, ordered=ordered, refresh=refresh
    )


__all__ = [
    "ChunkFailure",
    "Extractor",
    "aextract",
    "aextract_many",
    "aiter_many",
    "extract",
    "extract_many",
    "iter_many",
]
