"""The embedded path's rules as data: what a kind's rules are made of, and the registry of rules for
kinds that are not built in. Pure data; the ``sentence_choices`` strategy interprets it.

A kind's rules (:class:`KindRules`) say how the embedded model (a 135M model that only judges and
chooses) reads that kind from one sentence:

- ``find``: the rule that finds candidate sentences (and the part, or value, each is read from);
- ``fields``: rules that read field values as written, in order (a later rule sees what earlier ones
  read);
- ``options``: the rule that decides who may fill the name fields (the model chooses among them; one
  plausible option fixes the field without a request), or that the sentence gives no event;
- ``links``: rules across sentences ("its stake dropping from 10.2 percent ..." in the next sentence).

Each :class:`Rule` has an id, the reader that applies it (the name of a reader the strategy knows, or a
caller's own function), the patterns it reads with (``params``) and the example sentences that motivate
it, each with the reading the rule must give (:class:`Example`). ``tests/test_kind_rules.py`` runs every
example of every rule of every kind from this one table.

The three built-in kinds keep their rules at the bottom of their own modules (``kinds/share_sale.py``,
``kinds/executive_change.py``, ``kinds/stock_move.py``). A caller registers rules for their own kind
with :func:`register_rules`; a kind with no rules cannot be read by the embedded model (a
``ConfigError`` names the kinds it can read).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Example",
    "KindRules",
    "Reading",
    "Rule",
    "kinds_with_rules",
    "register_rules",
    "registered_rules",
    "unregister_rules",
]


@dataclass
class Reading:
    """Base of a kind's typed reading: the field values its rules read from one sentence, as written
    (None: not read). Subclasses declare one attribute per draft field the rules fill."""

    def values(self) -> dict[str, Any]:
        """The values read, by draft field name (None and the rules' own notes, fields marked
        ``metadata={"internal": True}``, left out)."""
        out = {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if not f.metadata.get("internal")
        }
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class Example:
    """A sentence that motivates a rule, and what the rule must read from it: ``reading`` maps each
    field (or, for a finding rule, ``"candidates"``: the parts read, in order; for an options rule,
    ``"<field>"`` to the options or the fixed value, ``None`` for "no question") to its value.
    ``before`` is the sentence before it, when the rule looks there; ``part`` picks the candidate read
    (the first whose value or clause holds it; default: the sentence's first candidate)."""

    sentence: str
    reading: Mapping[str, Any]
    before: str = ""
    part: str = ""


#: A reader: the name of one the strategy knows ("sale_money"), or a caller's own function. A field
#: reader is called as ``reader(view, reading, rule)`` (``view``: a ``text.article.SentenceView``) and
#: sets attributes of ``reading``; a finding reader as ``reader(text, sentence, rule, kind)`` and returns
#: the sentence's candidates (``text.candidates.Candidate``); an options reader as
#: ``reader(view, reading, rule)`` and returns ``strategies.sentence_questions.Options`` or None (no
#: question); a rule across sentences as ``reader(text, sentences, questions, rule)``.
ReaderRef = str | Callable[..., Any]


@dataclass(frozen=True)
class Rule:
    """One rule: an id (``"<kind>.<what>"``), its reader, why it exists, its patterns and its examples."""

    id: str
    reader: ReaderRef
    why: str
    examples: tuple[Example, ...]
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KindRules:
    """Everything the embedded path needs to read one kind (see the module docstring)."""

    kind: str
    #: the yes/no field of the question ("is_sale"): the model confirms the sentence states the kind
    flag: str
    #: what the question asks, for the model
    task: str
    reading: type[Reading]
    find: Rule
    fields: tuple[Rule, ...]
    options: Rule
    links: tuple[Rule, ...] = ()
    #: fields without which there is no event (a draft needs them)
    required: tuple[str, ...] = ()
    #: pairs of fields that must not hold the same value (a seller is not the issuer)
    distinct: tuple[tuple[str, str], ...] = ()
    #: what the name fields' options look like, for the cache key's schema
    option_fields: tuple[str, ...] = ()

    def all_rules(self) -> tuple[Rule, ...]:
        """Every rule of the kind: finding, fields, options, links."""
        return (self.find, *self.fields, self.options, *self.links)

    def kind_id(self) -> str:
        """The kind's name in snake case ("ShareSale" -> "share_sale"): the prefix of its rules' ids."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.kind).lower()


_REGISTERED: dict[str, KindRules] = {}


def register_rules(kind: type[Any], rules: KindRules) -> None:
    """Let the embedded model read ``kind`` with ``rules`` (``rules.kind`` must be the kind's class
    name). Registering again replaces the rules. Its readers must be callables or names of readers the
    strategy knows; each rule should carry the examples that motivate it."""
    if rules.kind != kind.__name__:
        raise ValueError(f"rules for {rules.kind!r} cannot be registered for the kind {kind.__name__!r}")
    _REGISTERED[kind.__name__] = rules


def unregister_rules(kind: type[Any]) -> None:
    """Forget the rules registered for ``kind`` (none: nothing happens)."""
    _REGISTERED.pop(kind.__name__, None)


def registered_rules(name: str) -> KindRules | None:
    """The rules a caller registered for the kind named ``name``, if any."""
    return _REGISTERED.get(name)


def kinds_with_rules() -> tuple[str, ...]:
    """Names of the caller's kinds that have registered rules."""
    return tuple(_REGISTERED)
