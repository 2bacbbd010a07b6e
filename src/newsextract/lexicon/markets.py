"""Markets: the names of each stock market (exchanges, their cities and countries) and the exchange
names a news sentence writes. Lower case in :data:`MARKETS`, as written in :data:`EXCHANGE_NAMES`."""

from __future__ import annotations

__all__ = ["EXCHANGE_NAMES", "MARKETS", "NOT_MARKET_EVIDENCE", "market_aliases", "market_codes"]

MARKETS: dict[str, frozenset[str]] = {
    "US": frozenset(
        {
            "new york", "nyse", "nasdaq", "nyse american", "new york stock exchange", "wall street",
            "us", "u.s.", "u s", "the us", "united states", "america", "american",
        }
    ),
    "HK": frozenset(
        {
            "hong kong", "hongkong", "hk", "hkex", "hkg", "hkse", "sehk", "hong kong stock exchange",
            "hong kong exchange",
        }
    ),
    "SH": frozenset({"shanghai", "sse", "shanghai stock exchange", "star market"}),
    "SZ": frozenset({"shenzhen", "szse", "shenzhen stock exchange", "chinext"}),
    "LON": frozenset({"london", "lse", "london stock exchange"}),
    "TYO": frozenset({"tokyo", "tse", "tokyo stock exchange"}),
}  # fmt: skip
"""Every name of one market, by a short code: the exchanges, their city and country. Two names in one
set denote the same market ("NYSE" ~ "New York" ~ "the US")."""

NOT_MARKET_EVIDENCE: frozenset[str] = frozenset({"america", "american", "hk"})
"""Names of :data:`MARKETS` that also occur in text that names no market ("Bank of America",
"American depositary shares", "HK$3.50"): they are a market as a value, never a sign in the text that
another name of their market is meant."""

EXCHANGE_NAMES: tuple[str, ...] = (
    "NYSE", "Nasdaq", "NASDAQ", "HKEX", "LSE", "SSE", "SZSE", "TSE", "ASX", "TSX", "Euronext", "Xetra",
    "KOSDAQ", "Kosdaq", "KOSPI", "Kospi", "AIM", "STAR Market", "ChiNext",
)  # fmt: skip
"""Exchanges as a sentence writes them ("fell 3% on Nasdaq"), case as written."""


def market_codes() -> dict[str, str]:
    """Each name of :data:`MARKETS` -> its market's code ("nyse" -> "US")."""
    return {name: code for code, names in MARKETS.items() for name in sorted(names)}


def market_aliases() -> dict[str, tuple[str, ...]]:
    """Each name of :data:`MARKETS` that names a market wherever it is written -> the other such names of
    its market, sorted (:data:`NOT_MARKET_EVIDENCE` is neither key nor alias)."""
    return {
        name: tuple(sorted(names - {name} - NOT_MARKET_EVIDENCE))
        for names in MARKETS.values()
        for name in sorted(names - NOT_MARKET_EVIDENCE)
    }
