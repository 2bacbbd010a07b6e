"""The ``sentence_choices`` strategy: one small question per candidate sentence, answers drawn from
the sentence itself.

How one article is read, kind by kind, by that kind's rules (data at the bottom of
``kinds/<kind>.py``, or rules a caller registered with ``kinds.rules.register_rules``):

1. The kind's finding rule lists candidate sentences (and the part or value each is read from),
   without a model.
2. ``text.names`` classifies every name by how the article uses it (person, organisation, place, news
   source); ``text.article.ArticleContext`` holds that, the sentences and the article's company, built
   once per article, so the cost per candidate does not grow with the article.
3. The kind's field rules read values as written (amounts, counts, percentages, prices, directions,
   markets, periods, sale status, predecessors, roles, dates) into the kind's typed reading.
4. The kind's options rule decides who may fill each name field. A field with one plausible option is
   fixed and not asked; when every field is fixed, no request is made (``confirm_decided=True`` asks
   the model's yes/no anyway). Otherwise a per-call Pydantic model is built whose fields are a
   boolean ("is this really a <kind>?") and ``enum``s of the remaining options (plus ``"none"``, plus
   names of the previous sentence when pronouns may point there). The model therefore only judges and
   chooses; it never writes free text. A candidate with no plausible option gets no question at all.
5. The kinds' rules across sentences run ("its stake dropping from 10.2 percent to 7.5 percent after
   the sale" adds its stakes to the sale just before it).
6. Every draft value is a substring of the sentence (or of the previous sentence, in which case the
   quote covers both), and ``quote`` is that exact text.

Cost: one request per candidate whose options the rules could not settle (SmolLM2 on 2 cores:
~0.5-1.5 s each); on the seed articles the rules settle every candidate. Candidates are asked grouped
by kind so that the system prompt and the task text are a shared token prefix that llama.cpp reuses.
A candidate whose request fails is reported in ``chunk_failures``, never dropped silently.
Works with any ``Backend`` (embedded or OpenAI-compatible): it only calls ``structured``/``astructured``.

Where things are: the generic dispatch over a kind's rules is ``strategies.sentence_readers``; the
built-in kinds' readers are ``strategies.read_moves``, ``read_sales`` and ``read_changes``, and who may
fill a field ``strategies.sentence_options``; the :class:`Question`, its per-call model and the draft
from an answer are ``strategies.sentence_questions``.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from pydantic import BaseModel

from newsextract.backends.base import Backend, ModelReply
from newsextract.core.schemas import ChunkFailure, Event, Usage
from newsextract.errors import ConfigError, ExtractionError
from newsextract.grounding.reask import reply_model
from newsextract.kinds.drafts import DRAFT_TYPES, ArticleDraft
from newsextract.kinds.kindset import BUILTIN_LISTS, KindSet
from newsextract.kinds.rules import KindRules, Rule
from newsextract.kinds.spec import kind_spec
from newsextract.normalize.modality import sale_status as modality_status
from newsextract.prompts import load_prompt
from newsextract.strategies.base import StrategyInput, StrategyResult
from newsextract.strategies.read_dates import event_date
from newsextract.strategies.sentence_questions import (
    MAX_OPTIONS,
    NONE,
    Question,
    choice_model,
    draft_from_answer,
    max_tokens_for,
)
from newsextract.strategies.sentence_readers import (
    BUILTIN_RULES,
    check_rules,
    finder_of,
    link_questions,
    read_candidate,
    rules_for,
)
from newsextract.text.article import ArticleContext
from newsextract.text.candidates import find_candidates
from newsextract.text.sentences import split_sentences
from newsextract.text.spans import Span

__all__ = [
    "MAX_OPTIONS",
    "NONE",
    "Question",
    "SentenceChoices",
    "choice_model",
    "draft_from_answer",
    "event_date",
    "max_tokens_for",
    "sale_status",
]


def sale_status(sentence: str) -> str:
    """Sale status from modality words: the one decision in ``normalize.modality``."""
    return modality_status(sentence)


def _kind_rules(kinds: KindSet | None) -> tuple[tuple[KindRules, type[BaseModel], str], ...]:
    """(rules, draft class, list name) of each kind to read, in asking order; a ConfigError names the
    kinds the embedded rules can read when one has none."""
    if kinds is None:
        return tuple((r, DRAFT_TYPES[r.kind], BUILTIN_LISTS[r.kind]) for r in BUILTIN_RULES.values())
    out: list[tuple[KindRules, type[BaseModel], str]] = []
    for k in sorted(kinds.kinds, key=_builtin_first):
        rules = rules_for(k.__name__)
        if rules is None:
            can = ", ".join(BUILTIN_RULES)
            raise ConfigError(f"the sentence_choices strategy has no rules for {k.__name__}; it reads {can}")
        check_rules(rules)
        draft = DRAFT_TYPES[k.__name__] if k.__name__ in BUILTIN_RULES else kind_spec(k).draft
        out.append((rules, draft, kinds.list_key(k)))
    return tuple(out)


def _described(rule: Rule) -> dict[str, object]:
    """A caller's rule as the cache key sees it: a changed reader or pattern misses."""
    reader = rule.reader
    name = reader if isinstance(reader, str) else f"{reader.__module__}.{reader.__qualname__}"
    return {"id": rule.id, "reader": name, "params": dict(rule.params)}


def _builtin_first(kind: type[Event]) -> int:
    order = list(BUILTIN_RULES)
    return order.index(kind.__name__) if kind.__name__ in order else len(order)


class SentenceChoices:
    """The Strategy: see the module docstring. ``prompt_number`` pins the template (default: highest);
    ``kinds`` (default: the three built-ins) are read by their rules."""

    name = "sentence_choices"

    def __init__(
        self, prompt_number: int | None = None, *, confirm_decided: bool = False, kinds: KindSet | None = None
    ) -> None:
        self._template = load_prompt("sentence_choices", prompt_number)
        #: Ask the model's yes/no even when rules fixed every field (one short request per such
        #: candidate); off by default: rules that fix every field already require the event's structure.
        self.confirm_decided = confirm_decided
        self.kinds = kinds
        self._kinds = _kind_rules(kinds)
        self._finders = [finder_of(rules) for rules, _, _ in self._kinds]
        self._order = {rules.kind: i for i, (rules, _, _) in enumerate(self._kinds)}

    @property
    def prompt_version(self) -> str:
        return self._template.version

    def cache_schema(self) -> dict[str, object]:
        """The shape of every per-call schema (options are drawn per sentence, so enums show as examples),
        and a caller's rules (the built-ins' are in the cache key's rules fingerprint)."""
        out: dict[str, object] = {}
        for rules, _, _ in self._kinds:
            example = {f: ["<name in sentence>", NONE] for f in rules.option_fields}
            out[rules.kind] = choice_model(rules.kind, example, rules.flag).model_json_schema()
            if rules.kind not in BUILTIN_RULES:
                out[f"{rules.kind} rules"] = [_described(rule) for rule in rules.all_rules()]
        return out

    def questions(self, text: str, published: dt.date | None = None) -> list[Question]:
        """All questions for an article, grouped by kind (shared prompt prefix), then in text order.
        ``published`` is accepted for callers; history ("became president in 2019") is filtered after
        grounding by ``pipeline.filters``, the same on every strategy, and recorded in ``meta.dropped``."""
        sentences = split_sentences(text)
        cands = find_candidates(text, sentences, self._finders)
        anchors: dict[Span, list[Span]] = {}
        for c in cands:
            if c.anchor is not None:
                anchors.setdefault(c.sentence, []).append(c.anchor)
        ctx = ArticleContext.of(text, sentences)
        rules = {r.kind: r for r, _, _ in self._kinds}
        built = [
            read_candidate(self._template, ctx, c, anchors.get(c.sentence, []), rules[c.kind]) for c in cands
        ]
        qs = [q for q in built if q is not None]
        link_questions(text, sentences, qs, list(rules.values()))
        qs.sort(key=lambda q: (self._order[q.candidate.kind], q.candidate.focus.start))
        return qs

    def _answer_by_rule(self, q: Question) -> ModelReply[BaseModel]:
        return ModelReply(parsed=q.model.model_validate({q.rules.flag: True}), requests=0)

    def _collect(
        self, text: str, pairs: list[tuple[Question, ModelReply[BaseModel] | ExtractionError]]
    ) -> StrategyResult:
        result = StrategyResult(draft=ArticleDraft())
        if self.kinds is not None:
            result.kinds_draft = reply_model(self.kinds)()
        drafts = result.drafts
        targets = {rules.kind: (draft, key) for rules, draft, key in self._kinds}
        usage = Usage()
        for q, reply in pairs:
            usage = usage + reply.usage
            if isinstance(reply, ExtractionError):
                result.requests += reply.attempts
                c = q.candidate.sentence
                result.chunk_failures.append(
                    ChunkFailure(start=c.start, end=c.end, error=f"{type(reply).__name__}: {reply}")
                )
                continue
            result.requests += reply.requests
            result.reasks += reply.reasks
            draft_type, key = targets[q.candidate.kind]
            draft = draft_from_answer(q, reply.parsed, text, draft_type)
            if draft is not None:
                getattr(drafts, key).append(draft)
        result.usage = usage
        return result

    def run(self, backend: Backend, item: StrategyInput) -> StrategyResult:
        """Ask every question in turn. Time: about one small request per candidate sentence."""
        pairs: list[tuple[Question, ModelReply[BaseModel] | ExtractionError]] = []
        for q in self.questions(item.text, item.published):
            if not (q.needs_model or self.confirm_decided):
                pairs.append((q, self._answer_by_rule(q)))
                continue
            try:
                reply = backend.structured(
                    q.messages, q.model, max_retries=item.max_retries, max_tokens=max_tokens_for(q)
                )
            except ExtractionError as exc:
                pairs.append((q, exc))
                continue
            pairs.append((q, reply))
        return self._collect(item.text, pairs)

    async def arun(self, backend: Backend, item: StrategyInput, *, concurrency: int = 8) -> StrategyResult:
        """The same, with up to ``concurrency`` requests in flight (the embedded backend still serialises)."""
        sem = asyncio.Semaphore(concurrency)

        async def ask(q: Question) -> tuple[Question, ModelReply[BaseModel] | ExtractionError]:
            if not (q.needs_model or self.confirm_decided):
                return q, self._answer_by_rule(q)
            async with sem:
                try:
                    return q, await backend.astructured(
                        q.messages, q.model, max_retries=item.max_retries, max_tokens=max_tokens_for(q)
                    )
                except ExtractionError as exc:
                    return q, exc

        pairs = await asyncio.gather(*(ask(q) for q in self.questions(item.text, item.published)))
        return self._collect(item.text, list(pairs))
