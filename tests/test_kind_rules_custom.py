"""A caller's own kind on the embedded path: without rules it is a clear ConfigError; with rules
registered (data, generic readers) it is read by the ``sentence_choices`` strategy, grounded,
de-duplicated and typed like any kind, and a change of its rules changes the cache key."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from tests.support.fake_openai import FakeOpenAIServer
from tests.test_kind_rules import _read

from newsextract import ConfigError, Extractor, ShareSale
from newsextract.kinds import Date, Event, Identity, Money, Name
from newsextract.kinds.rules import Example, KindRules, Reading, Rule, register_rules, unregister_rules


class Payout(Event):
    """A company declares or pays a dividend to its shareholders."""

    company: Annotated[Name, Identity]
    per_share: Money | None = None
    payable: Date | None = None


@dataclass
class PayoutReading(Reading):
    per_share: str | None = None
    payable: str | None = None


S1 = "Harrowgate Foods Plc said on Monday it would pay a special dividend of $0.25 per share on April 15."
S2 = "Chief executive Anna Berg sold 40,000 shares in the company last week."
S3 = "Harrowgate said the $0.25 dividend would go to holders on its register on March 20."
ARTICLE = f"{S1} {S2} {S3}"

RULES = KindRules(
    kind="Payout",
    flag="is_dividend",
    task="Does the sentence say that a company pays a dividend? company: the company that pays it.",
    reading=PayoutReading,
    required=("company",),
    option_fields=("company",),
    find=Rule(
        id="payout.sentences",
        reader="sentences_with_words",
        why="A sentence that speaks of a dividend.",
        params={"words": r"\bdividends?\b", "not_words": r"\bno dividend\b"},
        examples=(
            Example(S1, {"candidates": 1}),
            Example("It will pay no dividend this year.", {"candidates": 0}),
        ),
    ),
    fields=(
        Rule(
            id="payout.per_share",
            reader="pattern_fields",
            why="An amount per share.",
            params={"pattern": r"(?P<per_share>\$\d+(?:\.\d+)?) (?:a|per) share"},
            examples=(Example(S1, {"per_share": "$0.25"}),),
        ),
        Rule(
            id="payout.payable",
            reader="pattern_fields",
            why="The day it is paid: the date after the amount per share.",
            params={"pattern": r"per share on (?P<payable>[A-Z][a-z]+ \d{1,2})"},
            examples=(Example(S1, {"payable": "April 15"}),),
        ),
    ),
    options=Rule(
        id="payout.company",
        reader="organisations",
        why="The company is an organisation the sentence names.",
        examples=(Example(S1, {"company": "Harrowgate Foods Plc"}),),
    ),
)


@pytest.fixture
def payout_rules() -> Iterator[KindRules]:
    register_rules(Payout, RULES)
    yield RULES
    unregister_rules(Payout)


def _extractor(server: FakeOpenAIServer, tmp_path: Path, **kw: Any) -> Extractor:
    return Extractor(
        model="m",
        base_url=server.base_url,
        api_key="sk-test",
        strategy="sentence_choices",
        kinds=[Payout, ShareSale],
        cache_dir=str(tmp_path / "c"),
        **kw,
    )


def test_a_kind_without_rules_is_a_config_error_naming_what_the_embedded_model_reads() -> None:
    with pytest.raises(ConfigError, match=r"rules only for ShareSale, ExecutiveChange, StockMove;.*Payout"):
        Extractor(kinds=[Payout])


@pytest.mark.parametrize(
    ("rule", "example"), [(rule, example) for rule in RULES.all_rules() for example in rule.examples]
)
def test_registered_rules_read_their_examples(rule: Rule, example: Example) -> None:
    """A caller's rules are tested from their examples the same way as the built-ins'."""
    assert _read(RULES, rule, example) == dict(example.reading)


def test_a_kind_with_registered_rules_is_extracted_grounded_and_deduplicated(
    payout_rules: KindRules, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    with _extractor(server, tmp_path) as ex:
        result = ex.extract(ARTICLE, published=dt.date(2024, 3, 4))
        again = ex.extract(ARTICLE, published=dt.date(2024, 3, 4))
    assert server.request_count == 0  # the rules fixed every field: no request
    [payout] = result.of(Payout)
    assert payout.company == "Harrowgate Foods Plc"  # S3's "Harrowgate" merged into it
    assert payout.per_share is not None and payout.per_share.amount == 0.25
    assert payout.payable == dt.date(2024, 4, 15)
    assert payout.evidence.quote == S1
    [sale] = result.share_sales
    assert sale.seller == "Anna Berg" and sale.shares == 40_000
    assert again.meta.cached and [e.model_dump() for e in again.events] == [
        e.model_dump() for e in result.events
    ]


def test_changed_rules_change_the_cache_key(
    payout_rules: KindRules, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    with _extractor(server, tmp_path) as ex:
        before = ex.cache_key(ARTICLE, None)
    changed = dataclasses.replace(
        payout_rules,
        fields=(dataclasses.replace(payout_rules.fields[0], params={"pattern": r"(?P<per_share>\$\d+)"}),),
    )
    register_rules(Payout, changed)
    with _extractor(server, tmp_path) as ex:
        assert ex.cache_key(ARTICLE, None) != before


def test_rules_for_another_kind_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot be registered"):
        register_rules(ShareSale, RULES)


@pytest.mark.model
def test_the_embedded_model_reads_a_kind_with_registered_rules(payout_rules: KindRules) -> None:
    with Extractor(kinds=[Payout], cache=False) as ex:
        assert ex.settings.resolved_strategy() == "sentence_choices"
        result = ex.extract(ARTICLE, published=dt.date(2024, 3, 4))
    assert [(p.company, p.payable) for p in result.of(Payout)] == [
        ("Harrowgate Foods Plc", dt.date(2024, 4, 15))
    ]
    assert result.share_sales == []  # only the kinds asked for


@pytest.mark.model
def test_the_readme_registers_rules_for_its_dividend_and_reads_it_on_the_embedded_model() -> None:
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    kind = next(b for b in blocks if "class Dividend(Event)" in b).split("result = extract")[0]
    rules = next(b for b in blocks if "register_rules(Dividend" in b)
    ns: dict[str, Any] = {}
    try:
        for code in (kind, rules):  # the README's own code, as a reader copies it (not this module's flags)
            exec(compile(code, "README.md", "exec", dont_inherit=True), ns)
        [dividend] = ns["result"].of(ns["Dividend"])
        assert dividend.company == "Gamma Foods Plc" and str(dividend.per_share.amount) == "0.25"
        assert ns["result"].meta.attempts == 0  # the rules fixed every field: no request
    finally:
        if "Dividend" in ns:
            unregister_rules(ns["Dividend"])


def test_a_rule_naming_no_reader_is_a_config_error_before_any_article(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    misspelt = dataclasses.replace(RULES, options=dataclasses.replace(RULES.options, reader="organisation"))
    register_rules(Payout, misspelt)
    try:
        with (
            _extractor(server, tmp_path) as ex,
            pytest.raises(ConfigError, match="names no reader 'organisation'"),
        ):
            ex.check()
    finally:
        unregister_rules(Payout)
