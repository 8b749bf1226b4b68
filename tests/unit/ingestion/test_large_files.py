"""Large-file parts: checked as they arrive, stitched at COMPLETE (``large_files.py``)."""

from __future__ import annotations

import pytest

from mockcatalog.core.errors import BadRequest, MockLimitReached
from mockcatalog.ingestion.large_files import MAX_PARTS, describe, new_upload, received, stitched, with_part

FILE = b"0123456789abcdefghij"  # 20 bytes
MAX = 1000


def test_parts_in_any_order_are_stitched_in_byte_order() -> None:
    upload = with_part(new_upload(), 10, FILE[10:], 20, MAX)
    upload = with_part(upload, 0, FILE[:5], None, MAX)
    assert received(upload) == [(0, 4), (10, 19)]
    upload = with_part(upload, 5, FILE[5:10], None, MAX)
    assert received(upload) == [(0, 19)] and describe(received(upload)) == "bytes 0-19"
    assert stitched(upload, "a.json") == FILE


def test_an_overlapping_part_is_taken_and_complete_names_the_bytes_sent_twice() -> None:
    """Adobe's troubleshooting guides: overlaps are found when the parts are stitched."""
    upload = with_part(new_upload(), 0, FILE[:10], 20, MAX)
    upload = with_part(upload, 5, FILE[5:15], None, MAX)
    upload = with_part(upload, 12, FILE[12:], None, MAX)
    assert received(upload) == [(0, 19)]
    with pytest.raises(
        BadRequest, match=r"overlapping parts: bytes 5-9,12-14 were sent more than once"
    ) as refused:
        stitched(upload, "a.json")
    assert refused.value.errors == {"filePath": ["Overlapping bytes 5-9,12-14."]}


def test_a_part_sent_again_at_the_same_range_replaces_the_first() -> None:
    upload = with_part(new_upload(), 0, b"x" * 10, 20, MAX)
    upload = with_part(upload, 0, FILE[:10], None, MAX)
    upload = with_part(upload, 10, FILE[10:], None, MAX)
    assert stitched(upload, "a.json") == FILE


def test_overlapping_parts_count_against_the_bound_each_time_they_are_sent() -> None:
    upload = with_part(new_upload(), 0, b"x" * 600, None, MAX)
    with pytest.raises(MockLimitReached, match="overlaps counted"):
        with_part(upload, 1, b"y" * 500, None, MAX)


def test_the_declared_length_holds_for_every_part() -> None:
    upload = with_part(new_upload(), 0, FILE[:5], 20, MAX)
    with pytest.raises(BadRequest, match=r"past the end of the file \(20 bytes, 0-19\)"):
        with_part(upload, 18, b"xyz", None, MAX)
    with pytest.raises(BadRequest, match="declares a file of 30 bytes; this upload declared 20"):
        with_part(upload, 5, FILE[5:10], 30, MAX)


def test_past_the_mocks_bound_is_a_413_that_names_the_bound_as_a_limit_of_the_mock() -> None:
    with pytest.raises(MockLimitReached, match="--max-file-bytes") as refused:
        with_part(new_upload(), 995, b"0123456789", None, MAX)
    assert refused.value.status == 413 and refused.value.cannot == "limit" and not refused.value.violation
    assert refused.value.to_dict()["limit"] == {"name": "--max-file-bytes", "value": MAX}


def test_complete_names_every_gap_and_the_missing_end() -> None:
    upload = with_part(new_upload(), 5, FILE[5:10], 20, MAX)
    with pytest.raises(BadRequest, match=r"bytes 0-4,10-19 were never sent \(of 20 bytes\)") as refused:
        stitched(upload, "a.json")
    assert refused.value.errors == {"filePath": ["Missing bytes 0-4,10-19."]}
    with pytest.raises(BadRequest, match="No bytes of a.json were sent"):
        stitched(new_upload(), "a.json")


def test_a_part_is_never_changed_in_place() -> None:
    first = new_upload()
    second = with_part(first, 0, FILE, None, MAX)
    assert first == new_upload() and second["parts"] == ((0, FILE),)


def test_a_file_comes_in_a_bounded_number_of_parts_and_a_declared_length_within_the_bound() -> None:
    upload = new_upload()
    for first in range(MAX_PARTS):
        upload = with_part(upload, first * 2, b"x", None, MAX_PARTS * 4)  # one byte, one gap
    with pytest.raises(MockLimitReached, match=f"at most {MAX_PARTS} parts"):
        with_part(upload, MAX_PARTS * 2, b"x", None, MAX_PARTS * 4)
    retried = with_part(upload, 0, b"y", None, MAX_PARTS * 4)  # the same range again: no part more
    assert len(retried["parts"]) == MAX_PARTS
    with pytest.raises(MockLimitReached, match="declares a file of 2000 bytes"):
        with_part(new_upload(), 0, b"x", 2000, MAX)
    with pytest.raises(BadRequest, match="declares a file of 0 bytes"):
        with_part(new_upload(), 0, b"x", 0, MAX)
