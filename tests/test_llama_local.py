"""The embedded backend: response-format translation and errors without a model; a few real-model calls."""

from __future__ import annotations

import asyncio
from typing import Literal

import pytest
from pydantic import BaseModel

from newsextract.backends.llama_local import LlamaLocalBackend, default_model_path, to_llama_response_format
from newsextract.errors import ConfigError, OutputTruncatedError


class Move(BaseModel):
    is_move: bool
    company: Literal["Delta", "New York", "none"]


MESSAGES = [
    {"role": "system", "content": "You check one sentence and answer in JSON."},
    {
        "role": "user",
        "content": "Sentence: Delta's shares fell 3.5% in New York.\ncompany options: Delta, New York",
    },
]


def test_json_schema_format_becomes_llama_json_object() -> None:
    rf = {"type": "json_schema", "json_schema": {"name": "Move", "schema": {"type": "object"}}}
    assert to_llama_response_format(rf) == {"type": "json_object", "schema": {"type": "object"}}
    assert to_llama_response_format({"type": "json_object"}) == {"type": "json_object"}
    assert to_llama_response_format(None) is None


def test_missing_model_file_is_a_config_error(tmp_path: object) -> None:
    with pytest.raises(ConfigError, match="not found"):
        LlamaLocalBackend("/nonexistent/model.gguf")


def test_default_model_is_found_in_the_package() -> None:
    assert default_model_path().name == "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.mark.model
def test_structured_answer_is_constrained_to_the_enum() -> None:
    b = LlamaLocalBackend()
    reply = b.structured(MESSAGES, Move, max_tokens=40)
    assert reply.parsed.company in ("Delta", "New York", "none")
    assert reply.requests == 1 and reply.usage.prompt_tokens > 0 and reply.raw
    again = b.structured(MESSAGES, Move, max_tokens=40)
    assert again.parsed.company in ("Delta", "New York", "none")
    assert b.stats.prefix_reused_tokens > 0  # the second call reused the KV prefix


@pytest.mark.model
def test_truncation_maps_to_output_truncated() -> None:
    with pytest.raises(OutputTruncatedError):
        LlamaLocalBackend().structured(MESSAGES, Move, max_tokens=3, max_retries=0)


@pytest.mark.model
def test_concurrent_async_calls_are_serialised() -> None:
    b = LlamaLocalBackend()

    async def main() -> list[Move]:
        replies = await asyncio.gather(*(b.astructured(MESSAGES, Move, max_tokens=40) for _ in range(3)))
        return [r.parsed for r in replies]

    answers = asyncio.run(main())
    assert len(answers) == 3 and all(a.company in ("Delta", "New York", "none") for a in answers)
