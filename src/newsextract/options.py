"""The keyword arguments every entry point takes, declared once.

``Extractor.__init__`` declares each setting with its type, its default and its documentation. The
module-level ``extract``, ``aextract``, ``extract_many`` and ``aextract_many`` take the same settings as
keyword arguments: ``with_extractor_options`` gives them, with their defaults, to ``help()`` and
``inspect.signature``; ``check_options`` refuses at run time a name that ``Extractor.__init__`` does not
declare, or a value that does not have the declared type, with a ``TypeError`` (both read the
declaration itself, so they cannot drift from it). ``ExtractorOptions`` repeats names and types for
type checkers and IDEs only (PEP 692 ``**options: Unpack[ExtractorOptions]``); a test keeps it equal to
the declaration.
"""

from __future__ import annotations

import functools
import inspect
import os
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypedDict, TypeVar, Union

from newsextract.core.schemas import Event, GroundingMode
from newsextract.errors import OptionTypeError

BackendName = Literal["embedded", "openai"]
StrategyName = Literal["auto", "whole_article", "sentence_choices"]


class ExtractorOptions(TypedDict, total=False):
    """The settings of an ``Extractor`` (see its docstring for what each does and costs)."""

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
    max_retries: int
    transport_attempts: int
    transport_max_wait_s: float
    timeout_s: float
    temperature: float
    max_tokens: int
    strategy: StrategyName
    grounding: GroundingMode
    mode: str | None
    max_chars: int
    kinds: Iterable[type[Event]] | None


OPTION_NAMES: frozenset[str] = frozenset(ExtractorOptions.__annotations__)


@functools.cache
def declared_settings(init: Callable[..., Any]) -> dict[str, Any]:
    """The settings ``init`` (``Extractor.__init__``) declares: name -> type hint, in order."""
    hints = typing.get_type_hints(init)
    return {name: hints[name] for name in inspect.signature(init).parameters if name != "self"}


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


def check_options(options: Mapping[str, Any], where: str, init: Callable[..., Any]) -> None:
    """``TypeError`` for a name that ``init`` does not declare, or a value of the wrong type."""
    hints = declared_settings(init)
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


F = TypeVar("F", bound=Callable[..., Any])


def with_extractor_options(source: Callable[..., Any]) -> Callable[[F], F]:
    """Give a function taking ``**options`` the signature of its own parameters followed by the
    keyword parameters of ``source`` (``Extractor.__init__``), so ``help()`` shows each setting."""

    def decorate(func: F) -> F:
        own = [p for p in inspect.signature(func).parameters.values() if p.kind is not p.VAR_KEYWORD]
        taken = {p.name for p in own}
        extra = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in inspect.signature(source).parameters.values()
            if p.name != "self" and p.name not in taken and p.kind is not p.VAR_KEYWORD
        ]
        func.__signature__ = inspect.Signature([*own, *extra])  # type: ignore[attr-defined]
        return func

    return decorate
