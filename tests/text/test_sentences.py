"""Tests for newsextract.text.sentences: examples from news text plus property tests."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsextract.text.sentences import MAX_SENTENCE_CHARS, paragraphs, sentence_at, split_sentences
from newsextract.text.spans import Span

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def texts(text: str) -> list[str]:
    return [sp.slice(text) for sp in split_sentences(text)]


def check_invariants(text: str, spans: list[Span]) -> None:
    prev_end = 0
    covered = [False] * len(text)
    for sp in spans:
        assert 0 <= sp.start < sp.end <= len(text)
        assert sp.start >= prev_end
        assert not text[sp.start].isspace() and not text[sp.end - 1].isspace()
        for i in range(sp.start, sp.end):
            covered[i] = True
        prev_end = sp.end
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert covered[i], (i, ch)


# --- Span -------------------------------------------------------------------------------------


def test_span_basics() -> None:
    sp = Span(2, 5)
    assert sp.slice("abcdefg") == "cde"
    assert len(sp) == 3
    assert sp.contains(2) and not sp.contains(5)
    assert sp.overlaps(Span(4, 9)) and not sp.overlaps(Span(5, 9))
    with pytest.raises(ValueError):
        Span(3, 2)
    with pytest.raises(ValueError):
        Span(-1, 2)
    with pytest.raises(AttributeError):
        sp.start = 0  # type: ignore[misc]


# --- examples -----------------------------------------------------------------------------------


def test_simple_split() -> None:
    assert texts("Shares fell. Analysts cheered! Why? Nobody knows.") == [
        "Shares fell.",
        "Analysts cheered!",
        "Why?",
        "Nobody knows.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Apple sold shares in the U.S. Securities and Exchange Commission filing.",
        "Alibaba Group Holding Ltd. Chairman Joe Tsai spoke.",
        "Mr. Ma and Dr. Tsai met at No. 1 Main St. Tuesday.",
        "Rates, e.g. the prime rate, rose.",
        "The call starts at 9 a.m. Eastern time.",
        "Xpeng ADS fell 3.84 percent to $9.51 by the close.",
        "Alibaba (NYSE: BABA, HKG: 9988) filed to sell a stake in Xpeng (NYSE: XPEV, HKG: 9868).",
        "Berkshire (NYSE: BRK.B) rose.",
        "The filing was signed by Jack B. Ma and others.",
        "“The key word is ‘firm and stable’… as we begin 2023,” Zhang said.",
        "“Stop!” he said.",
        "Shares of Foo Inc. rose on Monday.",
    ],
)
def test_no_false_split(text: str) -> None:
    assert texts(text) == [text]


def test_abbreviation_can_end_sentence_before_opener() -> None:
    text = "He moved to the U.S. The company followed. It bought Foo Inc. He left."
    assert texts(text) == ["He moved to the U.S.", "The company followed.", "It bought Foo Inc.", "He left."]


def test_quotes_and_brackets() -> None:
    text = 'He said "We will sell." Then he left. (The filing was late.) "Why?" she asked.'
    assert texts(text) == [
        'He said "We will sell."',
        "Then he left.",
        "(The filing was late.)",
        '"Why?" she asked.',
    ]


def test_paragraphs_and_headlines() -> None:
    text = (
        " Headline without stop\n\nFirst para. Second sentence\nwraps here.\r\n\r\nByline Here\nBody starts."
    )
    assert texts(text) == [
        "Headline without stop",
        "First para.",
        "Second sentence\nwraps here.",
        "Byline Here",
        "Body starts.",
    ]
    paras = [sp.slice(text) for sp in paragraphs(text)]
    assert paras == [
        "Headline without stop",
        "First para. Second sentence\nwraps here.",
        "Byline Here\nBody starts.",
    ]


def test_sentence_never_crosses_paragraph() -> None:
    text = "Ends with comma,\n\nnext paragraph lowercase"
    assert texts(text) == ["Ends with comma,", "next paragraph lowercase"]


def test_cjk_stops() -> None:
    assert texts("阿里巴巴出售股份。股价下跌。") == ["阿里巴巴出售股份。", "股价下跌。"]


def test_offsets_are_into_original() -> None:
    text = "  Leading spaces.   Two  spaces  inside.  "
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == ["Leading spaces.", "Two  spaces  inside."]
    assert spans[0].start == 2


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []
    assert paragraphs("") == []


def test_sentence_at() -> None:
    text = "One two. Three four.  Five."
    assert sentence_at(text, 0).slice(text) == "One two."
    assert sentence_at(text, 12).slice(text) == "Three four."
    assert sentence_at(text, 8).slice(text) == "Three four."  # whitespace -> next sentence
    assert sentence_at(text, len(text)).slice(text) == "Five."
    assert sentence_at("   ", 1) == Span(1, 1)
    with pytest.raises(IndexError):
        sentence_at(text, len(text) + 1)
    with pytest.raises(IndexError):
        sentence_at(text, -1)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seeds(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    spans = split_sentences(text)
    check_invariants(text, spans)
    sents = [sp.slice(text) for sp in spans]
    if path.stem.startswith("000"):
        assert (
            "Two regulatory filings last Thursday showed that Ma was looking to sell 10 million shares, "
            "worth about $871 million." in sents
        )
        assert "Alibaba shares have fallen by more than 10% so far this year." in sents
    if path.stem.startswith("002"):
        assert any(
            s.startswith("Chinese e-commerce giant Alibaba (NYSE: BABA, HKG: 9988) has filed") for s in sents
        )
        assert "Xpeng, VW ink joint sourcing program to reduce platform costs" in sents
        assert any("dropping 3.84 percent to $9.51 by the close of trading." in s for s in sents)
    check_invariants(text, paragraphs(text))


def test_linear_time() -> None:
    unit = (
        "Mr. Ma sold 10 million shares in the U.S. worth about $871 million (NYSE: BABA). “Why?” he said.\n\n"
    )
    text = unit * 2000  # ~200k characters
    t0 = time.perf_counter()
    spans = split_sentences(text)
    elapsed = time.perf_counter() - t0
    assert len(spans) == 4000
    assert elapsed < 2.0


# --- properties -----------------------------------------------------------------------------------

ALPHABET = st.sampled_from(
    [*"abcXYZ019 .,!?;:$%()[]\"'“”‘’…-\n\t\r", "\u2029", "\xa0", "U.S.", "Inc.", "Mr.", "e.g.", "3.84", "。"]
)
news_like = st.lists(ALPHABET, max_size=200).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(news_like, st.text(max_size=200)))
def test_property_invariants(text: str) -> None:
    spans = split_sentences(text)
    check_invariants(text, spans)
    paras = paragraphs(text)
    check_invariants(text, paras)
    # every sentence lies in exactly one paragraph
    for sp in spans:
        assert sum(1 for p in paras if p.start <= sp.start and sp.end <= p.end) == 1


@settings(max_examples=200, deadline=None)
@given(news_like, st.data())
def test_property_sentence_at(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    sp = sentence_at(text, offset)
    spans = split_sentences(text)
    if not spans:
        assert sp == Span(offset, offset)
    else:
        assert sp in spans
        if not (offset < len(text) and text[offset].isspace()) and offset < len(text):
            assert sp.contains(offset)


# --- the bound on one sentence (hostile input: no full stop) --------------------------------------


def test_no_sentence_is_longer_than_the_bound() -> None:
    text = "Gamma shares rose 5% and Delta fell 2%, " * 500 + "then it ended. Short one."
    spans = split_sentences(text)
    check_invariants(text, spans)
    assert max(len(sp) for sp in spans) <= MAX_SENTENCE_CHARS
    assert len(spans) > len(text) // MAX_SENTENCE_CHARS
    # cut after a comma, never inside a word, and the real sentence after the run is kept whole
    assert all(sp.slice(text).endswith((",", ".")) for sp in spans)
    assert spans[-1].slice(text) == "Short one."


def test_the_bound_prefers_semicolons_then_commas_then_spaces() -> None:
    def pieces(text: str, limit: int) -> list[str]:
        return [sp.slice(text) for sp in split_sentences(text, max_chars=limit)]

    assert pieces("aaaa bbb; cc, dd ee ff", 12) == ["aaaa bbb;", "cc, dd ee ff"]
    assert pieces("aa bb; cc, dd ee ff", 12) == ["aa bb; cc,", "dd ee ff"]  # ";" is in the first half
    assert pieces("aa bb cc dd ee ff", 12) == ["aa bb cc dd", "ee ff"]
    assert pieces("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    with pytest.raises(ValueError):
        split_sentences("text", max_chars=0)


@settings(max_examples=300, deadline=None)
@given(st.one_of(news_like, st.text(max_size=200)), st.integers(1, 40))
def test_property_bounded_invariants(text: str, max_chars: int) -> None:
    spans = split_sentences(text, max_chars=max_chars)
    check_invariants(text, spans)
    assert all(len(sp) <= max_chars for sp in spans)
    # a bound changes only where sentences are cut, never what they cover
    unbounded = split_sentences(text, max_chars=10**9)
    assert all(any(u.start <= sp.start and sp.end <= u.end for u in unbounded) for sp in spans)


# --- sentence_near: the same answer from the text around the offset ------------------------------

NEAR_ALPHABET = st.sampled_from(
    [
        *"abXY09 .,!?;:$%()\"'“”’…-\n\r",
        *["\n\n", "\u2029", "\xa0", "U.S.", "Inc.", "Mr.", "No. 5", "3.84"],
        *["。", "。」", "！", "The", "he", "Co. The", ". . .", "a" * 30, " " * 7],
    ]
)
near_texts = st.lists(NEAR_ALPHABET, max_size=120).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(near_texts, st.text(max_size=150)), st.data(), st.integers(1, 40), st.integers(0, 80))
def test_sentence_near_equals_sentence_at(text: str, data: st.DataObject, step: int, limit: int) -> None:
    """Read around the offset in steps of any size, with any reach (a short reach falls back to the
    whole text), the answer is the one splitting the whole text gives."""
    from newsextract.text.sentences import _sentence_index, sentence_near

    offsets = data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=8))
    _sentence_index.cache_clear()  # not indexed: the local reading is what is tested
    near = [sentence_near(text, o, _step=step, _limit=limit) for o in offsets]
    assert near == [sentence_at(text, o) for o in offsets]


def test_sentence_near_reads_long_texts_locally() -> None:
    """One look-up in a long article does not index it; hostile text without boundaries still answers."""
    from newsextract.text.sentences import _sentence_index, sentence_near

    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))) * 7
    _sentence_index.cache_clear()
    offsets = range(0, len(text), 97)
    near = [sentence_near(text, o) for o in offsets]
    assert _sentence_index.get(text) is None
    assert near == [sentence_at(text, o) for o in offsets]
    hostile = "x" * 30_000 + " 5% rose" * 3000
    _sentence_index.cache_clear()
    assert [sentence_near(hostile, o) for o in (0, 15_000, 40_000)] == [
        sentence_at(hostile, o) for o in (0, 15_000, 40_000)
    ]


def _cut_points_reference(text: str, lo: int, hi: int) -> list[int]:
    """``cut_points`` as first written: every whitespace run of ``text[lo:hi]`` decided in turn."""
    from newsextract.text import sentence_ends as ss

    cuts: list[int] = []
    for m in ss.WS.finditer(text, lo, hi):
        s, e = m.span()
        breaks = ss.line_breaks(m.group())
        if breaks >= 2:
            cuts.append(s)
        elif breaks == 1:
            if ss._line_ends_sentence(text, s, e):
                cuts.append(s)
        elif ss._ends_sentence(text, s, e):
            cuts.append(s)
    for m in ss._CJK_STOP.finditer(text, lo, hi):
        if m.end() < hi and not text[m.end()].isspace():
            cuts.append(m.end())
    return sorted(cuts)


@settings(max_examples=600, deadline=None)
@given(st.one_of(near_texts, news_like, st.text(max_size=150)), st.data())
def test_cut_points_equal_deciding_every_run(text: str, data: st.DataObject) -> None:
    """Looking only at runs after a terminal or closer and runs with a line break gains and loses no
    cut, for the whole text and for any stretch of it (runs cut off at its ends)."""
    from newsextract.text.sentence_ends import cut_points

    assert cut_points(text, 0, len(text)) == _cut_points_reference(text, 0, len(text))
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    assert cut_points(text, lo, hi) == _cut_points_reference(text, lo, hi)


def test_sentence_near_reads_a_bounded_stretch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Far from any sentence boundary (a hostile text without full stops), one look-up reads at most a
    few times its reach, whatever the offset, then splits the whole text once (later look-ups use it)."""
    from newsextract.text import sentences

    read: list[int] = []
    cut_points = sentences.cut_points

    def counted(text: str, lo: int, hi: int) -> list[int]:
        if (lo, hi) != (0, len(text)):  # the whole split (the fall-back, once per text) is not a look-up's
            read.append(hi - lo)
        return cut_points(text, lo, hi)

    monkeypatch.setattr(sentences, "cut_points", counted)
    run = "rose 5% and fell 2%, " * 500  # 10,500 characters: spaces and commas, no sentence end
    for text in (run, "Start. " + run + " End."):
        for offset in range(0, len(text), 37):
            sentences._sentence_index.cache_clear()
            read.clear()
            assert sentences.sentence_near(text, offset, _limit=200) == sentences.sentence_at(text, offset)
            assert sum(read) <= 4 * 200 + 2 * 40, (offset, read)
