"""The job state file: what a later ``collect`` needs to pick a Batch API job up. Pure models.

It lives next to the results file (``results.jsonl`` -> ``results.jsonl.batch.json``) and holds the
batch and file ids, which request line each article became, and the configuration fingerprint; the
article texts sit beside it in ``results.jsonl.batch/articles.jsonl``, the request files and the
downloaded outputs in the same folder. Every path is derived from the results file's path, never read
from the state: a state file written by someone else can name ids, not files. The state is validated
on load (ids must look like ids) and written atomically, so a crash never leaves half a file.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

STATE_FORMAT = 1

#: What the Batch API reports, in the order a batch moves through them.
OPEN_STATUSES = ("validating", "in_progress", "finalizing", "cancelling")
TERMINAL_STATUSES = ("completed", "failed", "expired", "cancelled")
ApiId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,200}$")]
CustomId = Annotated[str, StringConstraints(pattern=r"^ne-[0-9a-f]{40}-[0-9]+(\.r[0-9]{1,4})?$")]
Reask = Literal["online", "batch"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleRecord(_Model):
    """One input: its id, its cache key (None when the input itself was refused), its request slots
    (one per chunk, in text order) with their spans, or the input error."""

    index: int
    id: str
    key: str | None = None
    slots: list[CustomId] = Field(default_factory=list)
    spans: list[tuple[int, int]] = Field(default_factory=list)
    input_error: str | None = None


class BatchRecord(_Model):
    """One submitted batch: its ids, the lines it carries, where it stands."""

    id: ApiId
    input_file_id: ApiId
    lines: list[CustomId]
    round: int = 0
    status: str = "validating"
    output_file_id: ApiId | None = None
    error_file_id: ApiId | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0
    errors: list[str] = Field(default_factory=list)
    harvested: bool = False
    completed_polls: int = 0

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


class JobState(_Model):
    """Everything a job needs besides the texts and the downloaded files."""

    format: Literal[1] = 1
    created: float = Field(default_factory=time.time)
    model: str
    endpoint: str
    config: str
    reask: Reask = "online"
    completion_window: str = "24h"
    dry_run: bool = False
    refresh: bool = False
    request_files: int = 0
    pending: list[tuple[int, int]] = Field(default_factory=list)  # (request file, round) not yet sent
    articles: list[ArticleRecord] = Field(default_factory=list)
    batches: list[BatchRecord] = Field(default_factory=list)

    def open_batches(self) -> list[BatchRecord]:
        """Batches still to poll or to download."""
        return [b for b in self.batches if not (b.terminal and b.harvested)]


def state_path(out: str | Path) -> Path:
    """The state file of the job whose results go to ``out``."""
    p = Path(out)
    return p.with_name(p.name + ".batch.json")


def job_dir(out: str | Path) -> Path:
    """The folder holding the job's articles, request files and downloaded outputs."""
    p = Path(out)
    return p.with_name(p.name + ".batch")


def results_path(path: str | Path) -> Path:
    """The results file a state file (or a results file) belongs to."""
    p = Path(path)
    return p.with_name(p.name.removesuffix(".batch.json")) if p.name.endswith(".batch.json") else p


def overall_status(statuses: list[str]) -> str:
    """One word for several batches: the least advanced open status if any is open; otherwise
    ``completed`` when all completed, else the most serious end (failed, expired, cancelled)."""
    for status in OPEN_STATUSES:
        if status in statuses:
            return status
    for status in ("failed", "expired", "cancelled"):
        if status in statuses:
            return status
    return "completed" if statuses else "not_submitted"


def dump_state(state: JobState) -> dict[str, Any]:
    return state.model_dump(mode="json")
