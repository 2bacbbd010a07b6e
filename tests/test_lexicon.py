"""Word lists are held once (newsextract.lexicon) and every rule that needs one reads that list."""

from __future__ import annotations

import unicodedata

from newsextract import dedupe
from newsextract.grounding import checks
from newsextract.lexicon.companies import LEGAL_FORMS, NAME_CONNECTORS
from newsextract.lexicon.months import MONTH_ABBREVIATIONS, MONTH_NUMBERS, MONTH_WORDS
from newsextract.normalize import dates
from newsextract.text import candidates, names, sentence_ends, sentences
from newsextract.text import name_spans as name_finding


def test_old_names_still_import_and_are_the_lexicon() -> None:
    assert checks.CORPORATE_SUFFIXES == LEGAL_FORMS | NAME_CONNECTORS
    assert LEGAL_FORMS | {"the", "and"} == dedupe.CORPORATE_SUFFIXES
    assert dates.MONTHS is MONTH_NUMBERS
    assert LEGAL_FORMS <= names._CORPORATE and LEGAL_FORMS <= names._GENERIC
    assert MONTH_WORDS <= name_finding.NOT_NAMES
    assert MONTH_ABBREVIATIONS <= sentence_ends._NEVER_BREAK and "may" not in sentence_ends._NEVER_BREAK


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


def test_one_market_table_for_grounding_and_dedupe() -> None:
    """The two copies had drifted: grounding did not know "Wall Street", "STAR Market", "SEHK" ...,
    and de-duplication did not know "Hong Kong Exchange"."""
    from newsextract.lexicon.markets import MARKETS, market_aliases, market_codes

    assert dedupe.MARKET_ALIASES["hong kong exchange"] == "HK" == dedupe.normalize_market("SEHK")
    assert dedupe.markets_match("Wall Street", "NYSE")
    assert checks.market_in_text("Wall Street", "Shares of Gamma fell 3% on the NYSE.")
    assert checks.market_in_text("STAR Market", "Gamma shares rose 4% in Shanghai.")
    assert market_aliases() == checks.MARKET_ALIASES
    assert set(market_codes()) == set().union(*MARKETS.values())


def test_words_that_name_no_market_in_text_are_no_evidence() -> None:
    """ "America" and "HK" are markets as values, but "Bank of America" and "HK$3.50" name none."""
    assert not checks.market_in_text("NYSE", "Bank of America shares fell 3%.")
    assert not checks.market_in_text("Hong Kong", "Gamma shares fell 3% to HK$3.50.")
    assert dedupe.markets_match("America", "NYSE")


def test_text_folding_is_one_table() -> None:
    """Grounding's search folding and quote alignment fold the same quote and dash variants (the
    copies had drifted: grounding did not fold "′", "ʼ", "″" or the full-width dash)."""
    from newsextract.grounding import align
    from newsextract.lexicon.folding import DASHES, DOUBLE_QUOTES, SINGLE_QUOTES
    from newsextract.strategies.sentence_options import same_entity

    for c in SINGLE_QUOTES:
        assert align.normalize_for_match(f"Ma{c}s") == "ma's"
        if unicodedata.normalize("NFKC", c) == c:  # NFKC comes first there: "´" is a space and an accent
            assert checks.normalize_for_search(f"Ma{c}s") == "ma's"
    for c in DOUBLE_QUOTES:
        assert align.normalize_for_match(c) == '"'
    for c in DASHES:
        assert checks.normalize_for_search(f"Hong{c}Kong") == "hong kong"
    assert same_entity("Gamma‘s Fund", "Gamma's Fund")


def test_move_words_are_one_list() -> None:
    """Candidates, the embedded rules and direction parsing read the same move words (candidates
    had not known "leapt", "sagged", "skidded", "dived", "little changed")."""
    from newsextract.normalize.direction import parse_direction
    from newsextract.strategies.sentence_readers import read_sentence

    for sentence, direction in [
        ("Gamma shares leapt 4% on Monday.", "up"),
        ("Gamma shares sagged 2% on Monday.", "down"),
        ("Gamma shares skidded 2% on Monday.", "down"),
        ("Gamma shares dived 9% on Monday.", "down"),
    ]:
        anchors = candidates.move_anchors(sentence, candidates.Span(0, len(sentence)))
        assert len(anchors) == 1, sentence
        anchor = anchors[0]
        assert read_sentence("StockMove", sentence, [], anchor=anchor).values()["direction"] == direction
        assert parse_direction(sentence) == direction


def test_sale_status_and_change_words_are_one_list() -> None:
    """Status cues, sale words and change words each live once; uses that drifted read the union
    (the rules' sale date now also follows "unload"; modality's departures also "step aside"; the
    rules' change kind also reads "exit" and "removed")."""
    from newsextract.lexicon.changes import DEPART_CUES, DEPART_WORDS
    from newsextract.lexicon.status import STATUS_CUES
    from newsextract.normalize import modality
    from newsextract.strategies.sentence_readers import read_sentence

    assert [s for s, _ in STATUS_CUES] == [s for s, _ in modality._STATUS_RES]
    assert modality.appointment_change("Ann Lee stepped aside as CEO.") == "departed"
    s = "Gamma's board removed Ann Lee as chief executive."
    assert read_sentence("ExecutiveChange", s, []).values()["change"] == "departed"
    sale = "Gamma unloaded 1 million Delta shares on Monday."
    assert read_sentence("ShareSale", sale, []).values()["date"] == "on Monday"
    assert DEPART_WORDS in DEPART_CUES


def test_exit_is_no_change_word_for_finding_candidates() -> None:
    """A union of the copies would have made "exit" a change word everywhere; an analyst's "a sudden CEO
    exit" (a held-out article) then became an executive change of the analyst."""
    s = (
        '"A sudden CEO exit with no explanation is never what investors want to see," said Arjun '
        "Mehrotra, an analyst at Calder & Finch."
    )
    assert not [c for c in candidates.find_candidates(s) if c.kind == "ExecutiveChange"]


def test_weekdays_are_one_list() -> None:
    from newsextract.lexicon.weekdays import WEEKDAY_NAMES, WEEKDAY_NUMBERS
    from newsextract.strategies.sentence_choices import event_date

    assert dates.WEEKDAYS is WEEKDAY_NUMBERS
    assert frozenset(WEEKDAY_NAMES) <= name_finding.NOT_NAMES
    assert event_date("Gamma sold the stake on Sunday.") == "on Sunday"
    assert event_date("Gamma sold the stake on Sept. 5.") == "on Sept. 5"


def test_appointment_words_are_one_list() -> None:
    """modality's appointment cues read lexicon.changes (union: "electing", "taken over", "replace")."""
    from newsextract.normalize.modality import appointment_change

    assert appointment_change("Gamma is electing Ann Lee chair.") == "appointed"
    assert appointment_change("Bo Chan will replace her.") == "appointed"
    assert appointment_change("Ann Lee was replaced by Bo Chan as CEO.") == "departed"
    assert appointment_change("Ann Lee was succeeded by Bo Chan.") == "departed"
    assert appointment_change("the name of the new fund") is None
