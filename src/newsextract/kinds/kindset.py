"""A set of event kinds to extract: checked once, named, listed and described to the model. Pure.

Every kind, built-in or the caller's own, is read the same way (``kinds.spec``): its list name, its
description (the first paragraph of its docstring, or its ``described`` words), its draft. The reply
model that lists one set of kinds is made by ``grounding.reask.reply_model`` (its validation checks
quotes against the article, which is grounding's job).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from newsextract.core.schemas import Event
from newsextract.kinds.builtin import BUILTIN_KINDS
from newsextract.kinds.spec import KindError, KindSpec, kind_spec

#: The built-ins' list names, by kind name.
BUILTIN_LISTS: dict[str, str] = {k.__name__: kind_spec(k).list_key for k in BUILTIN_KINDS}


@dataclass(frozen=True)
class KindSet:
    """The kinds one ``Extractor`` extracts, in the caller's order, each once."""

    kinds: tuple[type[Event], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(k.__name__ for k in self.kinds)

    @property
    def is_default(self) -> bool:
        """True for exactly the three built-ins (in any order): the established path runs."""
        return set(self.kinds) == set(BUILTIN_KINDS)

    @property
    def custom(self) -> tuple[KindSpec, ...]:
        """The caller's own kinds, derived."""
        return tuple(kind_spec(k) for k in self.kinds if k not in BUILTIN_KINDS)

    def spec(self, name: str) -> KindSpec | None:
        """The derived spec of the caller's kind ``name``; None for a built-in."""
        return next((s for s in self.custom if s.name == name), None)

    def spec_of(self, name: str) -> KindSpec:
        """The derived spec of the kind ``name`` of the set, built-in or not. KeyError if not in the set."""
        for k in self.kinds:
            if k.__name__ == name:
                return kind_spec(k)
        raise KeyError(name)

    def list_key(self, kind: type[Event]) -> str:
        return BUILTIN_LISTS.get(kind.__name__) or kind_spec(kind).list_key

    def prompt_section(self) -> str:
        """The "Event kinds:" lines of the prompt: one per kind."""
        lines = []
        for k in self.kinds:
            text = kind_spec(k).description
            lines.append(f"- {self.list_key(k)}: {text}")
        return "\n".join(lines)

    def event_types(self) -> dict[str, type[Event]]:
        """Each kind by its ``type`` name (to read stored events back)."""
        return {k.__name__: k for k in self.kinds}

    def cache_schema(self) -> dict[str, Any]:
        """What of the kinds shapes an answer and its post-processing: each kind's public JSON schema
        and the prompt's description of the kinds. Part of the cache key."""
        return {
            "kinds": {k.__name__: k.model_json_schema() for k in self.kinds},
            "described": self.prompt_section(),
        }


def resolve_kinds(kinds: Iterable[type[Event]] | type[Event] | None) -> KindSet | None:
    """The caller's ``kinds=`` checked (each an ``Event`` subclass the library can read, no two with one
    name); None for the default. Raises :class:`KindError` with the reason."""
    if kinds is None:
        return None
    listed: list[type[Event]] = [kinds] if isinstance(kinds, type) else list(kinds)  # one kind alone is fine
    given = tuple(dict.fromkeys(listed))
    if not given:
        raise KindError("kinds= is empty: give at least one event kind")
    for k in given:
        if k not in BUILTIN_KINDS:
            kind_spec(k)
            if k.__name__ in BUILTIN_LISTS:
                raise KindError(f"{k.__name__} is the name of a built-in kind: give your kind another name")
    names = [k.__name__ for k in given]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise KindError(f"two kinds share the name(s) {twice}: each kind needs its own class name")
    keys = [KindSet(given).list_key(k) for k in given]
    if len(set(keys)) != len(keys):
        raise KindError(f"kinds {names} give the same list name twice ({keys})")
    return KindSet(given)
