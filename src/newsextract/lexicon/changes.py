"""Words of an executive change: appointing someone, leaving a role, succeeding someone. Each is a
regular-expression alternation of inflected forms (no word boundaries, no capturing groups), matched
without regard to case; the rules that use one add their own context ("named as", "succeeded by")."""

from __future__ import annotations

__all__ = ["APPOINT_VERBS", "DEPART_CUES", "DEPART_WORDS", "SUCCEED_WORDS"]

APPOINT_VERBS = (
    r"appoint(?:s|ed|ing)?|nam(?:e|es|ed|ing)|nominat(?:e|es|ed|ing)|elect(?:s|ed|ing)?|hir(?:e|es|ed|ing)|"
    r"promot(?:e|es|ed|ing)|tapp(?:ed|ing)"
)
"""Someone gives a person a role: appoint, name, nominate, elect, hire, promote, tap."""

DEPART_WORDS = (
    r"resign(?:s|ed|ing|ation)?|step(?:s|ped|ping)?\s+down|step(?:s|ped|ping)?\s+aside|"
    r"retir(?:e|es|ed|ing|ement)|depart(?:s|ed|ing|ure)?|leav(?:e|es|ing)|left|quit(?:s|ting)?|"
    r"oust(?:s|ed|ing)?|fired|sacked|dismiss(?:es|ed|ing)?"
)
"""A person leaves a role: resign, step down or aside, retire, depart, leave, quit, be ousted, fired,
sacked or dismissed."""

DEPART_CUES = DEPART_WORDS + r"|exit(?:s|ed|ing)?|removed"
""":data:`DEPART_WORDS`, and "exit", "removed": these tell a departure from an appointment once a sentence
is known to state a change, but find none ("a sudden CEO exit is never what investors want" is an
analyst's comment; "removed from the index" is no change)."""

SUCCEED_WORDS = r"replac(?:e|es|ed|ing)|succeed(?:s|ed|ing)?|tak(?:e|es|en|ing)\s+over|took\s+over"
"""A person takes another's role: replace, succeed, take over ("from")."""
