"""Assertions on the journal: "POST /batches was called once with datasetId X", in one line.

A failed assertion explains itself: it lists the requests that came closest (same operation first,
then same method) and, for each, which criterion it missed, as responses' matchers do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockcatalog.contract.operation_names import without_base_path
from mockcatalog.control.journal import RecordedRequest


@dataclass(frozen=True)
class Criteria:
    """What a request must look like; every given part must match, ``None`` means any."""

    operation: str  # "POST /batches" (as the journal labels it), a concrete "GET /batches/01H...", or "*"
    json: Any = None  # a subset of the JSON body (objects compared key by key, recursively)
    query: Mapping[str, Any] | None = None  # parameter -> value or list of values
    headers: Mapping[str, str] | None = None  # case-insensitive names
    status: int | None = None

    def names(self, entry: RecordedRequest) -> bool:
        """Whether ``entry`` is a request of :attr:`operation`."""
        if self.operation in ("*", entry.operation, f"{entry.method} {entry.path}"):
            return True
        return self.operation == f"{entry.method} {without_base_path(entry.path)}"

    def misses(self, entry: RecordedRequest) -> list[str]:
        """Why ``entry`` does not match; empty when it does."""
        reasons: list[str] = []
        if not self.names(entry):
            reasons.append(f"operation is {entry.operation or entry.method + ' ' + entry.path}")
        if self.json is not None and not _contains(entry.body, self.json):
            reasons.append(f"body {_diff(entry.body, self.json)}")
        for name, wanted in (self.query or {}).items():
            wanted_values = [str(v) for v in (wanted if isinstance(wanted, list | tuple) else [wanted])]
            if entry.query.get(name) != wanted_values:
                reasons.append(f"query {name}={entry.query.get(name)} (wanted {wanted_values})")
        sent = {name.lower(): value for name, value in entry.headers.items()}
        for name, wanted in (self.headers or {}).items():
            if sent.get(name.lower()) != wanted:
                reasons.append(f"header {name}: {sent.get(name.lower())!r} (wanted {wanted!r})")
        if self.status is not None and entry.status != self.status:
            reasons.append(f"status {entry.status} (wanted {self.status})")
        return reasons

    def describe(self) -> str:
        parts = [self.operation]
        if self.json is not None:
            parts.append(f"json ⊇ {self.json!r}")
        if self.query:
            parts.append(f"query {dict(self.query)!r}")
        if self.headers:
            parts.append(f"headers {dict(self.headers)!r}")
        if self.status is not None:
            parts.append(f"status {self.status}")
        return ", ".join(parts)


def matching(entries: Sequence[RecordedRequest], criteria: Criteria) -> list[RecordedRequest]:
    return [entry for entry in entries if not criteria.misses(entry)]


def assert_called(
    entries: Sequence[RecordedRequest], criteria: Criteria, times: int | None = None
) -> list[RecordedRequest]:
    """The matching requests; AssertionError with the near misses when there are none (or not ``times``)."""
    __tracebackhide__ = True
    found = matching(entries, criteria)
    if (times is None and found) or (times is not None and len(found) == times):
        return found
    if times == 0:
        lines = [
            f"Expected no request matching {criteria.describe()}; {len(found)} of {len(entries)} matched:"
        ]
        lines.extend(f"  {entry.describe()}" for entry in found)
        raise AssertionError("\n".join(lines))
    expected = "at least once" if times is None else f"{times} time(s)"
    message = [
        f"Expected {criteria.describe()} {expected}; it matched {len(found)} of {len(entries)} request(s)."
    ]
    misses = near_misses(entries, criteria)
    if misses:
        message.append("Closest requests the mock received:")
        message.extend(
            f"  {entry.describe()}\n    differs: {'; '.join(reasons) or 'matches'}"
            for entry, reasons in misses
        )
    else:
        message.append("The mock received no requests.")
    raise AssertionError("\n".join(message))


def near_misses(
    entries: Sequence[RecordedRequest], criteria: Criteria, count: int = 3
) -> list[tuple[RecordedRequest, list[str]]]:
    method = criteria.operation.split(" ", 1)[0]

    def closeness(item: tuple[int, RecordedRequest]) -> tuple[bool, bool, int, int]:
        """Same operation first, then same method, then fewest misses, then the newest."""
        index, entry = item
        same_operation = criteria.names(entry)
        return (not same_operation, entry.method != method, len(criteria.misses(entry)), -index)

    ranked = sorted(enumerate(entries), key=closeness)[:count]
    return [(entry, criteria.misses(entry)) for _, entry in ranked]


def _contains(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and _contains(actual[key], value) for key, value in wanted.items()
        )
    return bool(actual == wanted)


def _diff(actual: Any, wanted: Any, path: str = "") -> str:
    if isinstance(wanted, Mapping) and isinstance(actual, Mapping):
        for key, value in wanted.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                return f"{where} is missing"
            if not _contains(actual[key], value):
                return _diff(actual[key], value, where)
    return f"{path or 'body'} is {actual!r}, wanted {wanted!r}"
