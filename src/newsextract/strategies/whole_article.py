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
from typing import Any

from pydantic import ValidationError

from newsextract.backends.base import Backend, Messages, ModelReply
from newsextract.core.drafts import ArticleDraft
from newsextract.core.schemas import ChunkFailure
from newsextract.errors import ExtractionError, ValidationExhaustedError
from newsextract.grounding.lists import reroute
from newsextract.grounding.reask import GroundedArticleDraft
from newsextract.kinds.kindset import KindsArticleDraft, KindSet
from newsextract.prompts import PromptTemplate, load_prompt
from newsextract.strategies.base import StrategyInput, StrategyResult
from newsextract.text.chunking import chunk_spans
from newsextract.text.spans import Span

Reply = GroundedArticleDraft | KindsArticleDraft
Outcome = ModelReply[Reply] | ExtractionError

#: About 3,000 tokens of English: fits a 4k context with the instructions and the answer.
DEFAULT_CHUNK_CHARS = 12_000


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
        self.response_model: type[Reply] = GroundedArticleDraft if kinds is None else kinds.reply_model()
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

    def run(self, backend: Backend, item: StrategyInput) -> StrategyResult:
        spans = chunk_spans(item.text, self.max_chunk_chars)
        outcomes: list[Outcome] = []
        for span in spans:
            chunk = span.slice(item.text)
            try:
                outcomes.append(
                    backend.structured(
                        self.messages(chunk, item), self.response_model, **self._options(chunk, item)
                    )
                )
            except ExtractionError as exc:
                outcomes.append(exc)
        return self._collect(spans, outcomes)

    async def arun(self, backend: Backend, item: StrategyInput) -> StrategyResult:
        spans = chunk_spans(item.text, self.max_chunk_chars)

        async def one(span: Span) -> Outcome:
            chunk = span.slice(item.text)
            try:
                return await backend.astructured(
                    self.messages(chunk, item), self.response_model, **self._options(chunk, item)
                )
            except ExtractionError as exc:
                return exc

        return self._collect(spans, list(await asyncio.gather(*(one(s) for s in spans))))

    def _collect(self, spans: list[Span], outcomes: list[Outcome]) -> StrategyResult:
        """Merge the chunks' replies in text order; failed chunks are salvaged or reported."""
        result = StrategyResult(draft=ArticleDraft())
        if self.kinds is not None:
            result.kinds_draft = self.kinds.reply_model()()
        for span, outcome in zip(spans, outcomes, strict=True):
            if isinstance(outcome, ExtractionError):
                self._salvage_or_fail(outcome, span, result, whole=len(spans) == 1)
            else:
                _add(result, outcome)
        return result

    def _salvage_or_fail(
        self, exc: ExtractionError, span: Span, result: StrategyResult, *, whole: bool
    ) -> None:
        """After grounding re-asks run out, keep the last reply for event-by-event grounding; any other
        failure of a one-chunk article is the article's failure, of one chunk among several a reported gap."""
        result.requests += exc.attempts
        result.usage = result.usage + exc.usage
        if isinstance(exc, ValidationExhaustedError) and exc.last_output:
            try:
                model = ArticleDraft if self.kinds is None else self.kinds.reply_model()
                salvaged = model.model_validate(reroute(json.loads(exc.last_output)))
            except (ValidationError, ValueError):
                salvaged = None
            if salvaged is not None:
                _merge(result.drafts, salvaged)
                result.reasks += max(exc.attempts - 1, 0)
                result.warnings.append(
                    f"grounding re-asks ran out for characters {span.start}-{span.end}; "
                    "the last reply's unsupported events were dropped or flagged one by one"
                )
                return
        if whole:
            raise exc
        result.chunk_failures.append(ChunkFailure(start=span.start, end=span.end, error=str(exc)))


def _merge(into: ArticleDraft | KindsArticleDraft, other: ArticleDraft | KindsArticleDraft) -> None:
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
