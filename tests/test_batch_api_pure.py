"""The Batch API path's pure parts: custom ids, request lines, splitting, output parsing, state file."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from newsextract.batch_api.lines import attempt_id, encode_line, parse_attempt, request_line, slot_id
from newsextract.batch_api.output import LineAnswer, ParsedOutput, parse_line, parse_output
from newsextract.batch_api.split import split_lines
from newsextract.batch_api.state import JobState, overall_status, results_path, state_path

KEY = "ab" * 32


def test_ids_round_trip_and_refuse_anything_else() -> None:
    slot = slot_id(KEY, 3)
    assert slot == f"ne-{KEY[:40]}-3"
    assert parse_attempt(slot) == (slot, 0)
    assert parse_attempt(attempt_id(slot, 2)) == (slot, 2) and attempt_id(slot, 0) == slot
    for bad in (None, 3, "", "ne-xyz-0", f"{slot}.r0", f"{slot}.r", f"{slot}/../x", f" {slot}"):
        assert parse_attempt(bad) is None
    with pytest.raises(ValueError):
        slot_id("not a key", 0)


def test_request_line_is_one_utf8_json_line() -> None:
    line = request_line("ne-x", {"model": "m", "messages": [{"role": "user", "content": "Zürich\n“q”"}]})
    raw = encode_line(line)
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1 and "Zürich".encode() in raw
    assert json.loads(raw) == {
        "custom_id": "ne-x",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": line["body"],
    }


@settings(deadline=None, max_examples=200)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=120), max_size=60),
    max_requests=st.integers(min_value=1, max_value=7),
    max_bytes=st.integers(min_value=1, max_value=300),
)
def test_split_keeps_every_line_once_in_order_within_the_limits(
    sizes: list[int], max_requests: int, max_bytes: int
) -> None:
    split = split_lines(sizes, max_requests=max_requests, max_bytes=max_bytes)
    placed = [i for group in split.groups for i in group]
    assert sorted(placed + split.oversized) == list(range(len(sizes)))
    assert placed == sorted(placed)
    assert split.oversized == [i for i, s in enumerate(sizes) if s > max_bytes]
    for group in split.groups:
        assert 1 <= len(group) <= max_requests and sum(sizes[i] for i in group) <= max_bytes
    # greedy: a group is closed only when the next line would not fit
    for a, b in zip(split.groups, split.groups[1:], strict=False):
        assert len(a) == max_requests or sum(sizes[i] for i in a) + sizes[b[0]] > max_bytes


def test_split_at_the_real_limits() -> None:
    assert [len(g) for g in split_lines([10] * 120_001).groups] == [50_000, 50_000, 20_001]
    big = split_lines([60_000_000] * 5)
    assert [len(g) for g in big.groups] == [3, 2] and not big.oversized


def line(cid: str, status: int | None = 200, body: Any = None, error: Any = None) -> str:
    response = None if status is None else {"status_code": status, "request_id": "r", "body": body}
    return json.dumps({"id": "b", "custom_id": cid, "response": response, "error": error})


def test_output_lines_matched_by_id_and_success_wins() -> None:
    ok = {"choices": [], "usage": {"prompt_tokens": 1}}
    parsed = parse_output(
        [
            line("b", 500, {"error": {"message": "overloaded", "code": "server_error"}}),
            line("a", 200, ok),
            "",
            "garbage",
            line("b", 200, ok),
            line("a", 500, {"error": {"message": "late error"}}),
            line("c", None, None, {"code": "batch_expired", "message": "not run"}),
            json.dumps({"custom_id": 5}),
        ]
    )
    assert parsed.unreadable == 2
    assert parsed.answers["a"] == LineAnswer("a", body=ok, status_code=200)
    assert parsed.answers["b"].ok
    assert parsed.answers["c"].error == "batch_expired: not run" and not parsed.answers["c"].ok
    assert parse_line(line("d", 429, "nope")) == LineAnswer("d", error="HTTP 429", status_code=429)
    assert parse_line(line("e", 200, {"x": 1}, {"message": "but an error"})) == LineAnswer(
        "e", error="but an error", status_code=200
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@settings(deadline=None, max_examples=300)
@given(st.lists(st.one_of(st.binary(max_size=40), json_values.map(json.dumps)), max_size=12))
def test_output_parser_never_raises_and_yields_only_plain_answers(raw: list[Any]) -> None:
    parsed = parse_output(raw)
    for cid, answer in parsed.answers.items():
        assert isinstance(cid, str) and answer.custom_id == cid
        assert (answer.body is None) != (answer.error is None)
        assert answer.body is None or isinstance(answer.body, dict)


def test_merge_prefers_success_from_any_file() -> None:
    first = ParsedOutput()
    first.add(LineAnswer("x", error="boom"))
    second = ParsedOutput()
    second.add(LineAnswer("x", body={"ok": 1}))
    first.merge(second)
    assert first.answers["x"].ok


def test_overall_status_rule() -> None:
    assert overall_status(["completed", "in_progress", "validating"]) == "validating"
    assert overall_status(["completed", "finalizing"]) == "finalizing"
    assert overall_status(["completed", "completed"]) == "completed"
    assert overall_status(["completed", "expired", "cancelled"]) == "expired"
    assert overall_status([]) == "not_submitted"


def test_state_paths_derive_from_the_results_file_only(tmp_path: Any) -> None:
    out = tmp_path / "day.jsonl"
    assert state_path(out).name == "day.jsonl.batch.json"
    assert results_path(state_path(out)) == out and results_path(out) == out


def test_state_refuses_ids_that_are_not_ids() -> None:
    base = {"model": "m", "endpoint": "e", "config": "c"}
    JobState.model_validate({**base, "batches": [{"id": "batch_1", "input_file_id": "file-1", "lines": []}]})
    for bad in ("../x", "a/b", "", "x" * 201):
        with pytest.raises(ValidationError):
            JobState.model_validate({**base, "batches": [{"id": bad, "input_file_id": "f", "lines": []}]})
    with pytest.raises(ValidationError):
        JobState.model_validate(
            {**base, "articles": [{"index": 0, "id": "a", "slots": ["../../etc/passwd"]}]}
        )
    with pytest.raises(ValidationError):
        JobState.model_validate({**base, "format": 2})
