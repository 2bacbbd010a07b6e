"""``newsextract cache stats|clear``: look at or empty the response cache."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from newsextract.cli.app import EXIT_OK, cache_app, fail
from newsextract.cli.options import CacheDirOpt


def open_store(cache_dir: Path | None) -> Any:
    from newsextract.cache.store import JsonStore
    from newsextract.config import default_cache_dir

    return JsonStore(cache_dir if cache_dir is not None else default_cache_dir())


@cache_app.command("stats")
def cache_stats(cache_dir: CacheDirOpt = None) -> None:
    """Where the cache is, how many answers it holds and their size on disk."""
    stats = open_store(cache_dir).stats()
    sys.stdout.write(f"directory: {stats['directory']}\nentries: {stats['entries']}\n")
    sys.stdout.write(f"size: {stats['bytes'] / 1e6:.2f} MB\n")
    if stats.get("off"):
        raise fail(f"cache unusable: {stats['off']}")


@cache_app.command("clear")
def cache_clear(
    cache_dir: CacheDirOpt = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.", metavar="")
    ] = False,
) -> None:
    """Remove every cached answer (asks first, unless --yes)."""
    store = open_store(cache_dir)
    if not yes:
        entries = store.stats()["entries"]
        question = f"Remove all {entries} cached answer(s) from {store.directory}?"
        if not sys.stdin.isatty():
            raise fail(f"{question} Not without confirmation: stdin is not a terminal; pass --yes")
        if not typer.confirm(question, default=False, err=True):
            raise fail("cache clear: nothing removed", EXIT_OK)
    removed = store.clear()
    sys.stdout.write(f"removed {removed} entries from {store.directory}\n")
