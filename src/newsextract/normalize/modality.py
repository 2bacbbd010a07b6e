"""Modality of a share sale, kind of executive change, and interim roles, from cue words. Pure.

:func:`sale_status` looks for cue phrases of each status in the sentence and, when several statuses
are cued, picks by this precedence (strongest first):

    denied > cancelled > postponed > rumored > completed > planned

so "has postponed plans to sell" is postponed, "denied reports it plans to sell" is denied, and
"reportedly plans to sell" is rumored. No cue gives "unknown". :func:`decide_status` weighs a
model's (or the rules') status against these cues: it is the one status decision of every strategy.

* denied: won't/will not/would not/does not plan to sell, no plans/intention to sell, denied/denies,
  ruled out (a sale).
* cancelled: cancelled/canceled/cancels, scrapped, abandoned, called off, dropped/withdrew/withdrawn/
  terminated (up to three words, then) the plan/sale/offering.
* postponed: postponed, delayed, put off, shelved, deferred, pushed back, on hold, suspended.
* rumored: reportedly, reported to, rumo(u)r(s/ed), is/are/was said to, "was said by two traders to be",
  considering, weighing, mulling, exploring, sounding out, speculation, people familiar with the matter.
* completed: sold (not "to be sold"), has sold, sells, offloaded, unloaded, disposed of, divested,
  completed (the sale), cashed out, reduced/cut/trimmed its stake, "after the sale".
* planned: plans/planned/planning/intends/intended/filed/looking/seeks/aims/expects/set/going to sell,
  will/would sell, to sell, to be sold, will be sold, proposed/intended/planned sale.
"""

from __future__ import annotations

import re
from typing import cast

from newsextract.kinds.executive_change import ChangeKind
from newsextract.kinds.share_sale import SaleStatus
from newsextract.lexicon.changes import APPOINT_VERBS, DEPART_CUES, SUCCEED_WORDS
from newsextract.lexicon.status import STATUS_CUES

_STATUS_RES = tuple((cast(SaleStatus, status), re.compile(pat, re.IGNORECASE)) for status, pat in STATUS_CUES)
_STATUS_RE: dict[SaleStatus, re.Pattern[str]] = dict(_STATUS_RES)


def sale_status(text: str) -> SaleStatus:
    """The status a sentence gives a share sale, by cue words and the module's precedence;
    "unknown" when there is no cue. Never raises."""
    for status, rx in _STATUS_RES:
        if rx.search(text):
            return status
    return "unknown"


def sale_statuses(text: str) -> set[SaleStatus]:
    """Every status that some cue in ``text`` gives a share sale (empty when there is no cue)."""
    return {status for status, rx in _STATUS_RES if rx.search(text)}


def _strongest(statuses: set[SaleStatus]) -> SaleStatus:
    """The status of ``statuses`` that comes first in the module's precedence (what :func:`sale_status`
    gives a text whose cues are ``statuses``)."""
    return next(status for status, _ in _STATUS_RES if status in statuses)


_RANK: dict[SaleStatus, int] = {
    "denied": 6, "cancelled": 5, "postponed": 4, "rumored": 3, "completed": 2, "planned": 1, "unknown": 0,
}  # fmt: skip
#: Statuses that qualify a sale; a model that reads one where our cues see only a weaker status is believed.
_QUALIFYING: frozenset[SaleStatus] = frozenset({"denied", "cancelled", "postponed", "rumored"})


def decide_status(draft_status: SaleStatus, sentence: str, context: str) -> SaleStatus:
    """The one status decision, the same on every strategy: a sale's status as the article states it.

    ``sentence`` is the evidence, ``context`` the evidence with its neighbouring sentences. The draft's
    status stands when a cue in ``context`` gives it, when ``sentence`` has no cue of its own, or when it
    is a qualifying status (denied, cancelled, postponed, rumored) stronger than every cue of the
    sentence. Otherwise (a "completed" where the sentence says "was looking to sell") the sentence's own
    cue wins. A draft without a status takes the sentence's cue, else the context's. Never raises."""
    # each text is scanned once per cue: the draft's own cue alone first (the usual case ends there)
    if draft_status != "unknown" and _STATUS_RE[draft_status].search(context):
        return draft_status
    own = sale_statuses(sentence)
    if not own:
        return draft_status if draft_status != "unknown" else sale_status(context)
    if draft_status in _QUALIFYING and _RANK[draft_status] > max(_RANK[c] for c in own):
        return draft_status
    return _strongest(own)


_APPOINTED = (
    r"\b(?:appointment|nam(?:e|es|ed|ing)\b(?!\s+(?:of|after|change))|(?!nam)(?:"
    + APPOINT_VERBS
    + ")|"
    + SUCCEED_WORDS
    + r"|becom(?:e|es|ing)|became|tak(?:e|es|en|ing)\s+on\s+the\s+role|took\s+on\s+the\s+role|"
    r"join(?:s|ed)?\s+as|new\s+(?:chief|ceo|cfo|cto|coo|chair))\b"
)  # "replaced by"/"succeeded by" start a departure cue at the same place: the departure wins the tie
_DEPARTED = r"\b(?:" + DEPART_CUES + r"|succeeded\s+by|replaced\s+by)\b"
_APPOINTED_RE = re.compile(_APPOINTED, re.IGNORECASE)
_DEPARTED_RE = re.compile(_DEPARTED, re.IGNORECASE)


def appointment_change(text: str) -> ChangeKind | None:
    """ "appointed" or "departed" from cue words (appointed, named, become, succeed, replacing, take on the
    role ... vs resigned, stepped down, departed, retire, left, ousted, "replaced by"/"succeeded by").
    When both kinds are cued the earliest cue wins (the sentence's subject comes first); None when
    neither is. Never raises."""
    a = _APPOINTED_RE.search(text)
    d = _DEPARTED_RE.search(text)
    if a and d:
        # "succeeded by"/"replaced by" also contain an appointment verb at the same place
        return "appointed" if a.start() < d.start() else "departed"
    if a:
        return "appointed"
    if d:
        return "departed"
    return None


_INTERIM_RE = re.compile(
    r"\b(?:interim|temporary|temporarily|caretaker|pro\s+tem|"
    r"acting(?!\s+(?:on|as|in|for|upon|to|like|out|with|under|against|together|quickly|alone)\b))\b",
    re.IGNORECASE,
)


def is_interim(text: str) -> bool:
    """True when ``text`` calls a role acting, interim, temporary or caretaker ("acting president");
    "acting on"/"acting as" and similar verb uses do not count. Never raises."""
    return _INTERIM_RE.search(text) is not None
