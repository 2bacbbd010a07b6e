"""A Ray driver in its own process, for the test that kills a driver mid-run and resumes.

    python -m tests.support.ray_driver ADDRESS INPUT OUTPUT BASE_URL

connects to the running cluster at ADDRESS (``ray.init(address=...)``), then runs
``extract_files(INPUT, OUTPUT)`` against the endpoint at BASE_URL (no cache, so every article that is
extracted is one request), in small batches so result files appear while it runs.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    address, inputs, output, base_url = argv
    import ray
    from ray.data import DataContext

    ray.init(address=address, include_dashboard=False, log_to_driver=False)
    DataContext.get_current().enable_progress_bars = False
    from newsextract.ray import extract_files

    summary = extract_files(
        inputs,
        output,
        base_url=base_url,
        model="fake-model",
        cache=False,
        concurrency=2,
        in_flight=2,
        batch_size=4,
        transport_attempts=2,
    )
    print(summary, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
