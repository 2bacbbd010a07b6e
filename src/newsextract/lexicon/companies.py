"""Words of company names. Lower case, without a final period."""

from __future__ import annotations

__all__ = ["LEGAL_FORMS", "NAME_CONNECTORS"]

LEGAL_FORMS: frozenset[str] = frozenset(
    {
        "ag", "bhd", "bv", "co", "company", "corp", "corporation", "cos", "gmbh", "group", "holding",
        "holdings", "inc", "incorporated", "kk", "limited", "llc", "llp", "lp", "ltd", "nv", "plc", "pte",
        "pty", "sa", "se", "spa",
    }
)  # fmt: skip
"""Legal forms and group words that follow a company's own name ("Alibaba Group Holding Ltd"): a name
compared without them is the same company."""

NAME_CONNECTORS: frozenset[str] = frozenset({"the", "of", "and", "&"})
"""Small words inside or before a company name ("The Bank of East Asia", "Johnson & Johnson")."""
