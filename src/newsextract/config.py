"""Configuration: explicit arguments beat environment variables, which beat defaults.

Environment variables read (only when the matching argument is not given):

``OPENAI_API_KEY``       key for a hosted or remote endpoint (never logged, cached or put in ``meta``)
``OPENAI_BASE_URL``      any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp server)
``NEWSEXTRACT_MODEL``    model name for the endpoint, or a path to a ``.gguf`` file for the embedded backend
``NEWSEXTRACT_CACHE_DIR`` where the response cache lives (default: the user cache dir from platformdirs)
``NEWSEXTRACT_BACKEND``  ``embedded`` or ``openai`` to force a backend
``NEWSEXTRACT_MODE``     how an endpoint is asked for structured output: ``json_schema``, ``tools_strict``,
                         ``tools``, ``json`` or ``md_json`` (default: per endpoint, ``backends/modes.py``)
``NEWSEXTRACT_CACHE_URL`` a shared second cache tier (``s3://bucket/prefix``, ``gs://...``, a shared folder)

The backend is the first of: ``backend=`` / ``NEWSEXTRACT_BACKEND``; ``client=`` (that client's
endpoint); ``base_url=`` / ``OPENAI_BASE_URL``; ``model=`` / ``NEWSEXTRACT_MODEL`` naming a model (not a
``.gguf`` file): OpenAI's API; otherwise the embedded model. An API key alone selects nothing: it is a
credential, used once an endpoint is chosen, so an ``OPENAI_API_KEY`` exported for other tools never
sends articles off the machine. With none of these set the embedded local model (llama.cpp
in-process) is used and nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from newsextract.errors import ConfigError
from newsextract.options import BackendName, ExtractorOptions, ModeName, Options, StrategyName, Tuning

if TYPE_CHECKING:
    from newsextract.core.schemas import Event
    from newsextract.kinds.kindset import KindSet

__all__ = [
    "BackendName",
    "Settings",
    "StrategyName",
    "default_cache_dir",
    "redact_url",
    "resolve",
    "resolve_settings",
]

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Settings(Tuning):
    """Resolved configuration for one ``Extractor``: the settings used as given (``Tuning``, declared in
    ``newsextract.options``) and these, resolved from the arguments, the environment and each other.
    ``api_key`` is excluded from ``repr``."""

    backend: BackendName
    model: str
    base_url: str | None
    api_key: str | None = field(repr=False, default=None)
    model_path: str | None = None
    cache_dir: Path | None = None
    cache_enabled: bool = True
    cache_url: str | None = None
    mode: str | None = None
    default_headers: tuple[tuple[str, str], ...] = ()
    #: an openai / instructor client given with ``client=`` (not picklable: one process only)
    client: Any = field(default=None, repr=False, compare=False)
    #: the event kinds to extract; None: the three built-ins
    kinds: KindSet | None = None

    def __repr__(self) -> str:
        """Every field but ``api_key`` and ``client``, with credentials in ``base_url`` masked
        (``mask_url_secrets``) and the values of credential headers (``api-key``, ``Authorization``)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.repr}
        values["default_headers"] = tuple(
            (k, "***" if secret_header(k) else v) for k, v in self.default_headers
        )
        shown = ", ".join(f"{name}={value!r}" for name, value in values.items())
        return mask_url_secrets(f"Settings({shown})")

    @property
    def endpoint(self) -> str:
        """What ``meta.endpoint`` shows: the base URL without credentials, or ``"embedded"``."""
        if self.backend == "embedded":
            return "embedded"
        return redact_url(self.base_url or DEFAULT_OPENAI_BASE_URL)

    def resolved_strategy(self) -> Literal["whole_article", "sentence_choices"]:
        """``auto``: small in-process models read one candidate sentence at a time; endpoints get the
        whole article in one call (one request per article, the cheapest for capable models)."""
        if self.strategy != "auto":
            return self.strategy
        return "sentence_choices" if self.backend == "embedded" else "whole_article"


def redact_url(url: str) -> str:
    """Drop any user:password part and the query string of a URL (keys sometimes travel there)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


#: A query parameter whose name says it carries a credential (``api-key``, ``access_token``, ``sig`` ...).
_SECRET_QUERY_RE = re.compile(
    r"([?&;][^=&#\s]*(?:key|token|secret|passw|pwd|sig|auth|credential)[^=&#\s]*=)[^&#\s'\"]*",
    re.IGNORECASE,
)
#: The ``user:password@`` part of a URL.
_USERINFO_RE = re.compile(r"([a-z][a-z0-9+.\-]*://)[^/?#@\s'\"]*@", re.IGNORECASE)


def secret_header(name: str) -> bool:
    """True for a header that carries a credential (``Authorization``, ``api-key``, ``X-Auth-Token`` ...)."""
    return re.search(r"key|auth|token|secret|passw|cookie", name, re.IGNORECASE) is not None


def mask_url_secrets(text: str) -> str:
    """``text`` with each URL's ``user:password@`` part and credential-like query values (``api-key=``,
    ``token=``, ``sig=`` ...) replaced by ``***``. Used wherever the library prints a URL."""
    return _SECRET_QUERY_RE.sub(r"\1***", _USERINFO_RE.sub(r"\1***@", text))


def split_query(url: str) -> tuple[str, dict[str, str]]:
    """``url`` without its query string, and that query as a dict. The openai client appends paths to
    its ``base_url``, so a query left there (``.../v1?api-key=K``) would end up inside the request path;
    passed apart (``default_query``) it is sent as a query on every request."""
    parts = urlsplit(url)
    if not parts.query:
        return url, {}
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", parts.fragment))
    return base, dict(parse_qsl(parts.query, keep_blank_values=True))


def url_secrets(url: str | None) -> list[str]:
    """The credentials written into ``url``: its password (or lone user name) and every query value
    ``mask_url_secrets`` would hide. Logs and messages are scrubbed of these literally too."""
    if not url:
        return []
    parts = urlsplit(url)
    found = [v for v in (parts.password, parts.username if parts.password is None else None) if v]
    for name, value in parse_qsl(parts.query, keep_blank_values=False):
        if value and _SECRET_QUERY_RE.match(f"?{name}=x"):
            found.append(value)
    return found


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def default_cache_dir() -> Path:
    """``NEWSEXTRACT_CACHE_DIR`` or the per-user cache directory that platformdirs gives."""
    env = _env("NEWSEXTRACT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("newsextract", appauthor=False)) / "responses"


def resolve_settings(client_base_url: str | None = None, **options: Unpack[ExtractorOptions]) -> Settings:
    """``resolve(Options(**options))``: the settings of ``Extractor(**options)``."""
    return resolve(Options(**options), client_base_url=client_base_url)


def resolve(options: Options, *, client_base_url: str | None = None) -> Settings:
    """Merge arguments, environment and defaults (in that order of precedence; see the module
    docstring for how the backend is chosen). ``client_base_url`` is the base URL of ``options.client``.
    Raises ``ConfigError`` for a value that cannot work."""
    _check_values(options)
    backend, base_url, api_key = _endpoint(options, client_base_url)
    model, model_path, mode = options.model or _env("NEWSEXTRACT_MODEL"), options.model_path, options.mode
    mode = mode or _env("NEWSEXTRACT_MODE")
    if mode is not None:
        mode = _mode_name(mode)  # an unknown name is a ConfigError here, before any request
    model_path = os.fspath(model_path) if model_path is not None else None
    if model_path is None and model is not None and model.endswith(".gguf"):
        model_path, model = model, None
    if backend is None:
        chosen = options.client is not None or base_url or model is not None
        backend = "openai" if chosen and model_path is None else "embedded"
    reachable = options.client is not None or bool(base_url or api_key)
    resolved_model = _model(backend, model, model_path, reachable)
    tuning = {f.name: getattr(options, f.name) for f in fields(Tuning)}
    return Settings(
        backend=backend,
        model=resolved_model,
        base_url=base_url.rstrip("/") if base_url else None,
        api_key=api_key,
        model_path=model_path,
        cache_dir=Path(options.cache_dir).expanduser() if options.cache_dir is not None else None,
        cache_enabled=options.cache,
        cache_url=_cache_url(options.cache_url or _env("NEWSEXTRACT_CACHE_URL")),
        mode=mode,
        default_headers=tuple(sorted((options.default_headers or {}).items())),
        client=options.client,
        kinds=_kinds(options.kinds, backend, options.strategy),
        **tuning,
    )


def _mode_name(name: str) -> str:
    """The mode called ``name`` (case-insensitive, ``options.ModeName``); ``ConfigError`` naming the
    choices otherwise."""
    names = typing.get_args(ModeName)
    mode = name.strip().lower()
    if mode not in names:
        raise ConfigError(f"unknown mode {name!r}; choose one of {sorted(names)}")
    return mode


def _cache_url(url: str | None) -> str | None:
    """``url`` when it carries no credential; ``ConfigError`` (with the credential masked) otherwise.

    fsspec's object stores do not read credentials from the URL: s3fs takes ``KEY:SECRET@bucket`` for a
    bucket's name, and a query (``?secret=...``) stays in the path, so it would be written into the name
    of every cached object, readable by anyone who can list the bucket."""
    if url and (urlsplit(url).password or _SECRET_QUERY_RE.search(url)):
        raise ConfigError(
            f"cache_url {mask_url_secrets(url)} carries credentials, which the object store would not use "
            "(a user:password part is read as the bucket's name; a query is kept in every object's name, "
            "where anyone who can list the bucket reads it). Give them the provider's usual way: "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or a profile), GOOGLE_APPLICATION_CREDENTIALS, "
            "AZURE_STORAGE_CONNECTION_STRING ..."
        )
    return url


def _check_values(options: Options) -> None:
    """``ConfigError`` for a value of the right type that cannot work."""
    if options.max_retries < 0:
        raise ConfigError("max_retries must be >= 0")
    if options.transport_attempts < 1:
        raise ConfigError("transport_attempts must be >= 1")
    if options.grounding not in ("strict", "flag", "off"):
        raise ConfigError(f"grounding must be 'strict', 'flag' or 'off', not {options.grounding!r}")
    if options.strategy not in ("auto", "whole_article", "sentence_choices"):
        raise ConfigError(f"unknown strategy {options.strategy!r}")


def _endpoint(
    options: Options, client_base_url: str | None
) -> tuple[BackendName | None, str | None, str | None]:
    """(backend if decided, base URL, API key): a client's own endpoint, else the arguments, else the
    environment."""
    backend, base_url, api_key = options.backend, options.base_url, options.api_key
    if options.client is not None:
        if backend == "embedded":
            raise ConfigError("client= is an endpoint's client; it cannot be used with backend='embedded'")
        if base_url is not None:
            raise ConfigError("give either client= or base_url=, not both (the client has its own)")
        return "openai", client_base_url, api_key
    base_url = base_url or _env("OPENAI_BASE_URL")
    api_key = api_key or _env("OPENAI_API_KEY")
    env_backend = _env("NEWSEXTRACT_BACKEND")
    if backend is None and env_backend is not None:
        if env_backend not in ("embedded", "openai"):
            raise ConfigError(f"NEWSEXTRACT_BACKEND must be 'embedded' or 'openai', not {env_backend!r}")
        backend = env_backend  # type: ignore[assignment]
    return backend, base_url, api_key


def _model(backend: BackendName, model: str | None, model_path: str | None, reachable: bool) -> str:
    """The model's name; ``ConfigError`` for a missing model file, or OpenAI's API without a key
    (``reachable``: a client, a base URL or a key was given)."""
    if backend == "embedded":
        if model_path is not None and not Path(model_path).is_file():
            raise ConfigError(f"model file not found: {model_path}")
        return model or (Path(model_path).name if model_path else "SmolLM2-135M-Instruct-Q4_1")
    if not reachable:
        raise ConfigError(
            f"model {model or DEFAULT_OPENAI_MODEL!r} is served by OpenAI's API, which needs a key: set "
            "OPENAI_API_KEY or pass api_key=; for another endpoint pass base_url= (or OPENAI_BASE_URL); "
            "for the embedded model pass no model name (or a .gguf file)"
        )
    return model or DEFAULT_OPENAI_MODEL


def _kinds(
    kinds: Iterable[type[Event]] | None, backend: BackendName, strategy: StrategyName
) -> KindSet | None:
    """The checked kind set (None: the built-ins). The embedded strategy reads only the kinds it has
    rules for (the built-ins, and kinds with rules registered by ``kinds.rules.register_rules``): any
    other kind is a ConfigError there, before a model is loaded."""
    from newsextract.kinds.builtin import BUILTIN_KINDS
    from newsextract.kinds.kindset import resolve_kinds
    from newsextract.kinds.rules import kinds_with_rules, registered_rules
    from newsextract.kinds.spec import KindError

    try:
        resolved = resolve_kinds(kinds)
    except KindError as exc:
        raise ConfigError(str(exc)) from exc
    if resolved is None or resolved.is_default:
        return None
    embedded = strategy == "sentence_choices" or (strategy == "auto" and backend == "embedded")
    unread = [
        k.__name__ for k in resolved.kinds if k not in BUILTIN_KINDS and not registered_rules(k.__name__)
    ]
    if embedded and unread:
        can = ", ".join([*(k.__name__ for k in BUILTIN_KINDS), *kinds_with_rules()])
        raise ConfigError(
            f"the embedded model (strategy sentence_choices) has rules only for {can}; it cannot read "
            f"{', '.join(unread)}. Use an endpoint (base_url=..., strategy 'whole_article') for these kinds"
        )
    return resolved
