"""How the embedded path reads a share sale from its sentence: the readers the rules of
``kinds/share_sale.py`` name. Pure; every offset is within the sentence.

A reader takes the candidate's :class:`~newsextract.text.article.SentenceView`, the reading so far and
its :class:`~newsextract.kinds.rules.Rule` (whose ``params`` hold the patterns it reads with) and fills
fields of the :class:`~newsextract.kinds.share_sale.SaleReading`.
"""

from __future__ import annotations

import itertools
import re

from newsextract.kinds.rules import Rule
from newsextract.kinds.share_sale import SaleReading
from newsextract.lexicon.sales import SELL_STEMS
from newsextract.normalize.modality import sale_status
from newsextract.normalize.money import find_money
from newsextract.normalize.numbers import find_counts, find_percents
from newsextract.strategies.read_dates import event_date
from newsextract.strategies.read_moves import EXCHANGES
from newsextract.strategies.sentence_options import (
    NEGATED_SALE,
    ORG_PRONOUN,
    PERSON_PRONOUN,
    appositive_name,
    issuer_by_rule,
    named_noun,
    prefer_orgs,
    reported_subject,
    same_entity,
    seller_by_rule,
)
from newsextract.strategies.sentence_questions import NONE, Options, Question, distinct_options
from newsextract.text.article import SentenceView
from newsextract.text.candidates import INDEX_WORDS
from newsextract.text.names import attributions
from newsextract.text.spans import Span

__all__ = [
    "attach_stakes",
    "sale_count",
    "sale_date",
    "sale_held_stake",
    "sale_money",
    "sale_parties",
    "sale_stakes",
    "sale_status_rule",
    "stakes",
]

_SELL = re.compile(r"\b(?:" + SELL_STEMS + ")", re.I)


def sale_status_rule(v: SentenceView, reading: SaleReading, rule: Rule) -> None:
    """``status``: from the sentence's modality cues (``normalize.modality``, the one status decision)."""
    reading.status = sale_status(v.sentence)


def sale_count(v: SentenceView, reading: SaleReading, rule: Rule) -> None:
    """``shares``: the first count of shares the sentence writes."""
    counts = find_counts(v.sentence)
    if counts:
        reading.shares = counts[0].text


def sale_money(v: SentenceView, reading: SaleReading, rule: Rule) -> None:
    """``price_per_share`` (money "per share", "apiece", "at ...") and ``value`` (money after "worth",
    "valued at", "for", "raising" ...): the first of each."""
    s = v.sentence
    for m in find_money(s):
        after = s[m.end : m.end + 14]
        before = s[max(0, m.start - 24) : m.start]
        if re.match(rule.params["per_share_after"], after) or re.search(
            rule.params["per_share_before"], before
        ):
            reading.price_per_share = reading.price_per_share or m.text
        elif re.search(rule.params["value_before"], before):
            reading.value = reading.value or m.text


def stakes(sentence: str) -> tuple[str, str] | None:
    """(stake before, stake after) as written: "from X to Y", "to Y from X", "owns Y% of Z, down from
    X%"; None when the sentence states no stake change."""
    pct = find_percents(sentence)
    for a, b in itertools.pairwise(pct):
        gap = sentence[a.end : b.start]
        if re.fullmatch(r"\s+to\s+", gap) and re.search(r"from\s+$", sentence[: a.start]):
            return a.text, b.text
        if re.fullmatch(r"\s+from\s+", gap) and re.search(r"\bto\s+$", sentence[: a.start]):
            return b.text, a.text
        if re.fullmatch(r"[^.;%]{0,60}?,?\s+down from\s+", gap) and re.search(
            r"\b(?:owns|holds|has)\s+(?:a\s+)?$", sentence[: a.start]
        ):
            return b.text, a.text
    return None


def sale_stakes(v: SentenceView, reading: SaleReading, rule: Rule) -> None:
    """``stake_before``/``stake_after``: a stake change the sentence states (:func:`stakes`)."""
    found = stakes(v.sentence)
    if found is not None:
        reading.stake_before, reading.stake_after = found


def sale_held_stake(v: SentenceView, reading: SaleReading, rule: Rule) -> None:
    """``stake_before`` of a sale not (yet) made: the whole stake held ("its 18% stake", "which holds
    7.9% of X")."""
    if reading.status != "completed" and reading.stake_before is None:
        held = re.search(rule.params["held_stake"], v.sentence, re.I)
        if held:
            reading.stake_before = held.group("pct") or held.group("pct2")


def sale_date(v: SentenceView, reading: SaleReading, rule: Rule) -> None:
    """``date``: the first date after the sale word that dates the sale (:func:`event_date`); none for
    a sale denied, rumoured or cancelled."""
    sale = _SELL.search(v.sentence)
    if sale and reading.status not in ("denied", "rumored", "cancelled"):
        reading.date = event_date(v.sentence, sale.end())


def _own_names(v: SentenceView) -> list[str]:
    """Names of the sentence that may sell or issue: no exchange, place, source, news outlet or index."""
    s, an = v.sentence, v.an
    sources = {s[a:b] for a, b in attributions(s, [(n.start, n.end) for n in v.names])}
    own = [
        n
        for n in v.name_texts()
        if not EXCHANGES.fullmatch(n)
        and not an.is_place(n)
        and n not in sources
        and n not in an.media
        and not INDEX_WORDS.search(n)
    ]
    return [c for c in own if not re.fullmatch(r"[A-Z]{2,5}", c)] or own


def _seller(v: SentenceView) -> tuple[str | None, str | None]:
    """(seller, pronoun): the seller the wording fixes, else the pronoun or noun standing for it."""
    seller, pronoun = seller_by_rule(v)
    if seller is None and pronoun is not None:
        seller = reported_subject(v, pronoun) or appositive_name(v, pronoun) or named_noun(v, pronoun)
    return seller, pronoun


def _issuers(v: SentenceView, pool: list[str], own: list[str], seller: str | None) -> list[str]:
    """Who may have issued the shares sold: a company of the sale's own sentence first, the article's
    company before a broker or peer, the article's company when the sentence names none."""
    an, subject = v.an, v.subject
    not_seller = [p for p in pool if not (seller and same_entity(p, seller))]
    issuers = prefer_orgs([p for p in not_seller if p in own], an) or [
        p for p in not_seller if an.is_org(p) and not an.is_place(p)
    ]
    if len(issuers) > 1 and subject:
        issuers = [i for i in issuers if i.split()[0] == subject.split()[0]] or issuers
    if not issuers and subject and not (seller and same_entity(subject, seller)):
        issuers = [subject]  # "sold 40,000 shares of the crane maker": the article's company
    return issuers


def sale_parties(v: SentenceView, reading: SaleReading, rule: Rule) -> Options | None:
    """The seller (the subject or holder of the sale) and the issuer; None when the sentence cannot
    give one ("he will not sell." names nothing sold)."""
    if reading.status != "denied" and NEGATED_SALE.search(v.sentence):
        return None
    an = v.an
    own = _own_names(v)
    seller, pronoun = _seller(v)
    pool = distinct_options(own, v.before_names if len(own) < 2 else [], with_none=False)
    pool = [p for p in pool if not an.is_place(p) and p not in an.media]
    out = Options({}, {})
    if seller is not None:
        out.fixed["seller"] = seller
    else:
        sellers = pool
        if pronoun and PERSON_PRONOUN.match(pronoun):
            sellers = [p for p in pool if an.looks_like_person(p)] or pool
        elif pronoun and ORG_PRONOUN.match(pronoun):
            sellers = [p for p in pool if an.is_org(p)] or pool
        out.choices["seller"] = [*sellers, NONE]
    issuer = issuer_by_rule(v, seller)
    if issuer is not None:
        out.fixed["company"] = issuer
    else:
        issuers = _issuers(v, pool, own, seller)
        if not issuers:
            return None
        if seller is not None and len(issuers) == 1:
            out.fixed["company"] = issuers[0]
        else:
            out.choices["company"] = [*issuers, NONE]
    if "seller" in out.choices and "company" in out.fixed:
        out.choices["seller"] = [o for o in out.choices["seller"] if not same_entity(o, out.fixed["company"])]
        if out.choices["seller"] == [NONE]:
            return None
    return out


def attach_stakes(text: str, sentences: list[Span], qs: list[Question], rule: Rule) -> None:
    """A sentence that states a stake change ("its stake dropping from 10.2 percent to 7.5 percent after
    the sale", "now owns 11.2% of X, down from 13%") or the sale's value ("The disposal was worth about
    $9 million") but is no sale of its own adds those values to the nearest sale question in the two
    sentences before it, when that sale does not state them; that sale's quote then runs through it."""
    sales = [q for q in qs if isinstance(q.reading, SaleReading)]
    sale_sentences = {q.candidate.sentence for q in sales}
    for i, sp in enumerate(sentences):
        if sp in sale_sentences:
            continue
        s = sp.slice(text)
        change = stakes(s) if re.search(rule.params["stake_change"], s, re.I) else None
        value = next(
            (
                m.text
                for m in find_money(s)
                if re.search(rule.params["value_before"], s[max(0, m.start - 90) : m.start], re.I)
            ),
            None,
        )
        if change is None and value is None:
            continue
        window = {sentences[j] for j in range(max(0, i - 2), i)}
        near = [q for q in sales if q.candidate.sentence in window]
        if not near:
            continue
        q = max(near, key=lambda x: x.candidate.sentence.start)
        reading = q.reading
        assert isinstance(reading, SaleReading)
        added = False
        if change is not None and reading.stake_after is None:
            reading.stake_before, reading.stake_after = change
            added = True
        if value is not None and reading.value is None:
            reading.value = value
            added = True
        if added:
            q.quote_end = max(q.quote_end or 0, sp.end)
