"""When two mentions are one event: what a kind declares beyond its roles. Pure data.

A kind marks the fields that say which event it is with ``Identity`` (``newsextract.kinds.roles``; without
a mark, its required ``Name``/``Person`` fields). From them and the roles, with nothing written per kind:

* de-duplication (``newsextract.dedupe``) treats two mentions of a kind as one event when no field that
  both state differs, each compared by the meaning of its role (names and parties by their words: "Ma" ~
  "Jack Ma"; roles by words or acronym: "CFO" ~ "chief financial officer"; markets by alias: "NYSE" ~
  "New York"; periods without a leading preposition; tickers; money by amount and currency; text
  folded; choices, dates and counts equal); the merged event keeps the fullest form of each identity
  name;
* evaluation (``newsextract.evaluate``) matches a prediction to a gold event when their identity fields
  agree (a field left unset agrees only with unset);
* tables and HTML (``newsextract.display``) show the identity as "who" and the other fields as values.

One mark refines what the roles say: :class:`Progress`, on a value that moves on as a story unfolds
("plans to sell", then "has postponed the sale"; an "interim" flag said once):
``status: Annotated[Literal[...], Progress(order=(...))]``. Mentions that differ in it are still one
event, and the merged event takes the value furthest along :attr:`Progress.order`; pairs listed in
:attr:`Progress.apart` do keep mentions apart (a holder who sold, and then denies selling more, made two
statements).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Progress"]


@dataclass(frozen=True)
class Progress:
    """A field whose value moves on over a story (see the module docstring). ``order`` lists the values
    from first to furthest; ``apart`` pairs of values that keep two mentions apart."""

    order: tuple[object, ...]
    apart: tuple[tuple[object, object], ...] = ()

    def stage(self, value: object) -> int:
        """How far along ``value`` is (an unlisted value counts as the first stage)."""
        return self.order.index(value) if value in self.order else 0

    def keeps_apart(self, a: object, b: object) -> bool:
        """True when mentions with values ``a`` and ``b`` are two events."""
        return (a, b) in self.apart or (b, a) in self.apart
