"""The extractor a command's options configure (checked before any input is read), and the kinds
named with ``--kinds``."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsextract.cli.app import fail
from newsextract.cli.options import GroundingChoice, StrategyChoice
from newsextract.core.schemas import Event
from newsextract.errors import ConfigError


def load_kind(spec: str) -> type[Event]:
    """The kind named by ``spec``: ``module:Class`` (the module imported; the current directory is
    searched too, as for ``python -m``) or a built-in's name. Raises ConfigError saying what is wrong.
    Importing the module runs its code: name only modules you trust, as with any import."""
    from newsextract.kinds import BUILTIN_KINDS

    builtin = {k.__name__: k for k in BUILTIN_KINDS}
    if spec in builtin:
        return builtin[spec]
    module_name, sep, name = spec.partition(":")
    if not sep or not module_name or not name:
        raise ConfigError(f"--kinds {spec!r}: write module:Class, or one of {', '.join(builtin)}")
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"--kinds {spec!r}: cannot import {module_name!r} ({exc})") from None
    kind = getattr(module, name, None)
    if not (isinstance(kind, type) and issubclass(kind, Event)):
        raise ConfigError(f"--kinds {spec!r}: {module_name} has no event kind {name!r} (an Event subclass)")
    return kind


def make_extractor(
    *,
    model: str | None,
    base_url: str | None,
    cache: bool,
    cache_dir: Path | None,
    strategy: StrategyChoice,
    grounding: GroundingChoice,
    kinds: Sequence[str] | None = None,
) -> Any:
    """The Batch API commands' extractor (an endpoint, whole articles)."""
    from newsextract.api import Extractor

    try:
        extractor = Extractor(
            model=model,
            base_url=base_url,
            cache=cache,
            cache_dir=str(cache_dir) if cache_dir is not None else None,
            strategy=strategy.value,  # type: ignore[arg-type]
            grounding=grounding.value,  # type: ignore[arg-type]
            kinds=[load_kind(k) for k in kinds] if kinds else None,
        )
    except ConfigError as exc:
        raise fail(str(exc)) from None
    try:
        extractor.check()  # before any input is read: a configuration problem exits 2 at once
    except ConfigError as exc:
        extractor.close()
        raise fail(str(exc)) from None
    return extractor


def batch_extractor(
    model: str | None,
    base_url: str | None,
    mode: str | None,
    cache_dir: Path | None,
    grounding: GroundingChoice,
) -> Any:
    """The Batch API commands' extractor (an endpoint, whole articles)."""
    from newsextract.api import Extractor

    try:
        return Extractor(
            model=model,
            base_url=base_url,
            backend="openai",
            mode=mode,
            cache_dir=str(cache_dir) if cache_dir is not None else None,
            strategy="whole_article",
            grounding=grounding.value,  # type: ignore[arg-type]
        )
    except ConfigError as exc:
        raise fail(str(exc)) from None
