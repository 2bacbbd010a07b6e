"""Worker processes that die: the dead one is named by how it ended and replaced, so the batch goes on;
a script without the ``__main__`` guard is told why its workers cannot start."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_openai import Delay, FakeOpenAIServer, ToolCall

from newsextract import Extraction, Extractor
from newsextract.batch import run_batch
from newsextract.errors import ExtractionError

REPO = Path(__file__).resolve().parents[1]
EMPTY = {"share_sales": [], "executive_changes": [], "stock_moves": []}


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default=ToolCall(EMPTY)) as srv:
        yield srv


def _workers() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "newsextract-worker"]


def test_both_workers_killed_the_batch_goes_on(server: FakeOpenAIServer, tmp_path: Path) -> None:
    # the first answer comes at once, the second only after 5 s: when the first is recorded, the other
    # worker is surely holding an article
    server.enqueue(ToolCall(EMPTY), Delay(5.0, ToolCall(EMPTY)))
    killed: list[int] = []

    def kill_all_workers_once(index: int, outcome: Any) -> None:
        if not killed:
            for proc in _workers():
                assert proc.pid is not None
                os.kill(proc.pid, signal.SIGKILL)
                killed.append(proc.pid)

    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(tmp_path / "c"), transport_attempts=1)
    records = [{"id": f"a{i}", "text": f"Acme Corp shares rose {i}% on Monday."} for i in range(10)]
    result = run_batch(ex, records, concurrency=2, processes=2, progress=kill_all_workers_once)
    assert len(killed) == 2
    assert [o.id if isinstance(o, Extraction) else None for o in result].count(None) == result.summary.failed
    failures = [str(e) for _, e in result.errors]
    assert 1 <= len(failures) <= 2, failures  # only what the killed workers held
    assert all("killed by SIGKILL" in f and "exit code None" not in f for f in failures), failures
    assert result.summary.done == 10 - len(failures)  # replacement workers took the rest


def test_a_script_without_the_main_guard_is_told_why(server: FakeOpenAIServer, tmp_path: Path) -> None:
    script = tmp_path / "unguarded.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            from newsextract import Extractor
            ex = Extractor(model="m", base_url=sys.argv[1], cache=False)
            res = ex.extract_many(["Acme Corp shares rose 3% on Monday."] * 3, processes=2, concurrency=2)
            print(json.dumps([str(e) for _, e in res.errors]))
            """
        ).replace("import sys", "import json, sys"),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script), server.base_url],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert done.returncode == 0, done.stderr
    errors = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(errors) == 3
    assert all('if __name__ == "__main__":' in e and "while starting" in e for e in errors), errors
    assert server.request_count == 0


def test_worker_errors_are_extraction_errors(server: FakeOpenAIServer, tmp_path: Path) -> None:
    """A worker that dies holding articles fails exactly those, with a typed error."""
    server.enqueue(Delay(5.0, ToolCall(EMPTY)))
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(tmp_path / "c"), transport_attempts=1)
    killed: list[int] = []
    records = [{"id": "slow", "text": "Acme Corp shares rose 1% on Monday."}]

    def killer() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not killed:
            for proc in _workers():
                if server.request_count >= 1 and proc.pid is not None:
                    os.kill(proc.pid, signal.SIGKILL)
                    killed.append(proc.pid)
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    result = run_batch(ex, records, concurrency=1, processes=2)
    thread.join(5)
    assert killed
    assert isinstance(result[0], ExtractionError) and "killed by SIGKILL" in str(result[0])
