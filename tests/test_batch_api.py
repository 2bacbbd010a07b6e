"""The Batch API path end to end: the real openai client against a scripted Batch API on 127.0.0.1.

Every test asserts what was sent (uploads, batches, lines, online chat requests) and that each input
gets exactly one result, equal to what the online path makes of the same answers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests.support.batch_corpus import Article, answer_by_text, corpus
from tests.support.fake_batch_api import BatchScript, FakeBatchAPI
from tests.support.fake_openai import Delay, Hang, HTTPError, ToolCall

from newsextract import Extractor
from newsextract.batch_api import BatchJob
from newsextract.batch_api.state import state_path
from newsextract.errors import ConfigError, ExtractionError, InputError, OutputTruncatedError, TransportError
from newsextract.extraction import Extraction

REPO = Path(__file__).resolve().parents[1]
EMPTY = json.dumps({"share_sales": [], "executive_changes": [], "stock_moves": []})


def make(server: FakeBatchAPI, tmp_path: Path, name: str = "cache", **kw: Any) -> Extractor:
    kw.setdefault("transport_max_wait_s", 2.0)
    return Extractor(
        model="test-model",
        base_url=server.base_url,
        api_key="sk-secret-1",
        cache_dir=str(tmp_path / name),
        **kw,
    )


FAST = {"poll_interval_s": 0.0, "download_wait_s": 0.0}


def comparable(outcome: Any) -> Any:
    if isinstance(outcome, Extraction):
        return outcome.model_dump(mode="json", exclude={"meta": {"elapsed_s", "cached"}})
    return (type(outcome).__name__, str(outcome))


def events(outcome: Any) -> Any:
    assert isinstance(outcome, Extraction), outcome
    return [e.model_dump(mode="json") for e in outcome.events], [
        d.model_dump(mode="json") for d in outcome.meta.dropped
    ]


def online(
    server: FakeBatchAPI, tmp_path: Path, articles: list[Article], steps: list[Any], max_retries: int = 2
) -> list[Any]:
    """The online path over the same articles, one at a time, answered by ``steps`` in order."""
    server.enqueue(*steps)
    ex = make(server, tmp_path, "online-cache", max_retries=max_retries)
    out = []
    for a in articles:
        try:
            out.append(ex.extract(a.text, a.published, id=a.id))
        except ExtractionError as exc:
            out.append(exc)
    ex.close()
    return out


def out_ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- the whole corpus --------------------------------------------------------------------------------
def test_seeds_and_heldout_sets_equal_the_online_path(tmp_path: Path) -> None:
    """The default max_retries: every perfect answer validates (no re-ask), so both paths consume
    exactly one scripted answer per article."""
    articles = corpus()
    assert len(articles) == 27
    with FakeBatchAPI(answer=answer_by_text(articles)) as server:
        ex = make(server, tmp_path)
        job = ex.submit_batch([a.record() for a in articles], out=tmp_path / "r.jsonl", **FAST)
        result = job.wait()
        assert result.done and result.status == "completed"
        batch = job.results()
        assert server.counts.uploads == 1 and server.counts.creates == 1
        assert server.counts.lines_run == len(articles) and len(server.chat_requests) == 0
        # every answer went into the cache: the online path now answers from it, without a request
        hit = ex.extract(articles[4].text, articles[4].published, id=articles[4].id)
        assert hit.meta.cached and len(server.chat_requests) == 0
        assert hit.events == batch[4].events  # type: ignore[union-attr]
        lines = server.input_lines(job.state.batches[0].id)
        on = online(server, tmp_path, articles, [ToolCall(a.answer) for a in articles])
        assert len(server.chat_requests) == len(articles)
        # the batch line is byte for byte the request the online path sent
        for line, request in zip(lines, server.chat_requests, strict=True):
            assert line["body"] == request.body
    assert [comparable(o) for o in batch] == [comparable(o) for o in on]
    assert sum(len(o.events) for o in batch if isinstance(o, Extraction)) > 80
    assert out_ids(tmp_path / "r.jsonl") == [a.id for a in articles] or sorted(
        out_ids(tmp_path / "r.jsonl")
    ) == sorted(a.id for a in articles)


# -- fault cases -------------------------------------------------------------------------------------
def seeds() -> list[Article]:
    return corpus(("seeds",))


def test_shuffled_output_error_lines_and_invalid_answers(tmp_path: Path) -> None:
    arts = seeds()
    by_text = answer_by_text(arts)
    invalid = json.dumps(
        {
            "share_sales": [],
            "executive_changes": [],
            "stock_moves": [{"quote": "Invented.", "company": "X", "direction": "up"}],
        }
    )

    def answer(cid: str, body: Any) -> Any:
        user = body["messages"][-1]["content"]
        if arts[0].text in user:
            return HTTPError(500, "server overloaded")  # an error line
        if arts[1].text in user:
            return ToolCall(invalid)  # not grounded: re-asked online with the errors
        return by_text(cid, body)

    with FakeBatchAPI(answer=answer, default_script=BatchScript(shuffle=7)) as server:
        server.enqueue(ToolCall(arts[0].answer), ToolCall(arts[1].answer))
        job = make(server, tmp_path).submit_batch(
            [a.record() for a in arts], out=tmp_path / "r.jsonl", **FAST
        )
        batch = job.results(concurrency=1)
        chats = server.chat_requests
        assert server.counts.lines_run == 3 and len(chats) == 2
        # the error line is asked again as is; the invalid answer is re-asked carrying its errors
        fresh = [c for c in chats if len(c.body["messages"]) == 2]
        reask = [c for c in chats if len(c.body["messages"]) > 2]
        assert len(fresh) == 1 and len(reask) == 1
        assert reask[0].body["messages"][2]["role"] == "assistant"
        assert '"Invented." is not a sentence of the article' in reask[0].body["messages"][3]["content"]
        on = online(server, tmp_path, arts, [ToolCall(a.answer) for a in arts])
    assert all(isinstance(o, Extraction) for o in batch)
    assert [events(o) for o in batch] == [events(o) for o in on]
    assert batch[1].meta.attempts == 2 and batch[0].meta.attempts == 1  # type: ignore[union-attr]
    assert sorted(out_ids(tmp_path / "r.jsonl")) == sorted(a.id for a in arts)


def test_a_truncated_or_foreign_answer_fails_as_online(tmp_path: Path) -> None:
    arts = seeds()
    by_text = answer_by_text(arts)

    def answer(cid: str, body: Any) -> Any:
        if arts[0].text in body["messages"][-1]["content"]:
            return ToolCall(arts[0].answer[:40], finish_reason="length")  # cut at the token limit
        return by_text(cid, body)

    with FakeBatchAPI(answer=answer) as server:
        job = make(server, tmp_path).submit_batch(
            [a.record() for a in arts], out=tmp_path / "r.jsonl", **FAST
        )
        job.wait()
        # a line for a request nobody sent is ignored, however it looks
        out = job.folder / f"output-{job.state.batches[0].id}.jsonl"
        out.write_text(
            out.read_text() + json.dumps({"custom_id": "ne-" + "0" * 40 + "-0", "response": {}}) + "\n"
        )
        batch = job.results()
        assert len(server.chat_requests) == 0
        server.enqueue(ToolCall(arts[0].answer[:40], finish_reason="length"))
        on = online(server, tmp_path, arts[:1], [])
    assert type(batch[0]) is type(on[0]) is OutputTruncatedError
    assert all(isinstance(o, Extraction) for o in batch[1:])


def test_expired_batch_keeps_finished_lines_and_requeues_the_rest(tmp_path: Path) -> None:
    arts = seeds()
    expired = BatchScript(statuses=("validating", "in_progress", "expired"), finish=1)
    with FakeBatchAPI(answer=answer_by_text(arts), scripts=[expired]) as server:
        job = make(server, tmp_path).submit_batch(
            [a.record() for a in arts], out=tmp_path / "r.jsonl", **FAST
        )
        status = job.wait()
        assert status.done
        assert [s for _, s in status.batches] == ["expired", "completed"]
        assert server.counts.lines_per_batch == [3, 2] and server.counts.lines_run == 3
        assert max(server.counts.custom_ids.values()) == 1  # no line answered twice
        batch = job.results()
        assert len(server.chat_requests) == 0
        on = online(server, tmp_path, arts, [ToolCall(a.answer) for a in arts])
    assert [comparable(o) for o in batch] == [comparable(o) for o in on]


def test_late_output_file_and_transient_403_are_retried(tmp_path: Path) -> None:
    arts = seeds()
    late = BatchScript(late_polls=2, forbidden=2, missing=1)
    with FakeBatchAPI(answer=answer_by_text(arts), scripts=[late]) as server:
        job = make(server, tmp_path).submit_batch(
            [a.record() for a in arts], out=tmp_path / "r.jsonl", **FAST
        )
        batch = job.results()
        assert server.counts.download_refusals == 3 and server.counts.downloads == 4
        assert server.counts.polls == 3 + 2  # to completion, then while the output file id was missing
        assert len(server.chat_requests) == 0
    assert all(isinstance(o, Extraction) for o in batch)


def test_failed_batch_goes_online_and_cancelled_batch_reports_the_rest(tmp_path: Path) -> None:
    arts = seeds()
    failed = BatchScript(statuses=("validating", "failed"), errors=("line 1: bad",))
    with FakeBatchAPI(answer=answer_by_text(arts), scripts=[failed]) as server:
        server.enqueue(*[ToolCall(a.answer) for a in arts])
        job = make(server, tmp_path).submit_batch(
            [a.record() for a in arts], out=tmp_path / "r.jsonl", **FAST
        )
        batch = job.results(concurrency=1)  # the scripted online answers come in input order
        assert job.state.batches[0].errors == ["invalid: line 1: bad"]
        assert server.counts.lines_run == 0 and len(server.chat_requests) == 3
    assert all(isinstance(o, Extraction) for o in batch)

    slow = BatchScript(statuses=("validating", "in_progress", "in_progress", "in_progress"), finish=1)
    with FakeBatchAPI(answer=answer_by_text(arts), scripts=[slow]) as server:
        job = make(server, tmp_path, "cache2").submit_batch(
            [a.record() for a in arts], out=tmp_path / "c.jsonl", **FAST
        )
        job.status()
        job.cancel()
        batch = job.results()
        assert [s for _, s in job._status().batches] == ["cancelled"] and len(server.chat_requests) == 0
        again = job.results()  # errors are kept too: nothing is written twice, nothing is sent
        assert len(out_ids(tmp_path / "c.jsonl")) == 3 and len(server.chat_requests) == 0
        server.enqueue(*[ToolCall(a.answer) for a in arts[1:]])
        retried = job.results(retry_failed=True, concurrency=1)  # the errors are tried again, online
        assert len(server.chat_requests) == 2 and len(out_ids(tmp_path / "c.jsonl")) == 5
    kinds = [type(o).__name__ for o in batch]
    assert kinds.count("Extraction") == 1 and kinds.count("ExtractionError") == 2
    assert "cancelled" in str(next(o for o in batch if isinstance(o, ExtractionError)))
    assert [comparable(o) for o in again] == [comparable(o) for o in batch]
    assert all(isinstance(o, Extraction) for o in retried)


def test_cached_and_identical_articles_are_not_sent_and_collecting_twice_writes_nothing_twice(
    tmp_path: Path,
) -> None:
    arts = seeds()
    with FakeBatchAPI(answer=answer_by_text(arts)) as server:
        ex = make(server, tmp_path)
        server.enqueue(ToolCall(arts[0].answer))
        ex.extract(arts[0].text, arts[0].published)  # now cached
        records = [a.record() for a in arts] + [
            {**arts[1].record(), "id": "copy"},
            {"id": "bad", "text": "  "},
        ]
        job = ex.submit_batch(records, out=tmp_path / "r.jsonl", **FAST)
        assert (
            len(server.input_lines(job.state.batches[0].id)) == 2
        )  # arts[1], arts[2]; cached and copy not sent
        first = job.results()
        assert [type(o).__name__ for o in first] == ["Extraction"] * 4 + ["InputError"]
        assert first[0].meta.cached and events(first[3]) == events(first[1])  # type: ignore[union-attr]
        written = (tmp_path / "r.jsonl").read_text()
        again = BatchJob.load(tmp_path / "r.jsonl", make(server, tmp_path), **FAST).results()
        assert (tmp_path / "r.jsonl").read_text() == written  # nothing written twice
        assert [comparable(o) for o in again] == [comparable(o) for o in first]
        assert (
            server.counts.lines_run == 2 and len(server.chat_requests) == 1 and server.counts.downloads == 1
        )
    assert sorted(out_ids(tmp_path / "r.jsonl")) == sorted(["bad", "copy", *[a.id for a in arts]])


def test_a_refused_batch_creation_is_submitted_by_the_next_wait(tmp_path: Path) -> None:
    arts = seeds()
    with FakeBatchAPI(answer=answer_by_text(arts)) as server:
        server.refuse_creates = 1
        with pytest.raises(TransportError, match="HTTP 400"):
            make(server, tmp_path).submit_batch([a.record() for a in arts], out=tmp_path / "r.jsonl", **FAST)
        job = BatchJob.load(tmp_path / "r.jsonl", make(server, tmp_path), **FAST)
        assert job.state.batches == [] and job.state.pending == [(1, 0)]
        assert "submitting" in repr(job)
        server.refuse_polls = 2  # failed polls are tried again at the next interval
        batch = job.results()
        assert server.counts.polls == 3
        assert server.counts.uploads == 2 and server.counts.creates == 1 and server.counts.lines_run == 3
    assert all(isinstance(o, Extraction) for o in batch)


def test_a_chunk_two_articles_share_is_sent_once(tmp_path: Path) -> None:
    arts = seeds()
    long_a = "\n\n".join(a.text for a in arts)  # two chunks of at most 6,000 characters
    long_b = long_a + "\n\nA closing note that makes the last chunk differ."
    with FakeBatchAPI(answer=answer_by_text(arts)) as server:
        ex = make(server, tmp_path)
        ex.strategy.max_chunk_chars = 6_000  # type: ignore[attr-defined]
        job = ex.submit_batch(
            [{"id": "a", "text": long_a}, {"id": "b", "text": long_b}], out=tmp_path / "r.jsonl", **FAST
        )
        a, b = job.state.articles
        assert len(a.slots) == len(b.slots) >= 2 and a.slots[0] == b.slots[0] and a.slots[-1] != b.slots[-1]
        sent = [x["custom_id"] for x in server.input_lines(job.state.batches[0].id)]
        assert len(sent) == len(set(a.slots) | set(b.slots)) < len(a.slots) + len(b.slots)
        results = job.results()
    assert all(isinstance(o, Extraction) for o in results)


def test_split_over_the_request_limit(tmp_path: Path) -> None:
    arts = seeds()
    with FakeBatchAPI(answer=answer_by_text(arts)) as server:
        job = make(server, tmp_path).submit_batch(
            [a.record() for a in arts], out=tmp_path / "r.jsonl", max_requests=2, **FAST
        )
        assert server.counts.lines_per_batch == [2, 1] and server.counts.uploads == 2
        batch = job.results()
    assert all(isinstance(o, Extraction) for o in batch)


def test_reask_in_a_follow_up_batch(tmp_path: Path) -> None:
    arts = seeds()
    invalid = json.dumps({"share_sales": [{"quote": "Invented.", "seller": "A", "company": "B"}]})
    seen: dict[str, int] = {}

    def answer(cid: str, body: Any) -> Any:
        seen[cid] = seen.get(cid, 0) + 1
        if arts[2].text in body["messages"][1]["content"] and "." not in cid.split("-")[-1]:
            return ToolCall(invalid)
        return answer_by_text(arts)(cid, body)

    with FakeBatchAPI(answer=answer) as server:
        job = make(server, tmp_path).submit_batch(
            [a.record() for a in arts], out=tmp_path / "r.jsonl", reask="batch", **FAST
        )
        batch = job.results()
        assert server.counts.lines_per_batch == [3, 1] and len(server.chat_requests) == 0
        follow = server.input_lines(job.state.batches[1].id)[0]
        assert follow["custom_id"].endswith(".r1")
        assert "Validation Error" in follow["body"]["messages"][-1]["content"]
    assert all(isinstance(o, Extraction) for o in batch)
    assert batch[2].meta.attempts == 2  # type: ignore[union-attr]


def test_dry_run_writes_request_jsonl_and_collects_from_a_vllm_output_file(tmp_path: Path) -> None:
    arts = seeds()
    with FakeBatchAPI(answer=answer_by_text(arts)) as server:
        job = make(server, tmp_path).submit_batch(
            [a.record() for a in arts], out=tmp_path / "r.jsonl", dry_run=True
        )
        assert server.counts.uploads == 0 and job.request_files
        lines = [json.loads(x) for x in job.request_files[0].read_text().splitlines()]
        assert [x["url"] for x in lines] == ["/v1/chat/completions"] * 3 and lines[0]["method"] == "POST"
        # what vllm run-batch writes: one line per request, any order
        out_lines = []
        for line in reversed(lines):
            body = server._completion(answer_by_text(arts)(line["custom_id"], line["body"]), line["body"])  # type: ignore[arg-type]
            resp = {"status_code": 200, "request_id": "vllm-1", "body": body}
            out_lines.append(
                json.dumps({"id": "vllm-x", "custom_id": line["custom_id"], "response": resp, "error": None})
            )
        (tmp_path / "vllm_out.jsonl").write_text("\n".join(out_lines) + "\nnot json\n")
        with pytest.raises(ConfigError, match="from_file"):
            job.results()
        batch = BatchJob.load(tmp_path / "r.jsonl", make(server, tmp_path)).results(
            from_file=tmp_path / "vllm_out.jsonl"
        )
        assert len(server.chat_requests) == 0
    assert all(isinstance(o, Extraction) for o in batch) and len(batch) == 3


def test_load_refuses_another_configuration_and_foreign_state(tmp_path: Path) -> None:
    arts = seeds()
    with FakeBatchAPI(answer=answer_by_text(arts)) as server:
        make(server, tmp_path).submit_batch(
            [a.record() for a in arts[:1]], out=tmp_path / "r.jsonl", dry_run=True
        )
        other = Extractor(
            model="other-model", base_url=server.base_url, api_key="k", cache_dir=str(tmp_path / "c")
        )
        with pytest.raises(ConfigError, match="test-model"):
            BatchJob.load(tmp_path / "r.jsonl", other)
        with pytest.raises(ConfigError, match="already"):
            make(server, tmp_path).submit_batch([a.record() for a in arts[:1]], out=tmp_path / "r.jsonl")
        (tmp_path / "old.jsonl").write_text('{"id": "x", "ok": false, "error": {}}\n')
        with pytest.raises(ConfigError, match="already holds results"):
            make(server, tmp_path).submit_batch([a.record() for a in arts[:1]], out=tmp_path / "old.jsonl")
        state = json.loads(state_path(tmp_path / "r.jsonl").read_text())
        state["batches"] = [{"id": "../../etc", "input_file_id": "f", "lines": []}]
        state_path(tmp_path / "r.jsonl").write_text(json.dumps(state))
        with pytest.raises(ConfigError, match="not a batch job state file"):
            BatchJob.load(tmp_path / "r.jsonl", make(server, tmp_path))
        with pytest.raises(ConfigError, match="no batch job"):
            BatchJob.load(tmp_path / "missing.jsonl", make(server, tmp_path))
    with pytest.raises(ConfigError, match="endpoint"):
        Extractor(backend="embedded").submit_batch(["x"], out=tmp_path / "e.jsonl")
    assert InputError  # imported for the error-class check above


# -- a collector killed mid-way resumes -----------------------------------------------------------------
@pytest.mark.server
def test_killed_collector_resumes_without_losing_or_duplicating(tmp_path: Path) -> None:
    arts = seeds()
    by_text = answer_by_text(arts)

    def answer(cid: str, body: Any) -> Any:
        return (
            HTTPError(500, "overloaded")
            if arts[2].text in body["messages"][-1]["content"]
            else by_text(cid, body)
        )

    env = {**os.environ, "OPENAI_API_KEY": "sk-secret-1", "NEWSEXTRACT_CACHE_DIR": str(tmp_path / "cache")}
    with FakeBatchAPI(answer=answer) as server:
        server.enqueue(Hang(max_seconds=60))  # the online request for the failed line never answers
        out = tmp_path / "r.jsonl"
        make(server, tmp_path).submit_batch([a.record() for a in arts], out=out)
        cmd = [
            sys.executable, "-m", "newsextract.cli", "batch", "collect", str(out), "--model", "test-model",
            "--base-url", server.base_url, "--poll-interval", "0", "--format", "jsonl", "--concurrency", "1",
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 180  # an upper bound for a loaded machine, not a timing assertion
        while time.monotonic() < deadline and not (
            len(server.chat_requests) == 1 and out.exists() and len(out_ids(out)) == 2
        ):
            time.sleep(0.05)
        assert len(out_ids(out)) == 2 and len(server.chat_requests) == 1
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        server.enqueue(ToolCall(arts[2].answer))
        done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert len(server.chat_requests) == 2 and server.counts.lines_run == 3 and server.counts.creates == 1
    ids = out_ids(out)
    assert sorted(ids) == sorted(a.id for a in arts) and len(ids) == len(set(ids))
    assert Delay  # the Delay step kind is unused here but the import documents the alternative


# -- the command line ----------------------------------------------------------------------------------
def test_cli_submit_status_collect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from newsextract.cli import app

    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-cli")
    arts = seeds()
    runner = CliRunner()
    with FakeBatchAPI(answer=answer_by_text(arts)) as server:
        common = [
            "--model",
            "test-model",
            "--base-url",
            server.base_url,
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
        out = str(tmp_path / "r.jsonl")
        res = runner.invoke(app, ["batch", "submit", str(REPO / "seeds"), "--out", out, *common])
        assert res.exit_code == 0, res.stderr
        [batch_line] = res.stdout.splitlines()
        assert batch_line.startswith("batch_0001\t") and batch_line.endswith("3 request(s)")
        res = runner.invoke(app, ["batch", "status", out, *common])
        assert res.exit_code == 0 and "in_progress" in res.stdout
        res = runner.invoke(
            app, ["batch", "collect", out, *common, "--poll-interval", "0", "--format", "jsonl"]
        )
        assert res.exit_code == 0, res.stderr
        assert sorted(json.loads(x)["id"] for x in res.stdout.splitlines()) == sorted(a.id for a in arts)
        res = runner.invoke(app, ["batch", "collect", out, "--model", "other", "--base-url", server.base_url])
        assert res.exit_code == 2 and "test-model" in res.stderr
        assert all("sk-secret-cli" not in r.stdout + r.stderr for r in [res])
        dry = str(tmp_path / "d.jsonl")
        res = runner.invoke(app, ["batch", "submit", str(REPO / "seeds"), "--out", dry, "--dry-run", *common])
        assert res.exit_code == 0 and res.stdout == ""  # every seed is in the cache now: nothing to send
        res = runner.invoke(app, ["batch", "collect", dry, *common, "--format", "jsonl"])
        assert res.exit_code == 0 and len(res.stdout.splitlines()) == 3
        fresh = [*common[:-1], str(tmp_path / "other-cache")]
        res = runner.invoke(
            app, ["batch", "submit", str(REPO / "seeds"), "--out", dry + "2", "--dry-run", *fresh]
        )
        assert res.exit_code == 0 and res.stdout.strip().endswith("requests-001.jsonl")
        res = runner.invoke(app, ["batch", "collect", dry + "2", *fresh])
        assert res.exit_code == 2 and "from_file" in res.stderr
        res = runner.invoke(
            app, ["batch", "collect", dry + "2", *fresh, "--from-file", str(tmp_path / "nope")]
        )
        assert res.exit_code == 2 and "cannot read the batch output file" in res.stderr
        res = runner.invoke(app, ["batch", "submit", str(REPO / "seeds"), "--out", dry + "3", *fresh])
        res = runner.invoke(app, ["batch", "cancel", dry + "3", *fresh])
        assert res.exit_code == 0 and res.stdout.startswith("cancelling")
        assert server.counts.creates == 2 and server.counts.cancels == 1
