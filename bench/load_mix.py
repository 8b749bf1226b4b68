"""Mixed concurrent load against a running mock, and the consistency checks on what it did.

Used at a modest size by ``tests/e2e/test_load.py`` (in CI) and at full size by
``bench/bench_load.py``. Each client thread loops over a mix of calls a consumer makes: create a
batch, list the dataset's batches, read one, and an optimistic-concurrency update of a shared
dataset (read its version, PATCH with If-Match, retry on 412). Afterwards the report says whether
any answer was a 5xx, whether every created batch is there exactly once (no lost or duplicated
write), whether every successful update left its mark and bumped the version once (no lost update),
and whether any list answer was torn (an object under the wrong key or without its fields).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests


@dataclass
class LoadReport:
    requests: int = 0
    server_errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    tagged: list[str] = field(default_factory=list)
    torn_reads: int = 0
    seconds: float = 0.0
    lost_writes: int = 0
    duplicated_writes: int = 0
    lost_updates: int = 0
    version_drift: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0

    @property
    def consistent(self) -> bool:
        return not (self.server_errors or self.lost_writes or self.duplicated_writes or self.lost_updates
                    or self.version_drift or self.torn_reads)  # fmt: skip


def run_mixed_load(url: str, headers: dict[str, str], *, clients: int, rounds: int) -> LoadReport:
    """``clients`` threads, each doing ``rounds`` rounds of the mix; then check the result."""
    setup = requests.Session()
    setup.headers.update(headers)
    created = setup.post(f"{url}/dataSets", json={"name": "load", "tags": {"load": []}}, timeout=30)
    dataset_id = created.json()[0].removeprefix("@/dataSets/")
    report = LoadReport()
    lock = threading.Lock()

    def call(session: requests.Session, method: str, path: str, **kwargs: Any) -> requests.Response:
        started = time.perf_counter()
        response = session.request(method, url + path, timeout=60, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            report.requests += 1
            report.statuses[response.status_code] += 1
            report.latencies_ms.append(elapsed)
            report.server_errors += response.status_code >= 500
        return response

    def client(number: int) -> None:
        session = requests.Session()
        session.headers.update(headers)
        for round_number in range(rounds):
            batch = call(
                session, "POST", "/batches", json={"datasetId": dataset_id, "inputFormat": {"format": "json"}}
            )
            if batch.status_code == 201:
                with lock:
                    report.created.append(batch.json()["id"])
                call(session, "GET", f"/batches/{batch.json()['id']}")
            listed = call(session, "GET", "/batches", params={"dataSet": dataset_id, "limit": 100})
            if listed.status_code == 200 and any(
                obj.get("id") not in (None, key) or "status" not in obj for key, obj in listed.json().items()
            ):
                with lock:
                    report.torn_reads += 1
            mark = f"c{number}r{round_number}"
            for _attempt in range(50):
                current = call(session, "GET", f"/dataSets/{dataset_id}").json()[dataset_id]
                patch = [{"op": "add", "path": "/tags/load/-", "value": mark}]
                answer = call(
                    session, "PATCH", f"/dataSets/{dataset_id}", json=patch,
                    headers={"Content-Type": "application/json-patch+json", "If-Match": current["version"]},
                )  # fmt: skip
                if answer.status_code == 200:
                    with lock:
                        report.tagged.append(mark)
                    break

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.perf_counter() - started

    seen: list[str] = []
    start = 0
    while True:
        page = setup.get(
            f"{url}/batches", params={"dataSet": dataset_id, "limit": 100, "start": start}, timeout=60
        )
        seen.extend(page.json())
        if len(page.json()) < 100:
            break
        start += 100
    report.lost_writes = len(set(report.created) - set(seen))
    report.duplicated_writes = len(seen) - len(set(seen)) + len(report.created) - len(set(report.created))
    final = setup.get(f"{url}/dataSets/{dataset_id}", timeout=60).json()[dataset_id]
    report.lost_updates = len(set(report.tagged) - set(final["tags"]["load"]))
    patch_level = int(final["version"].rsplit(".", 1)[1])
    report.version_drift = abs(patch_level - len(report.tagged))
    return report
