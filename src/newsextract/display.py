"""Showing results: flat records (one per event), pandas DataFrames and HTML for notebooks.

``records``/``to_pandas`` flatten events into one dict/row per event with the article ``id``; Money
becomes ``<field>_amount`` (float) / ``<field>_currency`` / ``<field>_qualifier``; the evidence becomes
``quote``, ``start``, ``end``. ``to_pandas`` always has the columns of ``COLUMNS`` (plus ``error`` with
``include_errors=True``) with the dtypes of ``DTYPES``, whatever the content: a result with only stock
moves, or none at all, has the same columns as a full one. pandas is optional: ``to_pandas`` raises an
``ImportError`` saying how to install it.

``extraction_html`` renders the article with every event's evidence highlighted, a colour legend and a
table of the events; ``page_html`` wraps any of these in a standalone page (``save_html``). Every piece
of text (article, values, quotes, ids, errors) is HTML-escaped, so an article containing ``<script>``
renders as inert text. Wherever the HTML sets a background it also sets the text colour, so it reads
the same in light and dark notebook themes; nothing is put in a scrolling box.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import os
import types
import typing
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from newsextract.core.schemas import Event, Money
from newsextract.errors import NewsextractError
from newsextract.kinds.builtin import EVENT_TYPES
from newsextract.kinds.executive_change import ExecutiveChange
from newsextract.kinds.share_sale import ShareSale
from newsextract.kinds.spec import kind_spec
from newsextract.kinds.stock_move import StockMove

if TYPE_CHECKING:
    import pandas

    from newsextract.extraction import Extraction

AnyEvent = Event
Outcome: TypeAlias = "Extraction | NewsextractError"

_SKIP = {"type", "evidence", "flags"}
#: highlight colour per event type, and for text that is evidence of more than one event
COLORS = {"ShareSale": "#ffe08a", "ExecutiveChange": "#b8e0ff", "StockMove": "#c6f0c2"}
OVERLAP_COLOR = "#e3ccff"
#: the text colour used on every coloured background (dark on light pastels, in any theme)
INK = "#111111"


# -- records ---------------------------------------------------------------------------------------
def _bare(annotation: Any) -> Any:
    """``annotation`` without ``None`` and role markers: ``Annotated[float, ...] | None`` is ``float``."""
    base = annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        base = next(a for a in typing.get_args(annotation) if a is not type(None))
    while typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    return base


def _is_money(annotation: Any) -> bool:
    return _bare(annotation) is Money


def _dtype(annotation: Any) -> str:
    """The pandas dtype of a field's column, from its annotation (``X | None`` is nullable X)."""
    base = _bare(annotation)
    if base is bool:
        return "boolean"
    if base is int:
        return "Int64"
    if base is float:
        return "Float64"
    if base is dt.date:
        return "datetime64[ns]"
    return "string"  # str and Literal choices


def _dtypes() -> dict[str, str]:
    out = {"id": "string", "type": "string"}
    for model in EVENT_TYPES.values():
        for name, info in model.model_fields.items():
            if name in _SKIP:
                continue
            if _is_money(info.annotation):
                out.setdefault(f"{name}_amount", "Float64")
                out.setdefault(f"{name}_currency", "string")
                out.setdefault(f"{name}_qualifier", "string")
            else:
                out.setdefault(name, _dtype(info.annotation))
    out.update({"quote": "string", "start": "Int64", "end": "Int64", "flags": "string"})
    return out


#: pandas dtype of every column of ``to_pandas`` (``error`` is added with ``include_errors=True``).
DTYPES: dict[str, str] = _dtypes()
#: Every column ``records`` may produce, in a stable order (``to_pandas`` and CSV use it).
COLUMNS: list[str] = [*DTYPES, "error"]


def event_record(event: AnyEvent, id: str | None = None) -> dict[str, Any]:
    """One event as a flat dict (see the module docstring for the column names)."""
    row: dict[str, Any] = {"id": id, "type": event.type}
    for name in type(event).model_fields:
        if name in _SKIP:
            continue
        value = getattr(event, name)
        if isinstance(value, Money):
            row[f"{name}_amount"] = float(value.amount)
            row[f"{name}_currency"] = value.currency
            row[f"{name}_qualifier"] = value.qualifier
        elif _is_money(type(event).model_fields[name].annotation):
            row[f"{name}_amount"] = row[f"{name}_currency"] = row[f"{name}_qualifier"] = None
        else:
            row[name] = value
    row["quote"] = event.evidence.quote
    row["start"] = event.evidence.start
    row["end"] = event.evidence.end
    row["flags"] = "; ".join(event.flags)
    return row


def records(
    results: Iterable[Outcome], *, ids: Sequence[str] | None = None, include_errors: bool = False
) -> list[dict[str, Any]]:
    """One flat dict per event over ``results`` (Extractions, or a batch's results and errors).

    ``ids`` (parallel to ``results``) names articles whose result has no ``id``. Failed articles have
    no events; with ``include_errors=True`` each gives one row with only ``id`` and ``error``
    ("ClassName: message").
    """
    rows: list[dict[str, Any]] = []
    for i, outcome in enumerate(results):
        given = ids[i] if ids is not None and i < len(ids) else None
        if not isinstance(outcome, NewsextractError):
            rid = outcome.id if outcome.id is not None else given
            rows.extend(event_record(e, rid) for e in outcome.events)
        elif include_errors:
            rows.append({"id": given, "error": f"{type(outcome).__name__}: {outcome}"})
    return rows


def to_pandas(
    results: Iterable[Outcome], *, ids: Sequence[str] | None = None, include_errors: bool = False
) -> pandas.DataFrame:
    """A DataFrame of ``records(results)``: always the columns of ``COLUMNS`` (``error`` only with
    ``include_errors=True``), in that order, with the dtypes of ``DTYPES`` (nullable ``Int64``,
    ``Float64``, ``boolean`` and ``string``; dates as ``datetime64[ns]``, missing as ``NaT``), whatever
    the content; then the columns of a caller's kinds (object dtype). Needs pandas:
    ``pip install 'newsextract[pandas]'``."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            "to_pandas() needs pandas, which is not installed: pip install 'newsextract[pandas]' "
            "(or pip install pandas); to_records() gives the same rows as plain dicts"
        ) from exc
    rows = records(results, ids=ids, include_errors=include_errors)
    dtypes = {**DTYPES, "error": "string"} if include_errors else DTYPES
    columns: dict[str, Any] = {}
    for name, dtype in dtypes.items():
        values = [row.get(name) for row in rows]
        if dtype == "datetime64[ns]":
            columns[name] = pd.to_datetime(pd.Series(values, dtype=object)).astype(dtype)
        else:
            columns[name] = pd.array(values, dtype=dtype)
    own = list(dict.fromkeys(c for r in rows for c in r if c not in dtypes and c != "error"))
    for name in own:  # a caller's kinds bring their own columns, in their schema order
        columns[name] = pd.Series([row.get(name) for row in rows], dtype=object)
    return pd.DataFrame(columns, columns=[*dtypes, *own])


# -- text summaries (shared with the CLI table) -----------------------------------------------------
def shorten(text: str, width: int = 80) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(width - 1, 1)].rstrip() + "…"


def format_value(value: Any) -> str:
    """A field value as a short human string: Money "about USD 871,000,000", counts "10,000,000"."""
    if isinstance(value, Money):
        amount = value.amount
        shown = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,}"
        text = f"{value.currency} {shown}"
        return f"{value.qualifier} {text}" if value.qualifier else text
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # counts grouped like money: shares=10,000,000 next to value=USD 871,000,000
    if isinstance(value, Decimal | float):
        return f"{value:g}"
    return str(value)


_KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "ShareSale": ("seller", "company"),
    "ExecutiveChange": ("person", "company"),
    "StockMove": ("company", "ticker"),
}


def _key_fields(event: AnyEvent) -> tuple[str, ...]:
    key = _KEY_FIELDS.get(event.type)
    return key if key is not None else kind_spec(type(event)).identity


def event_key(event: AnyEvent) -> str:
    """Who the event is about: "seller → company", "person @ company", "company (TICKER)"; for a
    caller's kind, its identity values joined by " · "."""
    if isinstance(event, ShareSale):
        return f"{event.seller} → {event.company}"
    if isinstance(event, ExecutiveChange):
        return f"{event.person} @ {event.company}"
    if isinstance(event, StockMove):
        return f"{event.company} ({event.ticker})" if event.ticker else event.company
    return " · ".join(format_value(getattr(event, n, None)) for n in _key_fields(event))


def event_values(event: AnyEvent) -> list[tuple[str, str]]:
    """The event's other set fields as (name, shown value), in schema order."""
    key = _key_fields(event)
    out: list[tuple[str, str]] = []
    for name in type(event).model_fields:
        if name in _SKIP or name in key:
            continue
        value = getattr(event, name)
        if value is None or (name == "interim" and value is False):
            continue
        out.append((name, format_value(value)))
    return out


# -- HTML ------------------------------------------------------------------------------------------
def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _valid_span(event: AnyEvent, text: str) -> bool:
    ev = event.evidence
    return 0 <= ev.start < ev.end <= len(text) and text[ev.start : ev.end] == ev.quote


def highlight_html(text: str, events: Sequence[AnyEvent]) -> str:
    """``text`` escaped, each event's evidence wrapped in ``<mark>`` and labelled ``[n]`` (1-based,
    in the order given). Overlapping evidence is shown once, in a mixed colour, titled with both."""
    numbered = [(n, e) for n, e in enumerate(events, start=1) if _valid_span(e, text)]
    cuts = sorted(
        {0, len(text), *(e.evidence.start for _, e in numbered), *(e.evidence.end for _, e in numbered)}
    )
    parts: list[str] = []
    for a, b in itertools.pairwise(cuts):
        active = [(n, e) for n, e in numbered if e.evidence.start <= a and b <= e.evidence.end]
        piece = _e(text[a:b])
        if active:
            color = COLORS.get(active[0][1].type, OVERLAP_COLOR) if len(active) == 1 else OVERLAP_COLOR
            title = _e("; ".join(f"[{n}] {e.type}" for n, e in active))
            piece = (
                f'<mark style="background:{color};color:{INK};padding:0 1px" title="{title}">{piece}</mark>'
            )
        parts.append(piece)
        for n, e in numbered:
            if e.evidence.end == b:
                parts.append(f'<sup style="color:inherit;opacity:0.75;font-size:70%">[{n}]</sup>')
    return "".join(parts)


def events_table_html(events: Sequence[AnyEvent], *, id: str | None = None) -> str:
    """A table: #, (article id,) type, who, values, evidence (shortened), flags."""
    head = ["#", *(["article"] if id is not None else []), "type", "who", "values", "evidence", "flags"]
    rows: list[str] = []
    for n, e in enumerate(events, start=1):
        cells = [
            str(n),
            *([id] if id is not None else []),
            e.type,
            event_key(e),
            ", ".join(f"{k}={v}" for k, v in event_values(e)),
            shorten(e.evidence.quote, 120),
            "; ".join(e.flags),
        ]
        color = COLORS.get(e.type, OVERLAP_COLOR)
        type_col = head.index("type")
        tds = "".join(
            f'<td style="text-align:left;vertical-align:top'
            f'{f";background:{color};color:{INK}" if i == type_col else ""}">{_e(c)}</td>'
            for i, c in enumerate(cells)
        )
        rows.append(f"<tr>{tds}</tr>")
    ths = "".join(f'<th style="text-align:left">{_e(h)}</th>' for h in head)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _meta_line(ex: Extraction) -> str:
    m = ex.meta
    bits = [
        f"{len(ex.events)} event(s)",
        f"model {m.model}",
        f"endpoint {m.endpoint}",
        "cached" if m.cached else f"{m.attempts} request(s)",
        f"{m.usage.total_tokens:,} tokens",
    ]
    whole = sum(d.field is None for d in m.dropped)
    if whole:
        bits.append(f"{whole} event(s) dropped")
    if len(m.dropped) > whole:
        bits.append(f"{len(m.dropped) - whole} field(s) removed")
    if m.chunk_failures:
        bits.append(f"{len(m.chunk_failures)} chunk(s) failed")
    return " · ".join(bits)


def _swatch(color: str, label: str, title: str) -> str:
    return (
        f'<span title="{_e(title)}" style="display:inline-block;margin-right:10px">'
        f'<span style="background:{color};color:{INK};padding:0 6px;border-radius:2px">{_e(label)}</span>'
        "</span>"
    )


def legend_html(types: Iterable[str] | None = None) -> str:
    """The colour legend: one swatch per event type (all three, or those in ``types``) and one for
    overlapping evidence, which is shown once in its own colour and titled with every event it
    belongs to (hover it)."""
    shown = [t for t in COLORS if types is None or t in set(types)]
    swatches = [_swatch(COLORS[t], t, f"evidence of a {t}") for t in shown]
    swatches.append(
        _swatch(
            OVERLAP_COLOR, "overlap", "text that is evidence of more than one event; hover it to see which"
        )
    )
    return (
        '<div class="newsextract-legend" style="margin:4px 0;font-size:12px">'
        f"{''.join(swatches)}"
        '<span style="opacity:0.75">hover a highlight for its event(s); [n] is the event\'s row below</span>'
        "</div>"
    )


def extraction_html(ex: Extraction, text: str | None = None) -> str:
    """The article (``text`` or ``ex.text``) with evidence highlighted, the legend, then the events
    table. The whole article is shown (no scrolling box can hide a highlight)."""
    text = text if text is not None else ex.text
    events = ex.events
    title = f"<b>{_e(ex.id)}</b> · " if ex.id is not None else ""
    parts = [
        '<div class="newsextract-extraction" style="font-family:sans-serif;font-size:13px">',
        f'<div style="margin-bottom:4px">{title}{_e(_meta_line(ex))}</div>',
    ]
    for warning in ex.meta.warnings:
        parts.append(
            f'<div style="background:#fff3cd;color:{INK};padding:1px 4px;margin:2px 0">⚠ {_e(warning)}</div>'
        )
    if text is not None:
        parts.append(legend_html())
        parts.append(
            '<div class="newsextract-article" style="white-space:pre-wrap;border:1px solid #8884;'
            'padding:6px;line-height:1.6;font-family:serif;font-size:14px">'
            f"{highlight_html(text, events)}</div>"
        )
    else:
        parts.append('<div style="opacity:0.75">(article text not available: evidence not highlighted)</div>')
    parts.append(events_table_html(events) if events else '<div style="opacity:0.75">No events found.</div>')
    parts.append("</div>")
    return "".join(parts)


def page_html(body: str, title: str = "newsextract") -> str:
    """A standalone HTML page around a fragment from this module, light or dark following the
    reader's system setting (the fragment's own colours read on both)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title>"
        '<meta name="color-scheme" content="light dark">'
        "<style>body{margin:16px;background:#fff;color:#111}"
        "@media (prefers-color-scheme: dark){body{background:#1e1e1e;color:#ddd}}"
        "table{border-collapse:collapse}td,th{border:1px solid #8884;padding:2px 6px}</style>"
        f"</head><body>{body}</body></html>\n"
    )


def save_html(html_fragment: str, path: str | os.PathLike[str], title: str = "newsextract") -> Path:
    """Write ``html_fragment`` as a standalone page (UTF-8) to ``path``; returns the path."""
    target = Path(path)
    target.write_text(page_html(html_fragment, title), encoding="utf-8")
    return target


def batch_html(
    results: Sequence[Outcome], ids: Sequence[str] | None = None, summary: str | None = None
) -> str:
    """A batch: the summary line, one row per article (status, events, error), then all events."""
    rows: list[str] = []
    all_rows: list[tuple[str | None, AnyEvent]] = []
    for i, outcome in enumerate(results):
        rid = (
            ids[i]
            if ids is not None
            else (outcome.id if not isinstance(outcome, NewsextractError) else str(i))
        )
        if not isinstance(outcome, NewsextractError):
            status, detail = (
                "ok" + (" (cached)" if outcome.meta.cached else ""),
                f"{len(outcome.events)} event(s)",
            )
            all_rows.extend((rid, e) for e in outcome.events)
        else:
            status, detail = "failed", f"{type(outcome).__name__}: {outcome}"
        rows.append(
            f"<tr><td>{_e(rid)}</td><td>{_e(status)}</td><td style='text-align:left'>{_e(detail)}</td></tr>"
        )
    parts = ['<div class="newsextract-batch" style="font-family:sans-serif;font-size:13px">']
    if summary:
        parts.append(f"<div>{_e(summary)}</div>")
    parts.append(
        "<table><thead><tr><th>article</th><th>status</th><th>detail</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    if all_rows:
        parts.append(_batch_events_html(all_rows))
    parts.append("</div>")
    return "".join(parts)


def _batch_events_html(rows: Sequence[tuple[str | None, AnyEvent]]) -> str:
    ths = "".join(
        f"<th style='text-align:left'>{h}</th>" for h in ("article", "type", "who", "values", "evidence")
    )
    body = []
    for rid, e in rows:
        cells = [
            rid or "",
            e.type,
            event_key(e),
            ", ".join(f"{k}={v}" for k, v in event_values(e)),
            shorten(e.evidence.quote, 100),
        ]
        body.append("<tr>" + "".join(f"<td style='text-align:left'>{_e(c)}</td>" for c in cells) + "</tr>")
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(body)}</tbody></table>"
