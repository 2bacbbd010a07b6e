"""The result of scoring: counts with precision, recall and F1, field accuracy, and each match and error,
as JSON or a plain-text table. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsextract.core.schemas import Event
from newsextract.evaluate.gold import GoldEvent
from newsextract.evaluate.keys import EVENT_TYPE_NAMES, FIELDS, NameMode

__all__ = ["Counts", "MatchedPair", "Report"]


@dataclass
class Counts:
    """True positive, false positive and false negative counts, with derived metrics."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp); None (undefined, "n/a") when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn); None (undefined, "n/a") when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2tp / (2tp + fp + fn): the harmonic mean of precision and recall where both are defined;
        None when there was nothing to find and nothing was predicted."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    def add(self, other: Counts) -> None:
        """Add ``other``'s counts to these (in place)."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict[str, float | int | None]:
        """Counts and metrics as plain JSON."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(frozen=True)
class MatchedPair:
    """A prediction matched to a gold event; ``field_agreement`` maps every scored field to
    whether it agrees."""

    article_id: str
    type: str
    predicted: Event
    gold: GoldEvent
    field_agreement: dict[str, bool]


@dataclass
class Report:
    """Result of ``score``: micro-averaged counts per type and overall, field accuracy on
    true-positive pairs, and the individual matches and errors for inspection. Every built-in type has
    a row; a caller's kind has one from its first gold event on."""

    names: NameMode
    per_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in EVENT_TYPE_NAMES})
    field_hits: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: {t: {f: [0, 0] for f in FIELDS[t]} for t in EVENT_TYPE_NAMES}
    )
    matches: list[MatchedPair] = field(default_factory=list)
    optional_matches: int = 0
    false_positives: list[tuple[str, Event]] = field(default_factory=list)
    false_negatives: list[tuple[str, GoldEvent]] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    unscored_ids: list[str] = field(default_factory=list)
    articles: int = 0

    def add_type(self, type_name: str, fields: tuple[str, ...]) -> None:
        """Give ``type_name`` a row, when it has none yet, scored on ``fields`` (added to its fields when
        it has one: a caller's version of a built-in kind with a field more)."""
        self.per_type.setdefault(type_name, Counts())
        hits = self.field_hits.setdefault(type_name, {})
        for f in fields:
            hits.setdefault(f, [0, 0])

    def add_match(self, pair: MatchedPair) -> None:
        """Count a true positive and its field agreement."""
        self.per_type[pair.type].tp += 1
        for f, ok in pair.field_agreement.items():
            self.field_hits[pair.type][f][0] += int(ok)
            self.field_hits[pair.type][f][1] += 1
        self.matches.append(pair)

    @property
    def overall(self) -> Counts:
        """Micro-averaged counts over all types."""
        total = Counts()
        for c in self.per_type.values():
            total.add(c)
        return total

    def field_accuracy(self) -> dict[str, dict[str, float | None]]:
        """Per type and field, the fraction of true-positive pairs where the field agrees (None
        when the type has no true positives)."""
        return {
            t: {f: (hit / n if n else None) for f, (hit, n) in fields.items()}
            for t, fields in self.field_hits.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON: counts and metrics per type and overall, field accuracy (with
        the number of pairs), optional matches, missing and unscored article ids."""
        return {
            "names": self.names,
            "articles": self.articles,
            "overall": self.overall.to_dict(),
            "per_type": {t: c.to_dict() for t, c in self.per_type.items()},
            "field_accuracy": {
                t: {f: {"accuracy": (h / n if n else None), "pairs": n} for f, (h, n) in fields.items()}
                for t, fields in self.field_hits.items()
            },
            "optional_matches": self.optional_matches,
            "false_positives": [
                {"id": aid, "type": ev.type, "quote": ev.evidence.quote} for aid, ev in self.false_positives
            ],
            "false_negatives": [
                {"id": aid, "type": g.type, "quote": g.quote} for aid, g in self.false_negatives
            ],
            "missing_ids": list(self.missing_ids),
            "unscored_ids": list(self.unscored_ids),
        }

    def table(self) -> str:
        """A plain-text table: P/R/F1 with counts per type and overall, then field accuracy."""
        lines = [
            f"names={self.names}  articles={self.articles}  optional matches={self.optional_matches}",
            "",
            f"{'type':<16} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8} {'f1':>6}",
        ]
        rows = [*self.per_type.items(), ("overall", self.overall)]
        for name, c in rows:
            if name == "overall":
                lines.append("-" * 58)
            lines.append(
                f"{name:<16} {c.tp:>4} {c.fp:>4} {c.fn:>4} "
                f"{_metric(c.precision):>10} {_metric(c.recall):>8} {_metric(c.f1):>6}"
            )
        lines += ["", f"{'field accuracy (on tp pairs)':<40} {'acc':>6} {'pairs':>6}"]
        for t, fields in self.field_hits.items():
            for f, (hit, n) in fields.items():
                acc = f"{hit / n:.3f}" if n else "-"
                lines.append(f"{t + '.' + f:<40} {acc:>6} {n:>6}")
        if self.missing_ids:
            lines += ["", f"no predictions for: {', '.join(self.missing_ids)}"]
        if self.unscored_ids:
            lines += ["", f"ignored (not in gold): {', '.join(self.unscored_ids)}"]
        return "\n".join(lines)


def _metric(value: float | None) -> str:
    """A metric for the table: three decimals, or "n/a" when undefined."""
    return "n/a" if value is None else f"{value:.3f}"
