"""In-process cost of ``GET /batches?limit=20`` (the plugin's ``client``) against a baseline timed in
the same run: a minimal Flask app whose test client answers the same JSON bytes as a constant.
Target: at most 1.5x. Run: ``python bench/bench_inprocess.py``.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from mockcatalog import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import HEADERS  # noqa: E402
from timing import median_seconds  # noqa: E402


def median_us(call: Callable[[], object], requests: int = 2000) -> float:
    return median_seconds(call, requests) * 1e6


def main() -> None:
    mock = create_app({"seed": 1}).test_client()
    body = mock.get("/batches?limit=20", headers=HEADERS).get_data()
    minimal = Flask("minimal")
    minimal.add_url_rule(
        "/batches", "batches", lambda: minimal.response_class(body, mimetype="application/json")
    )
    baseline = minimal.test_client()
    rounds = []
    for _ in range(5):
        mock_us = median_us(lambda: mock.get("/batches?limit=20", headers=HEADERS))
        base_us = median_us(lambda: baseline.get("/batches", headers=HEADERS))
        rounds.append((mock_us, base_us))
    mock_us = statistics.median(m for m, _ in rounds)
    base_us = statistics.median(b for _, b in rounds)
    print(f"GET /batches?limit=20 ({len(body):,} bytes), median of 5 x 2000 requests")
    print(f"  mockcatalog        {mock_us:8.0f} us")
    print(f"  minimal Flask      {base_us:8.0f} us  (same bytes, constant)")
    print(f"  ratio              {mock_us / base_us:8.2f}x  [target <= 1.5x]")


if __name__ == "__main__":
    main()
