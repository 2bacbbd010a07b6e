"""Follow the README on a fresh clone: its commands, as written, in a new clone of this repository.

The clone is made with ``git clone`` (committed files only, as a new user gets them). Its commands run
in the clone with the code of the clone (``PYTHONPATH=<clone>/src``) and this checkout's virtualenv,
which ``make setup`` built with the same ``pip install -e ".[local,dev]"``; the cache is a temporary
directory, and no endpoint is configured. What is not run, and why:

- the ``pip install`` lines of "Install": they compile llama-cpp-python (~10 minutes) and reach the
  package registry; the virtualenv running this test was installed the same way;
- ``make test``: it is the command running this test;
- sections whose commands need an endpoint or OpenAI's Batch API ("Many articles", the Batch API
  section, the Ray section): only the bash blocks of "The two commands" and "Command line" run here.

``make demo`` runs as written, with make told that the virtualenv is already set up
(``-o <venv>/.installed VENV=<venv>``), so the demo's own command line is what runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
VENV = Path(sys.executable).parent.parent

NOT_RUN = ("pip install", "make test")


RUN_SECTIONS = ("## The two commands", "## Command line")


def section(heading: str) -> str:
    start = README.index(heading + "\n")
    end = README.find("\n## ", start + len(heading))
    return README[start : end if end != -1 else len(README)]


def blocks(lang: str, text: str = README) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def commands() -> list[str]:
    """Each line of the bash blocks of the sections that run offline, without its trailing comment
    (which bash would ignore)."""
    bash = [block for heading in RUN_SECTIONS for block in blocks("bash", section(heading))]
    lines = [re.sub(r"\s+#.*$", "", line).strip() for block in bash for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#") and not line.startswith(NOT_RUN)]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout to clone")
    target = tmp_path_factory.mktemp("fresh") / "newsextract"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(target)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return target


def env_for(clone: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSEXTRACT_"))}
    env.update(
        PYTHONPATH=str(clone / "src"),
        PATH=f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        NEWSEXTRACT_CACHE_DIR=str(cache),
        COLUMNS="120",
    )
    return env


def run(cmd: str, clone: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if cmd.startswith("make "):
        stamp = VENV / ".installed"
        cmd = f"make -o {stamp} VENV={VENV} {cmd[len('make ') :]}"
    return subprocess.run(
        ["bash", "-c", cmd],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_readme_lists_the_commands_this_test_follows() -> None:
    cmds = commands()
    assert cmds[:1] == ["make demo"]
    assert any(c.startswith("newsextract extract seeds/") for c in cmds)
    assert any(c.startswith("newsextract eval") for c in cmds)
    assert "newsextract cache clear --yes" in " ".join(cmds)


@pytest.mark.model
@pytest.mark.timeout(900)
def test_readme_commands_run_as_written_on_a_fresh_clone(clone: Path, tmp_path: Path) -> None:
    env = env_for(clone, tmp_path / "cache")
    # the clone's code is what runs, not this checkout's
    where = run("python -c 'import newsextract; print(newsextract.__file__)'", clone, env)
    assert where.stdout.strip().startswith(str(clone / "src")), where

    outputs: dict[str, subprocess.CompletedProcess[str]] = {}
    for cmd in commands():
        proc = run(cmd, clone, env)
        outputs[cmd] = proc
        assert proc.returncode == 0, f"$ {cmd}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"

    demo = outputs["make demo"]
    assert "000_2a337d593799195a: 5 event(s)" in demo.stdout
    assert "0 model request(s)" in demo.stderr and "endpoint embedded" in demo.stderr
    version = next(p for c, p in outputs.items() if c.startswith("newsextract --version"))
    assert version.stdout.startswith("newsextract ")
    results = clone / "results.jsonl"
    assert results.is_file() and len(results.read_text(encoding="utf-8").splitlines()) == 8
    cleared = next(p for c, p in outputs.items() if c.startswith("newsextract cache clear"))
    assert "removed" in cleared.stdout

    # the first Python snippet, as written, from the clone's root
    [intro] = blocks("python")[:1]
    proc = subprocess.run(
        [sys.executable, "-c", intro], cwd=clone, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ShareSale" in proc.stdout and "embedded 0 request(s)" in proc.stdout
