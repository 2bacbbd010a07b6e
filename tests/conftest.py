"""Shared test fixtures: an isolated environment and the scripted OpenAI-compatible server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from tests.support.fake_openai import FakeOpenAIServer

# Hypothesis profiles, set deliberately. "ci" (the default, what `make test` runs): no per-example
# deadline and no too-slow health check, because on a loaded 2-core machine a 200 ms deadline fails
# correct code at random; examples are derandomized so a run is repeatable. "dev"
# (HYPOTHESIS_PROFILE=dev): random examples and a generous 1 s deadline, to notice a parser slowing down.
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("dev", deadline=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
