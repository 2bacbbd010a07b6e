"""The Batch API path against the scripted Batch API: results equal to the online path, and what each
fault case costs in requests (not a timing benchmark: the API's clock ticks once per status poll).

Runs the seeds and the three held-out sets (27 articles; answers: the drafts a perfect model would give,
from the gold) through ``Extractor.submit_batch`` -> ``BatchJob.results`` against
``tests/support/fake_batch_api.py`` on 127.0.0.1, and through ``Extractor.extract`` (the online path)
with the same answers (default max_retries=2); compares every article's events and dropped drafts.
Then runs each fault case and prints its request counts, and the growth of the local work with the
number of articles (500 vs 5,000, side by side).

    .venv/bin/python bench/bench_batch_api.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.batch_corpus import Article, answer_by_text, corpus
from tests.support.fake_batch_api import BatchScript, FakeBatchAPI
from tests.support.fake_openai import HTTPError, ToolCall

from newsextract import Extraction, Extractor
from newsextract.batch import BatchResult
from newsextract.errors import ExtractionError

FAST = {"poll_interval_s": 0.0, "download_wait_s": 0.0}


def extractor(server: FakeBatchAPI, cache: Path, max_retries: int = 2) -> Extractor:
    return Extractor(
        model="test-model",
        base_url=server.base_url,
        api_key="sk-bench",
        cache_dir=str(cache),
        max_retries=max_retries,
        transport_max_wait_s=1.0,
    )


def events(outcome: Any) -> Any:
    if not isinstance(outcome, Extraction):
        return type(outcome).__name__
    return (
        [e.model_dump(mode="json") for e in outcome.events],
        [d.model_dump(mode="json") for d in outcome.meta.dropped],
    )


def online(arts: list[Article], tmp: Path) -> list[Any]:
    with FakeBatchAPI() as server:
        server.enqueue(*[ToolCall(a.answer) for a in arts])
        ex = extractor(server, tmp / "online")
        out: list[Any] = []
        for a in arts:
            try:
                out.append(ex.extract(a.text, a.published, id=a.id))
            except ExtractionError as exc:
                out.append(exc)
        return out


def run_case(
    name: str,
    arts: list[Article],
    tmp: Path,
    *,
    answer: Callable[[str, Any], Any] | None = None,
    scripts: tuple[BatchScript, ...] = (),
    steps: tuple[Any, ...] = (),
    max_retries: int = 2,
    prepare: Callable[[FakeBatchAPI, Extractor], list[dict[str, Any]]] | None = None,
    **submit: Any,
) -> tuple[BatchResult, dict[str, Any], float]:
    with FakeBatchAPI(answer=answer or answer_by_text(arts), answer_online=True, scripts=scripts) as server:
        ex = extractor(server, tmp / name, max_retries)
        records = prepare(server, ex) if prepare else [a.record() for a in arts]
        before = len(server.chat_requests)
        server.enqueue(*steps)
        started = time.perf_counter()
        job = ex.submit_batch(records, out=tmp / f"{name}.jsonl", **submit, **FAST)
        if name == "cancelled":
            job.status()
            job.cancel()
        result = job.results(concurrency=1)
        elapsed = time.perf_counter() - started
        again = job.results(concurrency=1)  # collecting twice writes nothing twice
        written = [json.loads(x)["id"] for x in (tmp / f"{name}.jsonl").read_text().splitlines()]
        c = server.counts
        counts = {
            "uploads": c.uploads,
            "batches": c.creates,
            "lines": "+".join(map(str, c.lines_per_batch)) or "0",
            "run": c.lines_run,
            "polls": c.polls,
            "downloads": c.downloads,
            "403/404": c.download_refusals,
            "online": len(server.chat_requests) - before,
            "ok": sum(isinstance(o, Extraction) for o in result),
            "errors": sum(not isinstance(o, Extraction) for o in result),
            "written": len(written),
            "dup": len(written) - len(set(written)),
            "same2": [events(o) for o in again] == [events(o) for o in result],
        }
        return result, counts, elapsed


def main() -> None:
    arts = corpus()
    by_text = answer_by_text(arts)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        on = online(arts, tmp)
        rows: list[tuple[str, dict[str, Any], str]] = []

        def equal(result: BatchResult, skip: set[int] = frozenset()) -> str:  # type: ignore[assignment]
            pairs = [
                (events(b), events(o))
                for i, (b, o) in enumerate(zip(result, on, strict=True))
                if i not in skip
            ]
            return f"{sum(x == y for x, y in pairs)}/{len(pairs)}"

        result, counts, _ = run_case("clean", arts, tmp)
        rows.append(("clean: all 27 articles", counts, equal(result)))

        invalid = json.dumps({"stock_moves": [{"quote": "Invented.", "company": "X", "direction": "up"}]})

        def faulty(cid: str, body: Any) -> Any:
            user = body["messages"][-1]["content"]
            if cid and (arts[0].text in user or arts[5].text in user):  # batch lines only
                return HTTPError(500, "overloaded")
            if cid and arts[1].text in user:
                return ToolCall(invalid)
            return by_text(cid, body)

        result, counts, _ = run_case(
            "errors", arts, tmp, answer=faulty, scripts=(BatchScript(shuffle=3),), max_retries=1
        )
        rows.append(("shuffled; 2 error lines, 1 ungrounded answer (max_retries=1)", counts, equal(result)))

        exp = BatchScript(statuses=("validating", "in_progress", "expired"), finish=10)
        result, counts, _ = run_case("expired", arts, tmp, scripts=(exp,))
        rows.append(("expired after 10 of 27 lines", counts, equal(result)))

        late = BatchScript(late_polls=2, forbidden=2, missing=1)
        result, counts, _ = run_case("late", arts, tmp, scripts=(late,))
        rows.append(("output id late 2 polls; 2x403 + 1x404 on download", counts, equal(result)))

        failed = BatchScript(statuses=("validating", "failed"), errors=("bad line",))
        result, counts, _ = run_case(
            "failed", arts, tmp, scripts=(failed,), steps=tuple(ToolCall(a.answer) for a in arts)
        )
        rows.append(("batch failed as a whole (all online)", counts, equal(result)))

        slow = BatchScript(statuses=("validating", "in_progress", "in_progress", "in_progress"), finish=9)
        result, counts, _ = run_case("cancelled", arts, tmp, scripts=(slow,))
        answered = {i for i, o in enumerate(result) if not isinstance(o, Extraction)}
        rows.append(("cancelled after 9 lines (rest: errors)", counts, equal(result, answered)))

        def cached_and_copies(server: FakeBatchAPI, ex: Extractor) -> list[dict[str, Any]]:
            server.enqueue(*[ToolCall(a.answer) for a in arts[:5]])
            for a in arts[:5]:
                ex.extract(a.text, a.published)
            return [a.record() for a in arts] + [{**a.record(), "id": f"copy-{a.id}"} for a in arts[:4]]

        result, counts, _ = run_case("cached", arts, tmp, prepare=cached_and_copies)
        counts["online"] = f"{counts['online']} (5 before submit)"
        rows.append(
            ("5 cached before submit, 4 duplicates (31 inputs)", counts, equal(BatchResult(result[:27])))
        )

        result, counts, _ = run_case("split", arts, tmp, max_requests=10)
        rows.append(("split at max_requests=10", counts, equal(result)))

        def reask_batch(cid: str, body: Any) -> Any:
            if arts[2].text in body["messages"][1]["content"] and ".r" not in cid:
                return ToolCall(invalid)
            return by_text(cid, body)

        result, counts, _ = run_case("followup", arts, tmp, answer=reask_batch, max_retries=1, reask="batch")
        rows.append(("1 ungrounded answer, reask='batch' (follow-up batch)", counts, equal(result)))

    cols = [
        "uploads",
        "batches",
        "lines",
        "run",
        "polls",
        "downloads",
        "403/404",
        "online",
        "ok",
        "errors",
        "written",
        "dup",
        "same2",
    ]
    print(f"{'case':56} " + " ".join(f"{c:>9}" for c in cols) + "  equal to online")
    for name, counts, eq in rows:
        print(f"{name:56} " + " ".join(f"{counts[c]!s:>9}" for c in cols) + f"  {eq}")
    measure_growth()
    print(
        "columns: uploads = input files uploaded; lines = lines per batch created; run = lines the API "
        "answered; online = chat requests sent online; written = lines in the results file after "
        "collecting twice; dup = ids written twice; same2 = the second collect returned the same results"
    )


def measure_growth(small: int = 500, factor: int = 10) -> None:
    """Submit + collect time for ``small`` and ``factor`` x ``small`` distinct short articles (empty
    answers), side by side: the ratio should stay near ``factor`` (linear in the number of lines)."""
    base = "Shares of Example Corp rose 3% on Tuesday. Ref {n}."
    times = []
    for n in (small, small * factor):
        with tempfile.TemporaryDirectory() as d, FakeBatchAPI(answer=lambda c, b: ToolCall(EMPTY)) as server:
            ex = extractor(server, Path(d) / "cache")
            records = [{"id": str(i), "text": base.format(n=i)} for i in range(n)]
            started = time.perf_counter()
            job = ex.submit_batch(records, out=Path(d) / "r.jsonl", **FAST)
            result = job.results(concurrency=1)
            times.append(time.perf_counter() - started)
            assert len(result.extractions) == n
    print(
        f"growth: {small} articles {times[0]:.2f} s ({times[0] / small * 1000:.2f} ms each), "
        f"{small * factor} articles {times[1]:.2f} s ({times[1] / small / factor * 1000:.2f} ms each); "
        f"ratio {times[1] / times[0]:.1f} for {factor}x the articles"
    )


EMPTY = json.dumps({"share_sales": [], "executive_changes": [], "stock_moves": []})


if __name__ == "__main__":
    main()
