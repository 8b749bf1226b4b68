"""CSV, Adobe's legacy path: rows counted, never converted; no metrics; a blank header row is 118."""

from __future__ import annotations

from mockcatalog.ingestion.reading import process_files

CSV = {"format": "csv"}


def test_a_csv_batch_succeeds_with_counts_and_no_metrics() -> None:
    """The troubleshooting guides: a batch promoted by a legacy path such as CSV has no metrics."""
    outcome = process_files({"a.csv": b"id,name\n1,a\n2,b\n"}, CSV)
    assert outcome.succeeds(0) and outcome.records == 2
    fields = outcome.fields(True)
    assert "metrics" not in fields and fields["recordCount"] == 2
    json_outcome = process_files({"a.json": b'{"id": 1}\n'}, {"format": "json"})
    assert json_outcome.fields(True)["metrics"]["outputRecordCount"] == 1  # the modern path has them


def test_a_csv_file_whose_header_row_is_blank_fails_the_batch_with_118() -> None:
    outcome = process_files({"a.csv": b"\n1,a\n2,b\n", "b.csv": b"id\n3\n"}, CSV)
    assert [error["code"] for error in outcome.errors] == ["118"]
    assert "a.csv" in outcome.errors[0]["description"]
    assert not outcome.succeeds(100)  # a file-level error: no tolerated share of bad rows helps


def test_a_blank_first_line_is_a_row_when_no_header_is_expected() -> None:
    outcome = process_files({"a.csv": b"\n1,a\n2,b\n"}, {**CSV, "header": False})
    assert outcome.errors == [] and outcome.records == 2
