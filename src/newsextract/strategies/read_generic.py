"""Readers any kind's rules may name: the built-in kinds' candidate finders, and generic readers for a
caller's own kind (a sentence with given words, values by a pattern, the first date, the organisations
of the sentence). Pure; every offset is within the sentence.
"""

from __future__ import annotations

import re

from newsextract.kinds.rules import Reading, Rule
from newsextract.strategies.read_dates import event_date
from newsextract.strategies.sentence_options import prefer_orgs
from newsextract.strategies.sentence_questions import Options, distinct_options
from newsextract.text.article import SentenceView
from newsextract.text.candidates import (
    INDEX_WORDS,
    Candidate,
    change_candidates,
    move_candidates,
    sale_candidates,
)
from newsextract.text.spans import Span

__all__ = [
    "executive_change_sentences",
    "first_date",
    "organisations",
    "pattern_fields",
    "sentences_with_words",
    "share_sale_sentences",
    "stock_move_values",
]


def stock_move_values(text: str, sentence: Span, rule: Rule, kind: str) -> list[Candidate]:
    """Built-in: one stock move per value that states a move (``text.candidates.move_candidates``)."""
    return move_candidates(text, sentence)


def share_sale_sentences(text: str, sentence: Span, rule: Rule, kind: str) -> list[Candidate]:
    """Built-in: a sentence in which someone sells shares (``text.candidates.sale_candidates``)."""
    return sale_candidates(text, sentence)


def executive_change_sentences(text: str, sentence: Span, rule: Rule, kind: str) -> list[Candidate]:
    """Built-in: each clause that changes a role (``text.candidates.change_candidates``)."""
    return change_candidates(text, sentence)


def sentences_with_words(text: str, sentence: Span, rule: Rule, kind: str) -> list[Candidate]:
    """Generic: the whole sentence is a candidate of ``kind`` when ``params["words"]`` (a regular
    expression, any case) occurs in it and ``params["not_words"]`` (if given) does not."""
    s = sentence.slice(text)
    if not re.search(rule.params["words"], s, re.I):
        return []
    if "not_words" in rule.params and re.search(rule.params["not_words"], s, re.I):
        return []
    return [Candidate(kind, sentence, sentence)]


def pattern_fields(v: SentenceView, reading: Reading, rule: Rule) -> None:
    """Generic: ``params["pattern"]`` (a regular expression, any case) searched in the part in focus;
    each named group that matched fills the field of its name, as written."""
    m = re.search(rule.params["pattern"], v.focus.slice(v.sentence), re.I)
    if m is None:
        return
    for name, value in m.groupdict().items():
        if value is not None:
            setattr(reading, name, value)


def first_date(v: SentenceView, reading: Reading, rule: Rule) -> None:
    """Generic: ``params["field"]`` is the first date written in the part in focus that is not the date
    of a report ("said on Monday")."""
    d = event_date(v.focus.slice(v.sentence))
    if d is not None:
        setattr(reading, rule.params["field"], d)


def organisations(v: SentenceView, reading: Reading, rule: Rule) -> Options | None:
    """Generic: the options of ``params["field"]`` (default ``company``) are the organisations the
    sentence names (no place, person, news outlet or index), else the article's company; None when
    there is neither."""
    an = v.an
    names = [n for n in v.name_texts() if n not in an.media and not INDEX_WORDS.search(n)]
    orgs = prefer_orgs(names, an) or ([v.subject] if v.subject else [])
    if not orgs:
        return None
    return Options({rule.params.get("field", "company"): distinct_options(orgs, [])}, {})
