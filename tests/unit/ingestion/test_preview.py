"""The ingestion preview's reading of uploaded files (``preview.py``)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mockcatalog.core.errors import InvalidRequest
from mockcatalog.ingestion.preview import DEFAULT_ROWS, MAX_VALUE_CHARS, preview

CSV = {"format": "csv", "delimiter": ",", "quote": '"', "escape": "\\", "header": True}


def test_json_rows_become_strings_under_their_fields_and_unreadable_rows_are_left_out() -> None:
    files = [
        ("a.json", b'{"id": 1, "tags": ["x"]}\nnot json\n[1]\n'),
        ("b.json", b'{"id": 2, "name": "b"}\n'),
    ]
    answer = preview(files, {"format": "JSON"})
    assert answer["preview"]["rows"] == [{"id": "1", "tags": '["x"]'}, {"id": "2", "name": "b"}]
    assert answer["preview"]["columns"] == [
        {"cid": "0", "name": "id"}, {"cid": "1", "name": "tags"}, {"cid": "2", "name": "name"},
    ]  # fmt: skip
    assert answer["formatParams"]["format"] == "json"


def test_csv_reads_its_dialect_and_names_headerless_columns_as_spark_does() -> None:
    files = [("a.csv", b'id;name\n1;"a; b"\n')]
    dialect = {**CSV, "delimiter": ";"}
    assert preview(files, dialect)["preview"]["rows"] == [{"id": "1", "name": "a; b"}]
    headless = preview(files, {**dialect, "header": False})["preview"]
    assert headless["rows"][0] == {"_c0": "id", "_c1": "name"}
    assert [column["name"] for column in headless["columns"]] == ["_c0", "_c1"]


def test_nrow_bounds_the_rows_and_zero_means_the_default() -> None:
    many = [("a.json", b"".join(json.dumps({"n": n}).encode() + b"\n" for n in range(DEFAULT_ROWS + 5)))]
    assert len(preview(many, {"format": "json", "nrow": 3})["preview"]["rows"]) == 3
    assert len(preview(many, {"format": "json", "nrow": 0})["preview"]["rows"]) == DEFAULT_ROWS


def test_a_charset_is_applied_and_an_unknown_one_named() -> None:
    latin = [("a.csv", "name\ncafé\n".encode("latin-1"))]
    assert preview(latin, {**CSV, "charset": "ISO-8859-1"})["preview"]["rows"] == [{"name": "café"}]
    with pytest.raises(InvalidRequest) as refused:
        preview([], {**CSV, "charset": "klingon"})
    assert refused.value.errors is not None and "charset" in refused.value.errors


def test_parquet_is_previewed_whatever_the_format_says() -> None:
    sink = io.BytesIO()
    table = pa.table({"id": [1, 2], "when": [dt.date(2026, 12, 1), None], "tags": [["a"], []]})
    pq.write_table(table, sink)
    rows = [("p.parquet", sink.getvalue())]
    for fmt in ("parquet", "json"):
        previewed = preview(rows, {"format": fmt})["preview"]
        assert [c["name"] for c in previewed["columns"]] == ["id", "when", "tags"]
        assert previewed["rows"] == [
            {"id": "1", "when": "2026-12-01", "tags": '["a"]'},
            {"id": "2", "when": "null", "tags": "[]"},
        ]
    assert preview([("p.parquet", b"PAR1 not really PAR1")], {"format": "parquet"})["preview"]["rows"] == []


@pytest.mark.parametrize("charset", ["a\x00b", "Mw\x00", "", "rot13", "base64", "zlib", "idna", "undefined"])
def test_any_charset_name_is_a_clear_400_never_a_failure(charset: str) -> None:
    with pytest.raises(InvalidRequest):
        preview([("a.csv", b"x\n1\n")], {**CSV, "charset": charset or "no-such-codec"})


def test_a_long_value_is_cut_so_a_preview_stays_small() -> None:
    long_row = json.dumps({"big": "x" * 100_000}).encode()
    (row,) = preview([("a.json", long_row)], {"format": "json"})["preview"]["rows"]
    assert len(row["big"]) == MAX_VALUE_CHARS and row["big"].endswith("…")


def test_a_quoted_csv_value_may_hold_a_line_break() -> None:
    files = [("a.csv", b'id,note\r\n1,"two\nlines"\r\n2,plain\n')]
    assert preview(files, CSV)["preview"]["rows"] == [
        {"id": "1", "note": "two\nlines"},
        {"id": "2", "note": "plain"},
    ]
