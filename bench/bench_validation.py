"""Rows per second of batch processing against a dataset's XDM schema, as issue 20 names the case:
a 64 MiB JSON-lines upload against a 20-field schema with nested objects, and the same rows as one
Parquet file, against a baseline timed in the same run: the ``jsonschema`` library validating the
same rows one by one (each line parsed, then validated). Targets: at least 10x the baseline and
200,000 rows/s for JSON lines on one core; memory while processing at most 3x the upload.

Each rate is the median of ``--runs`` runs; the ratio is reported with its spread over the runs.
Memory is measured in a child process, warmed by a 1,000-row batch first (Arrow's allocator and
kernels start once per process, as in a server that has processed a batch before): its peak
resident memory while processing, less what it held before (the upload itself), over the upload's
size.
Run: ``python bench/bench_validation.py`` (``pip install -e '.[bench]'`` brings jsonschema).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from mockcatalog.catalog.xdm import compile_schema
from mockcatalog.ingestion.parquet import arrow_schema, table_of
from mockcatalog.ingestion.reading import process_files

UPLOAD_BYTES = 64 * 1024 * 1024


def text(**extra: Any) -> dict[str, Any]:
    return {"type": "string", **extra}


def integer(low: int, high: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high}


#: 20 leaf fields, four of them in nested objects two levels deep: an event as pipelines send them.
SCHEMA: dict[str, Any] = {
    "$id": "https://ns.adobe.com/bench/schemas/events",
    "type": "object",
    "required": ["_id", "timestamp"],
    "properties": {
        "_id": text(),
        "timestamp": text(format="date-time"),
        "eventType": text(enum=["web.view", "web.click", "commerce.purchase"]),
        "channel": text(),
        "web": {"type": "object", "properties": {
            "url": text(), "referrer": text(),
            "page": {"type": "object", "properties": {"name": text(), "views": integer(0, 2147483647)}},
        }},
        "device": {"type": "object", "properties": {
            "type": text(), "model": text(),
            "screen": {"type": "object",
                       "properties": {"width": integer(0, 32767), "height": integer(0, 32767)}},
        }},
        "commerce": {"type": "object", "properties": {
            "total": {"type": "number", "minimum": 0}, "currency": text(), "quantity": {"type": "integer"},
        }},
        "identity": {"type": "object", "properties": {"ecid": text(), "email": text()}},
        "consent": {"type": "boolean"},
        "score": {"type": "number"},
        "region": text(),
    },
}  # fmt: skip


def row(n: int) -> dict[str, Any]:
    return {
        "_id": f"event-{n}", "timestamp": f"2026-12-01T{n % 24:02d}:{n % 60:02d}:00Z",
        "eventType": ("web.view", "web.click", "commerce.purchase")[n % 3], "channel": "web",
        "web": {"url": f"https://shop.example/p/{n}", "referrer": "https://search.example/",
                "page": {"name": f"product {n % 500}", "views": n % 97}},
        "device": {"type": "mobile", "model": "pixel", "screen": {"width": 1080, "height": 2400}},
        "commerce": {"total": round(n * 0.37, 2), "currency": "EUR", "quantity": n % 5},
        "identity": {"ecid": f"{n:038d}", "email": f"user{n}@example.com"},
        "consent": n % 2 == 0, "score": (n % 100) / 100, "region": "eu-west",
    }  # fmt: skip


def upload() -> bytes:
    lines, size, n = [], 0, 0
    while size < UPLOAD_BYTES:
        line = json.dumps(row(n), separators=(",", ":")).encode()
        lines.append(line)
        size += len(line) + 1
        n += 1
    return b"\n".join(lines) + b"\n"


def as_parquet(data: bytes) -> bytes:
    """The same rows as a pipeline writing Parquet for this dataset would: typed by its schema (the
    types Adobe's field constraints give), in row groups of 16,384 rows."""
    check = compile_schema(SCHEMA)
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, arrow_schema(check.fields)) as writer:
        lines = data.splitlines()
        for first in range(0, len(lines), 16384):
            converted = [check.check(json.loads(line))[0] for line in lines[first : first + 16384]]
            writer.write_table(table_of([row for row in converted if row is not None], check.fields))
    return sink.getvalue()


def mock_rate(data: bytes, fmt: str) -> tuple[float, int]:
    check = compile_schema(SCHEMA)
    started = time.perf_counter()
    outcome = process_files({f"day.{fmt}": data}, {"format": fmt}, {f"day.{fmt}": check})
    elapsed = time.perf_counter() - started
    assert outcome.failed == 0, outcome.errors
    return outcome.records / elapsed, outcome.records


def baseline_rate(data: bytes) -> float:
    import jsonschema

    validator = jsonschema.Draft7Validator(SCHEMA)
    started = time.perf_counter()
    rows = 0
    for line in data.splitlines():
        assert validator.is_valid(json.loads(line))
        rows += 1
    return rows / (time.perf_counter() - started)


def peak_ratio(fmt: str, data: bytes) -> float:
    """In a child process that reads the upload from a file: (peak RSS while processing - RSS
    before) / upload size."""
    with tempfile.NamedTemporaryFile(suffix=f".{fmt}") as upload_file:
        upload_file.write(data)
        upload_file.flush()
        return _child_peak(fmt, upload_file.name)


def _child_peak(fmt: str, path: str) -> float:
    """The child: the upload read from ``path``, then processed while a thread samples the resident
    memory every 5 ms; (the highest sample - the resident memory before) / the upload's size."""
    code = f"""
import sys, threading, time
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
import bench_validation as b
data = open({path!r}, "rb").read()
b.mock_rate(b.small({fmt!r}), {fmt!r})  # warm: Arrow's allocator and kernels start once per process
before = b.resident()
highest, done = [before], threading.Event()
def sample():
    while not done.is_set():
        highest[0] = max(highest[0], b.resident())
        time.sleep(0.005)
watcher = threading.Thread(target=sample)
watcher.start()
b.mock_rate(data, {fmt!r})
done.set()
watcher.join()
print((highest[0] - before) / len(data))
"""
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(ran.stdout.strip())


def small(fmt: str) -> bytes:
    """A 1,000-row upload of the same rows, to warm a process up before it is measured."""
    data = b"".join(json.dumps(row(n)).encode() + b"\n" for n in range(1000))
    return data if fmt == "json" else as_parquet(data)


def resident() -> int:
    """This process's resident memory, in bytes."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = upload()
    parquet = as_parquet(data)
    rows = data.count(b"\n")
    sizes = (
        f"{len(data) / 2**20:.1f} MiB of JSON lines, {rows:,} rows; as Parquet {len(parquet) / 2**20:.1f} MiB"
    )
    print(f"upload: {sizes}")
    ratios, json_rates, parquet_rates, baselines = [], [], [], []
    for _ in range(args.runs):
        baseline = baseline_rate(data)
        rate, _ = mock_rate(data, "json")
        baselines.append(baseline)
        json_rates.append(rate)
        ratios.append(rate / baseline)
        parquet_rates.append(mock_rate(parquet, "parquet")[0])
    print(f"jsonschema, one row at a time (baseline)  {statistics.median(baselines):>12,.0f} rows/s")
    json_rate = statistics.median(json_rates)
    print(f"mock, JSON lines                           {json_rate:>12,.0f} rows/s  [target 200,000]")
    print(f"mock, Parquet                              {statistics.median(parquet_rates):>12,.0f} rows/s")
    print(
        f"ratio JSON lines / baseline                {statistics.median(ratios):>12.1f}x  "
        f"(spread {min(ratios):.1f}x-{max(ratios):.1f}x over {args.runs} runs)  [target 10x]"
    )
    for fmt, uploaded in (("json", data), ("parquet", parquet)):
        ratio = peak_ratio(fmt, uploaded)
        print(f"memory while processing {fmt:<8}           {ratio:>12.2f}x the upload  [target at most 3x]")


if __name__ == "__main__":
    main()
