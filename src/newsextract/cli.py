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
"""

from __future__ import annotations

import enum
import importlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from newsextract.batch import BatchResult, run_batch
from newsextract.core.schemas import Event
from newsextract.display import event_key, event_values, records, shorten
from newsextract.errors import ConfigError, InputError, NewsextractError, OutputError
from newsextract.extraction import Extraction
from newsextract.io.readers import ReadResult, read_inputs
from newsextract.io.results import latest_outcomes, result_line
from newsextract.io.tables import write_csv

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_NOTHING = 3
EXIT_OUTPUT = 4

_EXIT_HELP = (
    "Exit codes: 0 all inputs processed; 1 some inputs failed; 2 usage or configuration error; "
    "3 nothing could be processed; 4 --out could not be written."
)

app = typer.Typer(
    name="newsextract",
    help="Turn financial news articles into typed events (share sales, executive changes, stock moves).\n\n"
    + _EXIT_HELP,
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

_err = Console(stderr=True, highlight=False, soft_wrap=True)


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


def _flag(decls: str, help: str) -> Any:
    """A boolean option shown as its pair of flags (``--resume/--no-resume``), without a ``<bool>``."""
    return typer.Option(decls, help=help, metavar="")


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


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


# -- shared options ----------------------------------------------------------------------------------
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
    bool, _flag("--cache/--no-cache", "Read and write the response cache (--no-cache: neither).")
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


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    _err.print(f"newsextract: {message}", markup=False)
    return typer.Exit(code)


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


def _extractor(
    *,
    model: str | None,
    base_url: str | None,
    cache: bool,
    cache_dir: Path | None,
    strategy: StrategyChoice,
    grounding: GroundingChoice,
    kinds: Sequence[str] | None = None,
) -> Any:
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
        raise _fail(str(exc)) from None
    try:
        extractor.check()  # before any input is read: a configuration problem exits 2 at once
    except ConfigError as exc:
        extractor.close()
        raise _fail(str(exc)) from None
    return extractor


def _exit_code(read_problems: int, result: BatchResult) -> int:
    s = result.summary
    if s.done == 0:
        return EXIT_NOTHING
    if read_problems or s.failed or s.skipped_budget:
        return EXIT_SOME_FAILED
    return EXIT_OK


def _report_problems(read: ReadResult) -> None:
    for problem in read.problems:
        _err.print(f"newsextract: skipped {problem}", markup=False)


# -- extract -----------------------------------------------------------------------------------------
@app.command(epilog=_EXIT_HELP)
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files (.txt, .jsonl), folders, globs, or - for stdin.", show_default=False),
    ],
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    published: Annotated[
        str | None,
        typer.Option("--published", help="Publication date (YYYY-MM-DD) for articles that carry none."),
    ] = None,
    concurrency: ConcurrencyOpt = 16,
    processes: Annotated[
        int,
        typer.Option(
            "--processes",
            min=1,
            help="Worker processes sharing --concurrency (endpoints only; more than one core needed).",
        ),
    ] = 1,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Stream one JSON line per article to this file as results arrive."),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="What stdout shows.")] = OutputFormat.table,
    resume: Annotated[
        bool, _flag("--resume/--no-resume", "Keep the articles already done in --out; extract only the rest.")
    ] = False,
    cache: CacheOpt = True,
    refresh: Annotated[
        bool, _flag("--refresh/--no-refresh", "Ask the model again; overwrite cached answers.")
    ] = False,
    cache_dir: CacheDirOpt = None,
    strategy: StrategyOpt = StrategyChoice.auto,
    grounding: GroundingOpt = GroundingChoice.strict,
    budget: Annotated[
        int | None,
        typer.Option("--budget", min=1, help="Stop starting articles once this many tokens were spent."),
    ] = None,
    progress: ProgressOpt = None,
    kinds: KindsOpt = None,
) -> None:
    """Extract events from articles and print them (and stream them to --out)."""
    from newsextract.text.inputs import parse_published

    try:
        parse_published(published)
    except InputError as exc:
        raise _fail(str(exc)) from None
    if resume and out is None:
        raise _fail("--resume needs --out (the results file of the earlier run)")
    extractor = _extractor(
        model=model,
        base_url=base_url,
        cache=cache,
        cache_dir=cache_dir,
        strategy=strategy,
        grounding=grounding,
        kinds=kinds,
    )
    read = read_inputs(paths, published=published, max_chars=extractor.max_chars)
    _report_problems(read)
    if not read.records:
        raise _fail("nothing to extract: no readable article among the inputs", EXIT_NOTHING)
    try:
        result = run_batch(
            extractor,
            read.records,
            concurrency=concurrency,
            progress=progress,
            out=out,
            resume=resume,
            token_budget=budget,
            refresh=refresh,
            processes=processes,
        )
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        hint = f"; finished articles are in {out}: re-run with --resume" if out else ""
        raise _fail(f"interrupted{hint}", 130) from None
    except OutputError as exc:
        if exc.result is not None:
            _print_results(exc.result, fmt)
        raise _fail(
            f"{exc}; the batch stopped ({exc.result.summary if exc.result is not None else 'no summary'}). "
            f"The complete lines are kept in {out}: once it can be written, re-run with --resume",
            EXIT_OUTPUT,
        ) from None
    finally:
        extractor.close()
    _print_results(result, fmt)
    if fmt is not OutputFormat.table:
        for rid, error in result.errors:
            _err.print(f"newsextract: {rid} failed: {type(error).__name__}: {error}", markup=False)
    problems = f"; {len(read.problems)} input(s) skipped" if read.problems else ""
    _err.print(f"newsextract: {result.summary}{problems}", markup=False)
    raise typer.Exit(_exit_code(len(read.problems), result))


def _print_results(result: BatchResult, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.jsonl:
        for rid, outcome in zip(result.ids, result, strict=True):
            sys.stdout.write(json.dumps(result_line(rid, outcome), ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.json:
        lines = [result_line(rid, o) for rid, o in zip(result.ids, result, strict=True)]
        sys.stdout.write(json.dumps(lines, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        write_csv(records(result, ids=result.ids, include_errors=True), sys.stdout)
    else:
        _print_tables(result)
    sys.stdout.flush()


def _print_tables(result: BatchResult) -> None:
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    for rid, outcome in zip(result.ids, result, strict=True):
        if isinstance(outcome, NewsextractError):
            console.print(
                f"[bold]{_esc(rid)}[/] [red]failed: {_esc(type(outcome).__name__)}: {_esc(str(outcome))}[/]"
            )
            console.print()
            continue
        events = outcome.events
        note = " (cached)" if outcome.meta.cached else f", {outcome.meta.attempts} model request(s)"
        if not events:
            console.print(f"[bold]{_esc(rid)}[/]: no events{note}")
            console.print()
            continue
        table = Table(title=f"{rid}: {len(events)} event(s){note}", title_justify="left", show_lines=False)
        for col in ("#", "type", "who", "values", "evidence"):
            table.add_column(col, overflow="fold")
        for n, e in enumerate(events, start=1):
            values = ", ".join(f"{k}={v}" for k, v in event_values(e))
            table.add_row(str(n), e.type, event_key(e), values, f"“{shorten(e.evidence.quote, 70)}”")
        console.print(table)
        console.print()


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


# -- eval --------------------------------------------------------------------------------------------
@app.command("eval", epilog=_EXIT_HELP)
def eval_(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold annotations (JSONL; the format is in docs/GOLD_FORMAT.md).", show_default=False
        ),
    ],
    predictions: Annotated[
        Path | None,
        typer.Argument(help="Predictions: an extract --out file. Omitted: extract the gold articles now."),
    ] = None,
    texts: Annotated[
        Path, typer.Option("--texts", help="Folder with <id>.txt for each gold article.")
    ] = Path("seeds"),
    names: Annotated[
        NamesChoice, typer.Option("--names", help="How names are compared.")
    ] = NamesChoice.relaxed,
    as_json: Annotated[
        bool, _flag("--json/--table", "Print the report as JSON (--table: as a table).")
    ] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = 16,
    cache: CacheOpt = True,
    cache_dir: CacheDirOpt = None,
    strategy: StrategyOpt = StrategyChoice.auto,
    grounding: GroundingOpt = GroundingChoice.strict,
    progress: ProgressOpt = None,
) -> None:
    """Score predictions against gold annotations and print precision, recall, F1 and field accuracy."""
    from newsextract.evaluate import load_gold, score

    # with no predictions the gold's articles are extracted: check that configuration before any reading
    extractor = (
        _extractor(
            model=model,
            base_url=base_url,
            cache=cache,
            cache_dir=cache_dir,
            strategy=strategy,
            grounding=grounding,
        )
        if predictions is None
        else None
    )
    try:
        gold_articles = load_gold(gold)
    except (OSError, ValueError) as exc:
        if extractor is not None:
            extractor.close()
        raise _fail(f"cannot read gold file {gold}: {exc}") from None
    failures = 0
    preds: dict[str, Extraction] = {}
    if predictions is not None:
        preds, failures = _load_predictions(predictions)
    elif extractor is not None:
        inputs: list[dict[str, Any]] = []
        for art in gold_articles:
            read = read_inputs([str(texts / f"{art.id}.txt")], max_chars=extractor.max_chars)
            _report_problems(read)
            failures += len(read.problems)
            for rec in read.records:
                inputs.append({**rec, "id": art.id, "published": art.published})
        try:
            result = (
                run_batch(extractor, inputs, concurrency=concurrency, progress=progress) if inputs else None
            )
        finally:
            extractor.close()
        if result is not None:
            preds = {e.id: e for e in result.extractions if e.id is not None}
            for rid, error in result.errors:
                _err.print(f"newsextract: {rid} failed: {type(error).__name__}: {error}", markup=False)
            failures += len(result.errors)
            _err.print(f"newsextract: {result.summary}", markup=False)
    report = score(gold_articles, preds, names=names.value)  # type: ignore[arg-type]
    sys.stdout.write((json.dumps(report.to_dict(), indent=2) if as_json else report.table()) + "\n")
    gold_ids = {a.id for a in gold_articles}
    if gold_articles and not gold_ids & set(preds):
        what = f"none of the {len(preds)} prediction(s)" if preds else "no prediction"
        _err.print(
            f"newsextract: {what} belongs to an article of {gold} (ids differ, or the wrong file): "
            "nothing was scored",
            markup=False,
        )
        raise typer.Exit(EXIT_NOTHING)
    raise typer.Exit(EXIT_SOME_FAILED if failures else EXIT_OK)


def _load_predictions(path: Path) -> tuple[dict[str, Extraction], int]:
    """Extractions by id from a results file (``extract --out``/``--format jsonl``) or from lines of
    ``Extraction.model_dump`` with an id, the latest line per id counting (a resumed run's success
    replaces the first run's error); the count of ids whose latest line failed plus unusable lines."""
    try:
        with open(path, encoding="utf-8", newline="\n") as fh:
            latest, bad = latest_outcomes(fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read predictions {path}: {exc}") from None
    for n, reason in bad:
        _err.print(
            f"newsextract: skipped {path}:{n}: not a result line ({shorten(reason, 100)})", markup=False
        )
    preds = {rid: o for rid, o in latest.items() if isinstance(o, Extraction)}
    return preds, len(bad) + len(latest) - len(preds)


# -- batch -------------------------------------------------------------------------------------------
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


def _batch_extractor(
    model: str | None,
    base_url: str | None,
    mode: str | None,
    cache_dir: Path | None,
    grounding: GroundingChoice,
) -> Any:
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
        raise _fail(str(exc)) from None


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
        bool, _flag("--dry-run/--no-dry-run", "Only write the request JSONL (input of vllm run-batch).")
    ] = False,
    reask_batch: Annotated[
        bool,
        _flag("--reask-batch/--reask-online", "Re-ask invalid answers in follow-up batches, not online."),
    ] = False,
    cache_dir: CacheDirOpt = None,
    grounding: GroundingOpt = GroundingChoice.strict,
) -> None:
    """Write one request line per article and submit the batches (or only write them, --dry-run)."""
    from newsextract.batch_api import BatchJob

    extractor = _batch_extractor(model, base_url, mode, cache_dir, grounding)
    read = read_inputs(paths, published=published, max_chars=extractor.max_chars)
    _report_problems(read)
    if not read.records:
        raise _fail("nothing to submit: no readable article among the inputs", EXIT_NOTHING)
    try:
        job = BatchJob.submit(
            extractor, read.records, out=out, dry_run=dry_run, reask="batch" if reask_batch else "online"
        )
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except NewsextractError as exc:
        raise _fail(f"submitting failed: {exc}", EXIT_NOTHING) from None
    finally:
        extractor.close()
    if dry_run:
        for path in job.request_files:
            sys.stdout.write(f"{path}\n")
        _err.print(
            f"newsextract: dry run: {len(job.request_files)} request file(s); collect --from-file",
            markup=False,
        )
    else:
        for b in job.state.batches:
            sys.stdout.write(f"{b.id}\t{b.status}\t{len(b.lines)} request(s)\n")
    job.close()


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
    from newsextract.batch_api import BatchJob

    extractor = _batch_extractor(model, base_url, mode, cache_dir, grounding)
    try:
        job = BatchJob.load(out, extractor)
        status = job.status()
    except NewsextractError as exc:
        raise _fail(str(exc)) from None
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
    from newsextract.batch_api import BatchJob

    extractor = _batch_extractor(model, base_url, mode, cache_dir, grounding)
    try:
        job = BatchJob.load(out, extractor)
        status = job.cancel()
    except NewsextractError as exc:
        raise _fail(str(exc)) from None
    sys.stdout.write(f"{status}\n")
    job.close()


@batch_app.command("collect", epilog=_EXIT_HELP)
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
    fmt: Annotated[OutputFormat, typer.Option("--format", help="What stdout shows.")] = OutputFormat.table,
    retry_failed: Annotated[
        bool,
        _flag("--retry-failed/--no-retry-failed", "Try the articles whose line in OUT is an error again."),
    ] = False,
) -> None:
    """Wait for the batches, turn their answers into results (re-asking what failed) and write them to OUT."""
    from newsextract.batch_api import BatchJob

    extractor = _batch_extractor(model, base_url, mode, cache_dir, grounding)
    try:
        job = BatchJob.load(out, extractor, poll_interval_s=poll_interval)
        result = job.results(
            from_file=list(from_file) if from_file else None,
            concurrency=concurrency,
            retry_failed=retry_failed,
        )
    except NewsextractError as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        raise _fail(f"interrupted; run collect again: finished articles in {out} are kept", 130) from None
    finally:
        extractor.close()
    _print_results(result, fmt)
    _err.print(f"newsextract: {result.summary}", markup=False)
    job.close()
    raise typer.Exit(_exit_code(0, result))


# -- cache -------------------------------------------------------------------------------------------
def _store(cache_dir: Path | None) -> Any:
    from newsextract.cache.store import JsonStore
    from newsextract.config import default_cache_dir

    return JsonStore(cache_dir if cache_dir is not None else default_cache_dir())


@cache_app.command("stats")
def cache_stats(cache_dir: CacheDirOpt = None) -> None:
    """Where the cache is, how many answers it holds and their size on disk."""
    stats = _store(cache_dir).stats()
    sys.stdout.write(f"directory: {stats['directory']}\nentries: {stats['entries']}\n")
    sys.stdout.write(f"size: {stats['bytes'] / 1e6:.2f} MB\n")
    if stats.get("off"):
        raise _fail(f"cache unusable: {stats['off']}")


@cache_app.command("clear")
def cache_clear(
    cache_dir: CacheDirOpt = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.", metavar="")
    ] = False,
) -> None:
    """Remove every cached answer (asks first, unless --yes)."""
    store = _store(cache_dir)
    if not yes:
        entries = store.stats()["entries"]
        question = f"Remove all {entries} cached answer(s) from {store.directory}?"
        if not sys.stdin.isatty():
            raise _fail(f"{question} Not without confirmation: stdin is not a terminal; pass --yes")
        if not typer.confirm(question, default=False, err=True):
            raise _fail("cache clear: nothing removed", EXIT_OK)
    removed = store.clear()
    sys.stdout.write(f"removed {removed} entries from {store.directory}\n")


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``newsextract``)."""
    app(args=list(argv) if argv is not None else None, prog_name="newsextract")


if __name__ == "__main__":
    main()
