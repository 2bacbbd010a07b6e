"""How text is folded before two spellings are compared: quote, dash and space variants, and case."""

from __future__ import annotations

import unicodedata

__all__ = [
    "DASHES",
    "DASH_CLASS",
    "DOUBLE_QUOTES",
    "MATCH_TABLE",
    "ODD_SPACES",
    "QUOTE_TABLE",
    "SINGLE_QUOTES",
    "fold",
    "fold_quotes",
]

SINGLE_QUOTES = "‘’‚‛′`´ʼ"
"""Apostrophes and single quotes other than ``'`` (curly, low, reversed, prime, grave, acute, modifier)."""

DOUBLE_QUOTES = "“”„‟″«»"
"""Double quotes other than ``"`` (curly, low, reversed, double prime, guillemets)."""

DASHES = "‐‑‒–—―−﹘﹣－"
"""Hyphens and dashes other than ``-`` (hyphen, non-breaking, figure, en, em, bar, minus, small and
full-width forms)."""

DASH_CLASS = "[\\-" + DASHES + "]"
"""A regular-expression class matching ``-`` or any of :data:`DASHES`."""

ODD_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
"""Spaces other than ``" "`` (no-break, figure, narrow, thin, hair, en, em ..., ideographic)."""

QUOTE_TABLE = str.maketrans({**dict.fromkeys(SINGLE_QUOTES, "'"), **dict.fromkeys(DOUBLE_QUOTES, '"')})
"""``str.translate`` table: every quote variant to its straight form."""

MATCH_TABLE = str.maketrans(
    {
        **dict.fromkeys(SINGLE_QUOTES, "'"),
        **dict.fromkeys(DOUBLE_QUOTES, '"'),
        **dict.fromkeys(DASHES, "-"),
        **dict.fromkeys(ODD_SPACES, " "),
    }
)
"""``str.translate`` table: quotes straightened, dashes to ``-``, odd spaces to ``" "``; one character
for one, so offsets into the result are offsets into the input."""


def fold_quotes(s: str) -> str:
    """``s`` with every quote variant straightened ("Ma’s" -> "Ma's")."""
    return s.translate(QUOTE_TABLE)


def fold(s: str) -> str:
    """``s`` in NFKC and case-folded: the form two spellings of a name are compared in."""
    return unicodedata.normalize("NFKC", s).casefold()
