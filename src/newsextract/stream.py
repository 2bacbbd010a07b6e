"""Endless streams of articles: outcomes yielded as they complete, in constant memory.

``iter_outcomes`` (threads) and ``aiter_outcomes`` (asyncio) promise:

- **Lazy input.** Inputs are read from any iterable (a generator over a 10 GB JSONL file, a database
  cursor; ``aiter_outcomes`` also takes an async iterable) only as slots free up: at most
  ``concurrency`` articles are in flight, and with ``ordered=True`` at most ``4 x concurrency`` are read
  ahead of the oldest unfinished one.
- **One outcome per input, with its id.** Each item is a ``Completed(id, position, outcome)``: the id
  (a record's ``"id"``, else the input's position), the position, and the ``Extraction`` or the error
  (``InputError``, an ``ExtractionError`` kind). One failure never stops the stream.
- **Completion order**, or input order with ``ordered=True`` (a slow article then holds back the ones
  after it, never more than the read-ahead above).
- **Nothing kept.** An outcome is referenced by nothing in newsextract once it has been yielded, so
  memory stays flat however many articles pass through. (The response cache, if on, is on disk.)
- **Stopping.** Breaking out of the loop (or closing the iterator) stops reading inputs; articles in
  flight finish in the background (threads) or are cancelled (asyncio).

For a batch with a results file, resume and a token budget, see ``newsextract.batch``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, NamedTuple

from newsextract.batch.inputs import InputItem, InputRecord, input_record
from newsextract.batch.outcomes import Outcome, internal
from newsextract.batch.threads import thread_count
from newsextract.errors import NewsextractError

if TYPE_CHECKING:
    from newsextract.engine import ArticleExtractor

_END = object()

#: With ``ordered=True``, how many articles may be read ahead of the oldest unfinished one, per slot.
READ_AHEAD = 4


class Completed(NamedTuple):
    """One input's outcome: its id, its position among the inputs, and the ``Extraction`` or error."""

    id: str
    position: int
    outcome: Outcome


def _one(extractor: ArticleExtractor, item: InputRecord, refresh: bool) -> Completed:
    if item.problem is not None:
        return Completed(item.id, item.index, item.problem)
    try:
        outcome: Outcome = extractor.extract(item.text, item.published, id=item.id, refresh=refresh)
    except NewsextractError as exc:
        outcome = exc
    except Exception as exc:  # a bug for one article must not end the stream
        outcome = internal(exc)
    return Completed(item.id, item.index, outcome)


async def _aone(extractor: ArticleExtractor, item: InputRecord, refresh: bool) -> Completed:
    if item.problem is not None:
        return Completed(item.id, item.index, item.problem)
    try:
        outcome: Outcome = await extractor.aextract(item.text, item.published, id=item.id, refresh=refresh)
    except NewsextractError as exc:
        outcome = exc
    except Exception as exc:
        outcome = internal(exc)
    return Completed(item.id, item.index, outcome)


async def _aone_boxed(extractor: ArticleExtractor, item: InputRecord, refresh: bool) -> list[Completed]:
    """``_aone``'s result in a box the consumer empties: a finished task may stay referenced for a
    while by the event loop's bookkeeping, and must not keep an outcome alive after it is yielded."""
    return [await _aone(extractor, item, refresh)]


class _Order:
    """Completed items waiting for their turn (``ordered=True``) and how far reading may go ahead."""

    def __init__(self, ordered: bool, slots: int) -> None:
        self.ordered = ordered
        self.limit = slots * READ_AHEAD if ordered else slots
        self.waiting: dict[int, Completed] = {}
        self.next = 0  # the next position to yield in ordered mode

    def may_read(self, read: int) -> bool:
        return not self.ordered or read - self.next < self.limit

    def release(self, done: Completed) -> list[Completed]:
        """What may be yielded now that ``done`` finished."""
        if not self.ordered:
            return [done]
        self.waiting[done.position] = done
        out = []
        while self.next in self.waiting:
            out.append(self.waiting.pop(self.next))
            self.next += 1
        return out


def iter_outcomes(
    extractor: ArticleExtractor,
    inputs: Iterable[InputItem],
    *,
    concurrency: int = 16,
    ordered: bool = False,
    refresh: bool = False,
) -> Iterator[Completed]:
    """Extract ``inputs`` with up to ``concurrency`` threads, yielding each ``Completed`` as it is known
    (see the module docstring). The embedded model runs one article at a time whatever ``concurrency``."""
    slots = thread_count(extractor, concurrency)
    order = _Order(ordered, slots)
    source = enumerate(inputs)
    read = 0
    exhausted = False
    pending: dict[Future[Completed], int] = {}
    pool = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="newsextract")
    try:
        while True:
            while not exhausted and len(pending) < slots and order.may_read(read):
                try:
                    index, raw = next(source)
                except StopIteration:
                    exhausted = True
                    break
                read += 1
                pending[pool.submit(_one, extractor, input_record(raw, index), refresh)] = index
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            ready = []
            for future in finished:
                del pending[future]
                ready.append(future.result())
            del finished, future  # the futures hold their results: drop them before yielding
            while ready:
                batch = order.release(ready.pop())
                while batch:
                    item = batch.pop(0)
                    yield item
                    del item  # hold nothing once it is handed over
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


async def aiter_outcomes(
    extractor: ArticleExtractor,
    inputs: Iterable[InputItem] | AsyncIterable[InputItem],
    *,
    concurrency: int = 16,
    ordered: bool = False,
    refresh: bool = False,
) -> AsyncIterator[Completed]:
    """The asyncio twin of ``iter_outcomes``: ``aextract`` calls, at most ``concurrency`` at a time;
    ``inputs`` may be an async iterable. Closing the iterator cancels the articles in flight."""
    slots = thread_count(extractor, concurrency)
    order = _Order(ordered, slots)
    sync_source: Iterator[InputItem] | None = None
    async_source: AsyncIterator[InputItem] | None = None
    if isinstance(inputs, AsyncIterable):
        async_source = aiter(inputs)
    else:
        sync_source = iter(inputs)
    read = 0
    exhausted = False
    pending: set[asyncio.Task[list[Completed]]] = set()

    async def next_input() -> Any:
        if async_source is not None:
            return await anext(async_source)
        assert sync_source is not None
        return next(sync_source, _END)  # (StopIteration cannot cross a coroutine boundary)

    try:
        while True:
            while not exhausted and len(pending) < slots and order.may_read(read):
                try:
                    raw = await next_input()
                except StopAsyncIteration:
                    raw = _END
                if raw is _END:
                    exhausted = True
                    break
                pending.add(asyncio.ensure_future(_aone_boxed(extractor, input_record(raw, read), refresh)))
                read += 1
            if not pending:
                return
            finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            ready = [task.result().pop() for task in finished]  # empties each task's box
            del finished  # the tasks hold their results: drop them before yielding
            while ready:
                batch = order.release(ready.pop())
                while batch:
                    item = batch.pop(0)
                    yield item
                    del item
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
