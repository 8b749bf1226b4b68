"""Reading a batch's files at its edges (a review's counterexamples, each once a bug): nothing a
client sends makes processing raise, what it accepts reads back, and the fast path decides exactly
as the row-by-row check."""

from __future__ import annotations

import decimal
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mockcatalog.catalog.xdm import SchemaError, compile_schema
from mockcatalog.ingestion import data_access, reading
from mockcatalog.ingestion.reading import process_files


def schema(props, required=()):
    return compile_schema({"$id": "x", "type": "object", "properties": props, "required": list(required)})


def pq_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def outcome_view(o):
    made = [pq.read_table(io.BytesIO(p.accepted)).to_pylist() for p in o.produced]
    return (o.records, o.failed, o.failed_rows, o.refused, made)


def run_both(monkeypatch, files, fmt, checks):
    fast = process_files(files, {"format": fmt}, checks)
    monkeypatch.setattr(reading.FastRows, "for_check", classmethod(lambda cls, check: None))
    slow = process_files(files, {"format": fmt}, checks)
    return fast, slow


# --- 1. nothing a client sends may make processing raise ---------------------------------------
RAISES = {
    "number field, integer past 2**53 (row-by-row block)": (
        {"n": {"type": "number"}},
        b'{"n": 1152921504606846976}\n{"n": "x"}\n',
        "json",
    ),
    "date-time near year 1 with a positive offset": (
        {"t": {"type": "string", "format": "date-time"}},
        b'{"t": "0001-01-01T00:30:00+01:00"}\n{"t": 1}\n',
        "json",
    ),
    "object field without properties": ({"o": {"type": "object"}}, b'{"o": {"a": 1}}\n', "json"),
    "array of objects without properties": (
        {"a": {"type": "array", "items": {"type": "object"}}},
        b'{"a": [{}]}\n',
        "json",
    ),
    "escaped lone surrogate, accepted row": ({"id": {"type": "string"}}, b'{"id": "\\ud800"}\n', "json"),
    "escaped lone surrogate, refused row": (
        {"id": {"type": "string"}, "n": {"type": "number"}},
        b'{"id": "\\ud800", "n": "x"}\n',
        "json",
    ),
    "row nested 1000 deep, refused (json.dumps RecursionError)": (
        {"id": {"type": "string"}, "n": {"type": "number"}},
        b'{"n": "x", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}\n",
        "json",
    ),
    "parquet timestamp past year 9999": (
        {"t": {"type": "string", "format": "date-time"}},
        pq_bytes(pa.table({"t": pa.array([2**62], pa.timestamp("ms"))})),
        "parquet",
    ),
    "parquet date32 past year 9999": (
        {"d": {"type": "string", "format": "date"}},
        pq_bytes(pa.table({"d": pa.array([2**30], pa.date32())})),
        "parquet",
    ),
    "parquet int64 column into a number field": (
        {"n": {"type": "number"}},
        pq_bytes(pa.table({"n": pa.array([2**60], pa.int64())})),
        "parquet",
    ),
}


def test_an_enum_value_its_field_cannot_hold_is_refused_with_the_schema() -> None:
    with pytest.raises(SchemaError, match="enum value"):
        schema({"i": {"type": "integer", "enum": [2**70, 1]}})


@pytest.mark.parametrize("name", list(RAISES))
def test_processing_never_raises(name):
    props, data, fmt = RAISES[name]
    path = f"a.{fmt}"
    out = process_files({path: data}, {"format": fmt}, {path: schema(props)})
    for made in out.produced:  # and what it accepted reads back, as a consumer reads it
        pq.read_table(io.BytesIO(made.accepted)).to_pylist()


@pytest.mark.parametrize(
    "data, fmt",
    [
        (pq_bytes(pa.table({"t": pa.array([2**62], pa.timestamp("ms"))})), "parquet"),  # no schema at all
        (b'[{"x": "\\ud800"}]', "json-multiline"),
        (b"[" + b'{"x": ' + b"[" * 998 + b"]" * 998 + b"}]", "json-multiline"),
    ],
)
def test_processing_never_raises_without_a_schema(data, fmt):
    multiline = fmt == "json-multiline"
    process_files({"a": data}, {"format": "json" if multiline else fmt, "isMultiLineJson": multiline}, {})


# --- 2. the fast path decides exactly as row by row -----------------------------------------
SAME = {
    "U+2028 inside a string": ({"s": {"type": "string"}}, '{"s": "a\u2028b"}\n'.encode()),
    "U+0085 inside a string": ({"s": {"type": "string"}}, '{"s": "a\x85b"}\n'.encode()),
    "two objects on one line": ({"s": {"type": "string"}}, b'{"s":"a"} {"s":"b"}\n'),
    "UTF-8 BOM": ({"s": {"type": "string"}}, b'\xef\xbb\xbf{"s":"a"}\n'),
    "array items with an enum": (
        {"t": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}},
        b'{"t": ["z"]}\n',
    ),
    "array items with a minimum": (
        {"t": {"type": "array", "items": {"type": "number", "minimum": 0}}},
        b'{"t": [-1]}\n',
    ),
    "date with an enum": (
        {"d": {"type": "string", "format": "date", "enum": ["2026-12-01"]}},
        b'{"d": "2026-12-02"}\n',
    ),
    "year 0000 date": ({"d": {"type": "string", "format": "date"}}, b'{"d": "0000-01-01"}\n'),
    "schema with no fields": ({}, b'{"a": 1}\n'),
}


@pytest.mark.parametrize("name", list(SAME))
def test_fast_path_decides_as_row_by_row(monkeypatch, name):
    props, data = SAME[name]
    check = schema(props)
    fast, slow = run_both(monkeypatch, {"a.json": data}, "json", {"a.json": check})
    assert (fast.records, fast.failed, fast.failed_rows) == (slow.records, slow.failed, slow.failed_rows)


def test_fast_path_never_writes_invalid_utf8():
    check = schema({"s": {"type": "string"}})
    out = process_files({"a.json": b'{"s": "caf\xe9"}\n'}, {"format": "json"}, {"a.json": check})
    pq.read_table(io.BytesIO(out.produced[0].accepted)).to_pylist()  # what a consumer does


# --- 3. reading back -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "column",
    [pa.array([decimal.Decimal("1.50")], pa.decimal128(5, 2)), pa.array([b"\xff"], pa.binary())],
)
def test_dataset_preview_rows_of_an_unschemad_parquet_file(column):
    list(data_access.rows_of(pq_bytes(pa.table({"c": column}))))


def test_a_dataset_file_the_mock_wrote_can_be_ingested_again():
    check = schema(
        {"m": {"type": "object", "meta:xdmType": "map", "additionalProperties": {"type": "string"}}}
    )
    written = process_files({"a.json": b'{"m": {"k": "v"}}\n'}, {"format": "json"}, {"a.json": check})
    again = process_files(
        {"a.parquet": written.produced[0].accepted}, {"format": "parquet"}, {"a.parquet": check}
    )
    assert (again.records, again.failed) == (1, 0)
