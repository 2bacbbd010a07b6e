"""The ``newsextract`` command line.

    newsextract extract PATHS... | -     events from .txt files, .jsonl records, folders, globs or stdin
    newsextract eval GOLD.jsonl [PRED.jsonl]   score predictions (or a fresh extraction) against gold
    newsextract cache stats | clear      look at or empty the response cache
    newsextract batch submit|status|collect|cancel   the OpenAI Batch API (and vllm run-batch files)

Results go to stdout (``--format table|json|jsonl|csv``); progress, skipped files, failures and the
summary go to stderr, so stdout stays machine-readable. ``--out results.jsonl`` also streams one line
per article to a file as results arrive; ``--resume`` re-runs only what that file lacks.

Endpoint configuration comes from options and the environment (``OPENAI_BASE_URL``,
``OPENAI_API_KEY``, ``NEWSEXTRACT_MODEL``, ``NEWSEXTRACT_CACHE_DIR``); with none, the embedded local
model runs (``OPENAI_API_KEY`` alone selects no endpoint). The API key is only ever read from the
environment and is never printed; the summary line names the endpoint. Configuration is checked before
any input is read: a problem exits 2 at once.

Exit codes (``extract`` and ``eval``):

    0  every input was processed
    1  some inputs failed (unreadable file, extraction error, token budget reached); the rest are output
    2  usage or configuration error (bad option, unknown model file, no key, repeated ids with --out)
    3  nothing could be processed (no input found, every input failed, or for ``eval``: no prediction
       belongs to a gold article)
    4  --out could not be written (disk full, permissions): the run stopped; what was done is on stdout
  130  interrupted (Ctrl-C); the lines already in --out are kept for --resume

The package, by job: ``app`` (the typer apps, exit codes), ``options`` (shared options),
``extractors`` (the extractor a command's options configure, ``--kinds``), ``output`` (what stdout
shows), and one module per command group: ``extract``, ``eval``, ``batch_jobs``, ``cache``.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsextract.cli.app import (
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    app,
    batch_app,
    cache_app,
)
from newsextract.cli.extractors import load_kind

# isort: off
# the commands register in this order, which --help shows
from newsextract.cli import extract, eval, batch_jobs, cache  # noqa: F401
# isort: on

__all__ = [
    "EXIT_NOTHING",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "app",
    "batch_app",
    "cache_app",
    "load_kind",
    "main",
]


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``newsextract``)."""
    app(args=list(argv) if argv is not None else None, prog_name="newsextract")
