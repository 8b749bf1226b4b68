"""``ingestBatchSummary``: one object summarizing a dataset's batches.

The seeds name the fields (the ``batchResponse`` shape) but not how they are computed, so the mock
defines it here, in openapi.yaml (``BatchSummary``) and in the README:

- ``recordCount``, ``failedRecordCount``, ``size``: sums over the batches (missing counts as 0);
- ``created``: the earliest creation; ``updated``: the latest update;
- ``started``: the earliest start; ``completed``: the latest completion (absent if none has one);
- ``createdUser``, ``createdClient``, ``updatedUser``: those of the most recently created batch;
- ``errors``: the batches' errors, concatenated in batch order;
- ``availableDates``: from the earliest ``startDate`` to the latest ``endDate``;
- ``tags``: the batches' tags merged, values de-duplicated in first-seen order;
- ``metrics``: ``batchCount`` and one count per status;
- ``status``: ``inactive`` with no batch, else ``processing`` while any batch is unfinished, else
  ``failed`` when any failed or was aborted, else ``success``;
- ``imsOrg``, ``version``: the dataset's; ``relatedObjects``: the dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Json = dict[str, Any]

SUCCEEDED = frozenset({"success", "active"})
FAILED = frozenset({"failed", "failure", "aborted", "abandoned"})
#: Statuses after which a batch changes no more on its own (reverted and deleted included).
FINISHED = SUCCEEDED | FAILED | frozenset({"inactive", "deleted"})
WINDOW_MS = 7 * 24 * 60 * 60 * 1000


def summarize(dataset_id: str, dataset: Json, batches: Sequence[Json]) -> Json:
    """Summarize ``batches`` (already chosen and ordered) of the dataset ``dataset_id``."""
    summary: Json = {"imsOrg": dataset.get("imsOrg", "")}
    if batches:
        newest = max(batches, key=lambda batch: _int(batch.get("created")))
        summary["created"] = min(_int(batch.get("created")) for batch in batches)
        summary["updated"] = max(_int(batch.get("updated", batch.get("created"))) for batch in batches)
        for name in ("createdClient", "createdUser", "updatedUser"):
            if isinstance(newest.get(name), str):
                summary[name] = newest[name]
    _set_extreme(summary, "started", min, (batch.get("started") for batch in batches))
    _set_extreme(summary, "completed", max, (batch.get("completed") for batch in batches))
    summary["status"] = overall_status(batch.get("status") for batch in batches)
    for name in ("recordCount", "failedRecordCount", "size"):
        summary[name] = sum(_int(batch.get(name)) for batch in batches)
    summary["errors"] = [
        error for batch in batches for error in batch.get("errors") or () if isinstance(error, dict)
    ]
    summary["version"] = str(dataset.get("version", "1.0.0"))
    dates = _available_dates(batches)
    if dates:
        summary["availableDates"] = dates
    summary["relatedObjects"] = [{"type": "dataSet", "id": dataset_id}]
    summary["metrics"] = _status_counts(batches)
    summary["tags"] = _merged_tags(batches)
    return summary


def window(created_after: int | None, created_before: int | None, now_ms: int) -> tuple[int, int | None]:
    """The summary's exclusive creation window: by default the seven days before ``createdBefore``
    (or before now); an explicit ``createdAfter`` replaces the lower bound."""
    if created_after is None:
        created_after = (created_before if created_before is not None else now_ms) - WINDOW_MS
    return created_after, created_before


def overall_status(statuses: Iterable[Any]) -> str:
    seen = [status for status in statuses if isinstance(status, str)]
    if not seen:
        return "inactive"
    if any(status not in FINISHED for status in seen):
        return "processing"
    if any(status in FAILED for status in seen):
        return "failed"
    return "success"


def _status_counts(batches: Sequence[Json]) -> dict[str, int]:
    counts = {"batchCount": len(batches)}
    for batch in batches:
        status = batch.get("status")
        if isinstance(status, str):
            counts[status] = counts.get(status, 0) + 1
    return counts


def _available_dates(batches: Sequence[Json]) -> Json:
    windows = [batch["availableDates"] for batch in batches if isinstance(batch.get("availableDates"), dict)]
    dates: Json = {}
    _set_extreme(dates, "startDate", min, (window.get("startDate") for window in windows))
    _set_extreme(dates, "endDate", max, (window.get("endDate") for window in windows))
    return dates


def _merged_tags(batches: Sequence[Json]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for batch in batches:
        tags = batch.get("tags")
        if not isinstance(tags, dict):
            continue
        for namespace, values in tags.items():
            bucket = merged.setdefault(namespace, [])
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and value not in bucket:
                    bucket.append(value)
    return merged


def _set_extreme(target: Json, name: str, pick: Any, values: Iterable[Any]) -> None:
    numbers = [value for value in values if isinstance(value, int) and not isinstance(value, bool)]
    if numbers:
        target[name] = pick(numbers)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
