"""The ``ShareSale`` kind: a holder sells, plans, postpones, cancels or denies selling shares.

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
from newsextract.kinds.identity import Progress
from newsextract.kinds.marks import Core, Cues, NotAbove, NotSameAs, SpeaksOf, ZeroOnExit
from newsextract.kinds.roles import AskAs, Date, Identity, Money, Name, Party, Percent, Quantity
from newsextract.kinds.rules import Example, KindRules, Reading, Rule
from newsextract.lexicon.sales import SALE_EVIDENCE_WORDS

# --- schema -------------------------------------------------------------------------------------

SaleStatus = Literal["planned", "completed", "postponed", "cancelled", "denied", "rumored", "unknown"]

#: Mentions of one sale that disagree on its status are one sale at the later stage of the story ("plans
#: to sell", then "has postponed plans to sell": postponed); a completed sale and a denial are two.
STATUS_STAGES = Progress(
    order=("unknown", "rumored", "planned", "completed", "denied", "postponed", "cancelled"),
    apart=(("completed", "denied"),),
)


class ShareSale(Event):
    """A holder sells, plans, postpones, cancels or denies selling shares/ADSs/a stake."""

    speaks_of: ClassVar[SpeaksOf] = SpeaksOf(
        rf"\b(?:{SALE_EVIDENCE_WORDS})\b",
        "the quoted sentence and its neighbours do not speak of selling shares",
    )

    #: what the prompt says the kind is (instead of the docstring's first paragraph)
    described: ClassVar[str] = (
        "a holder sells, plans to sell, postpones, cancels or denies selling shares, ADSs or a "
        "stake.\n  Not a share sale: buybacks, buying a stake, a company issuing new shares."
    )

    type: Literal["ShareSale"] = "ShareSale"
    seller: Annotated[
        Party,
        Identity,
        NotSameAs(
            "company",
            event=True,
            why="is the issuer itself; a company issuing or selling its own shares is not a share sale",
        ),
    ]
    company: Annotated[Name, Identity] = Field(description="The issuer whose shares are sold")
    shares: Annotated[Quantity, Core()] | None = None
    value: Money | None = None
    price_per_share: Money | None = None
    stake_before_pct: Annotated[Percent, AskAs("stake_before")] | None = Field(default=None, ge=0)
    stake_after_pct: (
        Annotated[Percent, AskAs("stake_after"), ZeroOnExit(), NotAbove("stake_before_pct")] | None
    ) = Field(default=None, ge=0)
    status: Annotated[SaleStatus, Cues("sale_status"), STATUS_STAGES] = Field(
        default="unknown",
        description="planned: plans or filed to sell; completed: sold; denied: says it will not sell",
    )
    date: Date | None = None


# --- embedded-path rules -----------------------------------------------------------------------------
# How the embedded model (``sentence_choices``) reads a share sale: data interpreted by the readers of
# ``strategies/read_sales.py``; every rule is tested on its examples (``tests/test_kind_rules.py``).

_PCT = r"(?:about |nearly |almost |around |roughly )?\d+(?:\.\d+)?\s*(?:%|percent|per cent)"


@dataclass
class SaleReading(Reading):
    """What the rules read from a share sale's sentence, as written."""

    status: SaleStatus = "unknown"
    shares: str | None = None
    value: str | None = None
    price_per_share: str | None = None
    stake_before: str | None = None
    stake_after: str | None = None
    date: str | None = None


RULES = KindRules(
    kind="ShareSale",
    flag="is_sale",
    task="Does the sentence say that a holder sold, plans to sell, postponed, cancelled or refused "
    "selling shares or a stake? Buybacks, buying shares and issuing new shares are not sales. "
    "seller: who sells. company: whose shares are sold.",
    reading=SaleReading,
    required=("seller", "company"),
    distinct=(("seller", "company"),),
    option_fields=("seller", "company"),
    find=Rule(
        id="share_sale.sentences",
        reader="share_sale_sentences",
        why="A sale word, a holding word and someone who sells (the subject of a sale verb or the holder "
        "of a sale noun); buybacks and sales nobody performs are not candidates.",
        examples=(
            Example("Gamma Holdings plans to sell 2 million shares of Delta Corp.", {"candidates": 1}),
            Example("Gamma will buy back 2 million of its shares.", {"candidates": []}),
            Example("The stake cut plan caused Delta's shares to fall.", {"candidates": []}),
            Example("Gamma sold more cars, sending its shares up 3%.", {"candidates": []}),
        ),
    ),
    fields=(
        Rule(
            id="share_sale.status",
            reader="sale_status_rule",
            why="The status comes from the sentence's modality cues (normalize.modality decides).",
            examples=(
                Example("Gamma has postponed plans to sell its Delta shares.", {"status": "postponed"}),
                Example("Gamma sold 5 million Delta shares.", {"status": "completed"}),
                Example("Gamma denied it plans to sell its Delta shares.", {"status": "denied"}),
            ),
        ),
        Rule(
            id="share_sale.shares",
            reader="sale_count",
            why="The number of shares sold is the first count written.",
            examples=(Example("Gamma sold 5 million Delta shares.", {"shares": "5 million"}),),
        ),
        Rule(
            id="share_sale.value_and_price",
            reader="sale_money",
            why='Money "per share", "apiece" or after "at" is the price per share; after "worth", '
            '"valued at", "for", "raising" it is the sale\'s value.',
            params={
                "per_share_after": r"\s*(?:(?:per|a|each) (?:share|ADS)|apiece|each)\b",
                "per_share_before": r"\bat\s*$|\bprice of\s*$",
                "value_before": r"\b(?:worth|valued?(?: at)?|total|for|rais(?:ing|ed|es)|proceeds|"
                r"fetch(?:ed|es|ing)?)\b[\w ]{0,12}$",
            },
            examples=(
                Example(
                    "Gamma Holdings plans to sell 2 million shares of Delta Corp, worth about $50 million.",
                    {"value": "about $50 million", "price_per_share": None},
                ),
                Example(
                    "Brandt intends to sell 5 million Vireo shares at $40 each.",
                    {"price_per_share": "$40", "value": None},
                ),
            ),
        ),
        Rule(
            id="share_sale.stakes",
            reader="sale_stakes",
            why='A stake change written "from X to Y", "to Y from X" or "owns Y%, down from X%".',
            examples=(
                Example(
                    "Gamma cut its stake in Delta to 7.5% from 10.2%.",
                    {"stake_before": "10.2%", "stake_after": "7.5%"},
                ),
                Example(
                    "Gamma sold Delta shares, reducing its stake from 14.5% to 9.8%.",
                    {"stake_before": "14.5%", "stake_after": "9.8%"},
                ),
            ),
        ),
        Rule(
            id="share_sale.held_stake",
            reader="sale_held_stake",
            why="A sale planned, weighed, denied or cancelled: the whole stake held is the stake before.",
            params={
                "held_stake": rf"\b(?:(?:its|his|her|their)\s+(?:entire\s+|whole\s+)?(?P<pct>{_PCT})\s+"
                rf"(?:stake|holding)|(?:holds|owns|has)\s+(?:a\s+)?(?P<pct2>{_PCT})\s+(?:stake\s+)?(?:of|in)\b)",
            },
            examples=(
                Example("Gamma plans to sell its 18% stake in Delta.", {"stake_before": "18%"}),
                Example("Gamma sold its 18% stake in Delta.", {"stake_before": None}),
            ),
        ),
        Rule(
            id="share_sale.date",
            reader="sale_date",
            why="The first date after the sale word dates the sale, not a report's date or one past a "
            "subordinate clause; a denied, rumoured or cancelled sale has none.",
            examples=(
                Example("Gamma sold 5 million Delta shares on Monday.", {"date": "on Monday"}),
                Example("Gamma sold Delta shares, a filing showed on Tuesday.", {"date": None}),
                Example("Gamma denied on Monday that it would sell Delta shares.", {"date": None}),
            ),
        ),
    ),
    options=Rule(
        id="share_sale.parties",
        reader="sale_parties",
        why="The seller is the subject or holder of the sale (a pronoun: the name it stands for); the "
        'issuer is read from "shares/stake of/in X" or "X\'s shares", else a company of the sentence, '
        'else the article\'s company. No issuer, no question ("Jack Ma sold shares.").',
        examples=(
            Example(
                "Gamma Holdings plans to sell 2 million shares of Delta Corp.",
                {"seller": "Gamma Holdings", "company": "Delta Corp"},
            ),
            Example("Jack Ma sold shares.", {"event": False}),
        ),
    ),
    links=(
        Rule(
            id="share_sale.later_stakes",
            reader="attach_stakes",
            why="A later sentence that states the stake change or the sale's value, and sells nothing "
            "itself, completes the sale in the two sentences before it.",
            params={
                "stake_change": r"\b(?:stake|holding|owns|holds)\b",
                "value_before": r"\b(?:sale|disposal|divestment|placement|stake|holding|shares|block)\b"
                r"[^.;]{0,60}?\b(?:worth|valued at|raised|fetch(?:ed)?|proceeds of|for)\s+$",
            },
            examples=(
                Example(
                    "Its stake fell from 14.5% to 9.8% after the sale, the investor said.",
                    {"stake_before": "14.5%", "stake_after": "9.8%"},
                    before="SoftBank Group has sold 20 million shares of Nimbus Technologies.",
                ),
                Example(
                    "The disposal was worth about $9 million.",
                    {"value": "about $9 million"},
                    before="Gamma sold 2 million shares of Delta Corp on Monday.",
                ),
            ),
        ),
    ),
)
