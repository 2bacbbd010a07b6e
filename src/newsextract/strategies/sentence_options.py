"""Who may fill each field of a candidate: the rules of the ``sentence_choices`` strategy that pick or
narrow the options for a person, seller, issuer or company from the names of the sentence. Pure.

Each function reads one candidate as a :class:`~newsextract.text.article.SentenceView`: its sentence
(offsets within it), its names, the sentences around it and how the article uses its names
(:class:`~newsextract.text.names.ArticleNames`); none reads the whole article, so asking per candidate
costs the sentence, not the article.
"""

from __future__ import annotations

import re

from newsextract.lexicon.changes import APPOINT_VERBS
from newsextract.lexicon.folding import fold_quotes
from newsextract.lexicon.sales import HOLDING_WORDS
from newsextract.text.article import SentenceView
from newsextract.text.candidates import (
    CHANGE_WORDS,
    last_move_word,
    mover_span,
    name_spans,
    role_spans,
    sale_agent,
)
from newsextract.text.names import ArticleNames
from newsextract.text.spans import Span

# a role someone held before, not the one that changes: "a former executive director at X", "previously
# deputy CFO at Y", "where she was chief operating officer"
_PAST_ROLE = re.compile(
    r"(?:\b(?:former|formerly|previously|currently|onetime|one-time|erstwhile|ex-)\s*(?:[\w-]+\s+){0,2}"
    r"|\bwhere\s+(?:he|she|they)\s+(?:was|were|had been|served as)\s+(?:(?:the|a|an)\s+)?"
    r"|\b(?:continu(?:e|es|ed|ing) to (?:serve|act|work) as|remain(?:s|ed|ing)?(?: on the board)? as|"
    r"stay(?:s|ed|ing)? on as)\s+(?:(?:the|a|an|its|his|her)\s+)?)$",
    re.I,
)


def current_roles(sentence: str, within: Span) -> list[Span]:
    """``role_spans`` without roles written as past ones ("a former executive director at X")."""
    return [
        r
        for r in role_spans(sentence, within)
        if not _PAST_ROLE.search(sentence[max(0, r.start - 40) : r.start])
    ]


_NOT_PERSON_AFTER = re.compile(
    r"^(?:['’]s\b|\s+(?:executive|official|candidate|director|board|shares|stock|announcement|"
    r"spokes\w+|said|says|announced|sources?|filing|group|unit|division)\b)",
    re.I,
)
_SUBJECT_SAID = re.compile(
    r"^\s+(?:(?:also|separately|further)\s+)?(?:said|says|announced|disclosed|confirmed)\b"
)


# a role just before a name makes it a person even when it speaks: "chief executive Ann Lee said she will
# retire" ("Gamma said" stays a company)
_ROLE_BEFORE = re.compile(
    r"\b(?:officer|executive|chief|chairman|chairwoman|chair|president|director|founder|CEO|CFO|COO|CTO)\s+$",
    re.I,
)


# an appositive describing the person before it: ", a former partner at London consultancy X,"
_ASIDE = re.compile(r",\s+(?:a|an|the|who|whose|formerly|previously|most recently)\b[^,;]{0,100},")


def person_options(v: SentenceView, predecessor: str | None) -> list[str]:
    """Names in the focus that can be the person: not the predecessor, not a name used as a modifier
    ("Alibaba executive", "Xpeng said", "Alibaba's"); the name nearest before the first change word first."""
    sentence, focus, names = v.sentence, v.focus, v.names
    asides = [Span(m.start(), m.end()) for m in _ASIDE.finditer(sentence)]
    cands = [
        n
        for n in names
        if focus.start <= n.start < focus.end
        and n.slice(sentence) != predecessor
        and not (
            _NOT_PERSON_AFTER.match(sentence[n.end : n.end + 14])
            and not (
                _ROLE_BEFORE.search(sentence[: n.start]) and _SUBJECT_SAID.match(sentence[n.end : n.end + 24])
            )
        )
        and not any(a.start < n.start and n.end <= a.end for a in asides)
    ]
    verb = CHANGE_WORDS.search(sentence, focus.start, focus.end)
    if verb is not None:
        before = [n for n in cands if n.end <= verb.start()]
        after = [n for n in cands if n.end > verb.start()]
        if _APPOINTER.match(verb.group()) and not _PASSIVE.search(sentence[: verb.start()]):
            # "<Company> appointed <Person> as ...": the object is the one appointed; "will hire 2,000
            # engineers" names nobody
            before = []
            after = [n for n in after if n.start - verb.end() < 40]
        cands = [*reversed(before), *after]
    return [n.slice(sentence) for n in cands]


def appointer(v: SentenceView) -> str | None:
    """The company that appoints: the nearest name before an active appointing verb that is not a
    person or place ("Gamma has appointed former Uber executive Jane Doe as CFO" -> "Gamma")."""
    sentence, focus, names, an = v.sentence, v.focus, v.names, v.an
    verb = CHANGE_WORDS.search(sentence, focus.start, focus.end)
    if verb is None or not _APPOINTER.match(verb.group()) or _PASSIVE.search(sentence[: verb.start()]):
        return None
    before = [n.slice(sentence) for n in names if focus.start <= n.start and n.end <= verb.start()]
    before = [b for b in before if an.looks_like_company(b) and not an.is_person_token(b)]
    return before[-1] if before else None


_APPOINTER = re.compile(r"(?:" + APPOINT_VERBS + r")\b", re.I)
_PASSIVE = re.compile(r"\b(?:is|was|were|are|been|be|being|get|got|gets)\s+(?:\w+ly\s+)?$", re.I)


def company_by_rule(v: SentenceView) -> str | None:
    """The role's company when the wording fixes it: "<role> of/at <Name>", "<Name>'s <role>",
    or "its <role>" after "<Name> said"."""
    sentence, focus, names = v.sentence, v.focus, v.names
    roles = current_roles(sentence, focus)
    for role in roles:
        for n in names:
            gap = sentence[role.end : n.start]
            if n.start >= role.end and re.fullmatch(r"\s+(?:of|at)\s+(?:the\s+)?", gap):
                return n.slice(sentence)
            lead = sentence[n.end : role.start]
            if n.end <= role.start and re.fullmatch(r"['’]s\s+(?:role of\s+|new\s+)?", lead):
                return n.slice(sentence)
        if re.search(r"\bits\s+(?:new\s+)?$", sentence[max(0, role.start - 10) : role.start]) or re.search(
            r"\bits\s+board\b", focus.slice(sentence)
        ):
            for n in names:
                if _SUBJECT_SAID.match(sentence[n.end : n.end + 24]):
                    return n.slice(sentence)
    return None


NEGATED_SALE = re.compile(
    r"\b(?:won['’]t|will not|would not|not going to|does not|doesn['’]t)\s+(?:\w+\s+){0,2}sell\b", re.I
)
_ISSUER_BEFORE = re.compile(
    r"\b(?:" + HOLDING_WORDS + r")\s+(?:of|in)\s+"
    r"(?:the\s+)?$",
    re.I,
)
_ISSUER_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:[\w-]+\s+){0,3}?|\s+)(?:shares|stock|ADSs?|ADRs?|GDRs?|depositary)\b", re.I
)
REFERS_BACK = re.compile(
    r"(?:^(?:The|the) (?-i:[a-z]+) (?:said|says|added|announced)\b|\b(?:it|the (?-i:[a-z]+)) "
    r"(?:said|says|added|announced)\.?\s*$)",
    re.I,
)
PERSON_PRONOUN = re.compile(r"^(?:he|she)$", re.I)
ORG_PRONOUN = re.compile(r"^(?:it|they|company|firm|group|fund|entity|unit|subsidiary)$", re.I)


def same_entity(a: str, b: str) -> bool:
    ta, tb = set(fold_quotes(a).split()), set(fold_quotes(b).split())
    return bool(ta and tb) and (ta <= tb or tb <= ta)


def prefer_orgs(options: list[str], an: ArticleNames) -> list[str]:
    """Company options: never places or persons; only the known organisations when there are any."""
    opts = [o for o in options if an.looks_like_company(o)]
    orgs = [o for o in opts if an.is_org(o)]
    return orgs or opts


def seller_by_rule(v: SentenceView) -> tuple[str | None, str | None]:
    """(seller, pronoun): the name that is the subject/holder of the sale ("Alibaba's Taobao China" as
    written when a possessive owner precedes it), else the pronoun standing for it ("he", "it")."""
    sentence, names, an = v.sentence, v.names, v.an
    agent = sale_agent(sentence)
    if agent is None:
        return None, None
    word = sentence[agent[0] : agent[1]]
    low = word.lower()
    if low in ("which", "who"):
        before = [n for n in names if n.end <= agent[0]]
        return (before[-1].slice(sentence), None) if before else (None, None)
    for n in names:
        if n.start <= agent[0] < n.end or (agent[0] <= n.start < agent[1]):
            seller = n
            for owner in names:
                if owner.end <= n.start and re.fullmatch(r"['’]s\s+", sentence[owner.end : n.start]):
                    seller = Span(owner.start, n.end)
            name = n.slice(sentence)
            if an.is_place(name) or name in an.media:
                return None, None
            return seller.slice(sentence), None
        if re.fullmatch(r"\s", sentence[n.end : agent[0]]) and word[:1].isupper():
            # a corporate word the name finder leaves out ("SoftBank Group")
            return sentence[n.start : agent[1]], None
    return None, low


_REPORTED = re.compile(
    r"^\.?(?:\s*\([^()]{0,60}\))?(?:,[^,]{1,80},)?\s+(?:(?:\w+ly|also|had|has|have|then|earlier)\s+)*"
    r"(?:said|says|den(?:y|ies|ied)|confirm(?:s|ed)?|announc(?:es|ed)|disclos(?:es|ed)|told\s+\w+|stated|"
    r"added|insist(?:s|ed)|reiterat(?:es|ed)|indicated)\b[^.;]{0,60}?(?:\bthat)?\s+$",
    re.I,
)


def reported_subject(v: SentenceView, pronoun: str) -> str | None:
    """The name a pronoun seller stands for in reported speech: "Gamma Holdings denied reports that it
    plans to sell ...", "Beta Capital, which holds 5% of Delta, had announced that it would sell ..."."""
    sentence, names, an = v.sentence, v.names, v.an
    agent = sale_agent(sentence)
    if agent is None or pronoun not in ("it", "he", "she", "they"):
        return None
    for n in names:
        if n.end > agent[0]:
            break
        if _REPORTED.match(sentence[n.end : agent[0]]):
            name = n.slice(sentence)
            person = an.looks_like_person(name) and not an.is_org(name)
            if (pronoun in ("he", "she")) == person and not an.is_place(name) and name not in an.media:
                return name
            return None
    return None


def named_noun(v: SentenceView, noun: str) -> str | None:
    """The name that a common-noun seller refers to by its last word ("the founder's family trust" ->
    "Gamma Family Trust"), searched in the sale's sentence, then the next, then the previous one."""
    if noun in _PRONOUN_WORDS:
        return None
    text, an = v.article.text, v.an
    for sp in (v.candidate.sentence, v.after_span, v.before_span):
        if sp is None:
            continue
        for n in name_spans(text, sp):
            name = n.slice(text)
            if " " in name and name.split()[-1].lower() == noun and not an.is_place(name):
                return name
    return None


_PRONOUN_WORDS = frozenset(["it", "he", "she", "they", "which", "who"])


def appositive_name(v: SentenceView, noun: str) -> str | None:
    """The name in the appositive after a common-noun seller: "its largest shareholder, the state fund
    Gamma Capital, plans to sell" -> "Gamma Capital"."""
    sentence, names, an = v.sentence, v.names, v.an
    if noun in _PRONOUN_WORDS:
        return None
    agent = sale_agent(sentence)
    if agent is None:
        return None
    m = re.match(r",([^,;]{1,80}),", sentence[agent[1] :])
    if m is None:
        return None
    lo, hi = agent[1] + m.start(1), agent[1] + m.end(1)
    inside = [n.slice(sentence) for n in names if lo <= n.start and n.end <= hi]
    inside = [n for n in inside if not an.is_place(n) and n not in an.media]
    return inside[-1] if inside else None


# words describing an issuer between "stake in" and its name: "Hong Kong-listed", "French renewable-power
# developer", "the Shanghai-listed"
_DESCRIPTOR = re.compile(
    r"\b(?:[a-z][\w-]*|(?:[A-Z][\w.]*\s+)*[A-Z][\w.]*-(?:listed|based|traded|owned|backed)|"
    r"[A-Z][a-z]+(?:ish|ese|an|ch|i))\s+$"
)


def _issuer_lead(lead: str) -> bool:
    """True when ``lead`` (the text before a name) ends in "shares/stake of/in", with up to four
    descriptor words between ("stake in Hong Kong-listed", "stake in French power developer")."""
    for _ in range(5):
        if _ISSUER_BEFORE.search(lead[-24:]):
            return True
        m = _DESCRIPTOR.search(lead)
        if m is None:
            return False
        lead = lead[: m.start()]
    return False


def issuer_by_rule(v: SentenceView, seller: str | None) -> str | None:
    """The issuer when the wording fixes it: "shares/stake in/of <Name>", "<Name>'s shares/ADSs",
    "<Name> shares"; never the seller, a place or a person."""
    sentence, names, an = v.sentence, v.names, v.an
    for n in names:
        name = n.slice(sentence)
        if (seller and same_entity(name, seller)) or not an.looks_like_company(name):
            continue
        if _issuer_lead(sentence[max(0, n.start - 80) : n.start]) or _ISSUER_AFTER.match(
            sentence[n.end : n.end + 40]
        ):
            return name
    return None


TICKER_SHAPE = re.compile(r"[A-Z]{1,5}(?:\.[A-Z]{1,2})?")
_UNNAMED_SUBJECT = re.compile(
    r"(?:,|\bbut|\band|;)\s+the\s+(?:stock|shares|share price|stock price)\s*"
    r"(?:(?:has|have|had|is|was|were|then|also|later)\s+)*$",
    re.I,
)


def unnamed_mover(v: SentenceView) -> bool:
    """True when the move's subject is "the stock" / "the shares" after a clause break ("..., but the stock
    fell 6.1%"), naming no company."""
    sentence, anchor = v.sentence, v.anchor
    assert anchor is not None
    mw = last_move_word(sentence, anchor.start)
    if mw is None:
        return False
    return bool(_UNNAMED_SUBJECT.search(sentence[max(0, mw.start() - 50) : mw.start()]))


def mover_names(v: SentenceView) -> list[str]:
    """Names in the subject of the anchor's move word ("Shares of Gamma jumped", "with Delta rising")."""
    sentence, anchor, anchors, names = v.sentence, v.anchor, v.anchors, v.names
    assert anchor is not None
    mw = last_move_word(sentence, anchor.start)
    if mw is None:
        return []
    lo = max([0, *(a.end for a in anchors if a.end <= anchor.start)])
    subj = mover_span(sentence, mw, lo)
    if re.search(r"[A-Z][\w.&'’-]*\s+and\s*$", sentence[: subj.start]):
        return []  # "Kappa and Sigma saw their stock fall": two names share the move
    return [n.slice(sentence) for n in names if subj.start <= n.start and n.end <= subj.end]
