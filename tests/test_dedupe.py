"""Tests for newsextract.dedupe."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from newsextract import Evidence, ExecutiveChange, Money, ShareSale, StockMove
from newsextract.dedupe import (
    AnyEvent,
    dedupe,
    markets_match,
    names_match,
    normalize_market,
    normalize_name,
    normalize_period,
    roles_match,
    same_event,
)


def ev(start: int, quote: str = "q") -> Evidence:
    return Evidence(quote=quote, start=start, end=start + len(quote))


def usd(x: int | str) -> Money:
    return Money(amount=Decimal(x), currency="USD")


def test_normalize_name() -> None:
    assert normalize_name("Alibaba Group Holding Ltd.") == "alibaba"
    assert normalize_name("Alibaba’s") == "alibaba"
    assert normalize_name("Xpeng's") == "xpeng"
    assert normalize_name("The Group") == "the group"  # nothing left after dropping suffixes: keep all
    assert normalize_name("JSP Investments") == "jsp investments"


def test_names_match() -> None:
    assert names_match("Ma", "Jack Ma")
    assert names_match("Alibaba Group Holding", "Alibaba")
    assert names_match("alibaba's", "ALIBABA")
    assert not names_match("Jeff Zhang", "Daniel Zhang")
    assert not names_match("Xpeng", "Alibaba")
    assert names_match(None, None)
    assert not names_match(None, "Ma")
    assert not names_match("", "Ma")


def test_roles_markets_periods() -> None:
    assert roles_match("CTO", "chief technology officer")
    assert roles_match("chief executive officer", "CEO")
    assert roles_match("CEO", "chief executive") and roles_match("chief financial", "CFO")  # officer unsaid
    assert roles_match("president", "acting president of Alibaba Cloud Intelligence")
    assert not roles_match("chief technology officer", "group chief people officer")
    assert markets_match("NYSE", "New York")
    assert markets_match("Hong Kong", "HKEX")
    assert not markets_match("New York", "Hong Kong")
    assert markets_match(None, None) and not markets_match(None, "US")
    assert normalize_market("the US") == "US"
    assert normalize_period("on Thursday") == normalize_period("Thursday") == "thursday"


def sale(start: int, **kw: object) -> ShareSale:
    base: dict[str, object] = {"seller": "Jack Ma", "company": "Alibaba", "evidence": ev(start)}
    base.update(kw)
    return ShareSale.model_validate(base)


def move(start: int, **kw: object) -> StockMove:
    base: dict[str, object] = {"company": "Alibaba", "direction": "down", "evidence": ev(start)}
    base.update(kw)
    return StockMove.model_validate(base)


def test_lede_and_body_merge() -> None:
    lede = sale(10, seller="Jack Ma", status="postponed")
    body = sale(
        200, seller="Ma", company="Alibaba's", shares=10_000_000, value=usd(871_000_000), status="planned"
    )
    out = dedupe([lede, body])
    assert len(out) == 1
    merged = out[0]
    assert isinstance(merged, ShareSale)
    # body is more complete (3 fields vs 1): its evidence and values; nothing to fill from the lede
    assert merged.evidence.start == 200
    assert merged.shares == 10_000_000 and merged.value == usd(871_000_000)
    assert merged.status == "postponed"  # the later stage of the story wins (STATUS_STAGE)
    assert merged.seller == "Jack Ma"  # the fullest form of the name


def test_merge_fills_none_and_tie_keeps_earlier() -> None:
    a = sale(10, shares=10_000_000)
    b = sale(50, value=usd(871_000_000))
    (m,) = dedupe([a, b])
    assert isinstance(m, ShareSale)
    assert m.evidence.start == 10  # tie -> earlier
    assert m.shares == 10_000_000 and m.value == usd(871_000_000)


def test_merge_unknown_status_yields_and_flags_united() -> None:
    a = sale(10, shares=5, flags=["x"])
    b = sale(50, status="completed", flags=["y", "x"])
    (m,) = dedupe([a, b])
    assert isinstance(m, ShareSale)
    assert m.evidence.start == 10 and m.status == "completed"
    assert m.flags == ["x", "y"]


def test_different_sales_stay_apart() -> None:
    a = sale(10, seller="Taobao China", company="Xpeng", shares=33_000_000)
    b = sale(50, seller="Taobao China", company="Xpeng", shares=25_000_000)
    c = sale(90, seller="Taobao China", company="Xpeng", date=dt.date(2022, 12, 15))
    d = sale(95, seller="Taobao China", company="Xpeng", date=dt.date(2023, 11, 20))
    assert len(dedupe([a, b])) == 2
    assert len(dedupe([c, d])) == 2
    assert len(dedupe([sale(1, seller="Jack Ma"), sale(2, seller="Joe Tsai")])) == 1 + 1


def test_stock_moves_two_markets_two_periods() -> None:
    ny = move(10, market="New York", change_pct=9.0, period="Thursday")
    hk = move(60, market="Hong Kong", change_pct=10.0, period="Friday")
    ytd = move(120, change_pct=10.0, period="so far this year")
    assert len(dedupe([ny, hk, ytd])) == 3
    # same stock, same market, different change -> two
    assert (
        len(dedupe([move(1, market="NYSE", change_pct=3.84), move(2, market="NYSE", change_pct=7.52)])) == 2
    )
    # restated later with more detail -> one, at the first position
    again = move(300, market="NYSE", change_pct=9.0, period="on Thursday", price=usd(80))
    out = dedupe([ny, hk, again])
    assert len(out) == 2
    assert out[0].evidence.start == 300  # the more complete mention's evidence, first position
    assert isinstance(out[0], StockMove) and out[0].price == usd(80) and out[0].market == "NYSE"
    assert out[1] == hk


def test_unspecified_market_merges_with_first_compatible_only() -> None:
    vague = move(5, change_pct=None)
    ny = move(10, market="New York")
    hk = move(60, market="Hong Kong")
    out = dedupe([vague, ny, hk])
    assert [getattr(e, "market", None) for e in out] == ["New York", "Hong Kong"]


def test_direction_and_type_separate() -> None:
    assert len(dedupe([move(1), move(2, direction="up")])) == 2
    assert not same_event(move(1), sale(1))


def test_executive_changes() -> None:
    def ch(start: int, **kw: object) -> ExecutiveChange:
        base: dict[str, object] = {
            "company": "Alibaba",
            "person": "Daniel Zhang",
            "role": "acting president of Alibaba Cloud Intelligence",
            "change": "appointed",
            "evidence": ev(start),
        }
        base.update(kw)
        return ExecutiveChange.model_validate(base)

    a = ch(10, person="Zhang", role="president", interim=True)
    b = ch(90)
    (m,) = dedupe([a, b])
    assert isinstance(m, ExecutiveChange) and m.interim and m.evidence.start == 10
    jeff = ch(200, person="Jeff Zhang", role="cloud business chief", change="departed")
    cto = ch(300, person="Wu Zeming", role="CTO", predecessor="Cheng Li")
    cto2 = ch(400, person="Wu Zeming", role="chief technology officer", effective_date=dt.date(2023, 1, 1))
    out = dedupe([a, jeff, cto, b, cto2])
    assert [e.evidence.start for e in out] == [10, 200, 300]
    merged = out[2]
    assert isinstance(merged, ExecutiveChange)
    assert merged.predecessor == "Cheng Li" and merged.effective_date == dt.date(2023, 1, 1)
    # same person, different change -> two
    assert len(dedupe([ch(1), ch(2, change="departed")])) == 2
    # same person, unrelated roles -> two
    assert len(dedupe([ch(1, role="chief technology officer"), ch(2, role="board director")])) == 2


def test_pure_and_order_preserving() -> None:
    events: list[AnyEvent] = [move(1, market="NYSE"), sale(2), move(3, market="Hong Kong"), sale(4, shares=7)]
    before = [e.model_copy(deep=True) for e in events]
    out = dedupe(list(events))
    assert events == before
    assert [e.evidence.start for e in out] == [
        1,
        4,
        3,
    ]  # sale merged into position 2, evidence of the fuller one
    assert dedupe([]) == []


# --- the generic de-duplication gives what the per-kind rules gave -----------------------------

# The rules as they were first written, one function per built-in kind (kept here, and only here, as the
# reference the kind-driven de-duplication must reproduce), merged pairwise from every mention.
_REF_STAGE = {"unknown": 0, "rumored": 1, "planned": 2, "completed": 3, "denied": 4, "postponed": 5}
_REF_STAGE["cancelled"] = 6
_REF_OPTIONAL: dict[str, tuple[str, ...]] = {
    "ShareSale": ("shares", "value", "price_per_share", "stake_before_pct", "stake_after_pct", "date"),
    "ExecutiveChange": ("predecessor", "effective_date"),
    "StockMove": ("ticker", "market", "change_pct", "price", "period", "date"),
}
_REF_NAMES = {"ShareSale": ("seller", "company"), "ExecutiveChange": ("person",), "StockMove": ("company",)}


def _ref_compatible(a: object, b: object) -> bool:
    if a is None or b is None:
        return True
    if isinstance(a, Money) and isinstance(b, Money):
        return a.amount == b.amount and a.currency.upper() == b.currency.upper()
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 0.005 + 1e-12
    return a == b


def _ref_same(a: AnyEvent, b: AnyEvent) -> bool:
    if isinstance(a, ShareSale) and isinstance(b, ShareSale):
        return (
            names_match(a.seller, b.seller)
            and names_match(a.company, b.company)
            and {a.status, b.status} != {"completed", "denied"}
            and all(_ref_compatible(getattr(a, f), getattr(b, f)) for f in _REF_OPTIONAL["ShareSale"])
        )
    if isinstance(a, ExecutiveChange) and isinstance(b, ExecutiveChange):
        return (
            a.change == b.change
            and names_match(a.person, b.person)
            and names_match(a.company, b.company)
            and roles_match(a.role, b.role)
            and (a.predecessor is None or b.predecessor is None or names_match(a.predecessor, b.predecessor))
            and _ref_compatible(a.effective_date, b.effective_date)
        )
    if isinstance(a, StockMove) and isinstance(b, StockMove):
        return (
            a.direction == b.direction
            and names_match(a.company, b.company)
            and (a.market is None or b.market is None or markets_match(a.market, b.market))
            and (
                a.period is None
                or b.period is None
                or normalize_period(a.period) == normalize_period(b.period)
            )
            and (a.ticker is None or b.ticker is None or a.ticker.strip().upper() == b.ticker.strip().upper())
            and all(_ref_compatible(getattr(a, f), getattr(b, f)) for f in ("change_pct", "price", "date"))
        )
    return False


def _ref_completeness(e: AnyEvent) -> int:
    n = sum(getattr(e, f) is not None for f in _REF_OPTIONAL[e.type])
    return n + int(isinstance(e, ShareSale) and e.status != "unknown") + int(getattr(e, "interim", False))


def _reference_merge(mentions: list[AnyEvent]) -> AnyEvent:
    """The merge as first written: recomputed from every mention of the group."""
    best = max(range(len(mentions)), key=lambda i: (_ref_completeness(mentions[i]), -i))
    primary = mentions[best]
    others = [m for i, m in enumerate(mentions) if i != best]
    update: dict[str, object] = {}
    for f in _REF_OPTIONAL[primary.type]:
        if getattr(primary, f) is None:
            value = next((getattr(o, f) for o in others if getattr(o, f) is not None), None)
            if value is not None:
                update[f] = value
    for name_field in _REF_NAMES[primary.type]:
        fullest = max((getattr(m, name_field) or "" for m in mentions), key=len)
        if fullest and fullest != getattr(primary, name_field):
            update[name_field] = fullest
    if isinstance(primary, ShareSale):
        status = max((m.status for m in mentions if isinstance(m, ShareSale)), key=_REF_STAGE.__getitem__)
        if status != primary.status:
            update["status"] = status
    if (
        isinstance(primary, ExecutiveChange)
        and not primary.interim
        and any(isinstance(o, ExecutiveChange) and o.interim for o in others)
    ):
        update["interim"] = True
    flags = list(dict.fromkeys(f for m in [primary, *others] for f in m.flags))
    if flags != primary.flags:
        update["flags"] = flags
    return primary.model_copy(update=update) if update else primary


def _reference_dedupe(events: list[AnyEvent]) -> list[AnyEvent]:
    groups: list[list[AnyEvent]] = []
    reps: list[AnyEvent] = []
    for e in events:
        for i, rep in enumerate(reps):
            if _ref_same(rep, e):
                groups[i].append(e)
                reps[i] = _reference_merge(groups[i])
                break
        else:
            groups.append([e])
            reps.append(e)
    return reps


_NAMES_POOL = st.sampled_from(["Jack Ma", "Ma", "Alibaba", "Alibaba Group", "Joe Tsai", "Xpeng", "", "Ma's"])


@st.composite
def _events(draw: st.DrawFn) -> AnyEvent:
    start = draw(st.integers(0, 500))
    flags = draw(st.lists(st.sampled_from(["x", "y", "z"]), max_size=2))
    kind = draw(st.sampled_from(["sale", "move", "change"]))
    if kind == "sale":
        return sale(
            start,
            seller=draw(_NAMES_POOL) or "Ma",
            company=draw(_NAMES_POOL),
            shares=draw(st.sampled_from([None, 5, 10])),
            value=draw(st.sampled_from([None, usd(1), usd(2)])),
            stake_before_pct=draw(st.sampled_from([None, 3.0, 3.004, 9.0])),
            status=draw(
                st.sampled_from(["unknown", "planned", "completed", "postponed", "denied", "rumored"])
            ),
            date=draw(st.sampled_from([None, dt.date(2023, 1, 1), dt.date(2023, 1, 2)])),
            flags=flags,
        )
    if kind == "move":
        return move(
            start,
            company=draw(_NAMES_POOL),
            direction=draw(st.sampled_from(["up", "down"])),
            change_pct=draw(st.sampled_from([None, 3.0, 9.0])),
            market=draw(st.sampled_from([None, "NYSE", "New York", "Hong Kong"])),
            ticker=draw(st.sampled_from([None, "BABA", "baba ", "9988"])),
            period=draw(st.sampled_from([None, "on Thursday", "Thursday", "this year"])),
            price=draw(st.sampled_from([None, usd(80), Money(amount=Decimal(80), currency="hkd")])),
            flags=flags,
        )
    return ExecutiveChange.model_validate(
        {
            "company": draw(_NAMES_POOL),
            "person": draw(st.sampled_from(["Ann Lee", "Lee", "Bo Chan"])),
            "role": draw(st.sampled_from(["CEO", "chief executive officer", "director"])),
            "change": draw(st.sampled_from(["appointed", "departed"])),
            "interim": draw(st.booleans()),
            "predecessor": draw(st.sampled_from([None, "Jo Wu", "Wu", "Al Kim"])),
            "effective_date": draw(st.sampled_from([None, dt.date(2023, 1, 1), dt.date(2023, 2, 1)])),
            "evidence": ev(start),
            "flags": flags,
        }
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_events(), max_size=25))
def test_dedupe_is_the_pairwise_merge_of_the_rules_as_first_written(events: list[AnyEvent]) -> None:
    assert dedupe(events) == _reference_dedupe(events)


def test_a_repeated_event_merges_in_linear_steps() -> None:
    """5,000 mentions of one sale: one event, from the most complete mention, the fullest name."""
    events: list[AnyEvent] = [sale(i, seller="Ma") for i in range(5000)]
    events[2500] = sale(2500, seller="Jack Ma", shares=10)
    (merged,) = dedupe(events)
    assert isinstance(merged, ShareSale)
    assert merged.evidence.start == 2500 and merged.seller == "Jack Ma" and merged.shares == 10
