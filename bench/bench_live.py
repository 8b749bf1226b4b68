"""Live-server throughput and latency of ``GET /batches?limit=20`` on waitress, against a minimal
Flask app returning the same JSON bytes on the same server, measured in the same run with wrk
(16 keep-alive connections; server and load generator pinned to different cores with taskset).
Targets: >= 80% of the baseline's throughput, p99 within 1.5x of its p99.

Needs wrk (Debian: ``apt-get install wrk``) and taskset. Run: ``python bench/bench_live.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import HEADERS, SERVE, launched  # noqa: E402

BASELINE_APP = """
import sys
from flask import Flask
from waitress.server import create_server
body = open(sys.argv[1], "rb").read()
app = Flask("minimal")
app.add_url_rule("/batches", "batches", lambda: app.response_class(body, mimetype="application/json"))
server = create_server(app, host="127.0.0.1", port=0, threads=int(sys.argv[2]))
print(f"serving on http://127.0.0.1:{server.effective_port}", flush=True)
server.run()
"""


def wrk(url: str, seconds: int) -> tuple[float, float]:
    """(requests/s, p99 ms) from one wrk run on core 1."""
    lua = "wrk.headers = " + "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in HEADERS.items()) + "}\n"
    lua += "done = function(summary, latency, requests)\n"
    lua += '  io.write(string.format("P99 %f\\n", latency:percentile(99)))\nend\n'
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    output = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", "-c16", f"-d{seconds}s", "-s", script.name, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    Path(script.name).unlink()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99_us = float(re.search(r"P99 ([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return rate, p99_us / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads, for both servers")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("taskset"):
        sys.exit("needs wrk and taskset (apt-get install wrk util-linux)")
    with launched([*SERVE, "--threads", str(args.threads)], core=0) as (_, mock_url):
        body = requests.get(f"{mock_url}/batches?limit=20", headers=HEADERS, timeout=10).content
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as saved:
            saved.write(body)
        baseline_app = [sys.executable, "-c", BASELINE_APP, saved.name, str(args.threads)]
        with launched(baseline_app, core=0) as (_, baseline_url):
            results: dict[str, list[tuple[float, float]]] = {"mock": [], "baseline": []}
            for _ in range(args.runs):
                results["mock"].append(wrk(f"{mock_url}/batches?limit=20", args.seconds))
                results["baseline"].append(wrk(f"{baseline_url}/batches", args.seconds))
    summary = {
        name: (statistics.median(r for r, _ in runs), statistics.median(p for _, p in runs))
        for name, runs in results.items()
    }
    (mock_rate, mock_p99), (base_rate, base_p99) = summary["mock"], summary["baseline"]
    print(f"GET /batches?limit=20 ({len(body):,} bytes), wrk -c16, {args.runs} x {args.seconds} s (medians)")
    print(f"  {'':<18}{'req/s':>10}{'p99 ms':>10}")
    print(f"  {'mockcatalog':<18}{mock_rate:>10,.0f}{mock_p99:>10.1f}")
    print(f"  {'minimal Flask':<18}{base_rate:>10,.0f}{base_p99:>10.1f}")
    print(f"  throughput ratio {mock_rate / base_rate:>9.0%}  [target >= 80%]")
    print(f"  p99 ratio        {mock_p99 / base_p99:>9.2f}x  [target <= 1.5x]")
    print(json.dumps({"mock": summary["mock"], "baseline": summary["baseline"]}), file=sys.stderr)


if __name__ == "__main__":
    main()
