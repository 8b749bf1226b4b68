"""XDM schemas as the Schema Registry resolves them (``xed-full``), compiled into the check batch
ingestion runs on every row of a dataset that names one (``schemaRef.id``).

What the check does follows Adobe's batch ingestion guides (docs/fidelity.md has the evidence):

- **conversion** to the field's XDM type, by the guides' table: a string becomes any number, a
  date or a date-time; a number becomes a string or another number (an integer type only when it
  is whole); an epoch-millisecond integer becomes a date or a date-time; booleans and arrays are
  never converted; an object stays an object (and a map);
- **validation** of what batch ingestion checks: the type, ``enum``, the range (``minimum`` and
  ``maximum``, or the XDM type's own: a ``short`` holds -32768..32767), and ``required`` (a
  ``null`` counts as missing). ``pattern`` and ``format`` are not checked: the data-quality page
  says batch ingestion runs neither (dates are still parsed, as conversion);
- fields the schema does not name are dropped (the dataset's files hold the schema's columns).

A row that fails is reported with every problem, each naming its column (dotted, ``web.viewCount``,
``tags[2]``), a code and a message. Compiling refuses a schema the mock cannot apply with a
:class:`SchemaError` naming the field and the reason, and bounds what a schema may cost: at most
:data:`MAX_DEPTH` levels of nesting, :data:`MAX_FIELDS` fields (Adobe's limit per row) and
:data:`MAX_ENUM_VALUES` values in an enum.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mockcatalog.catalog.model import CONVERSION_CODE, MAX_FIELDS_PER_ROW, REQUIRED_FIELD_CODE
from mockcatalog.core.json import Json

MAX_DEPTH = 32
MAX_FIELDS = MAX_FIELDS_PER_ROW  # a schema declares at most what a row may carry
MAX_ENUM_VALUES = 10_000
#: The integer XDM types and the values each holds (Adobe's field constraints, with the maxima the
#: guide gives one too high corrected).
INTEGER_RANGES: Mapping[str, tuple[int, int]] = {
    "long": (-(2**53) + 1, 2**53 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
}
SCALAR_TYPES = frozenset({"string", "number", "boolean", "date", "date-time", *INTEGER_RANGES})
_INTEGER_TEXT = re.compile(r"^\s*[+-]?[0-9]{1,19}\s*$", re.ASCII)
_NUMBER_TEXT = re.compile(
    r"^\s*[+-]?([0-9]{1,308}(\.[0-9]{0,30})?|\.[0-9]{1,30})([eE][+-]?[0-9]{1,3})?\s*$", re.ASCII
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SURROGATE = re.compile("[\ud800-\udfff]")


class SchemaError(ValueError):
    """A schema the mock cannot apply; the message names the field and the reason."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one value of a row was refused."""

    column: str  # dotted path into the row: "web.viewCount", "tags[2]"
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"column": self.column, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a compiled schema, for what is made of accepted rows (typed files, previews)."""

    name: str
    xdm_type: str  # one of SCALAR_TYPES, "object", "array" or "map"
    children: tuple[Field, ...] = ()  # an object's fields
    items: Field | None = None  # an array's items, a map's values
    low: float | None = None  # the range a value must fall in (its type's, within its own)
    high: float | None = None
    enum: tuple[Any, ...] | None = None
    required: bool = False  # by the object holding it


#: ``convert(value, column, problems)``: the value converted, or :data:`REFUSED` (the problem
#: appended to ``problems``).
Convert = Callable[[Any, str, list[Problem]], Any]
REFUSED: Any = object()


@dataclass(frozen=True, slots=True)
class RowCheck:
    """A compiled schema: :meth:`check` converts and validates one row."""

    schema_id: str
    fields: tuple[Field, ...]
    _convert: Convert

    def check(self, row: Any) -> tuple[Json | None, list[Problem]]:
        """The row converted to the schema's types, with no problem; or None and every problem."""
        problems: list[Problem] = []
        converted = self._convert(row, "", problems)
        if problems or converted is REFUSED:
            return None, problems or [Problem("", CONVERSION_CODE, "The row is not a JSON object.")]
        result: Json = converted
        return result, []


def compile_schema(schema: Mapping[str, Any]) -> RowCheck:
    """The row check of a resolved schema (an object whose ``properties`` hold its fields);
    a :class:`SchemaError` when it cannot be applied."""
    if not isinstance(schema, Mapping):
        raise SchemaError("a schema is a JSON object")
    schema_id = schema.get("$id")
    if not isinstance(schema_id, str) or not schema_id:
        raise SchemaError("$id: a schema names itself with a non-empty $id")
    if _xdm_type(schema, "(the schema)") != "object":
        raise SchemaError("a schema is of type object, its fields under properties")
    counter = [0]
    field, convert = _compile(schema, "", "", 0, counter)
    return RowCheck(schema_id, field.children, convert)


def _compile(node: Any, name: str, where: str, depth: int, counter: list[int]) -> tuple[Field, Convert]:
    if depth > MAX_DEPTH:
        raise SchemaError(f"{where or '(the schema)'}: nested deeper than {MAX_DEPTH} levels")
    if not isinstance(node, Mapping):
        raise SchemaError(f"{where}: a field's definition is a JSON object")
    counter[0] += 1
    if counter[0] > MAX_FIELDS:
        raise SchemaError(f"more than {MAX_FIELDS} fields (Adobe's limit for one row)")
    xdm_type = _xdm_type(node, where)
    if xdm_type == "object":
        return _compile_object(node, name, where, depth, counter)
    if xdm_type == "array":
        item_field, item = _compile(node.get("items", {}), "items", f"{where}[]", depth + 1, counter)
        return Field(name, "array", items=item_field), _array(item)
    if xdm_type == "map":
        values = node.get("additionalProperties")
        if isinstance(values, Mapping) and values:
            value_field, value = _compile(values, "values", f"{where}{{}}", depth + 1, counter)
            return Field(name, "map", items=value_field), _map(value)
        return Field(name, "map", items=Field("values", "string")), _map(_string)
    low, high = _bounds(node, xdm_type, where)
    enum = _enum(node, xdm_type, where)
    field = Field(name, xdm_type, low=low, high=high, enum=None if enum is None else tuple(enum))
    return field, _constrained(_scalar(node, xdm_type, where), low, high, enum)


def _compile_object(
    node: Mapping[str, Any], name: str, where: str, depth: int, counter: list[int]
) -> tuple[Field, Convert]:
    properties = node.get("properties", {})
    if not isinstance(properties, Mapping):
        raise SchemaError(f"{where or '(the schema)'}: properties is a JSON object")
    required = node.get("required", [])
    if not isinstance(required, list) or not all(isinstance(name, str) for name in required):
        raise SchemaError(f"{where or '(the schema)'}: required is a list of field names")
    children = []
    converters = []
    for child_name, child in properties.items():
        child_where = f"{where}.{child_name}" if where else str(child_name)
        field, convert = _compile(child, str(child_name), child_where, depth + 1, counter)
        children.append(replace(field, required=child_name in required))
        converters.append((str(child_name), convert))
    unknown = [name for name in required if name not in properties]
    if unknown:
        raise SchemaError(f"{where or '(the schema)'}: required names fields it does not define: {unknown}")
    return Field(name, "object", tuple(children)), _object(tuple(converters), frozenset(required))


def _xdm_type(node: Mapping[str, Any], where: str) -> str:
    """A field's XDM type: its ``meta:xdmType`` when it names one, else read from its JSON
    Schema (``integer`` by its range: a field bounded as a short is a short)."""
    declared = node.get("meta:xdmType")
    if declared in SCALAR_TYPES or declared in ("object", "array", "map"):
        return str(declared)
    json_type = node.get("type")
    if json_type == "string":
        fmt = node.get("format")
        return str(fmt) if fmt in ("date", "date-time") else "string"
    if json_type == "integer":
        bounds = (node.get("minimum"), node.get("maximum"))
        for name in ("byte", "short", "int"):
            if bounds == INTEGER_RANGES[name]:
                return name
        return "long"
    if json_type in ("number", "boolean", "array"):
        return str(json_type)
    if json_type == "object" or (json_type is None and "properties" in node):
        has_values = "additionalProperties" in node and "properties" not in node
        return "map" if has_values else "object"
    raise SchemaError(
        f"{where}: type {json_type!r} is not an XDM type (string, number, integer, boolean, object, array)"
    )


# --- converters -------------------------------------------------------------------------------


def _refuse(problems: list[Problem], column: str, message: str, code: str = CONVERSION_CODE) -> Any:
    problems.append(Problem(column or "(row)", code, message))
    return REFUSED


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _object(converters: tuple[tuple[str, Convert], ...], required: frozenset[str]) -> Convert:
    def convert(value: Any, column: str, problems: list[Problem]) -> Any:
        if value.__class__ is not dict:
            return _refuse(problems, column, f"Cannot convert {_kind(value)} to object.")
        out: Json = {}
        prefix = f"{column}." if column else ""
        for name, convert_field in converters:
            given = value.get(name)
            if given is None:
                if name in required:
                    _refuse(
                        problems, prefix + name, "Required field is missing or null.", REQUIRED_FIELD_CODE
                    )
                continue
            converted = convert_field(given, prefix + name, problems)
            if converted is not REFUSED:
                out[name] = converted
        return out

    return convert


def _array(item: Convert) -> Convert:
    def convert(value: Any, column: str, problems: list[Problem]) -> Any:
        if value.__class__ is not list:
            return _refuse(
                problems, column, f"Cannot convert {_kind(value)} to array (arrays are never converted)."
            )
        out = [item(element, f"{column}[{index}]", problems) for index, element in enumerate(value)]
        return REFUSED if any(element is REFUSED for element in out) else out

    return convert


def _map(value_convert: Convert) -> Convert:
    def convert(value: Any, column: str, problems: list[Problem]) -> Any:
        if value.__class__ is not dict:
            return _refuse(problems, column, f"Cannot convert {_kind(value)} to map.")
        out = {str(key): value_convert(given, f"{column}.{key}", problems) for key, given in value.items()}
        return REFUSED if any(given is REFUSED for given in out.values()) else out

    return convert


def _scalar(node: Mapping[str, Any], xdm_type: str, where: str) -> Convert:
    if xdm_type in INTEGER_RANGES:
        return _integer
    return {
        "string": _string,
        "number": _number,
        "boolean": _boolean,
        "date": _date,
        "date-time": _date_time,
    }[xdm_type]


def _enum(node: Mapping[str, Any], xdm_type: str, where: str) -> frozenset[Any] | None:
    """A field's enum: its values of the field's own type (an integer field's within its range)."""
    enum = node.get("enum")
    if enum is None:
        return None
    if not isinstance(enum, list) or not enum or len(enum) > MAX_ENUM_VALUES:
        raise SchemaError(f"{where}: enum is a list of 1 to {MAX_ENUM_VALUES} values")
    for value in enum:
        if not _of_type(value, xdm_type):
            raise SchemaError(f"{where}: enum value {value!r} is not a {xdm_type}")
    try:
        return frozenset(enum)
    except TypeError as exc:
        raise SchemaError(f"{where}: enum values are strings, numbers or booleans") from exc


def _of_type(value: Any, xdm_type: str) -> bool:
    """Whether an enum's value is one the field's values can be (an integer within its range)."""
    if xdm_type in ("string", "date", "date-time"):
        return isinstance(value, str)
    if xdm_type == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if xdm_type in INTEGER_RANGES:
        low, high = INTEGER_RANGES[xdm_type]
        return float(value).is_integer() and low <= value <= high
    return math.isfinite(value)


def _constrained(convert: Convert, low: Any, high: Any, allowed: frozenset[Any] | None) -> Convert:
    """``convert``, then the field's range and enum checked on what it made."""
    if low is None and high is None and allowed is None:
        return convert
    shown = sorted(map(str, allowed))[:10] if allowed is not None else []

    def checked(value: Any, column: str, problems: list[Problem]) -> Any:
        converted = convert(value, column, problems)
        if converted is REFUSED:
            return REFUSED
        if low is not None and converted < low:
            return _refuse(problems, column, f"{converted!r} is below the minimum {low}.")
        if high is not None and converted > high:
            return _refuse(problems, column, f"{converted!r} is above the maximum {high}.")
        if allowed is not None and converted not in allowed:
            more = ", ..." if len(allowed) > len(shown) else ""
            return _refuse(problems, column, f"{converted!r} is not one of {', '.join(shown)}{more}.")
        return converted

    return checked


def _bounds(node: Mapping[str, Any], xdm_type: str, where: str) -> tuple[Any, Any]:
    """The range a value must fall in: the field's ``minimum``/``maximum`` within its type's own."""
    low: float | None
    high: float | None
    low, high = INTEGER_RANGES.get(xdm_type, (None, None))
    for key in ("minimum", "maximum"):
        bound = node.get(key)
        if bound is None:
            continue
        if (
            isinstance(bound, bool)
            or not isinstance(bound, int | float)
            or xdm_type not in ("number", *INTEGER_RANGES)
        ):
            raise SchemaError(f"{where}: {key} is a number, on a numeric field")
        if key == "minimum":
            low = bound if low is None else max(low, bound)
        else:
            high = bound if high is None else min(high, bound)
    return low, high


def _string(value: Any, column: str, problems: list[Problem]) -> Any:
    if value.__class__ is str:
        if _SURROGATE.search(value):  # a JSON escape of half a character: no text can hold it
            return _refuse(problems, column, "Cannot convert a string holding a lone surrogate to text.")
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _refuse(problems, column, f"Cannot convert {_kind(value)} to string.")


def _integer(value: Any, column: str, problems: list[Problem]) -> Any:
    if value.__class__ is int:
        return value
    if value.__class__ is float:
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**63:
            return int(value)
        return _refuse(problems, column, f"Cannot convert {value!r} to an integer (not a whole number).")
    if value.__class__ is str:
        if _INTEGER_TEXT.match(value):
            return int(value)
        number = _parsed_number(value)
        if number is not None and number.is_integer():
            return int(number)
        return _refuse(problems, column, f"Cannot convert string {value[:64]!r} to an integer.")
    return _refuse(problems, column, f"Cannot convert {_kind(value)} to an integer.")


def _number(value: Any, column: str, problems: list[Problem]) -> Any:
    """A double: an integer becomes one (past a double's range, refused), NaN and infinity are no
    numbers."""
    if value.__class__ is float or value.__class__ is int:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
        return _refuse(problems, column, f"Cannot convert {value!r} to a number (not a finite double).")
    if value.__class__ is str:
        parsed = _parsed_number(value)
        if parsed is not None:
            return parsed
        return _refuse(problems, column, f"Cannot convert string {value[:64]!r} to a number.")
    return _refuse(problems, column, f"Cannot convert {_kind(value)} to a number.")


def _parsed_number(text: str) -> float | None:
    """A finite number written in ``text`` (never NaN or infinity), else None."""
    if not _NUMBER_TEXT.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _boolean(value: Any, column: str, problems: list[Problem]) -> Any:
    if value.__class__ is bool:
        return value
    return _refuse(
        problems, column, f"Cannot convert {_kind(value)} to boolean (booleans are never converted)."
    )


def _date(value: Any, column: str, problems: list[Problem]) -> Any:
    """A date as ``YYYY-MM-DD``: from an ISO 8601 date (or date-time) or epoch milliseconds."""
    moment = _moment(value)
    if moment is None:
        return _refuse(
            problems, column, f"Cannot convert {_shown(value)} to a date (ISO 8601, or epoch milliseconds)."
        )
    return moment.date().isoformat()


def _date_time(value: Any, column: str, problems: list[Problem]) -> Any:
    """A date-time as ISO 8601 in UTC with milliseconds: from ISO 8601 with an offset (or ``Z``)
    or epoch milliseconds."""
    moment = _moment(value)
    if moment is None or (isinstance(value, str) and "T" not in value.upper()) or value.__class__ is dt.date:
        return _refuse(
            problems,
            column,
            f"Cannot convert {_shown(value)} to a date-time "
            "(ISO 8601 with an offset, or epoch milliseconds).",
        )
    try:  # an instant near year 1 or 9999 may not exist in UTC
        in_utc = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return _refuse(problems, column, f"Cannot convert {_shown(value)} to a date-time in UTC.")
    return in_utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _moment(value: Any) -> dt.datetime | None:
    """The instant ``value`` names: epoch milliseconds, ISO 8601 text, or (from a Parquet file) a
    date or date-time; a date-time without an offset is taken as UTC only from Parquet, whose
    timestamps are UTC unless they say otherwise."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if value.__class__ is int:
        try:
            return _EPOCH + dt.timedelta(milliseconds=value)
        except (OverflowError, ValueError):
            return None
    if value.__class__ is not str or len(value) > 64:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        if "T" in value.upper() or " " in value.strip():
            return None  # a date-time without an offset names no instant
        moment = moment.replace(tzinfo=dt.UTC)  # a date alone
    return moment


def _shown(value: Any) -> str:
    return repr(value[:64]) if isinstance(value, str) else _kind(value)
