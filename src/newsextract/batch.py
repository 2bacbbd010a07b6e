"""Many articles: bounded concurrency, one result or one error per input, input order kept.

(Minimal version; progress, streaming JSONL output, resume and token budgets build on this.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from newsextract.core.schemas import Extraction
from newsextract.errors import ExtractionError, InputError, NewsextractError

if TYPE_CHECKING:
    from newsextract.api import Extractor

BATCH_OPTIONS = frozenset({"refresh"})


def _record(item: str | Mapping[str, Any], index: int) -> tuple[str, Any, Any]:
    if isinstance(item, str | bytes):
        return str(index), item, None
    if isinstance(item, Mapping):
        if "text" not in item:
            raise InputError(f"record {index} has no 'text'")
        return str(item.get("id", index)), item["text"], item.get("published")
    raise InputError(f"input {index} must be a string or a record with 'text', not {type(item).__name__}")


def run_batch(
    extractor: Extractor,
    inputs: Iterable[str | Mapping[str, Any]],
    *,
    concurrency: int = 16,
    refresh: bool = False,
) -> list[Extraction | ExtractionError]:
    """Extract every input; an input that fails yields its error in its place, never sinks the batch."""
    items = list(inputs)
    workers = 1 if extractor.settings.backend == "embedded" else max(1, concurrency)

    def one(pair: tuple[int, str | Mapping[str, Any]]) -> Extraction | ExtractionError:
        index, item = pair
        try:
            rid, text, published = _record(item, index)
            return extractor.extract(text, published, id=rid, refresh=refresh)
        except ExtractionError as exc:
            return exc
        except NewsextractError as exc:
            return ExtractionError(str(exc))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, enumerate(items)))
