"""Files in, files out: read a folder of articles into a Dataset, extract, write Parquet or JSONL.

``read_articles`` takes folders, files and globs (local paths or fsspec URLs such as ``s3://bucket/news``):

- ``.txt``: one article; id = the file's stem, ``published`` = the default given;
- ``.jsonl``: one record a line (``text``, optional ``id`` (default ``<stem>:<line>``) and ``published``);
- ``.parquet``: columns ``id``, ``text`` and optionally ``published`` (other names: ``id_column=``, ...).

A folder contributes the files with those suffixes directly inside it, sorted by name. An unusable file
(empty, binary, not UTF-8) or JSONL line becomes an error row (``InputError``) in the output, never a
failed job.

``extract_files`` writes one file per block into the output folder as the run goes (Parquet in
``RESULT_SCHEMA``, or JSONL in the result line format of ``newsextract.io.results``, which
``load_results`` and ``newsextract eval`` read). With ``resume=True`` (the default) ids that already have
a row there are skipped, so a run killed at any point is finished by running the same call again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ray.data import BlockBasedFileDatasink

from newsextract.errors import ConfigError
from newsextract.ray.resume import RESULT_SUFFIXES, written_ids
from newsextract.ray.rows import jsonl_line

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

ARTICLE_SUFFIXES = (".txt", ".jsonl", ".parquet")
#: The internal column of read failures (``extract_dataset(problem_column=...)``).
PROBLEM_COLUMN = "problem"
OutputFormat = Literal["parquet", "jsonl"]


def _input_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("text", pa.string()),
            ("published", pa.string()),
            (PROBLEM_COLUMN, pa.string()),
        ]
    )


def list_article_files(paths: str | Sequence[str], **storage_options: Any) -> tuple[list[str], list[str]]:
    """(text/JSONL files, Parquet files) named by ``paths``, as URLs fsspec and Ray can open."""
    from fsspec.core import url_to_fs

    plain: list[str] = []
    parquet: list[str] = []
    for raw in [paths] if isinstance(paths, str) else list(paths):
        fs, root = url_to_fs(raw, **storage_options)
        if any(ch in root for ch in "*?["):
            found = sorted(str(p) for p in fs.glob(root))
        elif fs.isdir(root):
            found = sorted(str(p) for p in fs.ls(root, detail=False) if fs.isfile(p))
        elif fs.isfile(root):
            found = [root]
        else:
            raise ConfigError(f"no such file or folder: {raw}")
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        for name in found:
            url = name if protocol in ("file", "local") else fs.unstrip_protocol(name)
            if name.endswith(".parquet"):
                parquet.append(url)
            elif name.endswith((".txt", ".jsonl")):
                plain.append(url)
    if not plain and not parquet:
        raise ConfigError(f"no .txt, .jsonl or .parquet files in {paths!r}")
    return plain, parquet


def read_articles(
    paths: str | Sequence[str],
    *,
    published: str | None = None,
    id_column: str = "id",
    text_column: str = "text",
    published_column: str = "published",
) -> Dataset:
    """A Dataset of articles with columns ``id``, ``text``, ``published`` and ``problem`` (see module doc).

    ``published`` is the default publication date for articles without their own. The column names
    apply to Parquet inputs.
    """
    import ray.data

    plain, parquet = list_article_files(paths)
    parts: list[Dataset] = []
    if plain:
        raw = ray.data.read_binary_files(plain, include_paths=True)
        parts.append(
            raw.map_batches(
                _records_from_files,  # type: ignore[arg-type]  # keyword arguments from fn_kwargs
                fn_kwargs={"published": published},
                batch_format="pyarrow",
            )
        )
    if parquet:
        columns = {"id_column": id_column, "text_column": text_column, "published_column": published_column}
        table = ray.data.read_parquet(parquet)
        parts.append(
            table.map_batches(
                _records_from_table,  # type: ignore[arg-type]  # keyword arguments from fn_kwargs
                fn_kwargs={**columns, "published": published},
                batch_format="pyarrow",
            )
        )
    return parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])


def _records_from_files(batch: pa.Table, *, published: str | None) -> pa.Table:
    """Rows of file bytes and paths -> article rows (a problem row per unusable file or line)."""
    import pyarrow as pa

    from newsextract.io.readers import read_file_bytes

    rows: list[dict[str, Any]] = []
    for data, path in zip(batch.column("bytes").to_pylist(), batch.column("path").to_pylist(), strict=True):
        read = read_file_bytes(data, str(path), published=published)
        rows.extend({**r, PROBLEM_COLUMN: None} for r in read.records)
        for problem in read.problems:
            rows.append(
                {
                    "id": _problem_id(problem.source, str(path)),
                    "text": None,
                    "published": None,
                    PROBLEM_COLUMN: problem.message,
                }
            )
    return pa.Table.from_pylist(
        [{k: _as_str(r.get(k)) for k in ("id", "text", "published", PROBLEM_COLUMN)} for r in rows],
        schema=_input_schema(),
    )


def _problem_id(source: str, path: str) -> str:
    """The id a problem row gets: the file's stem, or ``<stem>:<line>`` for a JSONL line."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    stem = name.rpartition(".")[0] or name
    line = source[len(path) + 1 :] if source.startswith(path + ":") else ""
    return f"{stem}:{line}" if line.isdigit() else stem


def _records_from_table(
    batch: pa.Table, *, id_column: str, text_column: str, published_column: str, published: str | None
) -> pa.Table:
    import pyarrow as pa

    missing = [c for c in (id_column, text_column) if c not in batch.column_names]
    if missing:
        raise ConfigError(
            f"Parquet input has no {' or '.join(map(repr, missing))} column "
            f"(columns: {', '.join(batch.column_names)})"
        )
    ids = batch.column(id_column).to_pylist()
    texts = batch.column(text_column).to_pylist()
    dates = (
        batch.column(published_column).to_pylist()
        if published_column in batch.column_names
        else [None] * len(ids)
    )
    rows = []
    for rid, text, date in zip(ids, texts, dates, strict=True):
        problem = None
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                text, problem = None, "is not UTF-8 text"
        elif text is not None and not isinstance(text, str):
            text, problem = None, f"text must be a string, not {type(text).__name__}"
        rows.append(
            {
                "id": _as_str(rid),
                "text": text,
                "published": _as_str(date if date is not None else published),
                PROBLEM_COLUMN: problem,
            }
        )
    return pa.Table.from_pylist(rows, schema=_input_schema())


def _as_str(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


# -- output ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FilesSummary:
    """What one ``extract_files`` run did: rows written (``failed`` of them error rows) and ids skipped
    because an earlier run had written them."""

    output: str
    written: int
    failed: int
    skipped: int

    def __str__(self) -> str:
        return (
            f"{self.written} row(s) written to {self.output} ({self.failed} failed), "
            f"{self.skipped} skipped (already written)"
        )


def extract_files(
    inputs: str | Sequence[str],
    output: str,
    *,
    format: OutputFormat = "parquet",
    resume: bool = True,
    published: str | None = None,
    **options: Any,
) -> FilesSummary:
    """Read ``inputs`` (see ``read_articles``), extract them with ``extract_dataset(**options)`` and write
    the rows into the folder ``output`` (local or an fsspec URL) as ``format`` files.

    ``resume=True`` skips ids that already have a row in ``output`` (ok or error; a file torn by a
    killed run is set aside and its ids redone). With ``resume=False`` the output folder must hold no
    result files yet. Ids must be unique across the inputs.
    """
    from newsextract.ray.dataset import extract_dataset

    if format not in ("parquet", "jsonl"):
        raise ConfigError(f"format must be 'parquet' or 'jsonl', not {format!r}")
    before = set(_result_files(output))
    if before and not resume:
        raise ConfigError(
            f"{output} already holds results: pass resume=True to finish them, or another folder"
        )
    skip = written_ids(output) if resume else set()
    before = set(_result_files(output))  # without the files set aside just now
    articles = read_articles(inputs, published=published)
    results = extract_dataset(articles, skip_ids=skip, problem_column=PROBLEM_COLUMN, **options)
    if format == "parquet":
        results.write_parquet(output)
    else:
        results.write_datasink(JsonlResultSink(output))
    written, failed = _count_rows(output, sorted(set(_result_files(output)) - before))
    return FilesSummary(output=output, written=written, failed=failed, skipped=len(skip))


def _result_files(output: str) -> list[str]:
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(output)
    try:
        return [str(p) for p in fs.ls(root, detail=False) if str(p).endswith(RESULT_SUFFIXES)]
    except FileNotFoundError:
        return []


def _count_rows(output: str, names: list[str]) -> tuple[int, int]:
    import pyarrow.parquet as pq
    from fsspec.core import url_to_fs

    fs, _ = url_to_fs(output)
    written = failed = 0
    for name in names:
        with fs.open(name, "rb") as fh:
            if name.endswith(".parquet"):
                oks = pq.read_table(fh, columns=["ok"]).column("ok").to_pylist()
            else:
                oks = [
                    json.loads(line).get("ok")
                    for line in fh.read().decode("utf-8").splitlines()
                    if line.strip()
                ]
        written += len(oks)
        failed += sum(1 for ok in oks if not ok)
    return written, failed


class JsonlResultSink(BlockBasedFileDatasink):  # type: ignore[misc]
    """A Ray datasink writing result rows as JSONL result lines (``rows.jsonl_line``), one file per block."""

    def __init__(self, path: str) -> None:
        super().__init__(path, file_format="jsonl")

    def write_block_to_file(self, block: Any, file: Any) -> None:
        rows = block.to_arrow().to_pylist()
        file.write(
            "".join(json.dumps(jsonl_line(r), ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
        )
