"""Which request lines a job sends: one per chunk of each distinct article not in the cache (the body
the online path would send), split into request files within the Batch API's limits, and the
follow-up lines after a batch ends (expired lines again; with ``reask="batch"`` failed lines and
re-asks of answers that do not validate)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsextract.backends.structured import REASKABLE
from newsextract.batch import input_record
from newsextract.batch_api.files import (
    TextPub,
    atomic_write,
    read_answers,
    read_bodies,
    read_texts,
    request_file,
)
from newsextract.batch_api.lines import attempt_id, encode_line, parse_attempt, request_line, slot_id
from newsextract.batch_api.output import LineAnswer
from newsextract.batch_api.split import split_lines
from newsextract.batch_api.state import ArticleRecord, BatchRecord, JobState
from newsextract.errors import ConfigError, ExtractionError, InputError
from newsextract.strategies.whole_article import WholeArticle
from newsextract.text.inputs import check_text, parse_published

if TYPE_CHECKING:
    from newsextract.backends.openai_compat import OpenAICompatBackend
    from newsextract.engine import ArticleExtractor

#: Rounds of batches a line may go through (first submission, re-queues after expiry, follow-up re-asks).
MAX_ROUNDS = 4


def plan_requests(
    extractor: ArticleExtractor, state: JobState, inputs: Iterable[str | bytes | Mapping[str, Any]]
) -> tuple[dict[str, bytes], list[tuple[str, str, str | None]]]:
    """Record every input in ``state``; the request lines (by custom_id, in first-occurrence order)
    and the distinct articles (cache key, text, published) to keep beside the state."""
    lines: dict[str, bytes] = {}
    seen: dict[str, ArticleRecord] = {}
    ids: set[str] = set()
    texts: list[tuple[str, str, str | None]] = []
    same_body: dict[str, str] = {}
    for index, raw in enumerate(inputs):
        item = input_record(raw, index)
        if item.id in ids:
            raise ConfigError(f"repeated id {item.id!r}: ids must be unique in a batch job")
        ids.add(item.id)
        rec = ArticleRecord(index=index, id=item.id)
        state.articles.append(rec)
        if item.problem is not None:
            rec.input_error = str(item.problem)
            continue
        try:
            text = check_text(item.text, max_chars=extractor.max_chars, name=f"input {item.id!r}")
            pub = parse_published(item.published)
        except InputError as exc:
            rec.input_error = str(exc)
            continue
        rec.key = extractor.cache_key(text, pub)
        first = seen.get(rec.key)
        if first is not None:  # the same article again: its lines are already planned
            rec.slots, rec.spans = list(first.slots), list(first.spans)
            continue
        seen[rec.key] = rec
        texts.append((rec.key, text, pub.isoformat() if pub else None))
        if (
            not state.refresh
            and extractor._from_cache(rec.key, text, pub, time.perf_counter(), None) is not None
        ):
            continue  # answered before: nothing to send
        _plan_article(extractor, rec, (text, pub), lines, same_body)
    return lines, texts


def _plan_article(
    extractor: ArticleExtractor,
    rec: ArticleRecord,
    text_pub: TextPub,
    lines: dict[str, bytes],
    same_body: dict[str, str],
) -> None:
    """Add one request line per chunk of ``rec``'s article to ``lines`` (a chunk whose body another
    article already sends shares that line) and note the slots and spans in ``rec``."""
    strategy = extractor.strategy
    assert isinstance(strategy, WholeArticle)
    backend: OpenAICompatBackend = extractor.backend  # type: ignore[assignment]
    for n, (span, messages, opts) in enumerate(strategy.requests(extractor._input(*text_pub))):
        body = backend.request_body(messages, strategy.response_model, opts["max_tokens"])
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
        cid = same_body.setdefault(digest, slot_id(rec.key or "", n))  # a chunk two articles share: once
        if cid not in lines:
            lines[cid] = encode_line(request_line(cid, body))
        rec.slots.append(cid)
        rec.spans.append((span.start, span.end))


def write_request_files(
    folder: Path, state: JobState, lines: dict[str, bytes], *, max_requests: int, max_bytes: int
) -> list[int]:
    """Write ``lines`` into new request files within the limits; their numbers. An article with a
    request larger than a file may be gets an input error instead."""
    ids = list(lines)
    split = split_lines([len(lines[c]) for c in ids], max_requests=max_requests, max_bytes=max_bytes)
    if split.oversized:
        too_big = {ids[i] for i in split.oversized}
        for rec in state.articles:
            if too_big & set(rec.slots):
                rec.input_error = f"input {rec.id!r}: a request is larger than the Batch API's file limit"
                rec.slots, rec.spans = [], []
    numbers = []
    for group in split.groups:
        state.request_files += 1
        n = state.request_files
        atomic_write(request_file(folder, n), b"".join(lines[ids[i]] for i in group))
        numbers.append(n)
    return numbers


def follow_up_lines(
    extractor: ArticleExtractor, state: JobState, folder: Path, request_files: list[Path], b: BatchRecord
) -> dict[str, bytes]:
    """The lines of ``b`` that go to another batch: unanswered lines of an expired batch; with
    ``reask="batch"`` also failed lines and answers that did not validate (as re-asks carrying the
    errors)."""
    if b.round + 1 >= MAX_ROUNDS or b.status not in ("expired", "completed", "failed"):
        return {}
    answers = read_answers(folder)
    again: dict[str, bytes] = {}
    bodies = read_bodies(request_files, set(b.lines))
    texts = read_texts(folder) if state.reask == "batch" else {}
    by_slot = {slot: rec for rec in state.articles for slot in rec.slots}
    for cid in b.lines:
        answer = answers.answers.get(cid)
        expired = b.status == "expired" and (answer is None or not answer.ok)
        # expired: not run in time (absent, or in the error file as batch_expired): the next batch runs it
        unanswered = answer is None and state.reask == "batch" and b.status == "completed"
        failed = answer is not None and state.reask == "batch" and not answer.ok
        if expired or unanswered or failed:
            again[cid] = encode_line(request_line(cid, bodies[cid]))
            continue
        if answer is None or state.reask != "batch":
            continue
        parsed = parse_attempt(cid)
        article = by_slot.get(parsed[0]) if parsed else None
        if parsed is None or article is None or article.key not in texts:
            continue
        slot, rnd = parsed
        if rnd >= extractor.settings.max_retries:
            continue
        reask = reask_messages(extractor, article, slot, texts[article.key], answer, bodies[cid])
        if reask is not None:
            nid = attempt_id(slot, rnd + 1)
            again[nid] = encode_line(request_line(nid, {**bodies[cid], "messages": reask}))
    return again


def reask_messages(
    extractor: ArticleExtractor,
    article: ArticleRecord,
    slot: str,
    text_pub: TextPub,
    answer: LineAnswer,
    body: dict[str, Any],
) -> list[dict[str, Any]] | None:
    """The re-ask messages for an answer that does not validate; None when it validates."""
    strategy = extractor.strategy
    assert isinstance(strategy, WholeArticle) and answer.body is not None
    requests = strategy.requests(extractor._input(*text_pub))
    n = article.slots.index(slot)
    if n >= len(requests):
        return None
    backend: OpenAICompatBackend = extractor.backend  # type: ignore[assignment]
    try:
        backend.parse_answer(answer.body, strategy.response_model, context=requests[n][2]["context"])
    except REASKABLE as exc:
        return backend.reask_messages(body, answer.body, exc)
    except ExtractionError:
        return None
    return None
