"""A key written into ``base_url`` (``user:KEY@host``, ``?api-key=KEY``) or taken from the environment
shows in no repr, error, traceback or log line, and a query key is sent as a query, not in the path."""

from __future__ import annotations

import json
import logging
import socket
import traceback

import pytest
from tests.support.fake_openai import FakeOpenAIServer, HTTPError, ToolCall

from newsextract import Extractor
from newsextract.config import mask_url_secrets, resolve_settings, split_query
from newsextract.errors import ExtractionError

ARTICLE = "Xpeng shares fell 3.84 percent to $9.51 on Tuesday."
REPLY = ToolCall(
    json.dumps(
        {
            "stock_moves": [
                {"quote": ARTICLE, "company": "Xpeng", "direction": "down", "change_pct": "3.84 percent"}
            ]
        }
    )
)
PASSWORD = "PWsecret-4821"
QUERY_KEY = "QKsecret-9937"
ENV_KEY = "sk-ENVsecret-5512"
SECRETS = (PASSWORD, QUERY_KEY, ENV_KEY)


def _url(server_url: str) -> str:
    scheme, rest = server_url.split("://")
    return f"{scheme}://alice:{PASSWORD}@{rest}?api-key={QUERY_KEY}&api-version=2024-06-01"


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_repr_of_settings_and_extractor_hide_url_credentials() -> None:
    url = f"https://alice:{PASSWORD}@example.invalid/v1?api-key={QUERY_KEY}"
    settings = resolve_settings(base_url=url, api_key=ENV_KEY)
    assert _leaks(repr(settings)) == []
    assert "api-key=***" in repr(settings) and "***@example.invalid" in repr(settings)
    ex = Extractor(base_url=url, api_key=ENV_KEY)
    assert _leaks(repr(ex)) == [] and _leaks(ex.settings.endpoint) == []


def test_mask_and_split() -> None:
    assert (
        mask_url_secrets("POST http://u:p@h:1/v1/x?key=abc&n=1 done")
        == "POST http://***@h:1/v1/x?key=***&n=1 done"
    )
    assert mask_url_secrets("http://h/v1/a@b") == "http://h/v1/a@b"  # an @ in the path is not userinfo
    assert split_query("https://h/v1?api-key=K&api-version=1") == (
        "https://h/v1",
        {"api-key": "K", "api-version": "1"},
    )


def test_query_key_is_sent_as_a_query_and_nothing_leaks_into_logs(
    server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    caplog.set_level(logging.DEBUG)  # what an application that turns logging on would see
    server.enqueue(REPLY)
    ex = Extractor(model="m", base_url=_url(server.base_url), cache=False)
    result = ex.extract(ARTICLE)
    assert len(result.stock_moves) == 1
    sent = server.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert f"api-key={QUERY_KEY}" in sent.query and "api-version=2024-06-01" in sent.query
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "HTTP Request" in logged  # httpx did log the request ...
    assert _leaks(logged) == []  # ... without any credential
    assert _leaks(result.model_dump_json()) == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("failure", ["http-400", "http-500", "refused"])
def test_errors_and_their_causes_hide_credentials(
    server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    caplog.set_level(logging.DEBUG)
    if failure == "refused":
        base = f"http://127.0.0.1:{_closed_port()}/v1"
    else:
        base = server.base_url
        status = 400 if failure == "http-400" else 500
        server.enqueue(*[HTTPError(status, message=f"bad request to {_url(base)}")] * 3)
    ex = Extractor(
        model="m", base_url=_url(base), cache=False, transport_attempts=2, transport_max_wait_s=0.5
    )
    with pytest.raises(ExtractionError) as info:
        ex.extract(ARTICLE)
    shown = (
        "".join(traceback.format_exception(info.value)) + repr(info.value) + json.dumps(info.value.to_dict())
    )
    assert _leaks(shown) == [], shown
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert _leaks(logged) == []
