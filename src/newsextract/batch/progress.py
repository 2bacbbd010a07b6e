"""A batch's progress: a rich bar on stderr, or the caller's callback."""

from __future__ import annotations

from collections.abc import Callable

from newsextract.batch.outcomes import BatchSummary, Outcome

ProgressCallback = Callable[[int, Outcome], None]
ProgressOption = bool | None | ProgressCallback


class Bar:
    """A rich progress bar on stderr: done/total, failures, elapsed and remaining time."""

    def __init__(self, total: int, *, forced: bool) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(stderr=True, force_terminal=True if forced else None)
        self._progress = Progress(
            TextColumn("[bold]extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._task = self._progress.add_task("extract", total=total, note="")

    def start(self) -> None:
        self._progress.start()

    def advance(self, s: BatchSummary) -> None:
        note = f"{s.failed} failed · {s.total_tokens:,} tok" if s.failed else f"{s.total_tokens:,} tok"
        self._progress.update(self._task, advance=1, note=note)

    def stop(self) -> None:
        self._progress.stop()
