"""Price direction from movement words ("fell", "jumped", "unchanged"). Pure; never raises.

Rules:

* Movement verbs and nouns count wherever they appear (any inflection): down = fall, drop, dip, slide,
  slump, plunge, tumble, sink, decline, slip, shed, retreat, crash, sag, skid, dive, plummet, sell-off
  (hyphenated or closed "selloff"; the verb "sell off" is a sale, not a move); up = rise, gain, jump,
  surge, soar, climb, rally, advanced, rebound, spike; flat = unchanged, "little changed", flatlined.
* Ambiguous words count only in a price context: "up"/"down" when followed by a number or "by"/"sharply"
  ("down 3%", "up by 2%") or preceded by a price verb or "shares"/"stock"/was/were ("closed down",
  "shares were up") - so "stepped down", "set up" and "up to" are not moves; "higher"/"lower" under the same
  rules ("closed lower", "higher by 3%", "closed 4.4% lower") - so "significantly lower than its true
  value" is not a move;
  "lost"/"lose" only before a number or "ground"; "flat"/"steady" only after a price verb or
  "remained/held/stayed/was/were".
* "fell short of" / "falls short" is a missed target, not a move, and is ignored.
* :func:`parse_direction` answers only when every movement word found agrees; mixed or none gives None.
"""

from __future__ import annotations

import functools
import re

from newsextract.kinds.stock_move import Direction
from newsextract.lexicon.moves import DOWN_WORDS, FLAT_WORDS, LOSS_WORDS, UP_WORDS
from newsextract.normalize.mentions import Mention

_DOWN = DOWN_WORDS
_UP = UP_WORDS
_FLAT = FLAT_WORDS
_PRICE_VERBS = (
    r"closed|closing|close|ended|ending|finished|traded|trading|trade|moved|moving|edged|edging|inched|"
    r"ticked|opened|went|was|were|is|are|been|be|remained|held|stayed|shares|stock|stocks|pushed|sent|"
    r"drove|dragged|trended|little|nearly|slightly|sharply|marginally"
)
_NUM_AHEAD = (
    r"(?=\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+|more\s+than\s+|some\s+|over\s+|around\s+)?"
    r"[$€£¥]?[0-9.])"
)
_WEAK_DIR = (
    r"(?=(?:up|down|higher|lower)\b)(?:(?<=\b(?:"
    + _PRICE_VERBS.replace("|", r")\s)|(?<=\b(?:")
    + r")\s))(?P<weak>up|down|higher|lower)\b(?!\s+to\b)"
    r"|\b(?P<weak2>up|down|higher|lower)\b(?:" + _NUM_AHEAD + r"|(?=\s+(?:by|sharply|slightly|marginally)\b))"
    r"|(?:(?<=%\s)|(?<=percent\s)|(?<=per cent\s))(?P<weak3>higher|lower)\b"
)
_LOST = (
    r"\b(?P<lost>" + LOSS_WORDS + r")\b"
    r"(?=\s+(?:about\s+|nearly\s+|almost\s+|more\s+than\s+)?(?:[$€£¥]?[0-9.]|ground))"
)
_FLAT_WEAK = (
    r"(?=(?:flat|steady)\b)(?:(?<=\b(?:"
    + _PRICE_VERBS.replace("|", r")\s)|(?<=\b(?:")
    + r")\s))(?P<flatweak>flat|steady)\b"
)

# Every alternative starts a word with an ASCII letter: the leading lookahead lets the engine skip every
# other position, and the look-aheads before the ~40 look-behinds of the weak words try those only where
# such a word follows (same matches, many times faster).
_DIRECTION_RE = re.compile(
    r"\b(?=[a-z])(?:"
    r"\b(?P<short>(?:fall(?:s|en|ing)?|fell)\s+short)\b"
    r"|\b(?P<down>" + _DOWN + r")\b"
    r"|\b(?P<up>" + _UP + r")\b"
    r"|\b(?P<flat>" + _FLAT + r")\b"
    r"|" + _WEAK_DIR + r"|" + _LOST + r"|" + _FLAT_WEAK + r")",
    re.IGNORECASE,
)


def find_directions(text: str) -> list[Mention[Direction]]:
    """Every movement word in ``text`` with its direction, in order (see module rules); the span is the
    word itself. "fell short" and similar are skipped. Never raises."""
    out: list[Mention[Direction]] = []
    for m in _DIRECTION_RE.finditer(text):
        if m.group("short"):
            continue
        direction: Direction
        if m.group("down") or m.group("lost"):
            direction = "down"
        elif m.group("up"):
            direction = "up"
        elif m.group("flat") or m.group("flatweak"):
            direction = "flat"
        else:
            word = (m.group("weak") or m.group("weak2") or m.group("weak3") or "").lower()
            direction = "up" if word in {"up", "higher"} else "down"
        out.append(Mention(m.start(), m.end(), m.group(0), direction))
    return out


@functools.lru_cache(maxsize=256)  # every move read from one sentence asks about the same quote
def parse_direction(text: str) -> Direction | None:
    """``"up"``, ``"down"`` or ``"flat"`` when every movement word in ``text`` agrees; None when there is
    none or they disagree ("dipped ... before rising"). Never raises."""
    found = {m.value for m in find_directions(text)}
    if len(found) == 1:
        return next(iter(found))
    return None
