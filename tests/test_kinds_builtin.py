"""The three built-in kinds are instances of the kinds mechanism: their drafts are the derived ones, they
are described from their own modules, and the generic machinery names none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from newsextract.grounding.reask import reply_model
from newsextract.kinds import BUILTIN_KINDS
from newsextract.kinds.drafts import DRAFT_TYPES, ArticleDraft
from newsextract.kinds.kindset import BUILTIN_SET
from newsextract.kinds.spec import kind_spec
from newsextract.prompts import load_prompt

SRC = Path(__file__).resolve().parents[1] / "src" / "newsextract"
BUILTIN_NAMES = {k.__name__ for k in BUILTIN_KINDS}


@pytest.mark.parametrize("kind", BUILTIN_KINDS, ids=lambda k: k.__name__)
def test_a_built_ins_draft_is_the_derived_one_on_both_paths(kind: type) -> None:
    spec = kind_spec(kind)
    assert DRAFT_TYPES[kind.__name__] is spec.draft
    assert ArticleDraft.model_fields[spec.list_key].annotation == list[spec.draft]
    assert reply_model(BUILTIN_SET).model_fields[spec.list_key].annotation == list[spec.draft]


def test_the_built_in_prompt_reads_the_kinds_own_words_and_renders_v2s_text() -> None:
    v2, v3 = load_prompt("whole_article", 2), load_prompt("whole_article", 3)
    assert "$kinds" in v3.system and "share_sales:" not in v3.system  # described in the kinds' modules
    rendered = v3.render(kinds=BUILTIN_SET.prompt_section(), text="x", published="y")
    assert rendered == v2.render(text="x", published="y")


def _names_used(path: Path) -> set[str]:
    """Names and string constants in ``path``'s code (docstrings and comments aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.add(node.value)
    return found


@pytest.mark.parametrize("package", ["grounding", "normalize", "pipeline"])
def test_grounding_normalisation_and_post_processing_name_no_kind(package: str) -> None:
    """What a built-in needs beyond its roles is declared on the kind (``kinds.marks``) and read here by
    generic code: no class and no kind name of a built-in appears in these packages."""
    named = {
        path.relative_to(SRC).as_posix(): sorted(_names_used(path) & BUILTIN_NAMES)
        for path in sorted((SRC / package).glob("*.py"))
    }
    assert {p: n for p, n in named.items() if n} == {}
