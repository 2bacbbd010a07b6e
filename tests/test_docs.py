"""The repository stands alone and its docs match the code: no reference to files outside it, every
path the README names exists, the contract in docs/ lists every field the models have, the gold
format's example is valid gold, and the licence is the one pyproject declares."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from hypothesis import settings

from newsextract.core.schemas import Meta
from newsextract.evaluate import parse_gold
from newsextract.kinds.builtin import EVENT_TYPES

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
EVENTS = (REPO / "docs" / "EVENTS.md").read_text(encoding="utf-8")
GOLD_FORMAT = (REPO / "docs" / "GOLD_FORMAT.md").read_text(encoding="utf-8")

# assembled at run time so that this file does not match itself
OUTSIDE = [
    "/work/" + "shared",
    "../" + "shared",
    "FINDINGS" + ".md",
    "SCHEMA" + ".md",
    "SCHEMA" + "'s",
    "shared/" + "ARCHITECTURE",
]


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True, timeout=60
        ).stdout
        return [REPO / line for line in out.splitlines() if line]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an sdist): walk the tree
        skip = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
        return [
            Path(root) / name
            for root, dirs, names in os.walk(REPO)
            if not (dirs.__setitem__(slice(None), [d for d in dirs if d not in skip]))
            for name in names
        ]


def test_nothing_refers_to_files_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if not path.is_file() or path.suffix in {".png", ".gguf", ".whl"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [f"{path.relative_to(REPO)}: {word}" for word in OUTSIDE if word in text]
    assert not offenders


def test_every_path_the_readme_names_exists() -> None:
    roots = ("src/", "docs/", "fixtures/", "seeds/", "examples/", "tests/", "bench/", "prompts/")
    named = set(re.findall(r"`([^`\s]+)`", README)) | set(re.findall(r"\]\(([^)\s]+)\)", README))
    named |= set(re.findall(r"(?<![\w/.-])((?:seeds|fixtures|docs|examples)/[\w./-]*)", README))
    paths = {p for p in named if p.startswith(roots) or p in {"LICENSE", "Makefile", "pyproject.toml"}}
    assert "docs/EVENTS.md" in paths and "fixtures/heldout/articles/" in paths
    # a folder of articles the repository does not have (the README once said news/*.jsonl)
    assert not re.findall(r"""(?<![\w/:.-])news/""", README)
    missing = sorted(p for p in paths if "*" not in p and not (REPO / p).exists())
    assert not missing
    layout = README[README.index("## Layout") :]
    modules = re.findall(r"^  ([a-z_]+(?:\.py|/))\s", layout, re.M)
    assert "options.py" in modules
    assert not [m for m in modules if not (REPO / "src" / "newsextract" / m).exists()]


def test_readme_has_install_lines_and_the_licence_is_apache() -> None:
    assert 'pip install ".[local]"' in README and 'pip install "newsextract[local]"' in README
    licence = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in licence
    assert "END OF TERMS AND CONDITIONS" in licence and len(licence) > 10_000
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    assert not [d for d in project["dependencies"] if d.startswith("python-dateutil")]


def test_the_event_contract_lists_every_field() -> None:
    for name, model in EVENT_TYPES.items():
        section = EVENTS[EVENTS.index(f"## `{name}`") :]
        section = section[: section.index("\n## ", 1)]
        for field in model.model_fields:
            if field in ("type", "evidence", "flags"):
                assert f"`{field}`" in EVENTS, field
            else:
                assert f"`{field}`" in section, (name, field)
    for field in Meta.model_fields:
        assert f"| `{field}` |" in EVENTS, field


def test_the_gold_format_example_is_valid_gold_for_its_seed() -> None:
    block = re.search(r"```json\n(.*?)```", GOLD_FORMAT, re.S)
    assert block
    record = json.loads(block.group(1))
    [article] = parse_gold([json.dumps(record)], source="GOLD_FORMAT.md")
    text = (REPO / "seeds" / f"{article.id}.txt").read_text(encoding="utf-8")
    assert article.check_against(text) == [] and article.events


def test_hypothesis_runs_under_the_ci_profile() -> None:
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci":
        pytest.skip("another Hypothesis profile was asked for")
    assert settings.default.deadline is None and settings.default.derandomize
