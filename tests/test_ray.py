"""newsextract.ray on a real local Ray cluster (num_cpus=2, a small object store), the real openai client
against a scripted endpoint on 127.0.0.1, and a real S3 API (moto's server) for the shared cache.

Marked ``ray``: one cluster for the module (about 10 s to start), a minute or two in all.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.support.keyed_openai import FAULTS, KeyedOpenAIServer, expected_move, make_article
from tests.support.s3_server import S3Server

from newsextract.errors import ConfigError
from newsextract.io.results import load_results, outcome_from_line

ray = pytest.importorskip("ray")
from newsextract.ray import RESULT_SCHEMA, extract_dataset, extract_files, written_ids  # noqa: E402

pytestmark = [pytest.mark.ray, pytest.mark.timeout(300)]
REPO = Path(__file__).resolve().parents[1]
WORKER_KEY = "sk-worker-env-key-0001"


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with S3Server() as server:
        yield server


@pytest.fixture(scope="module")
def cluster(s3: S3Server) -> Iterator[str]:
    """A local Ray cluster for this module; yields its address. Workers get the S3 endpoint and an API
    key through their environment, as on a real cluster."""
    env = {**s3.env, "OPENAI_API_KEY": WORKER_KEY}
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=200_000_000,
        runtime_env={"env_vars": env},
        log_to_driver=False,
    )
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()


def collect(ds: Any) -> pa.Table:
    return pa.concat_tables(ray.get(ds.to_arrow_refs()))


def by_id(table: pa.Table) -> dict[str, dict[str, Any]]:
    rows = table.to_pylist()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), f"duplicated ids: {[i for i, n in Counter(ids).items() if n > 1]}"
    return {r["id"]: r for r in rows}


def check_ok(row: dict[str, Any], n: int) -> None:
    want = expected_move(n)
    assert row["ok"] and row["error_type"] is None, row
    (move,) = row["stock_moves"]
    assert (move["company"], move["direction"], move["change_pct"]) == (
        want["company"],
        want["direction"],
        want["pct"],
    )
    assert move["evidence"]["quote"].startswith(want["company"])
    (event,) = json.loads(row["events_json"])
    assert event["type"] == "StockMove" and event["company"] == want["company"]


# -- hundreds of articles, faults, bad inputs ------------------------------------------------------
def test_hundreds_of_articles_with_faults(cluster: str, tmp_path: Path) -> None:
    faulty = dict(zip(range(5, 300, 10), itertools.cycle(FAULTS), strict=False))
    rows: list[dict[str, Any]] = [
        {"id": f"a{i}", "text": make_article(i, faulty.get(i)), "published": "2024-01-17"} for i in range(300)
    ]
    rows += [
        {"id": "empty", "text": "", "published": None},
        {"id": "blank", "text": " \n\t ", "published": None},
        {"id": "none", "text": None, "published": None},
        {"id": "huge", "text": "Acme9999 shares rose 1% on Monday. " * 400, "published": None},
    ]
    with KeyedOpenAIServer() as srv:
        ds = extract_dataset(
            ray.data.from_items(rows, override_num_blocks=6),
            base_url=srv.base_url,
            model="fake-model",
            cache_dir=str(tmp_path / "cache"),
            concurrency=2,
            in_flight=8,
            transport_attempts=2,
            transport_max_wait_s=0.5,
            max_retries=1,
            max_chars=10_000,
        )
        table = collect(ds)

    assert table.schema == RESULT_SCHEMA
    out = by_id(table)
    assert set(out) == {r["id"] for r in rows}  # one row per input, none lost, none twice
    for i in range(300):
        row, fault = out[f"a{i}"], faulty.get(i)
        if fault == "invalid":
            assert row["error_type"] == "ValidationExhaustedError" and row["attempts"] == 2
        elif fault == "down":
            assert row["error_type"] == "TransportError" and "503" in row["error_message"]
        else:
            check_ok(row, i)
            assert srv.answered[f"Acme{i:04d}"] == 1  # each article answered once: no duplicated work
            assert row["usage"]["total_tokens"] > 0 and row["model"] == "fake-model"
    for rid in ("empty", "blank", "none", "huge"):
        # text of the wrong type (None) is an InputTypeError: an InputError and a TypeError
        expected = "InputTypeError" if rid == "none" else "InputError"
        assert out[rid]["error_type"] == expected and not out[rid]["ok"]
        assert out[rid]["events_json"] is None and out[rid]["stock_moves"] is None
    assert srv.authorizations == {f"Bearer {WORKER_KEY}"}  # the workers' own key, from their environment


def test_the_api_key_never_travels_with_the_job(cluster: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        extract_dataset(
            ray.data.from_items([{"id": "a", "text": "x"}]), api_key="sk-explicit", base_url="http://h/v1"
        )

    monkeypatch.setenv("OPENAI_API_KEY", "sk-driver-secret-5678")  # the driver's key picks the backend ...
    ds = extract_dataset(ray.data.from_items([{"id": "a", "text": "x"}]), model="fake-model")
    plan = ray.cloudpickle.dumps(ds)  # ... but is nowhere in what is shipped to the cluster
    assert b"sk-driver-secret-5678" not in plan
    assert "sk-driver-secret" not in repr(ds) + str(ds)


def test_a_missing_column_fails_the_job_clearly(cluster: str) -> None:
    with KeyedOpenAIServer() as srv:
        ds = extract_dataset(
            ray.data.from_items([{"key": "a", "body": "x"}]), base_url=srv.base_url, cache=False
        )
        with pytest.raises(Exception, match="has no 'id' or 'text' column"):
            collect(ds)


# -- an actor killed mid-run -----------------------------------------------------------------------
def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        kids = [c for c, p in parents.items() if p == pid]
        found += kids
        frontier += kids
    return found


def _extract_actor_pids() -> list[int]:
    """PIDs of this test process's own Ray workers that host an ExtractActor (never anyone else's)."""
    pids = []
    for pid in _descendants(os.getpid()):
        with contextlib.suppress(OSError):
            if b"ExtractActor" in Path(f"/proc/{pid}/cmdline").read_bytes():
                pids.append(pid)
    return pids


def test_an_actor_killed_mid_run_loses_and_duplicates_nothing(cluster: str, tmp_path: Path) -> None:
    n = 160
    rows = [{"id": f"k{i}", "text": make_article(i)} for i in range(n)]
    killed: list[int] = []

    with KeyedOpenAIServer(delay=0.05) as srv:

        def kill_one_actor() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and sum(srv.answered.values()) < 30:
                time.sleep(0.02)
            for pid in _extract_actor_pids()[:1]:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        killer = threading.Thread(target=kill_one_actor, daemon=True)
        ds = extract_dataset(
            ray.data.from_items(rows, override_num_blocks=20),
            base_url=srv.base_url,
            model="fake-model",
            cache_dir=str(tmp_path / "cache"),
            concurrency=2,
            in_flight=4,
            batch_size=8,
        )
        killer.start()
        table = collect(ds)
        killer.join()
        answered = sum(srv.answered.values())

    assert killed, "no ExtractActor process was found to kill"
    assert answered < 2 * n  # the kill happened while work remained, and only its batch was redone
    out = by_id(table)
    assert set(out) == {r["id"] for r in rows}
    for i in range(n):
        check_ok(out[f"k{i}"], i)


# -- a driver killed mid-run, then resumed ---------------------------------------------------------
def _written(output: Path) -> dict[str, int]:
    """Rows per id in the readable result files (a file torn by the kill is not counted)."""
    ids: Counter[str] = Counter()
    for f in sorted(output.glob("*.parquet")):
        with contextlib.suppress(pa.ArrowException, OSError):
            ids.update(str(v) for v in pq.read_table(f, columns=["id"]).column("id").to_pylist())
    return dict(ids)


def _settled(output: Path) -> None:
    """Wait until the killed job's actors are gone and no new result file appeared for a second."""
    deadline, last, quiet_since = time.monotonic() + 60, None, time.monotonic()
    while time.monotonic() < deadline:
        files = sorted((f.name, f.stat().st_size) for f in output.glob("*.parquet"))
        if files != last:
            last, quiet_since = files, time.monotonic()
        elif time.monotonic() - quiet_since > 1.0 and not _extract_actor_pids():
            return
        time.sleep(0.1)


def test_resume_after_the_driver_is_killed(cluster: str, tmp_path: Path) -> None:
    n = 120
    inputs = tmp_path / "news"
    inputs.mkdir()
    for i in range(n):
        (inputs / f"art{i:03d}.txt").write_text(make_article(i), encoding="utf-8")
    output = tmp_path / "out"

    with KeyedOpenAIServer(delay=0.1) as srv:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")])}
        driver = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.ray_driver",
                cluster,
                str(inputs),
                str(output),
                srv.base_url,
            ],
            cwd=str(REPO),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 120
            while (
                time.monotonic() < deadline and not list(output.glob("*.parquet")) and driver.poll() is None
            ):
                time.sleep(0.05)
        finally:
            driver.send_signal(signal.SIGKILL)
            driver.wait(timeout=30)
        _settled(output)  # the cluster tears the killed driver's job down
        before = _written(output)
        assert 0 < len(before) < n, f"the driver was killed with {len(before)} of {n} rows written"
        asked_before = Counter(srv.answered)

        summary = extract_files(
            str(inputs), str(output), base_url=srv.base_url, model="fake-model", cache=False, concurrency=1
        )

    after = _written(output)
    assert set(after) == {f"art{i:03d}" for i in range(n)} and set(after.values()) == {1}
    assert summary.skipped == len(before) and summary.written == n - len(before) and summary.failed == 0
    for rid in before:  # what was written before the kill was not asked again
        name = f"Acme{int(rid[3:]):04d}"
        assert srv.answered[name] == asked_before[name] == 1


# -- two runs sharing the S3 cache -----------------------------------------------------------------
def test_two_runs_share_the_s3_cache(cluster: str, s3: S3Server, tmp_path: Path) -> None:
    bucket = s3.create_bucket("shared-answers")
    rows = [{"id": f"s{i}", "text": make_article(i)} for i in range(40)]
    with KeyedOpenAIServer() as srv:
        options = {
            "base_url": srv.base_url,
            "model": "fake-model",
            "cache_url": f"{bucket}/newsextract",
            "concurrency": 2,
        }
        first = by_id(
            collect(extract_dataset(ray.data.from_items(rows), cache_dir=str(tmp_path / "run1"), **options))
        )
        assert srv.request_count == 40 and not any(r["cached"] for r in first.values())
        # a second run with an empty local cache (another node, another day): every answer from S3
        second = by_id(
            collect(extract_dataset(ray.data.from_items(rows), cache_dir=str(tmp_path / "run2"), **options))
        )
        assert srv.request_count == 40
    assert all(r["cached"] and r["attempts"] == 0 for r in second.values())
    for i in range(40):
        check_ok(second[f"s{i}"], i)
        assert second[f"s{i}"]["events_json"] == first[f"s{i}"]["events_json"]
    assert len(s3.keys("shared-answers")) == 40


# -- files in, JSONL out ---------------------------------------------------------------------------
def test_folder_of_mixed_inputs_to_jsonl(cluster: str, tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "one.txt").write_text(make_article(1), encoding="utf-8")
    (news / "empty.txt").write_text("", encoding="utf-8")
    (news / "binary.txt").write_bytes(b"\x00\x01\x02 not text \xff")
    (news / "feed.jsonl").write_text(
        json.dumps({"id": "j2", "text": make_article(2), "published": "2024-01-17"}) + "\n" + "{not json\n"
        + json.dumps({"text": make_article(3)}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    pq.write_table(
        pa.table({"id": ["p4", "p5"], "text": [make_article(4), make_article(5, "down")]}), news / "t.parquet"
    )
    (news / "notes.md").write_text("ignored", encoding="utf-8")
    output = tmp_path / "out"

    with KeyedOpenAIServer() as srv:
        summary = extract_files(
            str(news), str(output), format="jsonl", base_url=srv.base_url, model="fake-model",
            cache_dir=str(tmp_path / "cache"), transport_attempts=1, concurrency=1,
        )  # fmt: skip
        assert srv.request_count == 5  # unreadable files and lines never reach the endpoint
        with pytest.raises(ConfigError, match="already holds results"):
            extract_files(str(news), str(output), resume=False, base_url=srv.base_url)

    lines = [json.loads(x) for f in sorted(output.glob("*.jsonl")) for x in f.read_text().splitlines()]
    got = {line["id"]: line for line in lines}
    assert len(lines) == len(got) == 8
    assert summary.written == 8 and summary.failed == 4 and summary.skipped == 0
    assert written_ids(str(output)) == set(got)  # what a resumed run would skip
    for rid, n in (("one", 1), ("j2", 2), ("feed:3", 3), ("p4", 4)):
        outcome = outcome_from_line(got[rid])  # the batch result format: Extraction back, validated
        assert [m.company for m in outcome.stock_moves] == [f"Acme{n:04d}"]  # type: ignore[union-attr]
    assert {rid: got[rid]["error"]["error"] for rid in ("empty", "binary", "feed:2", "p5")} == {
        "empty": "InputError",
        "binary": "InputError",
        "feed:2": "InputError",
        "p5": "TransportError",
    }
    assert "not valid JSON" in got["feed:2"]["error"]["message"]
    merged = tmp_path / "all.jsonl"
    merged.write_text("".join(f.read_text() for f in sorted(output.glob("*.jsonl"))))
    assert set(load_results(merged)) == {"one", "j2", "feed:3", "p4"}


# -- the embedded model on an actor ----------------------------------------------------------------
@pytest.mark.model
def test_the_embedded_model_runs_on_an_actor(cluster: str, tmp_path: Path) -> None:
    rows = [
        {"id": "e1", "text": "Acme Corp shares rose 5% on Monday after strong results."},
        {"id": "e2", "text": "Globex shares fell 3% in Tokyo on Tuesday."},
        {"id": "bad", "text": ""},
    ]
    ds = extract_dataset(ray.data.from_items(rows), cache_dir=str(tmp_path / "cache"), concurrency=1)
    out = by_id(collect(ds))
    assert set(out) == {"e1", "e2", "bad"}
    assert out["bad"]["error_type"] == "InputError"
    for rid, company, direction in (("e1", "Acme Corp", "up"), ("e2", "Globex", "down")):
        assert out[rid]["ok"], out[rid]
        moves = out[rid]["stock_moves"]
        assert [(m["company"], m["direction"]) for m in moves] == [(company, direction)]
        assert json.loads(out[rid]["meta_json"])["strategy"] == "sentence_choices"
