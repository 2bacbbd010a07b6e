"""The schema sent with every request stays compact: at most half of what it cost before it was made
strict and compact, counted with tiktoken's o200k_base (GPT-4o), offline (``bench/offline_tiktoken.py``).

1,612 tokens: ``tools`` + ``tool_choice`` as sent for the whole-article strategy before (Pydantic's
schema with titles, defaults and docstrings), measured with the same tokenizer. ``bench/bench_tokens.py``
prints the figures side by side.
"""

from __future__ import annotations

import json

from bench.offline_tiktoken import count

from newsextract.backends.modes import MODES
from newsextract.backends.structured_request import structured_fields
from newsextract.grounding.reask import GroundedArticleDraft

BEFORE = 1612


def test_tiktoken_counts_offline_with_the_genuine_encoding() -> None:
    assert count("Xpeng shares fell 3.84 percent") > 0
    assert count("hello world") == 2  # o200k_base: "hello", " world"


def test_the_schema_costs_at_most_half_its_former_tokens_in_every_envelope() -> None:
    for name in ("json_schema", "tools_strict", "tools"):
        fields = structured_fields(GroundedArticleDraft, MODES[name])
        assert count(json.dumps(fields)) <= BEFORE // 2, name
