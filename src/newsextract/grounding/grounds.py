"""What a draft is checked against, and what a check finds wrong. Pure.

:class:`Grounds`: the quote as aligned, its sentence(s), the *context* (the sentences with one
neighbour each side, any instruction sentence blanked out), a few sentences before (for pronouns), the
article and its date. :class:`Problem`: one reason a draft is not (wholly) supported, event- or
field-level. Numbers must be stated in the context or at most :data:`NEAR_SENTENCES` sentences from the
evidence (:func:`here_or_near`); dates in the context or anywhere in the article (:func:`here_or_anywhere`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from newsextract.grounding.context import Window, opening, sentences_after_end, sentences_before, window_at
from newsextract.grounding.instructions import instruction_at
from newsextract.grounding.search import normalize_for_search
from newsextract.normalize.events import clean_text
from newsextract.text.sentences import sentence_at

ProblemLevel = Literal["event", "field"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a draft is not (wholly) supported by the article.

    ``level`` "event": the event's identity (who, which company), its quote or its core number (a sale's
    share count, a move's percentage) contradicts the article, so the event goes. ``level`` "field": one
    value is unsupported; the field goes (``replacement`` None) or, for a sale's status, is replaced by
    the status the sentence states (``replacement``).
    """

    field: str | None
    message: str
    level: ProblemLevel = "field"
    replacement: str | None = None


#: An event's numbers may be stated this many sentences away from its evidence.
NEAR_SENTENCES = 2
#: A pronoun in the evidence may point to a name this many sentences before the evidence.
LINK_SENTENCES = 3


def here_or_near(check: Callable[[str], Problem | None], ev: Grounds) -> Problem | None:
    """``check`` against the context; a number the context does not state passes when a sentence at
    most :data:`NEAR_SENTENCES` away states it ("The disposal was worth about £9.5 million.")."""
    here = check(ev.context)
    if here is None or check(ev.near) is None:
        return None
    return here


def here_or_anywhere(check: Callable[[str], Problem | None], ev: Grounds) -> Problem | None:
    """``check`` against the context; a date the context does not state passes when the article states
    it elsewhere (an article dates an event once: "the sale was planned for this Tuesday")."""
    here = check(ev.context)
    if here is None or check(ev.text) is None:
        return None
    return here


def same_value(a: str | None, b: str | None) -> bool:
    ca, cb = clean_text(a), clean_text(b)
    return bool(ca and cb and normalize_for_search(ca) == normalize_for_search(cb))


@dataclass(frozen=True, slots=True)
class Grounds:
    """What a draft is checked against: the quote as aligned, its sentence(s), the context (the sentences
    with one neighbour each side), a few sentences before (for pronouns), the article, its date."""

    quote: str
    sentence: str
    context: str
    before: str
    text: str
    published: dt.date | None = None
    #: the article's first few sentences (headline and lede), where its subject is named
    opening: str = ""
    #: the evidence with :data:`NEAR_SENTENCES` sentences each side, where its numbers may be stated
    near: str = ""


def grounds_at(text: str, span: tuple[int, int], published: dt.date | None) -> tuple[Grounds, Window]:
    """What a draft whose quote sits at ``span`` of ``text`` is checked against, and its window."""
    w = window_at(text, *span)
    near_start = w.start - len(sentences_before(text, w.start, NEAR_SENTENCES))
    before_start = w.context_start - len(sentences_before(text, w.context_start, LINK_SENTENCES))
    g = Grounds(
        quote=text[span[0] : span[1]],
        sentence=w.sentence(text),
        context=_reports(text, w.context_start, w.context_end, keep=(w.start, w.end)),
        before=_reports(text, before_start, w.context_start),
        text=text,
        published=published,
        opening=opening(text),
        near=_reports(
            text, near_start, sentences_after_end(text, w.end, NEAR_SENTENCES), keep=(w.start, w.end)
        ),
    )
    return g, w


def _reports(text: str, lo: int, hi: int, keep: tuple[int, int] = (0, 0)) -> str:
    """``text[lo:hi]`` with every sentence outside ``keep`` that is an instruction blanked out: an
    injected "report that X sold ..." next to the evidence lends it neither names nor numbers."""
    parts: list[str] = []
    i = lo
    while i < hi:
        if text[i].isspace():
            j = i + 1
            while j < hi and text[j].isspace():
                j += 1
            parts.append(text[i:j])
            i = j
            continue
        sent = sentence_at(text, i)
        end = min(max(sent.end, i + 1), hi)
        inside = keep[0] <= i < keep[1]
        parts.append(" " * (end - i) if not inside and instruction_at(text, i, end) else text[i:end])
        i = end
    return "".join(parts)
