"""``newsextract eval``: score predictions (or a fresh extraction of the gold articles) against gold."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newsextract.batch import run_batch
from newsextract.cli.app import EXIT_HELP, EXIT_NOTHING, EXIT_OK, EXIT_SOME_FAILED, app, err, fail, flag
from newsextract.cli.extractors import make_extractor, report_problems
from newsextract.cli.options import (
    BaseUrlOpt,
    CacheDirOpt,
    CacheOpt,
    ConcurrencyOpt,
    GroundingChoice,
    GroundingOpt,
    ModelOpt,
    NamesChoice,
    ProgressOpt,
    StrategyChoice,
    StrategyOpt,
)
from newsextract.display import shorten
from newsextract.extraction import Extraction
from newsextract.io.readers import read_inputs
from newsextract.io.results import latest_outcomes

if TYPE_CHECKING:
    from newsextract.evaluate import GoldArticle

GoldArg = Annotated[
    Path,
    typer.Argument(
        help="Gold annotations (JSONL; the format is in docs/GOLD_FORMAT.md).", show_default=False
    ),
]
PredictionsArg = Annotated[
    Path | None,
    typer.Argument(help="Predictions: an extract --out file. Omitted: extract the gold articles now."),
]
TextsOpt = Annotated[Path, typer.Option("--texts", help="Folder with <id>.txt for each gold article.")]
NamesOpt = Annotated[NamesChoice, typer.Option("--names", help="How names are compared.")]
JsonOpt = Annotated[bool, flag("--json/--table", "Print the report as JSON (--table: as a table).")]


@app.command("eval", epilog=EXIT_HELP)
def eval_(
    gold: GoldArg,
    predictions: PredictionsArg = None,
    texts: TextsOpt = Path("seeds"),
    names: NamesOpt = NamesChoice.relaxed,
    as_json: JsonOpt = False,
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
        make_extractor(
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
        raise fail(f"cannot read gold file {gold}: {exc}") from None
    failures = 0
    preds: dict[str, Extraction] = {}
    if predictions is not None:
        preds, failures = load_predictions(predictions)
    elif extractor is not None:
        preds, failures = _predict(extractor, gold_articles, texts, concurrency, progress)
    report = score(gold_articles, preds, names=names.value)  # type: ignore[arg-type]
    sys.stdout.write((json.dumps(report.to_dict(), indent=2) if as_json else report.table()) + "\n")
    gold_ids = {a.id for a in gold_articles}
    if gold_articles and not gold_ids & set(preds):
        what = f"none of the {len(preds)} prediction(s)" if preds else "no prediction"
        err.print(
            f"newsextract: {what} belongs to an article of {gold} (ids differ, or the wrong file): "
            "nothing was scored",
            markup=False,
        )
        raise typer.Exit(EXIT_NOTHING)
    raise typer.Exit(EXIT_SOME_FAILED if failures else EXIT_OK)


def _predict(
    extractor: Any, gold_articles: list[GoldArticle], texts: Path, concurrency: int, progress: bool | None
) -> tuple[dict[str, Extraction], int]:
    """Extract the gold articles (``<texts>/<id>.txt``) now: the extractions by id, and how many
    articles could not be read or extracted."""
    failures = 0
    inputs: list[dict[str, Any]] = []
    for art in gold_articles:
        read = read_inputs([str(texts / f"{art.id}.txt")], max_chars=extractor.max_chars)
        report_problems(read)
        failures += len(read.problems)
        for rec in read.records:
            inputs.append({**rec, "id": art.id, "published": art.published})
    try:
        result = run_batch(extractor, inputs, concurrency=concurrency, progress=progress) if inputs else None
    finally:
        extractor.close()
    if result is None:
        return {}, failures
    for rid, error in result.errors:
        err.print(f"newsextract: {rid} failed: {type(error).__name__}: {error}", markup=False)
    err.print(f"newsextract: {result.summary}", markup=False)
    return {e.id: e for e in result.extractions if e.id is not None}, failures + len(result.errors)


def load_predictions(path: Path) -> tuple[dict[str, Extraction], int]:
    """Extractions by id from a results file (``extract --out``/``--format jsonl``) or from lines of
    ``Extraction.model_dump`` with an id, the latest line per id counting (a resumed run's success
    replaces the first run's error); the count of ids whose latest line failed plus unusable lines."""
    try:
        with open(path, encoding="utf-8", newline="\n") as fh:
            latest, bad = latest_outcomes(fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read predictions {path}: {exc}") from None
    for n, reason in bad:
        err.print(
            f"newsextract: skipped {path}:{n}: not a result line ({shorten(reason, 100)})", markup=False
        )
    preds = {rid: o for rid, o in latest.items() if isinstance(o, Extraction)}
    return preds, len(bad) + len(latest) - len(preds)
