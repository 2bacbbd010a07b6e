"""The rules a kind names with ``Cues("rule", ...)``: a value decided from the evidence's wording. Pure.

Each rule takes the model's value, the other typed values of the event (the fields the mark names),
the evidence (``sentence``: the whole sentence(s); ``clause``: the part the model quoted) and
``context`` (the evidence with its neighbouring sentences), and returns the value to keep. Never raises.

* ``sale_status``: :func:`~newsextract.normalize.modality.decide_status` of the model's status, the
  sentence and the context (the one status decision every strategy shares).
* ``direction``: the model's, unless the clause has movement words that all agree
  (:func:`~newsextract.normalize.direction.parse_direction`) and contradict it; then the text wins: the
  clause is what the event is grounded on, and small models confuse up/down far more often than
  articles are ambiguous.
* ``interim``: the model's flag, or True when the role (the first field named) itself says
  acting/interim, or, for an appointment (the second field named is "appointed"), the clause says
  "acting"/"interim" right before the role (a departure's sentence often names the interim successor:
  "X resigned, and Y is serving as interim CFO").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from newsextract.normalize.direction import parse_direction
from newsextract.normalize.modality import decide_status, is_interim


@dataclass(frozen=True)
class Said:
    """Where a value's cues are read: the evidence sentence(s), the quoted clause, the context."""

    sentence: str
    clause: str
    context: str


def _sale_status(value: Any, reads: Mapping[str, Any], said: Said) -> Any:
    return decide_status(value, said.sentence, said.context)


def _direction(value: Any, reads: Mapping[str, Any], said: Said) -> Any:
    from_text = parse_direction(said.clause)
    return from_text if from_text is not None else value


def _interim(value: Any, reads: Mapping[str, Any], said: Said) -> Any:
    role, change = [*reads.values(), None, None][:2]
    role = role if isinstance(role, str) else ""
    if value or is_interim(role):
        return True
    if role and change == "appointed":
        pat = r"\b(?:acting|interim)\s+(?:group\s+)?" + re.escape(role)
        return re.search(pat, said.clause, re.IGNORECASE) is not None
    return False


CueRule = Callable[[Any, Mapping[str, Any], Said], Any]
#: Every rule a kind may name, by name (``kinds.marks.CueRule`` lists the names).
CUE_RULES: dict[str, CueRule] = {
    "sale_status": _sale_status,
    "direction": _direction,
    "interim": _interim,
}


def decided(rule: str, value: Any, reads: Mapping[str, Any], said: Said) -> Any:
    """The value the rule ``rule`` keeps for the model's ``value``. Never raises."""
    return CUE_RULES[rule](value, reads, said)


#: Rules whose decision grounding records when it differs from the model's value, with how the problem
#: says what the text states (``Problem.replacement`` carries the decided value).
DISPUTED: dict[str, str] = {"sale_status": "it says the sale is {}"}


def disputed(rule: str, value: Any, said: Said) -> Any:
    """For a rule in :data:`DISPUTED`: the value the text states when the model gave another (a known
    value: "unknown" is no claim); else None. Never raises."""
    if rule not in DISPUTED or value == "unknown":
        return None
    stated = decided(rule, value, {}, said)
    return stated if stated != value else None
