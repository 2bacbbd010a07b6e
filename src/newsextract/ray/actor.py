"""The Ray Data actor: one ``Extractor`` per actor, built once, that turns a batch of articles into rows.

Ray Data constructs ``ExtractActor`` once per actor with the driver's resolved ``Settings`` (the API key
removed) and calls it with batches as ``pyarrow.Table``. Each batch runs through ``batch.run_batch``:
at most ``in_flight`` requests at once against an endpoint, one article at a time on the embedded
model, and every article gets its row (an error row when it fails), so one bad article never fails
the batch or the job.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import pyarrow as pa

from newsextract.config import Settings
from newsextract.errors import ConfigError
from newsextract.ray.rows import result_row
from newsextract.ray.schema import to_table

API_KEY_ENV = "OPENAI_API_KEY"


@dataclasses.dataclass(frozen=True)
class Columns:
    """Which input columns hold the id, the text and the publication date (``published`` optional);
    ``problem`` names an internal column of read failures (see ``files``), or None."""

    id: str = "id"
    text: str = "text"
    published: str | None = "published"
    problem: str | None = None


def settings_for_workers(settings: Settings) -> Settings:
    """What travels to the actors: the settings without the API key (workers read their own)."""
    return dataclasses.replace(settings, api_key=None)


class ExtractActor:
    """Callable class for ``Dataset.map_batches``: rows in, one result row per input row out."""

    def __init__(self, settings: Settings, max_chars: int, in_flight: int, columns: Columns) -> None:
        from newsextract.engine import ArticleExtractor

        key = os.environ.get(API_KEY_ENV) or None
        settings = dataclasses.replace(settings, api_key=key)
        if settings.backend == "openai" and settings.base_url is None and key is None:
            raise ConfigError(
                f"a Ray worker has no {API_KEY_ENV} in its environment: set it where the workers run "
                "(the key never travels with the job)"
            )
        # exactly the driver's resolved configuration, plus our key
        self.extractor = ArticleExtractor.from_settings(settings, max_chars)
        self.in_flight = in_flight
        self.columns = columns

    def __call__(self, batch: pa.Table) -> pa.Table:
        from newsextract.batch import run_batch

        cols = self.columns
        missing = [c for c in (cols.id, cols.text) if c not in batch.column_names]
        if missing:  # a configuration error: fail the job at once, not one error row per article
            raise ConfigError(
                f"the dataset has no {' or '.join(map(repr, missing))} column "
                f"(columns: {', '.join(batch.column_names)}); pass text_column= / id_column="
            )
        ids = [None if v is None else str(v) for v in batch.column(cols.id).to_pylist()]
        texts = batch.column(cols.text).to_pylist()
        published = _optional(batch, cols.published)
        problems = _optional(batch, cols.problem)
        rows: list[dict[str, Any] | None] = [None] * len(ids)
        work: list[int] = []
        for i, rid in enumerate(ids):
            if rid is None:
                rows[i] = _input_error("", f"a row has no {cols.id!r} (every input needs an id)", self)
            elif problems[i] is not None:
                rows[i] = _input_error(rid, str(problems[i]), self)
            else:
                work.append(i)
        records = [{"id": ids[i], "text": texts[i], "published": published[i]} for i in work]
        outcomes = run_batch(self.extractor, records, concurrency=self.in_flight, progress=False)
        model = self.extractor.settings.model
        for i, outcome in zip(work, outcomes, strict=True):
            rows[i] = result_row(str(ids[i]), outcome, model=model)
        return to_table([r for r in rows if r is not None])

    def __del__(self) -> None:  # pragma: no cover - actor teardown
        extractor = getattr(self, "extractor", None)
        if extractor is not None:
            extractor.close()


def _optional(batch: pa.Table, column: str | None) -> list[Any]:
    if column is None or column not in batch.column_names:
        return [None] * batch.num_rows
    values: list[Any] = batch.column(column).to_pylist()
    return values


def _input_error(rid: str, message: str, actor: ExtractActor) -> dict[str, Any]:
    from newsextract.errors import InputError

    return result_row(rid, InputError(message), model=actor.extractor.settings.model)
