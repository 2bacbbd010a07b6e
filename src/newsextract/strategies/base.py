"""What a strategy is: a way of turning one article into drafts with one or more model requests.

``whole_article`` asks for everything in one request (capable models); ``sentence_choices`` asks a small
model one short question per candidate sentence. Both return an ``ArticleDraft`` whose values are
strings as written in the article, so the same grounding and normalisation run after either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from newsextract.backends.base import Backend
from newsextract.core.schemas import ChunkFailure, GroundingMode, Usage
from newsextract.grounding.reask import KindsArticleDraft
from newsextract.kinds.drafts import ArticleDraft


@dataclass
class StrategyInput:
    """One article as the caller passed it (never modified) and the options that shape the requests."""

    text: str
    published: dt.date | None
    grounding: GroundingMode = "strict"
    max_retries: int = 2
    max_tokens: int = 2048


@dataclass
class StrategyResult:
    """Drafts found, what they cost, and any part of the article that could not be extracted."""

    draft: ArticleDraft
    usage: Usage = field(default_factory=Usage)
    requests: int = 0
    reasks: int = 0
    chunk_failures: list[ChunkFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the drafts when the caller chose the kinds (``extract(..., kinds=[...])`` on ``whole_article``);
    #: ``draft`` then stays empty
    kinds_draft: KindsArticleDraft | None = None

    @property
    def drafts(self) -> ArticleDraft | KindsArticleDraft:
        """The drafts found, whichever model holds them."""
        return self.kinds_draft if self.kinds_draft is not None else self.draft


class Strategy(Protocol):
    name: str

    @property
    def prompt_version(self) -> str:
        """Names the prompt template(s) used; part of the cache key and of ``meta``."""
        ...

    def cache_schema(self) -> dict[str, object]:
        """The JSON schema(s) the model fills; part of the cache key."""
        ...

    def run(self, backend: Backend, item: StrategyInput) -> StrategyResult:
        """Extract drafts from one article. Raises newsextract errors only."""
        ...

    async def arun(self, backend: Backend, item: StrategyInput) -> StrategyResult:
        """The same, awaitable."""
        ...
