"""Processing uploaded files: counts, bad rows, the 106 empty-file error and the verdict."""

from __future__ import annotations

import datetime as dt
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mockcatalog.catalog.model import UNREADABLE_ROWS_DESCRIPTION
from mockcatalog.catalog.xdm import compile_schema
from mockcatalog.ingestion import parquet as parquet_module
from mockcatalog.ingestion import reading
from mockcatalog.ingestion.reading import process_files


def lines(*records: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


def test_json_lines_are_counted_across_files() -> None:
    outcome = process_files(
        {"a.json": lines({"x": 1}, {"x": 2}), "b.json": lines({"x": 3})}, {"format": "json"}
    )
    assert (outcome.records, outcome.failed, outcome.files) == (3, 0, 2)
    assert outcome.succeeds(0) and outcome.errors == []
    fields = outcome.fields(True)
    assert fields["recordCount"] == 3 and fields["metrics"]["partitionCount"] == 2
    assert fields["size"] == outcome.input_bytes > 0


def test_bad_rows_are_reported_by_number_and_fail_the_batch() -> None:
    outcome = process_files(
        {"a.json": lines({"ok": 1}, "{not json", {"ok": 2}, "[1, 2]")}, {"format": "json"}
    )
    assert outcome.records == 2 and outcome.failed_rows == {"1401": [2, 4]}
    assert outcome.errors == [
        {"code": "1401", "description": UNREADABLE_ROWS_DESCRIPTION, "rows": ["2", "4"]}
    ]
    assert not outcome.succeeds(0)
    assert outcome.succeeds(50)  # partialIngestionPercentage tolerates half of the rows
    assert outcome.fields(False)["recordCount"] == 0 and outcome.fields(False)["failedRecordCount"] == 4


def test_no_file_or_empty_files_fail_with_106() -> None:
    for files in ({}, {"empty.json": b""}, {"blank.json": b"  \n"}):
        outcome = process_files(files, {"format": "json"})
        assert not outcome.succeeds(100)
        assert outcome.errors[0]["code"] == "106"
        assert outcome.errors[0]["description"] == "Dataset file is empty. Please upload file with data."


def test_multiline_json_is_one_document_per_file() -> None:
    array = json.dumps([{"a": 1}, {"a": 2}, 3], indent=2).encode()
    outcome = process_files({"a.json": array, "b.json": b'{"single": true}'}, {"isMultiLineJson": True})
    assert outcome.records == 3 and outcome.failed_rows == {"1401": [3]}
    broken = process_files({"a.json": b"[{"}, {"isMultiLineJson": True})
    assert broken.errors[0]["code"] == "107" and not broken.succeeds(100)


def test_csv_rows_are_counted_without_the_header() -> None:
    data = b"id,name\n1,a\n2,b\n"
    assert process_files({"a.csv": data}, {"format": "csv"}).records == 2
    assert process_files({"a.csv": data}, {"format": "csv", "header": False}).records == 3


def parquet_of(rows: list[dict[str, object]]) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    return sink.getvalue()


def test_parquet_rows_are_read_and_counted() -> None:
    good = parquet_of([{"id": n, "name": f"row {n}"} for n in range(300)])
    outcome = process_files({"a.parquet": good}, {"format": "parquet"})
    assert outcome.succeeds(0) and outcome.records == 300
    for bad in (b"not parquet at all", b"PAR1" + b"\0" * 1000 + b"PAR1"):
        refused = process_files({"a.parquet": bad}, {"format": "parquet"})
        assert not refused.succeeds(100) and "not a Parquet file" in refused.errors[0]["description"]


def test_each_file_with_rows_produces_its_accepted_rows_and_refused_rows_are_kept_apart() -> None:
    outcome = process_files(
        {
            "year=2026/a.json": lines({"ok": 1}, "{not json", {"ok": 2}),
            "empty.json": b"",
            "b.json": lines("[1]"),
        },
        {"format": "json"},
    )
    (produced,) = outcome.produced  # b.json has no accepted row, empty.json no row at all
    assert (produced.path, produced.records, produced.media_type) == (
        "year=2026/a.json",
        2,
        "application/octet-stream",
    )
    assert [json.loads(line) for line in produced.accepted.splitlines()] == [{"ok": 1}, {"ok": 2}]
    refused = [json.loads(line) for line in outcome.refused[reading.PARSE_ERRORS].splitlines()]
    error = {"code": "1401", "message": UNREADABLE_ROWS_DESCRIPTION}
    assert refused == [
        {"_corrupt_record": "{not json", "_errors": [error], "_filename": "year=2026/a.json"},
        {"_corrupt_record": "[1]", "_errors": [error], "_filename": "b.json"},
    ]


def test_multiline_json_produces_one_record_a_line_and_csv_and_parquet_as_uploaded() -> None:
    multiline = process_files({"a.json": b'[{"a": 1}, 2, {"a": 3}]'}, {"isMultiLineJson": True})
    assert multiline.produced[0].accepted == b'{"a": 1}\n{"a": 3}\n'
    csv = b"id,name\n1,a\n"
    assert process_files({"a.csv": csv}, {"format": "csv"}).produced[0].accepted == csv
    assert process_files({"a.csv": csv}, {"format": "csv", "header": "false"}).records == 2
    parquet = parquet_of([{"a": 1}])
    produced = process_files({"p.parquet": parquet}, {"format": "parquet"}).produced[0]
    assert (produced.accepted, produced.media_type) == (parquet, "application/parquet")


def test_refused_rows_are_counted_past_what_is_kept_of_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_FAILED_ROWS_BYTES", 1000)
    outcome = process_files({"a.json": b"x\n" * 500}, {"format": "json"})
    assert outcome.failed == 500 and outcome.fields(False)["failedRecordCount"] == 500
    assert outcome.failed_rows == {"1401": list(range(1, reading.MAX_REPORTED_ROWS + 1))}
    rejected = outcome.refused[reading.PARSE_ERRORS]
    kept = rejected.splitlines()
    assert 1000 - len(kept[0]) - 1 < len(rejected) <= 1000  # as many whole rows as fit
    assert all(json.loads(line)["_corrupt_record"] == "x" for line in kept)


def test_a_refused_row_is_cut_to_fit_even_when_json_escapes_make_it_longer() -> None:
    control_characters = "\x01" * (reading.MAX_FAILED_ROWS_BYTES // 2)  # six bytes each in JSON
    outcome = process_files({"a.json": control_characters.encode() + b"\n"}, {"format": "json"})
    rejected = outcome.refused[reading.PARSE_ERRORS]
    assert outcome.failed == 1 and 0 < len(rejected) <= reading.MAX_FAILED_ROWS_BYTES
    (row,) = [json.loads(line) for line in rejected.splitlines()]
    assert set(row["_corrupt_record"]) == {"\x01"} and row["_filename"] == "a.json"


ORDERS = compile_schema(
    {
        "$id": "https://ns.adobe.com/t/schemas/orders",
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "total": {"type": "number", "minimum": 0},
            "placed": {"type": "string", "format": "date-time"},
        },
        "required": ["id"],
    }
)


def test_rows_of_a_dataset_with_a_schema_are_converted_or_refused_naming_the_column() -> None:
    data = lines(
        {"id": 1, "total": "9.5", "placed": 1764547200000},
        {"id": "b", "total": -1},
        {"total": 3},
        "not json",
    )
    outcome = process_files({"day.json": data}, {"format": "json"}, {"day.json": ORDERS})
    assert (outcome.records, outcome.failed) == (1, 3)
    assert outcome.failed_rows == {"100": [2], "1555": [3], "1401": [4]}
    assert [error["code"] for error in outcome.errors] == ["1401", "1555", "100"]
    refused = [json.loads(line) for line in outcome.refused[reading.CONVERSION_ERRORS].splitlines()]
    assert refused == [
        {"id": "b", "total": -1, "_errors": [{"column": "total", "code": "100",
         "message": "-1.0 is below the minimum 0."}], "_filename": "day.json"},
        {"total": 3, "_errors": [{"column": "id", "code": "1555",
         "message": "Required field is missing or null."}], "_filename": "day.json"},
    ]  # fmt: skip
    (produced,) = outcome.produced
    assert (produced.name, produced.media_type) == ("day.parquet", "application/parquet")
    table = pq.read_table(io.BytesIO(produced.accepted))
    assert table.to_pylist() == [{"id": "1", "total": 9.5, "placed": dt.datetime(2025, 12, 1, tzinfo=dt.UTC)}]


def test_parquet_rows_are_checked_and_csv_is_not() -> None:
    parquet = parquet_of([{"id": "a", "total": 1.0}, {"id": None, "total": 2.0}])
    outcome = process_files({"p.parquet": parquet}, {"format": "parquet"}, {"p.parquet": ORDERS})
    assert (outcome.records, outcome.failed, outcome.failed_rows) == (1, 1, {"1555": [2]})
    csv = b"id,total\nx,not a number\n"
    legacy = process_files({"a.csv": csv}, {"format": "csv"}, {"a.csv": ORDERS})
    assert (legacy.records, legacy.failed) == (1, 0) and legacy.produced[0].accepted == csv


EVENTS = {
    "$id": "https://ns.adobe.com/t/schemas/events",
    "type": "object",
    "required": ["_id"],
    "properties": {
        "_id": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "web": {"type": "object", "required": ["views"], "properties": {
            "views": {"type": "integer", "minimum": 0, "maximum": 32767},
            "score": {"type": "number", "maximum": 1},
        }},
        "tags": {"type": "array", "items": {"type": "string"}},
        "ok": {"type": "boolean"},
        "big": {"type": "integer"},
    },
}  # fmt: skip
#: Rows the fast path takes as they are, and rows only the row-by-row check may decide
PLAIN = {"_id": "p", "at": "2026-12-01T10:00:00Z", "day": "2026-12-01", "kind": "a",
         "web": {"views": 3, "score": 0.5}, "tags": ["x"], "ok": True, "big": 12}  # fmt: skip
OTHERS = [
    {"_id": 7}, {"_id": "c", "web": {"views": "3"}}, {"_id": "d", "at": 1764583200000},
    {"_id": "e", "at": "2026-12-01T10:00:00"}, {"_id": "f", "day": "2026-12-01T10:00:00Z"},
    {"_id": "g", "kind": "z"}, {"_id": "h", "web": {"views": 40000}}, {"_id": "i", "web": {}},
    {"_id": "j", "tags": ["x", None]}, {"_id": "k", "ok": "true"}, {"_id": "l", "big": 2**60},
    {"_id": "m", "web": {"views": 1, "score": 2}}, {"kind": "a"}, {"_id": None}, "[1]", "{broken",
    {"_id": "n", "at": "2026-12-01T10:00:00.1234567+01:00"}, {"_id": "o", "unknown": {"deep": 1}},
]  # fmt: skip


def test_the_fast_path_decides_exactly_as_the_row_by_row_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of plain rows are taken whole, blocks holding any other row go row by row: the
    outcome (counts, codes, refused rows, the typed file) is the same as row by row alone."""
    rows = [dict(PLAIN, _id=f"p{n}") for n in range(40)]
    for position, other in enumerate(OTHERS):
        rows.insert(position * 2, other)
    data = lines(*rows)
    check = compile_schema(EVENTS)
    monkeypatch.setattr(reading, "BLOCK_BYTES", 600)  # blocks of a few rows: some plain, some mixed
    taken: list[int] = []
    real_read = reading.FastRows.read

    def counting_read(self: object, block: bytes) -> object:
        table = real_read(self, block)  # type: ignore[arg-type]
        taken.append(0 if table is None else table.num_rows)
        return table

    monkeypatch.setattr(reading.FastRows, "read", counting_read)
    fast = process_files({"a.json": data}, {"format": "json"}, {"a.json": check})
    assert 0 in taken and sum(taken) >= 20  # mixed blocks went row by row, plain ones were taken
    monkeypatch.setattr(reading.FastRows, "for_check", classmethod(lambda cls, check: None))
    slow = process_files({"a.json": data}, {"format": "json"}, {"a.json": check})
    assert (fast.records, fast.failed, fast.failed_rows, fast.errors) == (
        slow.records, slow.failed, slow.failed_rows, slow.errors,
    )  # fmt: skip
    assert fast.refused == slow.refused and fast.records > 40
    fast_rows = pq.read_table(io.BytesIO(fast.produced[0].accepted)).to_pylist()
    assert fast_rows == pq.read_table(io.BytesIO(slow.produced[0].accepted)).to_pylist()


def test_typed_parquet_takes_the_fast_path_and_decides_as_row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    check = compile_schema(EVENTS)
    schema = parquet_module.arrow_schema(check.fields)
    plain = [{**PLAIN, "at": dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), "day": dt.date(2026, 12, 1)}] * 30
    typed = {"plain.parquet": plain, "mixed.parquet": [*plain[:5], {"_id": "x", "web": {"views": 99999}}]}
    files = {}
    for name, rows in typed.items():
        sink = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), sink)
        files[name] = sink.getvalue()
    checks = {name: check for name in files}
    fast = process_files(files, {"format": "parquet"}, checks)
    monkeypatch.setattr(reading.FastRows, "for_check", classmethod(lambda cls, check: None))
    slow = process_files(files, {"format": "parquet"}, checks)
    assert (fast.records, fast.failed, fast.errors, fast.refused) == (
        slow.records,
        slow.failed,
        slow.errors,
        slow.refused,
    )
    assert (fast.records, fast.failed) == (35, 1)
    for made_fast, made_slow in zip(fast.produced, slow.produced, strict=True):
        assert pq.read_table(io.BytesIO(made_fast.accepted)) == pq.read_table(io.BytesIO(made_slow.accepted))
