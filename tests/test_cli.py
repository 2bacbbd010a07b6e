"""The ``newsextract`` command: in-process with typer's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import Delay, FakeOpenAIServer, HTTPError, ToolCall
from typer.testing import CliRunner

from newsextract.cli import app

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
GOLD = REPO / "fixtures" / "gold" / "seeds.jsonl"
NEWSEXTRACT = Path(sys.executable).parent / "newsextract"
EMPTY = {"share_sales": [], "executive_changes": [], "stock_moves": []}
QUOTE = "Alibaba’s stock fell 9% in New York on Thursday"
ONE_MOVE = {
    **EMPTY,
    "stock_moves": [{"quote": QUOTE, "company": "Alibaba", "direction": "down", "change_pct": "9%"}],
}
SECRET = "sk-secret-never-shown-1234"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default=ToolCall(EMPTY)) as srv:
        yield srv


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return CliRunner()


def invoke(runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path, *args: str, **kw: Any) -> Any:
    base = ["--base-url", server.base_url, "--cache-dir", str(tmp_path / "cache"), "--no-progress"]
    result = runner.invoke(app, [args[0], *args[1:], *base], **kw)
    assert SECRET not in result.stdout and SECRET not in result.stderr
    return result


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# -- exit codes and formats -------------------------------------------------------------------------------
def test_extract_folder_jsonl_all_ok(runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    res = invoke(runner, server, tmp_path, "extract", str(SEEDS), "--format", "jsonl", "--out", str(out))
    assert res.exit_code == 0, res.stderr
    stdout_lines = jsonl(res.stdout)
    assert [line["id"] for line in stdout_lines] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert all(line["ok"] for line in stdout_lines)
    assert len(jsonl(out.read_text(encoding="utf-8"))) == 3
    assert "3 article(s): 3 done" in res.stderr
    assert server.request_count == 3


def test_bad_files_get_one_line_and_exit_1(
    runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "latin1.txt").write_bytes("Société Générale shares rose".encode("latin-1"))
    good = SEEDS / "002_bf1047d42fa0fe9c.txt"
    res = invoke(runner, server, tmp_path, "extract", str(tmp_path / "*.txt"), str(good), "--format", "json")
    assert res.exit_code == 1
    skipped = [line for line in res.stderr.splitlines() if line.startswith("newsextract: skipped ")]
    assert skipped == [
        f"newsextract: skipped {tmp_path / 'binary.txt'}: looks binary (it contains NUL bytes), "
        "not a text article",
        f"newsextract: skipped {tmp_path / 'empty.txt'}: is empty",
        f"newsextract: skipped {tmp_path / 'latin1.txt'}: is not valid UTF-8 (byte 4): "
        "convert it to UTF-8 first",
    ]
    assert [line["id"] for line in json.loads(res.stdout)] == [good.stem]


def test_nothing_processable_exits_3(runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n")
    res = invoke(
        runner, server, tmp_path, "extract", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")
    )
    assert res.exit_code == 3
    assert "missing.txt: no such file or folder" in res.stderr
    assert "holds only whitespace" in res.stderr
    assert server.request_count == 0


def test_every_article_failing_exits_3_and_never_shows_the_key(
    runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.default = HTTPError(401, message="bad key")
    res = invoke(runner, server, tmp_path, "extract", str(SEEDS / "000_2a337d593799195a.txt"))
    assert res.exit_code == 3
    assert "failed" in res.stdout  # the table shows the failure in place
    assert "0 done" in res.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--published", "last tuesday"], "published must be an ISO date"),
        (["--resume"], "--resume needs --out"),
        (["--format", "xml"], "Invalid value"),
        (["--model", "/nowhere/model.gguf", "--base-url", ""], "model file not found"),
    ],
)
def test_usage_errors_exit_2(
    runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path, args: list[str], message: str
) -> None:
    res = runner.invoke(app, ["extract", str(SEEDS), "--cache-dir", str(tmp_path), *args])
    assert res.exit_code == 2
    assert message in res.stderr
    assert server.request_count == 0


def test_stdin_text_and_jsonl_records(runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path) -> None:
    res = invoke(runner, server, tmp_path, "extract", "-", "--format", "jsonl", input="Acme shares rose 3%.")
    assert res.exit_code == 0 and [line["id"] for line in jsonl(res.stdout)] == ["stdin"]

    records = (
        '{"id": "r1", "text": "Acme shares rose 3%.", "published": "2024-01-02"}\n'
        'not json\n{"text": "B fell."}\n'
    )
    (tmp_path / "in.jsonl").write_text(records, encoding="utf-8")
    res = invoke(runner, server, tmp_path, "extract", str(tmp_path / "in.jsonl"), "--format", "jsonl")
    assert res.exit_code == 1
    assert [line["id"] for line in jsonl(res.stdout)] == ["r1", "in:3"]
    assert f"skipped {tmp_path / 'in.jsonl'}:2: not valid JSON" in res.stderr


def test_csv_and_table_show_events(runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path) -> None:
    seed = str(SEEDS / "000_2a337d593799195a.txt")
    server.enqueue(ToolCall(ONE_MOVE))
    res = invoke(runner, server, tmp_path, "extract", seed, "--format", "csv", "--published", "2023-11-23")
    assert res.exit_code == 0
    header, row = res.stdout.splitlines()
    assert header.startswith("id,type,")
    assert row.startswith("000_2a337d593799195a,StockMove,") and QUOTE in row

    res = invoke(runner, server, tmp_path, "extract", seed, "--published", "2023-11-23")  # cached now
    assert res.exit_code == 0
    assert "StockMove" in res.stdout and "Alibaba" in res.stdout and "(cached)" in res.stdout
    assert server.request_count == 1


def test_budget_exit_1(runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path) -> None:
    res = invoke(runner, server, tmp_path, "extract", str(SEEDS), "--budget", "1", "--concurrency", "1")
    assert res.exit_code == 1
    assert "2 skipped (token budget reached)" in res.stderr
    assert server.request_count == 1


def test_cache_stats_and_clear(runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path) -> None:
    invoke(runner, server, tmp_path, "extract", str(SEEDS))
    cache = ["--cache-dir", str(tmp_path / "cache")]
    res = runner.invoke(app, ["cache", "stats", *cache])
    assert res.exit_code == 0 and "entries: 3" in res.stdout
    # `newsextract cache stats | newsextract cache clear` pasted as written must not wipe the cache:
    # without --yes, clear asks, and with no terminal to ask on it refuses
    res = runner.invoke(app, ["cache", "clear", *cache], input="entries: 3\n")
    assert res.exit_code == 2 and "pass --yes" in res.stderr and "removed" not in res.stdout
    assert "entries: 3" in runner.invoke(app, ["cache", "stats", *cache]).stdout
    res = runner.invoke(app, ["cache", "clear", "--yes", *cache])
    assert res.exit_code == 0 and "removed 3 entries" in res.stdout
    assert "entries: 0" in runner.invoke(app, ["cache", "stats", *cache]).stdout


# -- eval -------------------------------------------------------------------------------------------------
def test_eval_with_predictions_file(runner: CliRunner, tmp_path: Path) -> None:
    gold_ids = [
        json.loads(line)["id"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    meta = {"model": "m", "endpoint": "e"}
    preds = [{"id": gold_ids[0], "ok": True, "result": {"id": gold_ids[0], "meta": meta}}]
    (tmp_path / "pred.jsonl").write_text("\n".join(json.dumps(p) for p in preds) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["eval", str(GOLD), str(tmp_path / "pred.jsonl")])
    assert res.exit_code == 0, res.stderr
    assert "overall" in res.stdout and "precision" in res.stdout


def test_eval_runs_extraction_on_the_gold_texts(
    runner: CliRunner, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    res = invoke(runner, server, tmp_path, "eval", str(GOLD), "--texts", str(SEEDS), "--json")
    assert res.exit_code == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["articles"] == server.request_count == 3
    assert report["overall"]["tp"] == 0  # the scripted model found nothing


# -- a real process ------------------------------------------------------------------------------
def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEWSEXTRACT), *args], capture_output=True, text=True, timeout=120, env=env or dict(os.environ)
    )


def test_subprocess_exit_codes_and_stderr_line(server: FakeOpenAIServer, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    env = {**os.environ, "OPENAI_API_KEY": SECRET}
    base = ["--base-url", server.base_url, "--cache-dir", str(tmp_path / "cache")]
    proc = run_cli("extract", str(SEEDS), str(tmp_path / "empty.txt"), "--format", "jsonl", *base, env=env)
    assert proc.returncode == 1
    assert f"newsextract: skipped {tmp_path / 'empty.txt'}: is empty\n" in proc.stderr
    assert len(jsonl(proc.stdout)) == 3
    assert SECRET not in proc.stdout + proc.stderr

    assert run_cli("extract", str(SEEDS), *base, env=env).returncode == 0
    assert run_cli("extract", str(tmp_path / "empty.txt"), *base, env=env).returncode == 3
    assert run_cli("extract", str(SEEDS), "--concurrency", "0", *base, env=env).returncode == 2
    helptext = run_cli("extract", "--help").stdout
    assert "Exit codes" in helptext


def test_killed_run_resumes_without_asking_again(server: FakeOpenAIServer, tmp_path: Path) -> None:
    """The issue's done-when: kill mid-run, re-run with --resume, the done articles cost no request."""
    out = tmp_path / "results.jsonl"
    server.enqueue(ToolCall(EMPTY), ToolCall(EMPTY), Delay(60, ToolCall(EMPTY)))  # the 3rd hangs
    args = ["extract", str(SEEDS), "--out", str(out), "--concurrency", "1", "--format", "jsonl"]
    args += ["--base-url", server.base_url, "--cache-dir", str(tmp_path / "cache"), "--no-progress"]
    proc = subprocess.Popen([str(NEWSEXTRACT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        server.wait_for_requests(3, timeout=60)  # two answered, the third in flight
        deadline = time.monotonic() + 30
        while len(jsonl(out.read_text(encoding="utf-8"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.communicate()
    assert [line["id"] for line in jsonl(out.read_text(encoding="utf-8"))] == [
        p.stem for p in sorted(SEEDS.glob("*.txt"))
    ][:2]
    assert server.request_count == 3

    done = run_cli(*[a for a in args], "--resume")
    assert done.returncode == 0, done.stderr
    assert server.request_count == 4  # exactly one new request: the article that was in flight
    assert "3 done (0 cached, 2 resumed)" in done.stderr
    ids = [line["id"] for line in jsonl(out.read_text(encoding="utf-8"))]
    assert sorted(ids) == sorted(p.stem for p in SEEDS.glob("*.txt")) and len(ids) == 3
