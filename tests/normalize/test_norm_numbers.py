"""Numbers, counts, percentages and money: examples, seed sentences and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsextract.core.schemas import Money
from newsextract.normalize.currency import resolve_dollar, resolve_yen_symbol, to_iso
from newsextract.normalize.money import find_money, parse_money
from newsextract.normalize.numbers import (
    _LEAD,
    _QUANTITY_RE,
    MAGNITUDES,
    QUALIFIERS,
    _quantity_matches,
    find_counts,
    find_numbers,
    find_percents,
    find_quantities,
    parse_count,
    parse_number,
    parse_percent,
)

# ---------------------------------------------------------------- currency


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("US$", "USD"), ("USD", "USD"), ("HK$", "HKD"), ("HKD", "HKD"), ("RMB", "CNY"), ("Rmb", "CNY"),
        ("yuan", "CNY"), ("CNY", "CNY"), ("€", "EUR"), ("EUR", "EUR"), ("euro", "EUR"), ("euros", "EUR"),
        ("£", "GBP"), ("GBP", "GBP"), ("pound", "GBP"), ("pounds", "GBP"), ("yen", "JPY"), ("S$", "SGD"),
        ("A$", "AUD"), ("C$", "CAD"), ("NT$", "TWD"), ("won", "KRW"), ("rupee", "INR"), ("rupees", "INR"),
        ("CHF", "CHF"), ("Hong Kong dollars", "HKD"), ("Swiss francs", "CHF"), ("renminbi", "CNY"),
    ],
)  # fmt: skip
def test_to_iso(token: str, code: str) -> None:
    assert to_iso(token) == code


def test_to_iso_unknown() -> None:
    assert to_iso("bananas") is None
    assert to_iso("") is None


def test_bare_dollar_rules() -> None:
    assert resolve_dollar("") == "USD"
    assert resolve_dollar("Xpeng fell to HK$37.50 while its ADS fell to $9.51") == "USD"
    assert resolve_dollar("All figures are in Singapore dollars.") == "SGD"
    assert resolve_dollar("Singapore dollars and US dollars") == "USD"
    assert resolve_dollar("Hong Kong dollars or Singapore dollars") == "USD"


def test_yen_symbol_rules() -> None:
    assert resolve_yen_symbol("") == "JPY"
    assert resolve_yen_symbol("Sony, the Japanese group") == "JPY"
    assert resolve_yen_symbol("the Chinese tech giant") == "CNY"
    assert resolve_yen_symbol("5 billion yuan in China") == "CNY"
    assert resolve_yen_symbol("yen") == "JPY"
    assert resolve_yen_symbol("China and Japan") == "JPY"
    assert parse_money("¥5 billion", context="Tencent, the Chinese group") == Money(
        amount=Decimal(5_000_000_000), currency="CNY"
    )
    assert parse_money("¥5 billion", context="Toyota of Japan").currency == "JPY"  # type: ignore[union-attr]


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10 million", 10_000_000), ("2.8 billion", 2_800_000_000), ("1,234.5", Decimal("1234.5")),
        ("5bn", 5_000_000_000), ("3.2m", 3_200_000), ("10k", 10_000), ("1.5 trillion", 1_500_000_000_000),
        ("2 mln", 2_000_000), ("7 bln", 7_000_000_000), ("a million", 1_000_000), ("two", 2),
        ("about $871 million", 871_000_000), ("500 crore", 5_000_000_000), ("0.5", Decimal("0.5")),
    ],
)  # fmt: skip
def test_parse_number(text: str, value: Decimal | int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "no number here", "millions of dollars", "billions"])
def test_parse_number_none(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("33 million shares", 33_000_000), ("25 million ADSs", 25_000_000), ("10 million", 10_000_000),
        ("1.5 million class A ordinary shares", 1_500_000), ("500 ADRs", 500),
        ("sold 25 million of 's ADSs last year", 25_000_000), ("about 2,000,000 shares", 2_000_000),
        ("10-12 million shares", 10_000_000),
    ],
)  # fmt: skip
def test_parse_count(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["9%", "$5 million", "in 2019", "on July 26", "1.5", "none", ""])
def test_parse_count_none(text: str) -> None:
    assert parse_count(text) is None


def test_counts_ignore_percents_years_dates_money() -> None:
    text = (
        "In 2019 shares rose. On July 26 shares fell 9% of shares, and $5 million of shares were sold; "
        "10 million shares changed hands."
    )
    counts = find_counts(text)
    assert [c.value for c in counts] == [10_000_000]
    assert counts[0].text == "10 million"


def test_count_needs_unit_nearby() -> None:
    assert [c.value for c in find_counts("Xpeng employs 10 million people and has 3 shares")] == [3]
    assert find_counts("10 years after shares fell") == []
    assert [c.value for c in find_counts("plans to sell 33 million shares of Xpeng's ADSs")] == [33_000_000]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.84 percent", 3.84), ("9%", 9.0), ("10.2 per cent", 10.2), ("nearly 10%", 10.0),
        ("-3.84%", 3.84), ("5 pct", 5.0), ("2 percentage points", 2.0), ("9", 9.0), ("about 9", 9.0),
        ("a 4.99-percent stake", 4.99),
    ],
)  # fmt: skip
def test_parse_percent(text: str, value: float) -> None:
    assert parse_percent(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "ten million", "$9.51", "rose sharply", "9 shares"])
def test_parse_percent_none(text: str) -> None:
    assert parse_percent(text) is None


def test_qualifiers() -> None:
    for qual in ["about", "nearly", "more than", "up to", "at least", "almost", "roughly", "over"]:
        (m,) = find_percents(f"shares fell {qual} 10% on Friday")
        assert m.qualifier == qual
        assert m.text == f"{qual} 10%"
        assert m.value == 10.0


def test_ranges_give_lower_bound() -> None:
    (m,) = find_quantities("10-12 million")
    assert (m.value, m.qualifier, m.text) == (10_000_000, "range", "10-12 million")
    (p,) = find_percents("a stake of 9–10% was sold")
    assert (p.value, p.qualifier, p.text) == (9.0, "range", "9–10%")
    (p2,) = find_percents("between 5 and 6 percent")
    assert (p2.value, p2.qualifier) == (5.0, "range")
    (mo,) = find_money("between $1 billion and $2 billion")
    assert mo.value == Money(amount=Decimal(1_000_000_000), currency="USD", qualifier="range")
    assert mo.text == "between $1 billion and $2 billion"
    (mo2,) = find_money("$1-2 billion")
    assert mo2.value.amount == 1_000_000_000


def test_from_to_is_not_range() -> None:
    text = "its stake dropping from 10.2 percent to 7.5 percent after the sale"
    assert [m.value for m in find_percents(text)] == [10.2, 7.5]
    assert all(m.qualifier is None for m in find_percents(text))


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "amount", "currency", "qualifier"),
    [
        ("about $871 million", 871_000_000, "USD", "about"),
        ("HK$37.50", Decimal("37.50"), "HKD", None),
        ("HKD 60.25", Decimal("60.25"), "HKD", None),
        ("USD 2.8 billion", 2_800_000_000, "USD", None),
        ("$9.51", Decimal("9.51"), "USD", None),
        ("RMB 5 bn", 5_000_000_000, "CNY", None),
        ("5 billion yuan", 5_000_000_000, "CNY", None),
        ("€3.2m", 3_200_000, "EUR", None),
        ("£10 million", 10_000_000, "GBP", None),
        ("US$1.2B", 1_200_000_000, "USD", None),
        ("S$3.50", Decimal("3.50"), "SGD", None),
        ("NT$100", 100, "TWD", None),
        ("300 billion won", 300_000_000_000, "KRW", None),
        ("Rs 500 crore", 5_000_000_000, "INR", None),
        ("CHF 12", 12, "CHF", None),
        ("50 cents", Decimal("0.5"), "USD", None),
        ("10 million Hong Kong dollars", 10_000_000, "HKD", None),
        ("more than 2 billion euros", 2_000_000_000, "EUR", "more than"),
    ],
)
def test_parse_money(text: str, amount: Decimal | int, currency: str, qualifier: str | None) -> None:
    assert parse_money(text) == Money(amount=Decimal(amount), currency=currency, qualifier=qualifier)


@pytest.mark.parametrize("text", ["", "10 million", "9%", "millions of dollars", "in 2019 won the bid"])
def test_parse_money_none(text: str) -> None:
    assert parse_money(text) is None


def test_bare_dollar_with_context() -> None:
    assert parse_money("$5", context="Prices are in Singapore dollars.") == Money(
        amount=Decimal(5), currency="SGD"
    )


# ---------------------------------------------------------------- seed sentences

SEED_MOVE = (
    "Alibaba’s stock fell 9% in New York on Thursday and nearly 10% in Hong Kong on Friday, "
    "wiping about $20 billion from the company’s market value."
)


def test_seed_alibaba_percents() -> None:
    ps = find_percents(SEED_MOVE)
    assert [(p.value, p.qualifier) for p in ps] == [(9.0, None), (10.0, "nearly")]
    assert [p.text for p in ps] == ["9%", "nearly 10%"]
    (money,) = find_money(SEED_MOVE)
    assert money.value == Money(amount=Decimal(20_000_000_000), currency="USD", qualifier="about")
    assert find_counts(SEED_MOVE) == []


def test_seed_ma_filing() -> None:
    s = (
        "Two regulatory filings last Thursday showed that Ma was "
        "looking to sell 10 million shares, worth about $871 million."
    )
    assert [c.value for c in find_counts(s)] == [10_000_000]
    assert [m.value.amount for m in find_money(s)] == [871_000_000]


def test_seed_xpeng_sentences() -> None:
    s1 = (
        "Alibaba's Taobao China plans to sell 33 million shares of Xpeng's American Depositary Shares "
        "(ADSs), worth a total of about $314 million, according to a US Securities and Exchange "
        "Commission (SEC) filing overnight."
    )
    assert [c.value for c in find_counts(s1)] == [33_000_000]
    assert [m.value.amount for m in find_money(s1)] == [314_000_000]
    s2 = (
        "The latest stake cut plan caused Xpeng ADS to fall overnight in "
        "the US, dropping 3.84 percent to $9.51 by the close of trading."
    )
    assert [p.value for p in find_percents(s2)] == [3.84]
    assert [m.value for m in find_money(s2)] == [Money(amount=Decimal("9.51"), currency="USD")]
    s3 = (
        "Xpeng's Hong Kong-traded shares also suffered a sell-off in early "
        "trading today, falling 7.52 percent to HK$37.50 at press time."
    )
    assert [m.value for m in find_money(s3)] == [Money(amount=Decimal("37.50"), currency="HKD")]
    s4 = (
        "On July 26, 2023, German automotive giant Volkswagen announced that it had signed an agreement "
        "with Xpeng to invest about $700 million in the Chinese EV maker in order to acquire about 4.99 "
        "percent of the latter."
    )
    assert find_counts(s4) == []
    assert [(p.value, p.qualifier) for p in find_percents(s4)] == [(4.99, "about")]
    s5 = "Alibaba’s share price dipped to a record low of HKD 60.25 (USD 7.73) in October"
    assert [m.value.currency for m in find_money(s5)] == ["HKD", "USD"]
    assert find_counts("Ma founded Alibaba in 1999. He stepped down as chairman of the company in 2019") == []


# ---------------------------------------------------------------- properties

_MAG_WORDS = ["thousand", "million", "billion", "trillion", "mln", "bn", "bln", "mn", "tn"]


@given(
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(_MAG_WORDS),
    st.booleans(),
)
def test_number_round_trip(amount: Decimal, mag: str, space: bool) -> None:
    text = f"{amount}{' ' if space else ''}{mag}"
    assert parse_number(text) == amount * MAGNITUDES[mag]


@given(st.integers(min_value=0, max_value=10**15))
def test_grouped_integer_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_count(f"sold {n:,} shares") == n


@given(
    st.decimals(min_value=0, max_value=10**5, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["$", "US$", "HK$", "€", "£", "USD ", "HKD ", "RMB "]),
    st.sampled_from(["", " million", " billion", "bn", "m"]),
)
def test_money_round_trip(amount: Decimal, symbol: str, mag: str) -> None:
    m = parse_money(f"worth {symbol}{amount}{mag} in total")
    assert m is not None
    mult = {"": 1, " million": 10**6, " billion": 10**9, "bn": 10**9, "m": 10**6}[mag]
    assert m.amount == amount * mult
    assert m.currency == to_iso(symbol.strip())


@given(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False))
def test_percent_round_trip(v: Decimal) -> None:
    for suffix in ["%", " percent", " per cent"]:
        assert parse_percent(f"fell {v}{suffix}") == pytest.approx(float(v))


@settings(max_examples=300)
@given(st.text())
def test_parsers_never_raise(text: str) -> None:
    parse_number(text)
    parse_count(text)
    p = parse_percent(text)
    assert p is None or p >= 0
    parse_money(text, context=text)


_NUMBERISH = st.lists(
    st.sampled_from([*"0123456789.,%$€£¥- ", "million", " shares", "HK$", "about ", "percent", "bn"]),
    max_size=25,
).map("".join)


@settings(max_examples=300)
@given(st.one_of(st.text(), _NUMBERISH))
def test_spans_are_exact(text: str) -> None:
    for ms in (find_counts(text), find_percents(text), find_money(text), find_numbers(text)):
        for m in ms:
            assert text[m.start : m.end] == m.text  # type: ignore[attr-defined]
    for p in find_percents(text):
        assert p.value >= 0


def test_uk_styles() -> None:
    assert parse_percent("up 12.5pc") == 12.5
    assert parse_money("30 pence") == Money(amount=Decimal("0.3"), currency="GBP")
    assert parse_money("Rmb10bn") == Money(amount=Decimal(10_000_000_000), currency="CNY")
    assert parse_money("USD2.8bn") == Money(amount=Decimal(2_800_000_000), currency="USD")


# ------------------------------------------------- the pattern tried near numbers only

_PIECES = [
    *QUALIFIERS,
    "approximately\n\n   ",
    "as  much\tas",
    "U.S.$",
    "HK$",
    "MOP$",
    "RMB¥",
    "Rs.",
    "USD",
    "$",
    "€",
    "~",
    "1,500,000",
    "37.50",
    ".5",
    "2026",
    "A320",
    "Q3",
    "one",
    "Ninety",
    "twenty-five",
    "a",
    "an",
    "million",
    "bn",
    "m",
    "%",
    "per cent",
    "yuan",
    "pence",
    "won",
    "-",
    "–",
    "and",
    "between",
    "shares",
    "stone",
    "often",
    ",",
    ".",
]


@settings(deadline=None, max_examples=400)
@given(
    st.lists(
        st.tuples(st.sampled_from(_PIECES), st.sampled_from(["", " ", "  ", "\n", "\u00a0"])), max_size=30
    )
)
def test_quantity_search_near_cores_finds_what_a_full_scan_finds(parts: list[tuple[str, str]]) -> None:
    """Trying the pattern only near digits and number words never gains, loses or moves a match."""
    text = "".join(piece + gap for piece, gap in parts)
    expected = [(m.span(), m.groupdict()) for m in _QUANTITY_RE.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in _quantity_matches(text)] == expected


def test_the_lead_covers_the_longest_qualifier_and_currency() -> None:
    """A match starts at most _LEAD non-space characters before its number: the longest qualifier and
    the longest currency written before a number, then the number, are found whole."""
    longest = max(QUALIFIERS, key=lambda q: len("".join(q.split())))
    text = f"x {longest} U.S.$.5 million"
    (m,) = _quantity_matches(text)
    assert m.group(0) == f"{longest} U.S.$.5 million"
    assert len("".join(m.group(0)[: m.start("num") - m.start()].split())) + 1 <= _LEAD


_CORE_PIECES = st.sampled_from(
    [
        *["one", "Two", "tHREE", "seventy", "SEVEN", "ten", "often", "tent", "someone", "Twelve", "fıve"],
        *["ſix", "SıXTY", "İ", "eİght", "a", "A", "an", "An", "a  million", "an\nbillion", "a thouſand"],
        *["a mıllion", "aa million", "ban million", "5", "10", " ", "-", "\n", "x", "é", "nine", "Ninety"],
    ]
)


@settings(deadline=None, max_examples=500)
@given(st.one_of(st.lists(_CORE_PIECES, max_size=20).map("".join), st.text(max_size=40)))
def test_cores_are_where_the_core_pattern_matches(text: str) -> None:
    """Number words looked for with str.find give the places the core pattern's scan finds, the regex
    engine's case folding ("fıve", "ſix", "İ") included."""
    from newsextract.normalize.numbers import _CORE_RE, _cores

    assert _cores(text) == [m.start() for m in _CORE_RE.finditer(text)]


def _find_quantities_reference(text: str) -> list[object]:
    """find_quantities as first written: the "between" look-back made for every value."""
    from newsextract.normalize import numbers as nm

    matches = [m for m in nm._quantity_matches(text) if m.group("num") or m.group("wnum")]
    out: list[object] = []
    i = 0
    while i < len(matches):
        m = matches[i]
        base, mult = nm._raw(m)
        pct = m.group("pct") is not None
        cur = m.group("pre") or m.group("suf")
        if (
            cur is not None
            and nm._WEAK_SUFFIX_RE.fullmatch(cur)
            and not mult
            and "," not in (m.group("num") or "")
        ):
            cur = None
        start, end, qual = m.start(), m.end(), nm._qual(m)
        if i + 1 < len(matches):
            n = matches[i + 1]
            gap = text[m.end() : n.start()]
            between = nm._BETWEEN_RE.search(text[max(0, m.start() - 12) : m.start()]) if not qual else None
            is_dash = nm._RANGE_DASH_RE.fullmatch(gap) is not None and not nm._qual(n)
            is_and = between is not None and nm._RANGE_AND_RE.fullmatch(gap) is not None and not nm._qual(n)
            if is_dash or is_and:
                nbase, nmult = nm._raw(n)
                npct = n.group("pct") is not None
                ncur = n.group("pre") or n.group("suf")
                units_known = mult or nmult or pct or npct or cur or ncur
                if units_known and (is_and or base <= nbase) and (pct or not ncur or not cur or cur == ncur):
                    if mult is None and nmult is not None and base <= nbase:
                        mult = nmult
                    pct = pct or npct
                    cur = cur or ncur
                    if between is not None:
                        start = m.start() - (len(between.group(0)))
                    end, qual = n.end(), "range"
                    i += 1
        value = nm._tidy(base * mult) if mult else base
        kind = "percent" if pct else ("money" if cur else "number")
        out.append(
            (
                start,
                end,
                text[start:end],
                value,
                kind,
                cur if kind == "money" else None,
                qual,
                mult is not None,
            )
        )
        i += 1
    return out


_RANGE_PIECES = st.sampled_from(
    [
        *["between ", "Between  ", "about ", "5", "10", "12", "$", "%", " million", "-", " - ", "–", " and "],
        *["x", " to ", "HK$", "9.5", " yuan", "shares", " ", "\n"],
    ]
)


@settings(deadline=None, max_examples=400)
@given(st.lists(_RANGE_PIECES, max_size=16).map("".join))
def test_find_quantities_equals_looking_back_for_between_everywhere(text: str) -> None:
    from dataclasses import astuple

    from newsextract.normalize.numbers import find_quantities

    assert [astuple(q) for q in find_quantities(text)] == _find_quantities_reference(text)
