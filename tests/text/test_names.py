"""Name classification by article usage: pure rules, no model. Articles written for these tests."""

from __future__ import annotations

from newsextract.text.names import attributions, classify_names, is_acronym, is_common_word, is_place

TEXT = (
    "Orion Robotics (NASDAQ: ORBT) agreed a deal with Kestrel Capital. Orion shares fell 3%. "
    "The Tokyo-based lender said CEO Anna Berg, 58, will stay. Berg's team met Mr Tan. "
    "Local media outlet Metro Wire cited sources. Helix Asia, a unit of Orion, grew."
)
NAMES = [
    "Orion Robotics",
    "Kestrel Capital",
    "Orion",
    "Tokyo",
    "Anna Berg",
    "Berg",
    "Tan",
    "Metro Wire",
    "Helix Asia",
]


def test_usage_makes_orgs_persons_places_and_sources() -> None:
    an = classify_names(TEXT, NAMES)
    assert {"Orion Robotics", "Orion", "Kestrel Capital"} <= an.orgs
    assert {"Anna Berg", "Tan"} <= an.persons
    assert "Tokyo" in an.places and "Metro Wire" in an.media
    assert an.is_org("Helix Asia")  # a place inside a longer name
    assert an.looks_like_person("Berg")  # surname of a known person, despite "Berg's team"
    assert not an.looks_like_person("Orion") and not an.looks_like_person("Tokyo")
    assert not an.looks_like_person("Metro Wire") and not an.looks_like_person("ORBT")
    assert not an.looks_like_company("Anna Berg") and not an.looks_like_company("Hong Kong")
    assert an.looks_like_company("Kestrel Capital")


def test_gazetteer_and_acronyms() -> None:
    assert is_place("Hong Kong") and is_place("the US") and not is_place("Hong Kong Exchanges")
    assert is_acronym("IoT") and is_acronym("SEC") and not is_acronym("Xpeng") and not is_acronym("Jo Li")


def test_attributions_are_sources_not_actors() -> None:
    s = "According to Daily Star, Gamma sold shares, Delta Post reported, and Ann Roe told Zeta News."
    spans = [(s.index(n), s.index(n) + len(n)) for n in ["Daily Star", "Gamma", "Delta Post", "Zeta News"]]
    found = {s[a:b] for a, b in attributions(s, spans)}
    assert found == {"Daily Star", "Delta Post", "Zeta News"}


def test_descriptor_nouns_analysts_and_city_region_places() -> None:
    text = (
        "Orbis hired staff from London consultancy Arden Vale. "
        '"Weak," said Tomas Reyes, an analyst at Brightline Securities. '
        "The Tacoma, Washington-based group grew."
    )
    an = classify_names(text, ["Orbis", "Arden Vale", "Tomas Reyes", "Brightline Securities", "Tacoma"])
    assert "Arden Vale" in an.orgs
    assert "Tomas Reyes" in an.persons and not an.looks_like_company("Tomas Reyes")
    assert an.is_place("Tacoma")


def test_common_words_are_neither_people_nor_companies() -> None:
    text = (
        "Elsewhere, Vantor Bio said its co-chief executive Min Cho had resigned. Bankers said demand "
        "was strong and the bankers expect more deals. The Corvo Family Fund (Limited Partnership) "
        "filed a Form 4. Supervisory board member Ute Lang quit. Tencor said it would cut jobs, and "
        "Tencor shares fell."
    )
    assert is_common_word(text, "Elsewhere")  # only ever at the start of a sentence
    assert is_common_word(text, "Bankers")  # also written in lower case
    assert is_common_word(text, "Limited Partnership")  # legal-form words only
    assert is_common_word(text, "Form")
    assert is_common_word(text, "Supervisory")
    assert not is_common_word(text, "Tencor")  # also written mid-sentence
    assert not is_common_word(text, "Vantor Bio")
    assert not is_common_word(text, "Min Cho")
    an = classify_names(text, ["Elsewhere", "Vantor Bio", "Min Cho", "Bankers", "Tencor"])
    assert not an.looks_like_person("Elsewhere")
    assert not an.looks_like_company("Bankers")
    assert an.looks_like_company("Tencor")
    assert an.is_org("Vantor Bio")  # an industry word as the last word of a name


def test_a_name_written_in_capitals_elsewhere_is_no_common_word() -> None:
    text = "* CFO JANE ROE SOLD 25,000 SHARES\n\n* Roe sold 25,000 shares on Monday.\n\n* Roe retains 9,000."
    assert not is_common_word(text, "Roe")


def test_a_corporate_last_word_outweighs_a_title_before_the_name() -> None:
    text = "Activist investor Harbor Vale Capital said it sold. Ann Roe, who runs Kilnworth Partners, spoke."
    an = classify_names(text, ["Harbor Vale Capital", "Ann Roe", "Kilnworth Partners"])
    assert an.is_org("Harbor Vale Capital") and not an.looks_like_person("Harbor Vale Capital")
    assert an.looks_like_person("Ann Roe")
