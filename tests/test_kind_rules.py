"""Every embedded-path rule of every kind, tested from one table: each rule's examples (data beside the
rule, at the bottom of ``kinds/<kind>.py``) must give the reading the example states, and the rule must
fire on them (without the rule, some stated value is read otherwise)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from newsextract.kinds.rules import Example, KindRules, Rule
from newsextract.prompts import load_prompt
from newsextract.strategies.sentence_questions import Question
from newsextract.strategies.sentence_readers import (
    BUILTIN_RULES,
    finder_of,
    link_questions,
    read_candidate,
    read_fields,
    read_options,
)
from newsextract.text.article import ArticleContext
from newsextract.text.candidates import Candidate, find_candidates
from newsextract.text.sentences import split_sentences
from newsextract.text.spans import Span

TABLE = [
    pytest.param(rules, rule, example, id=f"{rule.id}[{i}]")
    for rules in BUILTIN_RULES.values()
    for rule in rules.all_rules()
    for i, example in enumerate(rule.examples)
]


def _part(c: Candidate, text: str) -> str:
    return (c.anchor or c.focus).slice(text)


def _article(example: Example) -> tuple[str, list[Span], Span]:
    """The example as an article: the sentence before it (if any), then it; and its own sentence."""
    text = f"{example.before} {example.sentence}" if example.before else example.sentence
    sentences = split_sentences(text)
    return text, sentences, sentences[-1]


def _view(rules: KindRules, example: Example) -> Any:
    """The example's candidate (the one holding ``example.part``, else the first; the whole sentence
    when the kind's finder finds none) as the rules read it."""
    text, sentences, own = _article(example)
    found = [c for c in find_candidates(text, sentences, [finder_of(rules)]) if c.sentence == own]
    picked = [c for c in found if example.part in _part(c, text)]
    cand = picked[0] if picked else Candidate(rules.kind, own, own)
    anchors = [c.anchor for c in found if c.anchor is not None]
    return ArticleContext.of(text, sentences).view(cand, anchors)


def _found(rules: KindRules, example: Example, skip: bool) -> Any:
    text = example.sentence
    cands = [] if skip else find_candidates(text, None, [finder_of(rules)])
    parts = [_part(c, text) for c in cands]
    return len(parts) if isinstance(example.reading["candidates"], int) else parts


def _fields(rules: KindRules, rule: Rule, example: Example, skip: bool) -> dict[str, Any]:
    reading = read_fields(rules, _view(rules, example), skip=rule.id if skip else None)
    return {name: getattr(reading, name) for name in example.reading}


def _options(rules: KindRules, example: Example, skip: bool) -> dict[str, Any]:
    view = _view(rules, example)
    if skip:
        return {"event": "skipped"}
    found = read_options(rules, view, read_fields(rules, view))
    if found is None:
        return {"event": False}
    got: dict[str, Any] = {**found.fixed, **found.choices}
    return {name: got.get(name) for name in example.reading}


def _linked(rules: KindRules, rule: Rule, example: Example, skip: bool) -> dict[str, Any]:
    text = f"{example.before} {example.sentence}"
    sentences = split_sentences(text)
    ctx = ArticleContext.of(text, sentences)
    template = load_prompt("sentence_choices", None)
    found = find_candidates(text, sentences, [finder_of(rules)])
    qs: list[Question] = [q for c in found if (q := read_candidate(template, ctx, c, [], rules)) is not None]
    assert qs, f"{rule.id}: no question from the sentence before the example"
    if not skip:
        link_questions(text, sentences, qs, [dataclasses.replace(rules, links=(rule,))])
    return {name: getattr(qs[0].reading, name) for name in example.reading}


def _read(rules: KindRules, rule: Rule, example: Example, *, skip: bool = False) -> Any:
    """What the kind's rules read from the example (``skip``: without ``rule``)."""
    if rule is rules.find:
        return {"candidates": _found(rules, example, skip)}
    if rule is rules.options:
        return _options(rules, example, skip)
    if rule in rules.links:
        return _linked(rules, rule, example, skip)
    return _fields(rules, rule, example, skip)


@pytest.mark.parametrize(("rules", "rule", "example"), TABLE)
def test_rule_reads_its_examples(rules: KindRules, rule: Rule, example: Example) -> None:
    assert _read(rules, rule, example) == dict(example.reading)


def _reads_something(example: Example) -> bool:
    """False for an example of what a rule must not read (every stated value empty): nothing to fire;
    ``test_rule_reads_its_examples`` checks it."""
    return not all(v in (None, False, 0, []) for v in example.reading.values())


#: The examples a rule must read something from.
POSITIVE = [p for p in TABLE if _reads_something(p.values[2])]  # type: ignore[arg-type]


@pytest.mark.parametrize(("rules", "rule", "example"), POSITIVE)
def test_rule_fires_on_its_examples(rules: KindRules, rule: Rule, example: Example) -> None:
    """An example that the other rules would read the same way motivates nothing: drop it or the rule."""
    assert _read(rules, rule, example, skip=True) != dict(example.reading)


def test_every_rule_has_an_id_a_reason_and_examples() -> None:
    ids = [rule.id for rules in BUILTIN_RULES.values() for rule in rules.all_rules()]
    assert len(ids) == len(set(ids))
    for rules in BUILTIN_RULES.values():
        for rule in rules.all_rules():
            assert rule.id.startswith(rules.kind_id() + "."), rule.id
            assert rule.why and rule.examples, rule.id
