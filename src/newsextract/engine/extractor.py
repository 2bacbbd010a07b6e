"""``ArticleExtractor``: one article in, one ``Extraction`` out.

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
from typing import Self, Unpack

from newsextract.backends.base import Backend
from newsextract.cache.keys import KeyMaker
from newsextract.cache.store import JsonStore
from newsextract.cache.tiers import open_store
from newsextract.config import Settings, default_cache_dir, resolve
from newsextract.core.schemas import Dropped, Event, Meta, Usage
from newsextract.engine import cached, parts
from newsextract.errors import InputTypeError
from newsextract.extraction import Extraction
from newsextract.grounding.reask import KindsArticleDraft, reply_model
from newsextract.kinds.drafts import ArticleDraft
from newsextract.options import ExtractorOptions, Options, given_options, options_signature
from newsextract.pipeline.by_kind import postprocess_kinds
from newsextract.pipeline.postprocess import postprocess
from newsextract.strategies.base import Strategy, StrategyInput, StrategyResult
from newsextract.text.inputs import check_text, parse_published

Published = dt.date | str | None
log = logging.getLogger("newsextract")


class ArticleExtractor:
    """Reusable, thread-safe extraction of one article at a time (``newsextract.Extractor`` adds the
    many-article entry points). Takes the settings of ``newsextract.options.Options``."""

    settings: Settings
    max_chars: int

    def __init__(self, *endpoint: str | None, **options: Unpack[ExtractorOptions]) -> None:
        given = given_options(endpoint, options, type(self).__name__)
        opts = Options(**given)
        client_base_url = None
        if opts.client is not None:
            from newsextract.backends.clients import unwrap_client

            client_base_url = unwrap_client(opts.client).base_url
        self._setup(resolve(opts, client_base_url=client_base_url), opts.max_chars)

    @classmethod
    def from_settings(cls, settings: Settings, max_chars: int) -> Self:
        """An extractor with exactly these resolved settings (a worker process's or a Ray actor's copy
        of its parent's configuration); nothing is read from this process's environment."""
        made = cls.__new__(cls)
        made._setup(settings, max_chars)
        return made

    def _setup(self, settings: Settings, max_chars: int) -> None:
        self.settings = settings
        self.max_chars = max_chars
        self._backend: Backend | None = None
        self._strategy: Strategy | None = None
        self._store: JsonStore | None = None
        self._keys: tuple[parts.KeyToken, KeyMaker] | None = None
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
        return f"{type(self).__name__}(backend={s.backend!r}, model={s.model!r}, endpoint={s.endpoint!r})"

    # -- parts, made on first use -------------------------------------------------------------
    @property
    def backend(self) -> Backend:
        """The model backend; the embedded model is loaded here, on first use."""
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = parts.make_backend(self.settings)
        return self._backend

    @property
    def strategy(self) -> Strategy:
        if self._strategy is None:
            with self._lock:
                if self._strategy is None:
                    self._strategy = parts.make_strategy(self.settings)
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
        token = parts.key_token(self.settings, self.strategy)
        made = self._keys
        if made is None or any(a is not b and a != b for a, b in zip(made[0], token, strict=True)):
            made = self._keys = (token, parts.make_key_maker(token))
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
        """The ``Extraction`` of a usable cache entry under ``key``; None for a miss."""
        store = self.store
        hit = store.get(key) if key is not None and store is not None else None
        if hit is None:
            return None
        try:
            usage = Usage.model_validate(hit.get("usage", {}))
            # a caller's kinds have no re-check of stored events: they are always re-made from the drafts
            processed = cached.stored_events(hit, None) if self.settings.kinds is None else None
            # the drafts are read only when the stored events cannot be used (the hit's cheap path)
            draft = self._draft_model().model_validate(hit["draft"]) if processed is None else cached.NO_DRAFT
        except (KeyError, ValueError, TypeError):
            return None  # an entry of an older layout or damaged: treat as a miss
        if processed is None:  # made by other post-processing code: redo it from the drafts
            processed = self._postprocess(draft, text, pub)
        else:  # someone else may have written the entry: its events are re-checked against the text
            processed = cached.rechecked(processed, text, self.settings.grounding)
            if processed is None:
                return None  # a miss: extracted again, and the fresh answer replaces the entry
        return self._finish(cached.hit_result(hit, draft, usage), processed, text, started, id, cached=True)

    def _draft_model(self) -> type[ArticleDraft] | type[KindsArticleDraft]:
        """What the strategy's drafts are: the kind set's reply model when the caller chose kinds."""
        kinds = self.settings.kinds
        if kinds is not None:
            return reply_model(kinds)
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
            store.set(key, cached.entry(result, processed))
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

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: ``help()`` and ``inspect.signature`` show every setting with its default.
ArticleExtractor.__init__.__signature__ = options_signature()  # type: ignore[attr-defined]
