"""Operations: a full disk under --out, torn and stale lines on resume, and the smaller items (Retry-After
nan, lone surrogates, NUL past 64 KB, eval's latest line per id)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import FakeOpenAIServer, HTTPError, ToolCall
from typer.testing import CliRunner

from newsextract import Extraction, Extractor
from newsextract.batch import run_batch
from newsextract.cli import EXIT_OUTPUT, app
from newsextract.errors import InputError, OutputError
from newsextract.io.results import ResultWriter, repair_tail
from newsextract.retry import parse_retry_after

REPO = Path(__file__).resolve().parents[1]
EMPTY = {"share_sales": [], "executive_changes": [], "stock_moves": []}
GOLD = REPO / "fixtures" / "gold" / "seeds.jsonl"


@pytest.fixture
def server() -> Any:
    with FakeOpenAIServer(default=ToolCall(EMPTY)) as srv:
        yield srv


def _move(text: str, company: str = "Acme Corp") -> ToolCall:
    return ToolCall(
        json.dumps(
            {"stock_moves": [{"quote": text, "company": company, "direction": "up", "change_pct": "3%"}]}
        )
    )


def _records(n: int) -> list[dict[str, Any]]:
    return [{"id": f"a{i}", "text": f"Acme Corp shares rose {i}% on Monday."} for i in range(n)]


def _extractor(server: FakeOpenAIServer, tmp_path: Path, **kw: Any) -> Extractor:
    return Extractor(model="m", base_url=server.base_url, cache_dir=str(tmp_path / "cache"), **kw)


def _parsed_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


# -- 11: a full disk ------------------------------------------------------------------------------------
def test_a_write_to_a_full_device_is_a_typed_error() -> None:
    writer = ResultWriter("/dev/full")
    with pytest.raises(OutputError, match="No space left on device"):
        writer.write("a", InputError("x"))
    with pytest.raises(OutputError):  # and stays failed
        writer.write("b", InputError("y"))
    writer.close()


def _file_size_limit(limit: int) -> Any:
    def apply() -> None:  # pragma: no cover - runs in the child
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_cli_on_a_full_disk_stops_cleanly_and_resume_completes(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    """The output file may grow only to ~3.5 lines (RLIMIT_FSIZE makes the kernel refuse the rest, as a
    full disk would, with a partial write first): exit code 4, no traceback, no torn line, what was done
    on stdout; then --resume without the limit completes the file."""
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("\n".join(json.dumps(r) for r in _records(12)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    base = [sys.executable, "-m", "newsextract.cli", "extract", str(inputs), "--out", str(out)]
    base += [
        "--base-url",
        server.base_url,
        "--model",
        "m",
        "--format",
        "jsonl",
        "--no-cache",
        "--no-progress",
    ]
    base += ["--concurrency", "1"]
    one_line = len(json.dumps({"id": "a0", "ok": True, "result": {}, "input": "0" * 32})) + 700
    first = subprocess.run(
        base,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        preexec_fn=_file_size_limit(int(3.5 * one_line)),
    )
    assert first.returncode == EXIT_OUTPUT, first.stderr
    assert "Traceback" not in first.stderr
    assert "cannot write results to" in first.stderr and "--resume" in first.stderr
    kept = _parsed_lines(out)  # every line of the file parses: the partial one was cut back off
    assert 1 <= len(kept) < 12
    shown = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(shown) == 12 and {s["id"] for s in shown if s["ok"]} >= {k["id"] for k in kept}
    second = subprocess.run([*base, "--resume"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert second.returncode == 0, second.stderr
    assert sorted(line["id"] for line in _parsed_lines(out)) == sorted(f"a{i}" for i in range(12))


def test_resume_cuts_a_torn_last_line_before_appending(server: FakeOpenAIServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    first = run_batch(_extractor(server, tmp_path), _records(3), out=out)
    assert len(first.extractions) == 3
    lines = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(lines[:2]) + "\n" + lines[2][:40], encoding="utf-8")  # a crash mid-line
    again = run_batch(_extractor(server, tmp_path), _records(4), out=out, resume=True)
    assert all(isinstance(o, Extraction) for o in again) and again.summary.resumed == 2
    assert sorted(line["id"] for line in _parsed_lines(out)) == ["a0", "a1", "a2", "a3"]
    assert out.read_text(encoding="utf-8").endswith("\n")


def test_repair_tail_keeps_a_complete_last_line_and_adds_its_newline(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"id": "a"}\n{"id": "b"}')
    assert repair_tail(path) is not None
    assert path.read_bytes() == b'{"id": "a"}\n{"id": "b"}\n'
    assert repair_tail(path) is None
    path.write_bytes(b'{"id": "a"}\n{"id": "b", "ok": tr\n')  # torn, then completed by an older version
    assert "removed a torn last line" in (repair_tail(path) or "")
    assert path.read_bytes() == b'{"id": "a"}\n'


# -- 12: resume compares the text -------------------------------------------------------------------------
@pytest.mark.parametrize("legacy", [False, True], ids=["digest", "line-without-digest"])
def test_resume_re_extracts_an_article_whose_text_changed(
    server: FakeOpenAIServer, tmp_path: Path, legacy: bool
) -> None:
    out = tmp_path / "out.jsonl"
    old = [{"id": "x", "text": "Acme Corp shares rose 3% on Monday."}, {"id": "y", "text": "Nothing here."}]
    server.enqueue(_move(old[0]["text"]))
    first = run_batch(_extractor(server, tmp_path), old, out=out, concurrency=1)  # x takes the scripted reply
    assert len(first[0].stock_moves) == 1  # type: ignore[union-attr]
    if legacy:  # lines written before the digest existed: the evidence is compared instead
        out.write_text(
            "".join(
                json.dumps({k: v for k, v in line.items() if k != "input"}) + "\n"
                for line in _parsed_lines(out)
            ),
            encoding="utf-8",
        )
    new_text = "Update: Acme Corp shares rose 3% on Monday after the results."
    server.enqueue(_move("Acme Corp shares rose 3% on Monday after the results."))
    changed = [{"id": "x", "text": new_text}, old[1]]
    again = run_batch(_extractor(server, tmp_path), changed, out=out, resume=True)
    assert again.summary.resumed == 1  # y only
    x = again[0]
    assert isinstance(x, Extraction) and not x.meta.cached
    ev = x.stock_moves[0].evidence
    assert new_text[ev.start : ev.end] == ev.quote


def test_resume_with_a_changed_date_re_extracts(server: FakeOpenAIServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    recs = [{"id": "x", "text": "Acme Corp shares rose 3% on Monday.", "published": "2024-01-01"}]
    run_batch(_extractor(server, tmp_path), recs, out=out)
    same = run_batch(_extractor(server, tmp_path), recs, out=out, resume=True)
    assert same.summary.resumed == 1
    moved = run_batch(
        _extractor(server, tmp_path), [{**recs[0], "published": "2024-02-01"}], out=out, resume=True
    )
    assert moved.summary.resumed == 0


# -- 13: smaller items ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf"])
def test_retry_after_that_is_not_a_finite_number_is_retried_with_backoff(
    server: FakeOpenAIServer, tmp_path: Path, value: str
) -> None:
    assert parse_retry_after({"retry-after": value}) is None
    server.enqueue(HTTPError(429, headers={"Retry-After": value}), ToolCall(EMPTY))
    ex = _extractor(server, tmp_path, cache=False, transport_attempts=3)
    result = ex.extract("Acme Corp shares rose 3% on Monday.")
    assert isinstance(result, Extraction) and server.request_count == 2


def test_a_lone_surrogate_is_an_input_error(server: FakeOpenAIServer, tmp_path: Path) -> None:
    ex = _extractor(server, tmp_path)
    with pytest.raises(InputError, match="lone surrogate"):
        ex.extract("Acme Corp shares rose 3% \udc80 on Monday.")
    batch = run_batch(
        ex, ["Acme Corp shares rose 3% \ud800 on Monday.", "Acme Corp fell."], out=tmp_path / "o.jsonl"
    )
    assert isinstance(batch[0], InputError) and isinstance(batch[1], Extraction)
    assert server.request_count == 1


def test_a_nul_anywhere_is_refused(tmp_path: Path) -> None:
    ex = Extractor(model="m", base_url="http://127.0.0.1:9/v1", cache=False)
    text = "Acme Corp shares rose 3% on Monday. " * 2000 + "\x00"  # past 64 KB
    assert len(text) > 65536
    with pytest.raises(InputError, match="NUL"):
        ex.extract(text)
    with pytest.raises(InputError, match="NUL"):
        ex.extract(text.encode())


def test_eval_counts_the_latest_line_per_id(tmp_path: Path) -> None:
    gold_ids = [
        json.loads(line)["id"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    meta = {"model": "m", "endpoint": "e"}
    lines = [
        {"id": rid, "ok": False, "error": {"error": "TransportError", "message": "HTTP 503"}}
        for rid in gold_ids
    ] + [{"id": rid, "ok": True, "result": {"id": rid, "meta": meta}} for rid in gold_ids]  # the resumed run
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", str(GOLD), str(pred), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["articles"] == len(gold_ids)
    pred.write_text("\n".join(json.dumps(line) for line in reversed(lines)) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", str(GOLD), str(pred), "--json"])
    assert res.exit_code == 3  # now an error is the latest line of every id: nothing to score


def test_extract_writes_lone_surrogates_in_errors_as_valid_json(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    with ResultWriter(out) as writer:
        writer.write("a", InputError("bad \udc80 text"))
    assert _parsed_lines(out)[0]["error"]["message"] == "bad \udc80 text"


def test_outputerror_carries_the_batch_so_far(server: FakeOpenAIServer, tmp_path: Path) -> None:
    if not os.path.exists("/dev/full"):  # pragma: no cover - Linux has it
        pytest.skip("no /dev/full")
    with pytest.raises(OutputError) as info:
        run_batch(_extractor(server, tmp_path), _records(5), out="/dev/full", concurrency=1)
    result = info.value.result
    assert result is not None and len(result) == 5
    assert isinstance(result[0], Extraction)  # recorded in memory although its line failed
    assert result.summary.done >= 1
