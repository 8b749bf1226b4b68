"""The batch lifecycle: which action a status allows, and when a completed batch finishes.

Nothing runs in the background. A completed batch carries a *run* (its files, when COMPLETE came,
how often it was polled); every read of batches first settles the runs that are due, so "when"
is decided by the policy below and the store's clock alone, and repeats exactly under a frozen
clock:

- immediately (the default): the batch has finished by the next read;
- after ``delay_ms``: ``staging`` for the first half, ``processing`` for the second, then final;
- after ``polls`` reads of the batch by id: ``staging`` until the first poll, then ``processing``,
  final on the ``polls``-th (this takes precedence over ``delay_ms``).
"""

from __future__ import annotations

from dataclasses import dataclass

from mockcatalog.errors import Conflict

LOADING, STAGING, PROCESSING = "loading", "staging", "processing"
SUCCESS, FAILED, ABORTED, INACTIVE = "success", "failed", "aborted", "inactive"

#: action -> {status it may be given in: status it leads to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "COMPLETE": {
        LOADING: STAGING,
        # a retried COMPLETE of an accepted batch changes nothing and answers 200 again
        STAGING: STAGING,
        PROCESSING: PROCESSING,
        SUCCESS: SUCCESS,
        "active": "active",
        FAILED: FAILED,
        "failure": "failure",
    },  # fmt: skip
    "ABORT": {LOADING: ABORTED},
    "FAIL": {LOADING: FAILED, STAGING: FAILED},
    "REVERT": {SUCCESS: INACTIVE, "active": INACTIVE},
}


def next_status(status: str, action: str) -> str:
    """The status ``action`` leads to from ``status``; a 409 naming both when it is not allowed."""
    allowed = TRANSITIONS[action]
    if status not in allowed:
        given_in = ", ".join(sorted({s for s in allowed if allowed[s] != s or action != "COMPLETE"}))
        raise Conflict(
            f"Cannot {action} a batch in status {status!r}; {action} applies to a batch that is {given_in}.",
            errors={"action": [f"Not allowed in status {status!r}."]},
        )
    return allowed[status]


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
