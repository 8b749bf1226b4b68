"""A batch's processing: which action a status allows, and when a completed batch finishes (what
reading its files finds is :mod:`mockcatalog.ingestion.reading`'s).

Nothing runs in the background. COMPLETE reads the files at once (outside any lock) and keeps the
:class:`Outcome` with the batch's *run*; reads of the tenant then settle the runs that are due, so
"when" is decided by the policy below and the mock's clock alone, and repeats exactly under a
frozen clock:

- immediately (the default): the batch has finished by the next read;
- after ``delay_ms``: ``staging`` for the first half, ``processing`` for the second, then final;
- after ``polls`` reads of the batch by id: ``staging`` until the first poll, then ``processing``,
  final on the ``polls``-th (this takes precedence over ``delay_ms``).
"""

from __future__ import annotations

from dataclasses import dataclass

from mockcatalog.catalog.model import (
    BatchStatus,
)
from mockcatalog.core.errors import BadRequest

LOADING, STAGING, PROCESSING = BatchStatus.LOADING, BatchStatus.STAGING, BatchStatus.PROCESSING
SUCCESS, FAILED, ABORTED, INACTIVE = (
    BatchStatus.SUCCESS, BatchStatus.FAILED, BatchStatus.ABORTED, BatchStatus.INACTIVE,
)  # fmt: skip

# --- the state machine ------------------------------------------------------------------------

#: action -> {status it may be given in: status it leads to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "COMPLETE": {
        LOADING: STAGING,
        # a retried COMPLETE of an accepted batch changes nothing and answers 200 again
        STAGING: STAGING,
        PROCESSING: PROCESSING,
        SUCCESS: SUCCESS,
        BatchStatus.ACTIVE: BatchStatus.ACTIVE,
        FAILED: FAILED,
        BatchStatus.FAILURE: BatchStatus.FAILURE,
        # statuses a batch reaches after its producer signalled completion (the troubleshooting
        # guides: retrying COMPLETE is safe, and answers success once the batch was accepted)
        BatchStatus.QUEUED: BatchStatus.QUEUED,
        BatchStatus.RETRYING: BatchStatus.RETRYING,
        BatchStatus.STALLED: BatchStatus.STALLED,
        BatchStatus.STAGED: BatchStatus.STAGED,
        BatchStatus.LOADED: BatchStatus.LOADED,
    },  # fmt: skip
    # Both ingestion guides: a batch may be cancelled while it is processing, not once it is final.
    # (Their state table has no cancel after ``loaded``, so a loaded batch is not cancelled.)
    "ABORT": {
        status: ABORTED
        for status in (
            LOADING,
            STAGING,
            PROCESSING,
            BatchStatus.QUEUED,
            BatchStatus.RETRYING,
            BatchStatus.STALLED,
            BatchStatus.STAGED,
        )
    },  # fmt: skip
    "FAIL": {LOADING: FAILED, STAGING: FAILED},
    "REVERT": {SUCCESS: INACTIVE, BatchStatus.ACTIVE: INACTIVE},
}


def next_status(status: str, action: str) -> str:
    """The status ``action`` leads to from ``status``; a 400 naming both when it is not allowed
    (Adobe's ingestion spec documents 400 for an action the batch cannot take, and no 409)."""
    allowed = TRANSITIONS[action]
    if status not in allowed:
        given_in = ", ".join(sorted({s for s in allowed if allowed[s] != s or action != "COMPLETE"}))
        raise BadRequest(
            f"Cannot {action} a batch in status {status!r}; {action} applies to a batch that is {given_in}.",
            errors={"action": [f"Not allowed in status {status!r}."]},
        )
    return str(allowed[status])


# --- timing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessingPolicy:
    delay_ms: int = 0
    polls: int = 0

    def pending_status(self, completed_at: int, polls: int, now_ms: int) -> str | None:
        """``staging``/``processing`` while the run is not due yet; None once it is."""
        if self.polls:
            return None if polls >= self.polls else (STAGING if polls == 0 else PROCESSING)
        if self.delay_ms and now_ms < completed_at + self.delay_ms:
            return STAGING if now_ms < completed_at + self.delay_ms / 2 else PROCESSING
        return None

    def finish_time(self, completed_at: int, now_ms: int) -> int:
        """When processing ended: at the end of the delay (so repeats are exact), else now."""
        return completed_at + self.delay_ms if self.delay_ms and not self.polls else now_ms


class PolicySetting:
    """The policy in force: configured at start, changed by a test or the admin API, back to the
    configured one on reset. Shared by the control plane (which changes it) and ingestion (which
    reads it); replacing one frozen value is atomic, so no reader sees half a change."""

    def __init__(self, initial: ProcessingPolicy | None = None) -> None:
        self.initial = initial or ProcessingPolicy()
        self.current = self.initial

    def reset(self) -> None:
        self.current = self.initial
