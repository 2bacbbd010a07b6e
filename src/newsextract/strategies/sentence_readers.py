"""Generic dispatch over the kinds' rules: each rule of a kind (``kinds.rules``) names its reader, and
this module applies them, in order, to one candidate. Pure: no request is made here.

The readers of the built-in kinds are ``strategies.read_moves``, ``read_sales`` and ``read_changes``; a
caller's rules may name those, the generic readers of ``strategies.read_generic``, or their own
functions. :func:`read_candidate` turns one candidate into a :class:`Question` (or None: the rules show
it gives no event); :func:`link_questions` runs each kind's rules across sentences.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from newsextract.backends.base import Messages
from newsextract.errors import ConfigError
from newsextract.kinds import executive_change, share_sale, stock_move
from newsextract.kinds.rules import KindRules, Reading, Rule, registered_rules
from newsextract.prompts import PromptTemplate
from newsextract.strategies import read_changes, read_generic, read_moves, read_sales
from newsextract.strategies.sentence_questions import NONE, Options, Question, choice_model
from newsextract.text.article import ArticleContext, SentenceView
from newsextract.text.candidates import Candidate, Finder
from newsextract.text.spans import Span

__all__ = [
    "BUILTIN_RULES",
    "READERS",
    "builtin_rules",
    "check_rules",
    "finder_of",
    "link_questions",
    "read_candidate",
    "read_fields",
    "read_options",
    "read_sentence",
    "rules_for",
]

BUILTIN_RULES: dict[str, KindRules] = {
    r.kind: r for r in (stock_move.RULES, share_sale.RULES, executive_change.RULES)
}
"""The built-in kinds' rules, in the order their questions are asked (moves, sales, changes)."""

READERS: dict[str, Callable[..., Any]] = {
    name: getattr(module, name)
    for module in (read_moves, read_sales, read_changes, read_generic)
    for name in module.__all__
    if callable(getattr(module, name))
}
"""Every reader a rule may name, by its function's name."""


def builtin_rules(kind: str) -> KindRules:
    """The rules of the built-in kind named ``kind``."""
    return BUILTIN_RULES[kind]


def rules_for(kind: str) -> KindRules | None:
    """The rules of ``kind``: a built-in's, else those a caller registered, else None."""
    return BUILTIN_RULES.get(kind) or registered_rules(kind)


def _reader(rule: Rule) -> Callable[..., Any]:
    if callable(rule.reader):
        return rule.reader
    try:
        return READERS[rule.reader]
    except KeyError:
        raise ConfigError(
            f"rule {rule.id!r} names no reader {rule.reader!r}: give a function, or one of {sorted(READERS)}"
        ) from None


def check_rules(rules: KindRules) -> None:
    """Raise ``ConfigError`` when a rule of ``rules`` names a reader that does not exist (before any
    article is read)."""
    for rule in rules.all_rules():
        _reader(rule)


def finder_of(rules: KindRules) -> Finder:
    """The kind's finding rule as a candidate finder: ``(text, sentence) -> candidates``."""
    find = _reader(rules.find)

    def finder(text: str, sentence: Span) -> list[Candidate]:
        found: list[Candidate] = find(text, sentence, rules.find, rules.kind)
        return found

    return finder


def read_fields(rules: KindRules, view: SentenceView, skip: str | None = None) -> Reading:
    """The kind's field rules applied in order to ``view`` (``skip``: a rule id left out)."""
    reading = rules.reading()
    for rule in rules.fields:
        if rule.id != skip:
            _reader(rule)(view, reading, rule)
    return reading


def read_options(rules: KindRules, view: SentenceView, reading: Reading) -> Options | None:
    """The kind's options rule applied to ``view``; one plausible option fixes its field."""
    found: Options | None = _reader(rules.options)(view, reading, rules.options)
    if found is None:
        return None
    for name in list(found.choices):
        real = [o for o in found.choices[name] if o != NONE]
        if len(real) == 1:
            found.fixed[name] = real[0]
            del found.choices[name]
    return found


def read_candidate(
    template: PromptTemplate, ctx: ArticleContext, cand: Candidate, anchors: list[Span], rules: KindRules
) -> Question | None:
    """Everything about one candidate that needs no model: the reading, the options, the messages.
    None when the rules already show that the candidate cannot give an event (no person who looks like
    a person, no company, a sale without an issuer ...). Reads the sentence and its neighbours; what
    concerns the whole article comes from ``ctx``, so the cost does not grow with the article."""
    view = ctx.view(cand, anchors)
    reading = read_fields(rules, view)
    found = read_options(rules, view, reading)
    if found is None:
        return None
    choices = found.choices
    uses_context = any(o in view.before_names and o not in view.sentence for v in choices.values() for o in v)
    options = "\n".join(f"{k} options: " + ", ".join(f'"{o}"' for o in v) for k, v in choices.items())
    system, user = template.render(
        task=rules.task,
        context=view.before if uses_context else "(not needed)",
        sentence=view.sentence,
        focus=found.focus_line,
        options=options,
    )
    messages: Messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    model = choice_model(cand.kind, choices, rules.flag)
    return Question(cand, messages, model, choices, reading, view.before_span, rules, found.fixed)


def link_questions(text: str, sentences: list[Span], qs: list[Question], kinds: Sequence[KindRules]) -> None:
    """Each kind's rules across sentences, kind by kind, in order."""
    for rules in kinds:
        for rule in rules.links:
            _reader(rule)(text, sentences, qs, rule)


def read_sentence(
    kind: str,
    sentence: str,
    names: list[Span],
    *,
    focus: Span | None = None,
    anchor: Span | None = None,
    anchors: list[Span] | None = None,
) -> Reading:
    """The fields a built-in kind's rules read from ``sentence`` alone, with ``names`` (offsets within
    it), the part in ``focus`` (default: all of it), the value ``anchor`` (a stock move's) and the values
    of the sentence's other moves (``anchors``)."""
    whole = Span(0, len(sentence))
    ctx = ArticleContext.of(sentence, [whole])
    cand = Candidate(kind, whole, focus or whole, anchor)
    view = ctx.view(cand, anchors if anchors is not None else [anchor] if anchor else [])
    return read_fields(builtin_rules(kind), dataclasses.replace(view, names=names))
