"""What each endpoint documents that it accepts, as checks on a captured request body.

Nothing here can reach OpenAI, Azure or vLLM, so their rules are checked by contract, using the parties'
own definitions wherever one is installed:

- ``strict_schema_problems``: OpenAI's structured-outputs rules for ``strict: true`` schemas (a supported
  subset of JSON Schema: every object closed with ``additionalProperties: false`` and every property
  required; a root object; ``$ref`` alone; limits on nesting and size).
- ``openai_would_change``: the openai package's own strict-schema helper
  (``openai.lib._pydantic._ensure_strict_json_schema``, the function behind ``to_strict_json_schema``)
  run on a copy: a strict schema is one it leaves unchanged.
- ``schema_shape``: a schema's structure (types, properties, required, enums; references resolved; no
  descriptions), so ours can be compared with ``to_strict_json_schema`` of the same Pydantic model.
- ``openai_body_problems``: the body against the openai client's request types (generated from OpenAI's
  API definition; Azure OpenAI serves the same): required keys present, no key the API does not define at
  each level newsextract writes, and the strict-mode pairing rules.
- ``llama_cpp_body_problems``: the body against llama.cpp's server's own request model
  (``llama_cpp.server.types.CreateChatCompletionRequest``), which has no ``json_schema`` response format.
- ``vllm_body_problems``: vLLM's documented OpenAI-compatible request (not installed here): the OpenAI
  shape, and a function named in ``tool_choice`` (only then does vLLM constrain the arguments).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any, get_type_hints

#: The JSON Schema keywords OpenAI's strict mode supports (structured outputs guide, "Supported schemas").
STRICT_KEYWORDS = frozenset(
    {
        "type", "description", "properties", "required", "additionalProperties", "items", "enum", "const",
        "anyOf", "$ref", "$defs", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
    }
)  # fmt: skip
MAX_NESTING = 10
MAX_PROPERTIES = 5000
NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in ``node`` with its JSON-pointer-like path."""
    if isinstance(node, dict):
        yield path, node
        for key in ("properties", "$defs"):
            for name, sub in (node.get(key) or {}).items():
                yield from walk(sub, f"{path}/{key}/{name}")
        if isinstance(node.get("items"), dict):
            yield from walk(node["items"], f"{path}/items")
        for i, sub in enumerate(node.get("anyOf") or []):
            yield from walk(sub, f"{path}/anyOf/{i}")


def strict_schema_problems(schema: dict[str, Any]) -> list[str]:
    """Every way ``schema`` breaks OpenAI's strict structured-outputs rules (empty: it is accepted)."""
    problems: list[str] = []
    if schema.get("type") != "object" or "anyOf" in schema:
        problems.append("#: the root must be an object, not anyOf")
    properties = 0
    for path, node in walk(schema):
        for key in set(node) - STRICT_KEYWORDS:
            problems.append(f"{path}: keyword {key!r} is not supported in strict mode")
        if "$ref" in node and len(node) > 1:
            problems.append(f"{path}: $ref must stand alone")
        if "$ref" in node and not _resolves(schema, node["$ref"]):
            problems.append(f"{path}: $ref {node['$ref']} does not resolve")
        kinds = node.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "object" in kinds or "properties" in node:
            if node.get("additionalProperties") is not False:
                problems.append(f"{path}: additionalProperties must be false")
            if list(node.get("required") or []) != list(node.get("properties") or {}):
                problems.append(f"{path}: every property must be required, in order")
            properties += len(node.get("properties") or {})
        if path.count("/properties/") > MAX_NESTING:
            problems.append(f"{path}: nested deeper than {MAX_NESTING} levels")
    if properties > MAX_PROPERTIES:
        problems.append(f"#: {properties} properties (at most {MAX_PROPERTIES})")
    return problems


def _resolves(root: dict[str, Any], ref: str) -> bool:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return isinstance(node, dict)


def openai_would_change(schema: dict[str, Any]) -> bool:
    """Whether the openai package's own strict-schema helper would rewrite ``schema``."""
    from openai.lib._pydantic import _ensure_strict_json_schema

    mine = copy.deepcopy(schema)
    return _ensure_strict_json_schema(mine, path=(), root=mine) != schema


def schema_shape(schema: dict[str, Any]) -> Any:
    """The structure ``schema`` accepts: types, properties and their order, required, enums, closedness.
    Descriptions, titles and defaults do not count; ``$ref``s are resolved; ``type: [X, "null"]`` and
    ``anyOf: [X, {type: null}]`` are the same."""
    return _shape(schema, schema)


def _shape(node: dict[str, Any], root: dict[str, Any]) -> Any:
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    if "anyOf" in node:
        alternatives: list[Any] = []
        for variant in node["anyOf"]:
            alternatives += _shape(variant, root)
        return sorted(alternatives, key=json.dumps)
    kinds = node.get("type")
    if isinstance(kinds, list):
        alternatives = []
        for kind in kinds:
            single = {**node, "type": kind}
            if kind == "null":
                single.pop("enum", None)
            elif "enum" in single:
                single["enum"] = [v for v in single["enum"] if v is not None]
            alternatives += _shape(single, root)
        return sorted(alternatives, key=json.dumps)
    if kinds == "object" or "properties" in node:
        props = node.get("properties") or {}
        return [
            {
                "object": [[name, _shape(sub, root)] for name, sub in props.items()],
                "required": list(node.get("required") or []),
                "closed": node.get("additionalProperties") is False,
            }
        ]
    if kinds == "array":
        return [{"array": _shape(node.get("items") or {}, root)}]
    out: dict[str, Any] = {"type": kinds}
    if "enum" in node:
        out["enum"] = list(node["enum"])
    return [out]


# ---------------------------------------------------------------------------------------- request bodies


def _unknown_keys(value: Any, typed_dict: type, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected an object"]
    allowed = set(get_type_hints(typed_dict))
    return [f"{where}: {key!r} is not a field of the API" for key in sorted(set(value) - allowed)]


def openai_body_problems(body: dict[str, Any]) -> list[str]:
    """Every way ``body`` departs from OpenAI's chat-completions request (Azure OpenAI's is the same)."""
    from openai.types.chat import (
        ChatCompletionFunctionToolParam,
        ChatCompletionNamedToolChoiceParam,
    )
    from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming
    from openai.types.shared_params import FunctionDefinition, ResponseFormatJSONSchema
    from openai.types.shared_params.response_format_json_schema import JSONSchema
    from pydantic import TypeAdapter, ValidationError

    problems = _unknown_keys(body, CompletionCreateParamsNonStreaming, "body")
    try:
        TypeAdapter(CompletionCreateParamsNonStreaming).validate_python(body)
    except ValidationError as exc:
        problems.append(f"body: {exc}")
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        problems += _unknown_keys(fmt, ResponseFormatJSONSchema, "response_format")
        spec = fmt.get("json_schema") or {}
        problems += _unknown_keys(spec, JSONSchema, "response_format.json_schema")
        if not NAME.match(str(spec.get("name", ""))):
            problems.append("response_format.json_schema.name must match ^[a-zA-Z0-9_-]{1,64}$")
        if spec.get("strict"):
            problems += [
                f"response_format schema {p}" for p in strict_schema_problems(spec.get("schema") or {})
            ]
    tools = body.get("tools") or []
    for i, tool in enumerate(tools):
        problems += _unknown_keys(tool, ChatCompletionFunctionToolParam, f"tools[{i}]")
        function = tool.get("function") or {}
        problems += _unknown_keys(function, FunctionDefinition, f"tools[{i}].function")
        if not NAME.match(str(function.get("name", ""))):
            problems.append(f"tools[{i}].function.name must match ^[a-zA-Z0-9_-]{{1,64}}$")
        if function.get("strict"):
            problems += [f"tools[{i}] parameters {p}" for p in strict_schema_problems(function["parameters"])]
            if body.get("parallel_tool_calls") is not False:
                problems.append("strict function calling needs parallel_tool_calls: false")
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        problems += _unknown_keys(choice, ChatCompletionNamedToolChoiceParam, "tool_choice")
        named = (choice.get("function") or {}).get("name")
        if named not in [(t.get("function") or {}).get("name") for t in tools]:
            problems.append(f"tool_choice names {named!r}, which is not among the tools")
    if fmt is not None and tools:
        problems.append("both response_format and tools: the reply may come in either")
    return problems


def llama_cpp_body_problems(body: dict[str, Any]) -> list[str]:
    """Every way ``body`` departs from what llama.cpp's server (llama-cpp-python) accepts."""
    from llama_cpp.server.types import CreateChatCompletionRequest
    from pydantic import ValidationError

    try:
        CreateChatCompletionRequest.model_validate(body)
    except ValidationError as exc:
        return [str(exc)]
    problems = []
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        named = (choice.get("function") or {}).get("name")
        if named not in [(t.get("function") or {}).get("name") for t in body.get("tools") or []]:
            problems.append(f"tool_choice names {named!r}, which is not among the tools")
    return problems


def vllm_body_problems(body: dict[str, Any]) -> list[str]:
    """Every way ``body`` departs from vLLM's documented OpenAI-compatible chat request with structured
    output: OpenAI's request shape; a ``json_schema`` response format carries a schema; tools are
    constrained only when ``tool_choice`` names the function (``auto`` needs server flags and a parser)."""
    problems = [p for p in openai_body_problems(body) if "strict" not in p]
    fmt = body.get("response_format")
    if (
        isinstance(fmt, dict)
        and fmt.get("type") == "json_schema"
        and "schema" not in (fmt.get("json_schema") or {})
    ):
        problems.append("response_format.json_schema needs a schema")
    if body.get("tools") and not isinstance(body.get("tool_choice"), dict):
        problems.append("tools without a named tool_choice are not constrained by vLLM")
    if not body.get("tools") and not fmt:
        problems.append("neither tools nor response_format: vLLM would not constrain the output")
    return problems
