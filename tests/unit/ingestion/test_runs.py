"""A batch's run: its files, counted against Adobe's limit of files a batch holds."""

from __future__ import annotations

import pytest

from mockcatalog.core.errors import BadRequest
from mockcatalog.ingestion.large_files import new_upload, with_part
from mockcatalog.ingestion.runs import MAX_FILES_PER_BATCH, Run


def full_run() -> Run:
    """A run holding the most files a batch may hold, the last of them a large file in progress."""
    run = Run()
    for number in range(MAX_FILES_PER_BATCH - 1):
        run = run.with_file(f"part-{number}.json", b"{}", "ds")
    return run.with_large("big.json", new_upload())


def test_a_batch_holds_at_most_1500_files_small_and_large_counted_together() -> None:
    run = full_run()
    with pytest.raises(BadRequest, match="holds 1500 files") as refused:
        run.refuse_past_file_limit("one-more.json")
    assert refused.value.errors == {"filePath": ["Sent 'one-more.json': a batch holds at most 1500 files."]}


def test_replacing_a_file_or_starting_a_large_one_again_adds_none() -> None:
    run = full_run()
    run.refuse_past_file_limit("part-0.json")
    run.refuse_past_file_limit("big.json")
    Run().with_file("a.json", b"{}", "ds").refuse_past_file_limit("b.json")


def test_the_bytes_held_count_large_file_parts_as_sent() -> None:
    upload = with_part(new_upload(), 0, b"x" * 10, None, 100)
    upload = with_part(upload, 5, b"y" * 10, None, 100)  # overlaps: counted again
    run = Run().with_file("a.json", b"12345", "ds").with_large("big.json", upload)
    assert run.held_bytes == 25
