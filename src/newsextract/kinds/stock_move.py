"""The ``StockMove`` kind: the share price of a named company moves or reaches a level.

The schema part (top) is the public model: each field's role (``kinds.roles``), the identity fields and
the descriptions the model reads. Everything else (the draft, grounding, normalisation) is derived.
The rules part (bottom) is how the embedded model reads the kind: rules as data, each with the example
sentences that motivate it (``kinds.rules``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from newsextract.core.schemas import Event
from newsextract.kinds.marks import Core, Cues, Fallback
from newsextract.kinds.roles import Date, Identity, Market, Money, Name, Percent, Period, Ticker
from newsextract.kinds.rules import Example, KindRules, Reading, Rule

# --- schema -------------------------------------------------------------------------------------

Direction = Literal["up", "down", "flat"]


class StockMove(Event):
    """The share price of a named company moves or reaches a level."""

    #: what the prompt says the kind is (instead of the docstring's first paragraph)
    described: ClassVar[str] = (
        "the share price of a named company moves or reaches a level. The same stock in two\n"
        "  markets or over two periods is two events. Index, commodity and currency moves are not "
        "stock moves."
    )

    type: Literal["StockMove"] = "StockMove"
    company: Annotated[Name, Identity]
    ticker: Ticker | None = None
    market: Annotated[Market, Identity, Fallback("ticker")] | None = Field(
        default=None, description="Exchange or city"
    )
    #: the quote's movement words win over the model's reading when they all agree
    direction: Annotated[Direction, Identity, Cues("direction")]
    change_pct: Annotated[Percent, Core()] | None = Field(default=None, ge=0)
    price: Money | None = Field(default=None, description="The level after the move")
    period: Period | None = Field(default=None, description='e.g. "on Thursday", "so far this year"')
    date: Annotated[Date, Fallback("period")] | None = None


# --- embedded-path rules -----------------------------------------------------------------------------
# How the embedded model (``sentence_choices``) reads a stock move: data interpreted by the readers of
# ``strategies/read_moves.py``; every rule is tested on its examples (``tests/test_kind_rules.py``).


@dataclass
class MoveReading(Reading):
    """What the rules read from a stock move's sentence, as written."""

    direction: Direction | None = None
    change_pct: str | None = None
    price: str | None = None
    market: str | None = None
    period: str | None = None
    date: str | None = None
    ticker: str | None = None


RULES = KindRules(
    kind="StockMove",
    flag="is_move",
    task="Does the sentence say that the share price of a company rose, fell or reached a level, "
    "by the value in focus? An index, a currency or a commodity is not a company. "
    "company: the company whose shares moved.",
    reading=MoveReading,
    required=("company", "direction"),
    option_fields=("company",),
    find=Rule(
        id="stock_move.values",
        reader="stock_move_values",
        why="One move per value a move word governs: a sentence may state several moves, and an index, "
        "a currency, a result figure or a stake change is no stock move.",
        examples=(
            Example(
                "Gamma shares fell 9% in New York and nearly 10% in Hong Kong.",
                {"candidates": ["9%", "nearly 10%"]},
            ),
            Example("Peers gained in Tokyo, with Gamma Robotics rising 3.2%.", {"candidates": ["3.2%"]}),
            Example("The Hang Seng index fell 1.2% on Thursday.", {"candidates": []}),
            Example("Gamma's quarterly profit jumped 21% on strong sales.", {"candidates": []}),
            Example("Its stake fell from 14.5% to 9.8% after the sale.", {"candidates": []}),
        ),
    ),
    fields=(
        Rule(
            id="stock_move.direction",
            reader="move_direction",
            why='The move word before the value decides the direction, or "higher"/"lower" after it.',
            examples=(
                Example("Delta's shares fell 3.5% to $9.10 in New York on Friday.", {"direction": "down"}),
                Example("Gamma shares closed 4.4% lower on Monday.", {"direction": "down"}),
                Example("Gamma shares were unchanged at 52,400 won.", {"direction": "flat"}),
                Example("Gamma shares leapt 4% on Monday.", {"direction": "up"}),
            ),
        ),
        Rule(
            id="stock_move.change_and_price",
            reader="move_values",
            why="A percentage is the change and a price level right after it the price; a level stated "
            "before the percentage counts too; an amount of money as the value is the price.",
            params={
                "price_after": r"\s*(?:(?:to|at)\s+(?:close|end|finish|settle)\s+)?(?:to|at)\s+"
                r"(?:a [\w ]{0,20}(?:of )?)?",
                "level_before": r"\b(?:at|to|hit|hits|hitting|reached|reaching|touched|touching)\s+"
                r"(?:an? [\w -]{0,25}?(?:of )?)?$",
            },
            examples=(
                Example(
                    "Delta's shares fell 3.5% to $9.10 in New York on Friday.",
                    {"change_pct": "3.5%", "price": "$9.10"},
                ),
                Example(
                    "Gamma shares jumped to a record high of 4,820 yen on Tuesday, up 9.4% on the day.",
                    {"change_pct": "9.4%", "price": "4,820 yen"},
                ),
                Example(
                    "Gamma shares closed flat at 44.90 yuan.", {"change_pct": None, "price": "44.90 yuan"}
                ),
            ),
        ),
        Rule(
            id="stock_move.market",
            reader="move_market",
            why='A market is named in the move\'s own clause ("in Hong Kong", "on the Toronto Stock '
            'Exchange") or before it ("Hong Kong-listed"); a subordinate clause names none.',
            params={
                "clause_end": r"\b(?:after|as|because|since|when|while|whereas|amid|following|before|"
                r"despite)\b|[;]",
            },
            examples=(
                Example("Delta's shares fell 3.5% to $9.10 in New York on Friday.", {"market": "New York"}),
                Example(
                    "Gamma shares rose 6.3% to 148,500 won after it said it would build a plant in Hungary.",
                    {"market": None},
                ),
                Example(
                    "Gamma shares rose 2% on the Toronto Stock Exchange.",
                    {"market": "Toronto Stock Exchange"},
                ),
                Example("Hong Kong-listed Gamma shares jumped 5% on Monday.", {"market": "Hong Kong"}),
            ),
        ),
        Rule(
            id="stock_move.period_and_date",
            reader="move_period",
            why='The period in the move\'s clause ("so far this year", "on Friday"); a day there is the '
            "date; else the one day the sentence names before the move.",
            examples=(
                Example(
                    "Delta's shares fell 3.5% to $9.10 in New York on Friday.",
                    {"period": "on Friday", "date": "on Friday"},
                ),
                Example(
                    "Lumen shares have risen 12% so far this year.",
                    {"period": "so far this year", "date": None},
                ),
                Example(
                    "Gamma said Tuesday that it would cut jobs, sending its shares down 14% in extended "
                    "trading.",
                    {"period": "in extended trading", "date": "Tuesday"},
                ),
            ),
        ),
        Rule(
            id="stock_move.ticker",
            reader="move_ticker",
            why="A bracketed symbol before the move is the ticker.",
            params={"ticker": r"\((?:[A-Za-z]+:\s*)?([A-Z]{1,5}(?:\.[A-Z]{1,2})?)\)"},
            examples=(
                Example("Orion Robotics (NASDAQ: ORBT) shares fell 4.2% on Monday.", {"ticker": "ORBT"}),
            ),
        ),
    ),
    options=Rule(
        id="stock_move.company",
        reader="move_company",
        why='The company is the named mover of the value ("with Delta adding 1.8%"); "the stock" after a '
        "clause break is the company met before; an index or exchange is never the company.",
        examples=(
            Example(
                "Peers gained in Tokyo, with Gamma Robotics rising 3.2% and Delta adding 1.8%.",
                {"company": "Gamma Robotics"},
            ),
            Example(
                "Kappa and Sigma saw their stock fall 2% on Monday.", {"company": ["Kappa", "Sigma", "none"]}
            ),
        ),
    ),
)
