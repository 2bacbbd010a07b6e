"""Shared test fixtures: an isolated environment and the scripted OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.fake_openai import FakeOpenAIServer

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the developer's keys or endpoints, and the default cache lives in a temp dir."""
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "NEWSEXTRACT_MODEL",
        "NEWSEXTRACT_BACKEND",
        "NEWSEXTRACT_MODE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSEXTRACT_CACHE_DIR", str(tmp_path_factory.mktemp("default-cache")))


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    """A fresh scripted server on 127.0.0.1 for one test."""
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture
def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
