"""What the rules of the embedded path know about a whole article, worked out once. Pure.

An :class:`ArticleContext` holds the article's sentences and their neighbours, the names of each
sentence, how the article uses its names (:class:`~newsextract.text.names.ArticleNames`) and the
company it is about (:func:`subject_company`). Each is computed once per article, in time linear in
its length; the questions asked per candidate sentence look them up instead of re-reading the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsextract.text.candidates import (
    INDEX_WORDS,
    Candidate,
    is_caps_headline,
    is_caps_line,
    is_title_line,
    name_spans,
)
from newsextract.text.names import ArticleNames, classify_names
from newsextract.text.sentences import split_sentences
from newsextract.text.spans import Span
from newsextract.text.wordindex import WordIndex

__all__ = ["ArticleContext", "SentenceView", "article_names", "subject_company"]


def article_names(text: str, sentences: list[Span] | None = None) -> ArticleNames:
    """How ``text`` uses each of its names (person, organisation, place, news source)."""
    return ArticleContext.of(text, sentences).names


def subject_company(text: str, sentences: list[Span], an: ArticleNames) -> str | None:
    """The company the article is about: the organisation whose first word the article repeats most
    (ties: the first named), in its fullest written form ("Gamma Robotics Plc" for "Gamma")."""
    spans = [name_spans(text, sp) for sp in sentences]
    return _subject(text, sentences, spans, an, WordIndex(text))


def _subject(
    text: str, sentences: list[Span], spans: list[list[Span]], an: ArticleNames, index: WordIndex
) -> str | None:
    names: list[str] = []
    for sp, found in zip(sentences, spans, strict=True):
        if not is_title_line(sp.slice(text)):
            names.extend(n.slice(text) for n in found)
    orgs = [
        n
        for n in dict.fromkeys(names)
        if an.is_org(n) and not an.is_place(n) and n not in an.media and not INDEX_WORDS.search(n)
    ]
    best: tuple[int, int, str] | None = None
    for i, name in enumerate(orgs):
        key = name.split()[0]
        count = len(index.find(key, bounded_start=True, bounded_end=True))
        if best is None or (count, -i) > (best[0], best[1]):
            best = (count, -i, key)
    if best is None:
        return None
    forms = [o for o in orgs if o.split()[0] == best[2]]
    return max(forms, key=len)


@dataclass
class ArticleContext:
    """One article as the rules see it: sentences, their neighbours and names, how the article uses
    its names, and its subject company. Build with :meth:`of`."""

    text: str
    sentences: list[Span]
    names: ArticleNames
    subject: str | None
    _position: dict[Span, int] = field(default_factory=dict, repr=False)
    _local_names: dict[Span, list[Span]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, text: str, sentences: list[Span] | None = None) -> ArticleContext:
        """The context of ``text`` (pass ``sentences`` to reuse a split). Linear in the text's length."""
        spans = sentences if sentences is not None else split_sentences(text)
        found = [name_spans(text, sp) for sp in spans]
        index = WordIndex(text)
        an = classify_names(text, [n.slice(text) for names in found for n in names], index)
        ctx = cls(text, spans, an, _subject(text, spans, found, an, index))
        ctx._position = {sp: i for i, sp in enumerate(spans)}
        return ctx

    def previous(self, sentence: Span) -> Span | None:
        """The sentence before ``sentence``, if any."""
        i = self._position.get(sentence)
        return self.sentences[i - 1] if i else None

    def following(self, sentence: Span) -> Span | None:
        """The sentence after ``sentence``, if any."""
        i = self._position.get(sentence)
        return self.sentences[i + 1] if i is not None and i + 1 < len(self.sentences) else None

    def local_names(self, sentence: Span) -> list[Span]:
        """The names of ``sentence``, with offsets into the sentence's own text (found once per
        sentence, however many candidates it holds)."""
        hit = self._local_names.get(sentence)
        if hit is None:
            s = sentence.slice(self.text)
            hit = self._local_names[sentence] = name_spans(s, Span(0, len(s)))
        return hit

    def view(self, cand: Candidate, anchors: list[Span]) -> SentenceView:
        """The candidate ``cand`` as the rules read it; ``anchors`` are the values of every candidate of
        its sentence (offsets into the article). A headline before the sentence is no context for it."""
        text, an = self.text, self.names
        prev, nxt = self.previous(cand.sentence), self.following(cand.sentence)
        sent = cand.sentence.slice(text)
        base = cand.sentence.start
        before = prev.slice(text) if prev else ""
        if is_title_line(before) and not (is_caps_line(before) and not is_caps_headline(before)):
            prev, before = None, ""
        before_names = [n.slice(before) for n in self.local_names(prev)] if prev else []
        before_names = [c for c in before_names if c not in an.common and not INDEX_WORDS.search(c)]
        names = [n for n in self.local_names(cand.sentence) if n.slice(sent) not in an.common]
        return SentenceView(
            candidate=cand,
            article=self,
            sentence=sent,
            names=names,
            focus=Span(cand.focus.start - base, cand.focus.end - base),
            anchor=None if cand.anchor is None else Span(cand.anchor.start - base, cand.anchor.end - base),
            anchors=[Span(a.start - base, a.end - base) for a in anchors],
            before=before,
            before_span=prev,
            after_span=nxt,
            before_names=before_names,
        )


@dataclass(frozen=True)
class SentenceView:
    """One candidate as the rules read it: its sentence (every offset here is within it), the sentence's
    names (without the article's common words), the part in focus, the candidate's value (``anchor``)
    and those of the other candidates of the sentence, and the sentence before it (empty after a
    headline) with its names. What concerns the whole article is ``article``."""

    candidate: Candidate
    article: ArticleContext
    sentence: str
    names: list[Span]
    focus: Span
    anchor: Span | None
    anchors: list[Span]
    before: str
    before_span: Span | None
    after_span: Span | None
    before_names: list[str]

    @property
    def an(self) -> ArticleNames:
        """How the article uses its names."""
        return self.article.names

    @property
    def subject(self) -> str | None:
        """The company the article is about."""
        return self.article.subject

    def name_texts(self) -> list[str]:
        """The sentence's names as written."""
        return [n.slice(self.sentence) for n in self.names]
