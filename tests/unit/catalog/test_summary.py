"""How ingestBatchSummary aggregates batches, and its default window."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockcatalog.catalog.summary import (
    WINDOW_MS,
    BatchRows,
    created_inside,
    overall_status,
    summarize,
    window,
)

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


def test_batch_order_not_creation_order_decides_errors_tags_and_ties() -> None:
    first = {"created": 30, "createdUser": "first", "errors": [{"code": "1"}], "tags": {"ns": ["b"]}}
    second = {"created": 10, "createdUser": "second", "errors": [{"code": "2"}], "tags": {"ns": ["a"]}}
    third = {"created": 30, "createdUser": "third"}
    summary = summarize("ds1", DATASET, [first, second, third])
    assert [error["code"] for error in summary["errors"]] == ["1", "2"]
    assert summary["tags"] == {"ns": ["b", "a"]}
    assert summary["createdUser"] == "first"  # newest, and first in batch order among equals
    assert summary["created"] == 10


def test_batches_without_a_creation_time_are_not_summarized() -> None:
    summary = summarize("ds1", DATASET, [{"status": "loading", "recordCount": 3}, BATCHES[0]])
    assert summary["metrics"] == {"batchCount": 1, "success": 1} and summary["recordCount"] == 5


created_times = st.one_of(st.none(), st.integers(min_value=-5, max_value=40))
random_batches = st.lists(
    st.fixed_dictionaries(
        {"created": created_times},
        optional={
            "updated": st.integers(0, 60),
            "started": st.integers(0, 60),
            "completed": st.integers(0, 60),
            "recordCount": st.integers(0, 9),
            "status": st.sampled_from(["success", "failed", "loading"]),
            "createdUser": st.sampled_from(["u1", "u2"]),
            "errors": st.lists(st.fixed_dictionaries({"code": st.sampled_from(["101", "106"])}), max_size=2),
            "tags": st.dictionaries(
                st.sampled_from(["n1", "n2"]), st.lists(st.sampled_from("abc"), max_size=2)
            ),
            "availableDates": st.fixed_dictionaries({}, optional={"startDate": st.integers(0, 9)}),
        },
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(random_batches, st.integers(-6, 41), st.one_of(st.none(), st.integers(-6, 41)))
def test_a_window_cut_from_the_rows_summarizes_like_the_batches_inside_it(
    batches: list[dict[str, Any]], after: int, before: int | None
) -> None:
    inside = [batch for batch in batches if created_inside(batch, after, before)]
    cut = (
        BatchRows((position, str(position), batch) for position, batch in enumerate(batches))
        .within(after, before)
        .summary("ds1", DATASET)
    )
    assert cut == summarize("ds1", DATASET, inside)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.one_of(st.none(), random_batches.map(lambda b: b[0] if b else None)))
    )
)
def test_rows_that_follow_writes_summarize_like_rows_built_afresh(
    writes: list[tuple[int, dict[str, Any] | None]],
) -> None:
    rows, batches = BatchRows(), {}
    for position, batch in writes:
        rows.replace(position, str(position), batches.pop(position, None), batch)
        if batch is not None:
            batches[position] = batch
    afresh = BatchRows((position, str(position), batch) for position, batch in sorted(batches.items()))
    assert rows.keys == afresh.keys
    assert rows.summary("ds1", DATASET) == afresh.summary("ds1", DATASET)
