"""The store's notion of now, in Unix milliseconds, so that tests can pin it."""

from __future__ import annotations

import time


class Clock:
    """Wall-clock time, or a fixed instant when ``frozen_ms`` is given."""

    def __init__(self, frozen_ms: int | None = None) -> None:
        self.frozen_ms = frozen_ms

    def now_ms(self) -> int:
        return self.frozen_ms if self.frozen_ms is not None else time.time_ns() // 1_000_000
