"""``newsextract batch submit|status|collect|cancel``: the OpenAI Batch API (and vllm run-batch files)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from newsextract.cli.app import (
    EXIT_HELP,
    EXIT_NOTHING,
    batch_app,
    err,
    exit_code,
    fail,
    flag,
    report_problems,
)
from newsextract.cli.extractors import batch_extractor
from newsextract.cli.options import (
    BaseUrlOpt,
    CacheDirOpt,
    ConcurrencyOpt,
    GroundingChoice,
    GroundingOpt,
    ModelOpt,
)
from newsextract.cli.output import FormatOpt, OutputFormat, print_results
from newsextract.errors import ConfigError, NewsextractError
from newsextract.io.readers import read_inputs

if TYPE_CHECKING:
    from newsextract.batch_api.job import BatchJob, JobStatus

ModeOpt = Annotated[
    str | None,
    typer.Option(
        "--mode", help="instructor mode (tools, tools_strict, json_schema, ...); else per endpoint."
    ),
]
OutArg = Annotated[
    Path,
    typer.Argument(help="The results file (JSONL); the job's state sits next to it.", show_default=False),
]


@batch_app.command("submit")
def batch_submit(
    paths: Annotated[
        list[str], typer.Argument(help="Files (.txt, .jsonl), folders, globs, or -.", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", help="Where collect writes the results (JSONL).")],
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date for articles that carry none.")
    ] = None,
    dry_run: Annotated[
        bool, flag("--dry-run/--no-dry-run", "Only write the request JSONL (input of vllm run-batch).")
    ] = False,
    reask_batch: Annotated[
        bool,
        flag("--reask-batch/--reask-online", "Re-ask invalid answers in follow-up batches, not online."),
    ] = False,
    cache_dir: CacheDirOpt = None,
    grounding: GroundingOpt = GroundingChoice.strict,
) -> None:
    """Write one request line per article and submit the batches (or only write them, --dry-run)."""
    from newsextract.batch_api import BatchJob

    extractor = batch_extractor(model, base_url, mode, cache_dir, grounding)
    read = read_inputs(paths, published=published, max_chars=extractor.max_chars)
    report_problems(read)
    if not read.records:
        raise fail("nothing to submit: no readable article among the inputs", EXIT_NOTHING)
    try:
        job = BatchJob.submit(
            extractor, read.records, out=out, dry_run=dry_run, reask="batch" if reask_batch else "online"
        )
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except NewsextractError as exc:
        raise fail(f"submitting failed: {exc}", EXIT_NOTHING) from None
    finally:
        extractor.close()
    if dry_run:
        for path in job.request_files:
            sys.stdout.write(f"{path}\n")
        err.print(
            f"newsextract: dry run: {len(job.request_files)} request file(s); collect --from-file",
            markup=False,
        )
    else:
        for b in job.state.batches:
            sys.stdout.write(f"{b.id}\t{b.status}\t{len(b.lines)} request(s)\n")
    job.close()


def _on_job(out: Path, extractor: Any, action: Literal["status", "cancel"]) -> tuple[BatchJob, JobStatus]:
    """The job saved beside ``out`` and what ``action`` gives; a usage error naming what went wrong."""
    from newsextract.batch_api import BatchJob

    try:
        job = BatchJob.load(out, extractor)
        return job, job.status() if action == "status" else job.cancel()
    except NewsextractError as exc:
        raise fail(str(exc)) from None


@batch_app.command("status")
def batch_status(
    out: OutArg,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    cache_dir: CacheDirOpt = None,
    grounding: GroundingOpt = GroundingChoice.strict,
) -> None:
    """Where the job's batches stand (one request per open batch)."""
    job, status = _on_job(out, batch_extractor(model, base_url, mode, cache_dir, grounding), "status")
    for bid, st in status.batches:
        sys.stdout.write(f"{bid}\t{st}\n")
    sys.stdout.write(f"{status}\n")
    job.close()


@batch_app.command("cancel")
def batch_cancel(
    out: OutArg,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    cache_dir: CacheDirOpt = None,
    grounding: GroundingOpt = GroundingChoice.strict,
) -> None:
    """Cancel the job's open batches; a later collect keeps what finished and reports the rest."""
    job, status = _on_job(out, batch_extractor(model, base_url, mode, cache_dir, grounding), "cancel")
    sys.stdout.write(f"{status}\n")
    job.close()


@batch_app.command("collect", epilog=EXIT_HELP)
def batch_collect(
    out: OutArg,
    from_file: Annotated[
        list[Path] | None,
        typer.Option("--from-file", help="Output file(s) of vllm run-batch for a --dry-run job."),
    ] = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    cache_dir: CacheDirOpt = None,
    grounding: GroundingOpt = GroundingChoice.strict,
    concurrency: ConcurrencyOpt = 16,
    poll_interval: Annotated[
        float, typer.Option("--poll-interval", help="Seconds between status polls.")
    ] = 30.0,
    fmt: FormatOpt = OutputFormat.table,
    retry_failed: Annotated[
        bool,
        flag("--retry-failed/--no-retry-failed", "Try the articles whose line in OUT is an error again."),
    ] = False,
) -> None:
    """Wait for the batches, turn their answers into results (re-asking what failed) and write them to OUT."""
    from newsextract.batch_api import BatchJob

    extractor = batch_extractor(model, base_url, mode, cache_dir, grounding)
    try:
        job = BatchJob.load(out, extractor, poll_interval_s=poll_interval)
        result = job.results(
            from_file=list(from_file) if from_file else None,
            concurrency=concurrency,
            retry_failed=retry_failed,
        )
    except NewsextractError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        raise fail(f"interrupted; run collect again: finished articles in {out} are kept", 130) from None
    finally:
        extractor.close()
    print_results(result, fmt)
    err.print(f"newsextract: {result.summary}", markup=False)
    job.close()
    raise typer.Exit(exit_code(0, result))
