"""What a new user meets in code: explicit keyword settings, TypeErrors, client=, default_headers=,
which backend an environment selects, and the INFO line that says so.

Clients are the real ``openai`` / ``instructor`` ones, talking to the scripted server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import logging
import typing
import warnings
from pathlib import Path
from typing import Any

import instructor
import openai
import pytest
from tests.support.fake_openai import Content, FakeOpenAIServer, HTTPError, ToolCall

import newsextract
from newsextract import (
    BudgetExceededError,
    CacheWarning,
    ConfigError,
    Extractor,
    InputError,
    aextract,
    aextract_many,
    extract,
    extract_many,
)
from newsextract.options import OPTION_NAMES, ExtractorOptions, Options, Tuning

ARTICLE = "Acme Corp shares rose 5% on Monday."
SECRET = "sk-secret-ext-123"


def reply() -> dict[str, Any]:
    move = {
        "quote": ARTICLE,
        "company": "Acme Corp",
        "ticker": None,
        "market": None,
        "direction": "up",
        "change_pct": "5%",
        "price": None,
        "period": "on Monday",
        "date": None,
    }
    return {"share_sales": [], "executive_changes": [], "stock_moves": [move]}


# -- explicit keyword arguments ---------------------------------------------------------------------------
@pytest.mark.parametrize("func", [extract, aextract, extract_many, aextract_many])
def test_help_shows_every_setting_with_its_default(func: Any) -> None:
    params = inspect.signature(func).parameters
    assert set(OPTION_NAMES) <= set(params)
    assert params["max_retries"].default == 2 and params["grounding"].default == "strict"
    assert params["model"].kind is inspect.Parameter.KEYWORD_ONLY
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    rendered = str(inspect.signature(func))
    assert params["client"].default is None and params["default_headers"].default is None
    assert "max_retries: 'int' = 2" in rendered and "**" not in rendered


def test_options_typed_dict_matches_extractor_signature() -> None:
    """The settings are declared once, by ``Options``: Extractor's signature and docstring, the module
    functions' signatures and docstrings, ``Settings``' shared fields and the TypedDict that types
    **options for mypy and IDEs all list the same names, with the same types and defaults."""
    declared = typing.get_type_hints(Options)
    assert set(declared) == set(OPTION_NAMES)
    hints = typing.get_type_hints(ExtractorOptions)
    assert set(hints) == set(declared)
    for name in OPTION_NAMES:
        assert hints[name] == declared[name], name
    defaults = {f.name: f.default for f in dataclasses.fields(Options)}
    params = inspect.signature(Extractor).parameters
    assert list(params) == [f.name for f in dataclasses.fields(Options)]
    assert {n: p.default for n, p in params.items()} == defaults
    assert [n for n, p in params.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD] == [
        "model",
        "base_url",
        "api_key",
    ]
    for func in (Extractor, extract, extract_many, aextract, aextract_many, newsextract.iter_many):
        doc = inspect.getdoc(func) or ""
        for f in dataclasses.fields(Options):
            first_words = " ".join(f.metadata["doc"].split()[:3])
            assert f"{f.name} (default {f.default!r}): {first_words}" in " ".join(doc.split()), (func, f.name)
    for f in dataclasses.fields(Tuning):  # used as given: Settings has the same fields, same defaults
        assert getattr(Extractor(base_url="http://127.0.0.1:9/v1").settings, f.name) == f.default


def test_the_mode_names_configuration_checks_are_the_modes_backends_send() -> None:
    from newsextract.backends.modes import MODES
    from newsextract.options import ModeName

    assert set(typing.get_args(ModeName)) == set(MODES)
    assert Extractor(base_url="http://127.0.0.1:9/v1", mode=" Tools ").settings.mode == "tools"
    with pytest.raises(ConfigError, match="unknown mode 'toolz'; choose one of"):
        Extractor(base_url="http://127.0.0.1:9/v1", mode="toolz")


def test_positional_settings_and_their_errors() -> None:
    ex = Extractor("m", "http://127.0.0.1:9/v1", "sk-pos")
    assert (ex.settings.model, ex.settings.base_url, ex.settings.api_key) == (
        "m",
        "http://127.0.0.1:9/v1",
        "sk-pos",
    )
    with pytest.raises(TypeError, match="at most 3 positional"):
        Extractor("m", "http://127.0.0.1:9/v1", "k", "extra")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="multiple values for argument 'model'"):
        Extractor("m", model="n")  # type: ignore[misc]


def test_unknown_or_mistyped_setting_is_a_type_error(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'modle'"):
        extract(ARTICLE, modle="gpt-4o-mini")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="max_retries must be int"):
        extract_many([ARTICLE], max_retries="2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cache must be bool"):
        Extractor(cache="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="default_headers"):
        Extractor(base_url="http://127.0.0.1:9/v1", default_headers={"X-N": 1})  # type: ignore[dict-item]
    # the TypeError for a setting is also a ConfigError, which the CLI reports as a usage error
    with pytest.raises(ConfigError):
        Extractor(timeout_s="10")  # type: ignore[arg-type]
    # a wrong value (not a wrong type) stays a ConfigError naming the choices
    with pytest.raises(ConfigError, match="grounding must be"):
        Extractor(grounding="loose")  # type: ignore[arg-type]


def test_wrong_argument_types_are_type_errors_but_stay_per_input_in_a_batch(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(tmp_path / "c"))
    with pytest.raises(TypeError, match="must be str or bytes"):
        ex.extract(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="published must be"):
        ex.extract(ARTICLE, published=3.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="id must be"):
        ex.extract(ARTICLE, id=7)  # type: ignore[arg-type]
    assert server.request_count == 0
    server.enqueue(ToolCall(json.dumps(reply())))
    results = ex.extract_many([{"id": "bad", "text": 42}, {"id": "ok", "text": ARTICLE}, 3.5], progress=False)
    bad, ok, odd = results
    assert isinstance(bad, TypeError) and isinstance(bad, InputError)
    assert isinstance(odd, TypeError) and isinstance(odd, InputError)
    assert not isinstance(ok, Exception) and ok.stock_moves[0].change_pct == 5.0


def test_errors_and_warning_class_are_exported() -> None:
    assert {"BudgetExceededError", "CacheWarning"} <= set(newsextract.__all__)
    assert issubclass(BudgetExceededError, newsextract.NewsextractError)
    assert issubclass(CacheWarning, UserWarning)


def test_cache_warning_points_at_the_callers_line(server: FakeOpenAIServer, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    server.enqueue(ToolCall(json.dumps(reply())))
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(blocker / "cache"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
        result = ex.extract(ARTICLE)
    [warning] = [w for w in caught if issubclass(w.category, CacheWarning)]
    assert warning.filename == __file__ and warning.lineno == line
    assert result.stock_moves and any("cache off" in w for w in result.meta.warnings)


# -- which backend, and saying so -----------------------------------------------------------------------
def test_an_exported_key_alone_stays_on_the_machine(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with caplog.at_level(logging.INFO, logger="newsextract"):
        ex = Extractor()
    assert ex.settings.backend == "embedded" and ex.settings.endpoint == "embedded"
    text = caplog.text
    assert "backend embedded" in text and "nothing leaves the machine" in text
    assert "OPENAI_API_KEY is set but selects no endpoint" in text and SECRET not in text
    # naming a model is the deliberate choice that sends articles to OpenAI's API, with that key
    chosen = Extractor(model="gpt-4o-mini")
    assert chosen.settings.backend == "openai" and chosen.settings.endpoint == "https://api.openai.com/v1"
    monkeypatch.setenv("NEWSEXTRACT_MODEL", "gpt-4o-mini")
    assert Extractor().settings.backend == "openai"


def test_a_model_name_without_a_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="needs a key"):
        Extractor(model="gpt-4o-mini")


def test_backend_and_endpoint_logged_once_per_extractor(
    server: FakeOpenAIServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.enqueue(ToolCall(json.dumps(reply())), ToolCall(json.dumps(reply())))
    with caplog.at_level(logging.INFO, logger="newsextract"):
        ex = Extractor(model="m", base_url=server.base_url + "/", api_key=SECRET, cache=False)
        ex.extract(ARTICLE)
        ex.extract(ARTICLE)
    lines = [r.getMessage() for r in caplog.records if "backend" in r.getMessage()]
    assert lines == [f"newsextract: backend openai, model m, endpoint {server.base_url.rstrip('/')}"]
    assert SECRET not in caplog.text


# -- client= and default_headers= -------------------------------------------------------------------------
def test_default_headers_reach_the_endpoint(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.enqueue(ToolCall(json.dumps(reply())))
    ex = Extractor(model="m", base_url=server.base_url, default_headers={"X-Team": "research"}, cache=False)
    ex.extract(ARTICLE)
    assert server.requests[0].headers["x-team"] == "research"


def test_a_given_openai_client_is_used_with_its_key_and_headers(server: FakeOpenAIServer) -> None:
    client = openai.OpenAI(
        base_url=server.base_url, api_key=SECRET, default_headers={"X-Gateway": "g1"}, max_retries=5
    )
    # a transient 503 is retried by newsextract's transport policy, not by the client's own retries
    server.enqueue(HTTPError(503), ToolCall(json.dumps(reply())))
    ex = Extractor(client=client, model="m", cache=False, transport_max_wait_s=2.0)
    assert ex.settings.backend == "openai" and ex.settings.endpoint == server.base_url.rstrip("/")
    result = ex.extract(ARTICLE)
    assert result.meta.attempts == 2 and result.meta.endpoint == server.base_url.rstrip("/")
    assert [r.headers["x-gateway"] for r in server.requests] == ["g1", "g1"]
    assert all(r.had_auth for r in server.requests)
    assert client.max_retries == 5  # the caller's client is not modified
    # the async twin is built from the same client: same endpoint, key and headers
    server.enqueue(ToolCall(json.dumps(reply())))
    again = asyncio.run(ex.aextract(ARTICLE))
    assert again.stock_moves and server.requests[-1].headers["x-gateway"] == "g1"
    assert server.requests[-1].had_auth


def test_an_async_client_and_an_instructor_client(server: FakeOpenAIServer) -> None:
    aclient = openai.AsyncOpenAI(base_url=server.base_url, api_key=SECRET, default_headers={"X-A": "1"})
    server.enqueue(ToolCall(json.dumps(reply())))
    result = asyncio.run(Extractor(client=aclient, model="m", cache=False).aextract(ARTICLE))
    assert result.stock_moves and server.requests[-1].headers["x-a"] == "1"
    # an instructor client brings its mode (here JSON: the answer comes as message content)
    wrapped = instructor.from_openai(
        openai.OpenAI(base_url=server.base_url, api_key=SECRET), mode=instructor.Mode.JSON
    )
    server.enqueue(Content(json.dumps(reply())))
    ex = Extractor(client=wrapped, model="m", cache=False)
    assert ex.extract(ARTICLE).stock_moves
    assert "tools" not in server.requests[-1].body


def test_client_misuse_is_reported() -> None:
    with pytest.raises(TypeError, match="client= must be"):
        Extractor(client=object())
    client = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key=SECRET)
    with pytest.raises(ConfigError, match="either client= or base_url="):
        Extractor(client=client, base_url="http://127.0.0.1:9/v1")
    ex = Extractor(client=client, model="m", cache=False)
    with pytest.raises(ConfigError, match="cannot share a client"):
        ex.extract_many([ARTICLE, ARTICLE], processes=2)
