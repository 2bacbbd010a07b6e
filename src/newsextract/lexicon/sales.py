"""Words of selling shares: sale verbs and nouns, stake cuts, what is held. Each is a regular-expression
alternation of inflected forms (no word boundaries, no capturing groups), matched without regard to
case; the rules that use one add their own context."""

from __future__ import annotations

__all__ = [
    "HOLDING_WORDS",
    "SALE_EVIDENCE_WORDS",
    "SALE_NOUNS",
    "SELL_STEMS",
    "SELL_VERBS",
    "STAKE_CUT_VERBS",
]

SELL_VERBS = (
    r"sell(?:s|ing)?|sold|offload(?:s|ed|ing)?|divest(?:s|ed|ing)?|dispos(?:e|es|ed|ing)|"
    r"unload(?:s|ed|ing)?|dump(?:s|ed|ing)?"
)
"""A holder sells: sell, offload, divest, dispose (of), unload, dump."""

SELL_STEMS = r"sell|sale|sold|offload|divest|dispos|unload"
"""The stems of :data:`SELL_VERBS` and the sale nouns, for a search that takes any ending."""

SALE_NOUNS = r"sales?|disposals?|divestments?|divestitures?"
"""A sale as a noun: "the sale of", "a disposal", "its divestment"."""

STAKE_CUT_VERBS = r"cut|cuts|cutting|trim(?:s|med|ming)?|reduc(?:e|es|ed|ing)|par(?:e|es|ed|ing)"
"""Verbs that sell part of a holding when their object is a stake ("cut its stake", "pared its holding")."""

HOLDING_WORDS = r"shares?|stakes?|ADSs?|ADRs?|GDRs?|holdings?|stock|equity|position|interest"
"""What a holder sells: shares, a stake, depositary shares or receipts, a holding, a position."""

SALE_EVIDENCE_WORDS = (
    r"sell\w*|sale\w*|sold|dispos\w*|offload\w*|unload\w*|divest\w*|trim\w*|pare[ds]?|paring|"
    r"cut(?:s|ting)?\s+(?:its|his|her|their)\s+(?:\w+\s+)?(?:stake|holding)|plac(?:ed|ing|ement)|block\s+trade|"
    r"bookbuild\w*|exit\w*|cash(?:ed|es|ing)?\s+out|dump\w*|reduc\w*|lock-?up|listing"
)
"""Words by which a passage speaks of selling shares at all (any inflection): broader than a sale
sentence's own words, since evidence may say "placement", "exit", "lock-up" or "listing"."""
