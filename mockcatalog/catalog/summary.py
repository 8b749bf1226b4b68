"""``ingestBatchSummary``: one object summarizing a dataset's batches.

The seeds name the fields (the ``batchResponse`` shape) but not how they are computed, so the mock
defines it here, in openapi.yaml (``BatchSummary``) and in the README:

- ``recordCount``, ``failedRecordCount``, ``size``: sums over the batches (missing counts as 0);
- ``created``: the earliest creation; ``updated``: the latest update;
- ``started``: the earliest start; ``completed``: the latest completion (absent if none has one);
- ``createdUser``, ``createdClient``, ``updatedUser``: those of the most recently created batch
  (the first in batch order when several share that time);
- ``errors``: the batches' errors, concatenated in batch order;
- ``availableDates``: from the earliest ``startDate`` to the latest ``endDate``;
- ``tags``: the batches' tags merged, values de-duplicated in first-seen order;
- ``metrics``: ``batchCount`` and one count per status;
- ``status``: ``inactive`` with no batch, else ``processing`` while any batch is unfinished, else
  ``failed`` when any failed or was aborted, else ``success``;
- ``imsOrg``, ``version``: the dataset's; ``relatedObjects``: the dataset.

A summary is always over a creation window, so a batch without ``created`` is never summarized.

Speed (bench/bench_scale.py): the figures come from :class:`BatchRows`, the batches as columns
sorted by creation. Cutting a window out of them is two bisections and list slices, and the sums,
minima and maxima run over those slices inside the interpreter's builtins, so a dataset's rows
(built once, then kept in step with each write to one of its batches: ``Collection.derived``)
answer any window in a fraction of the time a pass over the batch objects takes.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, TypeGuard

from mockcatalog.catalog.model import SETTLED, UNSUCCESSFUL
from mockcatalog.core.json import Json

WINDOW_MS = 7 * 24 * 60 * 60 * 1000
#: "Absent" in the columns reduced by min and by max: ints beyond the int64 that openapi.yaml
#: allows (not infinities: a column of one type compares faster).
_NONE_LOW, _NONE_HIGH = 1 << 80, -(1 << 80)
_COLUMNS = (
    "ids", "batches", "created", "updated", "started", "completed", "record_count", "failed_record_count",
    "size", "status", "start_date", "end_date",
)  # fmt: skip


def summarize(dataset_id: str, dataset: Json, batches: Sequence[Json]) -> Json:
    """Summarize ``batches`` (already chosen, in batch order) of the dataset ``dataset_id``."""
    return BatchRows((position, str(position), batch) for position, batch in enumerate(batches)).summary(
        dataset_id, dataset
    )


def window(created_after: int | None, created_before: int | None, now_ms: int) -> tuple[int, int | None]:
    """The summary's exclusive creation window: by default the seven days before ``createdBefore``
    (or before now); an explicit ``createdAfter`` replaces the lower bound."""
    if created_after is None:
        created_after = (created_before if created_before is not None else now_ms) - WINDOW_MS
    return created_after, created_before


def created_inside(batch: Json, created_after: int, created_before: int | None) -> bool:
    """Whether ``batch`` was created strictly inside the window."""
    created = batch.get("created")
    return (
        _is_int(created) and created > created_after and (created_before is None or created < created_before)
    )


def overall_status(statuses: Iterable[Any]) -> str:
    seen = [status for status in statuses if isinstance(status, str)]
    if not seen:
        return "inactive"
    if any(status not in SETTLED for status in seen):
        return "processing"
    if any(status in UNSUCCESSFUL for status in seen):
        return "failed"
    return "success"


class BatchRows:
    """What a summary reads of some batches: one column per figure, rows sorted by (``created``,
    position in batch order). :meth:`replace` keeps them so through writes, at the cost of a list
    insertion and deletion per column. Errors and tags are kept apart, by position, since they
    are order-sensitive and few batches have them. ``undated`` counts the batches left out for
    want of an integer ``created``.

    The same rows serve a list of one dataset's batches ordered by ``created``
    (:meth:`by_created`): the order is already there.
    """

    __slots__ = ("keys", "extras", "undated", *_COLUMNS)
    keys: list[tuple[int, int]]
    undated: int
    extras: dict[int, tuple[int, list[Json], dict[str, Any]]]  # position: (created, errors, tags)
    ids: list[str]
    batches: list[Json]
    created: list[int]
    updated: list[int]
    started: list[int]
    completed: list[int]
    record_count: list[int]
    failed_record_count: list[int]
    size: list[int]
    status: list[str | None]
    start_date: list[int]
    end_date: list[int]

    def __init__(self, placed: Iterable[tuple[int, str, Json]] = ()) -> None:
        """``placed``: (position, id, batch), position being the batch's place in batch order."""
        placed = list(placed)
        dated: list[tuple[int, int, str, Json]] = sorted(
            (
                (batch["created"], position, object_id, batch)
                for position, object_id, batch in placed
                if _is_int(batch.get("created"))
            ),
            key=itemgetter(0, 1),
        )
        self.undated = len(placed) - len(dated)
        self.keys = [(created, position) for created, position, _, _ in dated]
        rows = [_row(object_id, batch) for _, _, object_id, batch in dated]
        for name, column in zip(
            _COLUMNS, zip(*rows, strict=True) if rows else [()] * len(_COLUMNS), strict=True
        ):
            setattr(self, name, list(column))
        self.extras = {}
        for created, position, _, batch in dated:
            self._keep_extras(created, position, batch)

    def replace(self, position: int, object_id: str, old: Json | None, new: Json | None) -> None:
        """The batch ``object_id`` at ``position`` was ``old`` and is now ``new`` (None: not one
        of these)."""
        self.undated += (new is not None and not _is_int(new.get("created"))) - (
            old is not None and not _is_int(old.get("created"))
        )
        if old is not None and _is_int(old.get("created")):
            key = (old["created"], position)
            row = bisect.bisect_left(self.keys, key)
            if row < len(self.keys) and self.keys[row] == key:
                del self.keys[row]
                for name in _COLUMNS:
                    del getattr(self, name)[row]
            self.extras.pop(position, None)
        if new is not None and _is_int(new.get("created")):
            key = (new["created"], position)
            row = bisect.bisect_left(self.keys, key)
            self.keys.insert(row, key)
            for name, value in zip(_COLUMNS, _row(object_id, new), strict=True):
                getattr(self, name).insert(row, value)
            self._keep_extras(new["created"], position, new)

    def within(self, created_after: int, created_before: int | None) -> BatchRows:
        """The rows created strictly inside ``(created_after, created_before)``."""
        low = bisect.bisect_right(self.created, created_after)
        high = (
            len(self.created) if created_before is None else bisect.bisect_left(self.created, created_before)
        )
        if (low, high) == (0, len(self.created)):
            return self
        part = BatchRows()
        part.undated = self.undated
        for name in ("keys", *_COLUMNS):
            setattr(part, name, getattr(self, name)[low:high])
        part.extras = {
            position: extra
            for position, extra in self.extras.items()
            if extra[0] > created_after and (created_before is None or extra[0] < created_before)
        }
        return part

    def by_created(self, *, descending: bool) -> Iterator[tuple[str, Json]]:
        """(id, batch) in the order a stable sort by ``created`` gives (ties in batch order). The
        columns are copied now, so the result can be read after the lock guarding them is released."""
        return _in_created_order(self.ids[:], self.batches[:], self.created[:], descending)

    def summary(self, dataset_id: str, dataset: Json) -> Json:
        summary: Json = {"imsOrg": dataset.get("imsOrg", "")}
        count = len(self.batches)
        if count:
            newest = self.batches[bisect.bisect_left(self.created, self.created[-1])]
            summary["created"] = self.created[0]
            summary["updated"] = max(self.updated)
            for name in ("createdClient", "createdUser", "updatedUser"):
                if isinstance(newest.get(name), str):
                    summary[name] = newest[name]
        _set_if_present(summary, "started", min(self.started, default=_NONE_LOW))
        _set_if_present(summary, "completed", max(self.completed, default=_NONE_HIGH))
        statuses = Counter(self.status)
        statuses.pop(None, None)
        summary["status"] = overall_status(statuses)
        summary["recordCount"] = sum(self.record_count)
        summary["failedRecordCount"] = sum(self.failed_record_count)
        summary["size"] = sum(self.size)
        in_order = [extra for _, extra in sorted(self.extras.items())]
        summary["errors"] = list(itertools.chain.from_iterable(errors for _, errors, _ in in_order))
        summary["version"] = str(dataset.get("version", "1.0.0"))
        dates: Json = {}
        _set_if_present(dates, "startDate", min(self.start_date, default=_NONE_LOW))
        _set_if_present(dates, "endDate", max(self.end_date, default=_NONE_HIGH))
        if dates:
            summary["availableDates"] = dates
        summary["relatedObjects"] = [{"type": "dataSet", "id": dataset_id}]
        summary["metrics"] = {"batchCount": count, **dict(sorted(statuses.items()))}
        summary["tags"] = _merged_tags(tags for _, _, tags in in_order)
        return summary

    def _keep_extras(self, created: int, position: int, batch: Json) -> None:
        errors = [error for error in batch.get("errors") or () if isinstance(error, dict)]
        tags = batch.get("tags")
        if errors or (isinstance(tags, dict) and tags):
            self.extras[position] = (created, errors, tags if isinstance(tags, dict) else {})


def _row(object_id: str, batch: Json) -> tuple[Any, ...]:
    """One batch's values, in :data:`_COLUMNS` order."""
    created = batch["created"]
    dates = batch.get("availableDates")
    if not isinstance(dates, dict):
        dates = {}
    return (
        object_id,
        batch,
        created,
        _int_or(batch.get("updated"), created),
        _int_or(batch.get("started"), _NONE_LOW),
        _int_or(batch.get("completed"), _NONE_HIGH),
        _int_or(batch.get("recordCount"), 0),
        _int_or(batch.get("failedRecordCount"), 0),
        _int_or(batch.get("size"), 0),
        batch.get("status") if isinstance(batch.get("status"), str) else None,
        _int_or(dates.get("startDate"), _NONE_LOW),
        _int_or(dates.get("endDate"), _NONE_HIGH),
    )


def _in_created_order(
    ids: list[str], batches: list[Json], created: list[int], descending: bool
) -> Iterator[tuple[str, Json]]:
    if not descending:
        yield from zip(ids, batches, strict=True)
        return
    end = len(created)
    while end:  # runs of equal ``created``, newest first, each in batch order
        start = bisect.bisect_left(created, created[end - 1], 0, end)
        yield from zip(ids[start:end], batches[start:end], strict=True)
        end = start


def _merged_tags(all_tags: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for tags in all_tags:
        for namespace, values in tags.items():
            bucket = merged.setdefault(namespace, [])
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and value not in bucket:
                    bucket.append(value)
    return merged


def _set_if_present(target: Json, name: str, value: int) -> None:
    if value not in (_NONE_LOW, _NONE_HIGH):
        target[name] = value


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_or(value: Any, default: Any) -> Any:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
