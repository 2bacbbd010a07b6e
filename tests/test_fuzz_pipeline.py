"""Property tests (hypothesis) for everything between the model's reply and the caller's result.

- ``pipeline.postprocess`` with random drafts and random texts never raises, and every event it returns
  has ``text[start:end] == quote``; with strict grounding no kept event has flags.
- The input checks (``check_text``, ``decode_bytes``, ``parse_published``) raise nothing but ``InputError``.
- The value parsers never raise on any string.

Drafts are built to hit the interesting paths: quotes that are exact slices of the text, slices with
their whitespace or case disturbed, and random strings; values drawn from the text or invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsextract.errors import InputError
from newsextract.kinds.drafts import ArticleDraft, ExecutiveChangeDraft, ShareSaleDraft, StockMoveDraft
from newsextract.normalize.dates import resolve_date
from newsextract.normalize.direction import parse_direction
from newsextract.normalize.modality import appointment_change, is_interim, sale_status
from newsextract.normalize.money import parse_money
from newsextract.normalize.numbers import parse_count, parse_number, parse_percent
from newsextract.pipeline.postprocess import postprocess
from newsextract.text.inputs import check_text, decode_bytes, parse_published

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = [
    "Xpeng", "Alibaba", "Jack Ma", "Tencent", "shares", "ADS", "fell", "rose", "jumped", "plunged",
    "3.84 percent", "9%", "$9.51", "HK$37.50", "10 million", "about $871 million", "1.2 billion yuan",
    "sold", "plans to sell", "stake", "chief executive", "CEO", "appointed", "resigned", "interim",
    "replaces", "on Tuesday", "last Thursday", "so far this year", "Hong Kong", "NYSE", "(BABA)",
    "said", "the", "and", "in", "to", "of", "Mr.", "U.S.", "No.", "小鹏汽车", "下跌", "3.84%", "—", "’s",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", ", ", ". ", ".\n\n", "\n", " - ", "; ", "? ", "! ", "\t", "\u00a0"]


@st.composite
def articles(draw: st.DrawFn) -> str:
    """Text that looks like news (words, numbers, sentence breaks) or, sometimes, anything at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(min_size=1, max_size=300))
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=60))
    text = "".join(w + s for w, s in parts)
    return text or draw(st.text(min_size=1, max_size=50))


def disturb(s: str, how: int) -> str:
    if how == 1:
        return " ".join(s.split())
    if how == 2:
        return s.upper()
    if how == 3:
        return s.replace(" ", "  ")
    if how == 4:
        return s.replace("'", "’").replace('"', "“")
    if how == 5:
        return s[1:-1]
    return s


@st.composite
def pieces(draw: st.DrawFn, text: str, *, optional: bool = True) -> str | None:
    """A string from ``text`` (a slice, maybe disturbed), from the vocabulary, random, or None."""
    kind = draw(st.integers(0, 4 if optional else 3))
    if kind == 0 and text:
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i + 1, min(len(text), i + 200)))
        return disturb(text[i:j], draw(st.integers(0, 5)))
    if kind == 1:
        return draw(st.sampled_from(WORDS))
    if kind == 2:
        return draw(st.text(max_size=40))
    if kind == 3:
        return draw(st.sampled_from(["", " ", "0", "-3.5%", "1e9", "NaN", "$", "%", "...", "HK$"]))
    return None


def required(value: str | None) -> str:
    return value if value is not None else ""


@st.composite
def drafts(draw: st.DrawFn, text: str) -> ArticleDraft:
    def p(optional: bool = True) -> Any:
        return draw(pieces(text, optional=optional))

    sales = [
        ShareSaleDraft(
            quote=required(p(False)),
            seller=required(p(False)),
            company=required(p(False)),
            shares=p(),
            value=p(),
            price_per_share=p(),
            stake_before=p(),
            stake_after=p(),
            status=draw(
                st.sampled_from(
                    ["planned", "completed", "postponed", "cancelled", "denied", "rumored", "unknown"]
                )
            ),
            date=p(),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    changes = [
        ExecutiveChangeDraft(
            quote=required(p(False)),
            company=required(p(False)),
            person=required(p(False)),
            role=required(p(False)),
            change=draw(st.sampled_from(["appointed", "departed"])),
            predecessor=p(),
            interim=draw(st.booleans()),
            effective_date=p(),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    moves = [
        StockMoveDraft(
            quote=required(p(False)),
            company=required(p(False)),
            ticker=p(),
            market=p(),
            direction=draw(st.sampled_from(["up", "down", "flat"])),
            change_pct=p(),
            price=p(),
            period=p(),
            date=p(),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return ArticleDraft(share_sales=sales, executive_changes=changes, stock_moves=moves)


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, ArticleDraft]:
    text = draw(articles())
    return text, draw(drafts(text))


published_dates = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)))


@FUZZ
@given(case=cases(), published=published_dates, grounding=st.sampled_from(["strict", "flag", "off"]))
def test_postprocess_never_raises_and_evidence_is_exact(
    case: tuple[str, ArticleDraft], published: dt.date | None, grounding: Any
) -> None:
    text, draft = case
    before = draft.model_dump()
    events, dropped = postprocess(draft, text, published, grounding)
    assert draft.model_dump() == before  # the draft is not modified
    # each draft is an event (possibly merged) or a whole-event drop; field drops come on top
    assert len(events) + len([d for d in dropped if d.field is None]) <= len(draft.items())
    for event in events:
        ev = event.evidence
        assert 0 <= ev.start <= ev.end <= len(text)
        assert text[ev.start : ev.end] == ev.quote
        if grounding == "strict":
            assert not event.flags
    starts = [(e.evidence.start, e.evidence.end) for e in events]
    assert starts == sorted(starts)
    for d in dropped:
        assert d.reasons and d.type in {"ShareSale", "ExecutiveChange", "StockMove"}


@FUZZ
@given(case=cases())
def test_postprocess_strict_keeps_only_values_found_in_the_text(case: tuple[str, ArticleDraft]) -> None:
    """A kept event's names occur in the article: at least one word of each (a person may be named by
    the last name only), case-insensitively."""
    text, draft = case
    events, _ = postprocess(draft, text, None, "strict")
    folded = " ".join(text.split()).casefold()
    for event in events:
        for name in ("company", "seller", "person"):
            value = getattr(event, name, None)
            if value:
                words = [w.strip(".,'’\"") for w in value.casefold().split()]
                assert any(w in folded for w in words if w), (name, value)


ANYTHING = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300),
    st.none(),
    st.integers(),
    st.floats(),
    st.lists(st.text(max_size=5), max_size=3),
    st.builds(bytearray, st.binary(max_size=50)),
    st.text(alphabet=st.characters(max_codepoint=40), max_size=200),
)


@FUZZ
@given(value=ANYTHING, max_chars=st.integers(1, 400))
def test_check_text_raises_only_input_error(value: object, max_chars: int) -> None:
    try:
        out = check_text(value, max_chars=max_chars)
    except InputError as exc:
        assert str(exc)
        return
    assert isinstance(out, str) and out.strip() and len(out) <= max_chars
    if isinstance(value, str):
        assert out is value  # never modified


@FUZZ
@given(data=st.binary(max_size=400))
def test_decode_bytes_raises_only_input_error(data: bytes) -> None:
    try:
        out = decode_bytes(data)
    except InputError:
        return
    assert out == data.decode("utf-8-sig")


@FUZZ
@given(
    value=st.one_of(
        ANYTHING,
        st.dates().map(dt.date.isoformat),
        st.datetimes(),
        st.dates(),
        st.from_regex(r"\A\d{4}-\d{2}-\d{2}.{0,12}\Z"),
    )
)
def test_parse_published_raises_only_input_error(value: object) -> None:
    try:
        out = parse_published(value)
    except InputError:
        return
    assert out is None or isinstance(out, dt.date)


@FUZZ
@given(
    s=st.one_of(st.text(max_size=80), st.builds(" ".join, st.lists(st.sampled_from(WORDS), max_size=8))),
    context=st.text(max_size=40),
    published=published_dates,
)
def test_value_parsers_never_raise(s: str, context: str, published: dt.date | None) -> None:
    parse_money(s, context=context)
    parse_count(s)
    parse_number(s)
    pct = parse_percent(s)
    assert pct is None or pct == pct  # not NaN
    parse_direction(s)
    resolve_date(s, published)
    sale_status(s)
    appointment_change(s)
    is_interim(s)
