"""The command line as a new user meets it: --version, flag pairs, configuration errors before any
input is read, the summary that names the endpoint and counts requests, eval's honest exits."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.fake_openai import FakeOpenAIServer, ToolCall
from typer.testing import CliRunner

import newsextract
from newsextract.cli import app

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
GOLD = REPO / "fixtures" / "gold" / "seeds.jsonl"
NEWSEXTRACT = Path(sys.executable).parent / "newsextract"
EMPTY = {"share_sales": [], "executive_changes": [], "stock_moves": []}


def test_version() -> None:
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == f"newsextract {newsextract.__version__}"


def test_boolean_options_read_as_flag_pairs() -> None:
    res = CliRunner().invoke(app, ["extract", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert res.exit_code == 0
    help_text = res.stdout
    for pair in ("--resume", "--no-resume", "--cache", "--no-cache", "--refresh", "--no-refresh"):
        assert re.search(rf"{pair}\b", help_text), pair
    option_lines = [line for line in help_text.splitlines() if re.search(r"--(resume|cache|refresh)\b", line)]
    assert option_lines and not [line for line in option_lines if "<bool>" in line]
    eval_help = CliRunner().invoke(app, ["eval", "--help"], env={"COLUMNS": "200"}).stdout
    assert "docs/GOLD_FORMAT.md" in eval_help and "SCHEMA" not in eval_help


def test_configuration_error_exits_2_before_reading_input(tmp_path: Path) -> None:
    """No key for a hosted model: exit 2 at once. Reading input first would report the missing file."""
    res = CliRunner().invoke(app, ["extract", "/nowhere/articles/", "--model", "gpt-4o-mini"], input="x")
    assert res.exit_code == 2
    assert "needs a key" in res.stderr and "/nowhere" not in res.stderr and res.stdout == ""
    # a model file that does not load is found out before the inputs are read, too
    bad = tmp_path / "bad.gguf"
    bad.write_text("not a model", encoding="utf-8")
    res = CliRunner().invoke(app, ["extract", "/nowhere/articles/", "--model", str(bad)])
    assert res.exit_code == 2 and "could not load" in res.stderr and "/nowhere" not in res.stderr
    res = CliRunner().invoke(app, ["eval", "/nowhere/gold.jsonl", "--model", "gpt-4o-mini"])
    assert res.exit_code == 2 and "needs a key" in res.stderr and "cannot read gold" not in res.stderr
    # a real process reading stdin: the configuration is refused before stdin is touched
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    proc = subprocess.run(
        [str(NEWSEXTRACT), "extract", "-", "--model", "gpt-4o-mini", "--no-progress"],
        input="Acme Corp shares rose 5% on Monday.",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2 and "needs a key" in proc.stderr


def test_summary_names_the_endpoint_and_counts_requests(tmp_path: Path) -> None:
    with FakeOpenAIServer(default=ToolCall(EMPTY)) as server:
        args = ["extract", str(SEEDS), "--base-url", server.base_url, "--model", "m"]
        args += ["--cache-dir", str(tmp_path / "c"), "--no-progress"]
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 0, res.stderr
        endpoint = server.base_url.rstrip("/")
        assert "3 model request(s);" in res.stderr
        assert res.stderr.strip().endswith(f"endpoint {endpoint}")
        again = CliRunner().invoke(app, args)
        assert "3 done (3 cached, 0 resumed)" in again.stderr and "0 model request(s)" in again.stderr
        assert server.request_count == 3


@pytest.mark.model
def test_demo_table_shows_requests_and_counts_like_money(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSEXTRACT_CACHE_DIR": str(tmp_path / "c"), "COLUMNS": "200"}
    proc = subprocess.run(
        [str(NEWSEXTRACT), "extract", "seeds/", "--format", "table"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "000_2a337d593799195a: 5 event(s), 0 model request(s)" in proc.stdout
    # counts are grouped like money (the table wraps cells at 120 columns when not on a terminal)
    assert "shares=10,000,000" in proc.stdout and "871,000,000" in proc.stdout
    assert "0 model request(s)" in proc.stderr and proc.stderr.strip().endswith("endpoint embedded")


def test_eval_exits_3_when_no_prediction_belongs_to_the_gold(tmp_path: Path) -> None:
    preds = tmp_path / "preds.jsonl"
    meta = {"model": "m", "endpoint": "e"}
    lines = [{"id": "someone-else", "ok": True, "result": {"id": "someone-else", "meta": meta}}]
    preds.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", str(GOLD), str(preds)])
    assert res.exit_code == 3
    assert "none of the 1 prediction(s) belongs to an article" in res.stderr
    # the table still prints, with precision n/a (nothing predicted), not 1.0
    overall = next(line for line in res.stdout.splitlines() if line.startswith("overall"))
    assert overall.split()[4] == "n/a"


@pytest.mark.parametrize(("answer", "left"), [("n", 1), ("y", 0)])
def test_cache_clear_asks_on_a_terminal(tmp_path: Path, answer: str, left: int) -> None:
    import pty

    from newsextract.cache.store import JsonStore

    store = JsonStore(tmp_path / "cache")
    store.set("k", {"draft": {}})
    store.close()
    leader, follower = pty.openpty()  # stdin is a terminal, with the answer already typed
    try:
        os.write(leader, f"{answer}\n".encode())
        proc = subprocess.run(
            [str(NEWSEXTRACT), "cache", "clear", "--cache-dir", str(tmp_path / "cache")],
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert "Remove all 1 cached answer(s)" in proc.stderr, proc.stderr
    assert proc.returncode == 0
    assert JsonStore(tmp_path / "cache").stats()["entries"] == left
