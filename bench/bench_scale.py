"""Queries at scale: 100,000 batches over 1,000 datasets, one of them holding 10,000 (issue
targets in brackets), in-process and over HTTP through ``mockcatalog serve``.

Prints the median of many runs of each query, the serve process's memory, and the start-up cost
of loading that many fixtures. Over HTTP, reading one dataset by id is timed as the floor (what
any request costs through the server and the HTTP client). Run: ``python bench/bench_scale.py``
(--batches to change the size).
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
from mockcatalog.catalog.factories import GENERATED_NOW_MS, generate_fixtures, write_fixtures

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
    summary = f"/dataSets/{busiest}/ingestBatchSummary"  # the default window: the last seven days
    by_dataset = f"/batches?dataSet={busiest}&orderBy=desc:created&limit=20"
    with tempfile.TemporaryDirectory() as tmp:
        write_fixtures(made, Path(tmp))
        started = time.perf_counter()
        app = create_app({"fixtures": tmp, "frozen_at_ms": GENERATED_NOW_MS})
        load_seconds = time.perf_counter() - started
        served = serve_and_time(tmp, busiest, [by_dataset, summary], args.runs * 4)
    client = app.test_client()

    def get(path: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path, headers=HEADERS)
            assert response.status_code == 200, response.get_data()
            return response

        return call

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
        (
            f"dataSet=X&orderBy=desc:created&limit=20, X has {per_dataset[busiest]} [<= 5 ms]",
            get(by_dataset),
            None,
        ),
        (
            "  the same for a dataset of a typical size",
            get(f"/batches?dataSet={typical}&orderBy=desc:created&limit=20"),
            None,
        ),
        ("status=success&createdAfter=T&limit=20 [<= 5 ms]", get(recent_success), None),
        (
            "orderBy=desc:created&limit=20 over all (no target)",
            get("/batches?orderBy=desc:created&limit=20"),
            None,
        ),
        ("ingestBatchSummary of X, last 7 days [<= 5 ms]", get(summary), None),
        ("  the same, first one after a write to the dataset", get(summary), write_to_busiest),
        ("  the same, first one after a write and a reset", get(summary), write_then_reset),
        ("property=name~regex over all [<= 100 ms]", get("/batches?property=externalId~^01Z&limit=20"), None),
    ]
    print(f"{args.batches:,} batches over {args.datasets:,} datasets; loaded in {load_seconds:.1f} s")
    for label, action, before in rows:
        print(f"  {label:<55} {median_ms(action, args.runs, before):>8.2f} ms")
    print("  over HTTP, `mockcatalog serve` on these fixtures (rebased to now), requests' median:")
    for label, milliseconds in served.timings:
        print(f"    {label:<53} {milliseconds:>8.2f} ms")
    print("  `mockcatalog serve` memory, after those requests [RSS < 300 MB]:")
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
    timings: list[tuple[str, float]]


def serve_and_time(fixtures: str, dataset_id: str, paths: list[str], runs: int) -> Served:
    """How long `mockcatalog serve` on ``fixtures`` takes to answer, the median time of each of
    ``paths`` over HTTP (after the floor: one dataset by id), and the process's memory after."""
    started = time.perf_counter()
    with launched([*SERVE, "--fixtures", fixtures, "--rebase-time"]) as (pid, url):
        session = requests.Session()
        session.headers.update(HEADERS)

        def get(path: str) -> Callable[[], object]:
            def call() -> object:
                response = session.get(url + path, timeout=60)
                assert response.status_code == 200, response.text
                return response

            return call

        get(paths[0])()
        seconds = time.perf_counter() - started
        for path in paths:
            get(path)()  # build what the first request of each kind builds (a dataset's rows)
        timings = [("one dataset by id (the HTTP floor)", median_ms(get(f"/dataSets/{dataset_id}"), runs))]
        timings += [
            (f"{path.split('?')[0][-19:]}?...  [<= 5 ms]", median_ms(get(path), runs)) for path in paths
        ]
        status = Path(f"/proc/{pid}/status").read_text()

    def megabytes(field: str) -> float:
        return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024  # type: ignore[union-attr]

    return Served(seconds, megabytes("VmRSS"), megabytes("VmHWM"), timings)


if __name__ == "__main__":
    main()
