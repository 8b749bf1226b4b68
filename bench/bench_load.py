"""Mixed concurrent load on `mockcatalog serve` (waitress): throughput, latency, and consistency.

Starts the standalone server on 127.0.0.1, runs ``load_mix`` (create, list, read, optimistic
update) from many client threads, and prints requests, errors, lost writes and updates, and p50/p99
latency, as the median of several runs. Run: ``python bench/bench_load.py`` (--clients, --rounds,
--runs to change the size). The load generator shares the machine's two cores with the server, so
the figures are a floor, not a ceiling.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_mix import LoadReport, run_mixed_load  # noqa: E402
from serving import HEADERS, SERVE, launched  # noqa: E402


def one_run(clients: int, rounds: int, threads: int) -> LoadReport:
    with launched([*SERVE, "--threads", str(threads)]) as (_, url):
        return run_mixed_load(url, HEADERS, clients=clients, rounds=rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    args = parser.parse_args()
    reports = [one_run(args.clients, args.rounds, args.threads) for _ in range(args.runs)]
    median = statistics.median
    print(f"{args.clients} clients x {args.rounds} rounds, {args.runs} runs (medians):")
    print(f"  requests           {median(r.requests for r in reports):>10,.0f}")
    print(f"  requests/s         {median(r.requests / r.seconds for r in reports):>10,.0f}")
    print(f"  5xx answers        {max(r.server_errors for r in reports):>10}  (worst run)")
    print(f"  412 retries        {median(r.statuses[412] for r in reports):>10,.0f}")
    print(
        f"  lost/dup writes    {max(r.lost_writes + r.duplicated_writes for r in reports):>10}  (worst run)"
    )
    print(f"  lost updates       {max(r.lost_updates + r.version_drift for r in reports):>10}  (worst run)")
    print(f"  torn reads         {max(r.torn_reads for r in reports):>10}  (worst run)")
    print(f"  p50 latency        {median(r.p50 for r in reports):>10.1f} ms")
    print(f"  p99 latency        {median(r.p99 for r in reports):>10.1f} ms")
    if not all(report.consistent for report in reports):
        sys.exit("inconsistent: see above")


if __name__ == "__main__":
    main()
