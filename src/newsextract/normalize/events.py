"""Drafts (values as written) -> public events (typed values). Pure; never invents a value.

Rules:

* Names (seller, company, person, predecessor, market, ticker) and free text (role, period) are stripped of
  surrounding whitespace and quotes and of a trailing possessive ("Xpeng's" -> "Xpeng"), except for a
  few brand names that end in "'s" (McDonald's, Moody's ...). An optional value that is empty after that is
  None. A ticker written with its exchange ("NYSE: BABA", "(BABA)") keeps only the symbol, and the
  exchange fills ``market`` when the draft has none.
* Numbers: ``shares`` via :func:`~newsextract.normalize.numbers.parse_count`; ``value``,
  ``price_per_share``, ``price`` via :func:`~newsextract.normalize.money.parse_money` with ``context``
  (the sentences around the evidence) for currency; stakes and ``change_pct`` via
  :func:`~newsextract.normalize.numbers.parse_percent` (``change_pct`` is a magnitude). A value that does
  not parse becomes None.
* Dates via :func:`~newsextract.normalize.dates.resolve_date` against ``published``; a StockMove's date
  comes from its ``date`` or else from its ``period`` when that names a day.
* ShareSale status: :func:`~newsextract.normalize.modality.decide_status` of the draft's status, the
  evidence quote and ``context`` (the one status decision every strategy shares).
* StockMove direction: the draft's, unless the evidence quote has movement words that all agree
  (:func:`parse_direction`) and contradict it; then the text wins - the quote is what the event is
  grounded on, and small models confuse up/down far more often than articles are ambiguous.
* ExecutiveChange interim: the draft's flag, or True when the role itself says acting/interim, or, for an
  appointment, the quote says "acting"/"interim" right before the role (a departure's sentence often
  names the interim successor: "X resigned, and Y is serving as interim CFO").
"""

from __future__ import annotations

import datetime as dt
import re

from newsextract.core.drafts import AnyDraft, ExecutiveChangeDraft, ShareSaleDraft, StockMoveDraft
from newsextract.core.schemas import Evidence
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.stock_move import StockMove
from newsextract.normalize.dates import resolve_date
from newsextract.normalize.direction import parse_direction
from newsextract.normalize.modality import decide_status, is_interim
from newsextract.normalize.money import parse_money
from newsextract.normalize.numbers import parse_count, parse_percent

_QUOTES = " \t\r\n\"'“”‘’`«»„‚"
_POSSESSIVE_RE = re.compile(r"(?:['’]s|(?<=s)['’])$")
#: Names that end in "'s" as part of the name, kept as written (compared case-insensitively).
KEEP_POSSESSIVE: frozenset[str] = frozenset(
    {
        "mcdonald's", "moody's", "macy's", "kellogg's", "lowe's", "kohl's", "dillard's", "domino's",
        "wendy's", "sotheby's", "christie's", "sainsbury's", "denny's", "hershey's", "carter's", "casey's",
        "bj's", "dave & buster's", "chili's", "land's end", "levi's", "trader joe's", "ben & jerry's",
    }
)  # fmt: skip
_TICKER_RE = re.compile(r"^(?P<ex>[A-Za-z][A-Za-z ]*?)\s*:\s*(?P<sym>[A-Za-z0-9.\-]+)$")


def clean_text(value: str | None) -> str | None:
    """``value`` stripped of surrounding whitespace and quotes and of a trailing possessive "'s" (or
    "s'"), unless it is a known brand ending in "'s"; None when nothing is left. Never raises."""
    if value is None:
        return None
    s = " ".join(value.split()).strip(_QUOTES)
    # stripped of quotes, ``s`` can only end in a possessive "'s" (the common case, no possessive, skips
    # the regex and the brand lookup)
    if s.endswith(("'s", "’s")) and s.casefold().replace("’", "'") not in KEEP_POSSESSIVE:
        s = _POSSESSIVE_RE.sub("", s).strip(_QUOTES)
    return s or None


def clean_ticker(value: str | None) -> tuple[str | None, str | None]:
    """(symbol, exchange) from a ticker as written: "(BABA)" -> ("BABA", None),
    "NYSE: XPEV" -> ("XPEV", "NYSE"). Never raises."""
    s = clean_text(value)
    if s is None:
        return None, None
    s = s.strip("()[] ").strip()
    m = _TICKER_RE.match(s)
    if m:
        return m.group("sym"), m.group("ex").strip()
    return (s or None), None


def _opt(value: str | None) -> str | None:
    return clean_text(value)


def _req(value: str) -> str:
    return clean_text(value) or value.strip()


def _pct(value: str | None) -> float | None:
    if value is None:
        return None
    p = parse_percent(value)
    return abs(p) if p is not None else None


def _date(value: str | None, published: dt.date | None) -> dt.date | None:
    return resolve_date(value, published) if value else None


def _interim(draft: ExecutiveChangeDraft, role: str, quote: str) -> bool:
    if draft.interim or is_interim(role):
        return True
    if role and draft.change == "appointed":
        pat = r"\b(?:acting|interim)\s+(?:group\s+)?" + re.escape(role)
        return re.search(pat, quote, re.IGNORECASE) is not None
    return False


def draft_to_event(
    kind: str,
    draft: AnyDraft,
    evidence: Evidence,
    *,
    published: dt.date | None,
    context: str,
    clause: str | None = None,
) -> ShareSale | ExecutiveChange | StockMove:
    """The public event for ``draft`` (a draft of ``kind`` "ShareSale", "ExecutiveChange" or
    "StockMove"), with every string value parsed by the module rules. ``clause`` is the part of the
    evidence the model quoted (default: the whole evidence); interim and direction cues are read there,
    so that another event of the same sentence does not lend its cues. Raises ValueError when ``kind``
    and the draft's class disagree or ``kind`` is unknown; never otherwise."""
    quote = clause if clause is not None else evidence.quote
    if kind == "ShareSale" and isinstance(draft, ShareSaleDraft):
        status = decide_status(draft.status, evidence.quote, context)
        return ShareSale(
            evidence=evidence,
            seller=_req(draft.seller),
            company=_req(draft.company),
            shares=parse_count(draft.shares) if draft.shares else None,
            value=parse_money(draft.value, context=context) if draft.value else None,
            price_per_share=parse_money(draft.price_per_share, context=context)
            if draft.price_per_share
            else None,
            stake_before_pct=_pct(draft.stake_before),
            stake_after_pct=_pct(draft.stake_after),
            status=status,
            date=_date(draft.date, published),
        )
    if kind == "ExecutiveChange" and isinstance(draft, ExecutiveChangeDraft):
        role = _req(draft.role)
        return ExecutiveChange(
            evidence=evidence,
            company=_req(draft.company),
            person=_req(draft.person),
            role=role,
            change=draft.change,
            predecessor=_opt(draft.predecessor),
            interim=_interim(draft, role, quote),
            effective_date=_date(draft.effective_date, published),
        )
    if kind == "StockMove" and isinstance(draft, StockMoveDraft):
        ticker, exchange = clean_ticker(draft.ticker)
        market = _opt(draft.market) or exchange
        text_direction = parse_direction(quote)
        direction = text_direction if text_direction is not None else draft.direction
        period = _opt(draft.period)
        date = _date(draft.date, published) or _date(period, published)
        return StockMove(
            evidence=evidence,
            company=_req(draft.company),
            ticker=ticker,
            market=market,
            direction=direction,
            change_pct=_pct(draft.change_pct),
            price=parse_money(draft.price, context=context) if draft.price else None,
            period=period,
            date=date,
        )
    raise ValueError(f"draft of type {type(draft).__name__} does not match kind {kind!r}")
