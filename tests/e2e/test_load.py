"""Under concurrent load, the standalone server (waitress) answers no 5xx and loses nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ..conftest import make_credentials
from .conftest import Serve

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from load_mix import run_mixed_load  # noqa: E402  (the same mix the benchmark runs, smaller)

pytestmark = pytest.mark.e2e


def test_mixed_concurrent_reads_and_writes_stay_consistent(serve: Serve) -> None:
    url = serve("--threads", "8")
    report = run_mixed_load(url, make_credentials(), clients=8, rounds=6)
    assert report.requests > 8 * 6 * 4
    assert report.server_errors == 0, report.statuses
    assert len(report.created) == 8 * 6 and report.lost_writes == 0 and report.duplicated_writes == 0
    assert len(report.tagged) == 8 * 6 and report.lost_updates == 0 and report.version_drift == 0
    assert report.torn_reads == 0 and report.consistent
