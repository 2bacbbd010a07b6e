"""Numbers, counts and percentages as written in news text.

Everything here is pure and never raises on arbitrary input; a value that cannot be read is None.

Rules (shared by :mod:`newsextract.normalize.money`):

* A number is ``1,234.5``, ``37.50``, ``.5`` (ASCII digits; commas only as thousands separators) or a
  small number word (``one`` .. ``twelve``, ``twenty`` ... ``ninety``; ``a``/``an`` only before a magnitude:
  "a million shares"). Signs are ignored: every value is a magnitude.
* Magnitudes: ``thousand``, ``million``, ``billion``, ``trillion``, ``mln``/``mn``, ``bln``/``bn``,
  ``trn``/``tn``, ``lakh``, ``crore`` (optionally after a space), and ``k``/``m``/``b`` written straight
  after the digits ("€3.2m", "$5b", "10k"). Plurals ("millions of dollars") are not magnitudes.
* A qualifier directly before the value ("about", "nearly", "more than", "up to", ...) is part of the
  span and is reported in lower case.
* Ranges: ``10-12 million`` / ``9%-10%`` (hyphen or dash) and ``between X and Y`` are one mention whose
  value is the *lower* bound, with qualifier ``"range"``. The lower bound borrows the upper bound's
  magnitude ("10-12 million" is 10,000,000), percent sign and currency when it has none. "from X to Y"
  and "X to Y" are *not* ranges (they describe a change: "from 10.2 percent to 7.5 percent").
* A percentage is a number followed by ``%``, ``percent``, ``per cent``, ``pct`` or ``percentage point(s)``.
* A count (:func:`find_counts`) is a plain number (not a percentage, not money) followed, within at most
  four words and no punctuation, by a unit: shares, ADSs/ADRs/GDRs, (American) depositary shares/receipts,
  (restricted) stock units/RSUs. Years (a bare 1800-2199) and day numbers next to a month name are never
  counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from newsextract.lexicon.months import MONTH_PATTERN
from newsextract.normalize.currency import PREFIX_PATTERN, SUFFIX_PATTERN
from newsextract.normalize.mentions import Mention

QuantityKind = Literal["number", "percent", "money"]

#: Multiplier for each magnitude word, keyed in lower case.
MAGNITUDES: dict[str, int] = {
    "k": 10**3,
    "thousand": 10**3,
    "lakh": 10**5,
    "crore": 10**7,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "bln": 10**9,
    "billion": 10**9,
    "tn": 10**12,
    "trn": 10**12,
    "trillion": 10**12,
}

NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}

#: Qualifier phrases recognised directly before a value (longest first).
QUALIFIERS: tuple[str, ...] = (
    "approximately", "as much as", "as many as", "as high as", "as low as", "in excess of", "upwards of",
    "an estimated", "more than", "fewer than", "less than", "at least", "at most", "just over",
    "just under", "well over", "close to", "nearly", "almost", "around", "roughly", "about", "approx.",
    "approx", "circa", "some", "over", "above", "under", "below", "up to", "~",
)  # fmt: skip

_QUAL = "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in sorted(QUALIFIERS, key=len, reverse=True))
_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?![0-9])|\.[0-9]+(?![0-9])"
_WORDNUM = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety)(?![A-Za-z])|(?:a|an)(?=\s+(?:thousand|million|billion|trillion)\b)"
)
_MAG = (
    r"(?:\s?(?P<mag>(?i:thousand|million|billion|trillion|mln|bln|trn|mn|bn|tn|lakh|crore))"
    r"|(?P<mag1>(?i:[kmb])))(?![A-Za-z0-9])"
)
_PCT = r"(?:\s?%|[\s-]?(?i:percent|per\s+cent|pct|pc|percentage\s+points?)(?![A-Za-z]))"

_QUANTITY_RE = re.compile(
    r"(?<![A-Za-z0-9_.,])"
    r"(?:(?P<qual>(?i:" + _QUAL + r"))(?:\s+|(?<=~)))?"
    r"(?:(?P<pre>" + PREFIX_PATTERN + r")\s?)?"
    r"(?:(?P<num>" + _DIGITS + r")|(?<![A-Za-z])(?P<wnum>(?i:" + _WORDNUM + r")))"
    r"(?:" + _MAG + r")?"
    r"(?:(?P<pct>" + _PCT + r")|\s?(?P<suf>" + SUFFIX_PATTERN + r"))?"
)
_WEAK_SUFFIX_RE = re.compile(r"won", re.IGNORECASE)

#: Where a quantity's number can start: a digit or a number word. Every match of :data:`_QUANTITY_RE`
#: holds one, preceded by at most a qualifier ("approximately") and a currency ("U.S.$"), which are far
#: fewer than :data:`_LEAD` characters other than whitespace.
_CORE_RE = re.compile(r"[0-9]|(?<![A-Za-z])(?=[OTFSENAotfsena])(?i:" + _WORDNUM + r")")  # checked by a test
_LEAD = 24
_DIGIT_RE = re.compile(r"[0-9]")
_WORD_CORE_RE = re.compile(r"(?<![A-Za-z])(?=[OTFSENAotfsena])(?i:" + _WORDNUM + r")")
#: Every number word of :data:`_WORDNUM` but "a"/"an", and the magnitudes an "a"/"an" must precede.
_NUMBER_WORDS = tuple(w for w in NUMBER_WORDS if w not in {"a", "an"})
_MAGNITUDE_WORDS = ("thousand", "million", "billion", "trillion")


def _occurrences(text: str, word: str) -> list[int]:
    found, i = [], text.find(word)
    while i >= 0:
        found.append(i)
        i = text.find(word, i + 1)
    return found


def _cores(text: str) -> list[int]:
    """The starts of ``_CORE_RE.finditer(text)``: every digit, and every number word ``_WORD_CORE_RE``
    matches. The regex engine tries the words at every position (~30 us per KB); here each word is
    looked for with ``str.find`` in the lowercased text (the regex engine's case folding equates "ı" with
    "i" and "ſ" with "s", made plain first; a text whose lowercase changes length, "İ", is searched with
    the regex), and only those places are tried."""
    digits = [m.start() for m in _DIGIT_RE.finditer(text)]
    low = text.lower()
    if len(low) != len(text):
        return sorted(digits + [m.start() for m in _WORD_CORE_RE.finditer(text)])
    if not low.isascii():
        low = low.replace("ı", "i").replace("ſ", "s")
    places = [i for w in _NUMBER_WORDS for i in _occurrences(low, w)]
    for magnitude in _MAGNITUDE_WORDS:  # "a"/"an" only before a magnitude: look back from each
        for i in _occurrences(low, magnitude):
            j = i
            while j > 0 and low[j - 1].isspace():
                j -= 1
            if j < i:
                places += [k for k in (j - 1, j - 2) if k >= 0 and low[k] == "a"]
    words = sorted({p for p in places if _WORD_CORE_RE.match(text, p)})
    return sorted(digits + words) if words else digits


def _quantity_matches(text: str) -> list[re.Match[str]]:
    """``list(_QUANTITY_RE.finditer(text))``, with the (costly) full pattern tried only near a digit or a
    number word: from each such core, the search starts :data:`_LEAD` non-space characters back, before
    which no match holding that core can start. Matches are the ones ``finditer`` returns, in order: any
    match starts at or after the point a search starts from, so the leftmost one found is the next."""
    out: list[re.Match[str]] = []
    pos = 0
    for c in _cores(text):
        if c < pos:
            continue  # inside the match just found
        lo, need = c, _LEAD
        while need > 0 and lo > pos:
            step = text[max(pos, lo - need) : lo]
            lo -= len(step)
            need -= len("".join(step.split()))  # str.split's whitespace is the pattern's \s
        m = _QUANTITY_RE.search(text, lo)
        if m is None:
            break
        out.append(m)
        pos = m.end()
    return out


_RANGE_DASH_RE = re.compile(r"\s?[-–—]\s?")
_RANGE_AND_RE = re.compile(r"\s+and\s+", re.IGNORECASE)
_BETWEEN_RE = re.compile(r"(?i:between)\s+$")
_MONTHS = "(?:" + MONTH_PATTERN + ")"  # always inside (?i:...)
_MONTH_BEFORE_RE = re.compile(r"(?i:\b" + _MONTHS + r")\.?\s+$")
_MONTH_AFTER_RE = re.compile(r"^(?:st|nd|rd|th)?\s+(?i:" + _MONTHS + r")\b")
_UNIT = (
    r"(?:(?i:shares?|(?:american\s+)?depositary\s+(?:shares?|receipts?)|(?:restricted\s+)?stock\s+units?|"
    r"[ah]-shares?)|ADSs?|ADRs?|GDRs?|RSUs?)(?![A-Za-z])"
)
_STOP_WORDS = (
    r"(?i:years?|months?|weeks?|days?|hours?|times|percent|per|and|or|but|than|in|on|at|to|as|by|from|"
    r"since|after|before|when|while|worth|for|which|that|who|with)"
)
_COUNT_UNIT_RE = re.compile(
    r"[ \t]+(?:(?!" + _STOP_WORDS + r"[ \t])[^\s0-9.;:,()\[\]!?\"“”]+[ \t]+){0,4}?" + _UNIT
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number read from text, with what kind of quantity it is.

    ``value`` has the magnitude applied ("2.8 billion" is 2800000000). ``currency`` is the currency token
    as written ("HK$", "yuan") for money, else None. ``text == searched[start:end]``.
    """

    start: int
    end: int
    text: str
    value: Decimal
    kind: QuantityKind
    currency: str | None = None
    qualifier: str | None = None
    has_magnitude: bool = False


def _tidy(value: Decimal) -> Decimal:
    """Drop a spurious fractional part ("2800000000.0" -> "2800000000"); keep written decimals ("37.50")."""
    try:
        if value == value.to_integral_value() and value.as_tuple().exponent != 0:
            return Decimal(int(value))
    except (InvalidOperation, OverflowError, ValueError):
        return value
    return value


def _raw(m: re.Match[str]) -> tuple[Decimal, int | None]:
    if m.group("num") is not None:
        base = Decimal(m.group("num").replace(",", ""))
    else:
        base = Decimal(NUMBER_WORDS[m.group("wnum").lower()])
    mag_word = m.group("mag") or m.group("mag1")
    mult = MAGNITUDES[mag_word.lower()] if mag_word else None
    return base, mult


def _qual(m: re.Match[str]) -> str | None:
    q = m.group("qual")
    return " ".join(q.lower().split()) if q else None


def find_quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` (plain, percentage or money) in order, ranges merged as documented in the
    module. Spans never overlap and always satisfy ``text[q.start:q.end] == q.text``. Never raises."""
    matches = [m for m in _quantity_matches(text) if m.group("num") or m.group("wnum")]
    out: list[Quantity] = []
    i = 0
    while i < len(matches):
        m = matches[i]
        base, mult = _raw(m)
        pct = m.group("pct") is not None
        cur = m.group("pre") or m.group("suf")
        if (
            cur is not None
            and _WEAK_SUFFIX_RE.fullmatch(cur)
            and not mult
            and "," not in (m.group("num") or "")
        ):
            cur = None  # "in 2019 won the bid": "won" is money only after a magnitude or a large number
        start, end, qual = m.start(), m.end(), _qual(m)
        if i + 1 < len(matches):
            n = matches[i + 1]
            gap = text[m.end() : n.start()]
            dash_gap = _RANGE_DASH_RE.fullmatch(gap) is not None
            and_gap = not dash_gap and _RANGE_AND_RE.fullmatch(gap) is not None
            between = None  # "between" before the first value: looked for only when a range may follow
            if (dash_gap or and_gap) and not qual:
                between = _BETWEEN_RE.search(text[max(0, m.start() - 12) : m.start()])
            is_dash = dash_gap and not _qual(n)
            is_and = between is not None and and_gap and not _qual(n)
            if is_dash or is_and:
                nbase, nmult = _raw(n)
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
        value = _tidy(base * mult) if mult else base
        kind: QuantityKind = "percent" if pct else ("money" if cur else "number")
        out.append(
            Quantity(
                start=start,
                end=end,
                text=text[start:end],
                value=value,
                kind=kind,
                currency=cur if kind == "money" else None,
                qualifier=qual,
                has_magnitude=mult is not None,
            )
        )
        i += 1
    return out


def find_numbers(text: str) -> list[Mention[Decimal]]:
    """Every number in ``text`` of any kind (plain, percentage or money amount) as a Mention of its
    Decimal value. Never raises."""
    return [Mention(q.start, q.end, q.text, q.value, q.qualifier) for q in find_quantities(text)]


def parse_number(text: str) -> Decimal | None:
    """The first number in ``text`` with its magnitude applied ("10 million" -> 10000000,
    "2.8 billion" -> 2800000000, "1,234.5" -> 1234.5), whatever its kind; None when there is none."""
    qs = find_quantities(text)
    return qs[0].value if qs else None


def _is_year(q: Quantity) -> bool:
    t = q.text
    return (
        not q.has_magnitude
        and q.qualifier is None
        and re.fullmatch(r"[0-9]{4}", t) is not None
        and 1800 <= int(t) <= 2199
    )


def _next_to_month(text: str, q: Quantity) -> bool:
    return bool(_MONTH_BEFORE_RE.search(text[max(0, q.start - 12) : q.start])) or bool(
        _MONTH_AFTER_RE.match(text[q.end : q.end + 14])
    )


def _as_int(value: Decimal) -> int | None:
    try:
        if value == value.to_integral_value():
            return int(value)
    except (InvalidOperation, OverflowError, ValueError):
        return None
    return None


def find_counts(text: str) -> list[Mention[int]]:
    """Share counts: plain numbers followed by a share unit (see module rules), as whole numbers.
    The span covers the number (with qualifier/range), not the unit word. Percentages, money, years,
    dates and non-integral numbers are never counts. Never raises."""
    return _counts(text, find_quantities(text))


def _counts(text: str, quantities: list[Quantity]) -> list[Mention[int]]:
    out: list[Mention[int]] = []
    for q in quantities:
        if q.kind != "number" or _is_year(q) or _next_to_month(text, q):
            continue
        if not _COUNT_UNIT_RE.match(text, q.end, min(len(text), q.end + 120)):
            continue
        n = _as_int(q.value)
        if n is not None:
            out.append(Mention(q.start, q.end, q.text, n, q.qualifier))
    return out


def parse_count(text: str) -> int | None:
    """A number of shares: the first count next to a share unit ("33 million shares" -> 33000000,
    "25 million ADSs"), else the first plain number that is not a percentage or money
    ("10 million" -> 10000000). Years and day numbers next to a month are skipped. None when there is
    none or it is not a whole number."""
    quantities = find_quantities(text)  # scanned once, for both readings
    counts = _counts(text, quantities)
    if counts:
        return counts[0].value
    for q in quantities:
        if q.kind == "number" and not _is_year(q) and not _next_to_month(text, q):
            return _as_int(q.value)
    return None


def find_percents(text: str) -> list[Mention[float]]:
    """Percentages ("9%", "3.84 percent", "10.2 per cent", "nearly 10%"), as non-negative floats.
    Never raises."""
    return [
        Mention(q.start, q.end, q.text, float(q.value), q.qualifier)
        for q in find_quantities(text)
        if q.kind == "percent"
    ]


def parse_percent(text: str) -> float | None:
    """The first percentage in ``text`` as a magnitude ("nearly 10%" -> 10.0, "-3.84 percent" -> 3.84).
    If ``text`` holds no percentage but is just a plain number (optionally qualified: "9", "about 9"),
    that number. Otherwise None. Never negative."""
    qs = find_quantities(text)
    for q in qs:
        if q.kind == "percent":
            return float(q.value)
    if len(qs) == 1 and qs[0].kind == "number" and not qs[0].has_magnitude:
        rest = (text[: qs[0].start] + text[qs[0].end :]).strip(" \t\n+-−–()")
        if not rest:
            return float(qs[0].value)
    return None
