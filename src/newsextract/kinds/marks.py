"""Declarations a kind may add to its fields or to itself, beyond the roles. Pure data.

A role (``kinds.roles``) says how a value is checked against the article and made typed. These marks
say what a kind needs beyond that, as data that the generic code in ``grounding/`` and ``normalize/``
reads (a kind never imports grounding). Each is written in the field's ``Annotated[...]``:

=======================  ==============================================================================
``Core()``               the event's main number: a different value of its sort stated in the quoted
                         sentence (another share count, another percentage) costs the whole event
``ZeroOnExit()``         a percentage of 0 is stated by words of a full exit ("its entire stake")
``NotSameAs("f")``       the value must differ from field ``f``'s (a predecessor is not the person);
                         ``event=True``: else the event goes, with ``why`` as the reason
``NotAbove("f")``        a number no larger than field ``f``'s (a stake after a sale vs before it)
``Cues("rule", ...)``    the value is decided from the evidence's wording by the named rule of
                         ``normalize.cues`` (a sale's status, a move's direction, an interim role),
                         reading the fields named after the rule
``Fallback("f")``        with no value, the one field ``f`` gives (a move's day from its period, a
                         market from the exchange its ticker is written with)
=======================  ==============================================================================

On the class, ``speaks_of: ClassVar[SpeaksOf] = SpeaksOf(pattern, why)``: the evidence and its
neighbours must match ``pattern`` (a share sale speaks of selling), else the event goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CueRule = Literal["sale_status", "direction", "interim"]


@dataclass(frozen=True)
class Core:
    """The event's main number: a contradicting value in the quoted sentence costs the event."""


@dataclass(frozen=True)
class ZeroOnExit:
    """A percentage of zero is stated by words of a full exit ("to zero", "its entire holding")."""


@dataclass(frozen=True)
class NotSameAs:
    """The value must differ from the field ``other``'s; ``event``: else the whole event goes."""

    other: str
    event: bool = False
    why: str = ""


@dataclass(frozen=True)
class NotAbove:
    """A number no larger than the field ``other``'s."""

    other: str


@dataclass(frozen=True)
class Cues:
    """The value is decided from the evidence's wording by ``rule``, which also reads ``reads``."""

    rule: CueRule
    reads: tuple[str, ...] = ()

    def __init__(self, rule: CueRule, *reads: str) -> None:
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "reads", reads)


@dataclass(frozen=True)
class Fallback:
    """With no value of its own, the field takes the one the field ``source`` gives."""

    source: str


@dataclass(frozen=True)
class SpeaksOf:
    """The evidence and its neighbouring sentences must match ``pattern`` (a regular expression, case
    ignored), else the event goes with the reason ``why``."""

    pattern: str
    why: str
