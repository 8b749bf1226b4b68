"""Cost of interception (``MockCatalog.intercept()``): ``GET
https://platform.adobe.io/data/foundation/catalog/batches?limit=20`` answered by the mock in process,
against a stub of the same library answering the same bytes as a constant, timed in the same run:
through ``requests`` against a ``responses`` stub, and through ``httpx`` against a ``respx`` stub.
Each ratio is the median of the rounds' ratios, with its spread. Target: at most 3x.
Run: ``python bench/bench_interception.py`` (needs the ``intercept`` extra; about 15 seconds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import requests
import responses
import respx

from mockcatalog import create_app
from mockcatalog.interception import Interception

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import HEADERS  # noqa: E402
from timing import median_seconds  # noqa: E402

URL = "https://platform.adobe.io/data/foundation/catalog/batches?limit=20"


def requests_stub(body: bytes) -> responses.RequestsMock:
    stub = responses.RequestsMock(assert_all_requests_are_fired=False)
    stub.add(responses.GET, URL, body=body, content_type="application/json")
    return stub


def httpx_stub(body: bytes) -> respx.MockRouter:
    stub = respx.MockRouter(assert_all_called=False)
    stub.get(URL).mock(
        return_value=httpx.Response(200, content=body, headers={"Content-Type": "application/json"})
    )
    return stub


def timed(call: Callable[[], object], requests_per_round: int) -> float:
    return median_seconds(call, requests_per_round) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1000, help="per round and client")
    args = parser.parse_args()

    app = create_app({"seed": 1})
    body = app.test_client().get(URL.removeprefix("https://platform.adobe.io"), headers=HEADERS).get_data()
    session, client = requests.Session(), httpx.Client()
    interception = Interception(app)
    stubs: dict[str, Callable[[bytes], Any]] = {"requests": requests_stub, "httpx": httpx_stub}
    calls = {
        "requests": lambda: session.get(URL, headers=HEADERS, timeout=10).content,
        "httpx": lambda: client.get(URL, headers=HEADERS, timeout=10).content,
    }
    rounds: dict[str, list[tuple[float, float]]] = {"requests": [], "httpx": []}
    for _ in range(args.rounds):
        for name, call in calls.items():
            with interception:
                assert call() == body
                ours = timed(call, args.requests)
            with stubs[name](body):  # a new stub each round: leaving one forgets its responses
                assert call() == body
                stub = timed(call, args.requests)
            rounds[name].append((ours, stub))
    print(f"GET {URL} ({len(body):,} bytes), median of {args.rounds} x {args.requests} requests")
    for name, baseline in (("requests", "responses stub"), ("httpx", "respx stub")):
        ours = statistics.median(o for o, _ in rounds[name])
        stub = statistics.median(s for _, s in rounds[name])
        ratios = [o / s for o, s in rounds[name]]
        print(f"  {name:<9} intercepted    {ours:6.0f} us")
        print(f"  {name:<9} {baseline:<15}{stub:5.0f} us  (same bytes, constant)")
        print(
            f"  {name:<9} ratio       {statistics.median(ratios):8.2f}x  (spread {min(ratios):.2f}x-"
            f"{max(ratios):.2f}x)  [target <= 3x]"
        )


if __name__ == "__main__":
    main()
