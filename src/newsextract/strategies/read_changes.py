"""How the embedded path reads an executive change from its clause: the readers the rules of
``kinds/executive_change.py`` name. Pure; every offset is within the sentence.

A reader takes the candidate's :class:`~newsextract.text.article.SentenceView`, the reading so far and
its :class:`~newsextract.kinds.rules.Rule` (whose ``params`` hold the patterns it reads with) and fills
fields of the :class:`~newsextract.kinds.executive_change.ChangeReading`.
"""

from __future__ import annotations

import re

from newsextract.kinds.executive_change import ChangeReading
from newsextract.kinds.rules import Rule
from newsextract.lexicon.changes import DEPART_CUES
from newsextract.strategies.read_dates import DAY, event_date
from newsextract.strategies.sentence_options import (
    REFERS_BACK,
    appointer,
    company_by_rule,
    current_roles,
    person_options,
    prefer_orgs,
)
from newsextract.strategies.sentence_questions import NONE, Options, Question, distinct_options
from newsextract.text.article import SentenceView
from newsextract.text.candidates import CHANGE_WORDS, INDEX_WORDS, PASSIVE_SUCCESSION, name_spans
from newsextract.text.names import attributions
from newsextract.text.spans import Span

__all__ = [
    "attach_predecessors",
    "change_effective_date",
    "change_immediate_day",
    "change_kind",
    "change_parties",
    "change_predecessor",
    "change_role",
    "change_succession",
]

_DEPART = re.compile(r"\b(?:" + DEPART_CUES + r")\b", re.I)


def _clean_role(role: str) -> str:
    return re.sub(r"^new\s+", "", role, flags=re.I)


def change_predecessor(v: SentenceView, reading: ChangeReading, rule: Rule) -> None:
    """``predecessor``: the name after "replacing"/"succeeds"/"in place of" in the clause. Its relative
    clause ("replacing Len Fox, who retired") is the predecessor's, not the event's: later rules read
    the clause without it."""
    s, focus = v.sentence, v.focus
    reading.clause = focus.slice(s)
    for n in v.names:
        if focus.start <= n.start < focus.end and re.search(
            rule.params["replacing"], s[max(0, n.start - 30) : n.start], re.I
        ):
            reading.predecessor = n.slice(s)
            rel = re.match(r",\s*who\b[^,.;]*", s[n.end : focus.end])
            if rel:
                reading.clause = reading.clause.replace(rel.group(), "")
            return


def change_kind(v: SentenceView, reading: ChangeReading, rule: Rule) -> None:
    """``change``: departed when the clause has a departure word, else appointed."""
    reading.change = "departed" if _DEPART.search(reading.clause) else "appointed"


def change_succession(v: SentenceView, reading: ChangeReading, rule: Rule) -> None:
    """A successor's clause ("Ann Lee will step down and be succeeded by Bo Chan", "... and that Bo Chan
    would succeed him"): an appointment to the role the person named before leaves, who is the
    predecessor."""
    s, focus = v.sentence, v.focus
    succession = PASSIVE_SUCCESSION.match(s, focus.start) or (
        reading.change == "appointed" and re.search(rule.params["succeed_pronoun"], reading.clause, re.I)
    )
    if not succession or focus.start == 0:
        return
    reading.change = "appointed"
    held = [n for n in v.names if n.end <= focus.start]
    if held:
        reading.predecessor = held[-1].slice(s)
    left = current_roles(s, Span(0, focus.start))
    if left:
        reading.role = _clean_role(left[-1].slice(s))
        reading.interim = bool(re.search(rule.params["interim"], reading.role, re.I))
        reading.settled = True


def change_role(v: SentenceView, reading: ChangeReading, rule: Rule) -> None:
    """``role`` and ``interim``: the role the change word governs: "as <role>" after it ("named CFO Ann
    Lee as interim CEO"), else the first after it ("joined X as a director"), else the first; for a
    departure, the role written before the verb ("Chief financial officer Ann Lee resigned")."""
    if reading.settled:
        return
    s, focus = v.sentence, v.focus
    roles = current_roles(s, focus) or current_roles(s, Span(0, len(s)))
    if not roles:
        return
    verb = CHANGE_WORDS.search(s, focus.start, focus.end)
    after = [r for r in roles if verb is not None and r.start >= verb.end() and r.start - verb.end() < 60]
    as_roles = [
        r for r in after if re.search(rule.params["as_before"], s[max(0, r.start - 30) : r.start], re.I)
    ]
    before = [r for r in roles if verb is not None and focus.start <= r.start and r.end <= verb.start()]
    if reading.change == "departed" and before and not as_roles:
        role = before[-1]
    else:
        role = as_roles[0] if as_roles else after[0] if after else roles[0]
    reading.role = _clean_role(role.slice(s))
    reading.interim = bool(re.search(rule.params["interim"], reading.role, re.I))


def change_effective_date(v: SentenceView, reading: ChangeReading, rule: Rule) -> None:
    """``effective_date``: a date "on/from/effective/since ..." in the clause; "effective immediately"
    is the one day the sentence names."""
    if reading.settled:
        return
    d = event_date(reading.clause, clip=False)
    if d and re.match(r"(?:on|from|effective|since)\b", d):
        reading.effective_date = d
    elif re.search(rule.params["immediate"], reading.clause, re.I):
        days = [m.group() for m in DAY.finditer(v.sentence)]
        if len(set(days)) == 1:
            reading.effective_date = days[0]


def change_immediate_day(v: SentenceView, reading: ChangeReading, rule: Rule) -> None:
    """``effective_date`` of "effective immediately" when only the sentence before names the day
    ("Gamma said Tuesday that ..." then "It named X as interim CEO, effective immediately")."""
    if reading.role is None or reading.effective_date is not None:
        return
    if re.search(rule.params["immediate"], v.focus.slice(v.sentence), re.I):
        days = {m.group() for m in DAY.finditer(v.before)}
        if len(days) == 1:
            reading.effective_date = days.pop()


def _people(v: SentenceView, reading: ChangeReading, org: str | None, sources: set[str]) -> list[str]:
    s, an = v.sentence, v.an
    people = [
        p
        for p in person_options(v, reading.predecessor)
        if p != org and p not in sources and an.looks_like_person(p)
    ]
    if re.search(r"\b(?:[Hh]e|[Ss]he)\b", v.focus.slice(s)):
        people += [p for p in v.before_names if an.looks_like_person(p) and p != reading.predecessor]
    return distinct_options(people, [], with_none=False)


def _companies(v: SentenceView, reading: ChangeReading, people: list[str], sources: set[str]) -> list[str]:
    """The company of the role when the wording does not fix it: the sentence's organisations (the
    article's company first), else the company of the sentence before ("The insurer said ..."), else
    the article's company ("The board named ...")."""
    s, an, subject = v.sentence, v.an, v.subject
    orgs = [n for n in v.name_texts() if n not in (*people, reading.predecessor) and n not in sources]
    orgs = prefer_orgs([o for o in orgs if not INDEX_WORDS.search(o)], an)
    if subject and any(o.split()[0] == subject.split()[0] for o in orgs):
        orgs = [o for o in orgs if o.split()[0] == subject.split()[0]]
    back = [c for c in v.before_names if c not in people and an.is_org(c) and not an.is_place(c)]
    if not orgs and back and REFERS_BACK.search(s):
        orgs = back
    if not orgs and subject:
        orgs = [subject]
    return orgs or back


def change_parties(v: SentenceView, reading: ChangeReading, rule: Rule) -> Options | None:
    """The person and the company of the role; None when there is no role being taken or left (only
    roles held elsewhere or before: "currently treasurer at X"), or nobody who can take or leave it."""
    if reading.role is None:
        return None
    s = v.sentence
    org = company_by_rule(v) or appointer(v)
    sources = {s[a:b] for a, b in attributions(s, [(n.start, n.end) for n in v.names])}
    people = _people(v, reading, org, sources)
    if not people:
        return None
    out = Options({"person": [*people, NONE]}, {})
    if org is not None:
        out.choices["company"] = [org]
    else:
        orgs = _companies(v, reading, people, sources)
        if not orgs:
            return None
        out.choices["company"] = distinct_options(orgs, [])
    if v.focus != Span(0, len(s)):
        out.focus_line = f"Part in focus: {v.focus.slice(s)}"
    return out


def attach_predecessors(text: str, sentences: list[Span], qs: list[Question], rule: Rule) -> None:
    """ "She replaces Len Fox, who is retiring." right after an appointment that names no predecessor
    gives it that predecessor (the subject must be a pronoun or part of the appointee's name); the
    quote then runs through this sentence."""
    changes = [q for q in qs if isinstance(q.reading, ChangeReading)]
    change_sentences = {q.candidate.sentence for q in changes}
    for i, sp in enumerate(sentences):
        if sp in change_sentences or i == 0:
            continue
        s = sp.slice(text)
        m = re.match(rule.params["succession"], s)
        if m is None:
            continue
        names = [n for n in name_spans(s, Span(0, len(s))) if n.start >= m.end()]
        if not names or names[0].start != m.end():
            continue
        window = {sentences[j] for j in range(max(0, i - 2), i)}
        near = [q for q in changes if q.candidate.sentence in window and _open_appointment(q)]
        if not near:
            continue
        q = max(near, key=lambda x: x.candidate.sentence.start)
        who = m.group("who")
        person = q.fixed.get("person") or ""
        if who.lower() not in ("he", "she") and not (person and set(who.split()) & set(person.split())):
            continue
        assert isinstance(q.reading, ChangeReading)
        q.reading.predecessor = names[0].slice(s)
        q.quote_end = max(q.quote_end or 0, sp.end)


def _open_appointment(q: Question) -> bool:
    r = q.reading
    return isinstance(r, ChangeReading) and r.change == "appointed" and r.predecessor is None
