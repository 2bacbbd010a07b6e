"""Cue words of a share sale's status (denied, cancelled, postponed, rumored, completed, planned), strongest
first. Regular expressions, matched without regard to case; ``normalize.modality`` decides with them."""

from __future__ import annotations

from newsextract.lexicon.sales import SELL_STEMS

__all__ = ["NEGATIONS", "STATUS_CUES"]

_SELL = r"(?:" + SELL_STEMS + r")"

NEGATIONS = (
    r"won['’]t|will\s+not|would\s+not|wouldn['’]t|does\s+not|doesn['’]t|did\s+not|didn['’]t|"
    r"is\s+not|isn['’]t|has\s+not|hasn['’]t|not"
)
"""Words that deny what follows ("will not sell", "doesn't plan to sell")."""

STATUS_CUES: tuple[tuple[str, str], ...] = (
    (
        "denied",
        r"\b(?:" + NEGATIONS + r")\s+(?:\w+\s+){0,2}?" + _SELL + r"\w*"
        r"|\bno\s+(?:plans?|intention|intent)\s+(?:to|of)\s+" + _SELL + r"\w*"
        r"|\bden(?:y|ies|ied|ying)\b|\bruled?\s+out\b|\brules\s+out\b",
    ),
    (
        "cancelled",
        r"\b(?:cancel(?:s|led|ed|ling|ing)?|cancell?ation|scrap(?:s|ped|ping)?|abandon(?:s|ed|ing)?|"
        r"call(?:s|ed|ing)?\s+off|called\s+off)\b"
        r"|\b(?:dropped|withdr[ae]w(?:n)?|terminated)\s+(?:\w+\s+){0,3}?(?:plans?|sale|offering|listing)\b",
    ),
    (
        "postponed",
        r"\b(?:postpon(?:e|es|ed|ing|ement)|delay(?:s|ed|ing)?|put(?:s|ting)?\s+off|shelv(?:e|es|ed|ing)|"
        r"defer(?:s|red|ring)?|pushed\s+back|on\s+hold|suspend(?:s|ed|ing)?)\b",
    ),
    (
        "rumored",
        r"\b(?:reportedly|reported\s+to|rumou?r(?:s|ed)?|(?:is|are|was|were)\s+said\s+to|"
        r"consider(?:s|ed|ing)?|weigh(?:s|ed|ing)?|mull(?:s|ed|ing)?|explor(?:e|es|ed|ing)|"
        r"people\s+familiar\s+with|said\s+by\s+(?:[\w-]+\s+){1,4}?to\s+be|sounding\s+out|speculat\w*)\b",
    ),
    (
        "completed",
        r"(?<!\bbe\s)\bsold\b|\bsells\b|\boffload(?:s|ed)\b|\bunload(?:s|ed)\b|\bdisposed\s+of\b|"
        r"\bdivest(?:s|ed)\b|\bcompleted\b|\bcashed\s+out\b|\bdumped\b|\bafter\s+the\s+(?:sale|disposal)\b|"
        r"\b(?:reduced|cut|trimmed|pared)\s+(?:its|his|her|their)\s+(?:\w+\s+)?(?:stake|holding|holdings)\b",
    ),
    (
        "planned",
        r"\b(?:plans?|planned|planning|intends?|intended|filed|fil(?:es|ing)|looking|seeks?|seeking|aims?|"
        r"aiming|expects?|set|going)\s+to\s+" + _SELL + r"\w*"
        r"|\b(?:will|would|to)\s+(?:be\s+)?(?:sell|sold|offload|dispose|divest)\w*"
        r"|\b(?:proposed|intended|planned|potential|upcoming)\s+(?:share\s+|stake\s+)?sale\b",
    ),
)
"""(status, cue pattern), in precedence order: when a text cues several statuses, the first wins
(denied > cancelled > postponed > rumored > completed > planned)."""
