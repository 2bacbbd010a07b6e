"""A credential written into ``cache_url`` (``s3://KEY:SECRET@bucket``, ``?token=...``) is refused with a
``ConfigError`` that masks it; an access key ID in the URL, or a credential in a storage option, shows in
no repr, warning, log line (newsextract's, or the DEBUG lines of the S3 client stack below it), ``meta``,
``stats()`` or CLI output, even where the storage backend's own error text repeats it (s3fs reads
``KEY@bucket`` as a bucket name).

Against a real S3 API (moto's server on 127.0.0.1); each test uses a secret of its own, since the masking
remembers every secret it was given for the life of the process.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.keyed_openai import KeyedOpenAIServer, make_article
from tests.support.s3_server import S3Server

from newsextract import Extractor
from newsextract.cache.remote import RemoteStore
from newsextract.errors import ConfigError

NEWSEXTRACT = Path(sys.executable).parent / "newsextract"
#: newsextract's loggers and those of the S3 client stack below the shared tier (with all their children)
CLIENT_LOGGERS = {"newsextract", "s3fs", "fsspec", "botocore", "aiobotocore"}


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with S3Server() as server:
        server.create_bucket("creds")
        yield server


@pytest.fixture
def s3_env(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    return s3


@pytest.fixture
def server() -> Iterator[KeyedOpenAIServer]:
    with KeyedOpenAIServer() as srv:
        yield srv


def fresh_secret() -> str:
    return f"S3secret-{uuid.uuid4().hex}"


def fresh_key_id() -> str:
    """An access key ID (the user part of ``s3://KEY:SECRET@bucket``): masked too."""
    return f"AKIA{uuid.uuid4().hex[:16].upper()}"


def newsextract_log(caplog: pytest.LogCaptureFixture) -> str:
    """Every line newsextract's own loggers, and those of the S3 client stack that it masks, wrote
    (message and traceback). The S3 server's own request log (moto, in this process) is not ours."""
    records = [r for r in caplog.records if r.name.split(".")[0] in CLIENT_LOGGERS]
    return "\n".join(r.getMessage() + (r.exc_text or "") for r in records)


# Credentials written into the URL are refused before anything is sent: the object store would not use
# them (s3fs takes "KEY:SECRET@creds" for a bucket's name; a query stays in every object's name).
URLS = {
    "userinfo": "s3://{key}:{secret}@creds/team",
    "query": "s3://creds/team?key={key}&secret={secret}&session_token={secret}",
    "query-token": "gs://creds/team?token={secret}",
}


@pytest.mark.parametrize("shape", sorted(URLS))
def test_credentials_in_cache_url_are_refused_without_being_shown(
    shape: str, server: KeyedOpenAIServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret, key_id = fresh_secret(), fresh_key_id()
    url = URLS[shape].format(key=key_id, secret=secret)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError, match="carries credentials") as raised:
        Extractor(base_url=server.base_url, model="fake-model", cache_dir=str(tmp_path), cache_url=url)
    message = str(raised.value)
    assert "AWS_ACCESS_KEY_ID" in message and "***" in message
    shown = message + newsextract_log(caplog)
    assert secret not in shown
    if shape == "query":  # the key ID is a credential-like query value there
        assert key_id not in shown


def test_a_failing_shared_tier_never_shows_the_key_id_in_its_url(
    s3_env: S3Server,
    server: KeyedOpenAIServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``s3://KEY@bucket`` (an access key ID, no secret) passes the settings, but s3fs takes "KEY@creds"
    for the bucket's name and its error repeats it: the tier goes off, extraction goes on, and the key ID
    shows nowhere."""
    key_id = fresh_key_id()
    caplog.set_level(logging.DEBUG)
    ex = Extractor(
        base_url=server.base_url,
        model="fake-model",
        cache_dir=str(tmp_path / "local"),
        cache_url=f"s3://{key_id}@creds/team",
        transport_attempts=1,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ex.extract(make_article(1))
    assert [m.company for m in result.stock_moves] == ["Acme0001"]  # extraction went on

    store = ex.store
    assert store is not None
    stats = store.stats()
    reason = store.disabled_reason
    assert reason is not None and "shared cache" in reason  # the failing connection was reported ...
    warned = [str(w.message) for w in caught]
    assert any("shared cache off" in w for w in warned)
    assert "shared cache off" in newsextract_log(caplog)
    assert any("shared cache" in w for w in result.meta.warnings)

    shown = {  # ... and the key ID is in none of what a user sees
        "repr(extractor)": repr(ex),
        "repr(settings)": repr(ex.settings),
        "warnings": "\n".join(warned),
        "log": newsextract_log(caplog),
        "meta": result.meta.model_dump_json(),
        "stats": repr(stats),
        "disabled_reason": reason,
    }
    assert [where for where, text in shown.items() if key_id in text] == []


def test_credentials_in_storage_options_are_never_shown(s3_env: S3Server) -> None:
    secret, key_id = fresh_secret(), fresh_key_id()
    store = RemoteStore("s3://no-such-bucket/team", key=key_id, secret=secret)
    with pytest.warns(UserWarning) as caught:
        assert store.set("ab" * 32, {"v": 1}) is False
    reason = store.disabled_reason
    assert reason is not None
    shown = [reason, *(str(w.message) for w in caught)]
    assert [text for text in shown if secret in text or key_id in text] == []


def test_the_cli_shows_no_cache_url_credential(
    s3: S3Server, server: KeyedOpenAIServer, tmp_path: Path
) -> None:
    secret, key_id = fresh_secret(), fresh_key_id()
    article = tmp_path / "article.txt"
    article.write_text(make_article(2), encoding="utf-8")
    env = {
        **os.environ,
        **s3.env,
        "NEWSEXTRACT_CACHE_URL": f"s3://{key_id}:{secret}@creds/team?token={secret}",
        "PYTHONWARNINGS": "always",
    }
    args = ["extract", str(article), "--format", "jsonl", "--base-url", server.base_url, "--model", "m"]
    args += ["--cache-dir", str(tmp_path / "cache"), "--no-progress"]
    proc = subprocess.run(
        [str(NEWSEXTRACT), *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert proc.returncode == 2, proc.stderr  # a configuration error, before any article is read
    assert "carries credentials" in proc.stderr  # the refusal is explained ...
    shown = proc.stderr + proc.stdout
    assert secret not in shown  # ... without the credentials
