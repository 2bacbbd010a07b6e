"""Showing results: flat records (one per event), pandas DataFrames and HTML for notebooks.

``records``/``to_pandas`` flatten events into one dict/row per event with the article ``id``; Money
becomes ``<field>_amount`` (float) / ``<field>_currency`` / ``<field>_qualifier``; the evidence becomes
``quote``, ``start``, ``end``. The columns and their dtypes come from each kind's fields in order, typed
by their roles (``kind_columns``). ``to_pandas`` always has the columns of the built-in kinds
(``COLUMNS``, plus ``error`` with ``include_errors=True``) with the dtypes of ``DTYPES``, whatever the
content: a result with only stock moves, or none at all, has the same columns as a full one; a caller's
kinds add theirs after them. pandas is optional: ``to_pandas`` raises an ``ImportError`` saying how to
install it.

"Who" an event is about (``event_key``) is its kind's identity (its names, when it has some); the other
set fields are its values (``event_values``); each kind has its colour (``color_of``).

``extraction_html`` renders the article with every event's evidence highlighted, a colour legend and a
table of the events; ``page_html`` wraps any of these in a standalone page (``save_html``). Every piece
of text (article, values, quotes, ids, errors) is HTML-escaped, so an article containing ``<script>``
renders as inert text. Wherever the HTML sets a background it also sets the text colour, so it reads
the same in light and dark notebook themes; nothing is put in a scrolling box.
"""

from __future__ import annotations

import html
import itertools
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from newsextract.core.schemas import Event, Meta, Money, StoredEvent
from newsextract.dedupe.plan import plan_of
from newsextract.errors import NewsextractError
from newsextract.kinds import BUILTIN_KINDS
from newsextract.kinds.spec import kind_spec

if TYPE_CHECKING:
    import pandas


class ExtractionLike(Protocol):
    """What display reads of a result (``newsextract.Extraction``): its id, events, meta and text.
    A protocol, so that ``display`` does not import the module whose notebook methods call it."""

    @property
    def id(self) -> str | None: ...

    @property
    def events(self) -> list[Event]: ...

    @property
    def meta(self) -> Meta: ...

    @property
    def text(self) -> str | None: ...


AnyEvent = Event
Outcome: TypeAlias = "ExtractionLike | NewsextractError"

_SKIP = {"type", "evidence", "flags"}
#: highlight colours, one per kind: the built-ins first, in their order, then a caller's kinds
PALETTE = ("#ffe08a", "#b8e0ff", "#c6f0c2", "#ffc9a8", "#f4b8d8", "#b8f0ec", "#e0e0a0", "#d0c8b8")
#: highlight colour per built-in kind (``color_of`` gives any kind's)
COLORS: dict[str, str] = {k.__name__: PALETTE[i] for i, k in enumerate(BUILTIN_KINDS)}
#: the colour of text that is evidence of more than one event
OVERLAP_COLOR = "#e3ccff"
#: the text colour used on every coloured background (dark on light pastels, in any theme)
INK = "#111111"


def color_of(type_name: str) -> str:
    """The highlight colour of a kind: a built-in's own (:data:`COLORS`), else one of the palette's
    others, the same for the same name in every run."""
    if type_name in COLORS:
        return COLORS[type_name]
    rest = PALETTE[len(COLORS) :]
    return rest[sum(type_name.encode("utf-8")) % len(rest)]


# -- records ---------------------------------------------------------------------------------------
#: pandas dtype of a column per field role (a ``Money`` field gives three columns, see ``_columns``)
_DTYPE_BY_ROLE = {"quantity": "Int64", "percent": "Float64", "date": "datetime64[ns]", "flag": "boolean"}


def kind_columns(kind: type[Event]) -> dict[str, str]:
    """The columns a kind's events fill, in field order, with their pandas dtypes (from each field's
    role: counts ``Int64``, percentages ``Float64``, dates ``datetime64[ns]``, flags ``boolean``, money
    ``<field>_amount`` ``Float64`` / ``_currency`` / ``_qualifier``, anything else ``string``)."""
    out: dict[str, str] = {}
    for f in kind_spec(kind).fields:
        if f.role == "money":
            out.update({f"{f.name}_amount": "Float64", f"{f.name}_currency": "string"})
            out[f"{f.name}_qualifier"] = "string"
        else:
            out[f.name] = _DTYPE_BY_ROLE.get(f.role, "string")
    return out


def _dtypes(kinds: Iterable[type[Event]]) -> dict[str, str]:
    """Every column of the events of ``kinds``: id and type, each kind's fields (a name two kinds share
    is one column; of two different dtypes, ``object``), then the evidence and flags."""
    out = {"id": "string", "type": "string"}
    for kind in kinds:
        for name, dtype in kind_columns(kind).items():
            out[name] = dtype if out.get(name, dtype) == dtype else "object"
    out.update({"quote": "string", "start": "Int64", "end": "Int64", "flags": "string"})
    return out


#: pandas dtype of every column of ``to_pandas`` for the built-in kinds (``error`` is added with
#: ``include_errors=True``; a caller's kinds add their own columns).
DTYPES: dict[str, str] = _dtypes(BUILTIN_KINDS)
#: Every column ``records`` may produce for the built-in kinds, in a stable order (``to_pandas`` and CSV
#: use it; a caller's kinds add their own columns).
COLUMNS: list[str] = [*DTYPES, "error"]


def _own_fields(event: AnyEvent) -> list[tuple[str, bool]]:
    """(name, is money) of each of the event's own fields, in order; of an event read back without its
    class, its stored fields."""
    if isinstance(event, StoredEvent):
        extra = event.model_extra or {}
        return [(n, isinstance(v, dict) and "amount" in v) for n, v in extra.items() if n not in _SKIP]
    return [(f.name, f.role == "money") for f in kind_spec(type(event)).fields]


def _money(value: Any) -> Money | None:
    return value if isinstance(value, Money) or value is None else Money.model_validate(value)


def event_record(event: AnyEvent, id: str | None = None) -> dict[str, Any]:
    """One event as a flat dict (see the module docstring for the column names)."""
    row: dict[str, Any] = {"id": id, "type": event.type}
    for name, is_money in _own_fields(event):
        value = getattr(event, name, None)
        if is_money:
            money = _money(value)
            row[f"{name}_amount"] = float(money.amount) if money else None
            row[f"{name}_currency"] = money.currency if money else None
            row[f"{name}_qualifier"] = money.qualifier if money else None
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


def _kinds_in(results: Sequence[Outcome]) -> list[type[Event]]:
    """The built-in kinds, then the caller's kinds of the events in ``results`` (first seen first)."""
    found = {type(e): None for r in results if not isinstance(r, NewsextractError) for e in r.events}
    return [*BUILTIN_KINDS, *(k for k in found if k not in BUILTIN_KINDS and not issubclass(k, StoredEvent))]


def to_pandas(
    results: Iterable[Outcome], *, ids: Sequence[str] | None = None, include_errors: bool = False
) -> pandas.DataFrame:
    """A DataFrame of ``records(results)``: always the columns of ``COLUMNS`` (``error`` only with
    ``include_errors=True``), in that order, with the dtypes of ``DTYPES`` (nullable ``Int64``,
    ``Float64``, ``boolean`` and ``string``; dates as ``datetime64[ns]``, missing as ``NaT``), whatever
    the content; then the columns of a caller's kinds, typed the same way by their roles (a column of
    events read back without their class is ``object``). Needs pandas:
    ``pip install 'newsextract[pandas]'``."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            "to_pandas() needs pandas, which is not installed: pip install 'newsextract[pandas]' "
            "(or pip install pandas); to_records() gives the same rows as plain dicts"
        ) from exc
    results = list(results)
    rows = records(results, ids=ids, include_errors=include_errors)
    dtypes = _dtypes(_kinds_in(results))
    ordered = [*DTYPES, *(c for c in dtypes if c not in DTYPES)]
    dtypes = {c: dtypes[c] for c in ordered}
    for name in dict.fromkeys(c for r in rows for c in r if c not in dtypes and c != "error"):
        dtypes[name] = "object"  # a stored event's field: no kind at hand to say its type
    if include_errors:
        dtypes["error"] = "string"
    columns: dict[str, Any] = {}
    for name, dtype in dtypes.items():
        values = [row.get(name) for row in rows]
        if dtype == "datetime64[ns]":
            columns[name] = pd.to_datetime(pd.Series(values, dtype=object)).astype(dtype)
        elif dtype == "object":
            columns[name] = pd.Series(values, dtype=object)
        else:
            columns[name] = pd.array(values, dtype=dtype)
    return pd.DataFrame(columns, columns=list(dtypes))


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


def _who_fields(event: AnyEvent) -> tuple[str, ...]:
    """The fields shown as "who": the identity's names, else the whole identity (an event read back
    without its class: none)."""
    if isinstance(event, StoredEvent):
        return ()
    plan = plan_of(type(event))
    return plan.fullest or plan.identity


def event_key(event: AnyEvent) -> str:
    """Who the event is about: the names among its kind's identity fields ("Jack Ma · Alibaba" for a
    share sale, "Jane Doe" for an executive change), else all its identity values, joined by " · "."""
    values = (getattr(event, n, None) for n in _who_fields(event))
    return " · ".join(format_value(v) for v in values if v is not None)


def event_values(event: AnyEvent) -> list[tuple[str, str]]:
    """The event's other set fields as (name, shown value), in schema order (a flag only when true)."""
    who = _who_fields(event)
    out: list[tuple[str, str]] = []
    for name, _ in _own_fields(event):
        value = getattr(event, name, None)
        if name in who or value is None or value is False:
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
            color = color_of(active[0][1].type) if len(active) == 1 else OVERLAP_COLOR
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
        color = color_of(e.type)
        type_col = head.index("type")
        tds = "".join(
            f'<td style="text-align:left;vertical-align:top'
            f'{f";background:{color};color:{INK}" if i == type_col else ""}">{_e(c)}</td>'
            for i, c in enumerate(cells)
        )
        rows.append(f"<tr>{tds}</tr>")
    ths = "".join(f'<th style="text-align:left">{_e(h)}</th>' for h in head)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _meta_line(ex: ExtractionLike) -> str:
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
    """The colour legend: one swatch per kind (the built-ins, or those in ``types``, then the other kinds
    in ``types``) and one for overlapping evidence, which is shown once in its own colour and titled
    with every event it belongs to (hover it)."""
    wanted = list(COLORS) if types is None else list(dict.fromkeys(types))
    shown = [t for t in COLORS if t in wanted] + [t for t in wanted if t not in COLORS]
    swatches = [_swatch(color_of(t), t, f"evidence of a {t}") for t in shown]
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


def extraction_html(ex: ExtractionLike, text: str | None = None) -> str:
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
        parts.append(legend_html([*COLORS, *(e.type for e in events)]))
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
        own_id = None if isinstance(outcome, NewsextractError) else outcome.id
        rid = ids[i] if ids is not None else (own_id if own_id is not None else str(i))
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
