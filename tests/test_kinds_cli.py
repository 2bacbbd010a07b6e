"""``newsextract extract --kinds module:Class``: a caller's kind from the command line, in a real process
against the scripted endpoint; a bad ``--kinds`` is a usage error (exit 2) that says what is wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.fake_openai import FakeOpenAIServer, ToolCall
from tests.test_kinds import ARTICLE, S1, S3, _dividend
from typer.testing import CliRunner

from newsextract.cli import app

NEWSEXTRACT = Path(sys.executable).parent / "newsextract"
KIND_MODULE = '''
from typing import Annotated
from newsextract.kinds import Date, Event, Identity, Money, Name


class Dividend(Event):
    """A company declares or pays a dividend to its shareholders."""

    company: Annotated[Name, Identity]
    per_share: Money | None = None
    payable: Date | None = None
'''


def test_a_kind_named_on_the_command_line_is_extracted(tmp_path: Path) -> None:
    (tmp_path / "mykinds.py").write_text(KIND_MODULE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    sale = {"quote": S3, "seller": "Anna Berg", "company": "Harrowgate Foods Plc", "shares": "40,000"}
    dividend = {
        k: v
        for k, v in _dividend(S1, "Harrowgate Foods Plc", "$0.25", "April 15", None).items()
        if k != "kind"
    }
    reply = {"share_sales": [sale], "dividends": [dividend]}
    with FakeOpenAIServer(default=ToolCall(reply)) as server:
        proc = subprocess.run(
            [str(NEWSEXTRACT), "extract", "a.txt", "--kinds", "mykinds:Dividend", "--kinds", "ShareSale",
             "--published", "2024-03-04", "--format", "jsonl", "--base-url", server.base_url,
             "--cache-dir", str(tmp_path / "cache"), "--no-progress"],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
            env={**os.environ, "OPENAI_API_KEY": "sk-test"},
        )  # fmt: skip
        tools = server.requests[0].body["tools"]
    assert proc.returncode == 0, proc.stderr
    [line] = [json.loads(x) for x in proc.stdout.splitlines()]
    result = line["result"]
    assert [e["type"] for e in result["other_events"]] == ["Dividend"]
    assert result["other_events"][0]["per_share"] == {"amount": "0.25", "currency": "USD", "qualifier": None}
    assert result["other_events"][0]["payable"] == "2024-04-15"
    assert [e["seller"] for e in result["share_sales"]] == ["Anna Berg"]
    assert set(tools[0]["function"]["parameters"]["properties"]) == {"dividends", "share_sales"}


def test_a_bad_kinds_option_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    runner = CliRunner()
    base = ["extract", str(tmp_path / "a.txt"), "--base-url", "http://127.0.0.1:9/v1", "--no-progress"]
    for spec, says in [
        ("Dividend", "write module:Class"),
        ("no_such_module_here:Dividend", "cannot import"),
        ("json:loads", "no event kind 'loads'"),
    ]:
        res = runner.invoke(app, [*base, "--kinds", spec], env={"OPENAI_API_KEY": "sk-test"})
        assert res.exit_code == 2 and says in res.stderr, res.stderr
