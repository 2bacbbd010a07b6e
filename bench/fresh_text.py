"""Never-seen articles for the benches: a seed text made unique, and the per-text memos emptied.

A bench that cycles the same few seed articles measures warm memos: the sentence and word indexes,
normalised text, parsed quantities and verdicts that newsextract keeps for the last few texts it saw.
A day of newswire is new articles, each read once. Two things make a bench article new:

- :func:`fresh_text`: the seed text with a closing line unique to the call ("Story code bqxa."), so
  every memo keyed by the whole article misses;
- :func:`clear_text_memos`: every memo of the library's modules emptied (found by duck typing: a
  module-level object with ``cache_clear``, e.g. ``functools.lru_cache``; plus the verdict memo), so
  memos keyed by a sentence or a name (which the unique line leaves equal) miss too. Per-process caches
  that a real day keeps warm (a response model prepared once per class, its request fields, a kind's
  spec and plan; any unbounded ``lru_cache``) are kept.
"""

from __future__ import annotations

import string
import sys
from collections import OrderedDict

#: Memos that hold per-process work, not per-article work (a response model prepared per class, its
#: request fields, the kinds' specs, prompts, settings, URLs, the fingerprint of the library's own source):
#: a real day keeps them warm. A memo missing here is emptied too, which only makes newsextract look slower.
PER_PROCESS = frozenset(
    {
        "structured_fields",
        "_choice_model",
        "_PREPARED",
        "kind_spec",
        "_reply_model",
        "source_fingerprint",
        "urlsplit",
        "declared_settings",
        "load_prompt",
    }
)


def story_code(i: int) -> str:
    """A short lowercase letter code unique to ``i`` (letters only: no number the grounding could read)."""
    letters = string.ascii_lowercase
    code = ""
    i += len(letters) ** 3  # at least four letters
    while i:
        i, r = divmod(i, len(letters))
        code += letters[r]
    return code


def fresh_text(text: str, i: int) -> str:
    """``text`` with a closing line unique to ``i``: the events and their offsets are unchanged."""
    return f"{text.rstrip()}\n\nStory code {story_code(i)}.\n"


def _unbounded(memo: object) -> bool:
    """An ``lru_cache`` without a bound holds per-process work by construction (one keyed by text would
    grow with every article): a kind's plan, its marks, a compiled word-list pattern."""
    info = getattr(memo, "cache_info", None)
    return callable(info) and getattr(info(), "maxsize", 0) is None


def text_memos() -> list[object]:
    """Every per-text memo of the imported newsextract modules (see the module docstring)."""
    found: dict[int, object] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("newsextract") or module is None:
            continue
        for attr, value in vars(module).items():
            if attr in PER_PROCESS or isinstance(value, type) or _unbounded(value):
                continue
            if callable(getattr(value, "cache_clear", None)) or (
                name == "newsextract.grounding.verdict" and attr == "_memo" and isinstance(value, OrderedDict)
            ):
                found[id(value)] = value
    return list(found.values())


def clear_text_memos(memos: list[object]) -> None:
    """Empty each of ``memos`` (from :func:`text_memos`)."""
    for memo in memos:
        clear = getattr(memo, "cache_clear", None) or getattr(memo, "clear")  # noqa: B009
        clear()
