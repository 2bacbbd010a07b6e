"""What stdout shows: tables, JSON, JSON lines or CSV."""

from __future__ import annotations

import enum
import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from newsextract.batch import BatchResult
from newsextract.display import event_key, event_values, records, shorten
from newsextract.errors import NewsextractError
from newsextract.io.results import result_line
from newsextract.io.tables import write_csv


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="What stdout shows.")]


def print_results(result: BatchResult, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.jsonl:
        for rid, outcome in zip(result.ids, result, strict=True):
            sys.stdout.write(json.dumps(result_line(rid, outcome), ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.json:
        lines = [result_line(rid, o) for rid, o in zip(result.ids, result, strict=True)]
        sys.stdout.write(json.dumps(lines, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        write_csv(records(result, ids=result.ids, include_errors=True), sys.stdout)
    else:
        print_tables(result)
    sys.stdout.flush()


def print_tables(result: BatchResult) -> None:
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
