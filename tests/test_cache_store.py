"""The cache against real diskcache on disk: keys, JSON-only values, processes sharing a directory, faults."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import diskcache
import pytest
from tests.support.fake_openai import FakeOpenAIServer, ToolCall

from newsextract import Extractor
from newsextract.cache.keys import cache_key
from newsextract.cache.store import CacheWarning, JsonStore

REPO = Path(__file__).resolve().parents[1]
ARTICLE = "Xpeng shares fell 3.84 percent to $9.51 on Tuesday."
REPLY = ToolCall(
    json.dumps(
        {
            "stock_moves": [
                {
                    "quote": ARTICLE,
                    "company": "Xpeng",
                    "direction": "down",
                    "change_pct": "3.84 percent",
                    "price": "$9.51",
                }
            ]
        }
    )
)


def key(**over: Any) -> str:
    base: dict[str, Any] = {
        "model": "m",
        "endpoint": "http://127.0.0.1:1/v1",
        "prompt_version": "whole_article.v1+abcd",
        "schema": {"type": "object"},
        "params": {"temperature": 0},
        "text": "t",
        "published": None,
    }
    base.update(over)
    return cache_key(**base)


def test_key_changes_with_everything_that_changes_the_answer() -> None:
    k = key()
    assert key() == k
    for change in (
        {"model": "m2"},
        {"endpoint": "http://127.0.0.1:2/v1"},
        {"prompt_version": "whole_article.v2+abcd"},
        {"schema": {"type": "object", "description": "x"}},
        {"params": {"temperature": 0.5}},
        {"text": "t "},
        {"published": "2024-01-01"},
    ):
        assert key(**change) != k, change


def test_store_round_trips_json(tmp_path: Path) -> None:
    store = JsonStore(tmp_path / "c")
    assert store.get("nope") is None
    assert store.set("k", {"a": [1, "x", None], "b": {"c": 1.5}})
    assert store.get("k") == {"a": [1, "x", None], "b": {"c": 1.5}}
    assert store.stats()["entries"] == 1
    assert store.clear() == 1


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from newsextract.cache.store import JsonStore
    store = JsonStore(Path(sys.argv[1]))
    who = sys.argv[2]
    for i in range(300):
        assert store.set(f"key-{i % 150}", {"writer": who, "i": i, "pad": "x" * 200})
        assert store.get(f"key-{(i * 7) % 150}") is None or True
    print("ok")
    """
)


def test_two_processes_write_the_same_keys(tmp_path: Path) -> None:
    cache_dir = tmp_path / "shared"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(cache_dir), who],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for who in ("a", "b")
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    store = JsonStore(cache_dir)
    values = [store.get(f"key-{i}") for i in range(150)]
    assert all(v is not None and v["writer"] in ("a", "b") and len(v["pad"]) == 200 for v in values)


def test_corrupted_cache_degrades_to_no_cache_with_one_warning(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "broken"
    cache_dir.mkdir(mode=0o700)
    (cache_dir / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    server.enqueue(REPLY, REPLY)
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(cache_dir))
    with pytest.warns(CacheWarning) as caught:
        first = ex.extract(ARTICLE)
        second = ex.extract(ARTICLE)
    assert len([w for w in caught if issubclass(w.category, CacheWarning)]) == 1
    assert len(first.stock_moves) == 1 and len(second.stock_moves) == 1
    assert server.request_count == 2  # no cache, so asked twice; never failed
    assert any("cache off" in w for w in second.meta.warnings)


def test_cache_dir_that_is_a_file_degrades(server: FakeOpenAIServer, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    server.enqueue(REPLY)
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(not_a_dir))
    with pytest.warns(CacheWarning):
        result = ex.extract(ARTICLE)
    assert len(result.stock_moves) == 1


def test_full_disk_on_write_degrades(
    server: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: Any, **kw: Any) -> bool:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(diskcache.Cache, "set", full)  # simulate ENOSPC from the disk layer
    server.enqueue(REPLY)
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(tmp_path / "c"))
    with pytest.warns(CacheWarning, match="No space left"):
        result = ex.extract(ARTICLE)
    assert len(result.stock_moves) == 1


def test_stored_events_reused_only_by_the_same_pipeline_code(
    server: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsextract.engine.cached as cached

    server.enqueue(REPLY)
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(tmp_path / "c"))
    assert len(ex.extract(ARTICLE).stock_moves) == 1
    store = ex.store
    assert store is not None
    key = ex.cache_key(ARTICLE)
    entry = store.get(key)
    assert entry is not None and entry["pipeline"] == cached.pipeline_fingerprint()
    entry["events"] = []  # stored events that differ from what the drafts give ...
    store.set(key, entry)
    assert ex.extract(ARTICLE).stock_moves == []  # ... are used while the code is the same
    monkeypatch.setattr(cached, "pipeline_fingerprint", lambda: "other-code")
    again = ex.extract(ARTICLE)  # new post-processing code: the drafts are post-processed again
    assert again.meta.cached and len(again.stock_moves) == 1
    assert server.request_count == 1


def test_sentence_rules_are_part_of_that_strategys_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsextract.engine.parts as parts
    from newsextract.strategies.sentence_choices import SentenceChoices
    from newsextract.strategies.whole_article import WholeArticle

    ex = Extractor(model="m", base_url="http://127.0.0.1:9/v1", cache_dir=str(tmp_path / "c"))
    ex._strategy = SentenceChoices()
    before = ex.cache_key(ARTICLE)
    monkeypatch.setattr(parts, "rules_fingerprint", lambda: "new-rules")
    assert ex.cache_key(ARTICLE) != before
    ex._strategy = WholeArticle()  # a whole-article draft is the model's answer: rules do not matter
    whole = ex.cache_key(ARTICLE)
    monkeypatch.setattr(parts, "rules_fingerprint", lambda: "newer-rules")
    assert ex.cache_key(ARTICLE) == whole
