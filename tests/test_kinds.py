"""A caller's own event kind, end to end: defined in a few lines, asked for through the real openai
client against the scripted endpoint, grounded, de-duplicated, cached and rendered; invented values
refused; the embedded model refuses what it has no rules for; any such kind gives a strict schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel, Field, TypeAdapter, create_model
from tests.support.fake_openai import Content, FakeOpenAIServer, ToolCall
from tests.support.request_contract import openai_would_change, schema_shape, strict_schema_problems

from newsextract import ConfigError, Extractor, ShareSale
from newsextract.core.strict_schema import strict_schema
from newsextract.display import event_key, extraction_html, records
from newsextract.grounding.reask import reply_model
from newsextract.kinds import Date, Event, Identity, Money, Name, Percent, Person, Quantity, Role, Text
from newsextract.kinds.kindset import resolve_kinds
from newsextract.kinds.spec import KindError, kind_spec


class Dividend(Event):
    """A company declares or pays a dividend to its shareholders.

    Developer notes in later paragraphs are never sent."""

    company: Annotated[Name, Identity]
    per_share: Money | None = Field(default=None, description="Amount per share")
    payable: Date | None = None
    kind: Literal["regular", "special", "interim", "final"] | None = None


ARTICLE = (
    "Harrowgate Foods declares special dividend\n\n"
    "LONDON, March 4 (Reuters) - Harrowgate Foods Plc said on Monday it would pay a special dividend "
    "of $0.25 per share on April 15. The food group also reported annual revenue of $2.1 billion. "
    "Chief executive Anna Berg sold 40,000 shares in the company last week. "
    "Harrowgate said the $0.25 dividend would go to holders on its register on March 20."
)
PUBLISHED = dt.date(2024, 3, 4)
S1 = (
    "LONDON, March 4 (Reuters) - Harrowgate Foods Plc said on Monday it would pay a special dividend "
    "of $0.25 per share on April 15."
)
S3 = "Chief executive Anna Berg sold 40,000 shares in the company last week."
S4 = "Harrowgate said the $0.25 dividend would go to holders on its register on March 20."


def _dividend(
    quote: str, company: str, per_share: str | None, payable: str | None, kind: Any
) -> dict[str, Any]:
    return {"quote": quote, "company": company, "per_share": per_share, "payable": payable, "kind": kind}


REPLY: dict[str, Any] = {
    "share_sales": [
        {
            "quote": S3,
            "seller": "Anna Berg",
            "company": "Harrowgate Foods Plc",
            "shares": "40,000",
            "value": None,
            "price_per_share": None,
            "stake_before": None,
            "stake_after": None,
            "status": "completed",
            "date": "last week",
        }
    ],
    "dividends": [
        _dividend(S1, "Harrowgate Foods Plc", "$0.25", "April 15", "special"),
        _dividend(S4, "Harrowgate", "$0.25", None, None),  # the same dividend, said again
        _dividend(S1, "Acme Corp", "$0.30", "April 15", "regular"),  # invented company and amount
    ],
}


def _extractor(server: FakeOpenAIServer, tmp_path: Path, kinds: Any, **kw: Any) -> Extractor:
    """An Extractor on the scripted endpoint, asking as OpenAI does (strict ``json_schema``)."""
    options: dict[str, Any] = {"mode": "json_schema", "cache_dir": str(tmp_path / "c"), **kw}
    return Extractor(model="m", base_url=server.base_url, api_key="sk-test", kinds=kinds, **options)


def test_a_user_kind_round_trips_through_the_endpoint_grounded_and_deduplicated(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.default = Content(json.dumps(REPLY))
    with _extractor(server, tmp_path, [ShareSale, Dividend]) as ex:
        result = ex.extract(ARTICLE, published=PUBLISHED)
        again = ex.extract(ARTICLE, published=PUBLISHED)
    assert server.request_count == 1 and again.meta.cached  # the second answer came from the cache
    [dividend] = result.of(Dividend)
    assert isinstance(dividend, Dividend) and dividend.type == "Dividend"
    assert dividend.company == "Harrowgate Foods Plc"
    assert dividend.per_share is not None and dividend.per_share.amount == 0.25
    assert dividend.per_share.currency == "USD"
    assert dividend.payable == dt.date(2024, 4, 15) and dividend.kind == "special"
    assert (
        dividend.evidence.quote in ARTICLE and ARTICLE[dividend.evidence.start : dividend.evidence.end] == S1
    )
    [sale] = result.share_sales
    assert sale.seller == "Anna Berg" and sale.shares == 40_000
    assert [type(e).__name__ for e in result.events] == ["Dividend", "ShareSale"]
    acme = [d for d in result.meta.dropped if d.draft.get("company") == "Acme Corp"]
    assert acme and acme[0].field is None and "Acme Corp" in acme[0].reasons[0]
    assert [e.model_dump() for e in again.events] == [e.model_dump() for e in result.events]
    assert isinstance(again.of(Dividend)[0], Dividend)

    body = server.requests[0].body
    schema = body["response_format"]["json_schema"]["schema"]
    assert set(schema["properties"]) == {"share_sales", "dividends"}
    assert strict_schema_problems(schema) == []
    system = body["messages"][0]["content"]
    assert "- dividends: A company declares or pays a dividend to its shareholders." in system
    assert "Developer notes" not in json.dumps(body) and "stock_moves" not in system


def test_invented_values_in_a_user_kind_are_refused(server: FakeOpenAIServer, tmp_path: Path) -> None:
    invented = {
        "dividends": [
            _dividend(S1, "Harrowgate Foods Plc", "$0.40", "May 2", "special"),  # amount and date invented
            _dividend(S4, "Northwind Holdings", "$0.25", None, None),  # a company the article never names
        ]
    }
    server.default = Content(json.dumps(invented))
    with _extractor(server, tmp_path, [Dividend], cache=False) as ex:
        result = ex.extract(ARTICLE, published=PUBLISHED)
    [dividend] = result.other_events
    assert isinstance(dividend, Dividend)
    assert (
        dividend.company == "Harrowgate Foods Plc" and dividend.per_share is None and dividend.payable is None
    )
    fields = {d.field for d in result.meta.dropped}
    assert {"per_share", "payable"} <= fields
    whole = [d for d in result.meta.dropped if d.field is None]
    assert len(whole) == 1 and whole[0].draft["company"] == "Northwind Holdings"


def test_flag_keeps_the_event_with_its_problems(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = Content(
        json.dumps({"dividends": [_dividend(S1, "Harrowgate Foods Plc", "$0.40", None, None)]})
    )
    with _extractor(server, tmp_path, [Dividend], cache=False, grounding="flag") as ex:
        [dividend] = ex.extract(ARTICLE, published=PUBLISHED).of(Dividend)
    assert isinstance(dividend, Dividend) and dividend.per_share is not None
    assert any("per_share" in f for f in dividend.flags)


def test_an_unfindable_quote_is_reasked(server: FakeOpenAIServer, tmp_path: Path) -> None:
    wrong = {
        "dividends": [
            _dividend("Harrowgate will pay a dividend of a billion.", "Harrowgate", None, None, None)
        ]
    }
    right = {"dividends": [_dividend(S1, "Harrowgate Foods Plc", "$0.25", None, "special")]}
    server.enqueue(Content(json.dumps(wrong)), Content(json.dumps(right)))
    with _extractor(server, tmp_path, [Dividend], cache=False) as ex:
        result = ex.extract(ARTICLE, published=PUBLISHED)
    assert server.request_count == 2 and len(result.of(Dividend)) == 1
    assert "is not a sentence of the article" in json.dumps(server.requests[1].body["messages"])


def test_user_kinds_render_as_rows_and_html(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.default = Content(json.dumps(REPLY))
    with _extractor(server, tmp_path, [ShareSale, Dividend], cache=False) as ex:
        result = ex.extract(ARTICLE, published=PUBLISHED)
    rows = records([result])
    row = next(r for r in rows if r["type"] == "Dividend")
    assert row["company"] == "Harrowgate Foods Plc" and row["per_share_amount"] == 0.25
    assert (
        row["per_share_currency"] == "USD" and row["payable"] == dt.date(2024, 4, 15) and row["quote"] == S1
    )
    assert event_key(result.of(Dividend)[0]) == "Harrowgate Foods Plc"
    html = extraction_html(result)
    assert "Dividend" in html and "Harrowgate Foods Plc" in html
    frame = result.to_pandas()
    assert {"per_share_amount", "payable", "seller"} <= set(frame.columns)
    dumped = json.loads(result.model_dump_json())
    assert dumped["other_events"][0]["per_share"]["currency"] == "USD"


def test_the_kinds_schema_is_part_of_the_cache_key(server: FakeOpenAIServer, tmp_path: Path) -> None:
    class Dividend(Event):  # same name, one more field
        """A company declares or pays a dividend to its shareholders."""

        company: Annotated[Name, Identity]
        per_share: Money | None = None
        record_date: Date | None = None

    keys = set()
    for kinds in ([ShareSale, Dividend], [ShareSale, globals()["Dividend"]], [ShareSale], None):
        with _extractor(server, tmp_path, kinds) as ex:
            keys.add(ex.cache_key(ARTICLE, PUBLISHED))
    assert len(keys) == 4


def test_the_embedded_model_names_the_kinds_it_can_read() -> None:
    with pytest.raises(ConfigError, match=r"ShareSale, ExecutiveChange, StockMove.*cannot read Dividend"):
        Extractor(kinds=[ShareSale, Dividend])
    assert Extractor(kinds=[ShareSale]).settings.kinds is not None  # a subset of built-ins is readable


def test_a_class_that_cannot_be_a_kind_is_a_clear_error(server: FakeOpenAIServer) -> None:
    class NoDoc(Event):
        company: Name

    class Vague(Event):
        """Something happens."""

        company: Name
        venue: dict[str, str] | None = None

    for bad, message in [
        (NoDoc, "needs a docstring"),
        (Vague, "has no role"),
        (BaseModel, "not an event kind"),
    ]:
        with pytest.raises(ConfigError, match=message):
            Extractor(base_url=server.base_url, api_key="k", kinds=[bad])  # type: ignore[list-item]
    with pytest.raises(KindError, match="empty"):
        resolve_kinds([])


def test_roles_identity_and_draft_are_derived() -> None:
    class Layoff(Event):
        """A company cuts jobs."""

        company: Name
        jobs: Quantity | None = None
        share: Percent | None = None
        unit: Text | None = None
        announced_by: Person | None = None
        title: Role | None = None

    spec = kind_spec(Layoff)
    assert spec.list_key == "layoffs" and spec.identity == ("company",)
    assert [f.role for f in spec.fields] == ["name", "quantity", "percent", "text", "person", "role"]
    assert spec.draft.model_fields["jobs"].annotation == str | None
    assert kind_spec(Dividend).field("kind").choices == ("regular", "special", "interim", "final")


# ------------------------------------------------------------------- any user kind, strict on the wire

_ROLES: list[Any] = [Money, Quantity, Percent, Date, Name, Person, Role, Text, bool, Literal["a", "b"]]


@st.composite
def _kinds(draw: st.DrawFn) -> type[Event]:
    fields: dict[str, Any] = {"company": (Annotated[Name, Identity], Field(description="Who"))}
    for name in draw(
        st.lists(st.sampled_from(["alpha", "beta", "when", "note", "amount"]), max_size=4, unique=True)
    ):
        role = draw(st.sampled_from(_ROLES))
        described = draw(st.sampled_from([None, "Said once", "A longer note that a reference would shorten"]))
        if role is bool:
            fields[name] = (bool, Field(default=False, description=described))
        elif draw(st.booleans()):
            fields[name] = (role | None, Field(default=None, description=described))
        else:
            fields[name] = (role, Field(description=described))
    kind = create_model(f"K{draw(st.integers(0, 999))}", __base__=Event, __doc__="A thing happens.", **fields)
    return kind


@settings(max_examples=40, deadline=None)
@given(_kinds(), st.booleans())
def test_any_user_kind_gives_a_strict_schema_of_the_same_shape(kind: type[Event], with_builtin: bool) -> None:
    kinds = resolve_kinds([ShareSale, kind] if with_builtin else [kind])
    assert kinds is not None
    model = reply_model(kinds)
    spec = strict_schema(model)
    assert strict_schema_problems(spec.schema) == []
    assert not openai_would_change(spec.schema)
    assert schema_shape(spec.schema) == schema_shape(to_strict_json_schema(TypeAdapter(model)))
    assert "A thing happens" not in json.dumps(spec.schema)  # the description travels in the prompt
    empty: dict[str, list[Any]] = {key: [] for key in spec.schema["properties"]}
    assert model.model_validate(empty).items() == []


def test_the_readme_example_runs_as_written(server: FakeOpenAIServer) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own event kinds", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert 12 <= len([line for line in code.splitlines() if line.strip()]) <= 18  # "about 15 lines"
    reply = {
        "share_sales": [],
        "dividends": [_dividend(S1, "Harrowgate Foods Plc", "$0.25", "April 15", "special")],
    }
    server.default = ToolCall(reply)
    code = code.replace("http://127.0.0.1:8000/v1", server.base_url)
    namespace: dict[str, Any] = {"text": ARTICLE, "print": lambda *a: printed.append(a)}
    printed: list[tuple[Any, ...]] = []
    exec(compile(code, "README.md", "exec", dont_inherit=True), namespace)  # as a script runs it
    [(company, per_share, payable, quote)] = printed
    assert company == "Harrowgate Foods Plc" and per_share.currency == "USD"
    assert payable == dt.date(2024, 4, 15) and quote == S1


@pytest.mark.parametrize("processes", [1, 2])
def test_extract_many_with_a_user_kind_in_threads_and_worker_processes(
    server: FakeOpenAIServer, tmp_path: Path, processes: int
) -> None:
    """The kinds travel with the settings to worker processes (each rebuilds its Extractor from them)."""
    from newsextract import extract_many

    server.default = Content(json.dumps(REPLY))
    out = tmp_path / "results.jsonl"
    records_in = [{"id": f"a{i}", "text": ARTICLE + " " * i, "published": "2024-03-04"} for i in range(3)]
    options: dict[str, Any] = {"concurrency": 2, "processes": processes, "out": str(out), "progress": False}
    endpoint = {"base_url": server.base_url, "api_key": "sk-test", "mode": "json_schema"}
    batch = extract_many(
        records_in, kinds=[ShareSale, Dividend], cache_dir=str(tmp_path / "c"), **endpoint, **options
    )
    results = list(batch)
    assert len(results) == 3 and not batch.errors
    for result in results:
        assert not isinstance(result, Exception)
        [dividend] = result.of(Dividend)
        assert isinstance(dividend, Dividend) and dividend.per_share is not None
        assert [e.type for e in result.events] == ["Dividend", "ShareSale"]
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == ["a0", "a1", "a2"]
    assert all(line["result"]["other_events"][0]["type"] == "Dividend" for line in lines)


def test_a_user_kind_is_scored_against_gold(server: FakeOpenAIServer, tmp_path: Path) -> None:
    from newsextract.evaluate import parse_gold, score
    from newsextract.io.results import outcome_from_line, result_line

    start = ARTICLE.index(S1)
    gold_line = {
        "id": "h1",
        "published": "2024-03-04",
        "events": [
            {"type": "Dividend", "company": "Harrowgate Foods Plc", "per_share": {"amount": 0.25,
             "currency": "USD"}, "payable": "2024-04-15", "kind": "special", "quote": S1, "start": start,
             "end": start + len(S1)},
            {"type": "Dividend", "company": "Northwind", "quote": S4, "start": ARTICLE.index(S4),
             "end": ARTICLE.index(S4) + len(S4)},
        ],
    }  # fmt: skip
    with pytest.raises(ValueError, match="unknown event type 'Dividend'"):
        parse_gold([json.dumps(gold_line)])
    gold = parse_gold([json.dumps(gold_line)], kinds=[Dividend])
    server.default = Content(json.dumps({"dividends": REPLY["dividends"]}))
    with _extractor(server, tmp_path, [Dividend], cache=False) as ex:
        result = ex.extract(ARTICLE, published=PUBLISHED)
    report = score(gold, {"h1": result})
    counts = report.per_type["Dividend"]
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 1)  # Northwind was never predicted
    accuracy = report.field_accuracy()["Dividend"]
    assert accuracy == {"company": 1.0, "per_share": 1.0, "payable": 1.0, "kind": 1.0}
    # read back from a results file (no class at hand): scored the same, by its fields
    reread = outcome_from_line(json.loads(json.dumps(result_line("h1", result))))
    again = score(gold, {"h1": reread})
    assert (again.per_type["Dividend"].tp, again.per_type["Dividend"].fn) == (1, 1)


def test_mentions_merge_by_identity_and_conflicting_values_stay_apart() -> None:
    """A caller's kind is de-duplicated by the same rules as the built-ins: one event per identity and
    compatible values, the most complete mention's evidence, the fullest name, empty fields filled."""
    from decimal import Decimal

    from newsextract import Evidence
    from newsextract import Money as MoneyValue
    from newsextract.dedupe import dedupe

    def d(company: str, at: int, amount: str | None = None, payable: dt.date | None = None) -> Dividend:
        money = MoneyValue(amount=Decimal(amount), currency="USD") if amount else None
        evidence = Evidence(quote="q", start=at, end=at + 1)
        return Dividend(company=company, per_share=money, payable=payable, evidence=evidence)

    merged = dedupe(
        [d("Harrowgate Foods Plc", 0, "0.25"), d("Northwind", 5),
         d("Harrowgate", 9, None, dt.date(2024, 4, 15)), d("Harrowgate Foods", 12, "0.30"),
         d("Northwind Holdings", 20, "1")]
    )  # fmt: skip
    assert [(e.company, e.evidence.start) for e in merged] == [
        ("Harrowgate Foods Plc", 0), ("Northwind Holdings", 20), ("Harrowgate Foods", 12)
    ]  # fmt: skip
    first, north, other = merged
    assert isinstance(first, Dividend) and first.payable == dt.date(2024, 4, 15)  # from the later mention
    assert isinstance(north, Dividend) and north.per_share is not None and north.per_share.amount == 1
    assert isinstance(other, Dividend) and other.per_share is not None
    assert other.per_share.amount == Decimal("0.30")


def test_a_kind_named_like_a_built_in_is_refused_and_stored_events_read_back_plainly() -> None:
    from newsextract import Evidence, Extraction, Meta
    from newsextract.core.schemas import StoredEvent

    class StockMove(Event):
        """A look-alike."""

        company: Name

    with pytest.raises(KindError, match="name of a built-in kind"):
        resolve_kinds([StockMove])
    evidence = Evidence(quote="q", start=0, end=1)
    meta = Meta(model="m", endpoint="e")
    ex = Extraction.from_events([Dividend(company="Harrowgate", evidence=evidence)], meta)
    back = Extraction.model_validate_json(ex.model_dump_json())
    [stored] = back.other_events
    assert isinstance(stored, StoredEvent) and stored.type == "Dividend" and stored.company == "Harrowgate"
    own = Dividend.model_validate({"company": "Harrowgate", "evidence": evidence, "compnay": "typo"})
    assert not hasattr(own, "compnay")  # a kind's own class keeps only its fields


class Layoff(Event):
    """A company cuts jobs."""

    company: Name
    jobs: Quantity | None = None
    share: Percent | None = None
    unit: Text | None = None
    announced_by: Person | None = None
    title: Role | None = None


LAYOFF_ARTICLE = (
    "Northwind Holdings to cut 1,200 jobs\n\n"
    "Northwind Holdings said on Tuesday it would cut 1,200 jobs, or 8% of its workforce, in its logistics "
    "unit. Chief executive Maria Lopez announced the plan to staff."
)
LAYOFF_QUOTE = LAYOFF_ARTICLE.split("\n\n")[1].split(". ")[0] + "."


@pytest.mark.parametrize(
    "values,problems",
    [
        ({"jobs": "1,200", "share": "8%", "unit": "logistics unit", "announced_by": "Lopez",
          "title": "CEO"}, set()),
        ({"jobs": "2,500", "share": "8 percent", "unit": "retail arm", "announced_by": "John Smith",
          "title": "chief pilot"}, {"jobs", "unit", "announced_by", "title"}),
        ({"jobs": "2,500", "share": "12%"}, {"jobs", "share", None}),  # every number invented: the event
    ],
)  # fmt: skip
def test_each_role_is_checked_by_meaning(values: dict[str, str], problems: set[str | None]) -> None:
    from newsextract.grounding.verdict import judge

    spec = kind_spec(Layoff)
    draft = spec.draft.model_validate({"quote": LAYOFF_QUOTE, "company": "Northwind Holdings", **values})
    verdict = judge(spec, draft, LAYOFF_ARTICLE, dt.date(2024, 3, 5))
    assert verdict.span is not None
    assert {p.field for p in verdict.problems} == problems
    assert verdict.keeps_event == (None not in problems)


def test_a_built_in_event_in_the_wrong_list_is_moved_when_its_list_is_asked_for() -> None:
    from newsextract import ExecutiveChange, StockMove

    move = {"quote": "q", "company": "Xpeng", "direction": "down", "change_pct": "3%"}
    every = resolve_kinds([ShareSale, ExecutiveChange, StockMove, Dividend])
    assert every is not None
    routed = reply_model(every).model_validate({"share_sales": [move], "dividends": []})
    assert [k for k, _ in routed.items()] == ["StockMove"]
    fewer = resolve_kinds([ShareSale, Dividend])
    assert fewer is not None
    with pytest.raises(ValueError):  # no stock_moves list to move it to: it stays, and fails as a sale
        reply_model(fewer).model_validate({"share_sales": [move], "dividends": []})
