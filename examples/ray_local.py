"""Extract a folder of articles on a local Ray cluster, then look at the results.

    pip install 'newsextract[ray]'
    OPENAI_BASE_URL=http://127.0.0.1:8000/v1 python examples/ray_local.py seeds/ results/

Any OpenAI-compatible endpoint works (vLLM, a hosted API with OPENAI_API_KEY set). With neither set,
each actor loads the embedded model (one CPU and ~100 MB per actor).
"""

from __future__ import annotations

import sys

import ray

from newsextract.ray import extract_files


def main(inputs: str, output: str) -> None:
    # A local cluster sized for a laptop. On an existing cluster: ray.init(address="auto") on a node of
    # it, or ray.init(address="ray://head:10001") from outside; set OPENAI_API_KEY where the workers run.
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200_000_000)
    summary = extract_files(
        inputs,
        output,
        format="parquet",  # or "jsonl" (the batch result format: load_results / newsextract eval read it)
        concurrency=2,  # actors, each with one Extractor
        in_flight=16,  # requests in flight per actor
        # cache_url="s3://my-bucket/newsextract-cache",  # answers shared by every node
    )
    print(summary)
    results = ray.data.read_parquet(output)
    for row in results.take(5):
        print(row["id"], row["ok"], row["error_type"] or row["events_json"][:100])


if __name__ == "__main__":
    main(*(sys.argv[1:3] if len(sys.argv) >= 3 else ("seeds", "results")))
