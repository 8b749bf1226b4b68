"""Which parts of openapi.yaml a test session exercised: operations, parameters, status codes.

Counted as requests arrive (only requests that matched an operation); reported against what the
spec declares, so that "never exercised" lists are what a consumer's suite has not yet tried.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Iterable
from typing import Any

from mockcatalog.contract.spec import Spec

FOLD_EVERY = 1000
UNKNOWN = "(undocumented)"  # the one name every undocumented parameter is counted under
#: Statuses the mock never answers on its own (only when a fault injects them, or, for 500, on a bug
#: of its own): listed as seen when they were, never as "never answered", which no request can change.
ONLY_BY_FAULTS = frozenset({"500", "503"})


class ContractCoverage:
    def __init__(self, spec: Spec) -> None:
        self._spec = spec
        #: per operation, the parameter names it declares: only these are kept by name
        self._declared = {
            op_id: frozenset(p.name for p in operation.parameters)
            for op_id, operation in spec.operations.items()
        }
        self._calls: Counter[str] = Counter()
        self._parameters: dict[str, set[str]] = {}
        self._statuses: dict[str, set[str]] = {}
        #: calls not yet counted: recording is on every request's path, so it only appends (atomic
        #: under the GIL, no lock); the counting happens on reports, or every FOLD_EVERY calls.
        self._pending: deque[tuple[str, Iterable[str], int]] = deque()
        self._lock = threading.Lock()

    def record(self, operation_id: str, parameters: Iterable[str], status: int) -> None:
        self._pending.append((operation_id, parameters, status))
        if len(self._pending) >= FOLD_EVERY:
            self._fold()

    def _fold(self) -> None:
        with self._lock:
            while self._pending:
                operation_id, parameters, status = self._pending.popleft()
                self._calls[operation_id] += 1
                declared = self._declared.get(operation_id, frozenset())
                kept = self._parameters.setdefault(operation_id, set())
                for name in parameters:  # a client's made-up names share one bucket: memory stays bounded
                    kept.add(name if name in declared else UNKNOWN)
                self._statuses.setdefault(operation_id, set()).add(str(status))

    def report(self) -> dict[str, Any]:
        """Per operation (keyed ``"GET /batches"``): calls, parameters and statuses used and not."""
        operations: dict[str, Any] = {}
        self._fold()
        with self._lock:
            for operation_id, operation in self._spec.operations.items():
                declared_params = [p.name for p in operation.parameters]
                declared_statuses = [code for code in operation.raw.get("responses", {}) if code != "default"]
                used_params = self._parameters.get(operation_id, set())
                seen = self._statuses.get(operation_id, set())
                operations[operation.label] = {
                    "calls": self._calls[operation_id],
                    "parameters": {
                        "used": [name for name in declared_params if name in used_params],
                        "unused": [name for name in declared_params if name not in used_params],
                    },
                    "statuses": {
                        "seen": sorted(seen),
                        "unseen": [
                            code
                            for code in declared_statuses
                            if code not in seen and code not in ONLY_BY_FAULTS
                        ],
                    },
                }
        exercised = sum(1 for entry in operations.values() if entry["calls"])
        return {"operations": operations, "exercised": exercised, "total": len(operations)}


def render_coverage(report: dict[str, Any]) -> str:
    lines = [
        f"mockcatalog contract coverage: {report['exercised']} of {report['total']} operations exercised"
    ]
    for label, entry in report["operations"].items():
        if not entry["calls"]:
            lines.append(f"  {label}: never called")
            continue
        lines.append(
            f"  {label}: {entry['calls']} call(s), statuses seen {', '.join(entry['statuses']['seen'])}"
        )
        if entry["parameters"]["unused"]:
            lines.append(f"    parameters never sent: {', '.join(entry['parameters']['unused'])}")
        if entry["statuses"]["unseen"]:
            lines.append(f"    statuses never answered: {', '.join(entry['statuses']['unseen'])}")
    return "\n".join(lines)


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report from several (pytest-xdist workers each count their own requests): calls added,
    what any report used or saw counts as used or seen."""
    merged: dict[str, Any] = {}
    for label, first in reports[0]["operations"].items():
        entries = [report["operations"][label] for report in reports]
        declared = [*first["parameters"]["used"], *first["parameters"]["unused"]]
        unused = [name for name in declared if all(name in e["parameters"]["unused"] for e in entries)]
        seen = sorted({status for e in entries for status in e["statuses"]["seen"]})
        merged[label] = {
            "calls": sum(e["calls"] for e in entries),
            "parameters": {"used": [name for name in declared if name not in unused], "unused": unused},
            "statuses": {
                "seen": seen,
                "unseen": [status for status in first["statuses"]["unseen"] if status not in seen],
            },
        }
    exercised = sum(1 for entry in merged.values() if entry["calls"])
    return {"operations": merged, "exercised": exercised, "total": len(merged)}
