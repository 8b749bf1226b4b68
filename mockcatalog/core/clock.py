"""The store's notion of now, in Unix milliseconds, so that tests can pin it and move it.

Frozen, time stands still (timestamps and summaries repeat exactly from run to run); either way
``advance`` moves it forward, which is how a test makes a delayed batch finish without sleeping.
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Wall-clock time, or a fixed instant when ``frozen_ms`` is given, plus any advance."""

    def __init__(self, frozen_ms: int | None = None) -> None:
        self._initial = frozen_ms
        self._frozen = frozen_ms
        self._offset = 0
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        base = self._frozen if self._frozen is not None else time.time_ns() // 1_000_000
        return base + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def freeze(self, at_ms: int | None = None) -> int:
        """Stop time at ``at_ms`` (default: now); returns the frozen instant."""
        with self._lock:
            self._frozen = at_ms if at_ms is not None else self.now_ms()
            self._offset = 0
            return self._frozen

    def unfreeze(self) -> None:
        with self._lock:
            self._frozen, self._offset = None, 0

    def advance(self, ms: int) -> int:
        """Move time forward by ``ms``; returns the new now."""
        if ms < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += ms
            return self.now_ms()

    def reset(self) -> None:
        """Back to how it was configured (frozen at its start instant, or wall-clock time)."""
        with self._lock:
            self._frozen, self._offset = self._initial, 0
