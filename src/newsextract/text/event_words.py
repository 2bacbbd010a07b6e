"""The word patterns that make a sentence a candidate: shares and stock, price moves, sales, holdings,
buybacks, roles and changes of role, and what moves that is not a company's stock (indexes, currencies,
commodities). Compiled from ``lexicon`` lists; matched without regard to case unless a pattern says so."""

from __future__ import annotations

import re

from newsextract.lexicon.changes import APPOINT_VERBS, DEPART_WORDS, SUCCEED_WORDS
from newsextract.lexicon.moves import DOWN_WORDS, FLAT_WORDS, LOSS_WORDS, UP_WORDS
from newsextract.lexicon.sales import HOLDING_WORDS as HOLDING_WORDS_LIST
from newsextract.lexicon.sales import SALE_NOUNS, SELL_VERBS, STAKE_CUT_VERBS

__all__ = [
    "BUYBACK_WORDS",
    "CHANGE_WORDS",
    "HOLDING_WORDS",
    "INDEX_WORDS",
    "MOVE_WORDS",
    "ROLE_WORDS",
    "SALE_WORDS",
    "STOCK_WORDS",
    "any_case",
]


def any_case(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled to match without regard to case."""
    return re.compile(pattern, re.IGNORECASE)


STOCK_WORDS = any_case(
    r"\b(?:shares?(?!\s+(?:the|a|an|their|its|his|her|our|this|these|those)\b)|stocks?|ADSs?|ADRs?|GDRs?|"
    r"share[- ]price|stock[- ]price|equity|"
    r"depositary (?:shares|receipts))\b"
)
MOVE_WORDS = any_case(
    r"\b(?:" + UP_WORDS + "|" + DOWN_WORDS + "|" + LOSS_WORDS + "|" + FLAT_WORDS + "|"
    r"edg(?:e|es|ed|ing) (?:up|down|higher|lower)|"
    r"(?:closed|ended|finished|traded|opened) (?:at|up|down|higher|lower|flat)|"
    r"add(?:s|ed|ing)?(?=\s+(?:about |nearly |almost |more than |over )?\d[\d.,]*\s*(?:%|percent|per cent))|"
    r"record (?:high|low)|all-time (?:high|low)|(?:\d+|one|two|three|five|ten)-(?:day|week|month|year) "
    r"(?:high|low)|multi-year (?:high|low)|flat|higher|lower|up(?!\s+to\b)|down)\b"
)
SALE_WORDS = any_case(
    r"\b(?:(?!sell(?:s|ing)?[- ]?off)(?:" + SELL_VERBS + "|" + SALE_NOUNS + ")|"
    r"(?:" + STAKE_CUT_VERBS + r") (?:its|his|her|their|the)? ?"
    r"(?:stake|holdings?|position)|stake (?:cut|sale|reduction)|reduction in [\w' ]{0,30}holdings?|"
    r"plac(?:e|es|ed|ing)\b(?:[^.;]|(?<=\d)\.(?=\d)){0,60}\bin (?:an? |the )?(?:[\w-]+ ){0,2}"
    r"block (?:trade|sale|deal))\b"
)
HOLDING_WORDS = any_case(r"\b(?:" + HOLDING_WORDS_LIST + r")\b")
BUYBACK_WORDS = any_case(r"\b(?:buy ?backs?|buy(?:ing)? back|repurchas\w*)\b")
ROLE_WORDS = any_case(
    r"\b(?:(?:group |acting |interim |deputy |executive |non-executive |independent |co-)?"
    r"(?:chief [a-z]+(?: [a-z]+)? officer|chief executive|"
    r"(?:finance|financial|technology|operating|investment|marketing|people|legal|risk) chief|"
    r"C[EFTOIM]O|chair(?:man|woman|person)?|(?:vice[- ])?president)|(?:managing |executive |"
    r"non-executive |(?:lead )?independent |outside )?director|(?:supervisory )?board member|"
    r"general counsel|treasurer|"
    r"(?:head|chief) of (?!the\b)(?-i:[a-z]+)|(?:general )?manager|secretary)\b"
)
CHANGE_WORDS = any_case(
    r"\b(?:appointment|nam(?:e|es|ed|ing) (?:as|to|him|her|new)?|named|(?!nam)(?:"
    + APPOINT_VERBS
    + ")|"
    + SUCCEED_WORDS
    + "|"
    + DEPART_WORDS
    + "|"
    r"fir(?:e|es|ed|ing)|sack(?:s|ed|ing)?|tak(?:e|es|en|ing) on the role|took on the role|"
    r"becom(?:e|es|ing)|became|join(?:s|ed|ing)?(?!\s+from\b)|will (?:head|lead|take)|"
    r"to head|to lead|serv(?:e|es|ed|ing) as)\b"
)


INDEX_WORDS = re.compile(
    r"\b(?:(?i:ind(?:ex|ices|exes)|composite|benchmark|gauge|averages?|blue[- ]chips?)|Nikkei|Dow Jones|"
    r"S&P|FTSE|DAX|CAC|STOXX|Stoxx|Hang Seng|KOSPI|Kospi|Sensex|SENSEX|Nifty|NIFTY|TOPIX|Topix|ASX|CSI|MSCI|"
    r"(?i:yuan|renminbi|dollar|euro|yen|sterling|pound|rupee|rupiah|ringgit|baht|peso|franc|lira|rand|"
    r"ruble|rouble|krona|krone|the won|currenc(?:y|ies)|"
    r"gold|silver|oil|crude|copper|commodit(?:y|ies)|bonds?|yields?|treasur(?:y|ies)|futures|bitcoin)|"
    r"RMB|Brent|WTI)\b"
)
"""What moves that is not a company's stock: indexes and benchmarks, currencies, commodities, bonds."""
