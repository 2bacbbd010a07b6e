"""Who sells in a sentence: the subject of a sale verb or the holder of a sale noun ("Ma was looking to
sell", "Ma's planned sale", "the sale of 5% by Gamma"). Pure."""

from __future__ import annotations

import re

from newsextract.lexicon.sales import HOLDING_WORDS as HOLDING_WORDS_LIST
from newsextract.lexicon.sales import SALE_NOUNS, SELL_VERBS, STAKE_CUT_VERBS
from newsextract.text.event_words import any_case
from newsextract.text.name_spans import NOT_NAMES

__all__ = [
    "sale_agent",
]


_SALE_VERB = any_case(
    r"\b(?:(?!sell(?:s|ing)?[- ]?off)(?:dispos(?:e|es|ed|ing) of|" + SELL_VERBS + ")|"
    r"(?:" + STAKE_CUT_VERBS + r") (?:its|his|her|their|the) (?:stake|holdings?|position)|"
    r"plac(?:e|es|ed|ing)(?=\s(?:[^.;]|(?<=\d)\.(?=\d)){0,60}\bin (?:an? |the )?(?:[\w-]+ ){0,2}"
    r"block (?:trade|sale|deal)))\b"
)
# Words that may stand between a seller and its sale verb: auxiliaries, modals, adverbs, plan and
# status verbs ("has postponed plans to", "was looking to", "will not", "has filed to").
_AGENT_GAP = re.compile(
    r"(?:\s+(?:has|have|had|is|was|were|are|be|been|will|would|could|can|may|might|shall|should|did|does|"
    r"do|also|then|now|recently|reportedly|previously|already|still|not|never|just|further|again|"
    r"partially|partly|gradually|won['’]t|wouldn['’]t|doesn['’]t|didn['’]t|isn['’]t|plans?|planned|"
    r"planning|intends?|intended|intending|looking|looks?|seeks?|seeking|sought|filed|files|aims?|aimed|"
    r"expects?|expected|wants?|wanted|agreed|agrees|decided|decides|moved|moves|postponed|postpones|"
    r"delayed|delays|shelved|cancell?ed|scrapped|abandoned|suspended|halted|going|set|poised|ready|"
    r"preparing|prepares|prepared|considering|weighing|mulling|exploring|announced|confirmed|denied|"
    r"completed|launched|began|begun|started|finalised|finalized|priced|weighs|considers|explores|"
    r"withdrawn|withdrew|withdraws|reported|proposed|dropped|called off|"
    r"able|about|to|and|or|the|its|his|her|their|of|a|an"
    r"|filed\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:notice|filing|application)\s+of\s+"
    r"(?:its|his|her|their)\s+(?:intent(?:ion)?|plans?)))*\s*$",
    re.IGNORECASE,
)
_SUBJECT_END = re.compile(
    r"(?:(?<![\w’'])(?-i:[A-Z0-9][\w&.\-]*)|\b(?:he|she|it|they|which|who|company|firm|group|fund|"
    r"investor|shareholder|billionaire|founder|entity|unit|subsidiary|trust|holder|owner|insider|parent|"
    r"backer|vehicle|estate|partnership|family|conglomerate))"
    r"(?:\s*\([^()]{0,60}\))?(?:,[^,]{1,60},)?$",
    re.IGNORECASE,
)
_NOUN_SALE = any_case(
    r"(?P<holder>(?-i:[A-Z][\w&.\-]*))['’]s? (?:[\w-]+ ){0,2}?"
    r"(?:sale|disposal|divestment|stake (?:cut|sale|reduction))\b"
    r"|\b(?:sale|disposal|divestment)s? of [^.;]{0,80}? by (?:the )?(?P<by>(?-i:[A-Z][\w&.\-]*))"
)
# What a sale verb sells: "it"/"them", or shares/stake/ADSs within its clause ("10 million shares",
# "millions of dollars worth of Alibaba shares", "part of his stake").
_SALE_OBJECT = re.compile(
    r"\s+(?:it|them)\b|(?:[^.;:,]|(?<=\d)[.,](?=\d)){0,70}?\b(?:" + HOLDING_WORDS_LIST + r")\b",
    re.IGNORECASE,
)
_NOUN_OF_SALE = any_case(
    r"\b(?:the|a|an|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:" + SALE_NOUNS + r")\s+of\b"
)
_GAP_VERB = any_case(
    r"\b(?:plans?|planned|planning|intends?|looking|seeks?|seeking|filed|agreed|decided|postponed|delayed|"
    r"shelved|cancell?ed|scrapped|abandoned|suspended|halted|preparing|considering|weighing|weighs|considers|"
    r"mulling|exploring|explores|announced|confirmed|denied|completed|launched|began|begun|started|"
    r"finalised|finalized|priced|withdr[ae]w|withdrawn|withdraws|called off|dropped)\b"
)
_PRONOUN_SUBJECTS = frozenset(["he", "she", "it", "they", "which", "who"])


def sale_agent(sentence: str) -> tuple[int, int] | None:
    """Offsets (within ``sentence``) of the word that makes someone the seller: the subject of a sale
    verb ("Ma was looking to sell", "Taobao China plans to sell", "he will not sell", "X (NYSE: X) has
    filed to sell"), or the holder of a sale noun ("Ma's planned sale", "the sale of 5% by Gamma").
    None when the sentence sells nothing on someone's behalf ("the share sale would go ahead", "the
    stake cut plan caused ...")."""
    for m in _SALE_VERB.finditer(sentence):
        if not m.group().lower().endswith(
            ("stake", "holding", "holdings", "position")
        ) and not _SALE_OBJECT.match(sentence, m.end()):
            continue  # "sold more cars, sending its shares up": the verb does not govern shares
        head = sentence[: m.start()]
        gap = _AGENT_GAP.search(head)
        head = head[: gap.start()] if gap else head
        subj = _SUBJECT_END.search(head)
        if subj is not None:
            word = re.match(r"[\w&.\-]+", subj.group())
            assert word is not None
            if word.group().lower() in NOT_NAMES and word.group().lower() not in _PRONOUN_SUBJECTS:
                continue
            return subj.start(), subj.start() + word.end()
    for m in _NOUN_OF_SALE.finditer(sentence):
        if not _SALE_OBJECT.match(sentence, m.end()):
            continue
        head = sentence[: m.start()]
        gap = _AGENT_GAP.search(head)
        if gap is None or not _GAP_VERB.search(gap.group()):
            continue  # "the sale of shares" with no one weighing, cancelling or announcing it
        subj = _SUBJECT_END.search(head[: gap.start()])
        if subj is not None:
            word = re.match(r"[\w&.\-]+", subj.group())
            assert word is not None
            if word.group().lower() not in NOT_NAMES or word.group().lower() in _PRONOUN_SUBJECTS:
                return subj.start(), subj.start() + word.end()
    n = _NOUN_SALE.search(sentence)
    if n is not None:
        g = "holder" if n.group("holder") else "by"
        if n.group(g).lower() not in NOT_NAMES:
            return n.start(g), n.end(g)
    return None
