"""Start-up: how soon ``mockcatalog serve`` (packaged fixtures) answers after launch, against a
minimal Flask app on the same server launched the same way, and what building an app costs once
openapi.yaml's schemas exist (they are built once per process, not per app, test or request).
Target: answering within 1 s of launch. Run: ``python bench/bench_startup.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests

from mockcatalog import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import HEADERS, SERVE, launched  # noqa: E402
from timing import median_seconds  # noqa: E402

MINIMAL = [
    sys.executable,
    "-c",
    "from flask import Flask\n"
    "from waitress.server import create_server\n"
    "app = Flask('minimal')\n"
    "app.add_url_rule('/batches', 'batches', lambda: {})\n"
    "server = create_server(app, host='127.0.0.1', port=0)\n"
    "print(f'serving on http://127.0.0.1:{server.effective_port}', flush=True)\n"
    "server.run()\n",
]


def seconds_to_answer(command: list[str]) -> float:
    """From launch until ``GET /batches`` answers 200."""
    started = time.perf_counter()
    with launched(command) as (_, url):
        response = requests.get(f"{url}/batches", headers=HEADERS, timeout=30)
        assert response.status_code == 200, response.text
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--launches", type=int, default=5)
    args = parser.parse_args()
    serve = statistics.median(seconds_to_answer(SERVE) for _ in range(args.launches))
    minimal = statistics.median(seconds_to_answer(MINIMAL) for _ in range(args.launches))
    started = time.perf_counter()
    create_app()
    first_app = time.perf_counter() - started
    next_app = median_seconds(create_app, 10)
    print(f"launch to first answer, median of {args.launches} launches")
    print(f"  mockcatalog serve          {serve:6.2f} s  [target <= 1 s]")
    print(f"  minimal Flask on waitress  {minimal:6.2f} s  ({serve / minimal:.1f}x)")
    print("create_app() in one process")
    print(f"  first (builds the schemas) {first_app * 1000:6.0f} ms")
    print(f"  later (schemas reused)     {next_app * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
