"""Words by which a price moves: up, down or flat. Each is a regular-expression alternation of inflected
forms (no word boundaries, no groups that capture), matched without regard to case; the rules that
use one add their own context ("up"/"down"/"higher" count only in a price context)."""

from __future__ import annotations

__all__ = ["DOWN_WORDS", "FLAT_WORDS", "LOSS_WORDS", "UP_WORDS"]

UP_WORDS = (
    r"ris(?:e|es|en|ing)|rose|gain(?:s|ed|ing)?|jump(?:s|ed|ing)?|surg(?:e|es|ed|ing)|soar(?:s|ed|ing)?|"
    r"climb(?:s|ed|ing)?|rall(?:y|ies|ied|ying)|advanc(?:e|es|ed|ing)|rebound(?:s|ed|ing)?|"
    r"spik(?:e|es|ed|ing)|leap(?:s|t|ed|ing)?|skyrocket(?:s|ed|ing)?"
)
"""A price goes up: rise, gain, jump, surge, soar, climb, rally, advance, rebound, spike, leap, skyrocket."""

DOWN_WORDS = (
    r"fall(?:s|en|ing)?|fell|drop(?:s|ped|ping)?|dip(?:s|ped|ping)?|slid(?:e|es|ing)?|slump(?:s|ed|ing)?|"
    r"plung(?:e|es|ed|ing)|tumbl(?:e|es|ed|ing)|s[ai]nk(?:s|ing)?|sank|sunk|declin(?:e|es|ed|ing)|"
    r"slip(?:s|ped|ping)?|shed(?:s|ding)?|retreat(?:s|ed|ing)?|crash(?:es|ed|ing)?|sag(?:s|ged|ging)?|"
    r"skid(?:s|ded|ding)?|div(?:e|es|ed|ing)|dove|plummet(?:s|ed|ing)?|sell-offs?|selloffs?"
)
"""A price goes down: fall, drop, dip, slide, slump, plunge, tumble, sink, decline, slip, shed, retreat,
crash, sag, skid, dive, plummet, a sell-off (the verb "sell off" is a sale, not a move)."""

LOSS_WORDS = r"los(?:e|es|t|ing)"
"""lose, lost: a move down only before an amount ("lost 3%"), never in "lost a contract"."""

FLAT_WORDS = r"unchanged|little\s+changed|flat-?lin(?:e|es|ed|ing)"
"""A price that did not move: unchanged, little changed, flatlined ("flat" and "steady" only in a price
context)."""
