"""How ingestBatchSummary aggregates batches, and its default window."""

from __future__ import annotations

import pytest

from mockcatalog.summary import WINDOW_MS, overall_status, summarize, window

DATASET = {"imsOrg": "ORG@AdobeOrg", "version": "1.0.3"}
BATCHES = [
    {
        "status": "success",
        "created": 10,
        "updated": 50,
        "started": 12,
        "completed": 40,
        "recordCount": 5,
        "failedRecordCount": 0,
        "size": 100,
        "createdUser": "old",
        "tags": {"ns": ["a"]},
        "availableDates": {"startDate": 1, "endDate": 3},
    },
    {
        "status": "failed",
        "created": 20,
        "updated": 30,
        "started": 21,
        "completed": 29,
        "recordCount": 0,
        "failedRecordCount": 7,
        "size": 10,
        "createdUser": "new",
        "tags": {"ns": ["a", "b"]},
        "errors": [{"code": "106", "description": "Dataset file is empty.", "rows": []}],
        "availableDates": {"startDate": 2, "endDate": 9},
    },
    {"status": "loading", "created": 15},
]


def test_figures_are_sums_and_extremes() -> None:
    summary = summarize("ds1", DATASET, BATCHES)
    assert summary["recordCount"] == 5 and summary["failedRecordCount"] == 7 and summary["size"] == 110
    assert (summary["created"], summary["updated"]) == (10, 50)
    assert (summary["started"], summary["completed"]) == (12, 40)
    assert summary["createdUser"] == "new"
    assert summary["availableDates"] == {"startDate": 1, "endDate": 9}
    assert summary["tags"] == {"ns": ["a", "b"]}
    assert summary["errors"] == BATCHES[1]["errors"]
    assert summary["metrics"] == {"batchCount": 3, "success": 1, "failed": 1, "loading": 1}
    assert summary["relatedObjects"] == [{"type": "dataSet", "id": "ds1"}]
    assert (summary["imsOrg"], summary["version"]) == ("ORG@AdobeOrg", "1.0.3")
    assert summary["status"] == "processing"


def test_an_empty_window_is_inactive_with_zero_figures() -> None:
    summary = summarize("ds1", DATASET, [])
    assert summary["status"] == "inactive"
    assert summary["recordCount"] == 0 and summary["metrics"] == {"batchCount": 0}
    assert "started" not in summary and "created" not in summary


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "inactive"),
        (["success", "active"], "success"),
        (["success", "failed"], "failed"),
        (["success", "aborted"], "failed"),
        (["failed", "staging"], "processing"),
        (["success", "inactive"], "success"),
    ],
)
def test_overall_status(statuses: list[str], expected: str) -> None:
    assert overall_status(statuses) == expected


def test_default_window_is_seven_days_before_the_upper_bound_or_now() -> None:
    assert window(None, None, 10 * WINDOW_MS) == (9 * WINDOW_MS, None)
    assert window(None, 5 * WINDOW_MS, 10 * WINDOW_MS) == (4 * WINDOW_MS, 5 * WINDOW_MS)
    assert window(7, None, 10 * WINDOW_MS) == (7, None)
