"""The fast path of checking rows against a schema: a block of JSON lines read at once by Arrow's
JSON reader (C++) into a table typed by the schema, or a batch of a Parquet file's rows whose
columns already have the schema's types, then checked column by column.

It never decides anything the row-by-row check (:class:`~mockcatalog.catalog.xdm.RowCheck`) would
decide otherwise: a block is taken whole only when every one of its rows is *plainly* fine (each
value already of its field's type, within its range and enum, dates written as RFC 3339, required
fields present, no null in a list); any other block (a row to convert, to refuse, or the reader's
error) is handed back, and the caller checks its rows one by one, with their messages. Schemas with
what a column cannot show plainly (maps, lists of objects or of constrained values) always take the
row-by-row path. Measured in bench/bench_validation.py.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from mockcatalog.catalog.xdm import Field, RowCheck
from mockcatalog.ingestion import parquet

#: RFC 3339 date-times and dates: text the row-by-row conversion reads to the same instant
#: (years 1000 to 9899 only: near year 1 or 9999 an instant may not exist in UTC; those go row by row)
_YEAR = r"([1-8][0-9]{3}|9[0-8][0-9]{2})"
_DATE_TIME = (
    "^"
    + _YEAR
    + r"-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3}|\.[0-9]{6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
_EARLIEST, _LATEST = dt.datetime(1000, 1, 1, tzinfo=dt.UTC), dt.datetime(9899, 12, 31, tzinfo=dt.UTC)
_DATE = "^" + _YEAR + r"-[0-9]{2}-[0-9]{2}$"
_PLAIN_ITEMS = frozenset({"string", "number", "boolean"})


class FastRows:
    """The fast path for one compiled schema; :meth:`for_check` says whether it has one."""

    def __init__(self, check: RowCheck) -> None:
        self.final_schema = parquet.arrow_schema(check.fields)
        read_schema = pa.schema([pa.field(f.name, _read_type(f)) for f in check.fields])
        self.options = pj.ParseOptions(explicit_schema=read_schema, unexpected_field_behavior="ignore")
        self.leaves = _leaves(check.fields, ())

    @classmethod
    def for_check(cls, check: RowCheck) -> FastRows | None:
        """The fast path of ``check``, or None when its schema holds what a column cannot show
        plainly (maps, lists of objects or of dates)."""
        plain = bool(check.fields) and all(_plain(field) for field in check.fields)
        return cls(check) if plain else None

    def take(self, table: pa.Table) -> pa.Table | None:
        """A Parquet file's rows (a batch of them), when each column the schema names is already of
        its field's type and every row is plainly fine; else None. Columns the schema does not
        name are dropped, those it names that are missing are null."""
        columns = []
        for field in self.final_schema:
            if field.name not in table.column_names:
                columns.append(pa.nulls(table.num_rows, field.type))
                continue
            column = table.column(field.name)
            if column.type != field.type:
                return None
            columns.append(column)
        typed = pa.table(columns, schema=self.final_schema)
        try:
            return typed if all(_fine(typed, path, field) for path, field in self.leaves) else None
        except (pa.ArrowException, ValueError, TypeError):
            return None

    def read(self, block: bytes) -> pa.Table | None:
        """The block's rows as a table typed by the schema, when every one is plainly fine; else
        None (the caller checks them one by one)."""
        lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        try:
            if not block.isascii():  # Arrow's reader takes invalid UTF-8 into text columns as it is
                block.decode("utf-8")
            table = pj.read_json(
                io.BytesIO(block),
                read_options=pj.ReadOptions(use_threads=False, block_size=len(block) + 1),
                parse_options=self.options,
            )
            if table.num_rows != lines:  # a blank line, two objects on one: row by row decides
                return None
            if not all(_fine(table, path, field) for path, field in self.leaves):
                return None
            return table.cast(self.final_schema)
        except (pa.ArrowException, ValueError, TypeError):
            return None


def _fine(table: pa.Table, path: tuple[str, ...], field: Field) -> bool:
    """Whether every value at ``path`` is plainly what the row-by-row check would accept as it is."""
    values, present = _column(table, path)
    missing = pc.is_null(values) if present is None else pc.and_(present, pc.is_null(values))
    if field.required and pc.any(missing).as_py():
        return False
    kind = field.xdm_type
    if kind == "array":
        return bool(pc.list_flatten(values).null_count == 0)
    if kind in ("date", "date-time"):
        if not pa.types.is_string(values.type):  # a Parquet column of the field's own type
            first, last = pa.array([_EARLIEST, _LATEST], pa.timestamp("ms", tz="UTC")).cast(values.type)
            return not (pc.any(pc.less(values, first)).as_py() or pc.any(pc.greater(values, last)).as_py())
        matched = pc.match_substring_regex(values, _DATE if kind == "date" else _DATE_TIME)
        return not pc.any(pc.invert(pc.fill_null(matched, True))).as_py()
    if field.low is not None and pc.any(pc.less(values, field.low)).as_py():
        return False
    if field.high is not None and pc.any(pc.greater(values, field.high)).as_py():
        return False
    if field.enum is not None:
        allowed = pc.is_in(values, value_set=pa.array(field.enum, type=values.type))
        return not pc.any(pc.and_(pc.is_valid(values), pc.invert(allowed))).as_py()
    return True


def _plain(field: Field) -> bool:
    """Whether a column can show a field's values plainly fine: not a map, an object with no
    field, a list of anything but unconstrained text, numbers or booleans, or a dated enum."""
    if field.xdm_type == "object":
        return bool(field.children) and all(_plain(child) for child in field.children)
    if field.xdm_type == "map":
        return False
    if field.xdm_type == "array":
        items = field.items
        return (
            items is not None
            and items.xdm_type in _PLAIN_ITEMS
            and items.low is None and items.high is None and items.enum is None
        )  # fmt: skip
    return not (field.xdm_type in ("date", "date-time") and field.enum is not None)


def _read_type(field: Field) -> pa.DataType:
    """The type a field is read as: its own, but dates and date-times as text (checked, then cast)."""
    if field.xdm_type in ("date", "date-time"):
        return pa.string()
    if field.xdm_type == "object":
        return pa.struct([pa.field(child.name, _read_type(child)) for child in field.children])
    return parquet.arrow_type(field)


def _leaves(fields: Sequence[Field], path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Field]]:
    """Every field with its path, objects' fields after them."""
    found = []
    for field in fields:
        here = (*path, field.name)
        found.append((here, field))
        if field.xdm_type == "object":
            found += _leaves(field.children, here)
    return found


def _column(table: pa.Table, path: tuple[str, ...]) -> tuple[Any, Any]:
    """The values at ``path``, and where the objects holding them are present (None at the top)."""
    column = table.column(path[0]).combine_chunks()
    present = None
    for name in path[1:]:
        valid = pc.is_valid(column)
        present = valid if present is None else pc.and_(present, valid)
        column = pc.struct_field(column, name)
    return column, present
