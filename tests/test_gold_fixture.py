"""The hand-written gold annotations in fixtures/gold/seeds.jsonl: every quote sits at its offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsextract.evaluate import GoldArticle, NameMode, load_gold, score

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "fixtures" / "gold" / "seeds.jsonl"
SEEDS = ROOT / "seeds"


def seed_text(article_id: str) -> str:
    # Read exactly as the annotations were made: no stripping (article 000 starts with a space).
    with open(SEEDS / f"{article_id}.txt", encoding="utf-8") as fh:
        return fh.read()


def test_every_seed_is_annotated() -> None:
    ids = [a.id for a in load_gold(GOLD)]
    assert ids == sorted(p.stem for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("article", load_gold(GOLD), ids=lambda a: a.id)
def test_quotes_match_offsets(article: GoldArticle) -> None:
    text = seed_text(article.id)
    assert article.check_against(text) == []
    for ev in article.events:
        assert text[ev.start : ev.end] == ev.quote
        assert ev.quote == ev.quote.strip()
        ev.event()  # fields are valid typed values


def test_raw_jsonl_shape() -> None:
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        assert set(rec) == {"id", "published", "events"}
        for ev in rec["events"]:
            assert {"type", "quote", "start", "end", "optional"} <= set(ev)
            for v in ev.values():
                if isinstance(v, dict):
                    assert set(v) == {"amount", "currency"}


def test_published_dates() -> None:
    pub = {a.id: a.published for a in load_gold(GOLD)}
    assert str(pub["000_2a337d593799195a"]) == "2023-11-23"
    assert pub["001_1ff6289c2dee9128"] is None
    assert pub["002_bf1047d42fa0fe9c"] is None


def test_gold_scores_perfectly_against_itself() -> None:
    gold = load_gold(GOLD)
    preds = {a.id: [e.event() for e in a.events if not e.optional] for a in gold}
    modes: tuple[NameMode, ...] = ("strict", "relaxed")
    for names in modes:
        report = score(gold, preds, names=names)
        assert report.overall.f1 == 1.0
        assert report.overall.tp == sum(1 for a in gold for e in a.events if not e.optional)
