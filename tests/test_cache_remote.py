"""The shared cache tier against a real S3 API (moto's server on 127.0.0.1) and a shared folder.

The same tests run on both: two extractors with separate local caches and one ``cache_url`` share
answers; torn, foreign and altered objects are misses with one warning; writes are atomic and idempotent.
"""

from __future__ import annotations

import pickle
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.keyed_openai import KeyedOpenAIServer, make_article
from tests.support.s3_server import S3Server

from newsextract import Extractor
from newsextract.cache.remote import RemoteStore, decode_entry, encode_entry
from newsextract.cache.store import CacheWarning

KEY = "ab" * 32


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with S3Server() as server:
        yield server


@pytest.fixture
def server() -> Iterator[KeyedOpenAIServer]:
    with KeyedOpenAIServer() as srv:
        yield srv


@pytest.fixture(params=["s3", "folder"])
def shared(
    request: pytest.FixtureRequest, s3: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A shared cache URL: a fresh bucket prefix on the S3 server, or a folder."""
    if request.param == "folder":
        return str(tmp_path / "shared")
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    bucket = f"cache-{request.node.name.split('[')[0].replace('_', '-')[:40]}"
    s3.create_bucket(bucket)
    return f"s3://{bucket}/team/newsextract"


def extractor(server: KeyedOpenAIServer, local: Path, shared: str) -> Extractor:
    return Extractor(
        base_url=server.base_url,
        model="fake-model",
        cache_dir=str(local),
        cache_url=shared,
        transport_attempts=1,
    )


def object_path(ex: Extractor, text: str) -> tuple[RemoteStore, str]:
    store = ex.store
    remote = getattr(store, "remote", None)
    assert isinstance(remote, RemoteStore)
    key = ex.cache_key(text)
    return remote, key


def test_a_second_node_reuses_the_first_nodes_answer(
    server: KeyedOpenAIServer, tmp_path: Path, shared: str
) -> None:
    text = make_article(1)
    first = extractor(server, tmp_path / "node1", shared).extract(text)
    assert server.request_count == 1 and not first.meta.cached

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a valid entry gives no warning
        second = extractor(server, tmp_path / "node2", shared).extract(text)
    assert server.request_count == 1  # no request: the shared tier answered
    assert second.meta.cached
    assert second.model_dump(exclude={"meta"}) == first.model_dump(exclude={"meta"})
    assert [m.company for m in second.stock_moves] == ["Acme0001"]

    # the hit was copied into node2's local tier: it answers even with the shared tier gone
    third = Extractor(base_url=server.base_url, model="fake-model", cache_dir=str(tmp_path / "node2"))
    assert third.extract(text).meta.cached and server.request_count == 1


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: good[: len(good) // 2], id="torn"),
        pytest.param(lambda good: b'{"something": "else"}', id="foreign-json"),
        pytest.param(lambda good: good.replace(b"Acme0002", b"Evil0002"), id="altered-value"),
        pytest.param(lambda good: pickle.dumps({"draft": {}}), id="pickle"),
        pytest.param(lambda good: b"\xff\xfe not text", id="binary"),
    ],
)
def test_a_damaged_object_is_a_miss_with_one_warning(
    server: KeyedOpenAIServer, tmp_path: Path, shared: str, damage: object
) -> None:
    text = make_article(2)
    ex1 = extractor(server, tmp_path / "node1", shared)
    ex1.extract(text)
    remote, key = object_path(ex1, text)
    fs, path = remote._open(), remote.path(key)
    fs.pipe_file(path, damage(bytes(fs.cat_file(path))))  # type: ignore[operator]

    ex2 = extractor(server, tmp_path / "node2", shared)
    with pytest.warns(CacheWarning, match="not a valid entry") as caught:
        result = ex2.extract(text)
    assert len([w for w in caught if issubclass(w.category, CacheWarning)]) == 1
    assert not result.meta.cached and server.request_count == 2  # extracted again
    assert [m.company for m in result.stock_moves] == ["Acme0002"]
    # ... and the fresh answer replaced the damaged object: a third node hits
    ex3 = extractor(server, tmp_path / "node3", shared)
    assert ex3.extract(text).meta.cached and server.request_count == 2


def test_writes_are_idempotent_and_atomic(shared: str) -> None:
    store = RemoteStore(shared)
    value = {"draft": {"x": 1}, "note": "same answer"}
    errors: list[BaseException] = []
    seen: list[object] = []

    def write_and_read() -> None:
        try:
            for _ in range(5):
                assert store.set(KEY, value)
                seen.append(store.get(KEY))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write_and_read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert seen == [value] * 20  # never a torn or missing read between concurrent writes
    fs = store._open()
    assert fs.find(store._root) == [store.path(KEY)]  # one object, no leftovers


def test_folder_tier_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = RemoteStore(str(tmp_path / "shared"))
    for _ in range(3):
        store.set(KEY, {"v": 1})
    files = sorted(p.relative_to(tmp_path / "shared").as_posix() for p in (tmp_path / "shared").rglob("*"))
    assert files == ["ab", f"ab/{KEY}.json"]


def test_an_unusable_tier_warns_once_and_extraction_goes_on(
    server: KeyedOpenAIServer, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ex = extractor(server, tmp_path / "local", str(blocker / "shared"))
    with pytest.warns(CacheWarning) as caught:
        result = ex.extract(make_article(3))
        again = ex.extract(make_article(4))
    assert len([w for w in caught if issubclass(w.category, CacheWarning)]) == 1
    assert [m.company for m in result.stock_moves] == ["Acme0003"]
    assert [m.company for m in again.stock_moves] == ["Acme0004"]
    assert any("shared cache" in w for w in again.meta.warnings)
    assert ex.extract(make_article(3)).meta.cached  # the local tier still works


def test_keys_never_name_a_path(tmp_path: Path) -> None:
    store = RemoteStore(str(tmp_path))
    for bad in ["../../etc/passwd", "AB" * 32, "ab" * 31, "ab" * 32 + "/x"]:
        with pytest.raises(ValueError):
            store.path(bad)


def test_entry_round_trip_and_key_binding() -> None:
    value = {"draft": {"share_sales": []}, "usage": {"total_tokens": 3}, "text": "Zürich “quotes”"}
    data = encode_entry(KEY, value)
    assert decode_entry(KEY, data) == value
    assert decode_entry("cd" * 32, data) is None  # an entry copied under another key is foreign


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise_and_are_never_an_entry(data: bytes) -> None:
    assert decode_entry(KEY, data) is None


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=8),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(), lambda c: st.lists(c, max_size=3)
        ),
        max_size=5,
    )
)
def test_any_json_value_round_trips(value: dict[str, object]) -> None:
    assert decode_entry(KEY, encode_entry(KEY, value)) == value


def test_the_tier_comes_back_after_a_fault(tmp_path: Path) -> None:
    blocker = tmp_path / "mount"
    blocker.write_text("the share is not mounted yet")
    store = RemoteStore(str(blocker / "cache"), retry_after_s=0.0)
    with pytest.warns(CacheWarning, match="shared cache off"):
        assert not store.set(KEY, {"v": 1})
    assert store.disabled_reason is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # failing again warns no more
        assert store.get(KEY) is None
        blocker.unlink()  # the share appears
        assert store.set(KEY, {"v": 1}) and store.get(KEY) == {"v": 1}
    assert store.disabled_reason is None


def test_a_fault_keeps_the_tier_off_until_the_retry_time(tmp_path: Path) -> None:
    blocker = tmp_path / "mount"
    blocker.write_text("x")
    store = RemoteStore(str(blocker / "cache"))  # default: try again after 60 s
    with pytest.warns(CacheWarning):
        store.set(KEY, {"v": 1})
    blocker.unlink()
    assert not store.set(KEY, {"v": 1}) and store.get(KEY) is None  # not retried within the minute
