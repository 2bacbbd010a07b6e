"""The options several commands share, and their choices."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from newsextract.cli.app import flag


class StrategyChoice(enum.StrEnum):
    auto = "auto"
    whole_article = "whole_article"
    sentence_choices = "sentence_choices"


class GroundingChoice(enum.StrEnum):
    strict = "strict"
    flag = "flag"
    off = "off"


class NamesChoice(enum.StrEnum):
    relaxed = "relaxed"
    strict = "strict"


# -- options ----------------------------------------------------------------------------------
ModelOpt = Annotated[
    str | None,
    typer.Option("--model", help="Model name for the endpoint, or a .gguf file for the embedded backend."),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="OpenAI-compatible endpoint (else OPENAI_BASE_URL; neither: the embedded model). "
        "The key is read from OPENAI_API_KEY.",
    ),
]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", min=1, help="Articles in flight at once (the embedded model: 1).")
]
CacheOpt = Annotated[
    bool, flag("--cache/--no-cache", "Read and write the response cache (--no-cache: neither).")
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Cache directory (else NEWSEXTRACT_CACHE_DIR or the user cache)."),
]
StrategyOpt = Annotated[StrategyChoice, typer.Option("--strategy", help="How the model is asked.")]
GroundingOpt = Annotated[
    GroundingChoice,
    typer.Option("--grounding", help="strict: drop unsupported events; flag: keep them flagged."),
]
KindsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kinds",
        help="An event kind to extract, as module:Class (a newsextract.kinds.Event subclass; the module is "
        "imported, from the current directory too) or a built-in name (ShareSale, ExecutiveChange, "
        "StockMove). Repeat for several; default: the three built-ins.",
        show_default=False,
    ),
]
ProgressOpt = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Progress bar on stderr (default: when stderr is a terminal).",
        metavar="",
    ),
]
