"""The ``ExecutiveChange`` kind: a named person takes or leaves an executive or board role.

The schema part (top) is the public model: each field's role (``kinds.roles``), the identity fields and
the descriptions the model reads. Everything else (the draft, grounding, normalisation) is derived.
The rules part (bottom) is how the embedded model reads the kind: rules as data, each with the example
sentences that motivate it (``kinds.rules``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.identity import Progress
from newsextract.kinds.marks import Cues, NotSameAs
from newsextract.kinds.roles import Date, Identity, Name, Person, Role
from newsextract.kinds.rules import Example, KindRules, Reading, Rule

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
    interim: Annotated[bool, Cues("interim", "role", "change"), Progress(order=(False, True))] = Field(
        default=False, description="An acting or interim role"
    )
    effective_date: Date | None = None


# --- embedded-path rules -----------------------------------------------------------------------------
# How the embedded model (``sentence_choices``) reads an executive change: data interpreted by the
# readers of ``strategies/read_changes.py``; every rule is tested on its examples
# (``tests/test_kind_rules.py``).

_INTERIM = r"\b(?:acting|interim|temporary|caretaker)\b"
_IMMEDIATE = r"\b(?:effective immediately|with immediate effect|immediately effective)\b"


@dataclass
class ChangeReading(Reading):
    """What the rules read from an executive change's clause, as written. ``clause`` (the clause without
    a predecessor's relative clause) and ``settled`` (a successor's role was read from the leaver's)
    are the rules' own notes, not draft fields."""

    change: ChangeKind | None = None
    role: str | None = None
    predecessor: str | None = None
    interim: bool = False
    effective_date: str | None = None
    clause: str = field(default="", metadata={"internal": True})
    settled: bool = field(default=False, metadata={"internal": True})


RULES = KindRules(
    kind="ExecutiveChange",
    flag="is_change",
    task="Does the part in focus say that a named person takes or leaves an executive or "
    "board role? person: who takes or leaves the role. company: the company of the role.",
    reading=ChangeReading,
    required=("person", "company", "role"),
    distinct=(("person", "predecessor"),),
    option_fields=("person", "company"),
    find=Rule(
        id="executive_change.clauses",
        reader="executive_change_sentences",
        why="A role and a change word; one candidate per clause with a change word and a name or "
        'pronoun ("X replaces Y, and Z will succeed W"; "A will step down and be succeeded by B").',
        examples=(
            Example(
                "Ann Lee will step down as chief executive and be succeeded by Bo Chan.",
                {
                    "candidates": [
                        "Ann Lee will step down as chief executive",
                        " and be succeeded by Bo Chan.",
                    ]
                },
            ),
            Example("Gamma appointed Ann Lee as chief financial officer.", {"candidates": 1}),
            Example("Gamma will hire 2,000 engineers next year.", {"candidates": []}),
        ),
    ),
    fields=(
        Rule(
            id="executive_change.predecessor",
            reader="change_predecessor",
            why='The name after "replacing", "succeeds", "in place of" is the predecessor; "who retired" '
            "after it is the predecessor's departure, not the event's.",
            params={
                "replacing": r"\b(?:replac(?:e|es|ed|ing)|succeed(?:s|ed|ing)?|tak(?:e|es|ing) over from|"
                r"took over from|in place of)\s+$",
            },
            examples=(
                Example(
                    "Harbor Bank appointed Susan Grey as chief operating officer, replacing Tom Hale, "
                    "who retired.",
                    {"predecessor": "Tom Hale", "change": "appointed"},
                ),
            ),
        ),
        Rule(
            id="executive_change.kind",
            reader="change_kind",
            why="A departure word in the clause makes it a departure; else it is an appointment.",
            examples=(
                Example("Chief financial officer Ann Lee resigned on Monday.", {"change": "departed"}),
                Example("Gamma appointed Ann Lee as chief financial officer.", {"change": "appointed"}),
            ),
        ),
        Rule(
            id="executive_change.succession",
            reader="change_succession",
            why="A successor's clause takes the role of the person named before it, who is the predecessor.",
            params={
                "succeed_pronoun": r"\b(?:succeed(?:s|ed)?|replac(?:e|es|ed)|take over from)\s+(?:him|her)\b",
                "interim": _INTERIM,
            },
            examples=(
                Example(
                    "Ann Lee will step down as chief executive and be succeeded by Bo Chan.",
                    {"change": "appointed", "predecessor": "Ann Lee", "role": "chief executive"},
                    part="succeeded by",
                ),
            ),
        ),
        Rule(
            id="executive_change.role",
            reader="change_role",
            why='The role the change word governs: "as <role>" after it, else the first after it; a '
            "departure leaves the role written before its verb. A role held elsewhere or before is none.",
            params={"as_before": r"\bas\s+(?:(?:the|its|a|an|his|her|their|new)\s+)*$", "interim": _INTERIM},
            examples=(
                Example(
                    "Gamma named chief financial officer Ann Lee as interim chief executive.",
                    {"role": "interim chief executive", "interim": True},
                ),
                Example(
                    "Chief financial officer Ann Lee resigned to join a rival.",
                    {"role": "Chief financial officer"},
                ),
                Example("Ann Lee, currently treasurer at Delta, joined Gamma.", {"role": None}),
            ),
        ),
        Rule(
            id="executive_change.effective_date",
            reader="change_effective_date",
            why='A date "on/from/effective/since" in the clause; "effective immediately" is the one day '
            "the sentence names.",
            params={"immediate": _IMMEDIATE},
            examples=(
                Example(
                    "Gamma appointed Susan Grey as chief operating officer, effective March 1, 2024.",
                    {"effective_date": "effective March 1, 2024"},
                ),
                Example(
                    "Gamma said on Tuesday it named Bo Chan interim CEO, effective immediately.",
                    {"effective_date": "Tuesday"},
                ),
            ),
        ),
        Rule(
            id="executive_change.immediate_day_before",
            reader="change_immediate_day",
            why='"effective immediately" when only the sentence before names the day.',
            params={"immediate": _IMMEDIATE},
            examples=(
                Example(
                    "It named Bo Chan as interim CEO, effective immediately.",
                    {"effective_date": "Tuesday"},
                    before="Gamma Robotics said Tuesday that its chief executive had resigned.",
                ),
            ),
        ),
    ),
    options=Rule(
        id="executive_change.parties",
        reader="change_parties",
        why='The person is a name that looks like a person in the clause (not the predecessor, not "an '
        'X executive", not the appointing company); the company is fixed by "<role> of/at X", "X\'s '
        "<role>\" or the appointing company, else the sentence's companies, else the article's.",
        examples=(
            Example(
                "Gamma has appointed former Uber executive Jane Doe as chief financial officer.",
                {"person": "Jane Doe", "company": "Gamma"},
            ),
            Example("A Kestrel executive resigned as a director of Harbor Bank last week.", {"event": False}),
        ),
    ),
    links=(
        Rule(
            id="executive_change.later_predecessor",
            reader="attach_predecessors",
            why='"She replaces Len Fox, who is retiring." right after an appointment that names no '
            "predecessor gives it that predecessor.",
            params={
                "succession": r"^\s*(?P<who>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s+"
                r"(?:(?:will|would|is to)\s+)?"
                r"(?:replac(?:es|ed|e|ing)|succeed(?:s|ed)?|takes over from|took over from)\s+",
            },
            examples=(
                Example(
                    "She replaces Len Fox, who is retiring.",
                    {"predecessor": "Len Fox"},
                    before="Gamma Robotics appointed Ann Lee as chief financial officer.",
                ),
            ),
        ),
    ),
)
