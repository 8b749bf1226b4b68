"""XDM schemas compiled into the row check batch ingestion runs: Adobe's conversion table, the
checks batch ingestion makes (type, enum, range, required) and the ones it does not (pattern,
format), and schemas refused with the field and the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mockcatalog.catalog.xdm import MAX_DEPTH, SchemaError, compile_schema


def schema(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"$id": "https://ns.adobe.com/test/schemas/t", "type": "object", "properties": properties,
            "required": required or []}  # fmt: skip


def one(field: dict[str, Any], value: Any) -> tuple[Any, list[str]]:
    """``value`` checked as field ``f``: what it converts to, and the codes of its problems."""
    converted, problems = compile_schema(schema({"f": field})).check({"f": value})
    return (converted or {}).get("f"), [problem.code for problem in problems]


STRING, NUMBER, BOOLEAN = {"type": "string"}, {"type": "number"}, {"type": "boolean"}
SHORT = {"type": "integer", "minimum": -32768, "maximum": 32767}
LONG = {"type": "integer", "meta:xdmType": "long"}
DATE, DATE_TIME = {"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}


@pytest.mark.parametrize(
    ("field", "value", "converted"),
    [
        (STRING, "a", "a"), (STRING, 12, "12"), (STRING, 1.5, "1.5"),  # numbers become strings
        (SHORT, "42", 42), (SHORT, 42.0, 42), (SHORT, " -7 ", -7), (LONG, "1e3", 1000),  # whole numbers
        (NUMBER, "2.5", 2.5), (NUMBER, 3, 3),
        (BOOLEAN, True, True),
        (DATE, "2019-05-15", "2019-05-15"), (DATE, 1557878400000, "2019-05-15"),  # ISO 8601 or epoch ms
        (DATE_TIME, "2019-05-15T20:20:39+02:00", "2019-05-15T18:20:39.000Z"),
        (DATE_TIME, 1557951639000, "2019-05-15T20:20:39.000Z"),
        (DATE_TIME, dt.datetime(2019, 5, 15, 20, 20, 39), "2019-05-15T20:20:39.000Z"),  # from Parquet
    ],
)  # fmt: skip
def test_values_convert_as_the_guides_table_says(field: dict[str, Any], value: Any, converted: Any) -> None:
    assert one(field, value) == (converted, [])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (STRING, True), (STRING, ["a"]), (STRING, {"a": 1}),  # booleans and arrays never convert
        (SHORT, 1.5), (SHORT, "x"), (SHORT, True), (SHORT, 40000), (SHORT, "40000"),  # type and range
        (NUMBER, "NaN"), (NUMBER, "1e999"), (NUMBER, False),
        (BOOLEAN, "true"), (BOOLEAN, 1),
        (DATE, "15/05/2019"), (DATE_TIME, "2019-05-15T20:20:39"),  # no offset: no instant
        (DATE_TIME, "2019-05-15"), (DATE_TIME, 1.5),
        ({"type": "array", "items": STRING}, "a"),
        ({"type": "object", "properties": {"a": STRING}}, "a"),
    ],
)  # fmt: skip
def test_what_does_not_convert_is_a_conversion_problem(field: dict[str, Any], value: Any) -> None:
    assert one(field, value) == (None, ["100"])


def test_enum_and_range_are_checked_after_conversion_pattern_and_format_are_not() -> None:
    tier = {"type": "string", "enum": ["gold", "silver"]}
    assert one(tier, "gold") == ("gold", []) and one(tier, "bronze") == (None, ["100"])
    ranged = {"type": "number", "minimum": 0, "maximum": 10}
    assert one(ranged, "10") == (10.0, []) and one(ranged, -1) == (None, ["100"])
    coded = {"type": "string", "pattern": "^[A-Z]{3}$", "format": "email"}
    assert one(coded, "not an email, not three capitals") == ("not an email, not three capitals", [])


def test_every_problem_of_a_row_names_its_column() -> None:
    check = compile_schema(
        schema(
            {
                "_id": STRING,
                "web": {
                    "type": "object",
                    "properties": {"views": SHORT, "tags": {"type": "array", "items": SHORT}},
                },
                "extra": {"type": "object", "properties": {"x": STRING}, "required": ["x"]},
            },
            required=["_id"],
        )
    )
    converted, problems = check.check(
        {"_id": None, "web": {"views": "many", "tags": [1, "two"]}, "extra": {}}
    )
    assert converted is None
    assert [(p.column, p.code) for p in problems] == [
        ("_id", "1555"),  # null counts as missing
        ("web.views", "100"),
        ("web.tags[1]", "100"),
        ("extra.x", "1555"),
    ]
    good, none = check.check({"_id": 7, "unknown": "dropped", "web": {"tags": ["3"]}})
    assert none == [] and good == {"_id": "7", "web": {"tags": [3]}}
    assert check.check([1, 2])[0] is None  # a row is an object


def test_maps_convert_their_values() -> None:
    counts = {"type": "object", "additionalProperties": {"type": "integer"}}
    assert one(counts, {"a": "1", "b": 2}) == ({"a": 1, "b": 2}, [])
    assert one(counts, {"a": "x"}) == (None, ["100"])


def test_a_field_typed_by_its_range_is_that_xdm_type() -> None:
    byte = compile_schema(schema({"b": {"type": "integer", "minimum": -128, "maximum": 127}}))
    assert byte.fields[0].xdm_type == "byte"
    assert compile_schema(schema({"n": {"type": "integer"}})).fields[0].xdm_type == "long"


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"type": "object", "properties": {}}, "$id"),
        (schema({"f": {"type": "float"}}), "f: type 'float'"),
        (schema({"f": STRING}, required=["g"]), "required names fields it does not define"),
        (schema({"f": {"type": "string", "enum": []}}), "f: enum"),
        (schema({"f": {"type": "string", "minimum": 1}}), "f: minimum"),
        (schema({"f": "string"}), "f: a field's definition"),
    ],
)
def test_a_schema_the_mock_cannot_apply_is_refused_naming_the_field(bad: dict[str, Any], named: str) -> None:
    with pytest.raises(SchemaError, match=named.replace("$", "\\$")):
        compile_schema(bad)


def test_a_schema_is_bounded_in_depth_and_width() -> None:
    deep: dict[str, Any] = STRING
    for _ in range(MAX_DEPTH + 2):
        deep = {"type": "object", "properties": {"n": deep}}
    with pytest.raises(SchemaError, match="nested deeper"):
        compile_schema(schema({"root": deep}))
    with pytest.raises(SchemaError, match="more than 10000 fields"):
        compile_schema(schema({f"f{n}": STRING for n in range(10_001)}))
    with pytest.raises(SchemaError, match="enum"):
        compile_schema(schema({"f": {"type": "string", "enum": [str(n) for n in range(10_001)]}}))
