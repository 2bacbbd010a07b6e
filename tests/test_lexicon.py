"""Word lists are held once (newsextract.lexicon) and every rule that needs one reads that list."""

from __future__ import annotations

from newsextract import dedupe
from newsextract.grounding import checks
from newsextract.lexicon.companies import LEGAL_FORMS, NAME_CONNECTORS
from newsextract.lexicon.months import MONTH_ABBREVIATIONS, MONTH_NUMBERS, MONTH_WORDS
from newsextract.normalize import dates
from newsextract.text import candidates, names, sentences


def test_old_names_still_import_and_are_the_lexicon() -> None:
    assert checks.CORPORATE_SUFFIXES == LEGAL_FORMS | NAME_CONNECTORS
    assert LEGAL_FORMS | {"the", "and"} == dedupe.CORPORATE_SUFFIXES
    assert dates.MONTHS is MONTH_NUMBERS
    assert LEGAL_FORMS <= names._CORPORATE and LEGAL_FORMS <= names._GENERIC
    assert MONTH_WORDS <= candidates._NOT_NAMES
    assert MONTH_ABBREVIATIONS <= sentences._NEVER_BREAK and "may" not in sentences._NEVER_BREAK


def test_grounding_and_dedupe_agree_on_legal_forms() -> None:
    """The copies had drifted: de-duplication knew "Pte", "GmbH", "SpA" ... and grounding did not."""
    for form in ("Pte", "GmbH", "SpA", "Bhd", "KK"):
        assert dedupe.names_match(f"Orchid {form}", "Orchid")
        assert checks.name_in_text(f"Orchid {form}", "Orchid shares fell 3% on Monday.")


def test_months_read_the_same_everywhere() -> None:
    assert [
        sp.slice(t) for t in ["Shares rose on Sept. 5 in Tokyo."] for sp in sentences.split_sentences(t)
    ] == ["Shares rose on Sept. 5 in Tokyo."]
    t = "Gamma said in September it would sell shares."
    assert "September" not in [n.slice(t) for n in candidates.name_spans(t, candidates.Span(0, len(t)))]
