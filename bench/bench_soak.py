"""Soak: minutes of varied traffic on `mockcatalog serve`, printing its resident memory every 10 s.

Each client thread loops over traffic meant to grow a server that keeps too much: uploads of up
to 4 MiB (half of them refused for a bad token, so their bodies only reach the journal), lists
with ever-new query strings and made-up parameter names, giant bearer tokens, ever-new tenants
that create a dataset and delete it again, and regular expressions. The data the mock holds stays
about constant (every batch made is aborted and deleted, every dataset deleted), so its memory
should too. Target: the floor of resident memory (each minute's smallest sample: bodies in flight
lift single samples) flat within 10% after the first minute (warm-up), and no 5xx.

Run: ``python bench/bench_soak.py`` (--minutes, --clients).
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import HEADERS, SERVE, launched  # noqa: E402

WEB_EVENTS = "6ac98000f2a74de452e6b438"  # a dataset of the packaged fixtures


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def traffic(url: str, until: float, seed: int, statuses: Counter[int], lock: threading.Lock) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    session.headers.update(HEADERS)
    blob = rng.randbytes(4 * 1024 * 1024)
    step = 0
    while time.monotonic() < until:
        step += 1
        answers: list[requests.Response] = []
        kind = step % 6
        if kind == 0:  # an upload, whole or refused for its token
            created = session.post(
                f"{url}/data/foundation/import/batches",
                json={"datasetId": WEB_EVENTS, "inputFormat": {"format": "json"}},
            )
            answers.append(created)
            batch_id = created.json()["id"]
            path = f"{url}/data/foundation/import/batches/{batch_id}/datasets/{WEB_EVENTS}/files/f{step}.json"
            size = rng.randrange(1, 4 * 1024 * 1024)
            headers = {"Content-Type": "application/octet-stream"}
            if rng.random() < 0.5:
                headers["x-api-key"] = ""  # refused (403): the body reaches only the journal
            answers.append(session.put(path, data=blob[:size], headers=headers))
            answers.append(
                session.post(f"{url}/data/foundation/import/batches/{batch_id}", params={"action": "ABORT"})
            )
            answers.append(session.delete(f"{url}/batches/{batch_id}"))
        elif kind == 1:  # ever-new query strings and made-up names
            params = {"limit": rng.randrange(1, 100), f"madeUp{rng.randrange(10**9)}": "x"}
            answers.append(session.get(f"{url}/batches", params=params))
            answers.append(
                session.get(f"{url}/batches", params={"limit": rng.randrange(1, 100), "start": step})
            )
        elif kind == 2:  # giant tokens
            token = {"Authorization": "Bearer " + "t" * rng.randrange(10_000, 200_000)}
            answers.append(session.get(f"{url}/dataSets", params={"limit": 5}, headers=token))
        elif kind == 3:  # a new tenant, made and emptied again
            tenant = {"x-gw-ims-org-id": f"SOAK{rng.randrange(10**12):020d}@AdobeOrg"}
            made = session.post(f"{url}/dataSets", json={"name": "soak"}, headers=tenant)
            answers.append(made)
            dataset_id = made.json()[0].rsplit("/", 1)[1]
            answers.append(session.delete(f"{url}/dataSets/{dataset_id}", headers=tenant))
        elif kind == 4:  # regular expressions and wildcards
            answers.append(
                session.get(f"{url}/batches", params={"property": f"status~^s{rng.randrange(100)}"})
            )
            answers.append(session.get(f"{url}/dataSets", params={"property": "name==*a*b*c*d*e"}))
        else:  # the journal and the state, as a test would read them
            answers.append(session.get(f"{url}/__admin/requests"))
            answers.append(session.get(f"{url}/dataSets/{WEB_EVENTS}/ingestBatchSummary"))
        with lock:
            statuses.update(answer.status_code for answer in answers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    with launched(SERVE) as (pid, url):
        started = time.monotonic()
        until = started + args.minutes * 60
        clients = [
            threading.Thread(target=traffic, args=(url, until, seed, statuses, lock))
            for seed in range(args.clients)
        ]
        for client in clients:
            client.start()
        samples: list[tuple[float, float]] = []
        while time.monotonic() < until:
            time.sleep(10)
            samples.append((time.monotonic() - started, resident_mb(pid)))
            seconds, rss = samples[-1]
            print(f"  {seconds:5.0f} s  RSS {rss:7.1f} MB  requests {sum(statuses.values()):,}", flush=True)
        for client in clients:
            client.join()
    # In-flight 4 MiB bodies lift any one sample by up to 100 MB; what a server *keeps* shows in
    # the floor of each minute (its smallest sample), so that is what must stay flat.
    minutes = int(max(seconds for seconds, _ in samples) // 60)
    floors = [
        min(rss for seconds, rss in samples if minute * 60 < seconds <= (minute + 1) * 60)
        for minute in range(minutes)
    ]
    kept = floors[1:] or floors  # the first minute is warm-up
    growth = (kept[-1] - kept[0]) / kept[0] * 100
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    print(f"{args.minutes:g} min, {args.clients} clients, {sum(statuses.values()):,} requests")
    print(f"  statuses                      {dict(sorted(statuses.items()))}")
    print(f"  5xx answers                   {server_errors}")
    print(f"  RSS floor of each minute, MB  {', '.join(f'{floor:.0f}' for floor in floors)}")
    after = f"{kept[0]:.1f} -> {kept[-1]:.1f} MB ({growth:+.1f}%)"
    print(f"  after warm-up                 {after}  [target within 10%]")
    print(f"  highest sample                {max(rss for _, rss in samples):.1f} MB (bodies in flight)")


if __name__ == "__main__":
    main()
