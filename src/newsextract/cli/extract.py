"""``newsextract extract``: events from files, folders, globs or stdin, printed and streamed to --out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from newsextract.batch import BatchResult, run_batch
from newsextract.cli.app import EXIT_HELP, EXIT_NOTHING, EXIT_OUTPUT, app, err, fail, flag
from newsextract.cli.extractors import exit_code, make_extractor, report_problems
from newsextract.cli.options import (
    BaseUrlOpt,
    CacheDirOpt,
    CacheOpt,
    ConcurrencyOpt,
    GroundingChoice,
    GroundingOpt,
    KindsOpt,
    ModelOpt,
    ProgressOpt,
    StrategyChoice,
    StrategyOpt,
)
from newsextract.cli.output import FormatOpt, OutputFormat, print_results
from newsextract.errors import ConfigError, InputError, OutputError
from newsextract.io.readers import ReadResult, read_inputs

PathsArg = Annotated[
    list[str],
    typer.Argument(help="Files (.txt, .jsonl), folders, globs, or - for stdin.", show_default=False),
]
PublishedOpt = Annotated[
    str | None,
    typer.Option("--published", help="Publication date (YYYY-MM-DD) for articles that carry none."),
]
ProcessesOpt = Annotated[
    int,
    typer.Option(
        "--processes",
        min=1,
        help="Worker processes sharing --concurrency (endpoints only; more than one core needed).",
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Stream one JSON line per article to this file as results arrive."),
]
ResumeOpt = Annotated[
    bool, flag("--resume/--no-resume", "Keep the articles already done in --out; extract only the rest.")
]
RefreshOpt = Annotated[bool, flag("--refresh/--no-refresh", "Ask the model again; overwrite cached answers.")]
BudgetOpt = Annotated[
    int | None,
    typer.Option("--budget", min=1, help="Stop starting articles once this many tokens were spent."),
]


@app.command(epilog=EXIT_HELP)
def extract(
    paths: PathsArg,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    published: PublishedOpt = None,
    concurrency: ConcurrencyOpt = 16,
    processes: ProcessesOpt = 1,
    out: OutOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    resume: ResumeOpt = False,
    cache: CacheOpt = True,
    refresh: RefreshOpt = False,
    cache_dir: CacheDirOpt = None,
    strategy: StrategyOpt = StrategyChoice.auto,
    grounding: GroundingOpt = GroundingChoice.strict,
    budget: BudgetOpt = None,
    progress: ProgressOpt = None,
    kinds: KindsOpt = None,
) -> None:
    """Extract events from articles and print them (and stream them to --out)."""
    _check_options(published, resume, out)
    extractor = make_extractor(
        model=model,
        base_url=base_url,
        cache=cache,
        cache_dir=cache_dir,
        strategy=strategy,
        grounding=grounding,
        kinds=kinds,
    )
    read = read_inputs(paths, published=published, max_chars=extractor.max_chars)
    report_problems(read)
    if not read.records:
        extractor.close()
        raise fail("nothing to extract: no readable article among the inputs", EXIT_NOTHING)
    batch = {"concurrency": concurrency, "progress": progress, "out": out, "resume": resume}
    batch |= {"token_budget": budget, "refresh": refresh, "processes": processes}
    result = _run(extractor, read, fmt, out, batch)
    print_results(result, fmt)
    if fmt is not OutputFormat.table:
        for rid, error in result.errors:
            err.print(f"newsextract: {rid} failed: {type(error).__name__}: {error}", markup=False)
    problems = f"; {len(read.problems)} input(s) skipped" if read.problems else ""
    err.print(f"newsextract: {result.summary}{problems}", markup=False)
    raise typer.Exit(exit_code(len(read.problems), result))


def _check_options(published: str | None, resume: bool, out: Path | None) -> None:
    """Exit 2 for options that cannot work together, before anything is built or read."""
    from newsextract.text.inputs import parse_published

    try:
        parse_published(published)
    except InputError as exc:
        raise fail(str(exc)) from None
    if resume and out is None:
        raise fail("--resume needs --out (the results file of the earlier run)")


def _run(
    extractor: Any, read: ReadResult, fmt: OutputFormat, out: Path | None, batch: dict[str, Any]
) -> BatchResult:
    """``run_batch`` over what was read; a usage problem, an interruption or a failed write exits with
    its code (after printing what was done)."""
    try:
        return run_batch(extractor, read.records, **batch)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        hint = f"; finished articles are in {out}: re-run with --resume" if out else ""
        raise fail(f"interrupted{hint}", 130) from None
    except OutputError as exc:
        if exc.result is not None:
            print_results(exc.result, fmt)
        raise fail(
            f"{exc}; the batch stopped ({exc.result.summary if exc.result is not None else 'no summary'}). "
            f"The complete lines are kept in {out}: once it can be written, re-run with --resume",
            EXIT_OUTPUT,
        ) from None
    finally:
        extractor.close()
