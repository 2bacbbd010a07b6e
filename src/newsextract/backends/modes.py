"""Which instructor mode an endpoint gets, so decoding is constrained to the schema where it can be.

- OpenAI (api.openai.com) and Azure OpenAI: ``TOOLS_STRICT``. Strict function calling makes the server
  decode only JSON that matches the function's parameters.
- Everything else (llama.cpp's server, vLLM, Ollama, LM Studio ...): ``TOOLS``. instructor names the one
  function in ``tool_choice``; llama.cpp's server turns the function's parameters into a grammar and vLLM
  into guided decoding, so output is constrained. We do not send ``response_format=json_schema`` by
  default: llama.cpp's server rejects it with HTTP 500 (measured with llama-cpp-python 0.3.36), and its
  ``json_object`` + ``schema`` extension is not something instructor's JSON mode sends.

``mode=`` (argument or ``NEWSEXTRACT_MODE``) overrides: ``tools``, ``tools_strict``, ``json_schema``,
``json``, ``md_json``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import instructor

from newsextract.errors import ConfigError

_BY_NAME = {
    "tools": instructor.Mode.TOOLS,
    "tools_strict": instructor.Mode.TOOLS_STRICT,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}


def choose_mode(base_url: str | None, override: str | None = None) -> instructor.Mode:
    """The instructor mode for an endpoint (see the module docstring for why)."""
    if override:
        try:
            return _BY_NAME[override.lower()]
        except KeyError:
            raise ConfigError(f"unknown mode {override!r}; choose one of {sorted(_BY_NAME)}") from None
    host = (urlsplit(base_url).hostname or "") if base_url else "api.openai.com"
    if host == "api.openai.com" or host.endswith(".openai.azure.com"):
        return instructor.Mode.TOOLS_STRICT
    return instructor.Mode.TOOLS
