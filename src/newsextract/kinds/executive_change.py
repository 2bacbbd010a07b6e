"""The ``ExecutiveChange`` kind: a named person takes or leaves an executive or board role.

The schema part (top) is the public model: each field's role (``kinds.roles``), the identity fields and
the descriptions the model reads. Everything else (the draft, grounding, normalisation) is derived.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.roles import Date, Identity, Name, Person, Role

# --- schema -------------------------------------------------------------------------------------

ChangeKind = Literal["appointed", "departed"]


class ExecutiveChange(Event):
    """A named person takes or leaves an executive or board role."""

    type: Literal["ExecutiveChange"] = "ExecutiveChange"
    company: Name
    person: Annotated[Person, Identity]
    role: Role
    change: Annotated[ChangeKind, Identity]
    predecessor: Person | None = None
    interim: bool = Field(default=False, description="An acting or interim role")
    effective_date: Date | None = None
