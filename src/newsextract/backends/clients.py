"""Clients a caller already has (``Extractor(client=...)``): what they are, and the copies we send through.

Accepted: ``openai.OpenAI``, ``openai.AsyncOpenAI`` (``AzureOpenAI`` and ``AsyncAzureOpenAI`` are
subclasses), or an instructor client (``instructor.from_openai(...)``) wrapping one of them, whose mode
(when it is one of ``backends.modes``) is then used unless ``mode=`` says otherwise.

The client's endpoint, key, organisation, project, custom headers and query parameters (Azure's
``api-version``) are kept: requests go through ``client.with_options(http_client=..., max_retries=0)``,
a copy that sends through newsextract's retrying HTTP pool, so the transport retry policy and request
counts hold as for any endpoint. The caller's client is never modified or closed.

``extract`` needs a synchronous client and ``aextract`` an asynchronous one. When only one kind is given,
the other is built from the given one's public attributes (base URL, key, organisation, project, custom
headers, query). Credentials that a client computes per request (an Azure AD token provider, workload
identity) are not carried over: pass the kind of client you call with (``AsyncAzureOpenAI`` for
``aextract``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
import instructor
import openai

#: headers the openai client sets itself (a copy sets them again)
_CLIENT_HEADERS = frozenset({"accept", "content-type", "user-agent", "authorization"})


_MODE_NAMES = {
    instructor.Mode.JSON_SCHEMA: "json_schema",
    instructor.Mode.TOOLS_STRICT: "tools_strict",
    instructor.Mode.TOOLS: "tools",
    instructor.Mode.JSON: "json",
    instructor.Mode.MD_JSON: "md_json",
}


@dataclass(frozen=True)
class GivenClient:
    """A caller's client, unwrapped: the openai client, the instructor mode it came with (if any)."""

    client: openai.OpenAI | openai.AsyncOpenAI
    mode: instructor.Mode | None

    @property
    def base_url(self) -> str:
        return str(self.client.base_url)

    @property
    def mode_name(self) -> str | None:
        """The name (``backends.modes``) of the instructor client's mode, if it is one newsextract sends."""
        return _MODE_NAMES.get(self.mode) if self.mode is not None else None

    @property
    def is_async(self) -> bool:
        return isinstance(self.client, openai.AsyncOpenAI)


def unwrap_client(obj: object) -> GivenClient:
    """The openai client inside ``obj``; ``TypeError`` for anything else."""
    if isinstance(obj, GivenClient):
        return obj
    if isinstance(obj, openai.OpenAI | openai.AsyncOpenAI):
        return GivenClient(obj, None)
    if isinstance(obj, instructor.Instructor | instructor.AsyncInstructor):
        inner = getattr(obj, "client", None)
        if isinstance(inner, openai.OpenAI | openai.AsyncOpenAI):
            return GivenClient(inner, obj.mode)
        raise TypeError(
            f"client= got an instructor client around {type(inner).__name__}; newsextract needs one made "
            "with instructor.from_openai(openai.OpenAI(...)) (or AsyncOpenAI)"
        )
    raise TypeError(
        "client= must be an openai.OpenAI / openai.AsyncOpenAI client (AzureOpenAI too) or an instructor "
        f"client wrapping one, not {type(obj).__name__}"
    )


def _custom_headers(client: openai.OpenAI | openai.AsyncOpenAI) -> dict[str, str]:
    return {
        k: v
        for k, v in client.default_headers.items()
        if isinstance(v, str) and k.lower() not in _CLIENT_HEADERS and not k.lower().startswith("x-stainless")
    }


def _settings_of(c: openai.OpenAI | openai.AsyncOpenAI, extra_headers: dict[str, str]) -> dict[str, Any]:
    """What a copy of ``c`` of the other flavour (sync or async) keeps: credentials, endpoint, headers."""
    return {
        "api_key": c.api_key or None,
        "organization": c.organization,
        "project": c.project,
        "base_url": c.base_url,
        "default_headers": {**_custom_headers(c), **extra_headers},
        "default_query": dict(c.default_query),
    }


def sync_client(
    given: GivenClient, http_client: httpx2.Client, extra_headers: dict[str, str]
) -> openai.OpenAI:
    """A synchronous copy of the given client sending through ``http_client``, without its own retries."""
    c = given.client
    if isinstance(c, openai.OpenAI):
        return c.with_options(http_client=http_client, max_retries=0, default_headers=extra_headers or None)
    return openai.OpenAI(**_settings_of(c, extra_headers), http_client=http_client, max_retries=0)


def async_client(
    given: GivenClient, http_client: httpx2.AsyncClient, extra_headers: dict[str, str]
) -> openai.AsyncOpenAI:
    """An asynchronous copy of the given client sending through ``http_client``, without retries."""
    c = given.client
    if isinstance(c, openai.AsyncOpenAI):
        return c.with_options(http_client=http_client, max_retries=0, default_headers=extra_headers or None)
    return openai.AsyncOpenAI(**_settings_of(c, extra_headers), http_client=http_client, max_retries=0)
