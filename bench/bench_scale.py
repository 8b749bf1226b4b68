"""Queries at scale, in-process: 100,000 batches over 1,000 datasets (issue targets in brackets).

Prints the median of many runs of each query, the process's peak RSS, and the start-up cost of
loading that many fixtures. Run: ``python bench/bench_scale.py`` (--batches to change the size).
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from mockcatalog import create_app
from mockcatalog.factories import GENERATED_NOW_MS, generate_fixtures, write_fixtures

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import HEADERS, SERVE, launched  # noqa: E402
from timing import median_seconds  # noqa: E402

ORG = HEADERS["x-gw-ims-org-id"]


def median_ms(action: Callable[[], object], runs: int, before: Callable[[], object] | None = None) -> float:
    return median_seconds(action, runs, before=before) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=100_000)
    parser.add_argument("--datasets", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    made = generate_fixtures(3, datasets=args.datasets, batches=args.batches - 10_000, orgs=[ORG])
    big = generate_fixtures(4, datasets=1, batches=10_000, orgs=[ORG])  # one dataset with 10,000
    for collection, objects in big.collections.items():
        made.collections[collection].update(objects)
    per_dataset: dict[str, int] = {}
    for batch in made.collections["batches"].values():
        dataset_id = batch["relatedObjects"][0]["id"]
        per_dataset[dataset_id] = per_dataset.get(dataset_id, 0) + 1
    busiest = max(per_dataset, key=per_dataset.__getitem__)  # the one with 10,000
    typical = next(iter(made.collections["dataSets"]))
    week_ago = GENERATED_NOW_MS - 7 * 86_400_000
    summary = f"/dataSets/{busiest}/ingestBatchSummary?createdAfter=0"
    with tempfile.TemporaryDirectory() as tmp:
        write_fixtures(made, Path(tmp))
        started = time.perf_counter()
        app = create_app({"fixtures": tmp, "frozen_at_ms": GENERATED_NOW_MS})
        load_seconds = time.perf_counter() - started
        served = serve_memory(tmp, ["/batches?limit=20", summary])
    client = app.test_client()

    def get(path: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path, headers=HEADERS)
            assert response.status_code == 200, response.get_data()
            return response

        return call

    by_dataset = f"/batches?dataSet={typical}&orderBy=desc:created&limit=20"
    recent_success = f"/batches?status=success&createdAfter={week_ago}&limit=20"
    one_of_busiest = next(
        bid
        for bid, batch in made.collections["batches"].items()
        if batch["relatedObjects"][0]["id"] == busiest
    )

    def write_to_busiest() -> None:  # what a test does between two summaries: its rows are rebuilt
        response = client.patch(f"/batches/{one_of_busiest}", json={"name": "touched"}, headers=HEADERS)
        assert response.status_code == 200, response.get_data()

    def write_then_reset() -> None:  # a reset undoes the write in the rows: they stay
        write_to_busiest()
        assert client.post("/__admin/reset").status_code == 200

    rows = [
        ("dataSet=X&orderBy=desc:created&limit=20 [<= 5 ms]", get(by_dataset), None),
        ("status=success&createdAfter=T&limit=20 [<= 5 ms]", get(recent_success), None),
        (
            "orderBy=desc:created&limit=20 over all (no target)",
            get("/batches?orderBy=desc:created&limit=20"),
            None,
        ),
        (f"ingestBatchSummary, {per_dataset[busiest]} batches [<= 5 ms]", get(summary), None),
        ("  the same, first one after a write to the dataset", get(summary), write_to_busiest),
        ("  the same, first one after a write and a reset", get(summary), write_then_reset),
        ("property=name~regex over all [<= 100 ms]", get("/batches?property=externalId~^01Z&limit=20"), None),
    ]
    print(f"{args.batches:,} batches over {args.datasets:,} datasets; loaded in {load_seconds:.1f} s")
    for label, action, before in rows:
        print(f"  {label:<55} {median_ms(action, args.runs, before):>8.2f} ms")
    print("  `mockcatalog serve` on these fixtures, after a list and that summary [RSS < 300 MB]:")
    print(f"    {'answering after':<53} {served.seconds:>8.1f} s")
    print(f"    {'resident':<53} {served.resident_mb:>8.0f} MB")
    print(f"    {'peak (while loading)':<53} {served.peak_mb:>8.0f} MB")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  this benchmark's own peak RSS (two copies of the data){'':<1} {peak_mb:>8.0f} MB")


@dataclass
class Served:
    seconds: float
    resident_mb: float
    peak_mb: float


def serve_memory(fixtures: str, paths: list[str]) -> Served:
    """How long `mockcatalog serve` on ``fixtures`` takes to answer, and its memory after ``paths``."""
    started = time.perf_counter()
    with launched([*SERVE, "--fixtures", fixtures, "--no-rebase-time"]) as (pid, url):
        for path in paths:
            response = requests.get(url + path, headers=HEADERS, timeout=60)
            assert response.status_code == 200, response.text
            if path == paths[0]:
                seconds = time.perf_counter() - started
        status = Path(f"/proc/{pid}/status").read_text()

    def megabytes(field: str) -> float:
        return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024  # type: ignore[union-attr]

    return Served(seconds, megabytes("VmRSS"), megabytes("VmHWM"))


if __name__ == "__main__":
    main()
