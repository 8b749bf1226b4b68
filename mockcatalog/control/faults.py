"""Fault and latency injection, so consumers can test their retry and timeout code.

A :class:`Fault` names an operation (``"POST /batches"``, an operation id, or ``"*"``) and what to
do instead of, or before, answering: a status and body (500, 503, 429 with ``Retry-After``, ...), a
delay, or dropping the connection. It fires for the next ``times`` matching calls (``None``: every
call), each with ``probability`` drawn from its own seeded random generator, so a fraction of calls
fails the same way on every run. Faults are checked before credentials and validation, as a failing
gateway or backend would answer before looking at the request.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from mockcatalog.core.errors import error_body

MAX_ACTIVE_FAULTS = 1000
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_PRINTABLE = re.compile(r"[ -~]*")


@dataclass
class Fault:
    operation: str = "*"
    status: int | None = 503  # None: answer normally (after ``delay``)
    body: Any = None  # default: the mock's JSON error body for ``status``
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = 1
    probability: float = 1.0
    seed: int | None = 0
    delay: float = 0.0  # seconds
    drop: bool = False  # close the connection instead of answering
    id: int = 0
    fired: int = 0
    #: the operation id ``operation`` names, once the control plane has checked the name
    resolved_id: str | None = field(default=None, compare=False)
    _random: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP status (100 to 599), not {self.status}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability must be between 0 and 1, not {self.probability}")
        if self.times is not None and self.times < 1:
            raise ValueError(f"times must be at least 1 (or null for every call), not {self.times}")
        if self.delay < 0:
            raise ValueError(f"delay must not be negative, not {self.delay}")
        for name, value in self.headers.items():
            if not _TOKEN.fullmatch(name) or not _PRINTABLE.fullmatch(value):
                raise ValueError(
                    f"header {name!r}: {value!r} cannot be sent (names: HTTP tokens; values: ASCII)"
                )
        self._random = random.Random(self.seed)

    def applies_to(self, label: str, operation_id: str) -> bool:
        return self.operation in ("*", label, operation_id) or self.resolved_id == operation_id

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def response_body(self) -> Any:
        if self.body is not None:
            return self.body
        assert self.status is not None
        return error_body(self.status, f"Injected fault ({self.status}) for {self.operation}.")

    @classmethod
    def from_wire(cls, body: dict[str, Any]) -> Fault:
        """A fault as the admin API describes it: durations in milliseconds, named so (``delayMs``);
        in Python they are seconds (``delay``). One that gives a delay and nothing to answer instead
        (no ``status``, ``body``, ``headers`` or ``drop``) is a delay, with the defaults of
        Python's ``delay()``: it answers normally, late, until cleared."""
        fields = dict(body)
        delay_ms = fields.pop("delayMs", 0)
        if delay_ms and not fields.keys() & {"status", "body", "headers"} and not fields.get("drop"):
            fields = {"status": None, "times": None, **fields}
        return cls(**fields, delay=delay_ms / 1000)

    def to_dict(self) -> dict[str, Any]:
        """As the admin API shows it (durations in milliseconds)."""
        return {
            "id": self.id, "operation": self.operation, "status": self.status, "body": self.body,
            "headers": self.headers, "times": self.times, "probability": self.probability,
            "seed": self.seed, "delayMs": round(self.delay * 1000), "drop": self.drop, "fired": self.fired,
        }  # fmt: skip


class Faults:
    """The active faults, in the order they were added; the first that applies fires."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        """Activate ``fault``; a ValueError past :data:`MAX_ACTIVE_FAULTS` active ones."""
        with self._lock:
            self._faults = [kept for kept in self._faults if not kept.exhausted]
            if len(self._faults) >= MAX_ACTIVE_FAULTS:
                raise ValueError(
                    f"at most {MAX_ACTIVE_FAULTS} faults may be active at once; clear some first"
                )
            fault.id = self._next_id
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def take(self, label: str, operation_id: str) -> Fault | None:
        """The fault that fires for this call, if any (counting it as fired)."""
        if not self._faults:  # the common case, without taking the lock
            return None
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or not fault.applies_to(label, operation_id):
                    continue
                if fault.probability < 1.0 and fault._random.random() >= fault.probability:
                    continue
                fault.fired += 1
                if fault.exhausted:  # done: the common case (no fault) goes lock-free again
                    self._faults.remove(fault)
                return fault
            return None

    def active(self) -> list[Fault]:
        with self._lock:
            return [fault for fault in self._faults if not fault.exhausted]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
