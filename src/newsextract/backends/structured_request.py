"""The part of a chat-completion body that asks for structured output, built from the strict schema.

``structured_fields(model, mode)`` gives ``response_format`` (``json_schema`` mode) or ``tools`` +
``tool_choice`` (``tools``/``tools_strict``), with the strict, compact schema of
``core/strict_schema.py``, the model-facing name and description, and ``strict: true`` where the mode
says so. The JSON modes carry the schema in the prompt instead, so they add no fields here.

The fields are the same bytes for every request of a model class (built once per class), so the
constant part of a request (system prompt, then schema) is identical from one article to the next and
a provider's prefix cache can reuse it.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel

from newsextract.backends.modes import RequestMode
from newsextract.core.strict_schema import strict_schema


@functools.lru_cache(maxsize=512)  # bounded: the sentence strategy makes a small model class per question
def structured_fields(model: type[BaseModel], mode: RequestMode) -> dict[str, Any]:
    """The body fields that ask for ``model``'s schema in ``mode``.

    Built once per model class and mode and shared by every request (copying the schema would cost a
    few hundred microseconds a request): callers pass it on and never mutate it.
    """
    spec = strict_schema(model)
    described = {"description": spec.description} if spec.description else {}
    if mode.envelope == "response_format":
        fmt: dict[str, Any] = {"name": spec.name, **described, "schema": spec.schema}
        if mode.strict:
            fmt["strict"] = True
        return {"response_format": {"type": "json_schema", "json_schema": fmt}}
    if mode.envelope == "tools":
        function: dict[str, Any] = {"name": spec.name, **described, "parameters": spec.schema}
        if mode.strict:
            function["strict"] = True
        fields: dict[str, Any] = {
            "tools": [{"type": "function", "function": function}],
            "tool_choice": {"type": "function", "function": {"name": spec.name}},
        }
        if mode.strict:
            fields["parallel_tool_calls"] = False
        return fields
    return {}
