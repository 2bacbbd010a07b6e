"""Reading articles from files, folders, globs and stdin, and writing results as JSONL or CSV.

``readers``: paths -> ``{"id", "text", "published"}`` records plus one problem line per unusable file.
``results``: the JSONL result line format shared by streaming output, ``--resume`` and ``eval``.
``tables``: flat event records -> CSV.
"""

from __future__ import annotations

from newsextract.io.readers import ReadProblem, ReadResult, read_inputs
from newsextract.io.results import ResultWriter, load_results, outcome_from_line, result_line
from newsextract.io.tables import write_csv

__all__ = [
    "ReadProblem",
    "ReadResult",
    "ResultWriter",
    "load_results",
    "outcome_from_line",
    "read_inputs",
    "result_line",
    "write_csv",
]
