"""Parquet in and out, with pyarrow (the reference implementation of Parquet for Python): the rows
of an uploaded Parquet file, read a row group at a time within bounds, and the Parquet file a
batch's accepted rows become, typed by the dataset's schema as the real service stores them.

Reading is bounded before anything is decompressed: the footer's metadata is read first, and a
file that claims more than :data:`MAX_COLUMNS` columns or more than :data:`MAX_DECODED_BYTES` of
decoded data (a compression bomb announces itself there) is refused as unreadable; rows are then
read one row group at a time, so memory follows a row group, not the file.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from mockcatalog.catalog.model import MAX_FIELDS_PER_ROW
from mockcatalog.catalog.xdm import INTEGER_RANGES, Field
from mockcatalog.core.json import Json

MAGIC = b"PAR1"
MEDIA_TYPE = "application/parquet"  # what Data Access answers for a Parquet dataset file
MAX_COLUMNS = MAX_FIELDS_PER_ROW  # a Parquet file holds at most what a row may carry
#: What a Parquet upload may decode to, in all (its row groups' uncompressed sizes, as its footer
#: states them): eight times the largest file the mock takes, so no honest file meets it.
MAX_DECODED_BYTES = 512 * 1024 * 1024
ROWS_PER_READ = 8192

_INTEGER_TYPES = {"long": pa.int64(), "int": pa.int32(), "short": pa.int16(), "byte": pa.int8()}
assert set(_INTEGER_TYPES) == set(INTEGER_RANGES)


class UnreadableParquet(ValueError):
    """Not a Parquet file the mock reads: the reason, for the batch's error."""


def looks_like_parquet(data: bytes) -> bool:
    return len(data) >= 12 and data.startswith(MAGIC) and data.endswith(MAGIC)


def read_rows(data: bytes) -> Iterator[list[Json]]:
    """The rows of a Parquet file, a batch of rows at a time; :class:`UnreadableParquet` when its
    footer cannot be read or claims more than the bounds allow (raised before any row)."""
    return (rows_of_batch(batch) for batch in read_batches(data))


def rows_of_batch(batch: pa.RecordBatch) -> list[Json]:
    """A batch's rows as Python values (maps as dicts); :class:`UnreadableParquet` for values
    Python cannot hold (a timestamp past year 9999, say)."""
    try:
        rows: list[Json] = batch.to_pylist(maps_as_pydicts="strict")
    except (pa.ArrowException, ValueError, OverflowError, KeyError) as exc:
        raise UnreadableParquet(f"its values cannot be read ({exc})") from None
    return rows


def read_batches(data: bytes) -> Iterator[pa.RecordBatch]:
    """:func:`read_rows`, as Arrow record batches."""
    try:
        parquet = pq.ParquetFile(io.BytesIO(data), pre_buffer=False)  # a row group at a time
        metadata = parquet.metadata
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise UnreadableParquet(f"its footer cannot be read ({exc})") from None
    if metadata.num_columns > MAX_COLUMNS:
        raise UnreadableParquet(
            f"it has {metadata.num_columns} columns, past the {MAX_COLUMNS} a row may hold"
        )
    decoded = sum(metadata.row_group(index).total_byte_size for index in range(metadata.num_row_groups))
    if decoded > MAX_DECODED_BYTES:
        raise UnreadableParquet(f"it would decode to {decoded} bytes, past the mock's {MAX_DECODED_BYTES}")
    return _batches(parquet)


def _batches(parquet: pq.ParquetFile) -> Iterator[pa.RecordBatch]:
    try:
        yield from parquet.iter_batches(batch_size=ROWS_PER_READ)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise UnreadableParquet(f"its data cannot be read ({exc})") from None


def arrow_type(field: Field) -> pa.DataType:
    """The Arrow (and so Parquet) type Adobe's field constraints give an XDM type."""
    kind = field.xdm_type
    if kind == "object":
        children = [pa.field(child.name, arrow_type(child)) for child in field.children if storable(child)]
        return pa.struct(children)
    if kind == "array":
        assert field.items is not None
        return pa.list_(arrow_type(field.items))
    if kind == "map":
        assert field.items is not None
        return pa.map_(pa.string(), arrow_type(field.items))
    if kind in _INTEGER_TYPES:
        return _INTEGER_TYPES[kind]
    return {
        "string": pa.string(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "date-time": pa.timestamp("ms", tz="UTC"),
    }[kind]


def storable(field: Field) -> bool:
    """Whether a field has a Parquet column: an object with no field has none (Parquet cannot hold
    an empty group), so its (empty) values are not written."""
    if field.xdm_type == "object":
        return any(storable(child) for child in field.children)
    return field.items is None or storable(field.items)


def arrow_schema(fields: Sequence[Field]) -> pa.Schema:
    return pa.schema([pa.field(field.name, arrow_type(field)) for field in fields if storable(field)])


def table_of(rows: Sequence[Json], fields: Sequence[Field]) -> pa.Table:
    """Rows checked against a schema (``RowCheck.check``'s output) as a table typed by it."""
    return pa.Table.from_pylist([_for_arrow(row, fields) for row in rows], schema=arrow_schema(fields))


def _for_arrow(row: Json, fields: Sequence[Field]) -> Json:
    """A checked row with its dates and date-times as the objects Arrow takes (the row holds them
    as ISO 8601 text, as JSON does), and its maps as key-value pairs."""
    return {
        field.name: _value(row[field.name], field)
        for field in fields
        if field.name in row and storable(field)
    }


def _value(value: Any, field: Field) -> Any:
    kind = field.xdm_type
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "date-time":
        return dt.datetime.fromisoformat(value)
    if kind == "object":
        return _for_arrow(value, field.children)
    if kind == "array":
        assert field.items is not None
        return [_value(item, field.items) for item in value]
    if kind == "map":
        assert field.items is not None
        return [(key, _value(item, field.items)) for key, item in value.items()]
    return value
