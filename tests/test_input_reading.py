"""The CLI's input reading: only regular files, never more than an article can take, each real file once,
one stderr line per refused input, and the good articles beside them still extracted."""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

from tests.support.fake_openai import FakeOpenAIServer, ToolCall

from newsextract.io.readers import jsonl_line_limit, read_inputs

REPO = Path(__file__).resolve().parents[1]
GOOD = "Xpeng shares fell 3.84 percent to $9.51 on Tuesday."
REPLY = ToolCall(
    json.dumps(
        {
            "stock_moves": [
                {"quote": GOOD, "company": "Xpeng", "direction": "down", "change_pct": "3.84 percent"}
            ]
        }
    )
)


def _read_with_deadline(paths: list[str], seconds: float = 20.0, **kw: object) -> object:
    """read_inputs in a thread; fails the test (instead of hanging it) when it does not return."""
    box: list[object] = []
    worker = threading.Thread(target=lambda: box.append(read_inputs(paths, **kw)), daemon=True)  # type: ignore[arg-type]
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"read_inputs({paths}) still blocked after {seconds} s"
    return box[0]


def test_a_fifo_given_directly_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    try:
        read = _read_with_deadline([str(fifo), str(good)])
    finally:
        with contextlib.suppress(OSError):  # release a reader blocked on the FIFO (before the fix)
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert [r["id"] for r in read.records] == ["good"]  # type: ignore[attr-defined]
    assert [str(p) for p in read.problems] == [
        f"{fifo}: is a FIFO (named pipe), not a regular file: not read"
    ]  # type: ignore[attr-defined]


def test_a_txt_too_large_for_max_chars_is_refused_from_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(2**26)  # 64 MB, sparse: refused from its size, never read
    wide = tmp_path / "wide.txt"
    wide.write_text("€" * 100, encoding="utf-8")  # 300 bytes but 100 characters: fits max_chars=100
    long = tmp_path / "long.txt"
    long.write_text("x" * 101)
    read = read_inputs([str(huge), str(wide), str(long)], max_chars=100)
    assert [r["id"] for r in read.records] == ["wide"]
    messages = {Path(p.source).name: p.message for p in read.problems}
    assert messages["huge.txt"].startswith("is 67,108,864 bytes, more than an article of max_chars=100")
    assert "101 characters, over the limit of 100" in messages["long.txt"]


def test_a_self_referencing_symlink_yields_each_file_once(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(GOOD)
    (news / "loop").symlink_to(news, target_is_directory=True)
    read = read_inputs([str(news / "**" / "*.txt"), str(news / "a.txt"), str(news / "loop" / "a.txt")])
    assert [r["id"] for r in read.records] == ["a"] and read.problems == []


def test_jsonl_is_read_line_by_line_and_an_overlong_line_is_skipped(tmp_path: Path) -> None:
    max_chars = 50
    lines = [
        json.dumps({"id": "one", "text": "first \u2028 line separator inside a string"}),
        json.dumps({"id": "big", "text": "y" * (jsonl_line_limit(max_chars) + 10)}),
        json.dumps({"id": "three", "text": "third"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = read_inputs([str(path)], max_chars=max_chars)
    assert [r["id"] for r in read.records] == ["one", "three"]
    assert read.records[0]["text"] == "first \u2028 line separator inside a string"
    assert [p.source for p in read.problems] == [f"{path}:2"]
    assert "skipped" in read.problems[0].message


def test_stdin_article_and_jsonl_are_bounded() -> None:
    read = read_inputs(["-"], stdin=io.BytesIO(b"x" * 1000), max_chars=100)
    assert read.records == [] and "longer than 100 characters" in read.problems[0].message
    read = read_inputs(["-"], stdin=io.BytesIO(b"\n\n" + b'{"id": "s", "text": "hi"}\n'), max_chars=100)
    assert [r["id"] for r in read.records] == ["s"] and read.problems == []
    read = read_inputs(["-"], stdin=io.BytesIO(GOOD.encode()))
    assert [r["id"] for r in read.records] == ["stdin"]


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


def test_cli_refuses_each_bad_input_in_one_line_and_extracts_the_rest(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    """Under a 2 GB memory limit: a FIFO, /dev/zero and a 3 GB file beside a good article."""
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(3 * 2**30)
    server.enqueue(REPLY)
    env = {**os.environ, "NEWSEXTRACT_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "newsextract.cli", "extract", str(good), str(fifo), "/dev/zero", str(huge)]
    cmd += ["--base-url", server.base_url, "--model", "m", "--format", "jsonl", "--no-cache", "--no-progress"]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=120, env=env, cwd=REPO, preexec_fn=_limit_memory
        )
    finally:
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    skipped = [line for line in done.stderr.splitlines() if "skipped" in line and ": is " in line]
    assert len(skipped) == 3, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(o["id"], o["ok"]) for o in out] == [("good", True)]
