"""newsextract on Ray Data: extraction over a cluster (``pip install 'newsextract[ray]'``).

``extract_dataset(ds, ...)`` turns a Ray Dataset of articles into a Dataset of result rows (one per
input, schema ``RESULT_SCHEMA``), on an actor pool with one ``Extractor`` per actor.
``extract_files(inputs, output, ...)`` reads a folder of ``.txt`` / ``.jsonl`` / ``.parquet`` files,
extracts, and writes Parquet or JSONL, resuming where an earlier run stopped.
``read_articles`` and ``written_ids`` are the two halves it is made of. See ``docs/RAY.md``.
"""

from __future__ import annotations

from newsextract.ray.dataset import extract_dataset
from newsextract.ray.files import FilesSummary, extract_files, read_articles
from newsextract.ray.resume import ResumeWarning, written_ids
from newsextract.ray.rows import COLUMNS, jsonl_line, result_row
from newsextract.ray.schema import RESULT_SCHEMA

__all__ = [
    "COLUMNS",
    "RESULT_SCHEMA",
    "FilesSummary",
    "ResumeWarning",
    "extract_dataset",
    "extract_files",
    "jsonl_line",
    "read_articles",
    "result_row",
    "written_ids",
]
