"""The whole-article strategy: one request per article (per chunk for long articles).

Default for endpoints: a capable model reads the article once and fills ``ArticleDraft``; grounding
problems that a re-ask can fix (a quote that is not in the article) are re-asked; everything else is
settled value by value in post-processing. Articles longer than ``max_chunk_chars`` are split at
sentence boundaries with overlap; a chunk that fails is reported in ``chunk_failures`` and the others
still count. Cost: one request per chunk, plus up to ``max_retries`` re-asks each.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from typing import Any

from pydantic import ValidationError

from newsextract.backends.base import Backend, Messages, ModelReply
from newsextract.core.schemas import ChunkFailure
from newsextract.errors import ContextOverflowError, ExtractionError, ValidationExhaustedError
from newsextract.grounding.lists import reroute
from newsextract.grounding.reask import GroundedArticleDraft, KindsArticleDraft, reply_model
from newsextract.kinds.drafts import ArticleDraft
from newsextract.kinds.kindset import KindSet
from newsextract.pipeline.by_kind import postprocess_kinds
from newsextract.pipeline.postprocess import postprocess
from newsextract.prompts import PromptTemplate, load_prompt
from newsextract.strategies.base import StrategyInput, StrategyResult
from newsextract.text.chunking import chunk_spans
from newsextract.text.spans import Span

Reply = GroundedArticleDraft | KindsArticleDraft
Outcome = ModelReply[Reply] | ExtractionError

#: About 3,000 tokens of English: fits a 4k context with the instructions and the answer.
DEFAULT_CHUNK_CHARS = 12_000
#: A piece whose prompt still overflows the context below twice this size is not cut further.
MIN_PIECE_CHARS = 200


class WholeArticle:
    """One structured request per article or chunk."""

    name = "whole_article"

    def __init__(self, max_chunk_chars: int = DEFAULT_CHUNK_CHARS, *, kinds: KindSet | None = None) -> None:
        """``kinds``: the kinds the caller chose (None: the three built-ins, asked with the established
        prompt and reply model); otherwise one list per kind, described in ``whole_article_kinds``."""
        self.max_chunk_chars = max_chunk_chars
        self.kinds = kinds
        self.template: PromptTemplate = load_prompt(
            "whole_article" if kinds is None else "whole_article_kinds"
        )
        self.response_model: type[Reply] = GroundedArticleDraft if kinds is None else reply_model(kinds)
        self._cache_schema: dict[str, Any] | None = None

    @property
    def prompt_version(self) -> str:
        return self.template.version

    def cache_schema(self) -> dict[str, Any]:
        if self._cache_schema is None:  # made once: pydantic takes milliseconds per call, paid on every hit
            self._cache_schema = {
                "whole_article": self.response_model.model_json_schema(),
                "chunk_chars": self.max_chunk_chars,
            }
            if self.kinds is not None:
                self._cache_schema["kinds"] = self.kinds.cache_schema()
        return self._cache_schema

    def messages(self, chunk: str, item: StrategyInput) -> Messages:
        published = item.published.isoformat() if item.published else "unknown"
        kinds = self.kinds.prompt_section() if self.kinds is not None else ""
        system, user = self.template.render(text=chunk, published=published, kinds=kinds)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _context(self, chunk: str, item: StrategyInput) -> dict[str, Any]:
        """What grounding needs to validate a reply: the text asked about and its publication date."""
        published = item.published.isoformat() if item.published else None
        return {"text": chunk, "published": published, "grounding": item.grounding}

    def _options(self, chunk: str, item: StrategyInput) -> dict[str, Any]:
        """Keyword arguments of one chunk's ``structured``/``astructured`` call."""
        return {
            "context": self._context(chunk, item),
            "max_retries": item.max_retries,
            "max_tokens": item.max_tokens,
        }

    def requests(self, item: StrategyInput) -> list[tuple[Span, Messages, dict[str, Any]]]:
        """What ``run`` asks, as data: each chunk's span, messages and ``structured`` options (the Batch
        API sends the same requests offline)."""
        out = []
        for span in chunk_spans(item.text, self.max_chunk_chars):
            chunk = span.slice(item.text)
            out.append((span, self.messages(chunk, item), self._options(chunk, item)))
        return out

    def combine(self, spans: list[Span], outcomes: list[Outcome], item: StrategyInput) -> StrategyResult:
        """The article's result from its chunks' replies or errors, exactly as ``run`` merges them."""
        return self._collect(spans, outcomes, item)

    def run(self, backend: Backend, item: StrategyInput) -> StrategyResult:
        """One request per chunk; a chunk whose prompt overflows the model's context (many tokens per
        character: CJK, emoji, mixed scripts) is asked about again in smaller pieces."""
        spans: list[Span] = []
        outcomes: list[Outcome] = []
        todo = deque(chunk_spans(item.text, self.max_chunk_chars))
        while todo:
            span = todo.popleft()
            chunk = span.slice(item.text)
            try:
                outcomes.append(
                    backend.structured(
                        self.messages(chunk, item), self.response_model, **self._options(chunk, item)
                    )
                )
            except ContextOverflowError:
                smaller = _pieces(item.text, span)
                if not smaller:
                    raise
                todo.extendleft(reversed(smaller))
                continue
            except ExtractionError as exc:
                outcomes.append(exc)
            spans.append(span)
        return self._collect(spans, outcomes, item)

    async def arun(self, backend: Backend, item: StrategyInput) -> StrategyResult:
        async def one(span: Span) -> list[tuple[Span, Outcome]]:
            chunk = span.slice(item.text)
            try:
                reply = await backend.astructured(
                    self.messages(chunk, item), self.response_model, **self._options(chunk, item)
                )
                return [(span, reply)]
            except ContextOverflowError:
                smaller = _pieces(item.text, span)
                if not smaller:
                    raise
                return [pair for part in await asyncio.gather(*(one(s) for s in smaller)) for pair in part]
            except ExtractionError as exc:
                return [(span, exc)]

        parts = await asyncio.gather(*(one(s) for s in chunk_spans(item.text, self.max_chunk_chars)))
        pairs = [pair for part in parts for pair in part]
        return self._collect([s for s, _ in pairs], [o for _, o in pairs], item)

    def _collect(self, spans: list[Span], outcomes: list[Outcome], item: StrategyInput) -> StrategyResult:
        """Merge the chunks' replies in text order; failed chunks are salvaged or reported."""
        result = StrategyResult(draft=ArticleDraft())
        if self.kinds is not None:
            result.kinds_draft = reply_model(self.kinds)()
        for span, outcome in zip(spans, outcomes, strict=True):
            if isinstance(outcome, ExtractionError):
                self._salvage_or_fail(outcome, span, result, item, whole=len(spans) == 1)
            else:
                _add(result, outcome)
        return result

    def _salvage_or_fail(
        self, exc: ExtractionError, span: Span, result: StrategyResult, item: StrategyInput, *, whole: bool
    ) -> None:
        """When re-asks run out (or the last re-ask fails in any way) after the model gave at least one
        answer of the schema's shape, keep the best such answer and let post-processing drop or flag its
        unsupported events one by one (each with its reasons in ``meta.dropped`` or ``flags``). Any other
        failure of a one-chunk article is the article's failure, of one chunk among several a reported gap.
        """
        result.requests += exc.attempts
        result.usage = result.usage + exc.usage
        chunk = span.slice(item.text)
        best = best_answer(_candidates(exc), chunk, item, self.kinds)
        if best is not None:
            index, draft, total = best
            _merge(result.drafts, draft)
            result.reasks += max(exc.attempts - 1, 0)
            result.warnings.append(
                f"no answer passed every check for characters {span.start}-{span.end} "
                f"({type(exc).__name__}); kept answer {index + 1} of {total} with the most supported "
                "events, its unsupported events dropped or flagged one by one"
            )
            return
        if whole:
            raise exc
        result.chunk_failures.append(ChunkFailure(start=span.start, end=span.end, error=str(exc)))


def _pieces(text: str, span: Span) -> list[Span]:
    """``span`` cut in about two at sentence boundaries (the chunks' usual overlap kept), or [] when it
    is already too short to be worth cutting."""
    size = span.end - span.start
    if size < 2 * MIN_PIECE_CHARS:
        return []
    return [
        Span(span.start + s.start, span.start + s.end) for s in chunk_spans(span.slice(text), size // 2 + 1)
    ]


def _candidates(exc: ExtractionError) -> list[str]:
    """The failed call's schema-valid answers, oldest first, then its last output (if different)."""
    found = list(getattr(exc, "valid_outputs", None) or [])
    if isinstance(exc, ValidationExhaustedError) and exc.last_output and exc.last_output not in found:
        found.append(exc.last_output)
    return found


Drafts = ArticleDraft | KindsArticleDraft


def best_answer(
    answers: list[str], text: str, item: StrategyInput, kinds: KindSet | None = None
) -> tuple[int, Drafts, int] | None:
    """(position, draft, count) of the answer that keeps the most grounded events (then the fewest
    rejected, then the latest) among the ``count`` answers that parse as an ``ArticleDraft`` (with
    ``kinds``: as the kind set's reply model); None when none does. Cost: one post-processing pass per
    answer, only after a failure."""
    best: tuple[tuple[int, int, int], Drafts] | None = None
    count = 0
    for raw in answers:
        try:
            if kinds is None:
                plain = ArticleDraft.model_validate(reroute(json.loads(raw)))
                found, dropped = postprocess(plain, text, item.published, item.grounding)
                draft: Drafts = plain
                kept = len(found)
            else:
                chosen = reply_model(kinds).model_validate(json.loads(raw))
                events, dropped = postprocess_kinds(chosen, text, item.published, kinds, item.grounding)
                draft, kept = chosen, len(events)
        except (ValidationError, ValueError):
            continue
        score = (kept, -len(dropped), count)
        count += 1
        if best is None or score > best[0]:
            best = (score, draft)
    return None if best is None else (best[0][2], best[1], count)


def _merge(into: Drafts, other: Drafts) -> None:
    if isinstance(into, KindsArticleDraft) and isinstance(other, KindsArticleDraft):
        into.extend(other)
        return
    assert isinstance(into, ArticleDraft) and isinstance(other, ArticleDraft)
    into.share_sales.extend(other.share_sales)
    into.executive_changes.extend(other.executive_changes)
    into.stock_moves.extend(other.stock_moves)


def _add(result: StrategyResult, reply: ModelReply[Reply]) -> None:
    _merge(result.drafts, reply.parsed)
    result.usage = result.usage + reply.usage
    result.requests += reply.requests
    result.reasks += reply.reasks
