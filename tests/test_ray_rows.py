"""newsextract.ray's result rows without a cluster: schema, typed columns, JSONL lines, resume."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("ray")
import pyarrow.parquet as pq  # noqa: E402

from newsextract.core.schemas import Evidence, Meta, Money, Usage  # noqa: E402
from newsextract.errors import InputError, TransportError  # noqa: E402
from newsextract.extraction import Extraction  # noqa: E402
from newsextract.io.readers import read_file_bytes  # noqa: E402
from newsextract.io.results import outcome_from_line  # noqa: E402
from newsextract.kinds.executive_change import ExecutiveChange  # noqa: E402
from newsextract.kinds.share_sale import ShareSale  # noqa: E402
from newsextract.kinds.stock_move import StockMove  # noqa: E402
from newsextract.ray import RESULT_SCHEMA, ResumeWarning, jsonl_line, result_row, written_ids  # noqa: E402
from newsextract.ray.schema import to_table  # noqa: E402

TEXT = "Acme's founder sold 1.2 million shares for about $871.5 million on Jan. 3. Acme rose 4%."


def extraction() -> Extraction:
    sale = ShareSale(
        evidence=Evidence(quote=TEXT[:74], start=0, end=74),
        seller="Acme's founder",
        company="Acme",
        shares=1_200_000,
        value=Money(amount=Decimal("871500000"), currency="USD", qualifier="about"),
        price_per_share=Money(amount=Decimal("726.2500000001234"), currency="USD"),
        status="completed",
        date=dt.date(2024, 1, 3),
    )
    move = StockMove(
        evidence=Evidence(quote="Acme rose 4%.", start=75, end=88),
        company="Acme",
        direction="up",
        change_pct=4.0,
    )
    change = ExecutiveChange(
        evidence=Evidence(quote="4%.", start=85, end=88),
        company="Acme",
        person="Jane Roe",
        role="CFO",
        change="appointed",
        effective_date=dt.date(2024, 2, 1),
    )
    usage = Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15)
    meta = Meta(model="m", endpoint="http://h/v1", usage=usage, attempts=1, warnings=["w"])
    return Extraction.from_events([sale, move, change], meta, id="a1")


def test_an_extraction_row_has_exact_json_and_typed_columns() -> None:
    row = result_row("a1", extraction(), model="m")
    table = to_table([row])
    assert table.schema == RESULT_SCHEMA
    got = table.to_pylist()[0]
    (sale,) = got["share_sales"]
    assert sale["value"] == {
        "amount": Decimal("871500000.000000000"),
        "currency": "USD",
        "qualifier": "about",
    }
    assert sale["date"] == dt.date(2024, 1, 3) and sale["shares"] == 1_200_000
    assert sale["price_per_share"]["amount"] == Decimal("726.250000000")  # nine places in the typed column
    assert json.loads(got["events_json"])[0]["price_per_share"]["amount"] == "726.2500000001234"  # exact here
    assert got["stock_moves"][0]["change_pct"] == 4.0
    assert got["executive_changes"][0]["effective_date"] == dt.date(2024, 2, 1)
    assert got["usage"] == Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15).model_dump()
    assert set(got["usage"]) == set(Usage.model_fields)  # the struct follows the model field by field
    assert (got["ok"], got["error_type"], got["cached"], got["attempts"], got["model"]) == (
        True,
        None,
        False,
        1,
        "m",
    )
    assert json.loads(got["meta_json"])["warnings"] == ["w"]


def test_an_amount_beyond_38_digits_is_null_in_the_typed_column_only() -> None:
    big = extraction()
    sale = big.share_sales[0].model_copy(update={"value": Money(amount=Decimal("1e40"), currency="USD")})
    row = result_row("a1", big.model_copy(update={"share_sales": [sale]}), model="m")
    got = to_table([row]).to_pylist()[0]
    assert got["share_sales"][0]["value"]["amount"] is None
    assert json.loads(got["events_json"])[0]["value"]["amount"] in ("1E+40", "1e+40", "1E40")


def test_error_rows() -> None:
    err = TransportError("endpoint http://h/v1 kept failing: HTTP 503", status_code=503, attempts=4,
                         usage=Usage(prompt_tokens=3, total_tokens=3))  # fmt: skip
    rows = [result_row("t", err, model="m"), result_row("i", InputError("text is empty"), model="m")]
    got = to_table(rows).to_pylist()
    assert [r["error_type"] for r in got] == ["TransportError", "InputError"]
    assert got[0]["attempts"] == 4 and got[0]["usage"]["prompt_tokens"] == 3
    assert all(not r["ok"] and r["events_json"] is None and r["share_sales"] is None for r in got)


def test_jsonl_lines_read_back_as_the_batch_result_format() -> None:
    original = extraction()
    table = to_table([result_row("a1", original, model="m"), result_row("e", InputError("empty"), model="m")])
    ok_line, err_line = (jsonl_line(r) for r in table.to_pylist())
    back = outcome_from_line(json.loads(json.dumps(ok_line)))
    assert isinstance(back, Extraction)
    assert back.model_dump(exclude={"meta"}) == original.model_dump(exclude={"meta"})
    assert back.meta.usage == original.meta.usage and back.meta.warnings == ["w"]
    err = outcome_from_line(json.loads(json.dumps(err_line)))
    assert isinstance(err, InputError) and str(err) == "empty"


def test_written_ids_skips_and_sets_aside_torn_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    rows = [result_row(f"p{i}", InputError("x"), model="m") for i in range(3)]
    pq.write_table(to_table(rows), out / "a.parquet")
    good = (out / "a.parquet").read_bytes()
    (out / "b.parquet").write_bytes(good[: len(good) // 2])  # killed mid-write
    (out / "c.jsonl").write_text('{"id": "j1", "ok": true}\n{"id": "j2", "ok": false}\n')
    (out / "d.jsonl").write_text('{"id": "j3", "ok": true}\n{"id": "j4", "o')  # torn last line
    (out / "notes.txt").write_text("not a result file")
    with pytest.warns(ResumeWarning) as caught:
        done = written_ids(str(out))
    assert done == {"p0", "p1", "p2", "j1", "j2"}
    assert len(caught) == 2
    assert sorted(p.name for p in out.iterdir()) == [
        "_b.parquet.torn",
        "_d.jsonl.torn",
        "a.parquet",
        "c.jsonl",
        "notes.txt",
    ]
    assert written_ids(str(tmp_path / "missing")) == set()


def test_read_file_bytes_names_records_like_read_inputs() -> None:
    read = read_file_bytes(b'{"text": "A"}\n{"id": "x", "text": "B"}\nnope\n', "s3://b/news/feed.jsonl")
    assert [r["id"] for r in read.records] == ["feed:1", "x"]
    assert [p.source for p in read.problems] == ["s3://b/news/feed.jsonl:3"]
    txt = read_file_bytes(b"Acme rose 4%.", "/data/day/story-1.txt", published="2024-01-17")
    assert txt.records == [{"id": "story-1", "text": "Acme rose 4%.", "published": "2024-01-17"}]
    assert read_file_bytes(b"\x00\x01", "/d/bin.txt").problems


def test_an_actor_reads_the_key_from_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsextract.config import resolve_settings
    from newsextract.errors import ConfigError
    from newsextract.ray.actor import Columns, ExtractActor, settings_for_workers

    shipped = settings_for_workers(resolve_settings(api_key="sk-driver-only", model="gpt-4o-mini"))
    assert shipped.api_key is None and shipped.backend == "openai"
    with pytest.raises(ConfigError, match="no OPENAI_API_KEY") as caught:
        ExtractActor(shipped, 1000, 4, Columns())
    assert "sk-driver-only" not in str(caught.value)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-worker")
    actor = ExtractActor(shipped, 1000, 4, Columns())
    assert actor.extractor.settings.api_key == "sk-worker" and actor.extractor.settings.model == "gpt-4o-mini"
    # a self-hosted endpoint needs no key at all
    local = settings_for_workers(resolve_settings(base_url="http://127.0.0.1:9/v1"))
    monkeypatch.delenv("OPENAI_API_KEY")
    assert ExtractActor(local, 1000, 4, Columns()).extractor.settings.api_key is None
