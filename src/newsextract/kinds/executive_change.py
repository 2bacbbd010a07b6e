"""The ``ExecutiveChange`` kind: a named person takes or leaves an executive or board role.

The schema part (top) is the public model: each field's role (``kinds.roles``), the identity fields and
the descriptions the model reads. Everything else (the draft, grounding, normalisation) is derived.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.marks import Cues, NotSameAs
from newsextract.kinds.roles import Date, Identity, Name, Person, Role

# --- schema -------------------------------------------------------------------------------------

ChangeKind = Literal["appointed", "departed"]


class ExecutiveChange(Event):
    """A named person takes or leaves an executive or board role."""

    #: what the prompt says the kind is (instead of the docstring's first paragraph)
    described: ClassVar[str] = (
        "a named person takes (appointed) or leaves (departed) an executive or board role.\n"
        '  "X replaces Y as CTO" is one event: X appointed, predecessor Y.'
    )

    type: Literal["ExecutiveChange"] = "ExecutiveChange"
    company: Name
    person: Annotated[Person, Identity]
    role: Role
    change: Annotated[ChangeKind, Identity]
    predecessor: Annotated[Person, NotSameAs("person")] | None = None
    #: also true when the role says acting/interim, or the quote says so right before the role
    interim: Annotated[bool, Cues("interim", "role", "change")] = Field(
        default=False, description="An acting or interim role"
    )
    effective_date: Date | None = None
