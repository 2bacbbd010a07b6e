"""The ``newsextract`` application: the typer apps, exit codes, and how a command fails or reports
skipped inputs."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from newsextract.batch import BatchResult
    from newsextract.io.readers import ReadResult

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_NOTHING = 3
EXIT_OUTPUT = 4

EXIT_HELP = (
    "Exit codes: 0 all inputs processed; 1 some inputs failed; 2 usage or configuration error; "
    "3 nothing could be processed; 4 --out could not be written."
)

app = typer.Typer(
    name="newsextract",
    help="Turn financial news articles into typed events (share sales, executive changes, stock moves).\n\n"
    + EXIT_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # rich tracebacks would print local variables
)
cache_app = typer.Typer(help="The response cache: stats or clear.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
batch_app = typer.Typer(
    help="The OpenAI Batch API (half the price, answers within 24 h): submit, status, collect, cancel.",
    no_args_is_help=True,
)
app.add_typer(batch_app, name="batch")

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _show_version(value: bool) -> None:
    if value:
        from newsextract import __version__

        sys.stdout.write(f"newsextract {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_show_version, is_eager=True, metavar=""
        ),
    ] = False,
) -> None:
    """Turn financial news articles into typed events (share sales, executive changes, stock moves)."""


def flag(decls: str, help: str) -> Any:
    """A boolean option shown as its pair of flags (``--resume/--no-resume``), without a ``<bool>``."""
    return typer.Option(decls, help=help, metavar="")


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``message`` on stderr; the ``typer.Exit`` to raise with ``code``."""
    err.print(f"newsextract: {message}", markup=False)
    return typer.Exit(code)


def exit_code(read_problems: int, result: BatchResult) -> int:
    """The exit code of a run that read ``read_problems`` unusable inputs and gave ``result``."""
    s = result.summary
    if s.done == 0:
        return EXIT_NOTHING
    if read_problems or s.failed or s.skipped_budget:
        return EXIT_SOME_FAILED
    return EXIT_OK


def report_problems(read: ReadResult) -> None:
    """Say on stderr which inputs were skipped, and why."""
    for problem in read.problems:
        err.print(f"newsextract: skipped {problem}", markup=False)
