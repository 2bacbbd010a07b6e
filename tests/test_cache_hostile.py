"""A cache directory someone else can write into: rows planted with sqlite3 run no code, name no path
outside the cache, and cost one warning and a miss; directories and files get safe permissions."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from tests.support.fake_openai import FakeOpenAIServer, ToolCall
from typer.testing import CliRunner

from newsextract import Extractor
from newsextract.cache.disk import own_file_name
from newsextract.cache.store import CacheWarning, JsonStore
from newsextract.cli import app

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


class _RunsCode:
    """Unpickling this writes ``marker``: the payload a hostile cache row would carry."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('code ran')",))


def _rows(cache_dir: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    con = sqlite3.connect(cache_dir / "cache.db")
    with con:
        con.execute(sql, params)
    con.close()


def _cached_extractor(server: FakeOpenAIServer, cache_dir: Path) -> Extractor:
    """An extractor whose cache holds the answer for ARTICLE (one request made)."""
    server.enqueue(REPLY)
    ex = Extractor(model="m", base_url=server.base_url, cache_dir=str(cache_dir))
    assert len(ex.extract(ARTICLE).stock_moves) == 1
    ex.close()
    return Extractor(model="m", base_url=server.base_url, cache_dir=str(cache_dir))


def _cache_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]


@pytest.mark.parametrize("where", ["inline", "file"])
def test_a_pickle_planted_in_a_row_never_runs(server: FakeOpenAIServer, tmp_path: Path, where: str) -> None:
    cache_dir = tmp_path / "shared"
    marker = tmp_path / "pwned"
    ex = _cached_extractor(server, cache_dir)
    payload = pickle.dumps(_RunsCode(marker))
    if where == "inline":
        _rows(cache_dir, "UPDATE Cache SET mode = 4, value = ?", (payload,))
    else:
        outside = tmp_path / "payload.pkl"
        outside.write_bytes(payload)
        _rows(cache_dir, "UPDATE Cache SET mode = 4, value = NULL, filename = ?", (str(outside),))
    server.enqueue(REPLY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ex.extract(ARTICLE)
        again = ex.extract(ARTICLE)
    assert not marker.exists()
    assert len(_cache_warnings(caught)) == 1, _cache_warnings(caught)
    assert not result.meta.cached and len(result.stock_moves) == 1  # a miss: asked again
    assert again.meta.cached  # the fresh answer replaced the planted row
    assert server.request_count == 2


def test_a_pickled_key_is_never_unpickled(tmp_path: Path) -> None:
    """``raw = 0`` makes diskcache unpickle the key column when it lists keys; ours refuses."""
    from newsextract.cache.disk import SafeJSONDisk, UnsafeRowError

    marker = tmp_path / "pwned"
    disk = SafeJSONDisk(str(tmp_path))
    with pytest.raises(UnsafeRowError):
        disk.get(pickle.dumps(_RunsCode(marker)), False)
    assert not marker.exists()


def test_a_row_naming_an_outside_file_is_never_read(server: FakeOpenAIServer, tmp_path: Path) -> None:
    cache_dir = tmp_path / "shared"
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the cache")
    ex = _cached_extractor(server, cache_dir)
    _rows(cache_dir, "UPDATE Cache SET mode = 2, value = NULL, filename = ?", (str(secret),))
    server.enqueue(REPLY)
    with pytest.warns(CacheWarning, match="does not own"):
        result = ex.extract(ARTICLE)
    assert len(result.stock_moves) == 1 and server.request_count == 2


def _plant_file_row(cache_dir: Path, filename: str) -> None:
    store = JsonStore(cache_dir)
    assert store.set("planted", {"x": 1})
    store.close()
    _rows(cache_dir, "UPDATE Cache SET mode = 2, value = NULL, filename = ?", (filename,))


def test_cache_clear_never_deletes_a_file_outside_the_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "shared"
    victim_dir = tmp_path / "home" / "docs"
    victim_dir.mkdir(parents=True)
    victim = victim_dir / "thesis.txt"
    victim.write_text("years of work")
    _plant_file_row(cache_dir, str(victim))
    result = CliRunner().invoke(app, ["cache", "clear", "--yes", "--cache-dir", str(cache_dir)])
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "years of work" and victim_dir.is_dir()
    assert "removed 1 entries" in result.output
    assert JsonStore(cache_dir).stats()["entries"] == 0


def test_cache_clear_never_follows_a_planted_symlinked_folder(tmp_path: Path) -> None:
    """A name of the cache's own shape whose folder is a symlink to elsewhere is refused too."""
    cache_dir = tmp_path / "shared"
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "cd").mkdir(parents=True)
    name = "0" * 28 + ".val"
    victim = elsewhere / "cd" / name
    victim.write_text("keep me")
    _plant_file_row(cache_dir, f"ab/cd/{name}")
    (cache_dir / "ab").symlink_to(elsewhere, target_is_directory=True)
    store = JsonStore(cache_dir)
    with pytest.warns(CacheWarning, match="refused to delete"):
        assert store.clear() == 1
    assert victim.read_text() == "keep me"


def test_relative_escape_names_are_refused(tmp_path: Path) -> None:
    assert own_file_name("ab/cd/" + "0123456789abcdef0123456789ab.val")
    for bad in ("../x.val", "/etc/passwd", "ab/cd/../../../x.val", "ab/cd/x.val", None, 4):
        assert not own_file_name(bad)


def test_large_values_still_go_to_files_and_are_cleared(tmp_path: Path) -> None:
    """What the cache writes itself (a value too large for a row goes to a file) still round-trips."""
    cache_dir = tmp_path / "c"
    store = JsonStore(cache_dir)
    big = {"pad": os.urandom(40_000).hex()}  # does not compress below diskcache's 32 KB file threshold
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.set("big", big)
        files = [p for p in cache_dir.rglob("*.val")]
        assert len(files) == 1
        assert store.get("big") == big
        assert store.clear() == 1
    assert not files[0].exists() and not files[0].parent.exists()
    assert cache_dir.is_dir()


def test_damaged_row_bytes_are_one_warning_and_a_miss(server: FakeOpenAIServer, tmp_path: Path) -> None:
    cache_dir = tmp_path / "c"
    ex = _cached_extractor(server, cache_dir)
    _rows(cache_dir, "UPDATE Cache SET value = ?", (b"not zlib at all",))
    server.enqueue(REPLY)
    with pytest.warns(CacheWarning) as caught:
        result = ex.extract(ARTICLE)
    assert len(_cache_warnings(list(caught))) == 1
    assert len(result.stock_moves) == 1 and server.request_count == 2
    assert ex.store is not None and ex.store.disabled_reason is None  # the cache itself stays on


# -- permissions ---------------------------------------------------------------------------------------
def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_cache_directory_and_its_files_are_private(tmp_path: Path) -> None:
    cache_dir = tmp_path / "new" / "cache"
    store = JsonStore(cache_dir)
    assert store.set("small", {"a": 1}) and store.set("big", {"pad": os.urandom(40_000).hex()})
    assert _mode(cache_dir) == 0o700
    written = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert any(p.name == "cache.db" for p in written) and any(p.suffix == ".val" for p in written)
    assert {p.name: _mode(p) for p in written} == {p.name: 0o600 for p in written}
    assert all(_mode(p) == 0o700 for p in cache_dir.rglob("*") if p.is_dir())


def test_an_existing_shared_directory_is_left_alone(tmp_path: Path) -> None:
    """A team's setgid folder keeps its mode; files share with the group, never with others."""
    team = tmp_path / "team-cache"
    team.mkdir()
    os.chmod(team, 0o2770)
    old_umask = os.umask(0o007)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no warning: the group may write, others may not
            store = JsonStore(team)
            assert store.set("k", {"a": 1}) and store.set("big", {"pad": os.urandom(40_000).hex()})
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(team.stat().st_mode) == 0o2770
    for path in team.rglob("*"):
        if path.is_file():
            assert _mode(path) == 0o660, path


def test_a_world_writable_existing_directory_is_used_with_a_warning(tmp_path: Path) -> None:
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    os.chmod(open_dir, 0o777)
    store = JsonStore(open_dir)
    with pytest.warns(CacheWarning, match="writable by every user"):
        assert store.set("k", {"a": 1})
    assert _mode(open_dir) == 0o777
    assert store.get("k") == {"a": 1}
    assert _mode(open_dir / "cache.db") & 0o007 == 0  # never readable or writable by others


def test_planted_pickle_in_another_process_runs_nothing(server: FakeOpenAIServer, tmp_path: Path) -> None:
    """The issue's scenario end to end: one process caches, the row is rewritten, the next process reads."""
    cache_dir = tmp_path / "shared"
    marker = tmp_path / "pwned"
    _cached_extractor(server, cache_dir).close()
    _rows(cache_dir, "UPDATE Cache SET mode = 4, value = ?", (pickle.dumps(_RunsCode(marker)),))
    server.enqueue(REPLY)
    code = (
        "import sys, warnings\n"
        "from newsextract import Extractor\n"
        "warnings.simplefilter('default')\n"
        "ex = Extractor(model='m', base_url=sys.argv[1], cache_dir=sys.argv[2])\n"
        f"print(len(ex.extract({ARTICLE!r}).stock_moves))\n"
    )
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code, server.base_url, str(cache_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=repo,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
    assert "cannot trust" in done.stderr
    assert not marker.exists()
