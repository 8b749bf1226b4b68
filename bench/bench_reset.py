"""Per-test reset cost at 1k, 10k and 100k fixture batches: it must stay flat.

Each round does what a typical test does (create five batches in a dataset, read its summary),
then times ``MockControl.reset()`` (what the ``mock_catalog`` fixture runs before every test),
which also undoes the writes in the summary's kept rows. The baseline,
timed in the same run, is the naive alternative the copy-on-write store avoids: a deep copy of the
pristine fixtures. Run: ``python bench/bench_reset.py`` (about a minute; --sizes to change).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from pathlib import Path

from mockcatalog import create_app
from mockcatalog.catalog.factories import generate_fixtures, write_fixtures
from mockcatalog.catalog.fixture_files import read_fixtures
from mockcatalog.catalog.query import ListQuery
from mockcatalog.catalog.tenancy import Caller
from mockcatalog.http.extension import control_of

ORG = "ACE0A1B2C3D4E5F60718293A@AdobeOrg"


def median_us(samples: list[int]) -> float:
    return statistics.median(samples) / 1000


def measure(batches: int, rounds: int, directory: Path) -> tuple[float, float]:
    write_fixtures(
        generate_fixtures(1, datasets=max(1, batches // 100), batches=batches, orgs=[ORG]), directory
    )
    app = create_app({"fixtures": str(directory), "seed": 1})
    control = control_of(app)
    store = control.store
    caller = Caller(org=ORG, sandbox="prod", api_key="bench", token="t")
    dataset_id = next(iter(read_fixtures(directory).collections["dataSets"]))
    resets = []
    for _ in range(rounds):
        for _ in range(5):
            control.ingestion.create_batch(caller, {"datasetId": dataset_id})
        store.ingest_batch_summary(caller.tenant, dataset_id, ListQuery(limit=None), (0, None))
        started = time.perf_counter_ns()
        control.reset()
        resets.append(time.perf_counter_ns() - started)
    pristine = read_fixtures(directory).collections
    copies = []
    for _ in range(max(3, rounds // 50)):
        started = time.perf_counter_ns()
        copy.deepcopy(pristine)
        copies.append(time.perf_counter_ns() - started)
    return median_us(resets), median_us(copies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated batch counts")
    parser.add_argument("--rounds", type=int, default=300, help="timed resets per size")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            rows.append((size, *measure(size, args.rounds, Path(tmp) / str(size))))
    first = rows[0][1]
    header = ("batches", "reset median", "vs smallest", "deepcopy baseline", "speed-up")
    print(" | ".join(f"{name:>{width}}" for name, width in zip(header, (9, 13, 11, 17, 9), strict=True)))
    for size, reset_us, copy_us in rows:
        print(
            f"{size:>9,} | {reset_us:>10.1f} µs | {reset_us / first:>10.2f}x | "
            f"{copy_us / 1000:>14.1f} ms | {copy_us / reset_us:>8,.0f}x"
        )


if __name__ == "__main__":
    main()
