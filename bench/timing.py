"""The one way the benchmarks time a call: the median of many runs, in seconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(
    call: Callable[[], object], runs: int, *, before: Callable[[], object] | None = None
) -> float:
    """The median time of ``call``; ``before`` (untimed) runs ahead of each call."""
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)
