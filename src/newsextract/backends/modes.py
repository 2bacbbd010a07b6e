"""How a request asks an endpoint for structured output: one table of endpoints, with the reason for each.

The table is ``ENDPOINTS`` (endpoint, hosts, mode, reason; first match wins). The README shows it as
rendered by ``endpoint_table()``, and a test keeps the two the same.

The modes (``mode=`` or ``NEWSEXTRACT_MODE`` picks one for any endpoint):

- ``json_schema``: ``response_format: {"type": "json_schema", "json_schema": {name, description, schema,
  "strict": true}}``. OpenAI, Azure, vLLM and SGLang decode only JSON that matches the schema.
  llama.cpp's server answers it with HTTP 500.
- ``tools_strict``: one function with ``"strict": true``, named in ``tool_choice``, and
  ``parallel_tool_calls: false`` (strict decoding does not cover parallel calls). OpenAI and Azure.
- ``tools``: the same function without the flag. llama.cpp's server turns the named function's
  parameters into a grammar and vLLM into guided decoding, so the output is constrained there too.
- ``json``, ``md_json``: no constraint; instructor pastes the schema into the system message. For servers
  that support neither of the above.

The schema is always the strict, compact one from ``core/strict_schema.py``; only the envelope differs.
This module imports nothing heavy, so configuration can check a mode's name before any backend exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from newsextract.errors import ConfigError
from newsextract.options import ModeName

if TYPE_CHECKING:
    import instructor

Envelope = Literal["response_format", "tools", "prompt"]


@dataclass(frozen=True)
class RequestMode:
    """One way of asking for structured output: where the schema goes, and whether ``strict`` is set."""

    name: ModeName
    envelope: Envelope
    strict: bool

    def instructor_mode(self) -> instructor.Mode:
        """The instructor mode that reads (and re-asks) a reply sent in this envelope."""
        import instructor

        return {
            "json_schema": instructor.Mode.JSON_SCHEMA,
            "tools_strict": instructor.Mode.TOOLS,  # instructor's TOOLS_STRICT is a deprecated alias of TOOLS
            "tools": instructor.Mode.TOOLS,
            "json": instructor.Mode.JSON,
            "md_json": instructor.Mode.MD_JSON,
        }[self.name]


MODES: dict[str, RequestMode] = {
    "json_schema": RequestMode("json_schema", "response_format", strict=True),
    "tools_strict": RequestMode("tools_strict", "tools", strict=True),
    "tools": RequestMode("tools", "tools", strict=False),
    "json": RequestMode("json", "prompt", strict=False),
    "md_json": RequestMode("md_json", "prompt", strict=False),
}


@dataclass(frozen=True)
class EndpointRow:
    """One row of the table: which hosts, which mode, and why."""

    endpoint: str
    hosts: tuple[str, ...]  # an exact host, or ".suffix" for any host ending so; () matches every host
    mode: ModeName
    reason: str

    def matches(self, host: str) -> bool:
        if not self.hosts:
            return True
        return any(host.endswith(h) if h.startswith(".") else host == h for h in self.hosts)


#: First match wins; the last row matches every host.
ENDPOINTS: tuple[EndpointRow, ...] = (
    EndpointRow(
        "OpenAI",
        ("api.openai.com",),
        "json_schema",
        "Strict structured outputs: the server decodes only JSON that matches the schema, and the model "
        "reads the schema with its description. Chosen over strict tools because it is OpenAI's documented "
        "way to shape a reply (tools are for calling functions), a refusal comes back as a refusal rather "
        "than a forced call, parallel tool calls (which strict decoding does not cover) cannot occur, and "
        "vLLM and SGLang accept the very same request.",
    ),
    EndpointRow(
        "Azure OpenAI",
        (".openai.azure.com", ".cognitiveservices.azure.com"),
        "json_schema",
        "The same API and the same strict structured outputs as OpenAI (API versions from "
        "2024-08-01-preview and the v1 API), so the same request.",
    ),
    EndpointRow(
        "any other: llama.cpp's server, vLLM, SGLang, Ollama, LM Studio",
        (),
        "tools",
        "The one request all of them constrain: a single function named in tool_choice (llama.cpp's server "
        "makes a grammar of its parameters, vLLM guided decoding). llama.cpp's server answers json_schema "
        "with HTTP 500, and the host does not tell the servers apart. On vLLM or SGLang mode='json_schema' "
        "also works; there the schema steers decoding but is not shown to the model, so its field notes "
        "go unread (the prompt still carries the kinds and rules). No strict flag: not every server "
        "accepts it.",
    ),
)


def endpoint_table() -> str:
    """``ENDPOINTS`` as a Markdown table (the README's copy of it)."""
    lines = ["| endpoint | hosts | mode | why |", "| --- | --- | --- | --- |"]
    for row in ENDPOINTS:
        hosts = ", ".join(f"`*{h}`" if h.startswith(".") else f"`{h}`" for h in row.hosts) or "any other"
        lines.append(f"| {row.endpoint} | {hosts} | `{row.mode}` | {row.reason} |")
    return "\n".join(lines)


def mode_named(name: str) -> RequestMode:
    """The mode called ``name`` (case-insensitive); ``ConfigError`` naming the choices otherwise."""
    try:
        return MODES[name.strip().lower()]
    except KeyError:
        raise ConfigError(f"unknown mode {name!r}; choose one of {sorted(MODES)}") from None


def endpoint_row(base_url: str | None) -> EndpointRow:
    """The table row for an endpoint (no base URL: the openai client's default, api.openai.com)."""
    host = (urlsplit(base_url).hostname or "").lower() if base_url else "api.openai.com"
    return next(row for row in ENDPOINTS if row.matches(host))


def choose_mode(base_url: str | None, override: str | None = None) -> RequestMode:
    """The mode for an endpoint: ``override`` (``mode=`` / ``NEWSEXTRACT_MODE``) when given, else the
    table's row for the endpoint's host."""
    if override:
        return mode_named(override)
    return MODES[endpoint_row(base_url).mode]
