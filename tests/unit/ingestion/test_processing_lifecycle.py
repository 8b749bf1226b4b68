"""The batch state machine, as a table, and when processing finishes."""

from __future__ import annotations

import pytest

from mockcatalog.core.errors import BadRequest
from mockcatalog.ingestion.processing import ProcessingPolicy, next_status

ALLOWED = [
    ("loading", "COMPLETE", "staging"),
    ("staging", "COMPLETE", "staging"),
    ("processing", "COMPLETE", "processing"),
    ("success", "COMPLETE", "success"),
    ("failed", "COMPLETE", "failed"),
    ("loading", "ABORT", "aborted"),
    # both ingestion guides: a batch can be cancelled while it is processing
    ("staging", "ABORT", "aborted"),
    ("processing", "ABORT", "aborted"),
    ("retrying", "ABORT", "aborted"),
    # the troubleshooting guides: a retried COMPLETE of an accepted batch answers success
    ("queued", "COMPLETE", "queued"),
    ("retrying", "COMPLETE", "retrying"),
    ("stalled", "COMPLETE", "stalled"),
    ("loaded", "COMPLETE", "loaded"),
    ("loading", "FAIL", "failed"),
    ("staging", "FAIL", "failed"),
    ("success", "REVERT", "inactive"),
    ("active", "REVERT", "inactive"),
]
REFUSED = [
    ("aborted", "COMPLETE"),
    ("inactive", "COMPLETE"),
    ("archived", "COMPLETE"),
    ("loaded", "ABORT"),  # the state table: no cancel once loaded
    ("success", "ABORT"),
    ("failed", "ABORT"),
    ("success", "FAIL"),
    ("aborted", "FAIL"),
    ("loading", "REVERT"),
    ("failed", "REVERT"),
]


@pytest.mark.parametrize(("status", "action", "after"), ALLOWED)
def test_allowed_transitions(status: str, action: str, after: str) -> None:
    assert next_status(status, action) == after


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_refused_transitions_are_400s_naming_the_status(status: str, action: str) -> None:
    with pytest.raises(BadRequest) as raised:
        next_status(status, action)
    assert repr(status) in raised.value.detail and action in raised.value.detail


def test_immediate_processing_is_due_at_once() -> None:
    assert ProcessingPolicy().pending_status(completed_at=1000, polls=0, now_ms=1000) is None
    assert ProcessingPolicy().finish_time(1000, 1500) == 1500


def test_delayed_processing_stages_then_processes_then_finishes_on_time() -> None:
    policy = ProcessingPolicy(delay_ms=2000)
    assert policy.pending_status(1000, 0, 1500) == "staging"
    assert policy.pending_status(1000, 0, 2500) == "processing"
    assert policy.pending_status(1000, 0, 3000) is None
    assert policy.finish_time(1000, 9999) == 3000  # exact, however late it is read


def test_polled_processing_finishes_on_the_nth_poll() -> None:
    policy = ProcessingPolicy(delay_ms=10_000, polls=3)
    assert [policy.pending_status(0, polls, 0) for polls in range(4)] == [
        "staging",
        "processing",
        "processing",
        None,
    ]
