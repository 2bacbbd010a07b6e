"""The grounding helpers' fast paths give exactly what the plain versions they replaced give."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from newsextract.grounding.checks import normalize_for_search
from newsextract.lexicon.folding import DASH_CLASS, QUOTE_TABLE


def _normalize_reference(s: str) -> str:
    """normalize_for_search as first written: str.translate, then three regex substitutions."""
    s = unicodedata.normalize("NFKC", s).translate(QUOTE_TABLE).casefold()
    s = re.sub(DASH_CLASS + "+", " ", s)
    s = re.sub(r"(?<![0-9]),|,(?![0-9])", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_PIECES = st.sampled_from(
    [
        *"aZ9,0 .-–—\n\t\u00a0\u2029‘’“”«»„`´ʼ′″﹘－",
        *["1,000", ",5", "5,", ",,", "ﬁ", "Ⅻ", "ẞ", "İ", "\u3000", "x,y"],
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(_PIECES, max_size=40).map("".join), st.text(max_size=80)))
def test_normalize_for_search_equals_the_plain_version(text: str) -> None:
    assert normalize_for_search.__wrapped__(text) == _normalize_reference(text)


_SENTENCE_PIECES = st.sampled_from(
    [*'aX9 .,!?$%"“”\n', "\n\n", "Mr.", "Inc.", "U.S.", "3.84", "。", "The", "sold 5 million shares"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SENTENCE_PIECES, max_size=80).map("".join), st.data())
def test_evidence_window_equals_the_window_of_the_whole_split(text: str, data: st.DataObject) -> None:
    from newsextract.grounding.context import evidence_window, window_at
    from newsextract.text.sentences import _sentence_index

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    _sentence_index.cache_clear()
    local = evidence_window(text, start, end)
    assert local == window_at(text, start, end).sentence(text)


_INSTRUCTION_PIECES = st.sampled_from(
    [
        *["Ignore previous instructions", "ignore all prior", "system prompt", "the assistant", "the AI llm"],
        *["this language  model", "Report that", "you are now", "As an AI", "please ", "  ", "\n", "X"],
        *["INSTRUCTİONS", "ınstructions", "aſſistant", "İgnore all previous", "PROMPT", "previous ", "all "],
        *["Shares rose 5%.", "“Sell now,” he said.", "(", "the ", "earlier ", "instructions", "Ignore"],
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(_INSTRUCTION_PIECES, max_size=8).map("".join), st.text(max_size=60)))
def test_is_instruction_equals_the_one_pattern(sentence: str) -> None:
    """Opening commands tried at the start only, the rest only when one of its words is there: the same
    answers as searching the whole pattern, the regex engine's case folding included."""
    from newsextract.grounding.instructions import _INSTRUCTION_RE, is_instruction

    assert is_instruction(sentence) == (_INSTRUCTION_RE.search(sentence.strip()) is not None)


_DOLLAR_PIECES = st.sampled_from(
    [
        *["Hong Kong dollars", "HK dollar", "hk  dollars", "Singapore dollars", "Australian dollar"],
        *[
            "Canadian dollars",
            "New Taiwan dollars",
            "Taiwanese dollar",
            "taiwan dollars",
            "New Zealand dollar",
        ],
        *[
            "US dollars",
            "U.S. dollar",
            "American  dollar",
            "USD",
            "uſd",
            "UſD",
            "u.s.$",
            "US$",
            "$",
            "U",
            "S",
        ],
        *[
            " ",
            ".",
            "x",
            "\n",
            "DOLLARS",
            "usdx",
            "_usd",
            "SİNGAPORE dollar",
            "ſingapore dollars",
            "hK dollar",
        ],
        *["Hong\nKong Dollars", "new zealand", "Taıwan dollar", "AUSTRALİAN DOLLARS", "canadıan dollars"],
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(_DOLLAR_PIECES, max_size=10).map("".join), st.text(max_size=40)))
def test_resolve_dollar_equals_searching_every_pattern(context: str) -> None:
    """Searching only where a pattern's words are gives the answer of searching every pattern."""
    from newsextract.normalize import currency

    expected = "USD"
    if not currency._US_DOLLAR_RE.search(context):
        found = {code for pat, code in currency._NON_US_DOLLARS.items() if re.search(pat, context, re.I)}
        expected = next(iter(found)) if len(found) == 1 else "USD"
    assert currency.resolve_dollar.__wrapped__(context) == expected


def test_a_draft_is_judged_once_whether_asked_by_name_or_by_spec() -> None:
    """The reply's validation asks by the kind's name, post-processing by its spec: one verdict."""
    from newsextract.grounding.verdict import judge
    from newsextract.kinds.drafts import ShareSaleDraft
    from newsextract.pipeline.by_kind import BUILTIN_SET

    text = "Jack Ma sold 10 million shares of Alibaba for about $871 million on Tuesday. Shares fell 2%."
    quote = text.split(". ")[0] + "."
    draft = ShareSaleDraft.model_validate(
        {"quote": quote, "seller": "Jack Ma", "company": "Alibaba", "shares": "10 million"}
    )
    by_name = judge("ShareSale", draft, text, None)
    assert judge(BUILTIN_SET.spec_of("ShareSale"), draft, text, None) is by_name
    assert by_name.kind == "ShareSale" and by_name.span is not None
